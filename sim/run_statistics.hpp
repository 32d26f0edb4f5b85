#pragma once
// Everything the summary reports, accumulated replication by replication in
// index order (so the floating-point sums are the same for any thread count).
#include <array>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/runner.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

// Exact empirical distribution of a day count over a window: a histogram, so
// its quantiles are exact and its memory does not grow with replications.
class DayHistogram {
 public:
  explicit DayHistogram(int window_days = 0) : counts_(static_cast<std::size_t>(window_days) + 1, 0) {}
  void add(std::int32_t day_or_never);  // never_exhausted counts beyond the window
  std::int64_t total() const { return total_; }
  std::int64_t at_or_before(std::int32_t day) const;
  // Inverted-CDF quantile; nullopt when it lies beyond the window.
  std::optional<std::int32_t> quantile(int percent) const;

 private:
  std::vector<std::int64_t> counts_;  // last bin: never
  std::int64_t total_ = 0;
};

// The per-replication values of one amount, kept on disk (an anonymous
// temporary file) rather than in memory, so that exact quantiles cost a run no
// memory that grows with its replication count: one series is read back, at
// the end, only while its quantiles are computed.
class SpilledSeries {
 public:
  SpilledSeries();
  ~SpilledSeries();
  SpilledSeries(SpilledSeries&& other) noexcept;
  SpilledSeries& operator=(SpilledSeries&& other) noexcept;
  SpilledSeries(const SpilledSeries&) = delete;
  SpilledSeries& operator=(const SpilledSeries&) = delete;

  void append(Cents value);
  std::int64_t size() const { return count_; }
  std::vector<Cents> load() const;  // in append order
  // Every `stride`-th value from `offset` on: one column of values appended
  // row by row, read back without holding the others.
  std::vector<Cents> load_column(std::size_t stride, std::size_t offset) const;
  // Columns first … first + count − 1 of the same, in one pass over the file.
  std::vector<std::vector<Cents>> load_columns(std::size_t stride, std::size_t first, std::size_t count) const;

 private:
  std::FILE* file_ = nullptr;
  std::int64_t count_ = 0;
};

// Art. 7's end of the convention, per region or nationally: the settlement
// (the last payment, what was paid, what goes back to the State, what lapsed,
// what was refused for running past the deadline) and the financial review's
// snapshot. Quantities in this order, amounts in cents.
enum class SettlementQuantity {
  Paid,
  Unspent,  // available (after steering; nationally with the unused reserve) less paid
  Lapsed,   // released after the commitment deadline
  RefusedPastDeadline,
  ReviewCommitted,
  ReviewRealised,
  ReviewPaid,
  ReviewTrainees,  // a count
};
inline constexpr std::size_t settlement_quantity_count = 8;
// Their names in the summary JSON, the run file and the CSV export.
inline constexpr std::array<std::string_view, settlement_quantity_count> settlement_quantity_names = {
    "paid", "unspent", "lapsed", "refused_past_deadline",
    "review_committed", "review_realised", "review_paid", "review_trainees"};
using SettlementValues = std::array<std::int64_t, settlement_quantity_count>;

struct SettlementStatistics {
  explicit SettlementStatistics(int horizon_days = 0) : last_payment_day(horizon_days) {}
  // cluster: as Moments::add's (< 0: none).
  void add(const SettlementValues& values, std::int64_t last_payment_day, int cluster);
  std::array<Moments, settlement_quantity_count> moments;
  SpilledSeries values;  // per replication, the quantities in order: exact quantiles, flat memory
  DayHistogram last_payment_day;  // over the horizon; never_paid beyond it
};

// [financing]: OPCO 2i's cash for the fund per cash month (Plan::cash_month_count),
// three series at the month's end, in this order.
enum class CashSeries {
  Disbursed,  // cumulative disbursements by the State
  Paid,       // cumulative payments to companies
  Position,   // disbursed − paid; negative: OPCO 2i pre-finances
};
inline constexpr std::size_t cash_series_count = 3;
// Their names in the summary JSON, the run file and the CSV export.
inline constexpr std::array<std::string_view, cash_series_count> cash_series_names = {
    "cumulative_disbursed", "cumulative_paid", "position"};

struct CashStatistics {
  explicit CashStatistics(int months = 0)
      : months(months), moments(cash_series_count * static_cast<std::size_t>(months)), minimum_month(months) {}
  void add(const ReplicationOutcome& outcome, int cluster);  // cluster: as Moments::add's
  int months;
  std::vector<Moments> moments;  // [series × months + month]
  SpilledSeries values;          // per replication, the series' months in that order: exact fans, flat memory
  Moments minimum;               // the lowest month-end position
  Moments pre_financing;         // 0/1: whether it is below 0 at some month's end
  SpilledSeries minimum_values;
  DayHistogram minimum_month;  // the month of the lowest position, over the cash months
};

