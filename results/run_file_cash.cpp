// The cash forecast of scenarios with [financing] in the run file (format 1.4):
// /financing (the terms, per replication the disbursements and the lowest
// position) and /summary/financing (the fans).
#include "results/run_file_cash.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

#include "results/run_file_writer_impl.hpp"

namespace fnesim {

namespace layout = run_layout;

namespace {

constexpr int deflate_level = 4;  // as the other per-replication datasets
// A tranche without a commitment level: its level is stored as this.
constexpr double no_level = -1.0;

double share_of(Rate rate) { return rate.basis_points / double(Rate::full); }

template <typename T>
std::vector<T> read_exact(const hdf5::Group& group, std::string_view name, const std::vector<hsize_t>& shape) {
  const hdf5::Dataset dataset = group.open_dataset(name);
  if (dataset.shape() != shape) dataset.fail("has an unexpected shape");
  return dataset.read<T>();
}

Rate rate_of(const hdf5::Group& group, std::string_view name, double share) {
  if (!(share >= 0 && share <= 1)) group.open_dataset(name).fail("holds a share outside [0, 1]");
  return Rate{static_cast<std::int32_t>(std::llround(share * Rate::full))};
}

Date date_of(const hdf5::Group& group, std::string_view name, const std::string& text) {
  const auto date = Date::parse(text);
  if (!date) group.open_dataset(name).fail("holds '" + text + "', not a date YYYY-MM-DD");
  return *date;
}

}  // namespace

void RunFileWriter::Impl::create_financing(hsize_t chunk) {
  const Scenario& scenario = simulator->scenario();
  const FinancingTerms& terms = *scenario.financing;
  financing = true;
  cash_months = simulator->plan().cash_month_count;
  hdf5::Group group = file.create_group(
      "financing",
      "The State's payments to OPCO 2i as the scenario's [financing] section states them, and per replication the "
      "disbursements and OPCO 2i's lowest cash position for the fund (format 1.4)");
  group.write_scalar<std::int64_t>(
      "basis_cents", scenario.convention.total_available(),
      meta(layout::cents, "What the shares apply to: the total available for dossiers (envelope less fees)"));
  group.write_scalar<double>("advance_share", share_of(terms.advance_share),
                             meta(layout::share, "The advance at signature, a share of the basis"));
  group.write_string("advance_date", terms.advance_date.iso(), meta(layout::text, "The advance's date, YYYY-MM-DD"));
  group.write_scalar<std::int32_t>("settlement_lag_days", terms.settlement_lag_days,
                                   meta("days", "From the last payment to companies to the balance"));
  std::vector<std::string> names, dates;
  std::vector<double> shares, levels;
  std::vector<std::int32_t> lags;
  for (const FinancingTranche& t : terms.tranches) {
    names.push_back(t.name);
    shares.push_back(share_of(t.share));
    levels.push_back(t.commitment_level ? share_of(*t.commitment_level) : no_level);
    dates.push_back(t.date ? t.date->iso() : "");
    lags.push_back(t.lag_days);
  }
  const std::vector<hsize_t> T{names.size()};
  group.write_strings("tranche_name", names, meta(layout::label, "Each tranche's name in the scenario", "tranche"));
  group.write<double>("tranche_share", shares, T, meta(layout::share, "Its share of the basis", "tranche"));
  group.write<double>("tranche_commitment_level", levels, T,
                      meta(layout::share,
                           "Paid at the end of the first month national gross commitments reach this share of the "
                           "basis; -1 when it has no such trigger",
                           "tranche"));
  group.write_strings("tranche_date", dates,
                      meta(layout::text, "Paid on this date (with a level too, whichever comes first); empty when "
                                         "it has no date",
                           "tranche"));
  group.write<std::int32_t>("tranche_lag_days", lags, T, meta("days", "From the trigger to the payment", "tranche"));
  std::vector<std::string> months;
  for (int m = 0; m < cash_months; ++m)
    months.push_back(add_months(scenario.convention.commitment_start, m).year_month());
  group.write_strings("month", months,
                      meta(layout::label,
                           "Calendar month, YYYY-MM: the trajectories' months and on to the latest possible balance",
                           "cash_month"));
  monthly_disbursements = group.create_extendible<std::int64_t>(
      "monthly_disbursements_cents", {static_cast<hsize_t>(cash_months)}, chunk, deflate_level,
      meta(layout::cents,
           "The State's disbursements to OPCO 2i in the month: advance, tranches, and the balance (negative when "
           "OPCO 2i pays back more than was paid to companies); they add up to paid_cents",
           "replication × cash_month"));
  minimum_position = group.create_extendible<std::int64_t>(
      "minimum_position_cents", {}, chunk, deflate_level,
      meta(layout::cents,
           "OPCO 2i's lowest month-end cash position for the fund: cumulative disbursements less cumulative "
           "payments to companies; below 0, OPCO 2i pre-finances",
           "replication"));
  minimum_position_month = group.create_extendible<std::int32_t>(
      "minimum_position_month", {}, chunk, deflate_level,
      meta(layout::label, "Index in /financing/month of the first month with that lowest position", "replication"));
  const auto rows = static_cast<std::size_t>(options.chunk_replications);
  disbursements_buffer.reserve(rows * static_cast<std::size_t>(cash_months));
  minimum_position_buffer.reserve(rows);
  minimum_month_buffer.reserve(rows);
}

void RunFileWriter::Impl::write_cash_summary(hdf5::Group& summary, const CashSummary& c) {
  hdf5::Group group = summary.create_group(
      "financing", "OPCO 2i's cash for the fund, per cash month (/financing/month): fans over replications (format 1.4)");
  const std::vector<std::string> series(cash_series_names.begin(), cash_series_names.end());
  group.write_strings("series", series,
                      meta(layout::label,
                           "cumulative_disbursed by the State, cumulative_paid to companies, and the position: the "
                           "first less the second",
                           "series"));
  const auto S = static_cast<hsize_t>(cash_series_count), M = static_cast<hsize_t>(c.months.size()),
             D = static_cast<hsize_t>(std::size(reported_percentiles));
  std::vector<double> means;
  std::vector<std::int64_t> quantiles;
  for (std::size_t s = 0; s < cash_series_count; ++s) {
    means.insert(means.end(), c.mean_eur[s].begin(), c.mean_eur[s].end());
    for (std::size_t m = 0; m < c.months.size(); ++m)
      for (int p : reported_percentiles) quantiles.push_back(c.quantile[s].at(p)[m]);
  }
  group.write<double>("mean_eur", means, {S, M},
                      meta(layout::eur, "Each series' mean over replications at the month's end", "series × cash_month"));
  group.write<std::int64_t>("quantiles_cents", quantiles, {S, M, D},
                            meta(layout::cents, "Quantiles (inverted empirical CDF) of each series at the month's end",
                                 "series × cash_month × day_percentile"));
  const MeanEstimate* estimates[] = {&c.minimum_eur, &c.p_pre_financing};
  const std::string_view bases[] = {"minimum_position", "p_pre_financing"};
  const std::string_view units[] = {layout::eur, layout::probability};
  const std::string_view descriptions[] = {
      "OPCO 2i's lowest month-end cash position",
      "Share of replications in which the position is below 0 at some month's end: OPCO 2i pre-finances"};
  for (std::size_t e = 0; e < 2; ++e) {
    const MeanEstimate& m = *estimates[e];
    const double all[] = {m.mean, m.standard_error, m.confidence.low, m.confidence.high};
    for (std::size_t k = 0; k < layout::estimate_statistics.size(); ++k)
      group.write_scalar<double>(layout::estimate_name(bases[e], layout::estimate_statistics[k], units[e]), all[k],
                                 meta(units[e], std::string(descriptions[e]) + ": " +
                                                    std::string(layout::estimate_statistic_descriptions[k])));
  }
  std::vector<std::int64_t> minimum;
  for (int p : amount_percentiles) minimum.push_back(c.minimum_quantile.at(p));
  group.write<std::int64_t>("minimum_position_quantiles_cents", minimum, {minimum.size()},
                            meta(layout::cents, "Quantiles of the lowest position", "amount_percentile"));
  std::vector<std::int32_t> months;
  for (int p : reported_percentiles) months.push_back(c.minimum_month.at(p).value_or(-1));
  group.write<std::int32_t>("minimum_position_month_quantiles", months, {D},
                            meta(layout::label, "Quantiles of the month of the lowest position (index in "
                                                "/financing/month)",
                                 "day_percentile"));
}

CashSummary read_cash_summary(const hdf5::Group& financing, const hdf5::Group& group) {
  CashSummary c;
  FinancingTerms& t = c.terms;
  c.basis = financing.open_dataset("basis_cents").read_scalar<std::int64_t>();
  t.advance_share = rate_of(financing, "advance_share", financing.open_dataset("advance_share").read_scalar<double>());
  t.advance_date = date_of(financing, "advance_date", financing.open_dataset("advance_date").read_string());
  t.settlement_lag_days = financing.open_dataset("settlement_lag_days").read_scalar<std::int32_t>();
  const std::vector<std::string> names = financing.open_dataset("tranche_name").read_strings();
  const std::vector<hsize_t> T{names.size()};
  const auto shares = read_exact<double>(financing, "tranche_share", T);
  const auto levels = read_exact<double>(financing, "tranche_commitment_level", T);
  const auto lags = read_exact<std::int32_t>(financing, "tranche_lag_days", T);
  const std::vector<std::string> dates = financing.open_dataset("tranche_date").read_strings();
  if (dates.size() != names.size()) financing.open_dataset("tranche_date").fail("has an unexpected shape");
  for (std::size_t i = 0; i < names.size(); ++i) {
    FinancingTranche& tranche = t.tranches.emplace_back();
    tranche.name = names[i];
    tranche.share = rate_of(financing, "tranche_share", shares[i]);
    if (levels[i] != no_level) tranche.commitment_level = rate_of(financing, "tranche_commitment_level", levels[i]);
    if (!dates[i].empty()) tranche.date = date_of(financing, "tranche_date", dates[i]);
    tranche.lag_days = lags[i];
  }
  const std::vector<std::string> months = financing.open_dataset("month").read_strings();
  for (const std::string& m : months) c.months.push_back(date_of(financing, "month", m + "-01"));
  const std::vector<std::string> series = group.open_dataset("series").read_strings();
  if (!std::equal(series.begin(), series.end(), cash_series_names.begin(), cash_series_names.end()))
    group.open_dataset("series").fail("lists other series than format 1.4 defines");
  const std::size_t S = cash_series_count, M = months.size(), D = std::size(reported_percentiles);
  const auto means = read_exact<double>(group, "mean_eur", {S, M});
  const auto quantiles = read_exact<std::int64_t>(group, "quantiles_cents", {S, M, D});
  for (std::size_t s = 0; s < S; ++s) {
    c.mean_eur[s].assign(means.begin() + static_cast<std::ptrdiff_t>(s * M),
                         means.begin() + static_cast<std::ptrdiff_t>((s + 1) * M));
    for (std::size_t m = 0; m < M; ++m)
      for (std::size_t k = 0; k < D; ++k) c.quantile[s][reported_percentiles[k]].push_back(quantiles[(s * M + m) * D + k]);
  }
  auto estimate = [&](std::string_view base, std::string_view units) {
    double stats[4];
    for (std::size_t k = 0; k < 4; ++k)
      stats[k] = group.open_dataset(layout::estimate_name(base, layout::estimate_statistics[k], units))
                     .read_scalar<double>();
    return MeanEstimate{stats[0], stats[1], {stats[2], stats[3]}};
  };
  c.minimum_eur = estimate("minimum_position", layout::eur);
  c.p_pre_financing = estimate("p_pre_financing", layout::probability);
  const auto minimum = read_exact<std::int64_t>(group, "minimum_position_quantiles_cents", {std::size(amount_percentiles)});
  for (std::size_t k = 0; k < minimum.size(); ++k) c.minimum_quantile[amount_percentiles[k]] = minimum[k];
  const auto minimum_months = read_exact<std::int32_t>(group, "minimum_position_month_quantiles", {D});
  for (std::size_t k = 0; k < D; ++k) {
    const std::int32_t m = minimum_months[k];
    if (m < -1 || m >= static_cast<std::int32_t>(M))
      group.open_dataset("minimum_position_month_quantiles").fail("holds a month outside /financing/month");
    c.minimum_month[reported_percentiles[k]] = m < 0 ? std::nullopt : std::optional<std::int32_t>(m);
  }
  return c;
}

}  // namespace fnesim
