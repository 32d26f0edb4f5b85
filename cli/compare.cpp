// `fnesim compare A.h5 B.h5`: what changes from run A to run B, region by
// region, and whether it is more than Monte-Carlo noise (docs/compare.md).
#include <exception>
#include <iostream>
#include <optional>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/analysis/run_comparison.hpp"
#include "results/run_file.hpp"

namespace fnesim::cli {
namespace {

struct CompareOptions {
  std::string file_a, file_b;
  bool json = false;
  double level = 0.05;
};

int compare_command(const CompareOptions& options) {
  // Both files read before either refusal is said: two bad files, two messages.
  std::optional<RunOutcomes> a, b;
  std::exception_ptr refused_a;
  try {
    a = read_run_outcomes(RunFileReader(options.file_a));
  } catch (const RunFileError&) {
    refused_a = std::current_exception();
  }
  try {
    b = read_run_outcomes(RunFileReader(options.file_b));
  } catch (...) {
    if (refused_a) report_failure("fnesim compare", refused_a);
    throw;
  }
  if (refused_a) std::rethrow_exception(refused_a);
  ComparisonOptions comparison;
  comparison.family_wise_level = options.level;
  const RunComparison result = compare_runs(*a, *b, comparison);
  std::cout << (options.json ? comparison_json(result) : render_comparison_table(result));
  return exit_ok;
}

}  // namespace

void register_compare(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<CompareOptions>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Compare two run files region by region: P(exhausted), median exhaustion date and expected unmet "
      "demand, B - A with its standard error and significance (paired when both runs share seed and "
      "replication count)");
  cmd->add_option("a", options->file_a, "Run file A (the reference)")->required();
  cmd->add_option("b", options->file_b, "Run file B (the variant)")->required();
  cmd->add_flag("--json", options->json, "Print JSON instead of the tables");
  cmd->add_option("--level", options->level,
                  "Family-wise significance level: the chance of flagging any difference when none exists "
                  "(Holm's correction over every test)")
      ->check(finite_number)  // a range check lets NaN through: it flagged every difference
      ->check(CLI::Range(1e-6, 0.5))
      ->capture_default_str();
  cmd->callback([options, &exit_code] { exit_code = compare_command(*options); });
}

}  // namespace fnesim::cli
