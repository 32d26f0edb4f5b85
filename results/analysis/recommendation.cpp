#include "results/analysis/recommendation.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/apportion.hpp"
#include "models/envelope.hpp"
#include "results/format.hpp"
#include "results/hdf5.hpp"
#include "results/json.hpp"
#include "results/output_file.hpp"
#include "results/sha256.hpp"
#include "results/text_table.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim {

namespace fs = std::filesystem;

namespace {

// One region's peak net demand over the run's replications, sorted.
struct RegionDemandCurve {
  std::vector<Cents> sorted;
  // Empirical quantile at `level` in [0, 1], interpolated between order
  // statistics so that envelopes vary continuously with the level.
  double at(double level) const {
    const double position = level * static_cast<double>(sorted.size() - 1);
    const auto below = static_cast<std::size_t>(std::floor(position));
    const std::size_t above = std::min(below + 1, sorted.size() - 1);
    const double t = position - static_cast<double>(below);
    return static_cast<double>(sorted[below]) * (1 - t) + static_cast<double>(sorted[above]) * t;
  }
};

class Recommender {
 public:
  Recommender(const Convention& convention, const DemandSample& demand, const RecommendationRequest& request,
              double overcommit_margin)
      : convention_(convention), demand_(demand), request_(request), margin_(overcommit_margin) {
    const auto R = static_cast<std::size_t>(demand.regions);
    if (demand.replications < 2) throw RecommendationError("the run has fewer than 2 replications");
    curves_.resize(R);
    for (std::size_t r = 0; r < R; ++r) {
      curves_[r].sorted.resize(static_cast<std::size_t>(demand.replications));
      for (std::int64_t i = 0; i < demand.replications; ++i)
        curves_[r].sorted[static_cast<std::size_t>(i)] =
            demand.peak_net_demand[static_cast<std::size_t>(i) * R + r];
      std::sort(curves_[r].sorted.begin(), curves_[r].sorted.end());
    }
    keep_ = convention.kept_share() * (1 + margin_);  // envelope → what the region may commit before a refusal
    if (keep_ <= 0) throw RecommendationError("a fee rate of 100 % leaves nothing to commit, whatever the envelope");
    for (const Region& region : convention.regions) total_ += region.envelope;
  }

  EnvelopeRecommendation for_expected_unmet() const {
    const std::size_t R = curves_.size();
    double min_sum = 0, max_sum = 0;
    for (std::size_t r = 0; r < R; ++r) {
      min_sum += static_cast<double>(request_.min_envelope[r]);
      max_sum += static_cast<double>(request_.max_envelope[r]);
    }
    if (min_sum > static_cast<double>(total_))
      throw RecommendationError("the --min bounds add up to more than the total of the envelopes");
    if (max_sum < static_cast<double>(total_))
      throw RecommendationError("the --max bounds add up to less than the total of the envelopes");

    const auto target = static_cast<double>(total_);
    double level = 0;
    std::vector<double> amounts;
    if (sum_at(1.0) <= target) {
      // Even every region's largest simulated demand fits: the rest goes pro
      // rata the current envelopes, up to the upper bounds.
      level = 1.0;
      amounts = at_level(1.0);
      spread_rest(amounts, target);
    } else if (sum_at(0.0) >= target) {
      // Even the smallest simulated demands do not fit: share the shortage
      // pro rata what each region needs above its lower bound.
      amounts = at_level(0.0);
      const double above_min = sum_at(0.0) - min_sum;
      for (std::size_t r = 0; r < R; ++r) {
        const auto lo = static_cast<double>(request_.min_envelope[r]);
        // Minima adding up to the total leave nothing to share.
        amounts[r] = above_min > 0 ? lo + (amounts[r] - lo) * (target - min_sum) / above_min : lo;
      }
    } else {
      double lo = 0, hi = 1;
      for (int iteration = 0; iteration < 100; ++iteration) {
        const double mid = (lo + hi) / 2;
        (sum_at(mid) < target ? lo : hi) = mid;
      }
      level = hi;
      amounts = at_level(level);
      // The bisection leaves a few cents of rounding; they go by fractions below.
      const double sum = std::accumulate(amounts.begin(), amounts.end(), 0.0);
      for (double& a : amounts) a *= target / sum;
    }
    EnvelopeRecommendation out;
    // Whole cents adding up exactly to the total: the committee's exact split.
    out.envelope = apportion(total_, amounts);
    out.common_level = level;
    out.p_no_region_exhausted_in_sample = p_no_region_exhausted(out.envelope);
    return out;
  }

