// The first pass of a replication (sim/simulator.hpp): the uptake factors,
// then every dossier of one region — arrivals, attributes, life cycle and the
// envelope's share — on the region's own streams, staged for the ledgers.
#include <algorithm>
#include <array>
#include <cmath>
#include <span>
#include <utility>

#include "models/apportion.hpp"
#include "models/distribution.hpp"
#include "sim/boost_random.hpp"
#include "sim/engine_limits.hpp"
#include "sim/filing.hpp"
#include "sim/parameters.hpp"
#include "sim/rng.hpp"
#include "sim/simulator.hpp"
#include "sim/variates.hpp"
#include "sim/workspace.hpp"

namespace fnesim {

namespace {

// Trainees whose costs are exponentiated together: 32 KB of logs; and at
// most as many dossiers drawn ahead of their filing.
constexpr std::size_t trainee_cost_block = 4096;
constexpr std::size_t dossier_block = 4096;

// A day range drawn uniformly, one word whatever its width — a single day
// too (a wide range takes a second word about once in 10^16 draws, Lemire's
// rejection) — so that narrowing a range to one day moves no later draw of
// its stream: a lag made fixed leaves the carry-over's amounts, the later
// dossiers' attributes and their life cycles as they were (common random
// numbers between the two).
template <typename Rng>
int draw_days(const DayRange& range, Rng& engine) {
  return range.min + static_cast<int>(uniform_below(engine, static_cast<std::uint64_t>(range.max - range.min) + 1));
}

// Every lag and duration 0 days, nothing cancelled, no drop-out: a life cycle
// with nothing to draw.
bool life_cycle_is_instant(const DemandModel& demand) {
  const auto no_days = [](const DayRange& range) { return range.min == 0 && range.max == 0; };
  return std::all_of(demand.start_lag_days.begin(), demand.start_lag_days.end(), no_days) &&
         std::all_of(demand.duration_days.begin(), demand.duration_days.end(), no_days) &&
         no_days(demand.invoicing_lag_days) && demand.cancellation_probability == 0 &&
         demand.dropout_mean == 0 && demand.dropout_sd == 0;
}

// The mean of a region's Poisson draw, once every multiplier has moved it:
// beyond limits::max_region_arrivals the dossiers would not fit in memory.
void check_arrivals(double mean, std::uint64_t replication, const std::string& region, const char* what) {
  if (mean <= limits::max_region_arrivals) return;
  // Multipliers drawn past any double make infinity, and infinity times a zero NaN: neither is a count.
  const std::string count = std::isnan(mean) ? "a number past any bound of"
                            : !(mean < 9e18) ? "more than 9 × 10^18"
                                             : std::to_string(static_cast<long long>(mean));
  throw limits::EngineLimitError(
      "replication " + std::to_string(replication) + ", region " + region + ": " + count + " " + what +
      " expected after the uptake drawn, beyond the engine's limit of 10 000 000 a region and replication; "
      "lower expected_dossiers, the size of its events or the width of its uncertainty");
}

// A region's filed amounts in one replication, before `amount` is added:
// beyond limits::max_region_total the replication's sums would leave int64.
void check_region_total(Cents total, Cents amount, std::uint64_t replication, const std::string& region) {
  if (amount <= limits::max_region_total - total) return;
  throw limits::EngineLimitError("replication " + std::to_string(replication) + ", region " + region +
                                 ": the dossiers filed add up to more than 10^14 EUR, beyond what fnesim "
                                 "sums; the scenario's amounts or volumes reach too far");
}

// Scales the regions' deviations to a mean of 1 weighed by `weights` (the
// arrivals each was expected to contribute before the cut-off): the level
// they multiply is the nation's, learnt as such.
void normalise_deviations(const std::vector<double>& weights, std::vector<double>& deviations) {
  double weighed = 0, total = 0;
  for (std::size_t r = 0; r < deviations.size(); ++r) {
    weighed += weights[r] * deviations[r];
    total += weights[r];
  }
  if (!(weighed > 0 && total > 0)) return;
  for (double& d : deviations) d *= total / weighed;
}

}  // namespace

void Simulator::draw_uptake(std::uint64_t seed, std::int64_t replication, Workspace& ws) const {
  draw_uptake_from(scenario_, seed, replication, ws);
}

void Simulator::draw_uptake_from(const Scenario& scenario, std::uint64_t seed, std::int64_t replication,
                                 Workspace& ws) const {
  const DemandModel& demand = scenario.demand;
  const int regions = region_count();
  reseed(ws.engine, seed, static_cast<std::uint64_t>(replication), StreamPurpose::Uptake, national_stream);
  auto correlated_scores = [&] {
    Eigen::VectorXd normal_scores(regions);
    boost::random::normal_distribution<double> standard_normal;
    for (int r = 0; r < regions; ++r) normal_scores[r] = standard_normal(ws.engine);
    return Eigen::VectorXd(plan_.uptake_loading * normal_scores);
  };
  // From actuals: the common factor (or the national level) once, then each
  // region's deviation; given twelve regions' counts their posteriors are
  // nearly independent, so the prior's copula no longer ties them.
  if (const auto& start = scenario.forecast_start) {
    boost::random::normal_distribution<double> standard_normal;
    const double common =
        start->joint_shape > 0
            ? gamma_at_normal_score(start->joint_shape, standard_normal(ws.engine)) / start->joint_rate
            : 1.0;
    const double cv = start->uptake_regional_cv;
    const double a = cv > 0 ? 1 / (cv * cv) : 0.0;
    const bool own_counts = !start->regional_counts.empty();
    for (int r = 0; r < regions; ++r) {
      const auto i = static_cast<std::size_t>(r);
      const double z = standard_normal(ws.engine);
      if (a == 0) {
        ws.uptake[i] = 1;
      } else if (own_counts) {
        const auto count = static_cast<double>(start->regional_counts[i]);
        ws.uptake[i] = gamma_at_normal_score(a + count, z) / (a + common * start->expected_before[i]);
      } else {
        ws.uptake[i] = gamma_at_normal_score(a, z) / a;
      }
    }
    if (!own_counts) normalise_deviations(start->expected_before, ws.uptake);
    for (double& u : ws.uptake) u *= common;
    return;
  }
  double national = 1.0;
  if (demand.national_uptake_cv > 0) {
    const double shape = 1.0 / (demand.national_uptake_cv * demand.national_uptake_cv);
    national = boost::random::gamma_distribution<double>(shape, 1.0 / shape)(ws.engine);
  }
  if (demand.regional_uptake_cv > 0) {
    // Gamma with mean 1 and the regional CV: shape 1/cv², scale cv².
    const double shape = 1.0 / (demand.regional_uptake_cv * demand.regional_uptake_cv);
    const Eigen::VectorXd z = correlated_scores();
    for (int r = 0; r < regions; ++r)
      ws.uptake[static_cast<std::size_t>(r)] = national * gamma_at_normal_score(shape, z[r]) / shape;
  } else {
    std::fill(ws.uptake.begin(), ws.uptake.end(), national);
  }
}

// A forecast's uptake under a particle: the national level at the cut-off,
// times each region's deviation learnt from its own counts relative to the
// nation's (Gamma–Poisson; the prior alone for national actuals), drawn
// independently (docs/forecasting.md §2).
void Simulator::draw_forecast_uptake(const ForecastStart::Particle& particle, std::uint64_t seed,
                                     std::int64_t replication, Workspace& ws) const {
  const ForecastStart& start = *scenario_.forecast_start;
  const int regions = region_count();
  reseed(ws.engine, seed, static_cast<std::uint64_t>(replication), StreamPurpose::Uptake, national_stream);
  const double level =
      gamma_at_normal_score(particle.level_shape, boost::random::normal_distribution<double>()(ws.engine)) /
      particle.level_rate;
  boost::random::normal_distribution<double> standard_normal;
  const double cv = start.uptake_regional_cv;
  double observed = 0, expected = 0;
  for (int r = 0; r < regions && !start.regional_counts.empty(); ++r) {
    observed += static_cast<double>(start.regional_counts[static_cast<std::size_t>(r)]);
    expected += particle.expected_before[static_cast<std::size_t>(r)];
  }
  const double national_rate = expected > 0 ? observed / expected : 1.0;
  for (int r = 0; r < regions; ++r) {
    const auto i = static_cast<std::size_t>(r);
    const double z = standard_normal(ws.engine);
    double deviation = 1;
    if (cv > 0) {
      double shape = 1 / (cv * cv), rate = shape;
      if (!start.regional_counts.empty()) {
        shape += static_cast<double>(start.regional_counts[i]);
        rate += national_rate * particle.expected_before[i];
      }
      deviation = gamma_at_normal_score(shape, z) / rate;
    }
    ws.uptake[i] = deviation;
  }
  // The level is the nation's: the deviations about it average 1, weighed by
  // the arrivals each region was expected to contribute.
  normalise_deviations(particle.expected_before, ws.uptake);
  for (double& u : ws.uptake) u *= level;
  ws.note_stream_end(ws.engine);
}

void Simulator::draw_learnt_money(Scenario& varied, std::uint64_t seed, std::uint64_t replication,
                                  Workspace& ws) const {
  const ForecastStart& start = *scenario_.forecast_start;
  ws.cost_factors.clear();
  if (!start.learnt_money_uncertain()) return;
  reseed(ws.engine, seed, replication, StreamPurpose::LearntMoney, national_stream);
  // Mean one on the natural scale: the learnt value stays the forecast's mean.
  boost::random::normal_distribution<double> standard_normal;
  const auto factor = [&](double log_sd) {
    return std::exp(log_sd * standard_normal(ws.engine) - log_sd * log_sd / 2);
  };
  const double common = factor(start.common_log_sd);
  for (std::size_t p = 0; p < pathway_count; ++p) {
    ws.cost_factors.push_back(common * factor(start.cost_log_sd[p]));
    varied.demand.cost_per_trainee[p].mean_eur *= ws.cost_factors.back();
  }
  ws.note_stream_end(ws.engine);
}

const Plan& Simulator::draw_assumptions(std::uint64_t seed, std::int64_t replication, Workspace& ws,
                                        const DrawSources* sources) const {
  if (!varied_) {
    draw_uptake(seed, sources != nullptr ? sources->uptake : replication, ws);
    share_national_rows(seed, static_cast<std::uint64_t>(sources != nullptr ? sources->uptake : replication),
                        ws);
    return plan_;
  }
  const ForecastStart* start = scenario_.forecast_start ? &*scenario_.forecast_start : nullptr;
  const auto rep = static_cast<std::uint64_t>(replication);
  Scenario& varied = *ws.varied_scenario;
  varied.demand = scenario_.demand;
  varied.events = scenario_.events;
  reseed(ws.engine, seed, rep, StreamPurpose::Parameters, national_stream);
  if (start != nullptr && !start->particles.empty()) {
    // A forecast: the particle picked by weight, then each region's uptake
    // learnt under it.
    const double u = boost::random::uniform_01<double>()(ws.engine);
    const auto& weights = start->particle_cumulative_weight;
    ws.particle = static_cast<int>(
        std::min<std::ptrdiff_t>(std::upper_bound(weights.begin(), weights.end(), u) - weights.begin(),
                                 static_cast<std::ptrdiff_t>(weights.size()) - 1));
    const ForecastStart::Particle& particle = start->particles[static_cast<std::size_t>(ws.particle)];
    ws.parameters.values = particle.values;
    ws.parameters.profile = particle.profile;
    apply_parameters(varied, ws.parameters, start->parameter_scales);
    ws.note_stream_end(ws.engine);
    draw_learnt_money(varied, seed, rep, ws);
    ws.varied_plan->redraw_demand(varied);
    draw_forecast_uptake(particle, seed, replication, ws);
  } else {
    ws.parameters = sources != nullptr ? draw_parameters_from(seed, *sources, ws.engine)
                                       : draw_parameters(scenario_, parameter_loading_, ws.engine);
    apply_parameters(varied, ws.parameters, start != nullptr ? start->parameter_scales : std::vector<double>{});
    ws.note_stream_end(ws.engine);
    if (start != nullptr) draw_learnt_money(varied, seed, rep, ws);
    ws.varied_plan->redraw_demand(varied);
    draw_uptake_from(varied, seed, sources != nullptr ? sources->uptake : replication, ws);
  }
  if (scenario_.uncertainty.drifts()) {
    reseed(ws.engine, seed, sources != nullptr ? static_cast<std::uint64_t>(sources->drift) : rep,
           StreamPurpose::Drift, national_stream);
    const Plan& plan = *ws.varied_plan;
    ws.jumps = draw_drift(scenario_.uncertainty, plan.first_drift_month(),
                          plan.last_filing_month(varied.demand), ws.engine, ws.drift);
    ws.note_stream_end(ws.engine);
  }
  share_national_rows(seed, static_cast<std::uint64_t>(sources != nullptr ? sources->uptake : replication),
                      ws);
  return *ws.varied_plan;
}

void Simulator::share_national_rows(std::uint64_t seed, std::uint64_t replication, Workspace& ws) const {
  ws.national_shares.clear();
  const auto& start = scenario_.forecast_start;
  if (!start || start->national_rows.empty()) return;
  reseed(ws.engine, seed, replication, StreamPurpose::NationalShares, national_stream);
  const auto regions = static_cast<std::size_t>(region_count());
  // The rows come in the order of their months (sim/forecast/actuals_conditioning.cpp).
  std::vector<Cents> room = start->room_for_national_rows;
  std::vector<double> expected(regions), counts(regions), money(regions);
  const double c2 = start->dossier_share_cv2;
  for (const ForecastStart::NationalRow& row : start->national_rows) {
    double expected_total = 0, count_total = 0, money_total = 0;
    for (std::size_t r = 0; r < regions; ++r) expected_total += expected[r] = row.expected[r] * ws.uptake[r];
    // The Dirichlets as Gammas, which apportion normalises. A month of money
    // and no dossier has no count to vary by, and Gammas of tiny shapes can
    // all underflow to 0: the shares expected then.
    const auto n = static_cast<double>(row.dossiers);
    if (expected_total > 0 && row.dossiers > 0)
      for (std::size_t r = 0; r < regions; ++r)
        count_total += counts[r] =
            expected[r] > 0
                ? boost::random::gamma_distribution<double>(n * expected[r] / expected_total)(ws.engine)
                : 0.0;
    const std::vector<double>& by_count = count_total > 0 ? counts : expected;
    const double by_count_total = count_total > 0 ? count_total : expected_total;
    // Every dossier alike (c = 0): the money follows the count.
    if (c2 > 0 && by_count_total > 0 && row.dossiers > 0)
      for (std::size_t r = 0; r < regions; ++r)
        money_total += money[r] =
            by_count[r] > 0
                ? boost::random::gamma_distribution<double>(n * by_count[r] / by_count_total / c2)(ws.engine)
                : 0.0;
    const NationalRowShares shares = share_national_row(
        row.dossiers, row.trainees, row.committed, std::span<const double>(by_count),
        std::span<const double>(money_total > 0 ? money : by_count), std::span<const Cents>(room));
    for (std::size_t r = 0; r < regions; ++r) {
      room[r] -= shares.committed[r];
      ws.national_shares.push_back({shares.dossiers[r], shares.trainees[r], shares.committed[r]});
    }
  }
  ws.note_stream_end(ws.engine);
}

ParameterDraw Simulator::draw_parameters_from(std::uint64_t seed, const DrawSources& sources, Engine& engine) const {
  // Each parameter's value is the one its source replication drew: the
  // copula's draw of that replication, of which this parameter's entry is
  // kept. Redrawn per distinct source; a design row has at most two.
  ParameterDraw draw;
  const std::size_t n = sources.parameters.size();
  draw.values.resize(n);
  std::int64_t drawn_for = -1;
  std::vector<double> values;
  for (std::size_t i = 0; i < n; ++i) {
    if (!sources.fixed.empty() && !std::isnan(sources.fixed[i])) {
      draw.values[i] = sources.fixed[i];
      continue;
    }
    if (sources.parameters[i] != drawn_for || values.empty()) {
      drawn_for = sources.parameters[i];
      reseed(engine, seed, static_cast<std::uint64_t>(drawn_for), StreamPurpose::Parameters, national_stream);
      values = draw_parameter_values(scenario_, parameter_loading_, engine);
    }
    draw.values[i] = values[i];
  }
  if (scenario_.uncertainty.profile_uncertain()) {
    // The profile follows the parameters on the Parameters stream
    // (draw_parameters): its source's parameters are drawn first, unused.
    reseed(engine, seed, static_cast<std::uint64_t>(sources.profile), StreamPurpose::Parameters, national_stream);
    draw_parameter_values(scenario_, parameter_loading_, engine);
    draw.profile = draw_profile(scenario_, engine, nullptr);
  }
  return draw;
}

// First pass, one region: every dossier drawn on the region's streams, its
// envelope share computed and filed in the ledger (queued for it when a
// committee meets), and the demand figures that do not depend on the
// envelope. With kBookkeeping false it draws exactly the same variates from
// the same engines and does nothing else: the random-number floor the
// benchmark compares the full replication against (docs/performance.md).
// Flattened: GCC otherwise leaves the engine's draw and the samplers out of
// line, a call per word (about 7 % of R1's instructions, 9 % of the default
// scenario's; the results are the same to the bit).
// Compiled per FirstPassShape: a feature the shape leaves out is a constant
// here, and what it would have tested and recorded goes with it. Each shape's
// pass draws and records exactly what the general one does for such a
// scenario.
template <bool kBookkeeping, FirstPassShape kShape>
[[gnu::flatten]] void Simulator::draw_region(const Plan& replication_plan, int r, double uptake,
                                             std::uint64_t seed, std::int64_t replication, Workspace& ws,
                                             ReplicationOutcome* out) const {
  const DemandModel& demand = ws.varied_scenario ? ws.varied_scenario->demand : scenario_.demand;
  const Plan& plan_ = replication_plan;  // shadows the scenario's own: this replication's draws
  const RegionPlan& plan = plan_.regions[static_cast<std::size_t>(r)];
  RegionOutcome unused;
  RegionOutcome& ro = kBookkeeping ? out->regions[static_cast<std::size_t>(r)] : unused;
  std::vector<StagedDossier>& staged = ws.staged[static_cast<std::size_t>(r)];
  const auto rep = static_cast<std::uint64_t>(replication);
  const auto region_id = static_cast<std::uint32_t>(r);
  const std::string& region_code = scenario_.convention.regions[static_cast<std::size_t>(r)].code;
  const std::int32_t last_commitment_day = plan_.window_days - 1;
  const std::int32_t last_training_day = plan_.last_training_day;
  const PastDeadline past_deadline = scenario_.convention.past_deadline;
  if constexpr (kBookkeeping) {
    std::fill(ws.region_demand_delta.begin(), ws.region_demand_delta.end(), 0);
    staged.clear();
  }
  // Without a committee nothing waits for a meeting: each dossier goes into
  // the ledger as it is drawn, with no queue between the passes (unless the
  // caller wants the dossiers listed).
  const bool file_at_once = kShape.file_at_once || (!scenario_.steering && !ws.keep_dossiers);
  // Queues a dossier and counts it in the demand, which ignores the envelope.
  auto stage = [&](std::int32_t day, std::int32_t end_day, int invoicing_lag, int cell, std::int64_t trainees,
                   std::int64_t count, Cents amount, Cents realised, DossierKind kind) {
    check_region_total(ro.demand, amount, rep, region_code);
    ro.demand += amount;
    if (kind == DossierKind::Training || kind == DossierKind::Diagnostic || kind == DossierKind::CarryOver) {
      const double eur = static_cast<double>(amount) / cents_per_euro;
      ws.dossier_variance_eur2 += eur * eur;
    }
    ws.region_demand_delta[static_cast<std::size_t>(day)] += amount;
    const Cents released = amount - realised;
    if (released > 0 && end_day <= last_commitment_day)
      ws.region_demand_delta[static_cast<std::size_t>(end_day)] -= released;
    StagedDossier dossier{day, end_day, end_day + invoicing_lag, cell, trainees, count, amount, realised, kind, false};
    if (file_at_once)
      file_dossier(r, dossier, ws, *out);
    else
      staged.push_back(dossier);
  };

  Engine& engine = ws.engine;
  Engine& life = ws.lifecycle_engine;
  reseed(life, seed, rep, StreamPurpose::LifeCycle, region_id);
  const BernoulliSampler is_cancelled(demand.cancellation_probability);
  const bool random_dropout = !kShape.instant && plan_.random_dropout;
  const BetaSampler dropout_share(plan_.dropout_alpha, plan_.dropout_beta);
  // Every day 0, nothing cancelled, no drop-out (R1): nothing to draw. A
  // replication's drawn parameters may make it so where the shape could not.
  const bool instant = kShape.instant || life_cycle_is_instant(demand);
  // A dossier's life cycle, observed or simulated, its words in this order
  // (a diagnostic has no schedule); the drop-out share from `dropout` (the
  // mean, drawn whole, or drawn in parts for a vector exp). An instant one is
  // all zero and draws nothing.
  auto draw_life_cycle = [&](int cell, bool diagnostic, auto&& dropout) {
    DrawnLifeCycle cycle{};
    if constexpr (kShape.instant) return cycle;
    if (instant) return cycle;
    const auto pathway = static_cast<std::size_t>(cell % pathway_count);
    cycle.start_lag = diagnostic ? 0 : draw_days(demand.start_lag_days[pathway], life);
    cycle.duration = diagnostic ? 0 : draw_days(demand.duration_days[pathway], life);
    cycle.cancelled = demand.cancellation_probability > 0 && is_cancelled(life);
    cycle.dropout = dropout();
    cycle.invoicing_lag = draw_days(demand.invoicing_lag_days, life);
    return cycle;
  };

  const ForecastStart* start =
      !kShape.plain && scenario_.forecast_start ? &*scenario_.forecast_start : nullptr;
  if (start == nullptr && plan.carryover_expected > 0) {
    // Carry-over of 2020 (art. 7): committed on the first day, realised in full.
    reseed(engine, seed, rep, StreamPurpose::CarryOver, region_id);
    check_arrivals(plan.carryover_expected, rep, region_code, "carry-over dossiers");
    const int count = boost::random::poisson_distribution<int, double>(plan.carryover_expected)(engine);
    const double sigma = demand.carryover_sigma;
    boost::random::lognormal_distribution<double> share(
        std::log(demand.carryover_mean_fne_eur) - sigma * sigma / 2, sigma);
    for (int i = 0; i < count; ++i) {
      const double share_eur = sigma > 0 ? share(engine) : demand.carryover_mean_fne_eur;
      // Drawn even when the life cycle is instant: the lag shares this
      // stream with the amounts, which must not move when a life cycle
      // begins to draw (cancellations switched on, say).
      const int lag = draw_days(demand.invoicing_lag_days, engine);
      if constexpr (!kBookkeeping) {
        ws.floor_checksum += share_eur + lag;
        continue;
      }
      const Cents amount = limits::drawn_cents(share_eur, "carried-over dossier");
      stage(0, 0, lag, -1, 0, 1, amount, amount, DossierKind::CarryOver);
    }
    ws.note_stream_end(engine);
  }

  // From actuals: what was committed before the cut-off, with the scenario's
  // life cycle where the actuals do not say what was realised (the carry-over is among them).
  const auto dropout_of_observed = [&] { return random_dropout ? dropout_share(life) : demand.dropout_mean; };
  // What a committed training realises: its amount less drop-outs, nothing if
  // cancelled, and only its days by the deadline — it was committed, whatever
  // the rule would have said at filing — unless the scenario compares with
  // paying in full.
  const auto realised_of_observed = [&](Cents committed, std::int32_t filing_day,
                                        const DrawnLifeCycle& cycle) {
    const Cents realised =
        cycle.cancelled ? 0 : committed - round_half_away(static_cast<double>(committed) * cycle.dropout);
    return realised_by_deadline(
        realised, filing_day + cycle.start_lag, cycle.duration, last_training_day,
        past_deadline == PastDeadline::PayInFull ? PastDeadline::PayInFull : PastDeadline::ProRata);
  };
  // A month's lump (monthly aggregates), dossier by dossier, so that the
  // spread of end dates, drop-outs and the deadline's cut apply to what was
  // committed as they do to a listed dossier: each a cell drawn from the
  // region's mix among those the rule then funds, with a training's life
  // cycle; a share of the lump's amount by what such a dossier is expected
  // to commit (a long reconversion carries more than a short course) — the
  // amount apportioned over the cells drawn, then evenly within each — and
  // its trainees evenly; filed evenly over the part of the month it stands for.
  std::int64_t lump_dossiers = 0;
  const auto stage_lump = [&](const ObservedDossier& o) {
    // A national row's money and dossiers are spread over the regions apart:
    // a region can get money and no dossier. Its money then goes as one
    // dossier's life cycle, counted as none.
    const auto count = static_cast<std::size_t>(std::max<std::int64_t>(o.dossiers, 1));
    const std::int64_t counted = o.dossiers > 0 ? 1 : 0;
    lump_dossiers += static_cast<std::int64_t>(count);
    check_arrivals(static_cast<double>(lump_dossiers), rep, region_code, "observed dossiers");
    const std::size_t epoch_index = plan_.epoch_index_on(o.filing_day);
    const CoverageEpoch& rules = plan_.epochs[epoch_index];
    const bool some_cell_funded = plan.mix_eligible[epoch_index] > 0;
    ws.lump_cycles.clear();
    ws.lump_cells.clear();
    std::array<std::int64_t, mix_cell_count> drawn_in_cell{};
    for (std::size_t i = 0; i < count; ++i) {
      // Redrawn until funded; a share of funded cells too small to draw in a
      // hundred tries is kept as drawn (its weight then falls to the others).
      int cell = plan.cell(life);
      for (int tries = 1; some_cell_funded && !rules.eligible[static_cast<std::size_t>(cell)] && tries < 100;
           ++tries)
        cell = plan.cell(life);
      const DrawnLifeCycle cycle = draw_life_cycle(cell, false, dropout_of_observed);
      if constexpr (!kBookkeeping) {
        ws.floor_checksum +=
            cell + cycle.start_lag + cycle.duration + cycle.cancelled + cycle.dropout + cycle.invoicing_lag;
        continue;
      }
      ws.lump_cycles.push_back(cycle);
      ws.lump_cells.push_back(cell);
      ++drawn_in_cell[static_cast<std::size_t>(cell)];
    }
    if constexpr (!kBookkeeping) return;
    // Each cell's part: its dossiers times what one is expected to commit (in
    // floating point: a million dossiers of the largest share overflow cents).
    std::array<double, mix_cell_count> part_weight{};
    const double expected_trainees = demand.trainees.expected();
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const std::int64_t drawn = drawn_in_cell[static_cast<std::size_t>(cell)];
      if (drawn == 0) continue;
      const double mean_cost_eur =
          demand.cost_per_trainee[static_cast<std::size_t>(cell % pathway_count)].mean_eur *
          expected_trainees;
      part_weight[static_cast<std::size_t>(cell)] =
          static_cast<double>(drawn) * static_cast<double>(plan_.envelope_share_of(
                                           rules, cell, limits::drawn_cents(mean_cost_eur, "dossier")));
    }
    if (std::all_of(part_weight.begin(), part_weight.end(), [](double w) { return !(w > 0); }))
      for (int cell = 0; cell < mix_cell_count; ++cell)
        part_weight[static_cast<std::size_t>(cell)] =
            static_cast<double>(drawn_in_cell[static_cast<std::size_t>(cell)]);
    const std::vector<Cents> parts = apportion(o.committed, std::span<const double>(part_weight));
    std::array<std::int64_t, mix_cell_count> given_in_cell{};
    const auto days = static_cast<std::int64_t>(o.last_filing_day - o.first_filing_day + 1);
    const auto n = static_cast<std::int64_t>(count);
    for (std::size_t i = 0; i < count; ++i) {
      const auto k = static_cast<std::int64_t>(i);
      const auto c = static_cast<std::size_t>(ws.lump_cells[i]);
      const std::int64_t in_cell = drawn_in_cell[c], j = given_in_cell[c]++;
      const Cents amount = parts[c] / in_cell + (j < parts[c] % in_cell ? 1 : 0);
      const DrawnLifeCycle& cycle = ws.lump_cycles[i];
      const std::int64_t trainees = o.trainees / n + (k < o.trainees % n ? 1 : 0);
      const auto day = static_cast<std::int32_t>(o.first_filing_day + (2 * k + 1) * days / (2 * n));
      const std::int32_t end_day = std::min(day + cycle.start_lag + cycle.duration, last_training_day);
      stage(day, end_day, cycle.invoicing_lag, -1, trainees, counted, amount,
            realised_of_observed(amount, day, cycle), DossierKind::Observed);
    }
  };
  if (start != nullptr) {
    for (std::size_t index : plan.observed) {
      const ObservedDossier& o = start->dossiers[index];
      if (o.kind == ObservedKind::Lump) {
        if (o.national_row < 0) {
          stage_lump(o);
          continue;
        }
        const NationalShare& share = ws.national_shares[static_cast<std::size_t>(o.national_row) *
                                                            static_cast<std::size_t>(region_count()) +
                                                        static_cast<std::size_t>(r)];
        if (share.dossiers == 0 && share.trainees == 0 && share.committed == 0) continue;
        ObservedDossier shared = o;
        shared.dossiers = share.dossiers;
        shared.trainees = share.trainees;
        shared.committed = share.committed;
        stage_lump(shared);
        continue;
      }
      const bool training = o.kind == ObservedKind::Training && o.cell >= 0;
      const bool diagnostic = o.kind == ObservedKind::Diagnostic;
      const bool carryover = o.kind == ObservedKind::CarryOver;
      std::int32_t end_day = o.filing_day;
      Cents realised = o.committed;
      int invoicing_lag = (demand.invoicing_lag_days.min + demand.invoicing_lag_days.max) / 2;
      if (training) {
        const DrawnLifeCycle cycle = draw_life_cycle(o.cell, false, dropout_of_observed);
        invoicing_lag = cycle.invoicing_lag;
        if constexpr (!kBookkeeping) {
          ws.floor_checksum +=
              cycle.start_lag + cycle.duration + cycle.cancelled + cycle.dropout + invoicing_lag;
          continue;
        }
        // Ended before the cut-off: its release on the day the actuals give.
        end_day = std::min(o.end_day ? *o.end_day : o.filing_day + cycle.start_lag + cycle.duration,
                           last_training_day);
        realised = realised_of_observed(o.committed, o.filing_day, cycle);
      } else {  // a diagnostic or the carry-over: realised in full (docs/model.md)
        invoicing_lag = instant ? 0 : draw_days(demand.invoicing_lag_days, life);
        if constexpr (!kBookkeeping) {
          ws.floor_checksum += invoicing_lag;
          continue;
        }
      }
      if constexpr (kBookkeeping) {
        if (o.realised) realised = std::clamp<Cents>(*o.realised, 0, o.committed);
        stage(o.filing_day, end_day, invoicing_lag, o.cell, o.trainees, o.dossiers, o.committed, realised,
              carryover    ? DossierKind::ObservedCarryOver
              : diagnostic ? DossierKind::ObservedDiagnostic
                           : DossierKind::Observed);
      }
    }
  }