struct RegionStatistics {
  Moments committed, released, paid, unmet, demand, peak_net_demand;
  Moments dossiers_committed, dossiers_unmet, dossiers_ineligible, trainees_committed, trainees_unmet;
  Moments exhausted;  // 0/1 per replication: its mean is P(exhausted)
  DayHistogram exhaustion_day;
  SpilledSeries unmet_values;  // per replication, for quantiles
  Moments received, given;     // steering
  SettlementStatistics settlement;
  // A forecast from national totals: the region's part of the national
  // months' commitments as each replication shared them
  // (ReplicationOutcome::national_past); no series, and no temporary file,
  // otherwise.
  Moments past_committed;
  std::optional<SpilledSeries> past_committed_values;
};

// What the spread of national demand comes from (results/run_summary.hpp,
// SpreadSummary): per replication, its demand and each assumption drawn.
struct SpreadSamples {
  std::vector<std::string> names;  // the assumptions, in column order
  std::vector<double> values;      // replication × assumption
  std::vector<double> demand_eur;  // national demand, per replication
  Moments dossier_variance_eur2;   // the dossiers' own share of the variance, per replication
};

struct NationalStatistics {
  Moments committed, released, paid, unmet, demand, additional_needed;
  Moments additional_is_needed;  // 0/1: its mean is P(additional allocation needed)
  // With jumps of uptake, the same 0/1 apart for the replications that drew
  // no jump (no change of rules) from the drift's first month to the last
  // filing month and those that drew one or more: how much of the answer
  // hangs on another change of rules.
  Moments additional_is_needed_without_jumps, additional_is_needed_with_jumps;
  DayHistogram additional_needed_day;
  SpilledSeries additional_needed_values;
  // Steering: money moved between regions, handed out from the reserve, and
  // the complementary allocation (with 0/1 for whether one arrived).
  Moments moved_between_regions, reserve_handed_out, complementary_received, complementary_is_received;
  SpreadSamples spread;
  SettlementStatistics settlement;
  std::optional<CashStatistics> cash;  // [financing] only
};

// In a forecast, replications whose particles descend from one prior draw
// share its parameters and profile: their standard errors are clustered by
// that draw (Moments::add). The draws are numbered in the order replications
// meet them, so that each figure keeps a sum per draw met (at most
// min(replications, particles)), not per draw made. Without particles every
// replication is its own (-1).
class DrawClusters {
 public:
  explicit DrawClusters(const Scenario& scenario)
      : start_(scenario.forecast_start ? &*scenario.forecast_start : nullptr) {}
  int of(const ReplicationOutcome& outcome) {
    if (start_ == nullptr || outcome.particle < 0) return -1;
    const auto source =
        static_cast<std::size_t>(start_->particles[static_cast<std::size_t>(outcome.particle)].source);
    if (source >= cluster_of_source_.size()) cluster_of_source_.resize(source + 1, -1);
    if (cluster_of_source_[source] < 0) cluster_of_source_[source] = met_++;
    return cluster_of_source_[source];
  }

 private:
  const ForecastStart* start_;
  std::vector<int> cluster_of_source_;  // a prior draw → its cluster; -1: not met yet
  int met_ = 0;
};

class RunStatistics : public ReplicationSink {
 public:
  explicit RunStatistics(const Simulator& simulator);
  void consume(std::int64_t replication, const ReplicationOutcome& outcome) override;

  std::int64_t replications() const { return replications_; }
  // In a forecast whose replications share particles' prior draws: how many
  // draws they share, by which every standard error is clustered.
  std::optional<std::int64_t> standard_error_clusters() const {
    if (!national_.committed.clustered()) return std::nullopt;
    return national_.committed.independent_units();
  }
  // Their effective number (Kish's, by how many years share each).
  std::optional<double> standard_error_effective_clusters() const {
    if (!national_.committed.clustered()) return std::nullopt;
    return national_.committed.effective_units();
  }
  const std::vector<RegionStatistics>& regions() const { return regions_; }
  const NationalStatistics& national() const { return national_; }
  // Share of replications in which region r was exhausted by the end of month m.
  double p_exhausted_by_month_end(int region, int month) const;

  // True when the Monte-Carlo standard error of every headline figure is under
  // `target`: P(exhausted) and P(additional needed) in absolute terms, expected
  // committed, unmet and additional amounts as a share of the envelope concerned.
  // Otherwise lists the figures still above target.
  bool precision_reached(double target, std::vector<std::string>* not_reached) const;

 private:
  const Simulator* simulator_;
  std::int64_t replications_ = 0;
  bool timing_varies_ = false;  // the spread lists "timing" (see the constructor)
  bool learnt_costs_vary_ = false;  // the spread lists "learnt_costs": a forecast's learnt costs are drawn
  DrawClusters clusters_;
  std::vector<RegionStatistics> regions_;
  NationalStatistics national_;
};

}  // namespace fnesim