  EnvelopeRecommendation for_target_probability(double target) const {
    if (p_no_region_exhausted(whole_envelopes_at(1.0)) < target)
      throw RecommendationError("no envelopes within the --max bounds reach the target probability");
    double lo = 0, hi = 1;
    if (p_no_region_exhausted(whole_envelopes_at(0.0)) >= target) {
      hi = 0;
    } else {
      for (int iteration = 0; iteration < 60; ++iteration) {
        const double mid = (lo + hi) / 2;
        (p_no_region_exhausted(whole_envelopes_at(mid)) < target ? lo : hi) = mid;
      }
    }
    std::vector<Cents> envelope = whole_envelopes_at(hi);
    const Cents needed = std::accumulate(envelope.begin(), envelope.end(), Cents{0});
    // The current total suffices once shared well: no complementary allocation,
    // and the best split of the total for expected unmet demand (whose common
    // level is at least this one).
    if (needed <= total_) return for_expected_unmet();
    EnvelopeRecommendation out;
    out.envelope = std::move(envelope);
    out.complementary = needed - total_;
    out.common_level = hi;
    out.p_no_region_exhausted_in_sample = p_no_region_exhausted(out.envelope);
    return out;
  }

 private:
  double envelope_at(std::size_t r, double level) const {
    return std::clamp(curves_[r].at(level) / keep_, static_cast<double>(request_.min_envelope[r]),
                      static_cast<double>(request_.max_envelope[r]));
  }
  std::vector<double> at_level(double level) const {
    std::vector<double> amounts(curves_.size());
    for (std::size_t r = 0; r < curves_.size(); ++r) amounts[r] = envelope_at(r, level);
    return amounts;
  }
  double sum_at(double level) const {
    const std::vector<double> amounts = at_level(level);
    return std::accumulate(amounts.begin(), amounts.end(), 0.0);
  }
  // Envelopes whose available amounts cover the demand quantile, in whole cents.
  std::vector<Cents> whole_envelopes_at(double level) const {
    std::vector<Cents> envelope(curves_.size());
    for (std::size_t r = 0; r < curves_.size(); ++r) {
      const auto demand = static_cast<Cents>(std::ceil(curves_[r].at(level)));
      envelope[r] = std::clamp(smallest_envelope_for_ceiling(convention_, demand, margin_), request_.min_envelope[r],
                               request_.max_envelope[r]);
    }
    return envelope;
  }
  void spread_rest(std::vector<double>& amounts, double target) const {
    for (int pass = 0; pass < static_cast<int>(amounts.size()); ++pass) {
      double rest = target - std::accumulate(amounts.begin(), amounts.end(), 0.0);
      double weight = 0;
      for (std::size_t r = 0; r < amounts.size(); ++r)
        if (amounts[r] < static_cast<double>(request_.max_envelope[r]))
          weight += static_cast<double>(convention_.regions[r].envelope);
      if (rest <= 0.5 || weight <= 0) return;
      for (std::size_t r = 0; r < amounts.size(); ++r)
        if (amounts[r] < static_cast<double>(request_.max_envelope[r]))
          amounts[r] =
              std::min(static_cast<double>(request_.max_envelope[r]),
                       amounts[r] + rest * static_cast<double>(convention_.regions[r].envelope) / weight);
    }
  }
  double p_no_region_exhausted(const std::vector<Cents>& envelope) const {
    const std::size_t R = curves_.size();
    std::vector<Cents> available(R);
    for (std::size_t r = 0; r < R; ++r)
      available[r] = overcommit_ceiling(convention_.available_of(envelope[r]), margin_);
    std::int64_t none = 0;
    for (std::int64_t i = 0; i < demand_.replications; ++i) {
      const Cents* peaks = &demand_.peak_net_demand[static_cast<std::size_t>(i) * R];
      bool any = false;
      for (std::size_t r = 0; r < R && !any; ++r) any = peaks[r] > available[r];
      none += any ? 0 : 1;
    }
    return static_cast<double>(none) / static_cast<double>(demand_.replications);
  }

