#pragma once
// What a replication needs from its scenario, computed once before the first
// draw: the calendar of the window, the coverage rules per epoch as tables by
// attribute cell, each region's available amount, expected arrivals and daily
// filing intensity, and the samplers whose parameters do not change between
// replications. The simulator reads it; nothing in it changes while it runs.
#include <Eigen/Dense>
#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <vector>

#include "models/categories.hpp"
#include "models/money.hpp"
#include "sim/boost_random.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/variates.hpp"

namespace fnesim {

// A period of the window within which the coverage rules do not change: the
// rate, cap and eligibility of each size × status × pathway cell.
struct CoverageEpoch {
  std::int32_t first_day = 0;
  std::array<Rate, mix_cell_count> rate{};
  std::array<std::optional<Cents>, mix_cell_count> cap{};
  std::array<bool, mix_cell_count> eligible{};
};

// A population of a policy event (models/policy_event.hpp): dossiers with
// their own mix, filed alongside the scenario's own.
struct PopulationPlan {
  AttributeMix mix{};
  AliasTable cell;
  std::vector<double> daily_expected;  // arrivals per window day, before uptake
  std::vector<double> eligible_share;  // per coverage epoch: of its mix, the share a rule applies to
};

struct RegionPlan {
  Cents available = 0;
  Cents ceiling = 0;                  // available, or available × (1 + margin) when overcommitting
  double expected_arrivals = 0;       // every population, diagnostics included, before uptake
  double diagnostic_probability = 0;  // share of the scenario's own arrivals that are diagnostics
  double carryover_expected = 0;
  std::vector<double> cumulative_intensity;  // per window day, normalised to end at 1
  std::vector<double> own_daily_expected;    // the scenario's own arrivals per window day, before uptake
  std::vector<double> profile_weight;        // the monthly profile over the window's days, before events
  AttributeMix mix{};
  AliasTable cell;
  bool cell_is_of_mix = false;  // `cell` was built from `mix` (a redraw keeps it while the mix is unchanged)
  std::vector<double>
      mix_eligible;  // per coverage epoch: of `mix`, the share a rule applies to (kept with `cell`)
  std::vector<double> eligible_share;  // per coverage epoch: of arrivals, diagnostics and eligible dossiers
  std::vector<PopulationPlan> populations;  // of new-population events, in the scenario's order
  std::vector<std::size_t> observed;        // the region's dossiers in forecast_start, in filing order
};

struct Plan {
  explicit Plan(const Scenario& scenario);
  // The demand-dependent parts (arrivals, mix, events, samplers) recomputed
  // for `scenario`, whose convention and coverage are this plan's: a
  // replication whose uncertain parameters were drawn.
  void redraw_demand(const Scenario& scenario) { redraw(scenario, window_days, true); }
  // A particle is weighed by the eligible arrivals it expects on each day
  // before the cut-off (expected_eligible_arrivals) and nothing else: its
  // redraw computes the daily expectations of the days before `day` and the
  // eligible shares, and leaves the later days, the arrival process and the
  // samplers as they were — stale, so such a plan must not simulate. The
  // days before `day` get the same bits as from redraw_demand (every day is
  // computed when a rush starts before `day`: it sums the demand after it).
  void redraw_expectations_before(const Scenario& scenario, int day) {
    redraw(scenario, std::clamp(day, 0, window_days), false);
  }

