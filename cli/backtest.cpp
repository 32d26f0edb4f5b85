// `fnesim backtest`: forecast from several cut-offs of the actuals and say how
// well calibrated the forecasts were against what happened afterwards.
#include "sim/forecast/backtest.hpp"

#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/backtest_report.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

struct BacktestOptions {
  std::string scenario;
  std::string actuals;
  std::vector<std::string> cut_offs;
  RunOverrides overrides;
  bool json = false;
};

int backtest_command(const BacktestOptions& options) {
  Scenario scenario = load_scenario_or_default(options.scenario);
  options.overrides.apply_to(scenario.run);
  std::vector<Date> cut_offs;
  std::string bad_dates;
  for (const std::string& text : options.cut_offs) {
    if (const auto date = Date::parse(text))
      cut_offs.push_back(*date);
    else
      bad_dates += (bad_dates.empty() ? "'" : ", '") + text + "'";
  }
  if (!bad_dates.empty()) throw UsageError("--cutoffs: expected dates YYYY-MM-DD, found " + bad_dates);

  const Actuals actuals = read_actuals(options.actuals, scenario);
  InteractiveJob job(scenario);
  const BacktestResult result =
      run_backtest(scenario, actuals, cut_offs, scenario.run.replications, job.control());
  job.throw_if_interrupted("interrupted; nothing printed");
  job.progress().finish();
  std::cout << (options.json ? backtest_json(result, scenario, actuals)
                             : render_backtest_table(result, scenario, actuals));
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
  options->overrides.add_options(*backtest, "Replications per cut-off (default: the scenario's)");
  backtest->add_flag("--json", options->json, "Print the comparisons as JSON instead of the tables");
  backtest->callback([options, &exit_code] { exit_code = backtest_command(*options); });
}

}  // namespace fnesim::cli
