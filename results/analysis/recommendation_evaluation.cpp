// The evaluation of a recommendation (`fnesim recommend`): "before" read from
// the run file, "after" re-simulated with the recommended envelopes on the
// run's own random numbers, compared replication by replication.
#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/envelope.hpp"
#include "results/analysis/recommendation.hpp"
#include "results/run_file_layout.hpp"
#include "results/sha256.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim {

namespace layout = run_layout;

namespace {

// Per-replication exhaustion days and unmet amounts of one run, replication × region.
struct RegionOutcomes {
  std::int64_t replications = 0;
  int regions = 0;
  std::vector<std::int32_t> exhaustion_day;
  std::vector<Cents> unmet;
  // A forecast weighing particles: per replication, the prior draw it shares
  // with others, by which standard errors are clustered (-1: independent).
  std::vector<int> cluster;
};

class OutcomeCollector : public ReplicationSink {
 public:
  OutcomeCollector(RegionOutcomes& out, const Scenario& scenario) : out_(&out), clusters_(scenario) {}
  void consume(std::int64_t, const ReplicationOutcome& outcome) override {
    ++out_->replications;
    for (const RegionOutcome& ro : outcome.regions) {
      out_->exhaustion_day.push_back(ro.exhaustion_day);
      out_->unmet.push_back(ro.unmet);
    }
    out_->cluster.push_back(clusters_.of(outcome));
  }

 private:
  RegionOutcomes* out_;
  DrawClusters clusters_;
};

EstimateWithError estimate(const Moments& m) { return {m.mean(), m.standard_error()}; }

// The share of replications in which no region ran out.
double p_no_region_exhausted(const RegionOutcomes& outcomes) {
  std::int64_t none = 0;
  for (std::int64_t i = 0; i < outcomes.replications; ++i) {
    const auto first = outcomes.exhaustion_day.begin() + i * outcomes.regions;
    none += std::none_of(first, first + outcomes.regions,
                         [](std::int32_t day) { return day != never_exhausted; });
  }
  return outcomes.replications > 0 ? static_cast<double>(none) / static_cast<double>(outcomes.replications)
                                   : 0;
}

// How many times a target probability's level may be raised when the
// re-simulation falls short of it; each raise costs a whole re-simulation.
constexpr int max_level_raises = 8;

}  // namespace