  int window_days = 0;          // commitment window, day 0 = commitment start
  int horizon_days = 0;         // to the last possible payment
  int month_count = 0;          // months of the trajectories, over the horizon
  // Months of the cash series ([financing]; else 0): the trajectories' months
  // and on to the balance at settlement, which may come after the horizon.
  int cash_month_count = 0;
  int first_simulated_day = 0;  // the cut-off of a forecast from actuals, else 0
  std::int32_t last_training_day = 0;
  std::int32_t review_day = 0;  // the financial review's snapshot, at the end of this day
  std::vector<std::int32_t> month_of_day;  // day → trajectory month, over the horizon
  // The first month whose uptake may drift or jump: a forecast's level is
  // learnt up to the last month with actuals, so the month after it.
  int first_drift_month() const {
    return first_simulated_day == 0 ? 0 : month_of_day[static_cast<std::size_t>(first_simulated_day - 1)] + 1;
  }
  int last_window_month() const { return month_of_day[static_cast<std::size_t>(window_days - 1)]; }
  // The month of the last day dossiers are filed under `demand`: a jump of
  // uptake after it moves no demand.
  int last_filing_month(const DemandModel& demand) const {
    return month_of_day[static_cast<std::size_t>(
        std::max(0, window_days - 1 - demand.intake_closes_days_before_end))];
  }
  // Per window day: its calendar month (0 = January), and that month's length.
  std::vector<std::int8_t> calendar_month_of_day, days_in_month_of_day;
  std::vector<int> month_starts;           // the window's first day of each calendar month, from day 0
  std::vector<CoverageEpoch> epochs;       // in order of first_day, the first on day 0
  std::vector<RegionPlan> regions;
  Eigen::MatrixXd uptake_loading;  // L with L Lᵀ = regional correlation
  // The trainees' samplers; a redraw rebuilds them only when their parameters
  // change (the trainees' mean may be uncertain).
  PoissonSampler trainee_extra;  // trainees beyond the first (shifted Poisson)
  double trainee_extra_mean = std::numeric_limits<double>::quiet_NaN();  // its mean; NaN before the first
  AliasTable trainee_category;
  std::vector<double> trainee_category_weights;  // its weights
  // A trainee's lognormal cost per pathway: exp(location + sd × Z).
  std::array<double, pathway_count> trainee_cost_location{}, trainee_cost_sd{};
  // Drop-out share ~ Beta(a, b) from its mean and sd; none when the sd is 0.
  bool random_dropout = false;
  double dropout_alpha = 1, dropout_beta = 1;

  // The envelope's share of a training dossier of `cell` costing `total_cost`
  // (all components), under `epoch`'s rules: the cost split by component, then
  // models/coverage.hpp's envelope_share — the formula `quote` applies.
  Cents envelope_share_of(const CoverageEpoch& epoch, int cell, Cents total_cost) const {
    const CostComponents parts =
        split_cost_components(total_cost, pedagogical_share, ancillary_share, remuneration_share);
    const auto c = static_cast<std::size_t>(cell);
    return envelope_share(eligible_cost(coverage, parts.pedagogical, parts.ancillary), epoch.rate[c],
                          epoch.cap[c]);
  }
  // The epoch in force on `day`.
  const CoverageEpoch& epoch_on(std::int32_t day) const { return epochs[epoch_index_on(day)]; }
  // Its index; the search may start from the index of an earlier day's epoch
  // (a walk over the days then scans the epochs once).
  std::size_t epoch_index_on(std::int32_t day, std::size_t from = 0) const {
    std::size_t e = from;
    while (e + 1 < epochs.size() && epochs[e + 1].first_day <= day) ++e;
    return e;
  }

  // Arrivals of `region` expected on `day` (before uptake) that an actuals
  // file would show: those a coverage rule applies to, and diagnostics.
  // `epoch` is epoch_index_on(day). Inline: every particle asks it of every
  // region and day before the cut-off.
  double expected_eligible_arrivals(int region, std::int32_t day, std::size_t epoch) const {
    const RegionPlan& plan = regions[static_cast<std::size_t>(region)];
    const auto d = static_cast<std::size_t>(day);
    double expected = plan.own_daily_expected[d] * plan.eligible_share[epoch];
    for (const PopulationPlan& population : plan.populations)
      expected += population.daily_expected[d] * population.eligible_share[epoch];
    return expected;
  }

 private:
  void redraw(const Scenario& scenario, int days_wanted, bool everything);
  CoverageSettings coverage;
  double pedagogical_share = 1, ancillary_share = 0, remuneration_share = 0;
};

}  // namespace fnesim
