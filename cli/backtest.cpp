// `fnesim backtest`: forecast from several cut-offs of the actuals and say how
// well calibrated the forecasts were against what happened afterwards.
#include <iostream>
#include <memory>
#include <optional>

#include "results/backtest_report.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/forecast/backtest.hpp"
#include "cli/commands.hpp"
#include "cli/progress.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

struct BacktestOptions {
  std::string scenario;
  std::string actuals;
  std::vector<std::string> cut_offs;
  std::optional<std::int64_t> replications;
  std::optional<std::uint64_t> seed;
  std::optional<int> threads;
  bool json = false;
};

int backtest_command(const BacktestOptions& options) {
  constexpr std::string_view command = "fnesim backtest";
  Scenario scenario;
  try {
    scenario = load_scenario_argument(options.scenario);
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return exit_bad_input;
  }
  if (options.replications) scenario.run.replications = *options.replications;
  if (options.seed) scenario.run.seed = *options.seed;
  if (options.threads) scenario.run.threads = *options.threads;
  std::vector<Date> cut_offs;
  bool dates_ok = true;
  for (const std::string& text : options.cut_offs) {
    if (const auto date = Date::parse(text)) {
      cut_offs.push_back(*date);
    } else {
      std::cerr << command << ": --cutoffs: expected dates YYYY-MM-DD, found '" << text << "'\n";
      dates_ok = false;
    }
  }
  if (!dates_ok) return exit_bad_input;

  ProgressBar progress;
  RunControl control;
  control.seed = scenario.run.seed;
  control.threads = scenario.run.threads;
  control.stop_requested = &install_interrupt_flag();
  control.on_progress = [&](std::int64_t done, std::int64_t target) { progress.update(done, target); };
  try {
    const Actuals actuals = read_actuals(options.actuals, scenario);
    const BacktestResult result =
        run_backtest(scenario, actuals, cut_offs, scenario.run.replications, control);
    progress.finish();
    if (result.interrupted) {
      std::cerr << command << ": interrupted\n";
      return exit_interrupted;
    }
    std::cout << (options.json ? backtest_json(result, scenario, actuals)
                               : render_backtest_table(result, scenario, actuals));
  } catch (const ActualsError& e) {
    progress.finish();
    for (const Diagnostic& d : e.diagnostics()) std::cerr << d.to_string() << '\n';
    return exit_bad_input;
  }
  return exit_ok;
}

}  // namespace

void register_backtest(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BacktestOptions>();
  CLI::App* backtest = app.add_subcommand(
      "backtest",
      "Forecast from several cut-offs of the actuals and compare with what they show afterwards: how often "
      "outcomes fell inside the forecast's 50 % and 90 % intervals");
  backtest->add_option("scenario", options->scenario, "Scenario file, or the name of a built-in scenario")
      ->required();
  backtest->add_option("--actuals", options->actuals, "Actuals CSV (docs/actuals-format.md)")->required();
  backtest->add_option("--cutoffs", options->cut_offs, "Cut-offs YYYY-MM-DD, comma-separated")
      ->required()
      ->delimiter(',');
  backtest
      ->add_option("-n,--replications", options->replications,
                   "Replications per cut-off (default: the scenario's)")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000}));
  backtest->add_option("-s,--seed", options->seed, "Master seed (default: the scenario's)");
  backtest->add_option("-j,--threads", options->threads, "Threads (0: all cores; default: the scenario's)")
      ->check(CLI::Range(0, 1024));
  backtest->add_flag("--json", options->json, "Print the comparisons as JSON instead of the tables");
  backtest->callback([options, &exit_code] { exit_code = backtest_command(*options); });
}

}  // namespace fnesim::cli
