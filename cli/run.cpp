// `fnesim run`: simulate a scenario, print the regional table and, with
// --out, write the run file (results/run_file.hpp).
#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/actuals_report.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"
#include "results/sha256.hpp"
#include "sim/cluster.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim::cli {
namespace {

struct RunOptions {
  std::string scenario;
  RunOverrides overrides;
  std::string summary_json;
  std::string out;  // run file (HDF5)
  bool no_trajectories = false;
  bool force = false;
  std::optional<double> precision;
  std::int64_t min_replications = 1000;
  std::int64_t max_replications = 1'000'000;
  CLI::Option* min_replications_option = nullptr;
  std::string actuals;  // with as_of: start from what was observed before the cut-off
  std::string as_of;
  std::string through;      // with actuals: the day they are complete through, in their last month
  std::string review_date;  // the financial review's snapshot; else the scenario's
};

// A run from actuals: the scenario started at the cut-off, what was learnt,
// and the fingerprint of the actuals file for the run file.
struct ForecastFromActuals {
  ConditionedScenario conditioned;
  std::string sha256;
};

// Conditions `scenario` on actuals read and a cut-off parsed beforehand
// (run_command reads every input first, to say all their problems at once).
ForecastFromActuals start_from_actuals(const Scenario& scenario, const Actuals& actuals, Date cut_off) {
  return ForecastFromActuals{condition_on_actuals(scenario, actuals, cut_off), sha256_hex(actuals.content)};
}

// A legal run can still be one of hours, or a run file of many gigabytes:
// said before it starts, so that the user can stop it at once. With
// --precision the count is only known to be at least --min-replications:
// the note then speaks of that, not of the cap (which every such run would
// otherwise be warned of, however soon it stops).
void note_if_large(const Simulator& simulator, std::int64_t replications, bool at_least, bool run_file,
                   bool trajectories) {
  double dossiers_a_replication = 0;
  for (int region = 0; region < simulator.region_count(); ++region)
    dossiers_a_replication += simulator.expected_arrivals_between(region, 0, simulator.window_days());
  const double dossiers = dossiers_a_replication * static_cast<double>(replications);
  // Per replication: about 30 eight-byte values a region, and two monthly amounts a region and month.
  const double file_bytes =
      run_file ? static_cast<double>(replications) * simulator.region_count() *
                     (30.0 + (trajectories ? 2.0 * simulator.month_count() : 0.0)) * 8
               : 0;
  // About three million dossiers a second on one core (docs/performance.md): 10^10 is most of an hour on two.
  constexpr double many_dossiers = 1e10, large_file = 10e9;
  if (dossiers < many_dossiers && file_bytes < large_file) return;
  char note[320];
  std::snprintf(
      note, sizeof note,
      "fnesim run: note: a large run — %s %.2g dossiers to simulate (%s%lld replications × %.0f)%s; "
      "Ctrl-C stops it and writes nothing\n",
      at_least ? "at least" : "about", dossiers, at_least ? "--min-replications " : "",
      static_cast<long long>(replications), dossiers_a_replication,
      file_bytes >= large_file
          ? (", and a run file of about " + std::to_string(static_cast<long long>(file_bytes / 1e9)) + " GB")
                .c_str()
          : "");
  std::cerr << note;
}

int run_command(const RunOptions& options) {
  // Every input's problems at once: the scenario, each option, the actuals
  // (read when the scenario is, whose regions and rules they are checked
  // against) — not the first alone, then the next on the following try.
  InputProblems problems("fnesim run");
  std::optional<Scenario> loaded;
  problems.check([&] { loaded = load_scenario_or_default(options.scenario); });
  std::optional<Date> review, cut_off;
  if (!options.review_date.empty() && !(review = Date::parse(options.review_date)))
    problems.add("--review-date: expected a date YYYY-MM-DD, found '" + options.review_date + "'");
  if (!options.actuals.empty() && !(cut_off = Date::parse(options.as_of)))
    problems.add("--as-of: expected a date YYYY-MM-DD, found '" + options.as_of + "'");
  if (options.precision && options.overrides.replications)
    problems.add(
        "-n/--replications and --precision: --precision decides the count; bound it with "
        "--min-replications and --max-replications");
  if (options.precision && options.min_replications > options.max_replications)
    problems.add("--max-replications " + std::to_string(options.max_replications) +
                 " is below --min-replications (" + std::to_string(options.min_replications) +
                 (options.min_replications_option->count() == 0 ? ", its default" : "") + ")");
  std::optional<Actuals> actuals;
  if (loaded) {
    const Convention& c = loaded->convention;
    if (review && (*review < c.commitment_start || c.training_end.plus_days(366) < *review))
      problems.add("--review-date " + review->iso() + " is outside the convention, " +
                   c.commitment_start.iso() + " to a year after training_end (" +
                   c.training_end.plus_days(366).iso() + ")");
    if (cut_off)
      if (const std::string outside = cut_off_outside_window(c, *cut_off); !outside.empty())
        problems.add("--as-of " + cut_off->iso() + ": " + outside);
    if (!options.actuals.empty())
      problems.check([&] {
        actuals = read_actuals(options.actuals, *loaded);
        if (!options.through.empty()) set_complete_through(options.through, *actuals);
      });
  }
  problems.throw_if_any();
  Scenario scenario = std::move(*loaded);
  options.overrides.apply_to(scenario.run);
  if (review) scenario.convention.financial_review = *review;
  // Two outputs, and the files read: the scenario and its parents, the actuals.
  std::vector<NamedFile> inputs;
  for (const std::string& source : scenario.source_files) inputs.push_back({"the scenario file", source});
  inputs.push_back({"the actuals", options.actuals});
  check_distinct_files({{"--out", options.out}, {"--summary-json", options.summary_json}}, inputs);
  for (const std::string& path : {options.summary_json, options.out})
    if (!path.empty()) check_output_argument(path, options.force);
  std::optional<ForecastFromActuals> from_actuals;
  if (!options.actuals.empty()) {
    from_actuals = start_from_actuals(scenario, *actuals, *cut_off);
    scenario = from_actuals->conditioned.scenario;
    say_scenario_warnings(scenario);
    std::cout << render_actuals_report(from_actuals->conditioned.report, scenario);
  }

  const Simulator simulator(scenario);
  RunStatistics statistics(simulator);
  std::vector<ReplicationSink*> sinks{&statistics};
  // The run file streams replications as they come (a second sink), so its
  // memory does not grow with the replication count. Created before the run:
  // a path that cannot be written fails now, not after an hour. Its destructor
  // removes the temporary file whatever ends the run early.
  std::unique_ptr<RunFileWriter> run_file;
  if (!options.out.empty() && cluster::writes_outputs()) {
    RunFileOptions file_options;
    file_options.trajectories = !options.no_trajectories;
    file_options.overwrite = options.force;
    if (from_actuals) {
      file_options.actuals = &from_actuals->conditioned.report;
      file_options.actuals_sha256 = from_actuals->sha256;
    }
    run_file = std::make_unique<RunFileWriter>(options.out, simulator, scenario.run.seed, file_options);
    sinks.push_back(run_file.get());
  }
  note_if_large(simulator, options.precision ? options.min_replications : scenario.run.replications,
                options.precision.has_value(), run_file != nullptr, !options.no_trajectories);
  InteractiveJob job(scenario);
  RunControl& control = job.control();

  const auto start = std::chrono::steady_clock::now();
  RunReport report;
  std::int64_t done = 0;
  // The run file's writer fails on a full disk: it has then removed its temporary.
  try {
    if (!options.precision) {
      report = run_replications(simulator, 0, scenario.run.replications, control, sinks);
      done = report.completed;
    } else {
      // Run until precision (QuantLib's McSimulation::value): batches growing by
      // half, each continuing the replication indices, so the result at N
      // replications is the same as a plain run of N.
      std::int64_t batch = options.min_replications;
      control.on_progress = [&](std::int64_t d, std::int64_t) {
        job.progress().update(done + d, options.max_replications);
      };
      for (;;) {
        report = run_replications(simulator, done, batch, control, sinks);
        done += report.completed;
        if (report.interrupted || statistics.precision_reached(*options.precision, nullptr)) break;
        if (done >= options.max_replications) break;
        batch = std::min(options.max_replications - done, std::max<std::int64_t>(done / 2, 1));
      }
    }
  } catch (const OutputError& e) {
    throw OutputError(std::string(e.what()) + "; nothing written");
  }
  job.throw_if_interrupted("interrupted after " + std::to_string(done) + " replications; nothing written");
  job.progress().finish();
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::vector<std::string> not_reached;
  if (options.precision && !statistics.precision_reached(*options.precision, &not_reached)) {
    std::cerr << "fnesim run: precision " << *options.precision << " not reached after the maximum of "
              << done << " replications:\n";
    for (const auto& line : not_reached) std::cerr << "  " << line << '\n';
    if (const auto clusters = statistics.standard_error_clusters())
      std::cerr
          << "the " << done << " replications of this forecast share " << *clusters
          << " prior draws of its assumptions (the particles'): its standard errors cannot fall far below "
             "those of as many independent years, whatever the replications; raise [uncertainty] particles "
             "(now "
          << scenario.uncertainty.particles << ") as well\n";
    std::cerr << "raise --max-replications or loosen --precision; nothing written\n";
    return exit_failure;
  }

  RunSummary summary = summarise(simulator, statistics, scenario.run.seed);
  if (from_actuals)
    summary.forecast_from = ForecastOrigin{from_actuals->conditioned.report.file, from_actuals->sha256,
                                           from_actuals->conditioned.report.as_of};
  const RunTiming timing{seconds, report.threads_used, cluster::ranks()};
  // The files first, the table last: a table on the screen says the run's
  // files are in place (a signal or a closed pipe while it prints ends
  // nothing half-done).
  OutputSet outputs(options.force);
  try {
    if (run_file) run_file->finish_into(outputs, summary, timing);
    if (!options.summary_json.empty()) outputs.add_text(options.summary_json, summary_json(summary));
  } catch (const OutputError& e) {
    throw OutputError(std::string(e.what()) + "; nothing written");
  }
  outputs.commit();
  std::cout << render_summary_table(summary, timing);
  return exit_ok;
}

}  // namespace

