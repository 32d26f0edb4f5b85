#include "cli/preamble.hpp"

#include <sys/stat.h>

#include <charconv>
#include <cmath>
#include <iostream>
#include <new>
#include <set>

#include "results/output_file.hpp"
#include "sim/diagnostics.hpp"
#include "sim/scenario/scenario_override.hpp"

namespace fnesim::cli {

int report_failure(std::string_view command, const std::exception_ptr& error) noexcept {
  try {
    std::rethrow_exception(error);
  } catch (const InputError& e) {
    for (const Diagnostic& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return exit_bad_input;
  } catch (const BadRequest& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return exit_bad_input;
  } catch (const Interrupted& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return e.exit_status();
  } catch (const InvariantError& e) {
    std::cerr << command << ": internal error, please report it: " << e.what() << '\n';
    return exit_failure;
  } catch (const std::bad_alloc&) {
    std::cerr << command << ": out of memory\n";
    return exit_failure;
  } catch (const std::exception& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return exit_failure;
  } catch (...) {
    std::cerr << command << ": unknown failure\n";
    return exit_failure;
  }
}

const CLI::Validator seed_value(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc::result_out_of_range)
        return "seed " + text + " does not fit 64 bits (at most 18446744073709551615)";
      if (error != std::errc{} || end != text.data() + text.size() || text.empty())
        return "seed '" + text + "' is not a whole number from 0 to 18446744073709551615";
      return {};
    },
    "SEED");

const CLI::Validator whole_number_option(
    [](std::string& text) -> std::string {
      // Decimal, an optional sign; written back as plain decimal, since CLI11
      // would read "010" as octal.
      const std::size_t digits = !text.empty() && text.front() == '+' ? 1 : 0;
      if (digits == 1 && text.size() > 1 && text[1] == '-') return "'" + text + "' is not a whole number";
      std::int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data() + digits, text.data() + text.size(), value);
      if (error == std::errc::result_out_of_range) return "'" + text + "' is out of range";
      if (error != std::errc{} || end != text.data() + text.size() || text.size() == digits)
        return "'" + text + "' is not a whole number";
      text = std::to_string(value);
      return {};
    },
    "");

const CLI::Validator finite_number(
    [](std::string& text) -> std::string {
      if (!finite_number_from_text(text)) return "'" + text + "' is not a finite number";
      if (text.front() == '+') text.erase(0, 1);  // as read: CLI11's conversion then sees plain decimal
      return {};
    },
    "");

void say_scenario_warnings(const Scenario& scenario) {
  // Each once in a command: a backtest's truths extending one parent, or the
  // forecaster given as its own truth, carry the same warnings.
  static std::set<std::string> said;
  for (const Diagnostic& warning : scenario.warnings)
    if (std::string line = warning.to_string(); said.insert(line).second) std::cerr << line << '\n';
}

Scenario load_scenario_or_default(const std::string& argument) {
  Scenario scenario = argument.empty() ? load_default_scenario() : load_scenario_argument(argument);
  say_scenario_warnings(scenario);
  return scenario;
}

void RunOverrides::add_options(CLI::App& command, const std::string& replications_help) {
  command.add_option("-n,--replications", replications, replications_help)
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  command.add_option("-s,--seed", seed, "Master seed (default: the scenario's)")->check(seed_value);
  command.add_option("-j,--threads", threads, "Threads (0: all cores; default: the scenario's)")
      ->transform(whole_number_option)
      ->check(CLI::Range(0, max_threads));
}

void RunOverrides::apply_to(RunSettings& run) const {
  if (replications) run.replications = *replications;
  if (seed) run.seed = *seed;
  if (threads) run.threads = *threads;
}

void check_output_argument(const std::filesystem::path& path, bool force) { check_output_path(path, force); }

