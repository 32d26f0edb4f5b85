// `fnesim validate [FILE...]`: load each scenario, describe the valid ones and
// list every problem of the others.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/scenario_description.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {

namespace {

struct ValidateOptions {
  std::vector<std::string> files;
  bool quiet = false;
};

int run_validate(const ValidateOptions& options) {
  // An empty name stands for the built-in default, whatever files the working directory holds.
  std::vector<std::string> arguments = options.files;
  if (arguments.empty()) arguments.emplace_back();
  bool all_valid = true;
  bool first = true;
  for (const std::string& argument : arguments) {
    try {
      const Scenario scenario = load_scenario_or_default(argument);
      if (!options.quiet) {
        if (!first) std::cout << '\n';
        std::cout << describe_scenario(scenario);
        first = false;
      }
    } catch (const ScenarioError& error) {
      all_valid = false;
      for (const Diagnostic& d : error.diagnostics()) std::cerr << d.to_string() << '\n';
    }
  }
  std::cout.flush();
  return all_valid ? exit_ok : exit_bad_input;
}

}  // namespace

void register_validate(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ValidateOptions>();
  CLI::App* command = app.add_subcommand(
      "validate", "Check scenario files and describe them; every problem is reported with file:line:column");
  command->add_option(
      "files", options->files,
      "Scenario files or built-in names (" + std::string(default_scenario_file) + " when none is given)");
  command->add_flag("-q,--quiet", options->quiet, "Print only problems");
  command->callback([options, &exit_code] { exit_code = run_validate(*options); });
}

}  // namespace fnesim::cli
