// `fnesim inspect`: what a run file holds — provenance and the summary table,
// from the file alone.
#include <iostream>
#include <sstream>
#include <string>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"

namespace fnesim::cli {
namespace {

struct InspectOptions {
  std::string file;
  bool scenario = false;
};

// The resolved scenario with its [run] replications and seed set to what the
// run used: -n and --seed override the scenario's, and the text printed is
// there to rerun the same run. fnesim writes the section itself, one key a line.
std::string scenario_as_run(const std::string& resolved, const RunFileInfo& info) {
  std::istringstream in(resolved);
  std::string out, line, table;
  while (std::getline(in, line)) {
    if (line.starts_with('[')) table = line;
    if (table == "[run]" && line.starts_with("replications = "))
      line = "replications = " + std::to_string(info.replications) + "  # as run";
    else if (table == "[run]" && line.starts_with("seed = "))
      line = "seed = " + std::to_string(info.seed) + "  # as run";
    out += line + '\n';
  }
  return out;
}

int inspect_command(const InspectOptions& options) {
  const RunFileReader run(options.file);
  if (options.scenario) {
    std::cout << scenario_as_run(run.resolved_toml(), run.info());
    return exit_ok;
  }
  const RunSummary summary = run.summary();
  std::cout << render_run_file_info(run.info(), options.file) << '\n';
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