  // Arrivals from the first simulated day: a Poisson count, then ordered
  // filing times from exponential spacings (U_(i) = S_i / S_(n+1)) mapped
  // through the cumulative intensity — already in order, no sort.
  reseed(engine, seed, rep, StreamPurpose::Arrivals, region_id);
  const bool needs_days = !kShape.plain && !plan.populations.empty();
  const bool drifting = !kShape.plain && !ws.drift.empty() && scenario_.uncertainty.drifts();
  if (drifting) {
    // The day's share of the year's arrivals times its month's drift.
    const std::vector<double>& stated = plan.cumulative_intensity;
    ws.drifted_cumulative.assign(stated.begin(), stated.end());
    for (int d = plan_.first_simulated_day; d < plan_.window_days; ++d) {
      const auto i = static_cast<std::size_t>(d);
      ws.drifted_cumulative[i + 1] =
          ws.drifted_cumulative[i] +
          (stated[i + 1] - stated[i]) * ws.drift[static_cast<std::size_t>(plan_.month_of_day[i])];
    }
  }
  const std::vector<double>& cumulative = drifting ? ws.drifted_cumulative : plan.cumulative_intensity;
  const double filed_before = cumulative[static_cast<std::size_t>(plan_.first_simulated_day)];
  const double still_to_file = cumulative.back() - filed_before;
  const double mean_arrivals = plan.expected_arrivals * uptake * still_to_file;
  check_arrivals(mean_arrivals, rep, region_code, "dossiers");
  const int arrivals =
      mean_arrivals > 0 ? boost::random::poisson_distribution<int, double>(mean_arrivals)(engine) : 0;
  ws.spacings.resize(static_cast<std::size_t>(arrivals) + 1);
  ws.arrival_days.resize(static_cast<std::size_t>(arrivals));
  {
    boost::random::exponential_distribution<double> spacing;
    double sum = 0;
    for (double& s : ws.spacings) {
      sum += spacing(engine);
      s = sum;
    }
    if constexpr (!kBookkeeping) ws.floor_checksum += sum;
    const double to_intensity = still_to_file / sum;
    // The floor needs the days too where a dossier's population is drawn by
    // its day: which population it is decides what else it draws.
    if (kBookkeeping || needs_days) {
      // An arrival's day is the first simulated day whose cumulative
      // intensity passes it (at most the window's last). Walking the sorted
      // arrivals day by day is a chain of dependent loads and compares, so
      // the arrivals are cut into four runs, each started by a binary search
      // and walked in step with the others: four independent chains, the
      // same days.
      const auto first_day = static_cast<std::size_t>(plan_.first_simulated_day);
      const auto last_day = static_cast<std::size_t>(plan_.window_days) - 1;
      const auto arrival_at = [&](std::size_t i) { return filed_before + ws.spacings[i] * to_intensity; };
      const auto day_of = [&](double u) {
        const auto passed = std::upper_bound(cumulative.begin() + static_cast<std::ptrdiff_t>(first_day) + 1,
                                             cumulative.begin() + static_cast<std::ptrdiff_t>(last_day) + 1, u);
        return static_cast<std::size_t>(passed - cumulative.begin()) - 1;
      };
      constexpr std::size_t runs = 4;
      const auto count = static_cast<std::size_t>(arrivals);
      const std::size_t run_length = (count + runs - 1) / runs;
      std::array<std::size_t, runs> day{};
      for (std::size_t j = 0; j < runs; ++j) day[j] = j * run_length < count ? day_of(arrival_at(j * run_length)) : 0;
      for (std::size_t step = 0; step < run_length; ++step) {
        for (std::size_t j = 0; j < runs; ++j) {
          const std::size_t i = j * run_length + step;
          if (i >= count) break;
          const double u = arrival_at(i);
          // Mostly the same day or the next: that step without a branch,
          // whose outcome no predictor could guess (cumulative has
          // window_days + 1 entries, so day + 1 is in range).
          std::size_t& d = day[j];
          d += (d < last_day) & (cumulative[d + 1] <= u);
          while (d < last_day && cumulative[d + 1] <= u) ++d;
          ws.arrival_days[i] = static_cast<std::int32_t>(d);
        }
      }
    }
  }
  ws.note_stream_end(engine);

