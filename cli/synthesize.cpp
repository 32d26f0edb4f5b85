// `fnesim synthesize-actuals`: one simulated year of a scenario written as an
// actuals file, to test forecasts and backtests against a known truth.
#include <algorithm>
#include <iostream>
#include <memory>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/output_file.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

struct SynthesizeOptions {
  std::string scenario;
  std::uint64_t seed = 0;
  std::int64_t replication = 0;
  std::string layout = "dossiers";
  std::string out;
  bool force = false;
};

int synthesize_command(const SynthesizeOptions& options) {
  const Scenario scenario = load_scenario_or_default(options.scenario);
  const auto layout = std::find(synthetic_layout_keys.begin(), synthetic_layout_keys.end(), options.layout);
  std::vector<NamedFile> inputs;
  for (const std::string& source : scenario.source_files) inputs.push_back({"the scenario file", source});
  check_distinct_files({{"--out", options.out}}, inputs);
  check_output_argument(options.out, options.force);
  const Simulator simulator(scenario);
  write_file_atomically(
      options.out,
      synthetic_actuals_csv(simulator, options.seed, options.replication,
                            static_cast<SyntheticLayout>(layout - synthetic_layout_keys.begin())),
      options.force);
  return exit_ok;
}

}  // namespace

void register_synthesize(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SynthesizeOptions>();
  CLI::App* synthesize = app.add_subcommand("synthesize-actuals",
                                            "Write the committed dossiers of one simulated year as an "
                                            "actuals file (to test forecasts and backtests "
                                            "against a known truth)");
  synthesize->add_option("scenario", options->scenario, "Scenario file, or the name of a built-in scenario")
      ->required();
  synthesize->add_option("-s,--seed", options->seed, "Master seed")->required()->check(seed_value);
  synthesize->add_option("-r,--replication", options->replication, "Replication index")
      ->required()
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
  synthesize
      ->add_option("--layout", options->layout,
                   "dossiers (one row per dossier), monthly (per region and month) or national "
                   "(per month)")
      ->check(
          CLI::IsMember(std::vector<std::string>(synthetic_layout_keys.begin(), synthetic_layout_keys.end())))
      ->capture_default_str();
  synthesize->add_option("-o,--out", options->out, "The CSV file to write")->required();
  synthesize->add_flag("--force", options->force, "Overwrite an existing file");
  synthesize->callback([options, &exit_code] { exit_code = synthesize_command(*options); });
}

}  // namespace fnesim::cli
