#include "results/backtest_report.hpp"

#include <boost/math/distributions/binomial.hpp>
#include <cmath>
#include <cstdio>

#include "results/format.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {

namespace {



std::string share(int part, int whole) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f %%", whole > 0 ? 100.0 * part / whole : 0.0);
  return text;
}

std::string out_of(int part, int whole) {
  std::string text = std::to_string(part);
  text += '/';
  text += std::to_string(whole);
  return text;
}

std::string within(CountRange r, int whole) {
  std::string text = std::to_string(r.low);
  text += "–";
  text += std::to_string(r.high);
  text += " of ";
  text += std::to_string(whole);
  return text;
}

// The comparison at the last month end of the national series.
const BacktestComparison& national_final(const BacktestCutOff& c) { return c.comparisons.back(); }

// Comparisons at the last month end, one per series.
CoverageCount final_coverage(const BacktestCutOff& c) {
  CoverageCount count;
  for (std::size_t i = static_cast<std::size_t>(c.months) - 1; i < c.comparisons.size();
       i += static_cast<std::size_t>(c.months))
    count.add(c.comparisons[i]);
  return count;
}

CoverageCount all_coverage(const BacktestCutOff& c) {
  CoverageCount count;
  for (const BacktestComparison& comparison : c.comparisons) count.add(comparison);
  return count;
}

std::string describe_actuals(const Actuals& actuals) {
  std::string text = actuals.file;
  text += actuals.layout == ActualsLayout::Dossiers
              ? " (one row per dossier"
              : (actuals.national ? " (national monthly aggregates" : " (regional monthly aggregates");
  text += ", complete through ";
  text += actuals.last_day.iso();
  if (actuals.last_day != last_of_month(actuals.last_day)) {
    text += "; ";
    text += month_name(actuals.last_day.month());
    text += " month to date, not compared";
  }
  text += ')';
  return text;
}

}  // namespace

CountRange binomial_range(int n, double p) {
  if (n == 0) return {};
  const boost::math::binomial_distribution<double> distribution(n, p);
  // Quantiles of a discrete distribution: the smallest count with at least that probability at or below it.
  auto quantile = [&](double probability) {
    int k = 0;
    while (k < n && boost::math::cdf(distribution, k) < probability) ++k;
    return k;
  };
  return {quantile(0.05), quantile(0.95)};
}

std::string render_backtest_table(const BacktestResult& result, const Scenario& scenario,
                                  const Actuals& actuals) {
  std::string out = "fnesim backtest: ";
  out += scenario.name;
  out += " against ";
  out += describe_actuals(actuals);
  out += " — ";
  out += std::to_string(result.replications);
  out += " replications per cut-off, seed ";
  out += std::to_string(result.seed);
  out += "\n\nNational cumulative commitments at ";
  out += result.compared_through.iso();
  out += ", forecast from each cut-off against the outcome:\n";
  TextTable fan;
  fan.add_column("Cut-off", TextTable::Align::Left);
  fan.add_column("Outcome");
  fan.add_column("Median");
  fan.add_column("50 % interval (M€)", TextTable::Align::Left);
  fan.add_column("90 % interval (M€)", TextTable::Align::Left);
  fan.add_column("90 % width");
  fan.add_column("Dossiers observed");
  for (const BacktestCutOff& c : result.cut_offs) {
    const BacktestComparison& n = national_final(c);
    char width[32];
    std::snprintf(width, sizeof width, "%.1f %%",
                  n.q50 > 0 ? 100.0 * static_cast<double>(n.q95 - n.q05) / static_cast<double>(n.q50) : 0.0);
    fan.add_row({c.as_of.iso(), format_meur(n.actual), format_meur(n.q50), format_meur_range(n.q25, n.q75), format_meur_range(n.q05, n.q95),
                 width, std::to_string(c.learnt.common.dossiers)});
  }
  out += fan.render();
  out += "  90 % width: of the median. Dossiers observed: filed in the window before the cut-off.\n\n";

  const int series = result.cut_offs.empty() ? 0
                                             : static_cast<int>(result.cut_offs.front().comparisons.size()) /
                                                   result.cut_offs.front().months;
  out += "Calibration: how often the outcome fell inside the forecast's central intervals ";
  out += actuals.national ? "(the nation"
                          : "(each of the " + std::to_string(series - 1) + " regions and the nation";
  out += ", at every month end from the cut-off's month on):\n";
  TextTable calibration;
  calibration.add_column("Cut-off", TextTable::Align::Left);
  calibration.add_column("Comparisons");
  calibration.add_column("In 50 %");
  calibration.add_column("In 90 %");
  calibration.add_column("At the last month end: in 50 %");
  calibration.add_column("in 90 %");
  CoverageCount total, total_final;
  for (const BacktestCutOff& c : result.cut_offs) {
    const CoverageCount all = all_coverage(c), last = final_coverage(c);
    total.comparisons += all.comparisons;
    total.inside50 += all.inside50;
    total.inside90 += all.inside90;
    total_final.comparisons += last.comparisons;
    total_final.inside50 += last.inside50;
    total_final.inside90 += last.inside90;
    calibration.add_row({c.as_of.iso(), std::to_string(all.comparisons), share(all.inside50, all.comparisons),
                         share(all.inside90, all.comparisons), out_of(last.inside50, last.comparisons),
                         out_of(last.inside90, last.comparisons)});
  }
  calibration.add_rule();
  calibration.add_row({"All", std::to_string(total.comparisons), share(total.inside50, total.comparisons),
                       share(total.inside90, total.comparisons),
                       out_of(total_final.inside50, total_final.comparisons),
                       out_of(total_final.inside90, total_final.comparisons)});
  out += calibration.render();
  const CountRange r50 = binomial_range(total_final.comparisons, 0.5);
  const CountRange r90 = binomial_range(total_final.comparisons, 0.9);
  out +=
      "  A calibrated forecast puts about 50 % and 90 % of outcomes inside. The month ends of one series\n"
      "  are strongly dependent (a forecast too low in June is too low in July), and so are the cut-offs:\n"
      "  the comparisons are fewer independent checks than they look. At the last month end alone, if the\n"
      "  ";
  out += std::to_string(total_final.comparisons);
  out += " comparisons were independent, a calibrated forecast would hold ";
  out += within(r50, total_final.comparisons);
  out += " in its 50 % intervals\n  and ";
  out += within(r90, total_final.comparisons);
  out += " in its 90 % intervals, 90 % of the time.\n";
  return out;
}

