#include "sim/plan.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/envelope.hpp"

namespace fnesim {

Plan::Plan(const Scenario& scenario)
    : coverage(scenario.coverage),
      pedagogical_share(scenario.demand.pedagogical_share),
      ancillary_share(scenario.demand.ancillary_share),
      remuneration_share(scenario.demand.remuneration_share) {
  const Convention& conv = scenario.convention;
  const DemandModel& demand = scenario.demand;
  const auto region_count = static_cast<int>(conv.regions.size());
  window_days = conv.commitment_days();
  last_training_day = days_between(conv.commitment_start, conv.training_end);
  const Date horizon_end = conv.training_end.plus_days(demand.invoicing_lag_days.max);
  horizon_days = days_between(conv.commitment_start, horizon_end) + 1;
  month_count = month_index(conv.commitment_start, horizon_end) + 1;
  month_of_day.resize(static_cast<std::size_t>(horizon_days));
  for (int d = 0; d < horizon_days; ++d)
    month_of_day[static_cast<std::size_t>(d)] =
        month_index(conv.commitment_start, conv.commitment_start.plus_days(d));

  // Coverage epochs: the rules can only change on a valid_from or the day after a valid_until.
  std::vector<std::int32_t> boundaries = {0};
  for (const CoverageRule& rule : scenario.coverage.rules) {
    if (rule.valid_from) boundaries.push_back(days_between(conv.commitment_start, *rule.valid_from));
    if (rule.valid_until) boundaries.push_back(days_between(conv.commitment_start, *rule.valid_until) + 1);
  }
  std::sort(boundaries.begin(), boundaries.end());
  boundaries.erase(std::unique(boundaries.begin(), boundaries.end()), boundaries.end());
  for (std::int32_t first_day : boundaries) {
    if (first_day < 0 || first_day >= window_days) continue;
    CoverageEpoch epoch;
    epoch.first_day = first_day;
    const Date date = conv.commitment_start.plus_days(first_day);
    for (int s = 0; s < size_class_count; ++s)
      for (int st = 0; st < status_count; ++st)
        for (int p = 0; p < pathway_count; ++p) {
          const auto cell = static_cast<std::size_t>(
              mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)));
          const CoverageRule* rule =
              find_rule_or_null(scenario.coverage, Regime::Convention, static_cast<Status>(st),
                                demand.representative_headcount[static_cast<std::size_t>(s)], date);
          epoch.eligible[cell] = rule != nullptr;
          epoch.rate[cell] = rule ? rule->rate : Rate{};
          epoch.cap[cell] = rule ? rule->cap_per_dossier : std::nullopt;
        }
    epochs.push_back(epoch);
  }

  const double margin =
      demand.exhaustion_policy == ExhaustionPolicy::Overcommit ? demand.overcommit_margin : 0.0;
  const double diagnostics_total = demand.diagnostics_expected_dossiers;
  const double available_total = static_cast<double>(conv.total_available());
  for (int r = 0; r < region_count; ++r) {
    const RegionalDemand& rd = demand.regions[static_cast<std::size_t>(r)];
    RegionPlan plan;
    plan.available = conv.available(static_cast<std::size_t>(r));
    plan.ceiling = overcommit_ceiling(plan.available, margin);
    const double share = available_total > 0 ? plan.available / available_total : 0.0;
    const double diagnostics = diagnostics_total * share;
    plan.expected_arrivals = rd.expected_dossiers + diagnostics;
    plan.diagnostic_probability = plan.expected_arrivals > 0 ? diagnostics / plan.expected_arrivals : 0.0;
    plan.carryover_expected = demand.carryover_expected_dossiers * share;

    // Filing intensity per day: the month's weight spread over its days, none
    // once intake has closed, normalised over the open days.
    const int open_days = window_days - demand.intake_closes_days_before_end;
    plan.cumulative_intensity.assign(static_cast<std::size_t>(window_days) + 1, 0.0);
    for (int d = 0; d < window_days; ++d) {
      const Date date = conv.commitment_start.plus_days(d);
      const double weight = d < open_days ? rd.monthly_profile[static_cast<std::size_t>(date.month() - 1)] /
                                                days_in_month(date.year(), date.month())
                                          : 0.0;
      plan.cumulative_intensity[static_cast<std::size_t>(d) + 1] =
          plan.cumulative_intensity[static_cast<std::size_t>(d)] + weight;
    }
    const double total = plan.cumulative_intensity.back();
    for (double& c : plan.cumulative_intensity) c = total > 0 ? c / total : 0.0;
    plan.cell = boost::random::discrete_distribution<int, double>(rd.mix.begin(), rd.mix.end());

    double mean_days_to_end = 0;
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const auto p = static_cast<std::size_t>(cell % pathway_count);
      const DayRange& lag = demand.start_lag_days[p];
      const DayRange& duration = demand.duration_days[p];
      mean_days_to_end +=
          rd.mix[static_cast<std::size_t>(cell)] * (lag.min + lag.max + duration.min + duration.max) / 2.0;
    }
    plan.lump_days_to_end = static_cast<int>(std::lround(mean_days_to_end));
    plan.lump_realised_share = (1 - demand.cancellation_probability) * (1 - demand.dropout_mean);
    regions.push_back(std::move(plan));
  }

  if (const auto& start = scenario.forecast_start) {
    first_simulated_day = std::clamp(days_between(conv.commitment_start, start->as_of), 0, window_days);
    std::vector<std::size_t> order(start->dossiers.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return start->dossiers[a].filing_day < start->dossiers[b].filing_day;
    });
    for (std::size_t i : order)
      regions.at(static_cast<std::size_t>(start->dossiers[i].region)).observed.push_back(i);
  }

  const TraineeCount& tc = demand.trainees;
  trainee_extra = boost::random::poisson_distribution<int, double>(tc.mean > 1 ? tc.mean - 1 : 1.0);
  trainee_category = boost::random::discrete_distribution<int, double>(
      tc.weights.empty() ? std::vector<double>{1.0} : tc.weights);
  for (int p = 0; p < pathway_count; ++p) {
    const TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(p)];
    const double sigma = cost.kind == TraineeCost::Kind::LogNormal ? cost.sigma : 0.0;
    trainee_cost[static_cast<std::size_t>(p)] =
        boost::random::lognormal_distribution<double>(std::log(cost.mean_eur) - sigma * sigma / 2, sigma);
  }
  random_dropout = demand.dropout_sd > 0;
  if (random_dropout) {
    // Beta from its mean m and sd s: a + b = m(1 − m)/s² − 1.
    const double m = demand.dropout_mean, s = demand.dropout_sd;
    const double concentration = m * (1 - m) / (s * s) - 1;
    dropout_alpha = m * concentration;
    dropout_beta = (1 - m) * concentration;
  }

  // Gaussian copula loading: L = V √Λ handles semidefinite matrices too.
  const Eigen::MatrixXd& corr = demand.regional_correlation;
  if (corr.rows() == region_count && corr.cols() == region_count) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> solver(corr);
    uptake_loading = solver.eigenvectors() * solver.eigenvalues().cwiseMax(0.0).cwiseSqrt().asDiagonal();
  } else {
    uptake_loading = Eigen::MatrixXd::Identity(region_count, region_count);
  }
}

const CoverageEpoch& Plan::epoch_on(std::int32_t day) const {
  std::size_t e = 0;
  while (e + 1 < epochs.size() && epochs[e + 1].first_day <= day) ++e;
  return epochs[e];
}

}  // namespace fnesim
