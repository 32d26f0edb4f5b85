// `fnesim backtest`: forecast from several cut-offs of the actuals and say how
// well calibrated the forecasts were against what happened afterwards — or,
// with --truth, against synthetic years of scenarios the forecaster is not given.
#include "sim/forecast/backtest.hpp"

#include <algorithm>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/backtest_report.hpp"
#include "results/truth_backtest_report.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/forecast/truth_backtest.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim::cli {
namespace {

struct BacktestOptions {
  std::string scenario;
  std::string actuals;
  std::string truth;
  std::int64_t truths = 200;
  std::string layout = "dossiers";  // --layout: how the forecaster sees each truth
  std::vector<std::string> cut_offs;
  std::string through;  // --through: the day the actuals are complete through
  RunOverrides overrides;
  bool json = false;
};

// Each occurrence a comma-separated list. Split here rather than by CLI11,
// which drops an empty item: "2021-04-01,,2021-07-01" is a date left out.
// The dates read; what is not a date is added to `problems`, or thrown as a
// UsageError without them.
std::vector<Date> parse_cut_offs(const std::vector<std::string>& lists,
                                 std::vector<std::string>* problems = nullptr) {
  std::vector<Date> cut_offs;
  std::string bad_dates;
  for (const std::string& list : lists) {
    for (std::size_t start = 0;;) {
      const std::size_t comma = std::min(list.find(',', start), list.size());
      const std::string text = list.substr(start, comma - start);
      if (const auto date = Date::parse(text))
        cut_offs.push_back(*date);
      else
        bad_dates += (bad_dates.empty() ? "" : ", ") +
                     (text.empty() ? "an empty item in '" + list + "'" : "'" + text + "'");
      if (comma == list.size()) break;
      start = comma + 1;
    }
  }
  if (!bad_dates.empty()) {
    const std::string problem = "--cutoffs: expected dates YYYY-MM-DD, found " + bad_dates;
    if (problems == nullptr) throw UsageError(problem);
    problems->push_back(problem);
  }
  return cut_offs;
}

// --truth: one scenario (a file or a built-in name), or a directory whose
// *.toml files, sorted by name, are the family. Every file's problems are
// added to `problems`, the members read returned.
std::vector<TruthScenario> load_truth_family(const std::string& argument, std::vector<Diagnostic>& problems) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (!fs::is_directory(argument, ec)) {
    try {
      std::vector<TruthScenario> one{{argument, load_scenario_argument(argument)}};
      say_scenario_warnings(one.front().scenario);
      return one;
    } catch (const ScenarioError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
      return {};
    }
  }
  std::vector<fs::path> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(argument, ec))
    if (entry.path().extension() == ".toml" && !entry.is_directory()) files.push_back(entry.path());
  if (ec) throw UsageError("--truth " + argument + ": cannot list the directory: " + ec.message());
  if (files.empty()) throw UsageError("--truth " + argument + ": no *.toml file in the directory");
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
  std::vector<TruthScenario> family;
  const std::size_t problems_before = problems.size();
  for (const fs::path& file : files) {
    try {
      family.push_back({file.string(), load_scenario_file(file)});
    } catch (const ScenarioError& e) {
      problems.insert(problems.end(), e.diagnostics().begin(), e.diagnostics().end());
    }
  }
  if (problems.size() == problems_before)
    for (const TruthScenario& truth : family) say_scenario_warnings(truth.scenario);
  return family;
}

// The forecaster's scenario, its run overrides applied. Throws ScenarioError.
Scenario load_forecaster(const BacktestOptions& options) {
  Scenario scenario = load_scenario_or_default(options.scenario);
  options.overrides.apply_to(scenario.run);
  return scenario;
}

// Every problem at once: the forecaster, the cut-offs, the actuals (read when
// the forecaster is, whose regions and rules they are checked against).
int backtest_against_actuals(const BacktestOptions& options) {
  InputProblems problems("fnesim backtest");
  std::optional<Scenario> loaded;
  problems.check([&] { loaded = load_forecaster(options); });
  std::vector<Date> cut_offs;
  problems.check([&] { cut_offs = parse_cut_offs(options.cut_offs); });
  std::optional<Actuals> read;
  if (loaded)
    problems.check([&] {
      read = read_actuals(options.actuals, *loaded);
      if (!options.through.empty()) set_complete_through(options.through, *read);
    });
  problems.throw_if_any();
  const Scenario& scenario = *loaded;
  Actuals& actuals = *read;
  for (const Diagnostic& warning : actuals.warnings) std::cerr << warning.to_string() << '\n';
  InteractiveJob job(scenario);
  const BacktestResult result =
      run_backtest(scenario, actuals, cut_offs, scenario.run.replications, job.control());
  job.throw_if_interrupted("interrupted; nothing printed");
  job.progress().finish();
  for (const BacktestCutOff& cut_off : result.cut_offs)
    for (const Diagnostic& warning : cut_off.learnt.warnings) std::cerr << warning.to_string() << '\n';
  std::cout << (options.json ? backtest_json(result, scenario, actuals)
                             : render_backtest_table(result, scenario, actuals));
  return exit_ok;
}

