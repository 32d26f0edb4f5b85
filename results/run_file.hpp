#pragma once
// The run store: one self-describing HDF5 file per run (docs/hdf5-format.md).
// The writer is a ReplicationSink that buffers a chunk of replications and
// appends it to extendible datasets, so its memory does not grow with the
// replication count; it writes to a temporary file beside the target and
// renames it into place only once complete. The reader checks the file type
// and format version before anything else and rebuilds the RunSummary, so
// `inspect` and `export` show exactly what `run` showed.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "results/run_summary.hpp"
#include "sim/errors.hpp"
#include "sim/forecast/particles.hpp"
#include "sim/runner.hpp"

namespace fnesim {

class OutputSet;  // results/output_file.hpp

namespace hdf5 {
class File;
}
namespace run_layout {
struct RegionField;
struct NationalField;
}  // namespace run_layout
struct ActualsReport;

inline constexpr std::string_view run_file_type = "fnesim-results";
// Minor: additions that readers may ignore. Major: anything incompatible.
inline constexpr int run_format_major = 1;
// 1.1: the steering committee's moves, /recommendation, /actuals.
// 1.2: /replications/uptake, /replications/national/dossier_variance_eur2,
//      /uncertainty, /actuals/prior_predictive.
// 1.3: art. 7's end of the convention: the settlement and financial-review
//      fields of /replications, /summary/settlement.
// 1.4: the cash forecast of scenarios with [financing]: /financing,
//      /summary/financing.
// 1.5: /sensitivity, written by `fnesim sensitivity`.
// 1.6: with jumps of uptake, /uncertainty/jumps and /summary/spread's
//      P(additional allocation needed) with and without them.
// 1.7: /scenario/warnings, what loading the scenario warned of.
// 1.8: /summary/spread/tail_*, the tails of the national means.
// 1.9: /uncertainty/particle_source, by which a forecast's errors are clustered.
// 1.10: /actuals/parameters/log_sd and /replications/cost_factor, the error of
//       the costs and trainees learnt, drawn per replication.
// 1.11: /replications/national_past, each national month's figures as each
//       replication shared them over the regions.
// 1.12: /summary/national_past, each region's part of those months over the
//       replications (its mean and quantiles).
inline constexpr int run_format_minor = 13;

// A run file that cannot be read: missing, not HDF5, corrupt, another file
// type, an unknown major version, or a documented path missing.
class RunFileError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

struct RunFileOptions {
  bool trajectories = true;  // /trajectories: replication × region × month (the bulk of the file)
  bool overwrite = false;    // replace an existing target (--force)
  std::int64_t chunk_replications = 256;  // replications buffered, and HDF5 chunk length along replications
  // A forecast from actuals (`run --actuals`): what it learnt, recorded in
  // /actuals with the SHA-256 of the actuals file. Read while the writer is constructed.
  const ActualsReport* actuals = nullptr;
  std::string actuals_sha256;
};

// Writes the run file of one run. Failures (I/O, full disk, a replication out
// of order, a summary that does not match what was written) are thrown as
// OutputError (results/output_file.hpp), and nothing then exists under the
// target name.
class RunFileWriter : public ReplicationSink {
 public:
  // Creates `<target>.tmp.<pid>` and writes the inputs: provenance, scenario, regions.
  RunFileWriter(const std::filesystem::path& target, const Simulator& simulator, std::uint64_t seed,
                const RunFileOptions& options = {});
  ~RunFileWriter() override;  // without a successful finish(): removes the temporary file
  RunFileWriter(const RunFileWriter&) = delete;
  RunFileWriter& operator=(const RunFileWriter&) = delete;

  // Replications must arrive in index order from 0, as the runner hands them,
  // from one thread at a time (the runner's calling thread: the serial HDF5
  // library is not thread-safe).
  void consume(std::int64_t replication, const ReplicationOutcome& outcome) override;

  // Writes the remaining replications, the breakdowns and the summary, closes
  // the file and renames it to the target.
  // `more`, if given, writes further groups before the file is closed (the
  // sensitivity analysis's /sensitivity): they are in the file the target
  // name gets, or nothing is.
  void finish(const RunSummary& summary, const RunTiming& timing,
              const std::function<void(hdf5::File&)>& more = {});
  // The same, but the closed file joins `outputs`, to be renamed into place
  // with the command's other outputs (OutputSet::commit).
  void finish_into(OutputSet& outputs, const RunSummary& summary, const RunTiming& timing,
                   const std::function<void(hdf5::File&)>& more = {});
  // Gives up: closes and removes the temporary file (interrupted or failed runs).
  void abandon() noexcept;