std::string backtest_json(const BacktestResult& result, const Scenario& scenario, const Actuals& actuals) {
  JsonWriter json;
  json.begin_object();
  json.field("scenario", scenario.name);
  json.field("actuals", actuals.file);
  json.field("layout", actuals_layout_keys[static_cast<std::size_t>(actuals.layout)]);
  json.field("national", actuals.national);
  json.field("last_day", actuals.last_day.iso());
  json.field("compared_through", result.compared_through.iso());
  json.field("replications", result.replications);
  json.field("seed", result.seed);
  CoverageCount total;
  json.key("cut_offs").begin_array();
  for (const BacktestCutOff& c : result.cut_offs) {
    const CoverageCount all = all_coverage(c), last = final_coverage(c);
    total.comparisons += all.comparisons;
    total.inside50 += all.inside50;
    total.inside90 += all.inside90;
    json.begin_object();
    json.field("as_of", c.as_of.iso());
    json.field("months", c.months);
    json.key("common_uptake").begin_object();
    json.field("mean", c.learnt.common.posterior_mean);
    json.field("q05", c.learnt.common.posterior_q05);
    json.field("q95", c.learnt.common.posterior_q95);
    json.end_object();
    json.field("comparisons", all.comparisons);
    json.field("inside50", all.inside50);
    json.field("inside90", all.inside90);
    json.field("final_comparisons", last.comparisons);
    json.field("final_inside50", last.inside50);
    json.field("final_inside90", last.inside90);
    json.key("points").begin_array();
    for (const BacktestComparison& p : c.comparisons) {
      json.begin_object();
      json.field("region", p.region == national_region
                               ? std::string("national")
                               : scenario.convention.regions[static_cast<std::size_t>(p.region)].code);
      json.field("month_end", p.month_end.iso());
      json.field_euros("actual_eur", p.actual);
      json.field_euros("q05_eur", p.q05);
      json.field_euros("q25_eur", p.q25);
      json.field_euros("q50_eur", p.q50);
      json.field_euros("q75_eur", p.q75);
      json.field_euros("q95_eur", p.q95);
      json.field("inside50", p.inside50());
      json.field("inside90", p.inside90());
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.key("total").begin_object();
  json.field("comparisons", total.comparisons);
  json.field("inside50", total.inside50);
  json.field("inside90", total.inside90);
  json.end_object();
  json.end_object();
  return json.str() + '\n';
}

}  // namespace fnesim