  const Convention& convention_;
  const DemandSample& demand_;
  const RecommendationRequest& request_;
  double margin_;
  std::vector<RegionDemandCurve> curves_;
  double keep_ = 1;
  Cents total_ = 0;
};

}  // namespace

EnvelopeRecommendation recommend_envelopes(const Convention& convention, const DemandSample& demand,
                                           const RecommendationRequest& request, double overcommit_margin) {
  RecommendationRequest bounded = request;
  const std::size_t R = convention.regions.size();
  if (static_cast<std::size_t>(demand.regions) != R ||
      demand.peak_net_demand.size() != R * static_cast<std::size_t>(demand.replications))
    throw RecommendationError("the demand sample does not match the convention's regions");
  bounded.min_envelope.resize(R, 0);
  bounded.max_envelope.resize(R, no_upper_bound);
  for (std::size_t r = 0; r < R; ++r)
    if (bounded.min_envelope[r] > bounded.max_envelope[r])
      throw RecommendationError(convention.regions[r].code + ": --min is above --max");
  const Recommender recommender(convention, demand, bounded, overcommit_margin);
  return request.objective == RecommendationObjective::ExpectedUnmet
             ? recommender.for_expected_unmet()
             : recommender.for_target_probability(request.target_probability);
}

// ---- Evaluation ----------------------------------------------------------------

namespace {

// Per-replication exhaustion days and unmet amounts of one run, replication × region.
struct RegionOutcomes {
  std::int64_t replications = 0;
  int regions = 0;
  std::vector<std::int32_t> exhaustion_day;
  std::vector<Cents> unmet;
};

class OutcomeCollector : public ReplicationSink {
 public:
  explicit OutcomeCollector(RegionOutcomes& out) : out_(&out) {}
  void consume(std::int64_t, const ReplicationOutcome& outcome) override {
    ++out_->replications;
    for (const RegionOutcome& ro : outcome.regions) {
      out_->exhaustion_day.push_back(ro.exhaustion_day);
      out_->unmet.push_back(ro.unmet);
    }
  }

 private:
  RegionOutcomes* out_;
};

template <typename T>
std::vector<T> read_replication_field(const hdf5::File& file, const char* name, std::int64_t replications,
                                      int regions) {
  const hdf5::Dataset dataset = file.open_group("replications").open_dataset(name);
  const std::vector<hsize_t> expected{static_cast<hsize_t>(replications), static_cast<hsize_t>(regions)};
  if (dataset.shape() != expected) dataset.fail("does not have the shape replication × region of the run");
  return dataset.read<T>();
}

EstimateWithError estimate(const Moments& m) { return {m.mean(), m.standard_error()}; }

}  // namespace

