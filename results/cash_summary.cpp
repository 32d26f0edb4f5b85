#include "results/cash_summary.hpp"

#include <algorithm>
#include <cstdio>

#include "results/format.hpp"
#include "results/text_table.hpp"

namespace fnesim {
namespace {

// Columns read back at once: about 64 MiB of replications' values at a time.
constexpr std::size_t column_batch_bytes = std::size_t{64} << 20;

std::string percent(Rate rate) {
  char text[32];
  std::snprintf(text, sizeof text, "%g %%", rate.basis_points / 100.0);
  return text;
}

std::string with_lag(int lag_days) {
  return lag_days == 0 ? "" : ", " + std::to_string(lag_days) + " days later";
}

std::string tranche_text(const FinancingTranche& t) {
  std::string trigger;
  if (t.commitment_level) trigger = "when " + percent(*t.commitment_level) + " of it is committed (at a month's end)";
  if (t.date) trigger += (trigger.empty() ? "on " : " or on ") + t.date->iso();
  if (t.commitment_level && t.date) trigger += ", whichever comes first";
  return percent(t.share) + " (\"" + t.name + "\") " + trigger + with_lag(t.lag_days);
}

}  // namespace

CashSummary summarise_cash(const Simulator& simulator, const CashStatistics& stats, double level) {
  const Scenario& scenario = simulator.scenario();
  constexpr double eur = 1.0 / cents_per_euro;
  CashSummary out;
  out.terms = *scenario.financing;
  out.basis = scenario.convention.total_available();
  const auto months = static_cast<std::size_t>(stats.months);
  for (std::size_t m = 0; m < months; ++m)
    out.months.push_back(add_months(scenario.convention.commitment_start, static_cast<int>(m)));
  const std::size_t columns = cash_series_count * months;
  for (std::size_t s = 0; s < cash_series_count; ++s)
    for (std::size_t m = 0; m < months; ++m)
      out.mean_eur[s].push_back(stats.moments[s * months + m].mean() * eur);
  const std::size_t rows = static_cast<std::size_t>(stats.values.size()) / columns;
  const std::size_t batch =
      std::clamp<std::size_t>(column_batch_bytes / sizeof(Cents) / std::max<std::size_t>(rows, 1), 1, columns);
  for (std::size_t first = 0; first < columns; first += batch) {
    const std::size_t count = std::min(batch, columns - first);
    std::vector<std::vector<Cents>> loaded = stats.values.load_columns(columns, first, count);
    for (std::size_t c = 0; c < count; ++c)
      for (const auto& [p, value] : amount_quantiles(std::move(loaded[c]), reported_percentiles))
        out.quantile[(first + c) / months][p].push_back(value);
  }
  out.minimum_eur = mean_estimate(stats.minimum, level, eur);
  out.minimum_quantile = amount_quantiles(stats.minimum_values.load(), amount_percentiles);
  out.p_pre_financing = mean_estimate(stats.pre_financing, level);
  for (int p : reported_percentiles) out.minimum_month[p] = stats.minimum_month.quantile(p);
  return out;
}

std::string cash_lines(const RunSummary& s) {
  if (!s.cash) return "";
  const CashSummary& c = *s.cash;
  const FinancingTerms& t = c.terms;
  std::string out = "\nCash of the fund ([financing]; the State's schedule as the scenario states it): of " +
                    format_meur(c.basis) + " available for dossiers, the State pays OPCO 2i " +
                    percent(t.advance_share) + " on " + t.advance_date.iso();
  for (const FinancingTranche& tranche : t.tranches) out += "; " + tranche_text(tranche);
  out += "; and the balance, what was paid less what it disbursed before, " +
         std::to_string(t.settlement_lag_days) + " days after the last payment.\n";
  using S = CashSeries;
  auto median = [&](S series, std::size_t m) { return c.quantile[static_cast<std::size_t>(series)].at(50)[m]; };
  auto at = [&](S series, int p, std::size_t m) { return c.quantile[static_cast<std::size_t>(series)].at(p)[m]; };
  TextTable table;
  table.add_column("Month end", TextTable::Align::Left);
  table.add_column("Disbursed (cum.): median");
  table.add_column("Paid (cum.): median");
  table.add_column("Position: median");
  table.add_column("[5 % – 95 %]", TextTable::Align::Left);
  // Quarter ends, the months where the median disbursements move, and the last.
  for (std::size_t m = 0; m < c.months.size(); ++m) {
    const bool quarter_end = c.months[m].month() % 3 == 0;
    const bool moves = median(S::Disbursed, m) != (m == 0 ? 0 : median(S::Disbursed, m - 1));
    if (!quarter_end && !moves && m + 1 != c.months.size()) continue;
    table.add_row({c.months[m].year_month(), format_meur_figure(static_cast<double>(median(S::Disbursed, m)) / cents_per_euro),
                   format_meur_figure(static_cast<double>(median(S::Paid, m)) / cents_per_euro),
                   format_meur_figure(static_cast<double>(median(S::Position, m)) / cents_per_euro),
                   format_meur_range(at(S::Position, 5, m), at(S::Position, 95, m))});
  }
  out += table.render();
  out += "(M€; position = disbursed − paid: below 0, OPCO 2i pre-finances the fund.)\n";
  auto month = [&](const std::optional<std::int32_t>& m) {
    return m ? c.months[static_cast<std::size_t>(*m)].year_month() : std::string("—");
  };
  out += "OPCO 2i pre-finances in " + format_probability(c.p_pre_financing.mean, c.p_pre_financing.standard_error) +
         " of simulated years; lowest position: median " + format_meur(c.minimum_quantile.at(50)) + " (90 %: " +
         format_meur_range(c.minimum_quantile.at(5), c.minimum_quantile.at(95)) + " M€), at the end of " +
         month(c.minimum_month.at(50)) + " (median).\n";
  return out;
}

void write_cash_json(JsonWriter& j, const RunSummary& s) {
  if (!s.cash) return;
  const CashSummary& c = *s.cash;
  const FinancingTerms& t = c.terms;
  auto share = [&](Rate r) { return r.basis_points / double(Rate::full); };
  j.key("financing").begin_object();
  j.field_euros("basis_eur", c.basis);
  j.field("advance_share", share(t.advance_share));
  j.field("advance_date", t.advance_date.iso());
  j.key("tranches").begin_array();
  for (const FinancingTranche& tranche : t.tranches) {
    j.begin_object();
    j.field("name", tranche.name);
    j.field("share", share(tranche.share));
    j.key("commitment_level");
    tranche.commitment_level ? j.value(share(*tranche.commitment_level)) : j.null();
    j.key("date");
    tranche.date ? j.value(tranche.date->iso()) : j.null();
    j.field("lag_days", tranche.lag_days);
    j.end_object();
  }
  j.end_array();
  j.field("settlement_lag_days", t.settlement_lag_days);
  j.key("months").begin_array();
  for (const Date& m : c.months) j.value(m.year_month());
  j.end_array();
  for (std::size_t series = 0; series < cash_series_count; ++series) {
    j.key(cash_series_names[series]).begin_object();
    j.key("mean_eur").begin_array();
    for (double v : c.mean_eur[series]) j.value(v);
    j.end_array();
    for (const auto& [p, values] : c.quantile[series]) {
      char name[16];
      std::snprintf(name, sizeof name, "q%02d_eur", p);
      j.key(name).begin_array();
      for (Cents v : values) j.euros_from_cents(v);
      j.end_array();
    }
    j.end_object();
  }
  j.field("p_pre_financing", c.p_pre_financing.mean);
  j.field("p_pre_financing_se", c.p_pre_financing.standard_error);
  j.field("minimum_position_mean_eur", c.minimum_eur.mean);
  j.field("minimum_position_se_eur", c.minimum_eur.standard_error);
  j.quantile_euros("minimum_position", c.minimum_quantile);
  for (int p : reported_percentiles) {
    char name[40];
    std::snprintf(name, sizeof name, "minimum_position_month_q%02d", p);
    j.key(name);
    const auto& m = c.minimum_month.at(p);
    m ? j.value(c.months[static_cast<std::size_t>(*m)].year_month()) : j.null();
  }
  j.end_object();
}

}  // namespace fnesim