RecommendationReport recommend_from_run_file(const RunFileReader& run, const RecommendOptions& options) {
  const RunFileInfo& info = run.info();
  const std::string name = run.path().string();
  Scenario scenario =
      load_scenario_text(run.resolved_toml(), run.resolved_toml_origin(), run.path().parent_path());
  // A run from actuals is re-simulated from the same actuals, checked by their hash.
  std::optional<Date> as_of;
  if (const std::optional<RunFileActuals> recorded = run.actuals()) {
    if (options.actuals.empty())
      throw RecommendationError(name + " starts from actuals (" + recorded->file +
                                "): give the same file with --actuals");
    const Actuals actuals = read_actuals(options.actuals, scenario);
    if (sha256_hex(actuals.content) != recorded->sha256)
      throw RecommendationError(options.actuals.string() +
                                " is not the actuals file the run used (SHA-256 differs from " +
                                recorded->sha256 + ")");
    as_of = recorded->as_of;
    // The particles are weighed on the threads the command was given, as the
    // replications are below (the run file's scenario holds the run's), and
    // from the run's seed: a --seed given to `run` is not in its scenario's TOML.
    scenario.run.threads = options.threads;
    scenario.run.seed = info.seed;
    // Only the conditioned scenario is used: no prior-predictive check.
    scenario = condition_on_actuals(scenario, actuals, *as_of, PriorPredictiveCheck::Skip).scenario;
  } else if (!options.actuals.empty()) {
    throw RecommendationError(name + " did not start from actuals: --actuals does not apply");
  }
  const Convention& conv = scenario.convention;
  const int R = static_cast<int>(conv.regions.size());
  if (static_cast<std::size_t>(R) != info.region_codes.size())
    throw RunFileError(name + ": the scenario and /regions disagree on the regions");
  const std::int64_t N = info.replications;

  DemandSample demand;
  demand.regions = R;
  demand.replications = N;
  demand.peak_net_demand = run.region_values(layout::region_field("peak_net_demand_cents"));
  RegionOutcomes before;
  before.replications = N;
  before.regions = R;
  before.exhaustion_day = run.exhaustion_days();
  before.unmet = run.region_values(layout::region_field("unmet_cents"));

  // "Before" comes from the file and "after" from this program: they are
  // comparable only if this program reproduces the run. Replication 0 tells.
  {
    const Simulator original(scenario);
    auto workspace = original.make_workspace();
    ReplicationOutcome first = original.make_outcome();
    original.simulate(info.seed, 0, *workspace, first);
    for (int r = 0; r < R; ++r) {
      const RegionOutcome& ro = first.regions[static_cast<std::size_t>(r)];
      const auto k = static_cast<std::size_t>(r);
      if (ro.unmet != before.unmet[k] || ro.exhaustion_day != before.exhaustion_day[k] ||
          ro.peak_net_demand != demand.peak_net_demand[k])
        throw RecommendationError(
            name +
            ": its replication 0, simulated again, is not what the file records: the file was written "
            "by fnesim " +
            info.fnesim_version + " (" + info.git_revision +
            "), whose simulation this version may not reproduce, or its scenario, seed or results were "
            "changed since; run the scenario again (`fnesim inspect --scenario` gives it) and recommend from "
            "the new file");
    }
  }

  // Never below what is already committed: observed commitments stay where they are.
  RecommendationRequest request = options.request;
  if (scenario.forecast_start) {
    std::vector<Cents> observed(static_cast<std::size_t>(R), 0);
    for (const ObservedDossier& d : scenario.forecast_start->dossiers)
      observed[static_cast<std::size_t>(d.region)] += d.committed;
    request.min_envelope.resize(static_cast<std::size_t>(R), 0);
    for (int r = 0; r < R; ++r) {
      const auto k = static_cast<std::size_t>(r);
      request.min_envelope[k] =
          std::max(request.min_envelope[k], smallest_envelope_for_ceiling(conv, observed[k], 0));
    }
  }
  // The same scenario with the recommended envelopes, on the same random numbers.
  // The subsidy the recommended envelopes need: in national fee mode the fee
  // is withheld from the total, so more total than the regions gain (a total
  // raised by their gain alone was refused by the scenario's own check).
  const auto total_for = [&](const EnvelopeRecommendation& recommended) {
    return total_envelope_for_regions(
        scenario.convention,
        std::accumulate(recommended.envelope.begin(), recommended.envelope.end(), Cents{0}));
  };
  // What the State is asked for: the subsidy's increase, fees included as
  // the convention withholds them from it.
  const auto asked_of = [&](const EnvelopeRecommendation& recommended) {
    return total_for(recommended) - scenario.convention.total_envelope;
  };
  auto with_envelopes = [&](const EnvelopeRecommendation& recommended) {
    Scenario changed = scenario;
    for (int r = 0; r < R; ++r)
      changed.convention.regions[static_cast<std::size_t>(r)].envelope =
          recommended.envelope[static_cast<std::size_t>(r)];
    changed.convention.total_envelope = total_for(recommended);
    return changed;
  };
  auto simulate = [&](const Scenario& changed, std::int64_t first = 0) {
    RegionOutcomes outcomes;
    outcomes.regions = R;
    OutcomeCollector collector(outcomes, changed);
    ReplicationSink* sinks[] = {&collector};
    RunControl control;
    control.seed = info.seed;
    control.threads = options.threads;
    run_replications(Simulator(changed), first, N, control, sinks);
    return outcomes;
  };
  EnvelopeRecommendation recommendation =
      recommend_envelopes(conv, demand, request, scenario.demand.ceiling_margin());
  Scenario changed = with_envelopes(recommendation);
  RegionOutcomes after = simulate(changed);
  // A target probability is met on the run's demand, but the 2020 carry-over
  // and the diagnostics are shared out by available amount: new envelopes
  // move them, and the re-simulation can fall short of the target. The run's
  // demand is then asked for as many more replications with no region
  // exhausted as the re-simulation missed (one at least), and again until the
  // re-simulation reaches the target. Small raises, but one more clear
  // replication can mean a higher level in every region: not the smallest
  // allocation that reaches the target, only one that does.
  int level_raises = 0;
  std::string short_because;
  RecommendationReport::FirstEnvelopes report_first;
  if (request.objective == RecommendationObjective::TargetProbability) {
    report_first.complementary = asked_of(recommendation);
    report_first.p_no_region_exhausted = p_no_region_exhausted(after);
    RecommendationRequest raised = request;
    const auto n = static_cast<double>(N);
    const std::string largest_peaks =
        "every region is at the largest peak demand the run simulated, and the carry-over and diagnostics "
        "the new envelopes draw still exhaust some";
    // The level asked next; `recommendation` stays the envelopes last
    // simulated, so that what is reported and saved is what `after` measured.
    EnvelopeRecommendation candidate = recommendation;
    for (double reached = p_no_region_exhausted(after); reached < request.target_probability;
         reached = p_no_region_exhausted(after)) {
      const double clear_in_sample = std::round(candidate.p_no_region_exhausted_in_sample * n);
      if (clear_in_sample >= n || candidate.common_level >= 1) {
        short_because = largest_peaks;
        break;
      }
      if (level_raises == max_level_raises) {
        short_because = "the re-simulation still falls short";
        break;
      }
      const double missed = std::ceil((request.target_probability - reached) * n - 1e-9);
      raised.target_probability = std::min(n, clear_in_sample + std::max(1.0, missed)) / n;
      EnvelopeRecommendation higher;
      try {
        higher = recommend_envelopes(conv, demand, raised, scenario.demand.ceiling_margin());
      } catch (const RecommendationError&) {
        short_because = "the --max bounds stop the level from rising further";
        break;
      }
      // Replications tied at a level clear together, and near the top of
      // every region's peaks a higher level moves the envelopes by cents:
      // no re-simulation for that, the level is raised again. The in-sample
      // count of clear replications grows each time, so this ends.
      bool moved = false;
      for (std::size_t r = 0; r < higher.envelope.size(); ++r)
        moved = moved || std::abs(higher.envelope[r] - recommendation.envelope[r]) > cents_per_euro;
      const bool resimulate = moved || higher.complementary - recommendation.complementary > cents_per_euro;
      candidate = std::move(higher);
      if (!resimulate) continue;
      recommendation = candidate;
      changed = with_envelopes(recommendation);
      after = simulate(changed);
      ++level_raises;
    }
  }
  const Simulator simulator(changed);

  RecommendationReport report;
  report.objective = options.request.objective;
  report.target_probability = options.request.target_probability;
  report.scenario_name = scenario.name;
  report.seed = info.seed;
  report.replications = N;
  report.commitment_start = conv.commitment_start;
  report.common_level = recommendation.common_level;
  report.level_raises = level_raises;
  report.short_of_target_because = short_because;
  report.first = report_first;
  report.complementary = asked_of(recommendation);
  report.total_envelope_after = total_for(recommendation);
  report.as_of = as_of;
  Moments unmet_before, unmet_after, unmet_change, none_before, none_after;
  std::vector<Moments> exhausted_before(static_cast<std::size_t>(R)),
      exhausted_after(static_cast<std::size_t>(R));
  std::vector<Moments> region_unmet_before(static_cast<std::size_t>(R)),
      region_unmet_after(static_cast<std::size_t>(R));
  std::vector<DayHistogram> days_before(static_cast<std::size_t>(R), DayHistogram(simulator.window_days()));
  std::vector<DayHistogram> days_after = days_before;
  constexpr double eur = 1.0 / cents_per_euro;
  // The file's replications drew the same particles as their re-simulation
  // (replication 0 was checked above): both are clustered by `after`'s draws.
  for (std::int64_t i = 0; i < N; ++i) {
    Cents total_before = 0, total_after = 0;
    bool any_before = false, any_after = false;
    const int cluster = after.cluster[static_cast<std::size_t>(i)];
    for (int r = 0; r < R; ++r) {
      const auto k = static_cast<std::size_t>(i * R + r);
      const auto rr = static_cast<std::size_t>(r);
      exhausted_before[rr].add(before.exhaustion_day[k] != never_exhausted ? 1.0 : 0.0, cluster);
      exhausted_after[rr].add(after.exhaustion_day[k] != never_exhausted ? 1.0 : 0.0, cluster);
      region_unmet_before[rr].add(static_cast<double>(before.unmet[k]) * eur, cluster);
      region_unmet_after[rr].add(static_cast<double>(after.unmet[k]) * eur, cluster);
      days_before[rr].add(before.exhaustion_day[k]);
      days_after[rr].add(after.exhaustion_day[k]);
      any_before = any_before || before.exhaustion_day[k] != never_exhausted;
      any_after = any_after || after.exhaustion_day[k] != never_exhausted;
      total_before += before.unmet[k];
      total_after += after.unmet[k];
    }
    unmet_before.add(static_cast<double>(total_before) * eur, cluster);
    unmet_after.add(static_cast<double>(total_after) * eur, cluster);
    unmet_change.add(static_cast<double>(total_after - total_before) * eur, cluster);
    none_before.add(any_before ? 0.0 : 1.0, cluster);
    none_after.add(any_after ? 0.0 : 1.0, cluster);
  }
  for (int r = 0; r < R; ++r) {
    const auto rr = static_cast<std::size_t>(r);
    RegionComparison c;
    c.code = conv.regions[rr].code;
    c.name = conv.regions[rr].name;
    c.current_envelope = conv.regions[rr].envelope;
    c.recommended_envelope = recommendation.envelope[rr];
    c.current_available = conv.available(rr);
    c.recommended_available = conv.available_of(recommendation.envelope[rr]);
    c.p_exhausted_before = estimate(exhausted_before[rr]);
    c.p_exhausted_after = estimate(exhausted_after[rr]);
    c.unmet_before_eur = estimate(region_unmet_before[rr]);
    c.unmet_after_eur = estimate(region_unmet_after[rr]);
    c.median_exhaustion_day_before = days_before[rr].quantile(50);
    c.median_exhaustion_day_after = days_after[rr].quantile(50);
    c.expected_dossiers = scenario.demand.regions[rr].expected_dossiers;
    report.regions.push_back(std::move(c));
  }
  report.unmet_before_eur = estimate(unmet_before);
  report.unmet_after_eur = estimate(unmet_after);
  report.unmet_change_eur = estimate(unmet_change);
  report.p_no_region_exhausted_before = estimate(none_before);
  report.p_no_region_exhausted_after = estimate(none_after);

  // Out of sample: before and after on N years the choice never saw, paired.
  {
    const RegionOutcomes other_before = simulate(scenario, N), other_after = simulate(changed, N);
    Moments change, none_other_before, none_other_after;
    for (std::int64_t i = 0; i < N; ++i) {
      Cents total_before = 0, total_after = 0;
      bool any_before = false, any_after = false;
      const int cluster = other_before.cluster[static_cast<std::size_t>(i)];
      for (int r = 0; r < R; ++r) {
        const auto k = static_cast<std::size_t>(i * R + r);
        total_before += other_before.unmet[k];
        total_after += other_after.unmet[k];
        any_before = any_before || other_before.exhaustion_day[k] != never_exhausted;
        any_after = any_after || other_after.exhaustion_day[k] != never_exhausted;
      }
      change.add(static_cast<double>(total_after - total_before) * eur, cluster);
      none_other_before.add(any_before ? 0.0 : 1.0, cluster);
      none_other_after.add(any_after ? 0.0 : 1.0, cluster);
    }
    report.held_out_replications = N;
    report.held_out_unmet_change_eur = estimate(change);
    report.held_out_p_no_region_exhausted_before = estimate(none_other_before);
    report.held_out_p_no_region_exhausted_after = estimate(none_other_after);
  }

  const RunSummary summary = run.summary();
  report.p_additional_needed = {summary.national.p_additional_needed.mean,
                                summary.national.p_additional_needed.standard_error};
  for (int p : {50, 80, 90, 95})
    report.additional_needed_quantiles.emplace_back(p, summary.national.additional_needed_quantile.at(p));
  for (int p : {5, 10, 25, 50})
    report.pool_runs_out_day_quantiles.emplace_back(p, summary.national.additional_needed_day.at(p));
  return report;
}

}  // namespace fnesim
