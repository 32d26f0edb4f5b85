// `fnesim sensitivity`: which of a scenario's uncertain assumptions drive the
// forecast (docs/sensitivity.md) — Sobol indices from a Saltelli pick-freeze
// design and a tornado, on common random numbers — and `fnesim sweep`: the
// forecast over a grid of values of one or two keys.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>
#include <memory>
#include <optional>
#include <set>
#include <sstream>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/analysis/sensitivity.hpp"
#include "results/analysis/sweep.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"
#include "sim/cluster.hpp"
#include "sim/run_statistics.hpp"
#include "sim/scenario/scenario_override.hpp"
#include "sim/scenario/uncertain_parameters.hpp"
#include "sim/sensitivity.hpp"

namespace fnesim::cli {
namespace {

// `run`'s options for a forecast from actuals, which these designs cannot
// take yet (docs/sensitivity.md, "Not yet supported"): accepted only to be
// refused by name, rather than read by the parser as stray arguments.
struct ActualsAsked {
  std::string actuals, as_of, through;
  void add_options(CLI::App& command) {
    for (auto [name, value] :
         {std::pair{"--actuals", &actuals}, {"--as-of", &as_of}, {"--through", &through}})
      command.add_option(name, *value)->group("");
  }
  void refuse(const std::string& command) const {
    if (actuals.empty() && as_of.empty() && through.empty()) return;
    const char* option = !actuals.empty() ? "--actuals" : !as_of.empty() ? "--as-of" : "--through";
    throw UsageError(
        std::string(option) + ": " + command +
        " does not take actuals yet — a forecast's draws come from particles weighed against them, "
        "not from the streams its design re-uses (docs/sensitivity.md, \"Not yet supported\"). "
        "Without actuals it analyses the scenario's prior; `fnesim run` forecasts from them");
  }
};

struct SensitivityOptions {
  std::string scenario;
  ActualsAsked actuals;
  RunOverrides overrides;
  std::vector<std::string> groups;  // NAME=FACTOR,FACTOR
  std::vector<std::string> ranges;  // KEY=LOW,HIGH
  bool no_tornado = false;
  int resamples = 1000;
  std::string out, json, csv;
  bool force = false;
};

// The index of an [uncertainty.parameters] entry, or -1.
int uncertain_index(const Scenario& scenario, const std::string& key) {
  const auto& parameters = scenario.uncertainty.parameters;
  for (std::size_t i = 0; i < parameters.size(); ++i)
    if (parameters[i].path == key) return static_cast<int>(i);
  return -1;
}

// Rows of a run that sets keys: an uncertain parameter by fixing its draw,
// a stated key on a scenario that states the other value.
struct KeySetting {
  std::unique_ptr<Simulator> changed;  // null: the base simulator
  std::vector<double> fixed;           // per uncertain parameter, NaN: drawn; empty: all drawn
};

// A value given for an uncertain parameter replaces its draw: checked against
// the values the parameter may take, as the scenario reader checks a draw's
// support, and — given, not drawn — against the bounds of the key as the
// scenario would state it (at most a million expected dossiers: the engine's
// own limit would otherwise stop the run mid-way, or a value beyond it run).
void check_in_domain(const Scenario& scenario, const std::string& key, double value) {
  for (const UncertainParameterSpec& spec : uncertain_parameter_specs(scenario)) {
    if (spec.path != key) continue;
    if (!spec.domain.contains(value)) {
      const std::string text = (std::ostringstream() << value).str();
      // "found" repeats the value, as the scenario's own checks do: two values
      // refused are then two problems, not one said once (build_settings).
      throw UsageError(key + " = " + text + ": outside the values it may take, " + spec.domain.describe() +
                       ", found " + text);
    }
  }
  scenario_with_values(scenario, {{key, value}});
}

KeySetting setting_for(const Simulator& base, const std::vector<std::string>& keys, const std::vector<double>& values) {
  KeySetting setting;
  const Scenario& scenario = base.scenario();
  std::optional<Scenario> changed;
  std::vector<std::pair<std::string, double>> fixed_by_path, stated;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (uncertain_index(scenario, keys[k]) >= 0) {
      check_in_domain(scenario, keys[k], values[k]);
      fixed_by_path.emplace_back(keys[k], values[k]);
    } else {
      stated.emplace_back(keys[k], values[k]);
    }
  }
  // Every stated key at once: a pair that must agree is checked as a pair.
  if (!stated.empty()) changed = scenario_with_values(scenario, stated);
  if (changed) setting.changed = std::make_unique<Simulator>(*changed);
  // Fixed draws are found by path in the scenario the rows run: a stated key
  // set to another value may not keep the parameters' indices.
  const Scenario& runs = changed ? *changed : scenario;
  if (!fixed_by_path.empty()) {
    setting.fixed.assign(runs.uncertainty.parameters.size(), std::nan(""));
    for (const auto& [path, value] : fixed_by_path) {
      const int index = uncertain_index(runs, path);
      if (index < 0) throw UsageError("--set: with the other key set, " + path + " is no longer an uncertain parameter");
      setting.fixed[static_cast<std::size_t>(index)] = value;
    }
  }
  return setting;
}

// The settings of a design, every one built before the first replication;
// every setting refused is said at once, not the first (each stops at its
// own first problem: a sweep's point sets its keys together, as they must
// agree).
struct SettingAsked {
  std::vector<std::string> keys;
  std::vector<double> values;
};
// Every problem is added to `problems`; the settings are whole only when none is.
std::vector<KeySetting> build_settings(const Simulator& base, const std::vector<SettingAsked>& asked,
                                       std::vector<std::string>& problems) {
  std::vector<KeySetting> settings;
  // Each problem once for its keys: one that does not name the value
  // ("unknown key …") is said for the first value only.
  std::set<std::string> said;
  const auto say = [&](const SettingAsked& setting, std::string problem) {
    std::string keys;
    for (const std::string& key : setting.keys) keys += key + '\n';
    const std::size_t values_end = problem.find(": ");
    if (said.insert(keys + (values_end == std::string::npos ? problem : problem.substr(values_end + 2)))
            .second)
      problems.push_back(std::move(problem));
  };
  for (const SettingAsked& setting : asked) {
    try {
      settings.push_back(setting_for(base, setting.keys, setting.values));
    } catch (const InputError& e) {
      for (const Diagnostic& d : e.diagnostics()) say(setting, d.to_string());
    } catch (const BadRequest& e) {
      say(setting, e.what());
    }
  }
  return settings;
}

// UsageError listing every problem, if any, under "N <what>:" when there are
// two or more ("settings refused" for the values a design sets, "problems"
// when the options themselves are among them).
void refuse_all(const std::vector<std::string>& problems, const std::string& what = "settings refused") {
  if (problems.empty()) return;
  std::string message;
  for (const std::string& problem : problems) message += (message.empty() ? "" : "\n  ") + problem;
  throw UsageError(problems.size() == 1 ? message
                                        : std::to_string(problems.size()) + " " + what + ":\n  " + message);
}

// Simulates replications 0..rows-1 with the setting; false when interrupted.
bool run_setting(const Simulator& base, const KeySetting& setting, std::uint64_t seed, std::int64_t rows,
                 const RunControl& control, std::vector<double>& outputs) {
  const Simulator& simulator = setting.changed ? *setting.changed : base;
  const std::size_t parameters = simulator.scenario().uncertainty.parameters.size();
  outputs.assign(static_cast<std::size_t>(rows) * analysed_output_names(simulator.scenario()).size(), 0.0);
  return run_design_rows(
      simulator, seed, rows,
      [&](std::int64_t row, DrawSources& s) {
        s = DrawSources::all_from(row, parameters);
        s.fixed = setting.fixed;
      },
      control, outputs);
}

int sensitivity_command(const SensitivityOptions& options) {
  options.actuals.refuse("sensitivity");
  Scenario scenario = load_scenario_or_default(options.scenario);
  options.overrides.apply_to(scenario.run);
  const std::int64_t N = scenario.run.replications;
  if (N < 8) throw UsageError("-n: a sensitivity analysis needs at least 8 base rows (N/4 ≥ 2 for its convergence check)");
  std::vector<NamedFile> inputs;
  for (const std::string& source : scenario.source_files) inputs.push_back({"the scenario file", source});
  // As `export --csv` does: the directory is made with the outputs if need
  // be (its parent checked now), its files distinct from the other outputs
  // and, in an existing directory, checked now.
  std::vector<NamedFile> outputs_named{{"--out", options.out}, {"--json", options.json}};
  if (!options.csv.empty()) {
    check_csv_directory_argument("--csv", options.csv);
    for (const auto& target : sensitivity_csv_targets(options.csv))
      outputs_named.push_back({"--csv's " + target.filename().string(), target});
  }
  check_distinct_files(outputs_named, inputs);
  for (const std::string& path : {options.out, options.json})
    if (!path.empty()) check_output_argument(path, options.force);
  if (!options.csv.empty()) {
    std::error_code ec;
    if (std::filesystem::is_directory(options.csv, ec))
      for (const auto& target : sensitivity_csv_targets(options.csv))
        check_output_argument(target, options.force);
  }

  const Simulator simulator(scenario);
  SensitivityAnalysis analysis;
  analysis.scenario_name = scenario.name;
  analysis.seed = scenario.run.seed;
  analysis.base_rows = N;
  analysis.sobol_options.bootstrap_resamples = options.resamples;
  analysis.output_names = analysed_output_names(scenario);
  analysis.statistic_names = tornado_statistic_names(scenario);
  analysis.factors = sensitivity_factors(scenario);
  const std::size_t own_factors = analysis.factors.size();
  // Every --group and --range refused is said at once, before any replication.
  std::vector<std::string> refused;
  for (const std::string& text : options.groups) {
    try {
      const std::size_t equals = text.find('=');
      if (equals == std::string::npos || equals == 0 || equals + 1 == text.size())
        throw UsageError("--group " + text +
                         ": expected NAME=FACTOR,FACTOR,… (e.g. costs=demand.cost_per_trainee."
                         "mean_eur.covid_specific,demand.cost_per_trainee.mean_eur.anticipation)");
      // A parameter's key path however it is spelt (quoted parts or not), as --range and --set take it.
      std::vector<std::string> members;
      std::string rest = text.substr(equals + 1);
      for (std::size_t start = 0;;) {
        const std::size_t comma = rest.find(',', start);
        const std::string member = rest.substr(start, comma - start);
        try {
          members.push_back(canonical_key_path(member));
        } catch (const BadRequest& e) {
          throw UsageError("--group " + text + ": " + e.what());
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      const std::vector<SensitivityFactor> own(analysis.factors.begin(),
                                               analysis.factors.begin() + own_factors);
      const std::string name = text.substr(0, equals);
      // A group's name is a column of the CSV and a key of the JSON: plain, and unlike any other factor's.
      if (name.find_first_of(",\"") != std::string::npos)
        throw UsageError("--group " + text + ": a group's name may not hold a comma or a quote");
      for (const SensitivityFactor& f : analysis.factors)
        if (f.name == name || std::find(f.members.begin(), f.members.end(), name) != f.members.end())
          throw UsageError("--group " + text + ": '" + name + "' already names a factor or a group");
      analysis.factors.push_back(factor_group(name, members, own));
    } catch (const BadRequest& e) {
      refused.push_back(e.what());
    }
  }

  // The tornado's bars: every uncertain parameter at its quantiles, unless a range is given for it.
  struct BarPlan {
    std::string key, source;
    double low, high;
  };
  std::vector<BarPlan> bars;
  if (options.no_tornado && !options.ranges.empty())
    refused.push_back("--range " + options.ranges.front() +
                      ": a range is a tornado bar, and --no-tornado asks for none; give one or the other");
  std::vector<KeyValues> ranges;
  for (const std::string& text : options.ranges) {
    try {
      KeyValues range = parse_key_values("--range", text);
      if (range.values.size() != 2) throw UsageError("--range " + text + ": expected KEY=LOW,HIGH, two values");
      if (range.values[0] > range.values[1]) throw UsageError("--range " + text + ": LOW is above HIGH");
      ranges.push_back(range);
    } catch (const BadRequest& e) {
      refused.push_back(e.what());
    }
  }
  if (!options.no_tornado)
    for (const UncertainParameter& p : scenario.uncertainty.parameters) {
      const bool given = std::any_of(ranges.begin(), ranges.end(), [&](const KeyValues& r) { return r.key == p.path; });
      if (!given)
        bars.push_back({p.path, "quantiles 5 % / 95 %", p.distribution.quantile(analysis.tornado_low_quantile),
                        p.distribution.quantile(analysis.tornado_high_quantile)});
    }
  // A range's values are checked even beside --no-tornado (refused above), so that every problem is said.
  for (const KeyValues& r : ranges) bars.push_back({r.key, "range given", r.values[0], r.values[1]});
  // Every key setting is built (and validated) before the first replication.
  std::vector<SettingAsked> ends;
  for (const BarPlan& bar : bars) {
    ends.push_back({{bar.key}, {bar.low}});
    ends.push_back({{bar.key}, {bar.high}});
  }
  const bool options_refused = !refused.empty();
  std::vector<KeySetting> built = build_settings(simulator, ends, refused);
  refuse_all(refused, options_refused ? "problems" : "settings refused");
  std::vector<std::pair<KeySetting, KeySetting>> settings;
  for (std::size_t b = 0; b < bars.size(); ++b)
    settings.emplace_back(std::move(built[2 * b]), std::move(built[2 * b + 1]));

  const auto F = static_cast<std::int64_t>(analysis.factors.size());
  // The design keeps every row's outputs: refused before the first replication if they would not fit.
  const double design_bytes = static_cast<double>(N) * static_cast<double>(2 + F) *
                              static_cast<double>(analysis.output_names.size()) * sizeof(double);
  constexpr double max_design_bytes = 4.0 * (1 << 30);
  if (design_bytes > max_design_bytes)
    throw UsageError("-n " + std::to_string(N) + ": the design's outputs would take " +
                     std::to_string(static_cast<long long>(design_bytes / (1 << 20))) +
                     " MiB, beyond the 4 GiB fnesim keeps in memory; fewer base rows (N = 1 000 to 10 000 is usual)");
  const std::int64_t total = N * (2 + F) + 2 * N * static_cast<std::int64_t>(bars.size());
  analysis.simulated_rows = total;
  RunStatistics statistics(simulator);
  AnalysedOutputSink base_outputs(simulator, N);
  std::vector<ReplicationSink*> sinks{&statistics, &base_outputs};
  std::unique_ptr<RunFileWriter> run_file;
  if (!options.out.empty() && cluster::writes_outputs()) {
    RunFileOptions file_options;
    file_options.overwrite = options.force;
    run_file = std::make_unique<RunFileWriter>(options.out, simulator, scenario.run.seed, file_options);
    sinks.push_back(run_file.get());
  }
  InteractiveJob job(scenario);
  RunControl& control = job.control();
  std::int64_t done_before = 0;
  control.on_progress = [&](std::int64_t done, std::int64_t) { job.progress().update(done_before + done, total); };
  const auto interrupted = [&] {
    job.throw_if_interrupted("interrupted after " + std::to_string(done_before) + " of " + std::to_string(total) +
                             " replications; nothing written");
  };
  const auto start = std::chrono::steady_clock::now();
  // A: an ordinary run of N replications, which the run file holds.
  const RunReport report = run_replications(simulator, 0, N, control, sinks);
  if (report.interrupted) interrupted();
  done_before += N;
  analysis.threads = report.threads_used;
  analysis.ranks = cluster::ranks();
  analysis.f_a = base_outputs.outputs();
  const std::size_t parameters = scenario.uncertainty.parameters.size();
  const std::size_t width = analysis.output_names.size();
  // B, then each AB_i.
  analysis.f_b.assign(static_cast<std::size_t>(N) * width, 0.0);
  if (!run_design_rows(simulator, scenario.run.seed, N,
                       [&](std::int64_t row, DrawSources& s) { s = DrawSources::all_from(N + row, parameters); },
                       control, analysis.f_b))
    interrupted();
  done_before += N;
  for (const SensitivityFactor& factor : analysis.factors) {
    std::vector<double>& f_ab = analysis.f_ab.emplace_back(static_cast<std::size_t>(N) * width, 0.0);
    if (!run_design_rows(simulator, scenario.run.seed, N,
                         [&](std::int64_t row, DrawSources& s) { s = pick_freeze_sources(&factor, row, N, parameters); },
                         control, f_ab))
      interrupted();
    done_before += N;
  }
  // The tornado: each bar's low and high runs, paired with A.
  const int regions = simulator.region_count();
  analysis.baseline = tornado_statistics(analysis.f_a, N, regions);
  for (std::size_t b = 0; b < bars.size(); ++b) {
    TornadoBar bar{bars[b].key, bars[b].low, bars[b].high, bars[b].source, {}, {}};
    std::vector<double> outputs;
    if (!run_setting(simulator, settings[b].first, scenario.run.seed, N, control, outputs)) interrupted();
    done_before += N;
    bar.low = tornado_effects(outputs, analysis.f_a, N, regions);
    if (!run_setting(simulator, settings[b].second, scenario.run.seed, N, control, outputs)) interrupted();
    done_before += N;
    bar.high = tornado_effects(outputs, analysis.f_a, N, regions);
    analysis.tornado.push_back(std::move(bar));
  }
  job.throw_if_interrupted("interrupted; nothing written");
  job.progress().finish();
  sort_tornado(analysis.tornado);
  analysis.sobol = sobol_of_outputs(analysis);
  analysis.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  // Every output whole before any is put in place: a failure leaves none.
  OutputSet outputs(options.force);
  try {
    if (run_file) {
      const RunSummary summary = summarise(simulator, statistics, scenario.run.seed);
      run_file->finish_into(outputs, summary, RunTiming{analysis.seconds, analysis.threads, analysis.ranks},
                            [&](hdf5::File& file) { write_sensitivity_group(file, analysis); });
    }
    if (!options.json.empty()) outputs.add_text(options.json, sensitivity_json(analysis));
    if (!options.csv.empty()) write_sensitivity_csv(analysis, options.csv, outputs);
  } catch (const OutputError& e) {
    throw OutputError(std::string(e.what()) + "; nothing written");
  }
  outputs.commit();
  std::cout << render_sensitivity(analysis);
  return exit_ok;
}

struct SweepOptions {
  std::string scenario;
  ActualsAsked actuals;
  RunOverrides overrides;
  std::vector<std::string> sets;  // KEY=V1,V2,…
  std::string json, csv, chart;
  bool force = false;
};

int sweep_command(const SweepOptions& options) {
  options.actuals.refuse("sweep");
  Scenario scenario = load_scenario_or_default(options.scenario);
  options.overrides.apply_to(scenario.run);
  if (options.sets.empty() || options.sets.size() > 2)
    throw UsageError("--set: give one or two keys, each KEY=V1,V2,… (e.g. --set demand.arrivals.expected_dossiers=8000,10000,12000)");
  std::vector<KeyValues> axes;
  std::vector<std::string> unread;  // both --set's problems at once
  for (const std::string& text : options.sets) {
    try {
      axes.push_back(parse_key_values("--set", text));
    } catch (const BadRequest& e) {
      unread.push_back(e.what());
    }
  }
  refuse_all(unread, "problems");
  if (axes.size() == 2 && axes[0].key == axes[1].key) throw UsageError("--set: the two keys are the same, " + axes[0].key);
  std::vector<NamedFile> inputs;
  for (const std::string& source : scenario.source_files) inputs.push_back({"the scenario file", source});
  check_distinct_files({{"--json", options.json}, {"--csv", options.csv}, {"--chart", options.chart}}, inputs);
  for (const std::string& path : {options.json, options.csv, options.chart})
    if (!path.empty()) check_output_argument(path, options.force);

  // Each point is compared with the first on common random numbers, pair by
  // pair: a standard error needs two pairs.
  if (scenario.run.replications < 2)
    throw UsageError(
        "-n: a sweep needs at least 2 replications (each point's difference from the first has a "
        "standard error from 2 pairs)");
  const Simulator simulator(scenario);
  // A point's outputs, and the first point's kept beside them for the changes.
  const double held_bytes = 2.0 * static_cast<double>(scenario.run.replications) *
                            static_cast<double>(analysed_output_names(scenario).size()) * sizeof(double);
  if (held_bytes > 4.0 * (1 << 30))
    throw UsageError(
        "-n " + std::to_string(scenario.run.replications) +
        ": two points' outputs (a point's and the first's, for its change) would take more than the "
        "4 GiB fnesim keeps in memory; fewer replications");
  // The grid, the first key varying slowest. Every point's scenario is built
  // (and validated) before the first replication: a bounded grid.
  constexpr double max_points = 1000;
  const double points = static_cast<double>(axes[0].values.size()) *
                        static_cast<double>(axes.size() > 1 ? axes[1].values.size() : 1);
  if (points > max_points)
    throw UsageError("--set: " + std::to_string(static_cast<long long>(points)) +
                     " points, beyond the 1000 a sweep runs; fewer values");
  std::vector<std::vector<double>> grid;
  for (double a : axes[0].values) {
    if (axes.size() == 1) grid.push_back({a});
    else
      for (double b : axes[1].values) grid.push_back({a, b});
  }
  std::vector<std::string> keys;
  for (const KeyValues& axis : axes) keys.push_back(axis.key);
  std::vector<SettingAsked> grid_settings;
  for (const std::vector<double>& point : grid) grid_settings.push_back({keys, point});
  std::vector<std::string> refused;
  std::vector<KeySetting> settings = build_settings(simulator, grid_settings, refused);
  refuse_all(refused);
  // A value set that looks like a slip of units is said as the scenario's
  // own would be, named by the --set that wrote it (each once).
  std::set<std::string> said;
  for (std::size_t g = 0; g < grid.size(); ++g) {
    if (!settings[g].changed) continue;
    for (const Diagnostic& warning : settings[g].changed->scenario().warnings)
      for (std::size_t k = 0; k < keys.size(); ++k) {
        if (warning.key != keys[k]) continue;
        const std::string set = keys[k] + '=' + (std::ostringstream() << grid[g][k]).str();
        if (said.insert(set).second) std::cerr << "--set " << set << ": " << warning.message << '\n';
      }
  }

  Sweep sweep;
  sweep.scenario_name = scenario.name;
  sweep.seed = scenario.run.seed;
  sweep.replications = scenario.run.replications;
  for (const KeyValues& axis : axes) sweep.keys.push_back(axis.key);
  sweep.statistic_names = tornado_statistic_names(scenario);
  const std::int64_t N = scenario.run.replications;
  const std::int64_t total = N * static_cast<std::int64_t>(grid.size());
  InteractiveJob job(scenario);
  RunControl& control = job.control();
  std::int64_t done_before = 0;
  control.on_progress = [&](std::int64_t done, std::int64_t) { job.progress().update(done_before + done, total); };
  const auto start = std::chrono::steady_clock::now();
  std::vector<double> first_outputs;  // each point's change is paired with the first's replications
  for (std::size_t g = 0; g < grid.size(); ++g) {
    std::vector<double> outputs;
    if (!run_setting(simulator, settings[g], scenario.run.seed, N, control, outputs))
      job.throw_if_interrupted("interrupted after " + std::to_string(g) + " of " + std::to_string(grid.size()) +
                               " points; nothing written");
    done_before += N;
    if (g == 0) first_outputs = outputs;
    sweep.points.push_back(sweep_point(grid[g], outputs, first_outputs, N, simulator.region_count()));
  }
  job.throw_if_interrupted("interrupted; nothing written");
  job.progress().finish();
  sweep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  OutputSet outputs(options.force);
  try {
    if (!options.json.empty()) outputs.add_text(options.json, sweep_json(sweep));
    if (!options.csv.empty()) outputs.add_text(options.csv, sweep_csv(sweep));
    if (!options.chart.empty()) outputs.add_text(options.chart, sweep_svg(sweep));
  } catch (const OutputError& e) {
    throw OutputError(std::string(e.what()) + "; nothing written");
  }
  outputs.commit();
  std::cout << render_sweep(sweep);
  return exit_ok;
}

}  // namespace

void register_sensitivity(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SensitivityOptions>();
  CLI::App* command = app.add_subcommand(
      "sensitivity",
      "Which assumptions drive the forecast: Sobol indices (first order, total effect) of each uncertain "
      "parameter, the profile, uptake, drift and the dossiers' own randomness, and a tornado chart");
  command->add_option("scenario", options->scenario,
                      "Scenario file, or the name of a built-in scenario (default: the built-in convention-2021)");
  options->overrides.add_options(*command,
                                 "Base rows N of the design (default: the scenario's replications); the analysis "
                                 "simulates N × (2 + factors) + 2 N per tornado bar");
  one_value_an_occurrence(command->add_option(
      "--group", options->groups,
      "A named group of factors, NAME=FACTOR,FACTOR,… (repeatable); a factor is a parameter's key "
      "path, profile, uptake, drift or dossiers"));
  one_value_an_occurrence(command->add_option(
      "--range", options->ranges,
      "A tornado bar for any numeric key at LOW and HIGH, KEY=LOW,HIGH (repeatable); for an "
      "uncertain parameter it replaces its 5 % and 95 % quantiles"));
  command->add_flag("--no-tornado", options->no_tornado, "Only the Sobol indices");
  options->actuals.add_options(*command);
  command->add_option("--resamples", options->resamples, "Bootstrap resamples of the indices' intervals")
      ->transform(whole_number_option)
      ->check(CLI::Range(100, 100000));
  command->add_option(
      "-o,--out", options->out,
      "Write the run file of the base rows with the analysis in /sensitivity (docs/hdf5-format.md)");
  command->add_option("--json", options->json, "Write the analysis as JSON to this file");
  command->add_option(
      "--csv", options->csv,
      "Write sobol.csv and tornado.csv in this directory (created if missing, in an existing parent)");
  command->add_flag("--force", options->force, "Overwrite existing output files");
  command->callback([options, &exit_code] { exit_code = sensitivity_command(*options); });
}

}  // namespace fnesim::cli

namespace fnesim::cli {

void register_sweep(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* command = app.add_subcommand(
      "sweep", "The forecast over a grid of values of one or two scenario keys, on common random numbers "
               "(e.g. from what uptake more money is needed)");
  command->add_option("scenario", options->scenario,
                      "Scenario file, or the name of a built-in scenario (default: the built-in convention-2021)");
  options->overrides.add_options(*command, "Replications at each point (default: the scenario's)");
  one_value_an_occurrence(
      command->add_option(
          "--set", options->sets,
          "KEY=V1,V2,…: a numeric key and its values (once or twice; the grid is their product)"))
      ->required();
  command->add_option("--json", options->json, "Write the sweep as JSON to this file");
  options->actuals.add_options(*command);
  command->add_option("--csv", options->csv, "Write the sweep as CSV (point × statistic) to this file");
  command->add_option("--chart", options->chart,
                      "Write an SVG chart of P(additional allocation needed) against the first key");
  command->add_flag("--force", options->force, "Overwrite existing output files");
  command->callback([options, &exit_code] { exit_code = sweep_command(*options); });
}

}  // namespace fnesim::cli
