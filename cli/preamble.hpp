#pragma once
// What every subcommand shares: exit codes, the typed failures main reports,
// loading a scenario argument, the run overrides (-n, -s, -j), checking an
// output path before a long job, and an interactive job's progress bar and
// interruption. Subcommands throw; main (cli/main.cpp) alone prints a failure
// and chooses the exit status (report_failure).
#include <CLI/CLI.hpp>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cli/progress.hpp"
#include "sim/errors.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {

inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;        // the job could not be done (I/O, precision not reached…)
inline constexpr int exit_bad_input = 2;      // invalid scenario, arguments or input file
inline constexpr int exit_interrupted = 130;  // 128 + SIGINT; SIGTERM and SIGHUP give 128 + theirs

// A command line that cannot be served (an option's value, outputs that
// collide, nothing to do): "fnesim CMD: message", exit status 2.
class UsageError : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

// A signal stopped the job before it was done: nothing was written, exit
// status 128 + the signal.
class Interrupted : public std::runtime_error {
 public:
  Interrupted(int signal, const std::string& what) : std::runtime_error(what), signal_(signal) {}
  int exit_status() const { return 128 + signal_; }

 private:
  int signal_;
};

// Every problem of a command's inputs at once (the scenario, each option, the
// actuals): each input is checked in turn, its refusal kept, and the next
// checked all the same; then all are thrown as one InputError, a line each —
// a file's "file:line:column: key: message", an option's "fnesim CMD: message".
class InputProblems {
 public:
  explicit InputProblems(std::string_view command) : command_(command) {}
  // Runs `check`, which reads one input: true when it passed, false when it
  // refused the input (the refusal kept). Any other failure goes through.
  template <typename Check>
  bool check(Check&& check) {
    try {
      check();
      return true;
    } catch (const InputError& e) {
      problems_.insert(problems_.end(), e.diagnostics().begin(), e.diagnostics().end());
      if (e.diagnostics().empty()) add(e.what());  // a refusal is never left unsaid
    } catch (const BadRequest& e) {
      add(e.what());
    }
    return false;
  }
  // An option's problem, found without reading anything.
  void add(std::string message) { problems_.push_back({command_, 0, 0, "", std::move(message)}); }
  void throw_if_any() const {
    if (!problems_.empty()) throw InputError(problems_);
  }

 private:
  std::string command_;
  std::vector<Diagnostic> problems_;
};

// Prints `error` as the user reads it — an input's diagnostics one a line, or
// "fnesim CMD: message" — and returns the exit status it calls for.
int report_failure(std::string_view command, const std::exception_ptr& error) noexcept;

// The scenario named on the command line (a file or a built-in name), or the
// built-in default when `argument` is empty, its warnings said on stderr.
// Throws ScenarioError.
Scenario load_scenario_or_default(const std::string& argument);
// A scenario's warnings (likely slips that still load), one a line on stderr
// as "file:line:column: key: warning: message", each line once in a process.
void say_scenario_warnings(const Scenario& scenario);

// --through DATE (run, backtest): the actuals are complete through DATE, a
// day of their last month, whose figures are then month to date — a monthly
// file cannot say it was taken mid-month, and read through the month's end
// it would count the days after DATE as days without dossiers.
void set_complete_through(const std::string& text, Actuals& actuals);

// Validators CLI11 lacks: a whole number that fits 64 bits unsigned (CLI11
// would saturate 18446744073709551616 silently, so that two different seeds
// would run the same), and a finite real number (CLI::Range lets NaN through).
extern const CLI::Validator seed_value;
// An integer option's text is a whole number, said so (not "not in range") before its range is checked;
// a transform, so that the number goes on in plain decimal (CLI11 itself reads "010" as octal).
extern const CLI::Validator whole_number_option;
extern const CLI::Validator finite_number;

// A repeatable option (--min REGION=EUR, --set KEY=V1,V2…) that takes one
// value an occurrence: by default CLI11 lets it take every word that follows,
// the run file or scenario named after it included.
inline CLI::Option* one_value_an_occurrence(CLI::Option* option) {
  return option->expected(1)->allow_extra_args(false)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}

// -n/--replications, -s/--seed, -j/--threads: what a run-like command may
// override of the scenario's [run] section.
struct RunOverrides {
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  void add_options(CLI::App& command, const std::string& replications_help);
  void apply_to(RunSettings& run) const;
};

// Checks an output path before a long job (results/output_file.hpp's
// check_output_path): OutputTargetError, a BadRequest and so exit status 2 like
// UsageError, when it exists and `force` is not given or when it is anything
// but a regular file (a device, a FIFO, a socket, a directory, a symbolic
// link), since the user named a wrong target; OutputError (exit status 1)
// when it cannot be written (a missing or read-only directory).
void check_output_argument(const std::filesystem::path& path, bool force);

// A `--csv DIR` that exists but is not a directory (a run file given by
// mistake): UsageError, exit status 2, before anything is read or run. A
// missing one is made with the outputs, as a report's --png-dir: its parent
// must exist and be writable (OutputError, exit status 1).
void check_csv_directory_argument(const std::string& option, const std::filesystem::path& directory);

// The outputs of one command must be different files: two names for one file
// (the same spelling, or a link to the other: same device and inode) would
// have the second write destroy the first. Throws UsageError naming both.
void check_distinct_outputs(const std::string& option_a, const std::filesystem::path& a,
                            const std::string& option_b, const std::filesystem::path& b);

// A file a command reads or writes, with what the user knows it as: "--out",
// "the scenario", "the run file". An empty path is no file (an option not given).
struct NamedFile {
  std::string role;
  std::filesystem::path path;
};

// check_distinct_outputs for every pair of `outputs`, and no output may be one
// of the `inputs` (same device and inode: `export run.h5 --summary-json run.h5
// --force` would destroy the run file). Throws UsageError naming both.
void check_distinct_files(const std::vector<NamedFile>& outputs, const std::vector<NamedFile>& inputs);

// A long job at the terminal: a progress bar on stderr, and SIGINT, SIGTERM
// or SIGHUP stopping it between blocks of replications.
class InteractiveJob {
 public:
  explicit InteractiveJob(const Scenario& scenario);
  ~InteractiveJob();  // the job polls no more: a signal now ends the process
  InteractiveJob(const InteractiveJob&) = delete;
  InteractiveJob& operator=(const InteractiveJob&) = delete;
  RunControl& control() { return control_; }
  ProgressBar& progress() { return progress_; }
  // Ends the polling; throws Interrupted (after clearing the bar) when a signal stopped the job.
  void throw_if_interrupted(const std::string& what_was_done);

 private:
  ProgressBar progress_;
  RunControl control_;
};

}  // namespace fnesim::cli
