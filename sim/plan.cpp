#include "sim/plan.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <numeric>

#include "models/envelope.hpp"
#include "sim/parameters.hpp"

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
  review_day = days_between(conv.commitment_start, conv.financial_review);
  const Date horizon_end = conv.training_end.plus_days(demand.invoicing_lag_days.max);
  horizon_days = days_between(conv.commitment_start, horizon_end) + 1;
  month_count = month_index(conv.commitment_start, horizon_end) + 1;
  if (scenario.financing)
    cash_month_count =
        month_index(conv.commitment_start, horizon_end.plus_days(scenario.financing->settlement_lag_days)) + 1;
  month_of_day.resize(static_cast<std::size_t>(horizon_days));
  for (int d = 0; d < horizon_days; ++d)
    month_of_day[static_cast<std::size_t>(d)] =
        month_index(conv.commitment_start, conv.commitment_start.plus_days(d));

  for (int d = 0; d < window_days; ++d) {
    const Date date = conv.commitment_start.plus_days(d);
    calendar_month_of_day.push_back(static_cast<std::int8_t>(date.month() - 1));
    days_in_month_of_day.push_back(static_cast<std::int8_t>(days_in_month(date.year(), date.month())));
    if (d == 0 || calendar_month_of_day[static_cast<std::size_t>(d)] !=
                      calendar_month_of_day[static_cast<std::size_t>(d) - 1])
      month_starts.push_back(d);
  }

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

  redraw_demand(scenario);

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

  const Eigen::MatrixXd& corr = demand.regional_correlation;
  if (corr.rows() == region_count && corr.cols() == region_count) {
    uptake_loading = copula_loading(corr);
  } else {
    uptake_loading = Eigen::MatrixXd::Identity(region_count, region_count);
  }
}

namespace {

// The window's days in runs of one profile weight: each month's open days,
// then its days after intake has closed. `starts` are the runs' first days,
// in order from 0; a run ends where the next starts, the last at `days`.
struct WeightRuns {
  std::vector<int> starts;
  int days = 0;
  int open_days = 0;  // intake closes from this day on
  int end_of(std::size_t run) const { return run + 1 < starts.size() ? starts[run + 1] : days; }
  bool closed(std::size_t run) const { return starts[run] >= open_days; }
};

WeightRuns weight_runs(const std::vector<int>& month_starts, int window_days, int open_days) {
  WeightRuns runs{{}, window_days, open_days};
  for (std::size_t k = 0; k < month_starts.size(); ++k) {
    const int first = month_starts[k], end = k + 1 < month_starts.size() ? month_starts[k + 1] : window_days;
    runs.starts.push_back(first);
    if (first < open_days && open_days < end) runs.starts.push_back(open_days);
  }
  return runs;
}

// Each window day's weight, its month's over the month's length, none from
// `open_days` on; returns their sum. A particle or a replication redraws this
// for every region, so a month's days share one division (the same quotient);
// the sum is taken day by day in order, as it always was (a closed day's 0
// adds nothing to a sum that starts at +0). Out of line: inlined into
// Plan::redraw, GCC 12 kept the running sum on the stack, a store and a
// reload in every day's chain of additions.
[[gnu::noinline]] double spread_profile_over_days(const std::array<double, 12>& monthly_profile,
                                                  const std::vector<std::int8_t>& calendar_month_of_day,
                                                  const std::vector<std::int8_t>& days_in_month_of_day,
                                                  const WeightRuns& runs, std::vector<double>& weight) {
  double total = 0;
  for (std::size_t run = 0; run < runs.starts.size(); ++run) {
    const auto first = static_cast<std::size_t>(runs.starts[run]),
               end = static_cast<std::size_t>(runs.end_of(run));
    if (runs.closed(run)) {
      std::fill(weight.begin() + static_cast<std::ptrdiff_t>(first),
                weight.begin() + static_cast<std::ptrdiff_t>(end), 0.0);
      continue;
    }
    const double day_weight =
        monthly_profile[static_cast<std::size_t>(calendar_month_of_day[first])] / days_in_month_of_day[first];
    for (std::size_t d = first; d < end; ++d) {
      weight[d] = day_weight;
      total += day_weight;
    }
  }
  return total;
}

// Two arrays alike to the bit: == would take −0 for +0, whose profile
// weights differ; and a compare of bytes is several times faster than one of
// doubles, which every particle's redraw makes of its mixes.
template <std::size_t N>
bool same_bits(const std::array<double, N>& a, const std::array<double, N>& b) {
  return std::memcmp(a.data(), b.data(), sizeof a) == 0;
}

// `total` × weight / `weight_sum` on each day from `from_day` to before
// `to_day`: the days of a run of equal weights share one product and quotient.
void spread_over_days(double total, double weight_sum, const std::vector<double>& weight,
                      const WeightRuns& runs, int from_day, int to_day, std::vector<double>& out) {
  for (std::size_t run = 0; run < runs.starts.size() && runs.starts[run] < to_day; ++run) {
    const int end = std::min(runs.end_of(run), to_day);
    if (end <= from_day) continue;
    const auto first = static_cast<std::size_t>(std::max(runs.starts[run], from_day));
    const double share = weight_sum > 0 ? total * weight[first] / weight_sum : 0.0;
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(first), out.begin() + end, share);
  }
}