  // Attributes, dossier by dossier, on their own stream; every dossier draws
  // the same numbers whatever the envelopes and the committee do. A
  // lognormal trainee cost is drawn as its log, a block's costs exponentiated
  // at once in vectors, then summed per dossier in order. The blocks (about
  // trainee_cost_block trainees, and at most dossier_block dossiers) bound
  // the buffers: only a dossier with more trainees than a block grows the
  // costs' buffer, to its own size. The buffers keep their size from block
  // to block and are written in place. Attributes and life cycle draw from
  // apart streams, so the blocks change no draw.
  reseed(engine, seed, rep, StreamPurpose::Attributes, region_id);
  const TraineeCount& tc = demand.trainees;
  const BernoulliSampler is_diagnostic(plan.diagnostic_probability);
  const Cents diagnostic_day_rate = scenario_.coverage.diagnostic_day_rate;
  std::size_t epoch = 0;
  if (ws.attributes.size() < dossier_block) ws.attributes.resize(dossier_block);
  if (ws.trainee_costs.size() < trainee_cost_block) ws.trainee_costs.resize(trainee_cost_block);
  for (int first = 0; first < arrivals;) {
    std::size_t drawn_count = 0, cost_count = 0;
    int end = first;
    for (; end < arrivals && cost_count < trainee_cost_block && drawn_count < dossier_block; ++end) {
      const int i = end;
      const std::int32_t day = kBookkeeping || needs_days ? ws.arrival_days[static_cast<std::size_t>(i)] : 0;
      DrawnAttributes& drawn = ws.attributes[drawn_count++];
      // A new population's dossier, or the scenario's own.
      const PopulationPlan* population = nullptr;
      if (!kShape.plain && !plan.populations.empty()) {
        const auto d = static_cast<std::size_t>(day);
        double total = plan.own_daily_expected[d];
        for (const PopulationPlan& p : plan.populations) total += p.daily_expected[d];
        const double score = unit_interval(engine()) * total;
        double through = plan.own_daily_expected[d];
        for (const PopulationPlan& p : plan.populations) {
          if (score < through) break;
          through += p.daily_expected[d];
          population = &p;
          if (score < through) break;
        }
      }
      drawn.diagnostic = population == nullptr && plan.diagnostic_probability > 0 && is_diagnostic(engine);
      drawn.cell = 0;
      drawn.trainees = 0;
      drawn.diagnostic_days = 0;
      drawn.first_cost = -1;
      if (drawn.diagnostic) {
        drawn.diagnostic_days = draw_days(demand.diagnostic_days, engine);
        continue;
      }
      drawn.cell = population != nullptr ? population->cell(engine) : plan.cell(engine);
      switch (tc.kind) {
        case TraineeCount::Kind::ShiftedPoisson:
          drawn.trainees = 1 + (tc.mean > 1 ? plan_.trainee_extra(engine) : 0);
          break;
        case TraineeCount::Kind::Fixed:
          drawn.trainees = tc.fixed;
          break;
        case TraineeCount::Kind::Categorical:
          drawn.trainees = tc.values[static_cast<std::size_t>(plan_.trainee_category(engine))];
          break;
      }
      const auto pathway = static_cast<std::size_t>(drawn.cell % pathway_count);
      if (demand.cost_per_trainee[pathway].kind == TraineeCost::Kind::LogNormal) {
        drawn.first_cost = static_cast<std::int32_t>(cost_count);
        const std::size_t needed = cost_count + static_cast<std::size_t>(drawn.trainees);
        if (needed > ws.trainee_costs.size()) ws.trainee_costs.resize(std::max(needed, 2 * ws.trainee_costs.size()));
        const double location = plan_.trainee_cost_location[pathway], sd = plan_.trainee_cost_sd[pathway];
        double* log_cost = ws.trainee_costs.data() + cost_count;
        for (int k = 0; k < drawn.trainees; ++k) log_cost[k] = location + sd * standard_normal(engine);
        cost_count = needed;
      }
    }
    exponentiate(std::span<double>(ws.trainee_costs.data(), cost_count));

    // With random drop-outs, the block's life cycles are drawn first, in
    // filing order on their own stream, so that the drop-out shares'
    // exponentials run at once, in vectors; otherwise each as its dossier
    // comes. The same words either way; a share may differ from std::exp's
    // by the vector exp's ulp (the same on every x86-64).
    if (random_dropout) {
      ws.life_cycles.clear();
      ws.dropout_parts.clear();
      ws.dropout_factors.clear();
      for (const DrawnAttributes& drawn : std::span(ws.attributes.data(), drawn_count)) {
        ws.life_cycles.push_back(draw_life_cycle(drawn.cell, drawn.diagnostic, [&] {
          ws.dropout_parts.push_back(dropout_share.draw_parts(life, ws.dropout_factors));
          return 0.0;  // set below, once exponentiated
        }));
      }
      exponentiate(ws.dropout_factors);
      const double* next_factor = ws.dropout_factors.data();
      for (std::size_t k = 0; k < ws.life_cycles.size(); ++k)
        ws.life_cycles[k].dropout = dropout_share.share(ws.dropout_parts[k], next_factor);
    }

    // The envelope's share.
    for (int i = first; i < end; ++i) {
      const std::int32_t day = kBookkeeping ? ws.arrival_days[static_cast<std::size_t>(i)] : 0;
      if constexpr (kBookkeeping && !kShape.plain) {
        while (epoch + 1 < plan_.epochs.size() && plan_.epochs[epoch + 1].first_day <= day) ++epoch;
      }
      const DrawnAttributes& drawn = ws.attributes[static_cast<std::size_t>(i - first)];
      const bool diagnostic = drawn.diagnostic;
      const int cell = drawn.cell, trainees = drawn.trainees, diagnostic_days = drawn.diagnostic_days;
      const auto pathway = static_cast<std::size_t>(diagnostic ? static_cast<int>(Pathway::Anticipation)
                                                               : cell % pathway_count);
      double cost_eur = 0;
      if (drawn.first_cost >= 0) {
        const auto first_cost = static_cast<std::size_t>(drawn.first_cost);
        for (std::size_t k = first_cost; k < first_cost + static_cast<std::size_t>(trainees); ++k)
          cost_eur += ws.trainee_costs[k];
      } else if (!diagnostic) {
        cost_eur = demand.cost_per_trainee[pathway].mean_eur * trainees;
      }

      const DrawnLifeCycle cycle =
          random_dropout ? ws.life_cycles[static_cast<std::size_t>(i - first)]
                         : draw_life_cycle(drawn.cell, drawn.diagnostic, [&] { return demand.dropout_mean; });
      const int start_lag = cycle.start_lag, duration = cycle.duration, invoicing_lag = cycle.invoicing_lag;
      const bool cancelled = cycle.cancelled;
      const double dropout = cycle.dropout;

      if constexpr (!kBookkeeping) {
        ws.floor_checksum +=
            cost_eur + dropout + start_lag + duration + invoicing_lag + cancelled + diagnostic_days;
        continue;
      }

      // The envelope's share: the rule's rate on the eligible components (art. 2, 6), or the diagnostic's flat
      // rate (art. 3).
      Cents amount = 0;
      if (diagnostic) {
        amount = diagnostic_day_rate * diagnostic_days;
      } else {
        const CoverageEpoch& rules = plan_.epochs[epoch];
        if (!rules.eligible[static_cast<std::size_t>(cell)]) {
          ++ro.dossiers_ineligible;
          if (!file_at_once) staged.push_back({day, day, 0, cell, trainees, 1, 0, 0, DossierKind::Ineligible, false});
          continue;
        }
        amount = plan_.envelope_share_of(rules, cell, limits::drawn_cents(cost_eur, "dossier"));
      }
      const std::int32_t planned_start = day + start_lag;
      if (!diagnostic && past_deadline == PastDeadline::Refuse &&
          runs_past(planned_start, duration, last_training_day)) {
        // Its planned end is known at filing: refused then, outside the demand.
        check_region_total(ro.refused_past_deadline, amount, rep, region_code);
        ro.refused_past_deadline += amount;
        ++ro.dossiers_refused_past_deadline;
        if (!file_at_once) staged.push_back({day, day, day, cell, trainees, 1, 0, 0, DossierKind::PastDeadline, false});
        continue;
      }
      const std::int32_t training_start = std::min(planned_start, last_training_day);
      const std::int32_t end_day = std::min(training_start + duration, last_training_day);
      const Cents realised =
          diagnostic ? amount
                     : realised_by_deadline(
                           cancelled      ? 0
                           : dropout == 0 ? amount  // no drop-out: no rounding to do
                                          : amount - round_half_away(static_cast<double>(amount) * dropout),
                           planned_start, duration, last_training_day, past_deadline);
      stage(day, end_day, invoicing_lag, diagnostic ? -1 : cell, trainees, 1, amount, realised,
            diagnostic ? DossierKind::Diagnostic : DossierKind::Training);
    }
    first = end;
  }
  ws.note_stream_end(engine);
  ws.note_stream_end(life);
  if constexpr (!kBookkeeping) return;