// Every problem of the command at once — a cut-off that is no date, a member
// that does not read, one whose window is not the forecaster's, too few
// years — before any year is drawn.
int backtest_against_truths(const BacktestOptions& options) {
  TruthBacktestProblems problems;
  std::optional<Scenario> loaded;
  try {
    loaded = load_forecaster(options);
  } catch (const ScenarioError& e) {  // as a member's, said with the family's
    problems.files.insert(problems.files.end(), e.diagnostics().begin(), e.diagnostics().end());
  }
  const std::vector<Date> cut_offs = parse_cut_offs(options.cut_offs, &problems.settings);
  std::vector<TruthScenario> family;
  try {
    family = load_truth_family(options.truth, problems.files);
  } catch (const UsageError& e) {  // a directory that cannot be listed, or holds no scenario
    problems.settings.emplace_back(e.what());
  }
  const auto layout = static_cast<SyntheticLayout>(
      std::find(synthetic_layout_keys.begin(), synthetic_layout_keys.end(), options.layout) -
      synthetic_layout_keys.begin());
  if (loaded) check_truth_backtest(*loaded, family, cut_offs, options.truths, problems, layout);
  problems.throw_if_any();
  const Scenario& scenario = *loaded;
  InteractiveJob job(scenario);
  const TruthBacktestResult result = run_truth_backtest(scenario, family, cut_offs, options.truths,
                                                        scenario.run.replications, job.control(), layout);
  job.throw_if_interrupted("interrupted; nothing printed");
  job.progress().finish();
  std::cout << (options.json ? truth_backtest_json(result, scenario, family)
                             : render_truth_backtest_table(result, scenario, family));
  return exit_ok;
}

int backtest_command(const BacktestOptions& options) {
  if (options.actuals.empty() == options.truth.empty())
    throw UsageError(
        "give --actuals FILE (real history) or --truth SCENARIO (synthetic years), one of the two");
  return options.truth.empty() ? backtest_against_actuals(options) : backtest_against_truths(options);
}

}  // namespace

void register_backtest(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<BacktestOptions>();
  CLI::App* backtest = app.add_subcommand(
      "backtest",
      "Forecast from several cut-offs and compare with what happened afterwards: how often outcomes fell "
      "inside the forecast's 50 % and 90 % intervals — in actuals (--actuals), or in synthetic years of "
      "scenarios the forecaster is not given (--truth)");
  backtest->add_option("scenario", options->scenario, "Scenario file, or the name of a built-in scenario")
      ->required();
  CLI::Option* actuals =
      backtest->add_option("--actuals", options->actuals, "Actuals CSV (docs/actuals-format.md)");
  CLI::Option* truth = backtest->add_option(
      "--truth", options->truth,
      "Truth scenario file, built-in name, or directory of *.toml (the truth family): synthetic years to "
      "forecast, scored on year-end demand");
  truth->excludes(actuals);
  backtest
      ->add_option(
          "--through", options->through,
          "With --actuals: the day they are complete through, in their last month, whose figures are "
          "then month to date and not compared (default: that month's end)")
      ->needs(actuals);
  backtest
      ->add_option("--truths", options->truths,
                   "Synthetic years with --truth (default 200), year t from family member t mod their number")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000}))
      ->needs(truth);
  backtest
      ->add_option(
          "--layout", options->layout,
          "With --truth: how the forecaster sees each year before a cut-off — dossiers (one row per "
          "dossier filed), monthly (what it committed, per region and month) or national (per month)")
      ->check(
          CLI::IsMember(std::vector<std::string>(synthetic_layout_keys.begin(), synthetic_layout_keys.end())))
      ->capture_default_str()
      ->needs(truth);
  one_value_an_occurrence(backtest->add_option("--cutoffs", options->cut_offs,
                                               "Cut-offs YYYY-MM-DD, comma-separated (repeatable)"))
      ->required();
  options->overrides.add_options(*backtest, "Replications per forecast (default: the scenario's)");
  backtest->add_flag("--json", options->json, "Print the comparisons as JSON instead of the tables");
  backtest->callback([options, &exit_code] { exit_code = backtest_command(*options); });
}

}  // namespace fnesim::cli