void check_csv_directory_argument(const std::string& option, const std::filesystem::path& directory) {
  // As for an output file (results/output_file.cpp): "-" reads as standard output.
  if (directory == "-")
    throw UsageError(option +
                     " -: names standard output, not a directory; fnesim writes these files in a "
                     "directory (./- names a directory called '-')");
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::symlink_status(directory, ec)) &&
      !std::filesystem::is_directory(directory, ec))
    throw UsageError(option + " " + directory.string() + ": exists and is not a directory");
  // A file where a parent should be is the user's slip, said as such rather
  // than as the system's "cannot create: Not a directory".
  for (std::filesystem::path parent = directory.parent_path();
       !parent.empty() && parent != parent.parent_path(); parent = parent.parent_path()) {
    if (!std::filesystem::exists(parent, ec)) continue;
    if (!std::filesystem::is_directory(parent, ec))
      throw UsageError(option + " " + directory.string() + ": " + parent.string() + " is not a directory");
    break;
  }
  check_output_directory_to_make(directory);
}

namespace {

// Two names for one file: the same device and inode, or (for files not yet
// written) the same absolute path once links are resolved.
bool same_file(const std::filesystem::path& a, const std::filesystem::path& b, bool compare_spelling) {
  struct stat status_a {}, status_b {};
  if (::stat(a.c_str(), &status_a) == 0 && ::stat(b.c_str(), &status_b) == 0)
    return status_a.st_dev == status_b.st_dev && status_a.st_ino == status_b.st_ino;
  if (!compare_spelling) return false;
  // Each comparison counts only when it could be made: a path that cannot be
  // resolved is not thereby the same as another. Absolute first:
  // weakly_canonical leaves a relative path none of whose parts exists
  // ("x.h5") relative, which "./x.h5" and "$PWD/x.h5" are not.
  const auto resolved = [](const std::filesystem::path& path, std::error_code& ec) {
    const auto absolute = std::filesystem::absolute(path, ec);
    return ec ? absolute : std::filesystem::weakly_canonical(absolute, ec);
  };
  std::error_code ec_a, ec_b;
  const auto canonical_a = resolved(a, ec_a);
  const auto canonical_b = resolved(b, ec_b);
  return !ec_a && !ec_b && canonical_a == canonical_b;
}

}  // namespace

void check_distinct_outputs(const std::string& option_a, const std::filesystem::path& a,
                            const std::string& option_b, const std::filesystem::path& b) {
  if (same_file(a, b, true))
    throw UsageError(option_a + " and " + option_b + " name the same file (" + a.string() +
                     "): the second would replace the first");
}

void check_distinct_files(const std::vector<NamedFile>& outputs, const std::vector<NamedFile>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i].path.empty()) continue;
    for (std::size_t j = i + 1; j < outputs.size(); ++j)
      if (!outputs[j].path.empty())
        check_distinct_outputs(outputs[i].role, outputs[i].path, outputs[j].role, outputs[j].path);
    // An input exists (it is read): its device and inode decide, not its
    // spelling, which a built-in scenario's name could share with a new file.
    for (const NamedFile& input : inputs)
      if (!input.path.empty() && same_file(outputs[i].path, input.path, false))
        throw UsageError(outputs[i].role + " names " + input.role + " (" + input.path.string() +
                         "), an input of the command: writing it would destroy it");
  }
}

void set_complete_through(const std::string& text, Actuals& actuals) {
  const auto through = Date::parse(text);
  if (!through) throw UsageError("--through: expected a date YYYY-MM-DD, found '" + text + "'");
  fnesim::set_complete_through(actuals, *through, "--through");
}

InteractiveJob::InteractiveJob(const Scenario& scenario) {
  control_.seed = scenario.run.seed;
  control_.threads = scenario.run.threads;
  control_.stop_requested = &install_interrupt_flag();
  control_.on_progress = [this](std::int64_t done, std::int64_t target) { progress_.update(done, target); };
}

InteractiveJob::~InteractiveJob() { end_interrupt_polling(); }

void InteractiveJob::throw_if_interrupted(const std::string& what_was_done) {
  // Polling ends first: a signal after this check ends the process (and its
  // temporaries) at once rather than setting a flag nobody reads.
  end_interrupt_polling();
  if (!control_.stop_requested->load()) return;
  progress_.finish();
  throw Interrupted(interrupt_signal(), what_was_done);
}

}  // namespace fnesim::cli
