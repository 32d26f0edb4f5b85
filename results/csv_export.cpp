#include "results/csv_export.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <memory>

#include "results/output_file.hpp"
#include "results/run_file_layout.hpp"

namespace fnesim {

namespace fs = std::filesystem;
namespace layout = run_layout;

namespace {

// A text file written beside its target (a TemporaryFile), handed once
// closed to the command's OutputSet; removed if never handed over, so a failed
// export leaves no truncated file.
class AtomicTextFile {
 public:
  explicit AtomicTextFile(const fs::path& target) : temporary_(std::make_unique<TemporaryFile>(target)) {
    file_ = std::fopen(temporary_->path().c_str(), "wb");
    if (!file_)
      throw OutputError(target.string() + ": cannot create " + temporary_->path().string() + ": " +
                        std::strerror(errno));
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  ~AtomicTextFile() {
    if (file_) std::fclose(file_);
  }
  AtomicTextFile(const AtomicTextFile&) = delete;
  AtomicTextFile& operator=(const AtomicTextFile&) = delete;

  void write(std::string_view text) {
    if (std::fwrite(text.data(), 1, text.size(), file_) != text.size()) fail_write();
  }
  // Flushes and closes the temporary; the rename comes later, once every file is complete.
  void close() {
    const bool flushed = std::fflush(file_) == 0 && !std::ferror(file_);
    const int saved = errno;
    const bool closed = std::fclose(file_) == 0;
    file_ = nullptr;
    if (!flushed || !closed) {
      errno = flushed ? errno : saved;
      fail_write();
    }
  }
  std::unique_ptr<TemporaryFile> release() { return std::move(temporary_); }
  const fs::path& target() const { return temporary_->target(); }

 private:
  [[noreturn]] void fail_write() {
    throw OutputError(target().string() + ": write failed: " + std::strerror(errno));
  }
  std::unique_ptr<TemporaryFile> temporary_;
  std::FILE* file_ = nullptr;
};

// One CSV line, built cell by cell.
class CsvRow {
 public:
  CsvRow& text(std::string_view value) {
    separate();
    if (value.find_first_of(",\"\n\r") == std::string_view::npos) {
      line_ += value;
    } else {
      line_ += '"';
      for (char c : value) {
        if (c == '"') line_ += '"';
        line_ += c;
      }
      line_ += '"';
    }
    return *this;
  }
  CsvRow& integer(std::int64_t value) {
    separate();
    char buffer[24];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;
    line_.append(buffer, end);
    return *this;
  }
  // Shortest text that reads back as the same double; an empty cell for NaN
  // (a value that does not exist: no standard error from one replication).
  CsvRow& real(double value) {
    separate();
    if (std::isnan(value)) return *this;
    char buffer[32];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
    (void)ec;
    line_.append(buffer, end);
    return *this;
  }
  CsvRow& euros(std::int64_t cents) {
    separate();
    line_ += csv_euros(cents);
    return *this;
  }
  CsvRow& day(std::int32_t day_or_never) {
    if (day_or_never == never_exhausted) return empty();
    return integer(day_or_never);
  }
  CsvRow& empty() {
    separate();
    return *this;
  }
  std::string finish() {
    line_ += '\n';
    std::string out;
    out.swap(line_);
    first_ = true;
    return out;
  }