void register_run(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<RunOptions>();
  CLI::App* run =
      app.add_subcommand("run",
                         "Simulate a scenario: when each regional envelope runs out, how much demand "
                         "goes unmet, whether additional money is needed");
  run->add_option(
      "scenario", options->scenario,
      "Scenario file, or the name of a built-in scenario (default: the built-in convention-2021)");
  options->overrides.add_options(*run, "Number of replications (default: the scenario's)");
  run->add_option("--summary-json", options->summary_json, "Write the summary as JSON to this file");
  CLI::Option* out = run->add_option(
      "-o,--out", options->out,
      "Write the run file (HDF5: inputs, every replication, trajectories, summary; docs/hdf5-format.md)");
  run->add_flag("--no-trajectories", options->no_trajectories,
                "With --out: leave out the monthly trajectories (replication × region × month), the bulk of "
                "the file")
      ->needs(out);
  run->add_flag("--force", options->force, "Overwrite existing output files");
  CLI::Option* precision =
      run->add_option(
             "--precision", options->precision,
             "Run until every P(exhausted) has a standard error under TARGET and every expected amount one "
             "under TARGET × the amount available (a region's envelope less fees; the nation's for the "
             "additional allocation) (e.g. 0.005)")
          ->check(finite_number)
          ->check(CLI::Range(1e-6, 0.5));
  options->min_replications_option = run->add_option("--min-replications", options->min_replications,
                                                     "With --precision: replications before the first check")
                                         ->transform(whole_number_option)
                                         ->check(CLI::Range(std::int64_t{2}, std::int64_t{1'000'000'000}))
                                         ->needs(precision);
  run->add_option("--max-replications", options->max_replications, "With --precision: fail beyond this count")
      ->transform(whole_number_option)
      ->check(CLI::Range(std::int64_t{2}, std::int64_t{1'000'000'000}))
      ->needs(precision);
  CLI::Option* actuals = run->add_option(
      "--actuals", options->actuals,
      "Start from what was observed: a CSV of dossiers or monthly aggregates (docs/actuals-format.md)");
  CLI::Option* as_of = run->add_option("--as-of", options->as_of,
                                       "With --actuals: the cut-off YYYY-MM-DD, the first day simulated; "
                                       "what was filed before it is taken from the actuals");
  actuals->needs(as_of);
  as_of->needs(actuals);
  run->add_option("--through", options->through,
                  "With --actuals: the day they are complete through, in their last month, whose figures are "
                  "then month to date (default: that month's end); a cut-off after that month's first day "
                  "must then be the next day")
      ->needs(actuals);
  run->add_option("--review-date", options->review_date,
                  "The financial review's snapshot (art. 7), YYYY-MM-DD: what will have been committed, realised "
                  "and paid by the end of that day (default: the scenario's financial_review)");
  run->callback([options, &exit_code] { exit_code = run_command(*options); });
}

}  // namespace fnesim::cli
