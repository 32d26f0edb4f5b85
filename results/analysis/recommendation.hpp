#pragma once
// The steering committee's recommendation from a run file (`fnesim
// recommend`): regional envelopes that minimise expected unmet demand for the
// same total, or a complementary allocation that makes "no region exhausted
// before the deadline" likely enough — then evaluated by re-running
// the simulation with those envelopes on the run's own random numbers.
//
// Why demand quantiles: a region refuses its first dossier exactly when its
// peak net demand (cumulative filed amounts less the releases back before the
// deadline) exceeds what it may commit. So P(exhausted at envelope E) is
// P(peak > available(E)) (× (1 + margin) under overcommit), read off the run's replications for any E; at the
// optimum for expected unmet demand these probabilities are equal across the
// regions not held at a bound, i.e. every region gets its demand quantile at a
// common level.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "models/convention.hpp"
#include "results/run_file.hpp"
#include "sim/errors.hpp"

namespace fnesim {

enum class RecommendationObjective { ExpectedUnmet, TargetProbability };

struct RecommendationRequest {
  RecommendationObjective objective = RecommendationObjective::ExpectedUnmet;
  double target_probability = 0.9;  // TargetProbability: P(no region exhausted) to reach
  // Per region, in envelope cents; no_bound when free. Regions never go below
  // what was already committed when the run started from actuals.
  std::vector<Cents> min_envelope, max_envelope;
};
inline constexpr Cents no_upper_bound = INT64_MAX;

struct EnvelopeRecommendation {
  std::vector<Cents> envelope;  // per region; adds up to the current total + complementary
  Cents complementary = 0;      // complementary State allocation asked for (target-probability)
  double common_level = 0;      // demand quantile level of the regions not held at a bound
  // In the run's own replications, at the recommended envelopes, P(no region exhausted) (in-sample).
  double p_no_region_exhausted_in_sample = 0;
};

// The run's per-replication peak net demand, replication × region, in cents.
struct DemandSample {
  int regions = 0;
  std::int64_t replications = 0;
  std::vector<Cents> peak_net_demand;
};

// Thrown when the bounds leave no solution (e.g. minima above the total).
class RecommendationError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

// `overcommit_margin`: under the overcommit policy a region refuses only beyond
// available × (1 + margin); 0 otherwise.
EnvelopeRecommendation recommend_envelopes(const Convention& convention, const DemandSample& demand,
                                           const RecommendationRequest& request,
                                           double overcommit_margin = 0);

// ---- Evaluation: before (the run file) and after (re-simulated) -------------

struct EstimateWithError {
  double mean = 0;
  double standard_error = 0;
};

struct RegionComparison {
  std::string code, name;
  Cents current_envelope = 0, recommended_envelope = 0;
  Cents current_available = 0, recommended_available = 0;
  EstimateWithError p_exhausted_before, p_exhausted_after;
  EstimateWithError unmet_before_eur, unmet_after_eur;
  std::optional<std::int32_t> median_exhaustion_day_before,
      median_exhaustion_day_after;  // none: not exhausted
  // The region's expected dossiers in the run's scenario, before uptake: the
  // re-simulation keeps them whatever the envelope (recommendation_toml pins them).
  double expected_dossiers = 0;
};

struct RecommendationReport {
  RecommendationObjective objective = RecommendationObjective::ExpectedUnmet;
  double target_probability = 0;
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  Date commitment_start;
  double common_level = 0;
  // Target probability: how many times the level was raised because the
  // re-simulation fell short of the target (recommendation_evaluation.cpp),
  // and what the envelopes first found asked for and gave.
  int level_raises = 0;
  std::string short_of_target_because;  // empty when the re-simulation reaches the target
  struct FirstEnvelopes {
    Cents complementary = 0;
    double p_no_region_exhausted = 0;  // re-simulated
  } first;
  Cents complementary = 0;
  Cents total_envelope_after = 0;  // the convention's total, the complementary allocation included
  std::vector<RegionComparison> regions;
  EstimateWithError unmet_before_eur, unmet_after_eur;
  // After − before, paired replication by replication (common random numbers).
  EstimateWithError unmet_change_eur;
  EstimateWithError p_no_region_exhausted_before, p_no_region_exhausted_after;
  // The same, on as many other simulated years — replications N to 2N − 1 of
  // the run's seed, which chose nothing: the envelopes are chosen on the run's
  // own years, which flatters them there; these do not (format 1.8).
  std::int64_t held_out_replications = 0;
  EstimateWithError held_out_unmet_change_eur;
  EstimateWithError held_out_p_no_region_exhausted_before, held_out_p_no_region_exhausted_after;
  // Under the objective of expected unmet demand: the held-out change is
  // within two of its standard errors, or an increase. Nothing then shows the
  // recommendation does better than the current split.
  bool within_noise() const;
  // "Will additional allocations be needed?" (from the run: regions pooled).
  EstimateWithError p_additional_needed;
  std::vector<std::pair<int, Cents>> additional_needed_quantiles;  // 50, 80, 90, 95 %
  std::vector<std::pair<int, std::optional<std::int32_t>>> pool_runs_out_day_quantiles;
  std::optional<Date> as_of;  // a run from actuals: its cut-off
};

struct RecommendOptions {
  RecommendationRequest request;
  int threads = 0;
  // The actuals file of a run that started from actuals (its /actuals group
  // names it and holds its SHA-256): the re-simulation starts from them too.
  std::filesystem::path actuals;
};

// Reads the run file, recommends, re-simulates the run's scenario with the
// recommended envelopes on the same seed and replications, and compares.
// Throws RunFileError, RecommendationError, ScenarioError.
RecommendationReport recommend_from_run_file(const RunFileReader& run, const RecommendOptions& options);

// "expected-unmet" or "target-probability": the objective as --objective, the
// JSON and /recommendation spell it.
const char* objective_key(RecommendationObjective objective);

std::string render_recommendation(const RecommendationReport& report);
std::string recommendation_json(const RecommendationReport& report);
// The recommended envelopes as a scenario extending `as_run` — the run's own,
// as `fnesim inspect RUN --scenario` writes it — with each region's expected
// dossiers pinned as the run had them: stated nationally, they would otherwise
// follow the new envelopes, and the scenario would not be the one the
// recommendation was evaluated on (docs/recommend.md).
std::string recommendation_toml(const RecommendationReport& report, const std::string& run_file,
                                const std::string& as_run);

// Adds (or, with `replace`, replaces) the /recommendation group of the run
// file, through a copy renamed over the original once complete.
void save_recommendation(const std::filesystem::path& run_file, const RecommendationReport& report,
                         bool replace);

}  // namespace fnesim
