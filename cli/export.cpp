// `fnesim export`: CSV files and the summary JSON from a run file
// (docs/csv-format.md), for spreadsheets and statistics packages.
#include <iostream>

#include "results/csv_export.hpp"
#include "results/output_file.hpp"
#include "results/run_file.hpp"
#include "results/run_summary.hpp"
#include "cli/commands.hpp"

namespace fnesim::cli {
namespace {

struct ExportOptions {
  std::string file;
  std::string csv_directory;
  std::string summary_json;
  bool force = false;
};

int export_command(const ExportOptions& options) {
  constexpr std::string_view command = "fnesim export";
  if (options.csv_directory.empty() && options.summary_json.empty()) {
    std::cerr << command << ": nothing to do: give --csv DIR and/or --summary-json FILE\n";
    return exit_bad_input;
  }
  try {
    const RunFileReader run(options.file);
    // Every target is checked before anything is written.
    if (!options.summary_json.empty())
      if (const int code = check_output_argument(command, options.summary_json, options.force);
          code != exit_ok)
        return code;
    if (!options.csv_directory.empty()) {
      for (const auto& target : csv_export_targets(run, options.csv_directory)) {
        std::error_code ec;
        if (!options.force && std::filesystem::exists(target, ec)) {
          std::cerr << command << ": " << target.string() << ": exists already (use --force to overwrite)\n";
          return exit_bad_input;
        }
      }
    }
    if (!options.summary_json.empty())
      write_file_atomically(options.summary_json, summary_json(run.summary()));
    if (!options.csv_directory.empty()) {
      const CsvExportReport report = export_csv(run, options.csv_directory, options.force);
      for (const auto& note : report.notes) std::cerr << command << ": " << note << '\n';
    }
  } catch (const RunFileError& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return exit_bad_input;
  } catch (const OutputError& e) {
    std::cerr << command << ": " << e.what() << '\n';
    return exit_failure;
  }
  return exit_ok;
}

}  // namespace

void register_export(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ExportOptions>();
  CLI::App* cmd = app.add_subcommand("export", "Export a run file as CSV files and/or the summary JSON");
  cmd->add_option("file", options->file, "Run file written by `fnesim run --out`")->required();
  cmd->add_option("--csv", options->csv_directory,
                  "Write regions.csv, exhaustion_by_month.csv, monthly_fan.csv, replications.csv and "
                  "national_replications.csv into this directory (created if missing)");
  cmd->add_option("--summary-json", options->summary_json,
                  "Write the summary JSON, the same as `fnesim run --summary-json` wrote");
  cmd->add_flag("--force", options->force, "Overwrite existing output files");
  cmd->callback([options, &exit_code] { exit_code = export_command(*options); });
}

}  // namespace fnesim::cli