RecommendationReport recommend_from_run_file(const RunFileReader& run, const RecommendOptions& options) {
  const RunFileInfo& info = run.info();
  const std::string name = run.path().string();
  std::string origin = name;
  origin += ":/scenario/resolved_toml";
  Scenario scenario = load_scenario_text(run.resolved_toml(), origin, run.path().parent_path());
  // A run from actuals is re-simulated from the same actuals, checked by their hash.
  std::optional<Date> as_of;
  if (run.file().contains("actuals")) {
    const hdf5::Group group = run.file().open_group("actuals");
    const std::string recorded = group.string_attribute("sha256");
    if (options.actuals.empty())
      throw RecommendationError(name + " starts from actuals (" + group.string_attribute("file") +
                                "): give the same file with --actuals");
    const Actuals actuals = read_actuals(options.actuals, scenario);
    if (sha256_hex(actuals.content) != recorded)
      throw RecommendationError(options.actuals.string() +
                                " is not the actuals file the run used (SHA-256 differs from " + recorded +
                                ")");
    as_of = Date::parse(group.string_attribute("as_of"));
    if (!as_of) throw RunFileError(name + ": /actuals has no valid as_of date");
    scenario = condition_on_actuals(scenario, actuals, *as_of).scenario;
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
  demand.peak_net_demand = read_replication_field<Cents>(run.file(), "peak_net_demand_cents", N, R);
  RegionOutcomes before;
  before.replications = N;
  before.regions = R;
  before.exhaustion_day = read_replication_field<std::int32_t>(run.file(), "exhaustion_day", N, R);
  before.unmet = read_replication_field<Cents>(run.file(), "unmet_cents", N, R);

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
            name + " was written by fnesim " + info.fnesim_version + " (" + info.git_revision +
            "), whose simulation this version does not reproduce: run the scenario again "
            "(`fnesim inspect --scenario` gives it) and recommend from the new file");
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
      request.min_envelope[k] = std::max(request.min_envelope[k], smallest_envelope_for_ceiling(conv, observed[k], 0));
    }
  }
  const double margin = scenario.demand.exhaustion_policy == ExhaustionPolicy::Overcommit
                            ? scenario.demand.overcommit_margin
                            : 0.0;
  const EnvelopeRecommendation recommendation = recommend_envelopes(conv, demand, request, margin);

  // The same scenario with the recommended envelopes, on the same random numbers.
  Scenario changed = scenario;
  for (int r = 0; r < R; ++r)
    changed.convention.regions[static_cast<std::size_t>(r)].envelope =
        recommendation.envelope[static_cast<std::size_t>(r)];
  changed.convention.total_envelope += recommendation.complementary;
  const Simulator simulator(changed);
  RegionOutcomes after;
  after.regions = R;
  OutcomeCollector collector(after);
  ReplicationSink* sinks[] = {&collector};
  RunControl control;
  control.seed = info.seed;
  control.threads = options.threads;
  run_replications(simulator, 0, N, control, sinks);

  RecommendationReport report;
  report.objective = options.request.objective;
  report.target_probability = options.request.target_probability;
  report.scenario_name = scenario.name;
  report.seed = info.seed;
  report.replications = N;
  report.commitment_start = conv.commitment_start;
  report.common_level = recommendation.common_level;
  report.complementary = recommendation.complementary;
  report.as_of = as_of;
  Moments unmet_before, unmet_after, unmet_change, none_before, none_after;
  std::vector<Moments> exhausted_before(static_cast<std::size_t>(R)),
      exhausted_after(static_cast<std::size_t>(R));
  std::vector<Moments> region_unmet_before(static_cast<std::size_t>(R)),
      region_unmet_after(static_cast<std::size_t>(R));
  std::vector<DayHistogram> days_before(static_cast<std::size_t>(R), DayHistogram(simulator.window_days()));
  std::vector<DayHistogram> days_after = days_before;
  constexpr double eur = 1.0 / cents_per_euro;
  for (std::int64_t i = 0; i < N; ++i) {
    Cents total_before = 0, total_after = 0;
    bool any_before = false, any_after = false;
    for (int r = 0; r < R; ++r) {
      const auto k = static_cast<std::size_t>(i * R + r);
      const auto rr = static_cast<std::size_t>(r);
      exhausted_before[rr].add(before.exhaustion_day[k] != never_exhausted ? 1.0 : 0.0);
      exhausted_after[rr].add(after.exhaustion_day[k] != never_exhausted ? 1.0 : 0.0);
      region_unmet_before[rr].add(static_cast<double>(before.unmet[k]) * eur);
      region_unmet_after[rr].add(static_cast<double>(after.unmet[k]) * eur);
      days_before[rr].add(before.exhaustion_day[k]);
      days_after[rr].add(after.exhaustion_day[k]);
      any_before = any_before || before.exhaustion_day[k] != never_exhausted;
      any_after = any_after || after.exhaustion_day[k] != never_exhausted;
      total_before += before.unmet[k];
      total_after += after.unmet[k];
    }
    unmet_before.add(static_cast<double>(total_before) * eur);
    unmet_after.add(static_cast<double>(total_after) * eur);
    unmet_change.add(static_cast<double>(total_after - total_before) * eur);
    none_before.add(any_before ? 0.0 : 1.0);
    none_after.add(any_after ? 0.0 : 1.0);
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
    report.regions.push_back(std::move(c));
  }
  report.unmet_before_eur = estimate(unmet_before);
  report.unmet_after_eur = estimate(unmet_after);
  report.unmet_change_eur = estimate(unmet_change);
  report.p_no_region_exhausted_before = estimate(none_before);
  report.p_no_region_exhausted_after = estimate(none_after);

  const RunSummary summary = run.summary();
  report.p_additional_needed = {summary.national.p_additional_needed.mean,
                                summary.national.p_additional_needed.standard_error};
  for (int p : {50, 80, 90, 95})
    report.additional_needed_quantiles.emplace_back(p, summary.national.additional_needed_quantile.at(p));
  for (int p : {5, 10, 25, 50})
    report.pool_runs_out_day_quantiles.emplace_back(p, summary.national.additional_needed_day.at(p));
  return report;
}

