// The posterior recovers the rates that generated the actuals. Synthetic
// actuals are written from replications of observed-2021 (whose uptake
// multipliers are known: Simulator::uptake_factors), read back, and learnt
// from at a mid-year cut-off; each region's multiplier must fall inside its
// 90 % credible interval about 90 % of the time.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "sim/forecast/actuals.hpp"
#include "sim/forecast/synthetic_actuals.hpp"

namespace fnesim {
namespace {

constexpr std::uint64_t seed = 20210901;
constexpr int replications = 8;

TEST(ActualsRecovery, TheGeneratingMultipliersFallInsideTheirCredibleIntervalsAtTheNominalRate) {
  const Scenario scenario = load_scenario_argument("observed-2021");
  const Simulator simulator(scenario);
  const Date cut_off = Date::from_ymd(2021, 7, 1);
  int comparisons = 0, outside = 0;
  double prior_cv = 0, posterior_cv = 0;
  for (int rep = 0; rep < replications; ++rep) {
    const std::string csv = synthetic_actuals_csv(simulator, seed, rep, SyntheticLayout::Dossiers);
    const Actuals actuals = parse_actuals(csv, "synthetic.csv", scenario);
    const ConditionedScenario c = condition_on_actuals(scenario, actuals, cut_off);
    const std::vector<double> truth = simulator.uptake_factors(seed, rep);
    for (std::size_t r = 0; r < truth.size(); ++r) {
      const RegionLearning& l = c.report.regions[r];
      ++comparisons;
      outside += truth[r] < l.posterior_quantile(0.05) || truth[r] > l.posterior_quantile(0.95);
      prior_cv += l.prior_cv;
      posterior_cv += l.posterior_cv();
    }
  }
  // 96 comparisons; if the intervals are calibrated the misses are about
  // Binomial(96, 0.1): mean 9.6, and P(≤ 1) and P(≥ 21) are both under 5e-4.
  // (Regions of one replication share the common factor's error, which widens
  // the spread somewhat: the bounds leave room for it.) Too many misses: the
  // intervals are too narrow or biased; too few: they are too wide to be useful.
  EXPECT_EQ(comparisons, 96);
  EXPECT_GE(outside, 2);
  EXPECT_LE(outside, 20);
  // And something was learnt: half a year of dossiers narrows the intervals.
  EXPECT_LT(posterior_cv, 0.5 * prior_cv);
}

// What was committed before the cut-off goes on to be realised, lapse and be
// paid as the scenario's life cycle says, whether the actuals list each
// dossier or give monthly totals. For years of a scenario (truths), the
// forecast from the same scenario at a late cut-off, where most of the year
// is observed, must expect each year's end-of-convention figures without
// bias: the mean over the years of (forecast mean − truth) within three of its
// standard errors of 0. Monthly totals were once realised as one lump each at
// the mean life cycle: every lump's training ended on one day, its amount
// shared pro rata of nothing, and the lumps realised 9 % too much by the
// financial review and lapsed half of what the years lapsed.
TEST(ActualsRecovery, WhatWasCommittedBeforeTheCutOffSettlesAsTheYearsDidWhateverTheLayout) {
  const Scenario scenario =
      load_scenario_file(std::string(FNESIM_SOURCE_DIR) + "/tests/data/actuals/synthetic.toml");
  const Simulator truth_simulator(scenario);
  const Date cut_off = Date::from_ymd(2021, 11, 1);
  constexpr int years = 16, forecast_replications = 100;
  auto truth_workspace = truth_simulator.make_workspace();
  for (const SyntheticLayout layout : {SyntheticLayout::Dossiers, SyntheticLayout::Monthly}) {
    SCOPED_TRACE(synthetic_layout_keys[static_cast<std::size_t>(layout)]);
    struct Figure {
      const char* name;
      Cents NationalOutcome::*member;
      std::vector<double> errors{};
    };
    std::vector<Figure> figures{{"realised by the review", &NationalOutcome::review_realised},
                                {"paid by the review", &NationalOutcome::review_paid},
                                {"lapsed", &NationalOutcome::lapsed},
                                {"paid", &NationalOutcome::paid}};
    for (int year = 0; year < years; ++year) {
      ReplicationOutcome truth = truth_simulator.make_outcome();
      truth_simulator.simulate(seed, year, *truth_workspace, truth);
      const std::string csv = synthetic_actuals_csv(truth_simulator, seed, year, layout);
      const Actuals actuals = parse_actuals(csv, "synthetic.csv", scenario);
      const Simulator forecaster(condition_on_actuals(scenario, actuals, cut_off).scenario);
      auto workspace = forecaster.make_workspace();
      std::vector<double> sums(figures.size(), 0.0);
      for (int rep = 0; rep < forecast_replications; ++rep) {
        ReplicationOutcome outcome = forecaster.make_outcome();
        forecaster.simulate(seed + 1, rep, *workspace, outcome);
        for (std::size_t f = 0; f < figures.size(); ++f)
          sums[f] += static_cast<double>(outcome.national.*(figures[f].member));
      }
      for (std::size_t f = 0; f < figures.size(); ++f)
        figures[f].errors.push_back(sums[f] / forecast_replications -
                                    static_cast<double>(truth.national.*(figures[f].member)));
    }
    for (const Figure& figure : figures) {
      double mean = 0, squares = 0;
      for (double e : figure.errors) mean += e / years;
      for (double e : figure.errors) squares += (e - mean) * (e - mean);
      const double standard_error = std::sqrt(squares / (years - 1) / years);
      EXPECT_LE(std::abs(mean), 3 * standard_error)
          << figure.name << ": the forecasts miss the years by " << mean / 100 << " EUR on average, ± "
          << standard_error / 100;
    }
  }
}

}  // namespace
}  // namespace fnesim
