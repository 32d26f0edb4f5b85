// RunFileReader: checks what a file is before trusting it, rebuilds the
// RunSummary from /summary, and hands out the per-replication datasets typed
// and shape-checked (layout: docs/hdf5-format.md).
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "results/hdf5.hpp"
#include "results/run_file.hpp"
#include "results/run_file_cash.hpp"
#include "results/run_file_checks.hpp"
#include "results/run_file_layout.hpp"
#include "sim/errors.hpp"

// GCC says __SANITIZE_ADDRESS__; clang (the fuzz preset) says __has_feature.
#if defined(__SANITIZE_ADDRESS__)
#define FNESIM_ADDRESS_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define FNESIM_ADDRESS_SANITIZER 1
#endif
#endif
#ifndef FNESIM_ADDRESS_SANITIZER
#define FNESIM_ADDRESS_SANITIZER 0
#endif

namespace fnesim {

namespace fs = std::filesystem;
namespace layout = run_layout;

namespace {

Date parse_month(const std::string& path, const std::string& label,
                 std::string_view dataset = "/summary/month") {
  int year = 0, month = 0;
  char tail = 0;
  if (std::sscanf(label.c_str(), "%4d-%2d%c", &year, &month, &tail) != 2 || !is_valid_ymd(year, month, 1))
    throw RunFileError(path + ": " + std::string(dataset) + ": '" + label + "' is not a YYYY-MM month");
  return Date::from_ymd(year, month, 1);
}

template <typename T>
std::vector<T> read_exact(const hdf5::Group& group, std::string_view name,
                          const std::vector<hsize_t>& shape) {
  const hdf5::Dataset dataset = group.open_dataset(name);
  if (dataset.shape() != shape) dataset.fail("has an unexpected shape");
  return dataset.read<T>();
}

// A summary mean as the report and the committee read it: a number, and a
// probability between 0 and 1. (Its standard error and interval may be NaN:
// a single replication has none.)
void expect_plausible_means(const hdf5::Group& group, std::string_view base, std::string_view units,
                            const std::vector<double>& means) {
  const std::string name = layout::estimate_name(base, layout::estimate_statistics[0], units);
  for (double mean : means) {
    if (!std::isfinite(mean)) group.open_dataset(name).fail("holds a mean that is not a finite number");
    if (units == layout::probability && (mean < 0 || mean > 1))
      group.open_dataset(name).fail("holds a mean that is not a probability");
  }
}

template <std::size_t N>
void expect_percentiles(const hdf5::Group& summary, std::string_view name, const int (&expected)[N]) {
  const std::vector<std::int32_t> stored = read_exact<std::int32_t>(summary, name, {N});
  if (!std::equal(stored.begin(), stored.end(), std::begin(expected)))
    summary.open_dataset(name).fail("lists other percentiles than format 1 defines");
}

// How many replications `range` holds; a range outside the run is a caller's bug.
std::int64_t replications_in(const ReplicationRange& range, std::int64_t replications,
                             const std::string& where) {
  const std::int64_t count = range.count.value_or(replications - range.first);
  if (range.first < 0 || count < 0 || range.first + count > replications)
    throw InvariantError(where + ": replications " + std::to_string(range.first) + " + " +
                         std::to_string(count) + " asked of " + std::to_string(replications));
  return count;
}

// The rows `range` of a dataset of shape replications × `row_shape`, after
// checking its whole shape.
template <typename T>
std::vector<T> read_replication_rows(const hdf5::Dataset& dataset, std::int64_t replications,
                                     const std::vector<hsize_t>& row_shape, const ReplicationRange& range) {
  std::vector<hsize_t> shape{static_cast<hsize_t>(replications)};
  shape.insert(shape.end(), row_shape.begin(), row_shape.end());
  if (dataset.shape() != shape) dataset.fail("has an unexpected shape");
  const std::int64_t count =
      replications_in(range, replications, dataset.file_name() + ": " + dataset.path());
  return dataset.read_rows<T>(static_cast<hsize_t>(range.first), static_cast<hsize_t>(count));
}

// Days counted from the commitment start: within the window, or never.
void expect_days_in_window(const std::vector<std::int32_t>& days, const hdf5::Dataset& dataset, int window_days,
                           std::string_view problem = "holds a day outside the commitment window") {
  if (std::any_of(days.begin(), days.end(),
                  [&](std::int32_t day) { return day < never_exhausted || day >= window_days; }))
    dataset.fail(problem);
}

// The days of a payment: none (−1), or a day of the run's months — a
// payment may come after the commitment window, before its last month ends.
void expect_last_payment_days(const std::vector<std::int64_t>& days, const hdf5::Dataset& dataset,
                              const RunFileInfo& info) {
  const int last = run_checks::calendar_days(info);
  if (std::any_of(days.begin(), days.end(), [&](std::int64_t day) { return day < -1 || day >= last; }))
    dataset.fail("holds a day outside the run's months");
}

// Whatever reading a damaged file throws becomes a RunFileError naming the
// file: the library's errors, and memory a shape asked for that is not there.
[[noreturn]] void rethrow_as_refusal(const fs::path& path) {
  try {
    throw;
  } catch (const hdf5::Error& e) {
    throw RunFileError(e.what());
  } catch (const std::bad_alloc&) {
    throw RunFileError(path.string() + ": too large to read in the memory available: damaged, or a run too long for this machine");
  } catch (const std::length_error&) {
    throw RunFileError(path.string() + ": claims more values than can be held in memory: damaged");
  }
}

// Memory for one read of trajectories in the trial: well within the trial's
// limit, whatever the file's compression (trajectories of a quiet run shrink
// a thousandfold).
constexpr std::size_t trial_trajectory_budget_bytes = std::size_t{64} << 20;

// The trial reading (RunFileReader's constructor): a child reads every
// attribute, string and table, and the first and last blocks of replications
// of the per-replication datasets and trajectories, every month of them (both
// ends of their chunk indexes, every chunk a month's read may reach: a cost
// that does not grow with the run), and exits 0 or 2; any other end (a fault, a
// sanitizer's report, the kernel's OOM killer) marks the file as one the
// library cannot read safely. A refusal there is this process's refusal, with
// the child's message; a child stopped by the user's signal decides nothing.
void read_first_in_a_child(const fs::path& path) {
  // A damaged file may also make the library loop: the trial has a time limit.
  constexpr unsigned trial_seconds = 30;
  // The child must not run this process's handlers (they remove its
  // temporaries), and its end must be waited for even if SIGCHLD was ignored:
  // the user's signals wait until the child resets them, SIGCHLD is default.
  sigset_t users, before;
  sigemptyset(&users);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&users, signal);
  struct sigaction default_child {}, old_child {};
  default_child.sa_handler = SIG_DFL;
  sigaction(SIGCHLD, &default_child, &old_child);
  sigprocmask(SIG_BLOCK, &users, &before);
  // The child's refusal comes back through a pipe: this process never reads
  // a file the child could not read within its limits.
  int refusal[2];
  if (::pipe2(refusal, O_CLOEXEC) != 0) {
    sigprocmask(SIG_SETMASK, &before, nullptr);
    sigaction(SIGCHLD, &old_child, nullptr);
    throw EnvironmentError(path.string() + ": cannot start a process to try reading it: " + std::strerror(errno));
  }
  const pid_t parent = ::getpid();
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(refusal[0]);
    for (int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, SIG_DFL);
    sigprocmask(SIG_SETMASK, &before, nullptr);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // the parent stopped by a signal: no orphan reading on
    if (::getppid() != parent) ::_exit(0);
    // The time limit must end the child whatever this process did with
    // SIGALRM: a handler it inherited (libFuzzer's) would return, and the
    // reading would go on.
    std::signal(SIGALRM, SIG_DFL);
    sigset_t alarm_only;
    sigemptyset(&alarm_only);
    sigaddset(&alarm_only, SIGALRM);
    sigprocmask(SIG_UNBLOCK, &alarm_only, nullptr);
    ::alarm(trial_seconds);
#if !FNESIM_ADDRESS_SANITIZER  // AddressSanitizer reserves terabytes of address space
    // A damaged file can make the library allocate gigabytes for a few bytes:
    // the trial, whose reads are bounded (trial_trajectory_budget_bytes, blocks
    // of replications), has 1 GiB + 4 × the file's size, not more.
    std::error_code ignored;
    const auto bytes = static_cast<rlim_t>(fs::file_size(path, ignored));
    const rlimit memory{(rlim_t{1} << 30) + 4 * bytes, (rlim_t{1} << 30) + 4 * bytes};
    ::setrlimit(RLIMIT_AS, &memory);
#endif
    // What the library (or a sanitizer) says as it fails is not for the user: the parent says it.
    const int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) ::dup2(null, STDERR_FILENO);
    int status = 0;
    try {
      read_run_file_completely(path, RunFileExtent::Ends);
    } catch (const std::exception& e) {
      status = 2;
      const std::string message = std::string(e.what()).substr(0, 4000);
      [[maybe_unused]] const auto written = ::write(refusal[1], message.data(), message.size());
    } catch (...) {
      status = 2;
    }
    ::_exit(status);  // no destructors, no atexit: the parent's state is the parent's
  }
  const int fork_error = errno;
  sigprocmask(SIG_SETMASK, &before, nullptr);
  ::close(refusal[1]);
  std::string message;
  if (child > 0) {
    char buffer[1024];
    ssize_t got = 0;
    while ((got = ::read(refusal[0], buffer, sizeof buffer)) > 0 || (got < 0 && errno == EINTR))
      if (got > 0) message.append(buffer, static_cast<std::size_t>(got));
  }
  ::close(refusal[0]);
  if (child < 0) {
    sigaction(SIGCHLD, &old_child, nullptr);
    throw EnvironmentError(path.string() + ": cannot start a process to try reading it: " +
                           std::strerror(fork_error));
  }
  int status = 0;
  pid_t waited = 0;
  while ((waited = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
  }
  sigaction(SIGCHLD, &old_child, nullptr);
  if (waited < 0) throw EnvironmentError(path.string() + ": lost the process trying to read it");
  if (WIFEXITED(status) && WEXITSTATUS(status) == 2)
    throw RunFileError(message.empty() ? path.string() + ": cannot be read" : message);
  std::string failure;
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0 && WEXITSTATUS(status) != 2) {
    // Not the child's own ending: a sanitizer's or a fuzzer's report of a fault.
    failure = "exit status " + std::to_string(WEXITSTATUS(status));
  } else if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP) return;  // the user's, not the file's
    failure = signal == SIGALRM ? "more than " + std::to_string(trial_seconds) + " s" : strsignal(signal);
  }
  if (!failure.empty())
    throw RunFileError(path.string() + ": damaged: the HDF5 library fails reading it (" + failure +
                       " in a trial reading); nothing was read");
}

}  // namespace

