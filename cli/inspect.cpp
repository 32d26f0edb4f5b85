// `fnesim inspect`: what a run file holds — provenance and the summary table,
// from the file alone.
#include <toml++/toml.h>

#include <cstdint>
#include <filesystem>
#include <iostream>
#include <limits>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"
#include "sim/diagnostics.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/toml_text.hpp"

namespace fnesim::cli {
namespace {

struct InspectOptions {
  std::string file;
  bool scenario = false;
};

// The resolved scenario with its [run] replications and seed set to what the
// run used: -n and --seed override the scenario's, and the text printed is
// there to rerun the same run. The merged TOML holds one key a line; a [run]
// table, or one of the two keys, that no source wrote is added.
std::string scenario_as_run(const std::string& resolved, const RunFileInfo& info,
                            const std::optional<Date>& review_as_run) {
  const std::string replications = "replications = " + std::to_string(info.replications) + "  # as run";
  // TOML's integers are signed 64-bit: a larger seed, which --seed takes, is said, not written.
  const std::string seed = info.seed <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                               ? "seed = " + std::to_string(info.seed) + "  # as run"
                               : "# the run used --seed " + std::to_string(info.seed) +
                                     ", beyond TOML's integers: give it on the command line";
  std::vector<std::string> lines;
  std::vector<std::string> inline_run;  // `run = { … }` in the root table: its keys, one a line
  std::istringstream in(resolved);
  bool at_root = true;
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with('[')) at_root = false;
    if (at_root && line.starts_with("run = ")) {
      // Rewritten as a [run] table below, whose replications and seed are then replaced:
      // a [run] table added beside the inline one would not parse.
      const toml::table parsed = parse_toml(line, "the run file's scenario");
      if (const toml::table* run = parsed["run"].as_table())
        for (const auto& [key, value] : *run) {
          toml::table one;
          one.insert(key, value);
          std::ostringstream text;
          text << toml::toml_formatter(one);
          std::string key_value = text.str();
          while (key_value.ends_with('\n')) key_value.pop_back();
          inline_run.push_back(key_value);
        }
      continue;
    }
    lines.push_back(line);
  }
  if (!inline_run.empty()) {
    lines.emplace_back();
    lines.emplace_back("[run]");
    lines.insert(lines.end(), inline_run.begin(), inline_run.end());
  }
  std::string table;
  std::size_t run_header = lines.size();
  bool has_replications = false, has_seed = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].starts_with('[')) table = lines[i];
    if (table != "[run]") continue;
    if (lines[i] == "[run]") run_header = i;
    if (lines[i].starts_with("replications = ")) {
      lines[i] = replications;
      has_replications = true;
    } else if (lines[i].starts_with("seed = ")) {
      lines[i] = seed;
      has_seed = true;
    }
  }
  // The financial review's snapshot when `run --review-date` moved it: in the
  // [convention] table, as the scenario would state it.
  if (review_as_run) {
    const std::string review = "financial_review = " + review_as_run->iso() + "  # as run (--review-date)";
    std::string in_table;
    std::size_t convention_header = lines.size();
    bool replaced = false;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].starts_with('[')) in_table = lines[i];
      if (lines[i] == "[convention]") convention_header = i;
      if (in_table == "[convention]" && lines[i].starts_with("financial_review = ")) {
        lines[i] = review;
        replaced = true;
      }
    }
    if (!replaced) {
      if (convention_header == lines.size()) {
        lines.emplace_back();
        lines.emplace_back("[convention]");
        convention_header = lines.size() - 1;
      }
      lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(convention_header + 1), review);
    }
  }
  // The missing keys go right after the [run] header, which is added at the end when absent.
  std::size_t at = run_header + 1;
  if (run_header == lines.size()) {
    lines.emplace_back();
    lines.emplace_back("[run]");
    at = lines.size();
  }
  if (!has_seed) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), seed);
  if (!has_replications) lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), replications);
  std::string out;
  for (const std::string& line : lines) out += line + '\n';
  return out;
}

int inspect_command(const InspectOptions& options) {
  const RunFileReader run(options.file);
  if (options.scenario) {
    // Printed to be saved and run again: text that is not TOML is damage, said as such.
    const std::string text(scenario_content(run.resolved_toml()));
    try {
      parse_toml(text, "the run file's scenario");
    } catch (const toml::parse_error& e) {
      throw RunFileError(options.file + ": /scenario/resolved_toml: is not TOML (line " +
                         std::to_string(e.source().begin.line) + ": " + std::string(e.description()) +
                         "): damaged; nothing printed");
    }
    // The review date the run used, where it is not the scenario's own.
    std::optional<Date> review;
    try {
      const Scenario stated = load_scenario_text(text, "the run file's scenario", std::filesystem::path("."));
      if (const RunSummary summary = run.summary();
          summary.settlement && stated.convention.financial_review != summary.settlement->review_date)
        review = summary.settlement->review_date;
    } catch (const InputError& e) {
      // A file of an older fnesim whose scenario this one no longer reads:
      // its text is still printed, as run, without the review's date — and
      // the user told that this fnesim would not run it again.
      std::string why = e.what();
      why = why.substr(0, why.find('\n'));
      std::cerr << "fnesim inspect: warning: this fnesim does not read the run's scenario (" << why
                << "): printed as it was run, it may not run again\n";
    }
    std::cout << scenario_as_run(run.resolved_toml(), run.info(), review);
    return exit_ok;
  }
  const RunSummary summary = run.summary();
  std::cout << render_run_file_info(run.info(), options.file, run.actuals() ? &*run.actuals() : nullptr)
            << '\n';
  // The same table as `fnesim run` printed, timing included.
  std::cout << render_summary_table(summary, {run.info().run_seconds, run.info().threads});
  return exit_ok;
}

}  // namespace

void register_inspect(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<InspectOptions>();
  CLI::App* inspect = app.add_subcommand(
      "inspect", "Show a run file's provenance (version, seed, scenario) and its summary table");
  inspect->add_option("file", options->file, "Run file written by `fnesim run --out`")->required();
  inspect->add_flag("--scenario", options->scenario,
                    "Print the resolved scenario TOML instead (save it to rerun the same scenario)");
  inspect->callback([options, &exit_code] { exit_code = inspect_command(*options); });
}

}  // namespace fnesim::cli