// ---- Output ---------------------------------------------------------------------

namespace {

const char* objective_key(RecommendationObjective objective) {
  return objective == RecommendationObjective::ExpectedUnmet ? "expected-unmet" : "target-probability";
}

}  // namespace

std::string render_recommendation(const RecommendationReport& report) {
  std::string out = "fnesim recommend: ";
  out += report.scenario_name;
  out += " — ";
  out += std::to_string(report.replications);
  out += " replications, seed ";
  out += std::to_string(report.seed);
  out += "; objective ";
  out += objective_key(report.objective);
  if (report.objective == RecommendationObjective::TargetProbability) {
    char target[64];
    std::snprintf(target, sizeof target, " (P(no region exhausted) ≥ %.2f)", report.target_probability);
    out += target;
  }
  out +=
      "\n\"After\" is the simulation re-run with the recommended envelopes on the same random numbers.\n\n";
  TextTable table;
  table.add_column("Region", TextTable::Align::Left);
  table.add_column("Envelope");
  table.add_column("Recommended");
  table.add_column("Change");
  table.add_column("P(exhausted) before → after", TextTable::Align::Left);
  table.add_column("Unmet before → after", TextTable::Align::Left);
  table.add_column("Median exhaustion before → after", TextTable::Align::Left);
  for (const RegionComparison& c : report.regions) {
    table.add_row({c.name, format_meur(c.current_envelope), format_meur(c.recommended_envelope),
                   format_meur_signed(c.recommended_envelope - c.current_envelope),
                   format_probability(c.p_exhausted_before.mean) + " → " + format_probability(c.p_exhausted_after.mean),
                   format_meur(c.unmet_before_eur.mean) + " → " + format_meur(c.unmet_after_eur.mean),
                   format_day(report.commitment_start, c.median_exhaustion_day_before) + " → " +
                       format_day(report.commitment_start, c.median_exhaustion_day_after)});
  }
  out += table.render();
  char line[512];
  // The change is paired replication by replication, hence far more precise
  // than either figure: in thousands of euros.
  std::snprintf(
      line, sizeof line,
      "\nExpected unmet demand, all regions: %s → %s (change %+.1f k€ ± %.1f k€, paired over the same "
      "replications).\nP(no region exhausted before the deadline): %s → %s.\n",
      format_meur(report.unmet_before_eur.mean).c_str(), format_meur(report.unmet_after_eur.mean).c_str(),
      report.unmet_change_eur.mean / 1e3, report.unmet_change_eur.standard_error / 1e3,
      format_probability(report.p_no_region_exhausted_before.mean).c_str(),
      format_probability(report.p_no_region_exhausted_after.mean).c_str());
  out += line;
  out += "Complementary allocation asked for: ";
  out += format_meur(report.complementary);
  out += report.objective == RecommendationObjective::ExpectedUnmet ? " (same total, reallocation only).\n"
                                                                    : ".\n";
  out += "Will additional allocations be needed? Probability that national demand exceeds the envelope: ";
  char p[64];
  std::snprintf(p, sizeof p, "%.3f ±%.3f", report.p_additional_needed.mean,
                report.p_additional_needed.standard_error);
  out += p;
  out += ".\n  Complementary allocation needed, regions pooled: ";
  for (std::size_t k = 0; k < report.additional_needed_quantiles.size(); ++k) {
    const auto& [percent, cents] = report.additional_needed_quantiles[k];
    out += k ? "; " : "";
    out += format_meur(cents);
    out += " at ";
    out += std::to_string(percent);
    out += " %";
  }
  out += ".\n";
  if (!report.pool_runs_out_day_quantiles.empty() && report.pool_runs_out_day_quantiles.front().second) {
    out += "  Needed by (the pooled envelope runs out): ";
    bool first = true;
    for (const auto& [percent, day] : report.pool_runs_out_day_quantiles) {
      if (!day) break;
      out += first ? "" : ", ";
      out += format_day(report.commitment_start, day);
      out += " in ";
      out += std::to_string(percent);
      out += " %";
      first = false;
    }
    out += " of simulated years.\n";
  }
  return out;
}