RunFileReader::RunFileReader(const fs::path& path, Trial trial) : path_(path) {
  const std::string name = path.string();
  if (trial == Trial::InAChild) read_first_in_a_child(path);
  try {
    file_ = std::make_unique<hdf5::File>(hdf5::File::open_read_only(path));
    const hdf5::File& f = *file_;
    // What the file is comes first: a file of another kind or of a future
    // major version need not have any of the other attributes.
    if (!f.has_attribute("filetype"))
      throw RunFileError(name + ": not an fnesim results file (no filetype attribute)");
    const std::string filetype = f.string_attribute("filetype");
    if (filetype != run_file_type)
      throw RunFileError(name + ": is a '" + filetype + "' file, not an fnesim results file ('" +
                         std::string(run_file_type) + "')");
    const std::vector<std::int32_t> version = f.attribute_values<std::int32_t>("format_version");
    if (version.size() != 2) throw RunFileError(name + ": format_version is not [major, minor]");
    info_.format_major = version[0];
    info_.format_minor = version[1];
    if (info_.format_major < 1)
      throw RunFileError(name + ": format_version = [" + std::to_string(info_.format_major) + ", " +
                         std::to_string(info_.format_minor) + "] is not a format version: majors start at 1");
    if (info_.format_major != run_format_major) {
      char message[160];
      std::snprintf(
          message, sizeof message,
          ": format version %d.%d, but this fnesim reads format %d.x only; use an fnesim that reads "
          "format %d",
          info_.format_major, info_.format_minor, run_format_major, info_.format_major);
      throw RunFileError(name + message);
    }
    // A higher minor version only adds what this reader may ignore.

    info_.fnesim_version = f.string_attribute("fnesim_version");
    info_.git_revision = f.string_attribute("git_revision");
    info_.created = f.string_attribute("created");
    info_.seed = f.attribute<std::uint64_t>("seed");
    info_.replications = f.attribute<std::int64_t>("replications");
    info_.stream_scheme = f.string_attribute("stream_scheme");
    info_.scenario_sha256 = f.string_attribute("scenario_sha256");
    info_.scenario_name = f.string_attribute("scenario_name");
    info_.confidence_level = f.attribute<double>("confidence_level");
    info_.exhaustion_policy = f.string_attribute("exhaustion_policy");
    info_.overcommit_margin = f.attribute<double>("overcommit_margin");
    info_.commitment_start = f.string_attribute("commitment_start");
    info_.window_days = f.attribute<std::int32_t>("window_days");
    info_.run_seconds = f.attribute<double>("run_seconds");
    info_.threads = f.attribute<std::int32_t>("threads");
    if (!Date::parse(info_.commitment_start)) throw RunFileError(name + ": commitment_start is not a date");
    info_.source_files = f.open_dataset("scenario/source_files").read_strings();
    if (f.contains("scenario/warnings"))
      info_.scenario_warnings = f.open_dataset("scenario/warnings").read_strings();
    info_.region_codes = f.open_dataset("regions/code").read_strings();
    info_.region_names = f.open_dataset("regions/name").read_strings();
    info_.months = f.open_dataset("summary/month").read_strings();
    info_.has_trajectories = f.contains("trajectories");
    info_.has_uncertainty = f.contains("uncertainty");
    info_.has_financing = f.contains("financing");
    info_.has_steering = f.contains("steering");
    info_.has_recommendation = f.contains("recommendation");
    info_.has_sensitivity = f.contains("sensitivity");
    info_.has_national_past = f.contains("replications/national_past");
    // The one check every command goes through: attributes against the
    // shapes, every dataset's type and shape, then the small groups read
    // whole and their values checked (docs/hdf5-format.md, "What readers
    // check on open").
    run_checks::check_structure(f, info_);
    summary_ = read_summary();
    actuals_ = read_actuals();
    if (actuals_) summary_.forecast_from = ForecastOrigin{actuals_->file, actuals_->sha256, actuals_->as_of};
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

RunFileReader::~RunFileReader() = default;
RunFileReader::RunFileReader(RunFileReader&&) noexcept = default;

std::string RunFileReader::resolved_toml() const {
  try {
    return file_->open_dataset("scenario/resolved_toml").read_string();
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::string RunFileReader::resolved_toml_origin() const {
  std::string origin = path_.string();
  origin += ":/scenario/resolved_toml";
  return origin;
}

RunSummary RunFileReader::read_summary() const {
  const std::string name = path_.string();
  try {
    const hdf5::File& f = *file_;
    RunSummary s;
    s.scenario_name = info_.scenario_name;
    s.replications = info_.replications;
    s.seed = info_.seed;
    s.confidence_level = info_.confidence_level;
    s.commitment_start = *Date::parse(info_.commitment_start);
    s.window_days = info_.window_days;
    for (const std::string& label : info_.months) s.months.push_back(parse_month(name, label));

    const hdf5::Group summary = f.open_group("summary");
    if (summary.has_attribute("standard_error_clusters")) {  // format 1.9
      s.standard_error_clusters = summary.attribute<std::int64_t>("standard_error_clusters");
      if (*s.standard_error_clusters < 1 || *s.standard_error_clusters > s.replications)
        throw RunFileError(name + ": /summary attribute standard_error_clusters is not in [1, replications]");
    }
    if (summary.has_attribute("standard_error_effective_clusters")) {  // format 1.9
      const double effective = summary.attribute<double>("standard_error_effective_clusters");
      if (!(effective >= 1 && effective <= static_cast<double>(s.replications)))
        throw RunFileError(
            name + ": /summary attribute standard_error_effective_clusters is not in [1, replications]");
      s.standard_error_effective_clusters = effective;
    }
    expect_percentiles(summary, "day_percentiles", reported_percentiles);
    expect_percentiles(summary, "amount_percentiles", amount_percentiles);
    constexpr std::size_t day_count = std::size(reported_percentiles);
    constexpr std::size_t amount_count = std::size(amount_percentiles);

    const std::size_t R = info_.region_codes.size();
    const hsize_t rows = R, months = s.months.size();
    const hdf5::Group regions = f.open_group("regions");
    const auto envelope = read_exact<std::int64_t>(regions, "envelope_cents", {rows});
    const auto available = read_exact<std::int64_t>(regions, "available_cents", {rows});
    s.regions.resize(R);
    for (std::size_t r = 0; r < R; ++r) {
      s.regions[r].code = info_.region_codes[r];
      s.regions[r].name = info_.region_names[r];
      s.regions[r].envelope = envelope[r];
      s.regions[r].available = available[r];
    }

    const hdf5::Group by_region = summary.open_group("regions");
    for (const layout::RegionEstimate& e : layout::region_estimates) {
      std::vector<double> stats[4];
      for (std::size_t k = 0; k < 4; ++k)
        stats[k] = read_exact<double>(
            by_region, layout::estimate_name(e.base, layout::estimate_statistics[k], e.units), {rows});
      expect_plausible_means(by_region, e.base, e.units, stats[0]);
      for (std::size_t r = 0; r < R; ++r)
        s.regions[r].*e.member = MeanEstimate{stats[0][r], stats[1][r], {stats[2][r], stats[3][r]}};
    }
    const auto days = read_exact<std::int32_t>(by_region, "exhaustion_day_quantiles", {rows, day_count});
    const auto unmet = read_exact<std::int64_t>(by_region, "unmet_quantiles_cents", {rows, amount_count});
    const auto by_month = read_exact<double>(by_region, "p_exhausted_by_month_end", {rows, months});
    expect_days_in_window(days, by_region.open_dataset("exhaustion_day_quantiles"), info_.window_days);
    if (!std::all_of(by_month.begin(), by_month.end(), [](double p) { return p >= 0 && p <= 1; }))
      by_region.open_dataset("p_exhausted_by_month_end").fail("holds a value that is not a probability");
    for (std::size_t r = 0; r < R; ++r) {
      RegionSummary& out = s.regions[r];
      for (std::size_t k = 0; k < day_count; ++k) {
        const std::int32_t day = days[r * day_count + k];
        out.exhaustion_day[reported_percentiles[k]] =
            day == never_exhausted ? std::nullopt : std::optional<std::int32_t>(day);
      }
      for (std::size_t k = 0; k < amount_count; ++k)
        out.unmet_quantile[amount_percentiles[k]] = unmet[r * amount_count + k];
      out.p_exhausted_by_month_end.assign(by_month.begin() + static_cast<std::ptrdiff_t>(r * months),
                                          by_month.begin() + static_cast<std::ptrdiff_t>((r + 1) * months));
    }

    const hdf5::Group national = summary.open_group("national");
    NationalSummary& n = s.national;
    n.envelope = national.open_dataset("envelope_cents").read_scalar<std::int64_t>();
    n.available = national.open_dataset("available_cents").read_scalar<std::int64_t>();
    n.fees = national.open_dataset("fees_cents").read_scalar<std::int64_t>();
    for (const layout::NationalEstimate& e : layout::national_estimates) {
      double stats[4];
      for (std::size_t k = 0; k < 4; ++k)
        stats[k] =
            national.open_dataset(layout::estimate_name(e.base, layout::estimate_statistics[k], e.units))
                .read_scalar<double>();
      expect_plausible_means(national, e.base, e.units, {stats[0]});
      n.*e.member = MeanEstimate{stats[0], stats[1], {stats[2], stats[3]}};
    }
    const auto amounts =
        read_exact<std::int64_t>(national, "additional_needed_quantiles_cents", {amount_count});
    for (std::size_t k = 0; k < amount_count; ++k)
      n.additional_needed_quantile[amount_percentiles[k]] = amounts[k];
    const auto needed_days =
        read_exact<std::int32_t>(national, "additional_needed_day_quantiles", {day_count});
    expect_days_in_window(needed_days, national.open_dataset("additional_needed_day_quantiles"), info_.window_days);
    for (std::size_t k = 0; k < day_count; ++k)
      n.additional_needed_day[reported_percentiles[k]] =
          needed_days[k] == never_exhausted ? std::nullopt : std::optional<std::int32_t>(needed_days[k]);
    // Format 1.2 writes both: a file of 1.2 or later without them is damaged,
    // not old, and its spread would be read as none (a demand without spread).
    if (info_.format_minor >= 2 && !national.contains("demand_quantiles_cents"))
      national.fail("has no demand_quantiles_cents, which format 1.2 writes");
    if (info_.format_minor >= 2 && !summary.contains("spread"))
      summary.fail("has no spread group, which format 1.2 writes");
    if (national.contains("demand_quantiles_cents")) {  // format 1.2
      const auto demand = read_exact<std::int64_t>(national, "demand_quantiles_cents", {amount_count});
      for (std::size_t k = 0; k < amount_count; ++k)
        n.demand_quantile_eur[amount_percentiles[k]] =
            static_cast<double>(demand[k]) / static_cast<double>(cents_per_euro);
    }
    if (summary.contains("spread")) {  // format 1.2
      const hdf5::Group group = summary.open_group("spread");
      n.spread.demand_sd_eur = group.open_dataset("demand_sd_eur").read_scalar<double>();
      n.spread.dossiers_share = group.open_dataset("dossiers_share").read_scalar<double>();
      if (!(n.spread.demand_sd_eur >= 0 && std::isfinite(n.spread.demand_sd_eur)))
        group.open_dataset("demand_sd_eur")
            .fail("holds a standard deviation that is not a finite number ≥ 0");
      if (!(n.spread.dossiers_share >= 0 && n.spread.dossiers_share <= 1))
        group.open_dataset("dossiers_share").fail("holds a share that is not between 0 and 1");
      const std::vector<std::string> names = group.open_dataset("assumption").read_strings();
      const auto r_squared = read_exact<double>(group, "r_squared", {names.size()});
      for (std::size_t k = 0; k < names.size(); ++k) {
        // A share of the variance; a rounding may put a perfect fit an ulp above 1.
        if (!(r_squared[k] >= 0 && r_squared[k] <= 1 + 1e-12))
          group.open_dataset("r_squared").fail("holds a share of the variance that is not between 0 and 1");
        n.spread.assumptions.push_back({names[k], r_squared[k]});
      }
      if (group.contains("replications_without_jumps")) {  // format 1.6, with jumps of uptake
        AdditionalByJumps& split = n.spread.additional_by_jumps.emplace();
        const Date month = parse_month(name, group.string_attribute("first_jump_month"),
                                       "/summary/spread attribute first_jump_month");
        const Date first = s.months.front();
        split.first_month = (month.year() - first.year()) * 12 + month.month() - first.month();
        if (split.first_month < 0)
          throw RunFileError(name +
                             ": /summary/spread attribute first_jump_month is before the run's first month");
        split.without = group.open_dataset("replications_without_jumps").read_scalar<std::int64_t>();
        split.with = group.open_dataset("replications_with_jumps").read_scalar<std::int64_t>();
        // Each replication drew jumps or none.
        if (split.without < 0 || split.with < 0 || split.without != info_.replications - split.with)
          group.fail("splits " + std::to_string(info_.replications) + " replications into " +
                     std::to_string(split.without) + " without jumps and " + std::to_string(split.with) +
                     " with");
        // A part with no replication has no estimate (NaN); one with some, a
        // probability and a standard error (NaN for a single replication).
        const auto estimate = [&](const char* name, std::int64_t count, bool standard_error) {
          const double value = group.open_dataset(name).read_scalar<double>();
          const bool valid = count == 0       ? std::isnan(value)
                             : standard_error ? std::isnan(value) || (value >= 0 && value <= 1)
                                              : value >= 0 && value <= 1;
          if (!valid)
            group.open_dataset(name).fail(count == 0 ? "holds a value for a part with no replication"
                                                     : "holds a value that is not a probability");
          return value;
        };
        split.p_without = estimate("p_additional_needed_without_jumps", split.without, false);
        split.p_without_se = estimate("p_additional_needed_without_jumps_se", split.without, true);
        split.p_with = estimate("p_additional_needed_with_jumps", split.with, false);
        split.p_with_se = estimate("p_additional_needed_with_jumps_se", split.with, true);
      }
      if (info_.format_minor >= 8 && !group.contains("tail_quantity"))
        group.fail("has no tail_quantity, which format 1.8 writes");
      if (group.contains("tail_quantity")) {  // format 1.8
        const std::vector<std::string> quantities = group.open_dataset("tail_quantity").read_strings();
        const auto shapes = read_exact<double>(group, "tail_pareto_k", {quantities.size()});
        const auto shares = read_exact<double>(group, "tail_top_percent_share", {quantities.size()});
        for (std::size_t k = 0; k < quantities.size(); ++k) {
          if (!(std::isnan(shares[k]) || (shares[k] >= 0 && shares[k] <= 1)))
            group.open_dataset("tail_top_percent_share").fail("holds a share that is not between 0 and 1");
          if (std::isinf(shapes[k])) group.open_dataset("tail_pareto_k").fail("holds an infinite shape");
          n.spread.tails.push_back({quantities[k],
                                    std::isnan(shapes[k]) ? std::nullopt : std::optional<double>(shapes[k]),
                                    shares[k]});
        }
        n.spread.pareto_k_limit = group.attribute<double>("pareto_k_limit");
      }
    }
    if (summary.contains("steering")) {  // format 1.1, scenarios with a steering section
      const hdf5::Group group = summary.open_group("steering");
      SteeringSummary& st = s.steering.emplace();
      auto per_region = [&](std::string_view base, std::vector<MeanEstimate>& out) {
        std::vector<double> stats[4];
        for (std::size_t k = 0; k < 4; ++k)
          stats[k] = read_exact<double>(
              group, layout::estimate_name(base, layout::estimate_statistics[k], layout::eur), {rows});
        for (std::size_t r = 0; r < R; ++r)
          out.push_back(MeanEstimate{stats[0][r], stats[1][r], {stats[2][r], stats[3][r]}});
      };
      auto national_estimate = [&](std::string_view base, std::string_view units) {
        double stats[4];
        for (std::size_t k = 0; k < 4; ++k)
          stats[k] = group.open_dataset(layout::estimate_name(base, layout::estimate_statistics[k], units))
                         .read_scalar<double>();
        return MeanEstimate{stats[0], stats[1], {stats[2], stats[3]}};
      };
      per_region("received", st.received_eur);
      per_region("given", st.given_eur);
      st.moved_between_regions_eur = national_estimate("moved_between_regions", layout::eur);
      st.reserve_handed_out_eur = national_estimate("reserve_handed_out", layout::eur);
      st.complementary_received_eur = national_estimate("complementary_received", layout::eur);
      st.p_complementary_received = national_estimate("p_complementary_received", layout::probability);
    }
    if (summary.contains("settlement")) {  // format 1.3
      const hdf5::Group group = summary.open_group("settlement");
      SettlementSummary& st = s.settlement.emplace();
      auto date = [&](std::string_view dataset) {
        const std::string text = group.open_dataset(dataset).read_string();
        const auto parsed = Date::parse(text);
        if (!parsed) group.open_dataset(dataset).fail("is not a date YYYY-MM-DD");
        return *parsed;
      };
      st.training_end = date("training_end");
      st.review_date = date("review_date");
      st.past_deadline = group.open_dataset("training_past_deadline").read_string();
      const std::vector<std::string> names = group.open_dataset("quantity").read_strings();
      if (!std::equal(names.begin(), names.end(), settlement_quantity_names.begin(), settlement_quantity_names.end()))
        group.open_dataset("quantity").fail("lists other quantities than format 1.3 defines");
      constexpr std::size_t Q = settlement_quantity_count;
      auto read_part = [&](const std::string& prefix, std::size_t parts, std::vector<hsize_t> leading) {
        auto shape = [&](std::initializer_list<hsize_t> tail) {
          std::vector<hsize_t> out = leading;
          out.insert(out.end(), tail);
          return out;
        };
        std::vector<double> stats[4];
        for (std::size_t k = 0; k < 4; ++k)
          stats[k] = read_exact<double>(group, prefix + std::string(layout::estimate_statistics[k]), shape({Q}));
        // The text prints them, the JSON would write null: a mean of money, as the summary's.
        for (double mean : stats[0])
          if (!std::isfinite(mean))
            group.open_dataset(prefix + std::string(layout::estimate_statistics[0]))
                .fail("holds a mean that is not a finite number");
        const auto quantiles = read_exact<std::int64_t>(group, prefix + "quantiles", shape({Q, amount_count}));
        const auto days = read_exact<std::int32_t>(group, prefix + "last_payment_day_quantiles", shape({day_count}));
        // Payments run past the window, never past the last month.
        expect_days_in_window(days, group.open_dataset(prefix + "last_payment_day_quantiles"),
                              run_checks::calendar_days(info_), "holds a day after the run's last month");
        std::vector<SettlementPart> out(parts);
        for (std::size_t i = 0; i < parts; ++i) {
          for (std::size_t q = 0; q < Q; ++q) {
            AmountDistribution& d = out[i].quantities[q];
            const std::size_t at = i * Q + q;
            d.mean = MeanEstimate{stats[0][at], stats[1][at], {stats[2][at], stats[3][at]}};
            for (std::size_t k = 0; k < amount_count; ++k)
              d.quantile[amount_percentiles[k]] = quantiles[at * amount_count + k];
          }
          for (std::size_t k = 0; k < day_count; ++k) {
            const std::int32_t day = days[i * day_count + k];
            out[i].last_payment_day[reported_percentiles[k]] =
                day == never_exhausted ? std::nullopt : std::optional<std::int32_t>(day);
          }
        }
        return out;
      };
      st.regions = read_part("regions_", R, {rows});
      st.national = read_part("national_", 1, {}).front();
    } else if (info_.format_minor >= 3) {
      summary.fail("has no settlement group, which format 1.3 writes");
    }
    if (summary.contains("financing"))  // format 1.4, scenarios with [financing]
      s.cash = read_cash_summary(file_->open_group("financing"), summary.open_group("financing"));
    if (summary.contains("national_past")) {  // format 1.12, a forecast from national totals
      const hdf5::Group group = summary.open_group("national_past");
      NationalPastSummary& past = s.national_past.emplace();
      past.committed = group.open_dataset("committed_cents").read_scalar<std::int64_t>();
      if (past.committed < 0) group.open_dataset("committed_cents").fail("is negative");
      past.other_actuals = group.open_dataset("other_actuals_cents").read_scalar<std::int64_t>();
      if (past.other_actuals < 0) group.open_dataset("other_actuals_cents").fail("is negative");
      std::vector<double> stats[4];
      for (std::size_t k = 0; k < 4; ++k)
        stats[k] = read_exact<double>(
            group, layout::estimate_name("committed", layout::estimate_statistics[k], layout::eur), {rows});
      // The text prints them and the JSON would write null: a mean of money, as the summary's.
      for (double mean : stats[0])
        if (!std::isfinite(mean))
          group.open_dataset(layout::estimate_name("committed", layout::estimate_statistics[0], layout::eur))
              .fail("holds a mean that is not a finite number");
      const auto quantiles =
          read_exact<std::int64_t>(group, "committed_quantiles_cents", {rows, amount_count});
      for (std::size_t r = 0; r < R; ++r) {
        AmountDistribution part{MeanEstimate{stats[0][r], stats[1][r], {stats[2][r], stats[3][r]}}, {}};
        for (std::size_t k = 0; k < amount_count; ++k)
          part.quantile[amount_percentiles[k]] = quantiles[r * amount_count + k];
        past.regions.push_back(std::move(part));
      }
    }
    return s;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

// ---- Per-replication datasets -----------------------------------------------------

std::vector<std::int64_t> RunFileReader::region_fees() const {
  try {
    return read_exact<std::int64_t>(file_->open_group("regions"), "fees_cents", {info_.region_codes.size()});
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::vector<std::int64_t> RunFileReader::region_values(const layout::RegionField& field,
                                                       ReplicationRange range) const {
  try {
    const hdf5::Dataset dataset = file_->open_group("replications").open_dataset(field.name);
    std::vector<std::int64_t> values =
        read_replication_rows<std::int64_t>(dataset, info_.replications, {info_.region_codes.size()}, range);
    if (field.units == layout::days) expect_last_payment_days(values, dataset, info_);
    return values;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::vector<std::int32_t> RunFileReader::exhaustion_days(ReplicationRange range) const {
  try {
    const hdf5::Dataset dataset = file_->open_dataset("replications/exhaustion_day");
    std::vector<std::int32_t> days =
        read_replication_rows<std::int32_t>(dataset, info_.replications, {info_.region_codes.size()}, range);
    expect_days_in_window(days, dataset, info_.window_days);
    return days;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::vector<std::int64_t> RunFileReader::national_values(const layout::NationalField& field,
                                                         ReplicationRange range) const {
  try {
    const hdf5::Dataset dataset = file_->open_group("replications/national").open_dataset(field.name);
    std::vector<std::int64_t> values =
        read_replication_rows<std::int64_t>(dataset, info_.replications, {}, range);
    if (field.units == layout::days) expect_last_payment_days(values, dataset, info_);
    return values;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::vector<std::int32_t> RunFileReader::additional_needed_days(ReplicationRange range) const {
  try {
    const hdf5::Dataset dataset = file_->open_dataset("replications/national/additional_needed_day");
    std::vector<std::int32_t> days =
        read_replication_rows<std::int32_t>(dataset, info_.replications, {}, range);
    expect_days_in_window(days, dataset, info_.window_days);
    return days;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

MonthlyTrajectories RunFileReader::trajectories(std::size_t first_month, std::size_t months,
                                                ReplicationRange range) const {
  const auto replications = static_cast<hsize_t>(info_.replications);
  const hsize_t regions = info_.region_codes.size(), all_months = info_.months.size();
  if (first_month + months > all_months)
    throw InvariantError(path_.string() + ": months " + std::to_string(first_month) + " + " +
                         std::to_string(months) + " asked of " + std::to_string(all_months));
  const std::int64_t count = replications_in(range, info_.replications, path_.string() + ": /trajectories");
  try {
    const hdf5::Group group = file_->open_group("trajectories");
    const hsize_t start[] = {static_cast<hsize_t>(range.first), 0, first_month},
                  extent[] = {static_cast<hsize_t>(count), regions, months};
    auto read = [&](std::string_view name) {
      const hdf5::Dataset dataset = group.open_dataset(name);
      if (dataset.shape() != std::vector<hsize_t>{replications, regions, all_months})
        dataset.fail("has an unexpected shape");
      return dataset.read_block<std::int64_t>(start, extent);
    };
    MonthlyTrajectories out;
    out.commitments = read("monthly_commitments_cents");
    out.payments = read("monthly_payments_cents");
    return out;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::optional<RunFileActuals> RunFileReader::read_actuals() const {
  try {
    if (!file_->contains("actuals")) return std::nullopt;
    const hdf5::Group group = file_->open_group("actuals");
    const std::optional<Date> as_of = Date::parse(group.string_attribute("as_of"));
    if (!as_of) throw RunFileError(path_.string() + ": /actuals has no valid as_of date");
    const Date start = *Date::parse(info_.commitment_start);
    if (*as_of < start || days_between(start, *as_of) > run_checks::calendar_days(info_))
      throw RunFileError(path_.string() + ": /actuals: attribute 'as_of' = " + as_of->iso() +
                         " is outside the run's months (" + info_.months.front() + " to " + info_.months.back() + ")");
    RunFileActuals out{group.string_attribute("file"), group.string_attribute("sha256"), *as_of, {}, 0, 0};
    if (group.has_attribute("particles")) out.particles = group.attribute<std::int32_t>("particles");
    if (group.has_attribute("effective_particles"))
      out.effective_particles = group.attribute<double>("effective_particles");
    if (group.contains("prior_predictive")) {  // format 1.2
      const hdf5::Group check = group.open_group("prior_predictive");
      const std::vector<std::string> months = check.open_dataset("month").read_strings();
      const std::vector<hsize_t> rows{months.size()};
      const auto observed = read_exact<std::int64_t>(check, "observed", rows);
      const auto low = read_exact<std::int64_t>(check, "low", rows);
      const auto high = read_exact<std::int64_t>(check, "high", rows);
      const auto expected = read_exact<double>(check, "expected", rows);
      const auto cumulative = read_exact<std::int32_t>(check, "cumulative", rows);
      if (check.has_attribute("chance_as_far_off"))  // format 1.13
        out.prior_predictive_chance = check.attribute<double>("chance_as_far_off");
      for (std::size_t i = 0; i < months.size(); ++i) {
        const Date month = parse_month(path_.string(), months[i], "/actuals/prior_predictive/month");
        PriorPredictiveMonth m;
        m.month = (month.year() - start.year()) * 12 + (month.month() - start.month());
        m.observed = observed[i];
        m.low = low[i];
        m.high = high[i];
        m.expected = expected[i];
        m.cumulative = cumulative[i] != 0;
        out.prior_predictive.push_back(m);
      }
    }
    return out;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::optional<std::vector<double>> RunFileReader::uptake(ReplicationRange range) const {
  try {
    if (!file_->contains("replications/uptake")) return std::nullopt;  // before format 1.2
    return read_replication_rows<double>(file_->open_dataset("replications/uptake"), info_.replications,
                                         {info_.region_codes.size()}, range);
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::optional<std::vector<double>> RunFileReader::dossier_variances(ReplicationRange range) const {
  try {
    if (!file_->contains("replications/national/dossier_variance_eur2")) return std::nullopt;
    return read_replication_rows<double>(file_->open_dataset("replications/national/dossier_variance_eur2"),
                                         info_.replications, {}, range);
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::optional<RunFileUncertainty> RunFileReader::uncertainty(ReplicationRange range) const {
  try {
    if (!file_->contains("uncertainty")) return std::nullopt;
    const hdf5::Group group = file_->open_group("uncertainty");
    RunFileUncertainty out;
    if (group.contains("parameters")) {
      out.parameter_paths = group.open_dataset("parameter_paths").read_strings();
      out.parameter_distributions = group.open_dataset("parameter_distributions").read_strings();
      if (out.parameter_distributions.size() != out.parameter_paths.size())
        group.open_dataset("parameter_distributions").fail("does not have one entry per parameter path");
      out.parameters = read_replication_rows<double>(group.open_dataset("parameters"), info_.replications,
                                                     {out.parameter_paths.size()}, range);
    }
    if (group.contains("profile"))
      out.profile = read_replication_rows<double>(group.open_dataset("profile"), info_.replications, {12}, range);
    if (group.contains("drift"))
      out.drift = read_replication_rows<double>(group.open_dataset("drift"), info_.replications,
                                                {info_.months.size()}, range);
    if (group.contains("particle"))
      out.particle = read_replication_rows<std::int64_t>(group.open_dataset("particle"), info_.replications, {},
                                                         range);
    if (group.contains("particle_source")) {
      const hdf5::Dataset sources = group.open_dataset("particle_source");
      out.particle_source = sources.read<std::int64_t>();
      if (std::any_of(out.particle_source.begin(), out.particle_source.end(),
                      [](std::int64_t s) { return s < 0; }))
        sources.fail("holds a negative prior draw");
      if (std::any_of(out.particle.begin(), out.particle.end(), [&](std::int64_t p) {
            return p < 0 || static_cast<std::size_t>(p) >= out.particle_source.size();
          }))
        group.open_dataset("particle").fail("holds an index beyond particle_source");
    }
    if (group.contains("jumps"))
      out.jumps =
          read_replication_rows<std::int32_t>(group.open_dataset("jumps"), info_.replications, {}, range);
    return out;
  } catch (...) {
    rethrow_as_refusal(path_);
  }
}

std::size_t trajectory_months_per_read(const RunFileInfo& info, std::size_t budget_bytes) {
  const std::size_t bytes_per_month =
      static_cast<std::size_t>(info.replications) * info.region_codes.size() * sizeof(std::int64_t) * 2;
  return std::max<std::size_t>(
      1, std::min<std::size_t>(info.months.size(), budget_bytes / std::max<std::size_t>(bytes_per_month, 1)));
}

void read_run_file_completely(const fs::path& path, RunFileExtent extent) {
  try {
    const RunFileReader run(path, RunFileReader::Trial::None);
    const RunFileInfo& info = run.info();
    // What inspect, export and report print.
    render_run_file_info(info, path);
    render_summary_table(run.summary(), {info.run_seconds, info.threads});
    summary_json(run.summary());
    run.resolved_toml();
    run.region_fees();
    // The per-replication datasets, a block of replications at a time, as export reads them.
    std::vector<std::int64_t> firsts;
    for (std::int64_t first = 0; first < info.replications; first += replication_block)
      firsts.push_back(first);
    if (extent == RunFileExtent::Ends && firsts.size() > 2) firsts = {firsts.front(), firsts.back()};
    for (const std::int64_t first : firsts) {
      const std::int64_t count = std::min(replication_block, info.replications - first);
      const ReplicationRange range{first, count};
      run.exhaustion_days(range);
      run.additional_needed_days(range);
      for (const layout::RegionField& field : layout::region_fields)
        if (field.since_minor <= info.format_minor) run.region_values(field, range);
      for (const layout::NationalField& field : layout::national_fields)
        if (field.since_minor <= info.format_minor) run.national_values(field, range);
      run.uptake(range);
      run.dossier_variances(range);
      run.uncertainty(range);
      // Every month of the block (a damaged layout may put months in chunks of
      // their own), in slices of replications that fit the trial's memory
      // whatever the regions and months: one slice for a run of usual size.
      if (info.has_trajectories && extent == RunFileExtent::Ends) {
        const std::size_t bytes_per_replication = std::max<std::size_t>(
            info.region_codes.size() * info.months.size() * sizeof(std::int64_t) * 2, 1);
        const auto slice = static_cast<std::int64_t>(
            std::clamp<std::size_t>(trial_trajectory_budget_bytes / bytes_per_replication, 1,
                                    static_cast<std::size_t>(replication_block)));
        for (std::int64_t at = first; at < first + count; at += slice)
          run.trajectories(0, info.months.size(), {at, std::min(slice, first + count - at)});
      }
    }
    if (info.has_trajectories && extent == RunFileExtent::Whole) {
      const std::size_t batch = trajectory_months_per_read(info, trajectory_read_budget_bytes);
      for (std::size_t month = 0; month < info.months.size(); month += batch)
        run.trajectories(month, std::min(batch, info.months.size() - month));
    }
  } catch (const RunFileError&) {
    throw;
  } catch (...) {
    // Anything else would be a bug of the reader; still a refusal, never a crash.
    try {
      throw;
    } catch (const std::exception& e) {
      throw RunFileError(path.string() + ": cannot be read: " + e.what());
    } catch (...) {
      throw RunFileError(path.string() + ": cannot be read");
    }
  }
}

std::string render_run_file_info(const RunFileInfo& info, const fs::path& path,
                                 const RunFileActuals* actuals) {
  std::string out;
  auto line = [&](const char* label, const std::string& value) {
    char head[32];
    std::snprintf(head, sizeof head, "%-18s", label);
    out += head;
    out += value;
    out += '\n';
  };
  char text[256];
  std::snprintf(text, sizeof text, " (%s, format %d.%d)", std::string(run_file_type).c_str(),
                info.format_major, info.format_minor);
  line("File:", path.string() + text);
  std::string written = "fnesim ";
  written += info.fnesim_version;
  written += " (git ";
  written += info.git_revision;
  written += "), ";
  written += info.created;
  line("Written by:", written);
  line("Scenario:", info.scenario_name);
  line("Scenario SHA-256:", info.scenario_sha256);
  std::string sources;
  for (const std::string& file : info.source_files) {
    if (!sources.empty()) sources += ", ";
    sources += file;
  }
  line("Source files:", sources.empty() ? "(built in code)" : sources);
  for (const std::string& warning : info.scenario_warnings) line("Warning:", warning);
  std::snprintf(text, sizeof text, "%lld replications, seed %llu, confidence level %g, exhaustion policy ",
                static_cast<long long>(info.replications), static_cast<unsigned long long>(info.seed),
                info.confidence_level);
  std::string run = text;
  run += info.exhaustion_policy;
  if (info.exhaustion_policy == "overcommit") {
    std::snprintf(text, sizeof text, " (margin %g)", info.overcommit_margin);
    run += text;
  }
  line("Run:", run);
  if (actuals != nullptr)
    line("Actuals:", actuals->file + " (SHA-256 " + actuals->sha256 + "), cut-off " + actuals->as_of.iso() +
                         ": a forecast from what was observed before it (run --actuals FILE --as-of " +
                         actuals->as_of.iso() + ")");
  line("Random streams:", info.stream_scheme);
  std::snprintf(text, sizeof text, "%zu regions, %zu months", info.region_codes.size(), info.months.size());
  std::string content = text;
  if (!info.months.empty()) {
    content += " (";
    content += info.months.front();
    content += " to ";
    content += info.months.back();
    content += ')';
  }
  content += info.has_trajectories ? "; trajectories stored" : "; no trajectories (--no-trajectories)";
  if (info.has_uncertainty) content += "; each replication's uncertain assumptions in /uncertainty";
  if (actuals != nullptr) content += "; what was observed and learnt in /actuals";
  if (info.has_national_past)
    content +=
        "; how each replication shared the national months over the regions in /replications/national_past";
  if (info.has_financing) content += "; the State's payments in /financing";
  if (info.has_steering) content += "; the committee's movements in /steering";
  if (info.has_recommendation) content += "; recommended envelopes in /recommendation";
  if (info.has_sensitivity) content += "; a sensitivity analysis in /sensitivity";
  line("Content:", content);
  return out;
}

}  // namespace fnesim