  Cents cumulative_net = 0;
  for (int d = 0; d < plan_.window_days; ++d) {
    const Cents delta = ws.region_demand_delta[static_cast<std::size_t>(d)];
    cumulative_net += delta;
    ro.peak_net_demand = std::max(ro.peak_net_demand, cumulative_net);
    ws.national_demand_delta[static_cast<std::size_t>(d)] += delta;
  }
}

template void Simulator::draw_region<true>(const Plan&, int, double, std::uint64_t, std::int64_t, Workspace&,
                                           ReplicationOutcome*) const;
template void Simulator::draw_region<false>(const Plan&, int, double, std::uint64_t, std::int64_t, Workspace&,
                                            ReplicationOutcome*) const;

// The shape is what the scenario and its plan say, checked once: a pass
// compiled without a feature must never see it.
FirstPassShape Simulator::shape_of_scenario() const {
  const DemandModel& demand = scenario_.demand;
  FirstPassShape shape;
  // Coverage and events are the same in every replication: redraws change
  // amounts, not which features there are.
  shape.plain = plan_.epochs.size() == 1 && !scenario_.forecast_start && !scenario_.uncertainty.drifts() &&
                std::none_of(scenario_.events.begin(), scenario_.events.end(),
                             [](const PolicyEvent& e) { return e.kind == PolicyEventKind::NewPopulation; });
  // A drawn parameter could give a replication a life cycle.
  shape.instant = scenario_.uncertainty.parameters.empty() && life_cycle_is_instant(demand);
  shape.file_at_once = !scenario_.steering;
  return shape;
}

Simulator::FirstPass Simulator::first_pass_for(const FirstPassShape& shape) {
  // Every shape's pass, at the index its flags spell: plain 1, instant 2, at once 4.
  constexpr auto passes_at = []<std::size_t... kIndex>(std::index_sequence<kIndex...>) {
    return std::array<FirstPass, sizeof...(kIndex)>{
        &Simulator::draw_region<true,
                                FirstPassShape{(kIndex & 1) != 0, (kIndex & 2) != 0, (kIndex & 4) != 0}>...};
  };
  constexpr std::array<FirstPass, 8> passes = passes_at(std::make_index_sequence<8>());
  return passes[(shape.plain ? 1 : 0) | (shape.instant ? 2 : 0) | (shape.file_at_once ? 4 : 0)];
}

}  // namespace fnesim