 private:
  void separate() {
    if (!first_) line_ += ',';
    first_ = false;
  }
  std::string line_;
  bool first_ = true;
};

// "exhaustion_day_q05", "unmet_q05_eur". Appended step by step: GCC 12
// warns falsely (-Wrestrict) on chains of std::string +.
std::string percentile_column(std::string_view base, int percent, std::string_view suffix = {}) {
  char digits[8];
  std::snprintf(digits, sizeof digits, "_q%02d", percent);
  std::string name(base);
  name += digits;
  name += suffix;
  return name;
}

// ---- regions.csv ------------------------------------------------------------------

struct EstimateColumn {
  std::string_view base, units;
  const MeanEstimate RegionSummary::*region = nullptr;
  const MeanEstimate NationalSummary::*national = nullptr;
};

std::vector<EstimateColumn> estimate_columns() {
  std::vector<EstimateColumn> columns;
  for (const auto& e : layout::region_estimates) columns.push_back({e.base, e.units, e.member, nullptr});
  for (const auto& e : layout::national_estimates) {
    auto same = std::find_if(columns.begin(), columns.end(),
                             [&](const EstimateColumn& c) { return c.base == e.base; });
    if (same != columns.end())
      same->national = e.member;
    else
      columns.push_back({e.base, e.units, nullptr, e.member});
  }
  return columns;
}

void add_estimate(CsvRow& row, const MeanEstimate* estimate) {
  if (!estimate) {
    for (int k = 0; k < 4; ++k) row.empty();
    return;
  }
  row.real(estimate->mean)
      .real(estimate->standard_error)
      .real(estimate->confidence.low)
      .real(estimate->confidence.high);
}

void write_regions_csv(AtomicTextFile& out, const RunSummary& s, const std::vector<std::int64_t>& fees) {
  const std::vector<EstimateColumn> columns = estimate_columns();
  CsvRow row;
  row.text("code").text("name").text("envelope_eur").text("available_eur").text("fees_eur");
  for (const EstimateColumn& c : columns)
    for (std::string_view statistic : layout::estimate_statistics)
      row.text(layout::estimate_name(c.base, statistic, c.units));
  for (int p : reported_percentiles) row.text(percentile_column("exhaustion_day", p));
  for (int p : amount_percentiles) row.text(percentile_column("unmet", p, "_eur"));
  for (int p : amount_percentiles) row.text(percentile_column("additional_needed", p, "_eur"));
  for (int p : reported_percentiles) row.text(percentile_column("additional_needed_day", p));
  out.write(row.finish());

  for (std::size_t r = 0; r < s.regions.size(); ++r) {
    const RegionSummary& region = s.regions[r];
    row.text(region.code).text(region.name).euros(region.envelope).euros(region.available).euros(fees[r]);
    for (const EstimateColumn& c : columns) add_estimate(row, c.region ? &(region.*c.region) : nullptr);
    for (int p : reported_percentiles) row.day(region.exhaustion_day.at(p).value_or(never_exhausted));
    for (int p : amount_percentiles) row.euros(region.unmet_quantile.at(p));
    for (std::size_t k = 0; k < std::size(amount_percentiles) + std::size(reported_percentiles); ++k)
      row.empty();
    out.write(row.finish());
  }
  const NationalSummary& n = s.national;
  row.text("national").text("National").euros(n.envelope).euros(n.available).euros(n.fees);
  for (const EstimateColumn& c : columns) add_estimate(row, c.national ? &(n.*c.national) : nullptr);
  for (std::size_t k = 0; k < std::size(reported_percentiles) + std::size(amount_percentiles); ++k)
    row.empty();
  for (int p : amount_percentiles) row.euros(n.additional_needed_quantile.at(p));
  for (int p : reported_percentiles) row.day(n.additional_needed_day.at(p).value_or(never_exhausted));
  out.write(row.finish());
}

// ---- settlement.csv ---------------------------------------------------------------------

// Art. 7's end of the convention, long format: one row per region (then
// national) and quantity; the last payment day's quantiles in the columns of
// the same percentiles, as days since the commitment start.
void write_settlement_csv(AtomicTextFile& out, const RunSummary& s) {
  const SettlementSummary& st = *s.settlement;
  CsvRow row;
  row.text("region").text("quantity").text("unit");
  for (std::string_view statistic : layout::estimate_statistics) row.text(statistic);
  for (int p : amount_percentiles) row.text(percentile_column("", p).substr(1));
  out.write(row.finish());
  auto write_part = [&](std::string_view code, const SettlementPart& part) {
    for (std::size_t q = 0; q < settlement_quantity_count; ++q) {
      const bool trainees = q == static_cast<std::size_t>(SettlementQuantity::ReviewTrainees);
      const AmountDistribution& d = part.quantities[q];
      row.text(code).text(settlement_quantity_names[q]).text(trainees ? "trainees" : "EUR");
      add_estimate(row, &d.mean);
      for (int p : amount_percentiles) {
        if (trainees)
          row.integer(d.quantile.at(p));
        else
          row.euros(d.quantile.at(p));
      }
      out.write(row.finish());
    }
    row.text(code).text("last_payment_day").text("days since commitment start");
    for (int k = 0; k < 4; ++k) row.empty();
    for (int p : amount_percentiles) {
      if (part.last_payment_day.contains(p))
        row.day(part.last_payment_day.at(p).value_or(never_exhausted));
      else
        row.empty();
    }
    out.write(row.finish());
  };
  for (std::size_t r = 0; r < st.regions.size(); ++r) write_part(s.regions[r].code, st.regions[r]);
  write_part("national", st.national);
}

// ---- national_past.csv ---------------------------------------------------------------

// A forecast from national totals: each region's part of the national months'
// commitments over the replications, then the national row — the months'
// figure, which every replication's regions add up to: its own mean and every
// quantile, with no spread.
void write_national_past_csv(AtomicTextFile& out, const RunSummary& s) {
  const NationalPastSummary& past = *s.national_past;
  CsvRow row;
  row.text("code").text("name");
  for (std::string_view statistic : layout::estimate_statistics)
    row.text(layout::estimate_name("committed", statistic, layout::eur));
  for (int p : amount_percentiles) row.text(percentile_column("committed", p, "_eur"));
  out.write(row.finish());
  for (std::size_t r = 0; r < past.regions.size(); ++r) {
    row.text(s.regions[r].code).text(s.regions[r].name);
    add_estimate(row, &past.regions[r].mean);
    for (int p : amount_percentiles) row.euros(past.regions[r].quantile.at(p));
    out.write(row.finish());
  }
  const double national_eur = static_cast<double>(past.committed) / cents_per_euro;
  const MeanEstimate national{national_eur, 0, {national_eur, national_eur}};
  row.text("national").text("National");
  add_estimate(row, &national);
  for (std::size_t k = 0; k < std::size(amount_percentiles); ++k) row.euros(past.committed);
  out.write(row.finish());
}

// ---- exhaustion_by_month.csv ---------------------------------------------------------

void write_exhaustion_by_month_csv(AtomicTextFile& out, const RunSummary& s,
                                   const std::vector<std::string>& months) {
  CsvRow row;
  out.write(row.text("region").text("month").text("p_exhausted_by_month_end").finish());
  for (const RegionSummary& region : s.regions)
    for (std::size_t m = 0; m < months.size(); ++m)
      out.write(row.text(region.code).text(months[m]).real(region.p_exhausted_by_month_end[m]).finish());
}

// ---- monthly_fan.csv ------------------------------------------------------------------

struct FanStatistics {
  double mean_eur = 0;
  std::vector<std::int64_t> quantiles_cents;  // at reported_percentiles
};

FanStatistics fan_statistics(std::vector<std::int64_t>& values) {
  FanStatistics out;
  // Exact whatever the run's length: cents over replications may pass 2^63, never 2^127.
  __int128 sum = 0;
  for (std::int64_t v : values) sum += v;
  out.mean_eur = static_cast<double>(sum) / static_cast<double>(values.size()) / cents_per_euro;
  std::sort(values.begin(), values.end());
  for (int p : reported_percentiles)
    out.quantiles_cents.push_back(quantile_inverted_cdf<std::int64_t>(values, p));
  return out;
}

void write_monthly_fan_csv(AtomicTextFile& out, const RunFileReader& run, std::size_t memory_budget_bytes) {
  const RunFileInfo& info = run.info();
  const auto N = static_cast<std::size_t>(info.replications);
  const std::size_t R = info.region_codes.size(), M = info.months.size();
  if (N == 0) throw RunFileError(run.path().string() + ": the run has no replications");

  // fan[(series × (R + 1) + region) × M + month], series 0: cumulative commitments, 1: monthly payments;
  // region R is national.
  const std::size_t series_regions = R + 1;
  std::vector<FanStatistics> fan(2 * series_regions * M);
  std::vector<std::int64_t> cumulative(N * (R + 1), 0);  // running sums, replication-major
  const std::size_t batch = trajectory_months_per_read(info, memory_budget_bytes);
  std::vector<std::int64_t> values(N);
  std::vector<std::int64_t> national_payments(N);
  for (std::size_t m0 = 0; m0 < M; m0 += batch) {
    const std::size_t count = std::min(batch, M - m0);
    const MonthlyTrajectories block = run.trajectories(m0, count);
    const std::vector<std::int64_t>& c = block.commitments;
    const std::vector<std::int64_t>& p = block.payments;
    auto at = [&](std::size_t i, std::size_t r, std::size_t k) { return (i * R + r) * count + k; };
    for (std::size_t k = 0; k < count; ++k) {
      const std::size_t m = m0 + k;
      std::fill(national_payments.begin(), national_payments.end(), 0);
      for (std::size_t r = 0; r <= R; ++r) {
        for (std::size_t i = 0; i < N; ++i) {
          std::int64_t& running = cumulative[i * (R + 1) + r];
          if (r < R) {
            running += c[at(i, r, k)];
            cumulative[i * (R + 1) + R] += c[at(i, r, k)];
          }
          values[i] = running;
        }
        fan[(0 * series_regions + r) * M + m] = fan_statistics(values);
        for (std::size_t i = 0; i < N; ++i) {
          if (r < R) {
            values[i] = p[at(i, r, k)];
            national_payments[i] += p[at(i, r, k)];
          } else {
            values[i] = national_payments[i];
          }
        }
        fan[(1 * series_regions + r) * M + m] = fan_statistics(values);
      }
    }
  }

  CsvRow row;
  row.text("region").text("month").text("measure").text("mean_eur");
  for (int p : reported_percentiles) {
    char name[16];
    std::snprintf(name, sizeof name, "q%02d_eur", p);
    row.text(name);
  }
  out.write(row.finish());
  static constexpr std::string_view measures[] = {"cumulative_commitments", "monthly_payments"};
  for (std::size_t r = 0; r < series_regions; ++r) {
    const std::string& code = r < R ? info.region_codes[r] : std::string("national");
    for (std::size_t series = 0; series < 2; ++series) {
      for (std::size_t m = 0; m < M; ++m) {
        const FanStatistics& f = fan[(series * series_regions + r) * M + m];
        row.text(code).text(info.months[m]).text(measures[series]).real(f.mean_eur);
        for (std::int64_t q : f.quantiles_cents) row.euros(q);
        out.write(row.finish());
      }
    }
  }
}

// ---- cash.csv ---------------------------------------------------------------------------

// [financing]: OPCO 2i's cash for the fund, series × month, as monthly_fan.csv
// lays out its measures.
void write_cash_csv(AtomicTextFile& out, const RunSummary& s) {
  const CashSummary& c = *s.cash;
  CsvRow row;
  row.text("month").text("series").text("mean_eur");
  for (int p : reported_percentiles) row.text(percentile_column("", p, "_eur").substr(1));
  out.write(row.finish());
  for (std::size_t series = 0; series < cash_series_count; ++series) {
    for (std::size_t m = 0; m < c.months.size(); ++m) {
      row.text(c.months[m].year_month()).text(cash_series_names[series]).real(c.mean_eur[series][m]);
      for (int p : reported_percentiles) row.euros(c.quantile[series].at(p)[m]);
      out.write(row.finish());
    }
  }
}

// ---- replications.csv and national_replications.csv ----------------------------------------

void write_replications_csv(AtomicTextFile& out, const RunFileReader& run) {
  const RunFileInfo& info = run.info();
  const std::int64_t N = info.replications;
  const std::size_t R = info.region_codes.size();

  // The fields the file's format has: an older run file exports what it holds.
  std::vector<const layout::RegionField*> fields;
  for (const layout::RegionField& field : layout::region_fields)
    if (field.since_minor <= info.format_minor) fields.push_back(&field);
  CsvRow row;
  row.text("replication").text("region").text("exhaustion_day");
  for (const layout::RegionField* field : fields) row.text(field->name);
  out.write(row.finish());
  std::vector<std::vector<std::int64_t>> columns(fields.size());
  for (std::int64_t first = 0; first < N; first += replication_block) {
    const ReplicationRange block{first, std::min(replication_block, N - first)};
    const std::vector<std::int32_t> days = run.exhaustion_days(block);
    for (std::size_t f = 0; f < columns.size(); ++f) columns[f] = run.region_values(*fields[f], block);
    std::string text;
    for (std::int64_t i = 0; i < *block.count; ++i) {
      for (std::size_t r = 0; r < R; ++r) {
        const auto at = static_cast<std::size_t>(i) * R + r;
        row.integer(first + i).text(info.region_codes[r]).day(days[at]);
        for (const auto& column : columns) row.integer(column[at]);
        text += row.finish();
      }
    }
    out.write(text);
  }
}

void write_national_replications_csv(AtomicTextFile& out, const RunFileReader& run) {
  const std::int64_t N = run.info().replications;

  std::vector<const layout::NationalField*> fields;
  for (const layout::NationalField& field : layout::national_fields)
    if (field.since_minor <= run.info().format_minor) fields.push_back(&field);
  CsvRow row;
  row.text("replication");
  for (const layout::NationalField* field : fields) row.text(field->name);
  row.text("additional_needed_day");
  out.write(row.finish());
  std::vector<std::vector<std::int64_t>> columns(fields.size());
  for (std::int64_t first = 0; first < N; first += replication_block) {
    const ReplicationRange block{first, std::min(replication_block, N - first)};
    for (std::size_t f = 0; f < columns.size(); ++f) columns[f] = run.national_values(*fields[f], block);
    const std::vector<std::int32_t> days = run.additional_needed_days(block);
    std::string text;
    for (std::int64_t i = 0; i < *block.count; ++i) {
      const auto at = static_cast<std::size_t>(i);
      row.integer(first + i);
      for (const auto& column : columns) row.integer(column[at]);
      row.day(days[at]);
      text += row.finish();
    }
    out.write(text);
  }
}

}  // namespace

std::string csv_euros(std::int64_t cents) {
  const bool negative = cents < 0;
  // Through unsigned arithmetic so that the most negative value is safe too.
  const std::uint64_t magnitude =
      negative ? 0 - static_cast<std::uint64_t>(cents) : static_cast<std::uint64_t>(cents);
  std::string out = negative ? "-" : "";
  out += std::to_string(magnitude / 100);
  out += '.';
  const auto fraction = static_cast<unsigned>(magnitude % 100);
  out += static_cast<char>('0' + fraction / 10);
  out += static_cast<char>('0' + fraction % 10);
  return out;
}

std::vector<fs::path> csv_export_targets(const RunFileReader& run, const fs::path& directory) {
  std::vector<fs::path> targets{directory / csv_regions, directory / csv_exhaustion_by_month};
  if (run.info().has_trajectories) targets.push_back(directory / csv_monthly_fan);
  targets.push_back(directory / csv_replications);
  targets.push_back(directory / csv_national_replications);
  if (run.info().format_minor >= 3) targets.push_back(directory / csv_settlement);
  if (run.info().has_financing) targets.push_back(directory / csv_cash);
  if (run.info().has_national_past && run.info().format_minor >= 12)
    targets.push_back(directory / csv_national_past);
  return targets;
}

CsvExportReport export_csv(const RunFileReader& run, const fs::path& directory, OutputSet& outputs,
                           std::size_t fan_memory_budget_bytes) {
  CsvExportReport report;
  check_output_directory_to_make(directory);
  const std::vector<fs::path> targets = csv_export_targets(run, directory);
  std::error_code ec;
  if (fs::is_directory(directory, ec))
    for (const fs::path& target : targets) check_output_path(target, outputs.overwrite());

  // Read everything the small files need before creating any file, so that
  // an unreadable run file leaves nothing behind.
  const RunSummary summary = run.summary();
  const std::vector<std::int64_t> fees = run.region_fees();

  // Over another run's export (some of this run's tables are there already,
  // which only --force replaces), that export's tables this run does not
  // write (its cash.csv, or a fan from a run with trajectories) would be read
  // as this run's. A file of such a name in a directory holding no export is
  // not one, and is left alone.
  const bool over_an_export = std::any_of(targets.begin(), targets.end(), [&](const fs::path& target) {
    return fs::is_regular_file(fs::symlink_status(target, ec));
  });
  if (over_an_export)
    for (const std::string_view name : csv_export_names) {
      const fs::path file = directory / name;
      if (std::find(targets.begin(), targets.end(), file) != targets.end()) continue;
      if (fs::is_regular_file(fs::symlink_status(file, ec))) report.stale.push_back(file);
    }

  outputs.make_directory(directory);
  for (const fs::path& target : targets) {
    AtomicTextFile out(target);
    const std::string name = target.filename().string();
    if (name == csv_regions)
      write_regions_csv(out, summary, fees);
    else if (name == csv_exhaustion_by_month)
      write_exhaustion_by_month_csv(out, summary, run.info().months);
    else if (name == csv_monthly_fan)
      write_monthly_fan_csv(out, run, fan_memory_budget_bytes);
    else if (name == csv_replications)
      write_replications_csv(out, run);
    else if (name == csv_national_replications)
      write_national_replications_csv(out, run);
    else if (name == csv_settlement)
      write_settlement_csv(out, summary);
    else if (name == csv_cash)
      write_cash_csv(out, summary);
    else if (name == csv_national_past)
      write_national_past_csv(out, summary);
    out.close();
    outputs.add(out.release());
    report.written.push_back(target);
  }
  if (!run.info().has_trajectories) {
    std::string note(csv_monthly_fan);
    note += " not written: the run was made with --no-trajectories";
    report.notes.push_back(note);
  }
  return report;
}

std::vector<std::string> remove_stale_csv_files(const CsvExportReport& report) {
  std::vector<std::string> notes;
  for (const fs::path& file : report.stale) {
    std::error_code ec;
    fs::remove(file, ec);
    notes.push_back(ec ? file.string() +
                             ": left by an earlier export and not written by this one, but could not "
                             "be removed (" +
                             ec.message() + "): it is not this run's"
                       : "removed " + file.string() +
                             ": left by an earlier export, this run has no such table");
  }
  return notes;
}

}  // namespace fnesim