std::string recommendation_json(const RecommendationReport& report) {
  JsonWriter j;
  constexpr double eur = 1.0 / cents_per_euro;
  auto day = [&](const std::optional<std::int32_t>& d) -> JsonWriter& {
    return d ? j.value(static_cast<std::int64_t>(*d)) : j.null();
  };
  j.begin_object();
  j.field("scenario", report.scenario_name);
  j.key("seed").value(static_cast<std::int64_t>(report.seed));
  j.field("replications", static_cast<std::int64_t>(report.replications));
  j.field("objective", std::string(objective_key(report.objective)));
  if (report.objective == RecommendationObjective::TargetProbability)
    j.field("target_probability", report.target_probability);
  j.field("common_level", report.common_level);
  if (report.as_of) j.field("as_of", report.as_of->iso());
  j.field("after_evaluated_by", std::string("re-simulation with common random numbers"));
  j.key("regions").begin_array();
  for (const RegionComparison& c : report.regions) {
    j.begin_object();
    j.field("code", c.code);
    j.field("name", c.name);
    j.field_euros("current_envelope_eur", c.current_envelope);
    j.field_euros("recommended_envelope_eur", c.recommended_envelope);
    j.field_euros("current_available_eur", c.current_available);
    j.field_euros("recommended_available_eur", c.recommended_available);
    j.field("p_exhausted_before", c.p_exhausted_before.mean);
    j.field("p_exhausted_before_se", c.p_exhausted_before.standard_error);
    j.field("p_exhausted_after", c.p_exhausted_after.mean);
    j.field("p_exhausted_after_se", c.p_exhausted_after.standard_error);
    j.field("expected_unmet_before_eur", c.unmet_before_eur.mean);
    j.field("expected_unmet_before_se_eur", c.unmet_before_eur.standard_error);
    j.field("expected_unmet_after_eur", c.unmet_after_eur.mean);
    j.field("expected_unmet_after_se_eur", c.unmet_after_eur.standard_error);
    j.key("median_exhaustion_day_before");
    day(c.median_exhaustion_day_before);
    j.key("median_exhaustion_day_after");
    day(c.median_exhaustion_day_after);
    j.end_object();
  }
  j.end_array();
  j.key("national").begin_object();
  j.field("complementary_allocation_eur", static_cast<double>(report.complementary) * eur);
  j.field("expected_unmet_before_eur", report.unmet_before_eur.mean);
  j.field("expected_unmet_after_eur", report.unmet_after_eur.mean);
  j.field("expected_unmet_change_eur", report.unmet_change_eur.mean);
  j.field("expected_unmet_change_se_eur", report.unmet_change_eur.standard_error);
  j.field("p_no_region_exhausted_before", report.p_no_region_exhausted_before.mean);
  j.field("p_no_region_exhausted_after", report.p_no_region_exhausted_after.mean);
  j.field("p_additional_needed", report.p_additional_needed.mean);
  j.field("p_additional_needed_se", report.p_additional_needed.standard_error);
  for (const auto& [percent, cents] : report.additional_needed_quantiles) {
    char name[48];
    std::snprintf(name, sizeof name, "additional_needed_q%02d_eur", percent);
    j.field_euros(name, cents);
  }
  for (const auto& [percent, d] : report.pool_runs_out_day_quantiles) {
    char name[48];
    std::snprintf(name, sizeof name, "pool_runs_out_day_q%02d", percent);
    j.key(name);
    day(d);
  }
  j.end_object();
  j.end_object();
  return j.str();
}

