#pragma once
// Small scenarios built in code, with exactly known properties, for tests that
// must not depend on the shipped scenario files.
#include <string>

#include "sim/scenario/scenario.hpp"

namespace fnesim::testing {

// `regions` regions of `envelope_eur` each, no fees, a 365-day window in 2021,
// one rule paying `rate` of every dossier of every status and size, uniform
// arrivals, one trainee per dossier at a fixed `cost_eur`, no life-cycle effects.
inline Scenario simple_scenario(int regions, double expected_dossiers_per_region, std::int64_t envelope_eur,
                                double cost_eur, Rate rate = Rate{Rate::full}) {
  Scenario s;
  s.name = "test";
  Convention& c = s.convention;
  c.total_envelope = euros(envelope_eur) * regions;
  c.fee_rate = Rate{0};
  c.commitment_start = Date::from_ymd(2021, 1, 1);
  c.commitment_end = Date::from_ymd(2021, 12, 31);
  c.training_end = Date::from_ymd(2022, 4, 30);
  for (int r = 0; r < regions; ++r) {
    Region region;
    region.code = "R";
    region.code.append(std::to_string(r));
    region.name = "Region ";
    region.name.append(std::to_string(r));
    region.envelope = euros(envelope_eur);
    c.regions.push_back(region);
  }
  CoverageRule rule;
  rule.id = "all";
  rule.statuses = {Status::AP, Status::APLD, Status::Difficulty, Status::Transformation, Status::Resumption};
  rule.headcount_min = 1;
  rule.headcount_max = 1'000'000'000;
  rule.rate = rate;
  s.coverage.rules = {rule};
  DemandModel& d = s.demand;
  d.regions.resize(static_cast<std::size_t>(regions));
  for (RegionalDemand& rd : d.regions) {
    rd.expected_dossiers = expected_dossiers_per_region;
    rd.mix.fill(0.0);
    rd.mix[mix_cell(SizeClass::Under50, Status::AP, Pathway::Anticipation)] = 1.0;
    for (int m = 0; m < 12; ++m) rd.monthly_profile[static_cast<std::size_t>(m)] = days_in_month(2021, m + 1);
  }
  d.regional_correlation = Eigen::MatrixXd::Identity(regions, regions);
  d.trainees.kind = TraineeCount::Kind::Fixed;
  d.trainees.fixed = 1;
  for (TraineeCost& tc : d.cost_per_trainee) {
    tc.kind = TraineeCost::Kind::Fixed;
    tc.mean_eur = cost_eur;
    tc.sigma = 0;
  }
  s.run.replications = 100;
  s.run.seed = 42;
  return s;
}

// The same, with the richer features on: uptake uncertainty, a mix, random
// costs and trainees, schedules, cancellations, drop-outs, invoicing lags,
// carry-over and diagnostics — for invariants that must hold whatever happens.
inline Scenario rich_scenario(ExhaustionPolicy policy) {
  Scenario s = simple_scenario(3, 400, 4'000'000, 6000);
  s.convention.fee_rate = Rate{500};
  DemandModel& d = s.demand;
  d.exhaustion_policy = policy;
  d.overcommit_margin = policy == ExhaustionPolicy::Overcommit ? 0.05 : 0.0;
  d.national_uptake_cv = 0.2;
  d.regional_uptake_cv = 0.3;
  d.regional_correlation << 1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1;
  for (RegionalDemand& rd : d.regions) {
    for (int cell = 0; cell < mix_cell_count; ++cell)
      rd.mix[static_cast<std::size_t>(cell)] = 1.0 / mix_cell_count;
    rd.monthly_profile = {1, 1, 1, 1, 1, 1, 0.5, 0.3, 1, 1.2, 1.3, 1.5};
  }
  d.intake_closes_days_before_end = 14;
  d.trainees.kind = TraineeCount::Kind::ShiftedPoisson;
  d.trainees.mean = 2.5;
  for (TraineeCost& tc : d.cost_per_trainee) {
    tc.kind = TraineeCost::Kind::LogNormal;
    tc.sigma = 0.6;
  }
  d.pedagogical_share = 0.8;
  d.ancillary_share = 0.1;
  d.remuneration_share = 0.1;
  for (DayRange& dr : d.start_lag_days) dr = {5, 60};
  for (DayRange& dr : d.duration_days) dr = {3, 200};
  d.cancellation_probability = 0.1;
  d.dropout_mean = 0.1;
  d.dropout_sd = 0.08;
  d.invoicing_lag_days = {10, 90};
  d.carryover_expected_dossiers = 30;
  d.carryover_mean_fne_eur = 8000;
  d.carryover_sigma = 0.5;
  d.diagnostics_expected_dossiers = 60;
  d.diagnostic_days = {1, 10};
  // The art. 6 table's shape: lower rates for the larger companies.
  CoverageRule large = s.coverage.rules[0];
  large.id = "large";
  large.headcount_min = 300;
  large.rate = Rate{7000};
  s.coverage.rules[0].headcount_max = 299;
  s.coverage.rules.push_back(large);
  return s;
}

}  // namespace fnesim::testing
