#pragma once
// The figures a run reports — one structure feeding the terminal table, the
// summary JSON and the output files, so they can never disagree.
#include <algorithm>
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/financing.hpp"
#include "sim/run_statistics.hpp"

namespace fnesim {

struct MeanEstimate {
  double mean = 0;            // EUR for amounts, counts otherwise
  double standard_error = 0;  // Monte-Carlo standard error of the mean
  Interval confidence;        // Student-t, at RunSummary::confidence_level
};

// The mean of `moments` with its standard error and Student-t interval at
// `level`, all multiplied by `scale` (cents to EUR).
MeanEstimate mean_estimate(const Moments& moments, double level, double scale = 1.0);

// Inverted-CDF quantiles of one amount over the replications, at each of `percentiles`.
template <typename Percentiles>
std::map<int, Cents> amount_quantiles(std::vector<Cents> values, const Percentiles& percentiles) {
  std::map<int, Cents> out;
  if (values.empty()) return out;
  std::sort(values.begin(), values.end());
  for (int p : percentiles) out[p] = quantile_inverted_cdf<Cents>(values, p);
  return out;
}

struct RegionSummary {
  std::string code, name;
  Cents envelope = 0, available = 0;
  MeanEstimate p_exhausted;
  std::map<int, std::optional<std::int32_t>>
      exhaustion_day;  // percentile → day from commitment start; none = not exhausted
  MeanEstimate committed_eur, released_eur, paid_eur, unmet_eur, demand_eur, peak_net_demand_eur;
  std::map<int, Cents> unmet_quantile;  // percentile → cents
  MeanEstimate dossiers_committed, dossiers_unmet, dossiers_ineligible, trainees_committed, trainees_unmet;
  std::vector<double> p_exhausted_by_month_end;  // per trajectory month
};

// Where the spread of national demand comes from: the variance split between
// the assumptions drawn per replication (uptake, timing, drift, the uncertain
// parameters and events) and the randomness of the dossiers given them — the
// law of total variance, the second part estimated without bias by each
// replication's Σ amount² (sim/outcome.hpp) — and how much of the variance
// each assumption explains alone (its squared correlation with demand: a
// first-order share; interactions are in none of them).
struct SpreadSource {
  std::string name;  // "uptake", "timing", "drift" or a parameter's key path
  double r_squared = 0;
};
// With jumps of uptake (format 1.6): P(additional allocation needed) apart
// for the replications that drew no jump from the drift's first month (in a
// forecast, the month after the last with actuals) to the last filing month —
// uptake keeps its rules to the end — and for those that drew one or more. A
// part without replications has NaN for its probability and error.
struct AdditionalByJumps {
  int first_month = 0;                 // the first month a jump may fall in (RunSummary::months)
  std::int64_t without = 0, with = 0;  // replications in each part
  double p_without = 0, p_without_se = 0, p_with = 0, p_with_se = 0;
};
// How far a national mean rests on a few extreme replications (format 1.8):
// the Pareto shape k of its upper tail (sim/statistics.hpp; none when there
// is no tail to fit, as when nearly every year has none of it) and the share
// of its sum the largest 1 % of replications make. The mean's standard error
// is estimated from the sample's variance, whose own error needs a finite
// fourth moment: k below 0.25. Above 0.25 the ± is itself uncertain; above
// 0.5 the variance is infinite and the ± understates how far more
// replications would move the mean.
struct MeanTail {
  std::string quantity;  // "demand", "unmet" or "additional_needed"
  std::optional<double> pareto_k;
  double top_percent_share = 0;  // NaN when the sum is 0
  static constexpr double loose_error_shape = 0.25;
  static constexpr double heavy_tail_shape = 0.5;
  // The fit's own error is about (1 + k)/√M for a tail of M values: from
  // 1 000 replications (M = 95) a light tail (k ≤ 0) passes 0.25 in a run in
  // forty or fewer, and 0.5 from any number the run allows (about 3.3 errors
  // at 500). Below, only a heavy tail is said.
  static constexpr std::int64_t loose_error_min_replications = 1000;
  bool loose_error() const { return pareto_k && *pareto_k > loose_error_shape; }
  bool heavy() const { return pareto_k && *pareto_k > heavy_tail_shape; }
  bool said(std::int64_t replications) const {
    return heavy() || (loose_error() && replications >= loose_error_min_replications);
  }
};
struct SpreadSummary {
  double demand_sd_eur = 0;
  double dossiers_share = 0;  // of the variance; the assumptions have the rest
  std::vector<SpreadSource> assumptions;  // largest first
  std::optional<AdditionalByJumps> additional_by_jumps;
  std::vector<MeanTail> tails;  // national demand, unmet demand, additional allocation
  double pareto_k_limit = 0;    // beyond it, not even a smoothed mean is reliable (pareto_shape_limit)
};

struct NationalSummary {
  Cents envelope = 0, available = 0, fees = 0;
  MeanEstimate committed_eur, released_eur, paid_eur, unmet_eur, demand_eur;
  MeanEstimate p_additional_needed;
  MeanEstimate additional_needed_eur;
  std::map<int, Cents> additional_needed_quantile;  // percentile → cents
  std::map<int, std::optional<std::int32_t>> additional_needed_day;
  std::map<int, double> demand_quantile_eur;  // percentile → EUR, year-end national demand
  SpreadSummary spread;
};

// What the steering committee did inside the replications (scenarios with a
// `steering` section only).
struct SteeringSummary {
  std::vector<MeanEstimate> received_eur, given_eur;  // per region
  MeanEstimate moved_between_regions_eur, reserve_handed_out_eur, complementary_received_eur;
  MeanEstimate p_complementary_received;
};

// One quantity's distribution over the replications: its mean, in EUR for
// an amount, and its quantiles, in cents (trainees for ReviewTrainees).
struct AmountDistribution {
  MeanEstimate mean;
  std::map<int, std::int64_t> quantile;  // amount percentile → value
};
// Art. 7's end of the convention (format 1.3): per region and nationally,
// the distribution of each settlement quantity (sim/run_statistics.hpp,
// SettlementQuantity) and of the last payment day.
struct SettlementPart {
  std::array<AmountDistribution, settlement_quantity_count> quantities;
  std::map<int, std::optional<std::int32_t>> last_payment_day;  // day percentile → day; none = nothing paid
  const AmountDistribution& operator[](SettlementQuantity q) const {
    return quantities[static_cast<std::size_t>(q)];
  }
};
struct SettlementSummary {
  Date training_end, review_date;
  std::string past_deadline;  // the scenario's training_past_deadline key
  std::vector<SettlementPart> regions;
  SettlementPart national;
};

// [financing] (format 1.4): the State's disbursements to OPCO 2i and OPCO 2i's
// cash position for the fund, per cash month (sim/run_statistics.hpp,
// CashStatistics), with the terms they follow.
struct CashSummary {
  FinancingTerms terms;
  Cents basis = 0;           // what the shares apply to: the total available for dossiers
  std::vector<Date> months;  // first day of each cash month
  // Per series (CashSeries) and month: the mean in EUR, and the quantiles in
  // cents at reported_percentiles (percentile → one value per month).
  std::array<std::vector<double>, cash_series_count> mean_eur;
  std::array<std::map<int, std::vector<Cents>>, cash_series_count> quantile;
  MeanEstimate minimum_eur;               // the lowest month-end position
  std::map<int, Cents> minimum_quantile;  // amount percentile → cents
  MeanEstimate p_pre_financing;           // share of replications whose position goes below 0
  std::map<int, std::optional<std::int32_t>> minimum_month;  // day percentile → cash month of the lowest position
};

// Where a forecast from actuals started: what `run --actuals FILE --as-of D`
// was given (the file as named, the SHA-256 of its bytes, the cut-off).
struct ForecastOrigin {
  std::string actuals_file;
  std::string actuals_sha256;
  Date as_of;
};

// A forecast from national monthly totals (format 1.12): which region filed
// the nation's past is not known, and each replication shares it anew
// (/replications/national_past). Each region's part of the national months'
// commitments over the replications; their national figure is the same in
// every replication.
struct NationalPastSummary {
  Cents committed = 0;  // the national months' commitments
  // The rest of what the actuals committed before the cut-off, the same in
  // every replication: the carry-over and a month the scenario expected
  // nothing of (split once, by available amounts), a region's own figures.
  Cents other_actuals = 0;
  std::vector<AmountDistribution> regions;  // each region's part, in the order of RunSummary::regions
};

struct RunSummary {
  std::string scenario_name;
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  double confidence_level = 0.9;
  Date commitment_start;
  int window_days = 0;
  std::vector<Date> months;  // first day of each trajectory month
  std::vector<RegionSummary> regions;
  NationalSummary national;
  std::optional<SteeringSummary> steering;
  std::optional<SettlementSummary> settlement;  // absent from run files before format 1.3
  std::optional<CashSummary> cash;              // [financing] only (format 1.4)
  std::optional<ForecastOrigin> forecast_from;  // runs from actuals only (their /actuals)
  std::optional<NationalPastSummary> national_past;  // a forecast from national totals only
  // A forecast weighing particles: the prior draws its replications share, by
  // which the standard errors are clustered (format 1.9); none: independent.
  std::optional<std::int64_t> standard_error_clusters;
  std::optional<double> standard_error_effective_clusters;  // Kish's effective number of them
};

// Below this many replications the run says nothing of how a region's part of
// the national past varies (NationalPastSummary): too few for a 90 % range.
inline constexpr std::int64_t national_past_min_replications = 20;
// And below this many it names no region as the least or most uncertain: from
// a few dozen years the extremes' order is noise.
inline constexpr std::int64_t national_past_named_replications = 200;

// Percentiles reported for amounts: the standard set plus 80 % for the committee.
inline constexpr int amount_percentiles[] = {5, 10, 25, 50, 75, 80, 90, 95};

RunSummary summarise(const Simulator& simulator, const RunStatistics& statistics, std::uint64_t seed);

struct RunTiming {
  double seconds = 0;
  int threads = 1;                // per rank
  int ranks = 1;                  // processes of a cluster run (sim/cluster.hpp)
};
std::string render_summary_table(const RunSummary& summary, const RunTiming& timing);
std::string summary_json(const RunSummary& summary);

}  // namespace fnesim