void save_recommendation(const fs::path& run_file, const RecommendationReport& report, bool replace) {
  const fs::path temporary = run_file.string() + ".tmp." + std::to_string(::getpid());
  try {
    fs::copy_file(run_file, temporary, fs::copy_options::overwrite_existing);
    {
      hdf5::File file = hdf5::File::open_read_write(temporary);
      if (file.contains("recommendation")) {
        if (!replace) {
          file.close();
          fs::remove(temporary);
          throw OutputError(run_file.string() + " already holds a recommendation; use --force to replace it");
        }
        file.remove("recommendation");
      }
      hdf5::Group group =
          file.create_group("recommendation",
                            "Envelopes recommended by `fnesim recommend`, before (this run) and after "
                            "(re-simulated with common random numbers), format 1.1");
      group.set_string_attribute("objective", objective_key(report.objective));
      group.set_attribute<double>("target_probability",
                                  report.objective == RecommendationObjective::TargetProbability
                                      ? report.target_probability
                                      : std::nan(""));
      group.set_attribute<std::int64_t>("complementary_allocation_cents", report.complementary);
      group.set_attribute<double>("common_level", report.common_level);
      const auto R = static_cast<hsize_t>(report.regions.size());
      auto cents = [&](const char* name, Cents RegionComparison::*member, const char* what) {
        std::vector<std::int64_t> values;
        for (const RegionComparison& c : report.regions) values.push_back(c.*member);
        group.write<std::int64_t>(name, values, {R}, {"cents", what, "region"});
      };
      auto real = [&](const char* name, auto get, const char* units, const char* what) {
        std::vector<double> values;
        for (const RegionComparison& c : report.regions) values.push_back(get(c));
        group.write<double>(name, values, {R}, {units, what, "region"});
      };
      auto days = [&](const char* name, std::optional<std::int32_t> RegionComparison::*member,
                      const char* what) {
        std::vector<std::int32_t> values;
        for (const RegionComparison& c : report.regions)
          values.push_back((c.*member).value_or(never_exhausted));
        group.write<std::int32_t>(name, values, {R}, {"days since commitment start", what, "region"});
      };
      cents("current_envelope_cents", &RegionComparison::current_envelope, "Envelope of the run");
      cents("recommended_envelope_cents", &RegionComparison::recommended_envelope, "Recommended envelope");
      cents("current_available_cents", &RegionComparison::current_available, "Available amount of the run");
      cents("recommended_available_cents", &RegionComparison::recommended_available,
            "Available amount with the recommended envelope");
      real(
          "p_exhausted_before", [](const RegionComparison& c) { return c.p_exhausted_before.mean; },
          "probability", "P(exhausted) in the run");
      real(
          "p_exhausted_after", [](const RegionComparison& c) { return c.p_exhausted_after.mean; },
          "probability", "P(exhausted) re-simulated with the recommended envelopes");
      real(
          "p_exhausted_before_se",
          [](const RegionComparison& c) { return c.p_exhausted_before.standard_error; }, "probability",
          "Monte-Carlo standard error of p_exhausted_before");
      real(
          "p_exhausted_after_se",
          [](const RegionComparison& c) { return c.p_exhausted_after.standard_error; }, "probability",
          "Monte-Carlo standard error of p_exhausted_after");
      real(
          "expected_unmet_before_eur", [](const RegionComparison& c) { return c.unmet_before_eur.mean; },
          "EUR", "Expected unmet demand in the run");
      real(
          "expected_unmet_after_eur", [](const RegionComparison& c) { return c.unmet_after_eur.mean; }, "EUR",
          "Expected unmet demand re-simulated with the recommended envelopes");
      real(
          "expected_unmet_before_se_eur",
          [](const RegionComparison& c) { return c.unmet_before_eur.standard_error; }, "EUR",
          "Monte-Carlo standard error of expected_unmet_before_eur");
      real(
          "expected_unmet_after_se_eur",
          [](const RegionComparison& c) { return c.unmet_after_eur.standard_error; }, "EUR",
          "Monte-Carlo standard error of expected_unmet_after_eur");
      days("median_exhaustion_day_before", &RegionComparison::median_exhaustion_day_before,
           "Median exhaustion day in the run; -1 not exhausted at the median");
      days("median_exhaustion_day_after", &RegionComparison::median_exhaustion_day_after,
           "Median exhaustion day re-simulated; -1 not exhausted at the median");
      group.close();
      file.close();
    }
    fs::rename(temporary, run_file);
  } catch (const hdf5::Error& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw OutputError(run_file.string() + ": cannot add the recommendation: " + e.what());
  } catch (const fs::filesystem_error& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw OutputError(run_file.string() + ": cannot add the recommendation: " + e.what());
  }
}

}  // namespace fnesim