  const std::filesystem::path& target() const;
  const std::filesystem::path& temporary() const;
  std::int64_t replications_consumed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The root attributes and a few facts about the content.
struct RunFileInfo {
  int format_major = 0, format_minor = 0;
  std::string fnesim_version, git_revision, created, stream_scheme, scenario_sha256, scenario_name;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  double confidence_level = 0;
  std::string exhaustion_policy;
  double overcommit_margin = 0;
  std::string commitment_start;  // YYYY-MM-DD, day 0 of every "days since commitment start"
  int window_days = 0;
  double run_seconds = 0;
  int threads = 0;
  std::vector<std::string> source_files;
  // What loading the scenario warned of, as the command said it (format 1.7;
  // none in older files).
  std::vector<std::string> scenario_warnings;
  std::vector<std::string> region_codes, region_names;
  std::vector<std::string> months;  // YYYY-MM
  bool has_trajectories = false;
  bool has_uncertainty = false;  // /uncertainty (format 1.2, scenarios with [uncertainty] or [events])
  bool has_financing = false;    // /financing (format 1.4, scenarios with [financing])
  bool has_steering = false;     // /steering (format 1.1, scenarios with [steering])
  bool has_recommendation = false;  // /recommendation (`recommend --save`)
  bool has_sensitivity = false;     // /sensitivity (`fnesim sensitivity`)
  bool has_national_past =
      false;  // /replications/national_past (format 1.11, a forecast from national totals)
};

// Replications [first, first + count) of a run; no count: up to the last.
// Long runs are read a block at a time, so that memory stays bounded.
struct ReplicationRange {
  std::int64_t first = 0;
  std::optional<std::int64_t> count;
};

// Replications per block when a run is read a block at a time (export, the
// trial reading): a long run is streamed, never held whole.
inline constexpr std::int64_t replication_block = 4096;

// Memory for one read of trajectories by export's monthly fan, which needs
// every replication of a month at once.
inline constexpr std::size_t trajectory_read_budget_bytes = std::size_t{256} << 20;

// The monthly amounts of every replication for some months, replication ×
// region × month (row-major), in cents.
struct MonthlyTrajectories {
  std::vector<std::int64_t> commitments, payments;
};

// What /actuals records of a forecast from actuals (format 1.1): what a
// rerun from the same actuals needs.
struct RunFileActuals {
  std::string file;    // the actuals file as named to `run --actuals`
  std::string sha256;  // of its bytes
  Date as_of;          // the cut-off
  // Format 1.2 (empty and 0 in older files): the prior-predictive check of
  // the observed monthly counts (months from the commitment start's), and
  // the weighed draws of the uncertain assumptions.
  std::vector<PriorPredictiveMonth> prior_predictive;
  // Format 1.13 (1 in older files): the chance that the prior's own years
  // are as far off those bands (ActualsReport::prior_predictive_chance).
  double prior_predictive_chance = 1.0;
  int particles = 0;
  double effective_particles = 0;
};

// What /uncertainty records (format 1.2): per replication, the draws of its
// uncertain assumptions; row-major, replication first.
struct RunFileUncertainty {
  std::vector<std::string> parameter_paths;          // column order of `parameters`
  std::vector<std::string> parameter_distributions;  // e.g. "lognormal(mean=700, cv=1)"
  std::vector<double> parameters;                    // replication × parameter
  std::vector<double> profile;                       // replication × 12 calendar months; empty: known profile
  std::vector<double> drift;                         // replication × month; empty: no drift
  std::vector<std::int64_t> particle;                // per replication; empty: no particles
  std::vector<std::int64_t> particle_source;         // per particle, its prior draw (format 1.9); empty: none
  std::vector<std::int32_t> jumps;                   // per replication (format 1.6); empty: no jumps
};

// Reads one run file. Opening it checks it whole (run_file_checks.hpp):
// attributes within bounds and consistent with the datasets' shapes, every
// dataset's type and shape. Every accessor checks the shape of what it reads
// against the run's replication, region and month counts; a missing or
// malformed dataset is a RunFileError naming its path.
class RunFileReader {
 public:
  // Opens the file and refuses anything but an fnesim results file of a known
  // major version; throws RunFileError.
  // HDF5 1.10 is not hardened against damaged metadata: a corrupted global
  // heap makes it copy from a wild address (fuzzing found it, docs/reliability.md).
  // So a child process first reads the file (read_run_file_completely, its
  // ends: RunFileExtent::Ends);
  // if the library crashes there, the file is refused and this process never
  // touches it. `Trial::None` skips that: for the child itself
  // (read_run_file_completely).
  enum class Trial { InAChild, None };
  explicit RunFileReader(const std::filesystem::path& path, Trial trial = Trial::InAChild);
  ~RunFileReader();
  RunFileReader(RunFileReader&&) noexcept;

