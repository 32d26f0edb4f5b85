// `fnesim export`: CSV files and the summary JSON from a run file
// (docs/csv-format.md), for spreadsheets and statistics packages.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "results/csv_export.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"

namespace fnesim::cli {
namespace {

struct ExportOptions {
  std::string file;
  std::string csv_directory;
  std::string summary_json;
  bool force = false;
};

int export_command(const ExportOptions& options) {
  if (options.csv_directory.empty() && options.summary_json.empty())
    throw UsageError("nothing to do: give --csv DIR and/or --summary-json FILE");
  if (!options.csv_directory.empty()) check_csv_directory_argument("--csv", options.csv_directory);
  const RunFileReader run(options.file);
  // Every target is checked before anything is written: distinct from each
  // other and from the run file, and each a regular file or absent.
  std::vector<NamedFile> outputs{{"--summary-json", options.summary_json}};
  if (!options.csv_directory.empty())
    for (const auto& target : csv_export_targets(run, options.csv_directory))
      outputs.push_back({"--csv's " + target.filename().string(), target});
  check_distinct_files(outputs, {{"the run file", options.file}});
  // The JSON's directory first (without it nothing can be written), then
  // every existing target named at once.
  if (!options.summary_json.empty()) check_output_directory(options.summary_json);
  std::vector<std::filesystem::path> targets;
  for (const NamedFile& output : outputs)
    if (!output.path.empty()) targets.push_back(output.path);
  check_output_targets(targets, options.force);
  // Every file whole before any is put in place: a failure leaves none.
  OutputSet files(options.force);
  CsvExportReport report;
  try {
    if (!options.summary_json.empty()) files.add_text(options.summary_json, summary_json(run.summary()));
    if (!options.csv_directory.empty()) report = export_csv(run, options.csv_directory, files);
  } catch (const OutputError& e) {
    throw OutputError(std::string(e.what()) + "; nothing written");
  }
  files.commit();
  for (const auto& note : remove_stale_csv_files(report)) report.notes.push_back(note);
  for (const auto& note : report.notes) std::cerr << "fnesim export: " << note << '\n';
  return exit_ok;
}

}  // namespace

void register_export(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Export a run file as CSV files and/or the summary JSON");
  cmd->add_option("file", options->file, "Run file written by `fnesim run --out`")->required();
  cmd->add_option(
      "--csv", options->csv_directory,
      "Write regions.csv, exhaustion_by_month.csv, monthly_fan.csv, replications.csv, "
      "national_replications.csv, settlement.csv and, for a scenario with [financing], cash.csv, for a "
      "forecast from national totals, national_past.csv, into this directory (created if missing, in an "
      "existing parent)");
  cmd->add_option("--summary-json", options->summary_json,
                  "Write the summary JSON, the same as `fnesim run --summary-json` wrote");
  cmd->add_flag("--force", options->force, "Overwrite existing output files");
  cmd->callback([options, &exit_code] { exit_code = export_command(*options); });
}

}  // namespace fnesim::cli