// Per epoch, the share of `mix` a coverage rule applies to. A redraw
// recomputes it only with a new mix (12 regions × 96 cells an epoch, for every
// particle of a forecast otherwise).
std::vector<double> eligible_shares(const std::vector<CoverageEpoch>& epochs, const AttributeMix& mix) {
  std::vector<double> shares;
  for (const CoverageEpoch& epoch : epochs) {
    double share = 0;
    for (int cell = 0; cell < mix_cell_count; ++cell)
      if (epoch.eligible[static_cast<std::size_t>(cell)]) share += mix[static_cast<std::size_t>(cell)];
    shares.push_back(share);
  }
  return shares;
}

// The factor a step event puts on day `d`'s intensity (1 before it).
double step_factor(const PolicyEvent& event, int from_day, int d) {
  if (d < from_day) return 1.0;
  if (event.ramp_days <= 0 || d - from_day >= event.ramp_days) return event.factor;
  return 1.0 + (event.factor - 1.0) * (d - from_day + 1) / event.ramp_days;
}

}  // namespace

void Plan::redraw(const Scenario& scenario, int days_wanted, bool everything) {
  const Convention& conv = scenario.convention;
  const DemandModel& demand = scenario.demand;
  const auto region_count = static_cast<int>(conv.regions.size());
  regions.resize(static_cast<std::size_t>(region_count));
  const double diagnostics_total = demand.diagnostics_expected_dossiers;
  const double available_total = static_cast<double>(conv.total_available());
  const int open_days = window_days - demand.intake_closes_days_before_end;
  double own_total = 0;
  for (const RegionalDemand& rd : demand.regions) own_total += rd.expected_dossiers;
  auto day_of = [&](Date date) { return std::clamp(days_between(conv.commitment_start, date), 0, window_days); };
  const WeightRuns runs = weight_runs(month_starts, window_days, open_days);
  // A rush sums the demand still to come from its date: the days it moves
  // before those wanted need every later day's.
  int days = everything ? window_days : days_wanted;
  for (const PolicyEvent& event : scenario.events)
    if (event.kind == PolicyEventKind::Rush && std::max(day_of(event.from), open_days - event.days) < days)
      days = window_days;
  // An uncertain profile is drawn for the nation (set_monthly_profile), so a
  // region's profile is mostly the previous region's: its days' weights,
  // their sum and each new population's weight after its date are then the
  // previous region's, summed once for all — the same bits. A particle
  // redraws all three for every region otherwise.
  double profile_total = 0;
  std::vector<double> weight_after_event(scenario.events.size(), 0.0);

  for (int r = 0; r < region_count; ++r) {
    const RegionalDemand& rd = demand.regions[static_cast<std::size_t>(r)];
    RegionPlan& plan = regions[static_cast<std::size_t>(r)];
    plan.available = conv.available(static_cast<std::size_t>(r));
    plan.ceiling = overcommit_ceiling(plan.available, demand.ceiling_margin());
    const double share = available_total > 0 ? plan.available / available_total : 0.0;
    const double diagnostics = diagnostics_total * share;
    const double own_expected = rd.expected_dossiers + diagnostics;
    plan.diagnostic_probability = own_expected > 0 ? diagnostics / own_expected : 0.0;
    plan.carryover_expected = demand.carryover_expected_dossiers * share;
    // A redraw (each replication's or particle's uncertain parameters) leaves
    // the mix as it was: its table, long-double arithmetic over every cell,
    // is rebuilt only when the mix changes — the same table either way.
    // So are its shares a coverage rule applies to, per epoch.
    if (!plan.cell_is_of_mix || !same_bits(plan.mix, rd.mix)) {
      AliasTable cell(rd.mix);  // built first: a throw leaves the table and its mix paired
      plan.cell = std::move(cell);
      plan.mix = rd.mix;
      plan.mix_eligible = eligible_shares(epochs, plan.mix);
      plan.cell_is_of_mix = true;
    }

    // Filing intensity per day: the month's weight spread over its days, none
    // once intake has closed. Written from day 0 (the expectations up to the
    // days wanted), sized, not cleared, so that a redraw reuses their memory.
    std::vector<double>& profile_weight = plan.profile_weight;
    const bool profile_as_before =
        r > 0 &&
        same_bits(rd.monthly_profile, demand.regions[static_cast<std::size_t>(r) - 1].monthly_profile);
    if (profile_as_before) {
      profile_weight = regions[static_cast<std::size_t>(r) - 1].profile_weight;
    } else {
      profile_weight.resize(static_cast<std::size_t>(window_days));
      profile_total = spread_profile_over_days(rd.monthly_profile, calendar_month_of_day,
                                               days_in_month_of_day, runs, profile_weight);
    }
    plan.own_daily_expected.resize(static_cast<std::size_t>(window_days));
    spread_over_days(own_expected, profile_total, profile_weight, runs, 0, days, plan.own_daily_expected);

    // Steps, then rushes, change the scenario's own demand; new populations add their own.
    std::vector<PopulationPlan> previous_populations = std::move(plan.populations);
    plan.populations.clear();
    for (const PolicyEvent& event : scenario.events) {
      const int from = day_of(event.from);
      if (event.kind == PolicyEventKind::Step) {
        for (int d = from; d < days; ++d)
          plan.own_daily_expected[static_cast<std::size_t>(d)] *= step_factor(event, from, d);
      }
    }
    for (const PolicyEvent& event : scenario.events) {
      if (event.kind != PolicyEventKind::Rush) continue;
      const int from = day_of(event.from);
      const int rush_start = std::max(from, open_days - event.days);
      if (rush_start >= open_days || rush_start >= days) continue;
      double remaining = 0;
      for (int d = from; d < open_days; ++d)
        remaining += plan.own_daily_expected[static_cast<std::size_t>(d)];
      const double per_day = event.share * remaining / (open_days - rush_start);
      for (int d = rush_start; d < open_days; ++d) plan.own_daily_expected[static_cast<std::size_t>(d)] += per_day;
    }
    for (std::size_t e = 0; e < scenario.events.size(); ++e) {
      const PolicyEvent& event = scenario.events[e];
      if (event.kind != PolicyEventKind::NewPopulation) continue;
      PopulationPlan population;
      // The regions' size and pathway mix, with the event's statuses.
      for (int s = 0; s < size_class_count; ++s)
        for (int p = 0; p < pathway_count; ++p) {
          double size_pathway = 0;
          for (int st = 0; st < status_count; ++st)
            size_pathway += rd.mix[static_cast<std::size_t>(
                mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)))];
          for (int st = 0; st < status_count; ++st)
            population.mix[static_cast<std::size_t>(
                mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)))] =
                size_pathway * event.statuses[static_cast<std::size_t>(st)];
        }
      // Its table kept when its mix is the previous redraw's, as the region's.
      const std::size_t k = plan.populations.size();
      if (k < previous_populations.size() && same_bits(previous_populations[k].mix, population.mix)) {
        population.cell = std::move(previous_populations[k].cell);
        population.eligible_share = std::move(previous_populations[k].eligible_share);
      } else {
        population.cell = AliasTable(population.mix);
        population.eligible_share = eligible_shares(epochs, population.mix);
      }
      if (k < previous_populations.size())
        population.daily_expected = std::move(previous_populations[k].daily_expected);
      const int from = day_of(event.from);
      double& weight_after = weight_after_event[e];
      if (!profile_as_before) {
        weight_after = 0;
        for (int d = from; d < window_days; ++d) weight_after += profile_weight[static_cast<std::size_t>(d)];
      }
      // Spread like the regions' own dossiers; by available amount, as a
      // national count is, when they expect none (it vanished, silently).
      const double expected = own_total > 0 ? event.expected_dossiers * rd.expected_dossiers / own_total
                                            : event.expected_dossiers * share;
      population.daily_expected.resize(static_cast<std::size_t>(window_days));
      std::fill_n(population.daily_expected.begin(), days, 0.0);
      if (weight_after > 0)
        spread_over_days(expected, weight_after, profile_weight, runs, from, days, population.daily_expected);
      plan.populations.push_back(std::move(population));
    }

    // Diagnostics are always eligible; of the rest, the mix's eligible share.
    plan.eligible_share.resize(epochs.size());
    for (std::size_t e = 0; e < epochs.size(); ++e)
      plan.eligible_share[e] =
          plan.diagnostic_probability + (1 - plan.diagnostic_probability) * plan.mix_eligible[e];
    if (!everything) continue;

    // All populations together: one arrival process, each arrival then
    // assigned to a population by that day's shares.
    std::vector<double> daily = plan.own_daily_expected;
    for (const PopulationPlan& population : plan.populations)
      for (int d = 0; d < window_days; ++d)
        daily[static_cast<std::size_t>(d)] += population.daily_expected[static_cast<std::size_t>(d)];
    plan.cumulative_intensity.assign(static_cast<std::size_t>(window_days) + 1, 0.0);
    for (int d = 0; d < window_days; ++d)
      plan.cumulative_intensity[static_cast<std::size_t>(d) + 1] =
          plan.cumulative_intensity[static_cast<std::size_t>(d)] +
          (scenario.events.empty() ? profile_weight[static_cast<std::size_t>(d)] : daily[static_cast<std::size_t>(d)]);
    const double total = plan.cumulative_intensity.back();
    for (double& c : plan.cumulative_intensity) c = total > 0 ? c / total : 0.0;
    plan.expected_arrivals = scenario.events.empty() ? own_expected : total;
  }

  if (!everything) return;

  const TraineeCount& tc = demand.trainees;
  // The samplers' tables are rebuilt only when their parameters change (the
  // trainees' mean may be uncertain; its table is long-double arithmetic).
  const double extra_mean = tc.mean > 1 ? tc.mean - 1 : 0.0;
  if (!(trainee_extra_mean == extra_mean)) {
    trainee_extra = PoissonSampler(extra_mean);
    trainee_extra_mean = extra_mean;
  }
  if (trainee_category_weights.empty() || trainee_category_weights != tc.weights) {
    trainee_category = tc.weights.empty() ? AliasTable() : AliasTable(tc.weights);
    trainee_category_weights = tc.weights;
  }
  for (int p = 0; p < pathway_count; ++p) {
    const TraineeCost& cost = demand.cost_per_trainee[static_cast<std::size_t>(p)];
    const double sigma = cost.kind == TraineeCost::Kind::LogNormal ? cost.sigma : 0.0;
    trainee_cost_location[static_cast<std::size_t>(p)] = std::log(cost.mean_eur) - sigma * sigma / 2;
    trainee_cost_sd[static_cast<std::size_t>(p)] = sigma;
  }
  random_dropout = demand.dropout_sd > 0;
  if (random_dropout) {
    // Beta from its mean m and sd s: a + b = m(1 − m)/s² − 1.
    const double m = demand.dropout_mean, s = demand.dropout_sd;
    const double concentration = m * (1 - m) / (s * s) - 1;
    dropout_alpha = m * concentration;
    dropout_beta = (1 - m) * concentration;
  }
}

}  // namespace fnesim