  const RunFileInfo& info() const { return info_; }
  std::string resolved_toml() const;
  // Where resolved_toml() is stored, as scenario diagnostics name its origin.
  std::string resolved_toml_origin() const;
  // The summary as `run` computed it, rebuilt from /summary (read and
  // checked on open).
  const RunSummary& summary() const { return summary_; }
  const std::filesystem::path& path() const { return path_; }

  // /regions/fees_cents: the fees withheld from each region.
  std::vector<std::int64_t> region_fees() const;

  // Per replication and region (replication × region, row-major).
  std::vector<std::int64_t> region_values(const run_layout::RegionField& field,
                                          ReplicationRange range = {}) const;
  // First day each region refused a dossier; never_exhausted when none.
  std::vector<std::int32_t> exhaustion_days(ReplicationRange range = {}) const;

  // Per replication, all regions together.
  std::vector<std::int64_t> national_values(const run_layout::NationalField& field,
                                            ReplicationRange range = {}) const;
  // First day the national pool fell short; never_exhausted when it never did.
  std::vector<std::int32_t> additional_needed_days(ReplicationRange range = {}) const;

  // Months [first_month, first_month + months) of the replications in range
  // (all by default), replication × region × month; needs info().has_trajectories.
  MonthlyTrajectories trajectories(std::size_t first_month, std::size_t months,
                                   ReplicationRange range = {}) const;

  // The record of a forecast from actuals; none for a run that did not start
  // from actuals (read and checked on open).
  const std::optional<RunFileActuals>& actuals() const { return actuals_; }

  // Format 1.2; none in older files. The uptake multiplier drawn per
  // replication and region (replication × region), and per replication the
  // Σ amount² of its simulated dossiers in EUR².
  std::optional<std::vector<double>> uptake(ReplicationRange range = {}) const;
  std::optional<std::vector<double>> dossier_variances(ReplicationRange range = {}) const;
  // The draws of the uncertain assumptions; none when the run drew none (or
  // the file predates format 1.2).
  std::optional<RunFileUncertainty> uncertainty(ReplicationRange range = {}) const;

 private:
  std::filesystem::path path_;
  RunSummary read_summary() const;
  std::optional<RunFileActuals> read_actuals() const;

  std::unique_ptr<hdf5::File> file_;
  RunFileInfo info_;
  RunSummary summary_;
  std::optional<RunFileActuals> actuals_;
};

// Opens the run file at `path` as every command does (RunFileReader, with its
// checks on open) and reads everything a command may read: the summary, the
// scenario, every dataset of /replications, the trajectories, /uncertainty
// and the records of actuals, and renders what `inspect` prints. Any bytes
// whatever: returns, or throws RunFileError naming the file, nothing else
// (an entry point for fuzzing the reader). In this process: no trial reading.
// `Whole` reads the trajectories as export does, batches of months over every
// replication. `Ends` (the trial reading's extent) reads, of the
// per-replication datasets and trajectories, only the first and last blocks
// of replications, each over every month, in reads of bounded memory: for a
// run of one block, the same single read as `Whole`.
enum class RunFileExtent { Whole, Ends };
void read_run_file_completely(const std::filesystem::path& path, RunFileExtent extent = RunFileExtent::Whole);

// How many months of every replication's trajectories (both series) one read
// of `budget_bytes` holds; at least one.
std::size_t trajectory_months_per_read(const RunFileInfo& info, std::size_t budget_bytes);

// Human-readable metadata block printed by `fnesim inspect` above the summary table.
// `actuals`: the file's /actuals, for a forecast from actuals (what to give
// `run --actuals --as-of` to run it again).
std::string render_run_file_info(const RunFileInfo& info, const std::filesystem::path& path,
                                 const RunFileActuals* actuals = nullptr);

}  // namespace fnesim
