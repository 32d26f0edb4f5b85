#pragma once
// CSV exports of a run file, for spreadsheets and statistics packages
// (columns: docs/csv-format.md): header row, UTF-8, comma-separated, dot
// decimals, one value per cell, an empty cell where a value does not exist.
#include <array>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "results/run_file.hpp"

namespace fnesim {

inline constexpr std::string_view csv_regions = "regions.csv";  // per-region summary, plus a national row
inline constexpr std::string_view csv_monthly_fan = "monthly_fan.csv";  // needs /trajectories
inline constexpr std::string_view csv_exhaustion_by_month = "exhaustion_by_month.csv";
inline constexpr std::string_view csv_replications = "replications.csv";  // replication × region
inline constexpr std::string_view csv_national_replications = "national_replications.csv";
inline constexpr std::string_view csv_settlement = "settlement.csv";  // art. 7; run files from format 1.3
inline constexpr std::string_view csv_cash = "cash.csv";  // [financing]; run files from format 1.4
// A forecast from national totals; run files from format 1.12.
inline constexpr std::string_view csv_national_past = "national_past.csv";
inline constexpr std::array<std::string_view, 8> csv_export_names = {
    csv_regions,      csv_exhaustion_by_month,   csv_monthly_fan,
    csv_replications, csv_national_replications, csv_settlement,
    csv_cash,         csv_national_past};

struct CsvExportReport;

// The files export_csv would write for this run, in `directory`.
std::vector<std::filesystem::path> csv_export_targets(const RunFileReader& run,
                                                      const std::filesystem::path& directory);
// Removes an earlier export's files that this one did not replace, once the
// new files are in place; returns a note for each (removed, or why not).
std::vector<std::string> remove_stale_csv_files(const CsvExportReport& report);

struct CsvExportReport {
  std::vector<std::filesystem::path> written;  // once the set is committed
  std::vector<std::string> notes;  // e.g. why monthly_fan.csv was not written
  // Files of an earlier export in `directory` that this run has no table for
  // (cash.csv beside a run without [financing]): left, they would be read as
  // this run's. The caller removes them once the set is committed
  // (remove_stale_csv_files). Found only over an export, which only an
  // overwriting set replaces.
  std::vector<std::filesystem::path> stale;
};

// Writes the CSV files into `directory` (made if missing; its parent must
// exist) as temporaries of `outputs`, renamed into place with the command's
// other outputs by outputs.commit(). Refuses, before writing anything, to
// replace an existing file unless the set overwrites. Throws RunFileError for
// an unreadable run file, OutputError for output problems. The monthly fan
// needs every replication of a month for exact quantiles: it reads the
// trajectories in batches of months that fit `fan_memory_budget_bytes`.
inline constexpr std::size_t default_fan_memory_budget_bytes = trajectory_read_budget_bytes;
CsvExportReport export_csv(const RunFileReader& run, const std::filesystem::path& directory,
                           OutputSet& outputs,
                           std::size_t fan_memory_budget_bytes = default_fan_memory_budget_bytes);

// Exact decimal euros from cents: 123456 → "1234.56", -5 → "-0.05".
std::string csv_euros(std::int64_t cents);

}  // namespace fnesim
