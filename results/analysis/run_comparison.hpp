#pragma once
// Two runs set side by side (`fnesim compare A.h5 B.h5`, docs/compare.md): per
// region and nationally, P(exhausted), the median exhaustion date and the
// expected unmet demand of each run, the difference B − A with its Monte-Carlo
// standard error, and whether it is larger than Monte-Carlo noise explains.
//
// Runs that drew the same random numbers — same seed, replication count and
// stream scheme (sim/rng.hpp: common random numbers) — are compared PAIRED:
// replication i of B against replication i of A, the standard error being that
// of the mean of the differences, far smaller when the runs are correlated.
// Otherwise the runs are independent samples and the comparison is Welch's.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/errors.hpp"
#include "models/calendar.hpp"
#include "models/money.hpp"

namespace fnesim {

class RunFileReader;

// What a comparison needs of one run, per replication (/replications).
// A forecast's starting point: the actuals file it was conditioned on and the cut-off.
struct ForecastStartIdentity {
  std::string actuals_file, actuals_sha256;
  Date as_of;
  bool operator==(const ForecastStartIdentity& other) const {
    return actuals_sha256 == other.actuals_sha256 && as_of == other.as_of;
  }
};

struct RunOutcomes {
  std::string file, scenario_name, scenario_sha256, stream_scheme;
  std::optional<ForecastStartIdentity> forecast_from;  // a run from actuals (run --actuals --as-of)
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  Date commitment_start;
  int window_days = 0;
  std::vector<std::string> region_codes, region_names;
  std::vector<std::int32_t> exhaustion_day;         // replication × region; -1 = not exhausted
  std::vector<Cents> unmet;                         // replication × region
  std::vector<std::int32_t> additional_needed_day;  // per replication; -1 = the pool never falls short
  std::vector<Cents> national_unmet, additional_needed;
  // A forecast weighing particles (format 1.9): per replication, the prior
  // draw its particle descends from. Replications sharing one are not
  // independent: the tests cluster by it. Empty: independent replications.
  std::vector<std::int64_t> cluster;
  // A forecast written before format 1.9, which does not record the draws its
  // particles share: clustered by particle, which understates less than nothing.
  bool clustered_by_particle = false;
};

// Reads a run file's replications; throws RunFileError.
RunOutcomes read_run_outcomes(const RunFileReader& run);

// Two runs whose regions differ: nothing to compare region by region.
class IncomparableRunsError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

struct ComparisonOptions {
  // Holm's step-down correction keeps the chance of flagging any difference
  // when there is none at most this, over all the tests of a comparison.
  double family_wise_level = 0.05;
  // Median days: bootstrap percentile interval of the difference.
  int bootstrap_resamples = 1000;
  std::uint64_t bootstrap_seed = 20210118;
  double interval_level = 0.95;
};

// A mean estimated in both runs, and the test of their difference.
struct MeanComparison {
  double a = 0, b = 0;
  double difference = 0;      // b − a
  double standard_error = 0;  // Monte-Carlo standard error of the difference
  // Two-sided Student t; none when there is nothing to test (both runs the same
  // constant, or, paired, equal in every replication).
  std::optional<double> p_value;
  bool significant = false;  // after Holm's correction
};

// The median of a day count in both runs, in days since A's commitment start;
// none = beyond the commitment window (not exhausted in at least half the years).
struct MedianDayComparison {
  std::optional<std::int32_t> a, b;
  std::optional<std::int32_t> difference;  // b − a, when both medians exist
  // Only when the difference exists: the bootstrap percentile interval of the
  // difference; an end is none when it is unbounded (resamples whose median is
  // beyond the window).
  std::optional<std::int32_t> interval_low, interval_high;
  // False when a run has fewer than two independent units (one replication,
  // or years on one prior draw): resampling it gives an interval of no width
  // that is no precision, so none is given.
  bool has_interval = true;
};

struct RegionComparison {
  std::string code, name;
  MeanComparison p_exhausted, unmet_eur;
  MedianDayComparison median_exhaustion_day;
};

// The pooled national envelope: whether, how much and when it falls short.
struct NationalComparison {
  MeanComparison p_additional_needed, additional_needed_eur, unmet_eur;
  MedianDayComparison median_additional_needed_day;
};

struct RunIdentity {
  std::string file, scenario_name, scenario_sha256;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  Date commitment_start;
  std::optional<ForecastStartIdentity> forecast_from;
};

enum class PairingDesign { Paired, Unpaired };

struct RunComparison {
  RunIdentity a, b;
  PairingDesign design = PairingDesign::Unpaired;
  std::string design_reason;  // what the runs share, or what differs
  // Unpaired runs of the same seed and stream scheme but different counts:
  // their first this-many replications drew the same random numbers (0 otherwise).
  std::int64_t shared_replications = 0;
  // Forecasts weighing particles: the prior draws each run's replications
  // share, by which the standard errors are clustered (0: independent).
  std::int64_t clusters_a = 0, clusters_b = 0;
  bool clustered_by_particle = false;  // either run: a forecast before format 1.9
  ComparisonOptions options;
  int tests = 0;                          // the family Holm's correction runs over: every mean with a p-value
  std::vector<RegionComparison> regions;  // in A's order, matched by code
  NationalComparison national;
};

// Throws IncomparableRunsError when the runs' region codes differ.
RunComparison compare_runs(const RunOutcomes& a, const RunOutcomes& b, const ComparisonOptions& options = {});

std::string render_comparison_table(const RunComparison& comparison);
std::string comparison_json(const RunComparison& comparison);

}  // namespace fnesim
