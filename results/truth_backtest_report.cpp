#include "results/truth_backtest_report.hpp"

#include <algorithm>
#include <cstdio>
#include <span>

#include "results/backtest_report.hpp"
#include "results/format.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

// Scores are sums and means in cents; tables and JSON show them in EUR.
double in_euros(double cents) { return cents / cents_per_euro; }

// "92/200  46 % ±3.5": the count, the share, and the standard error of the
// share of a calibrated interval of that coverage over as many forecasts.
std::string coverage(int inside, int forecasts, double nominal) {
  char text[64];
  std::snprintf(text, sizeof text, "%d/%d  %.0f %% ±%.1f", inside, forecasts,
                100.0 * ScoreTally::share(inside, forecasts),
                100.0 * ScoreTally::calibrated_standard_error(nominal, forecasts));
  return text;
}

std::string mean_meur(const ScoreTally& t, double sum) { return format_meur_figure(in_euros(t.mean(sum))); }

// The year-end national demand of one member's years: mean, 5 % and 95 % quantiles.
struct MemberDemand {
  int years = 0;
  double mean = 0;
  Cents q05 = 0, q95 = 0;
};

MemberDemand member_demand(const TruthBacktestResult& result, int member) {
  std::vector<Cents> demand;
  for (const TruthYear& year : result.years)
    if (year.member == member && !year.cut_offs.empty())
      demand.push_back(year.cut_offs.front().national.outcome);
  MemberDemand d;
  d.years = static_cast<int>(demand.size());
  if (demand.empty()) return d;
  std::sort(demand.begin(), demand.end());
  double sum = 0;
  for (Cents c : demand) sum += static_cast<double>(c);
  d.mean = sum / static_cast<double>(demand.size());
  const std::span<const Cents> sorted(demand);
  d.q05 = quantile_inverted_cdf(sorted, 5);
  d.q95 = quantile_inverted_cdf(sorted, 95);
  return d;
}

std::string scores_table(const TruthBacktestResult& result, bool regional) {
  TextTable table;
  table.add_column("Cut-off", TextTable::Align::Left);
  table.add_column("Forecasts");
  table.add_column("IS 50 %: fnesim");
  table.add_column("naive");
  table.add_column("IS 90 %: fnesim");
  table.add_column("naive");
  table.add_column("CRPS: fnesim");
  table.add_column("naive");
  for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
    const ScoreTally t = tally(result, c, regional);
    table.add_row({result.cut_offs[c].iso(), std::to_string(t.forecasts), mean_meur(t, t.interval_score50),
                   mean_meur(t, t.naive_interval_score50), mean_meur(t, t.interval_score90),
                   mean_meur(t, t.naive_interval_score90), mean_meur(t, t.crps), mean_meur(t, t.naive_crps)});
  }
  return table.render();
}

// The national PITs' histogram per cut-off, with their mean and sd.
std::string pit_table(const TruthBacktestResult& result) {
  TextTable table;
  table.add_column("Cut-off", TextTable::Align::Left);
  for (int b = 0; b < ScoreTally::pit_bins; ++b) {
    const int from = 100 * b / ScoreTally::pit_bins, to = 100 * (b + 1) / ScoreTally::pit_bins;
    table.add_column(b == 0 ? "PIT 0–" + std::to_string(to) + " %"
                            : std::to_string(from) + "–" + std::to_string(to) + (to == 100 ? " %" : ""));
  }
  table.add_column("mean");
  table.add_column("sd");
  for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
    const ScoreTally t = tally(result, c, false);
    std::vector<std::string> row{result.cut_offs[c].iso()};
    for (int count : t.pit_histogram) row.push_back(std::to_string(count));
    char figure[32];
    std::snprintf(figure, sizeof figure, "%.2f", t.pit_mean());
    row.emplace_back(figure);
    std::snprintf(figure, sizeof figure, "%.2f", t.pit_sd());
    row.emplace_back(figure);
    table.add_row(row);
  }
  return table.render();
}

// "37/200  19 %": how many years the check warned.
std::string warned(int count, int years) {
  char text[48];
  std::snprintf(text, sizeof text, "%d/%d  %.0f %%", count, years, 100.0 * ScoreTally::share(count, years));
  return text;
}

// The prior-predictive check per cut-off: how often it warned, and the
// national coverage in the years it warned and in the others.
std::string prior_check_table(const TruthBacktestResult& result) {
  TextTable table;
  table.add_column("Cut-off", TextTable::Align::Left);
  table.add_column("Warned");
  table.add_column("Failed");
  table.add_column("Warned years: in 50 %");
  table.add_column("in 90 %");
  table.add_column("Other years: in 50 %");
  table.add_column("in 90 %");
  for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
    const PriorCheckTally t = prior_check_tally(result, c);
    // A verdict no year got has no coverage to show.
    const auto inside = [](int inside, int forecasts, double nominal) {
      return forecasts > 0 ? coverage(inside, forecasts, nominal) : std::string("no year");
    };
    const ScoreTally &w = t.warned_years, &q = t.quiet_years;
    table.add_row({result.cut_offs[c].iso(), warned(t.warned, t.years), warned(t.failed, t.years),
                   inside(w.inside50, w.forecasts, 0.5), inside(w.inside90, w.forecasts, 0.9),
                   inside(q.inside50, q.forecasts, 0.5), inside(q.inside90, q.forecasts, 0.9)});
  }
  return table.render();
}

void tally_json(JsonWriter& json, const ScoreTally& t) {
  json.begin_object();
  json.field("forecasts", t.forecasts);
  json.field("inside50", t.inside50);
  json.field("inside90", t.inside90);
  json.field("share50", ScoreTally::share(t.inside50, t.forecasts));
  json.field("share50_calibrated_standard_error", ScoreTally::calibrated_standard_error(0.5, t.forecasts));
  json.field("share90", ScoreTally::share(t.inside90, t.forecasts));
  json.field("share90_calibrated_standard_error", ScoreTally::calibrated_standard_error(0.9, t.forecasts));
  json.field("interval_score50_eur", in_euros(t.mean(t.interval_score50)));
  json.field("interval_score90_eur", in_euros(t.mean(t.interval_score90)));
  json.field("crps_eur", in_euros(t.mean(t.crps)));
  json.key("pit_histogram").begin_array();
  for (int count : t.pit_histogram) json.value(count);
  json.end_array();
  json.field("pit_mean", t.pit_mean());
  json.field("pit_sd", t.pit_sd());
  json.key("naive").begin_object();
  json.field("interval_score50_eur", in_euros(t.mean(t.naive_interval_score50)));
  json.field("interval_score90_eur", in_euros(t.mean(t.naive_interval_score90)));
  json.field("crps_eur", in_euros(t.mean(t.naive_crps)));
  json.end_object();
  json.end_object();
}

void prior_check_json(JsonWriter& json, const PriorCheckTally& t) {
  json.begin_object();
  json.field("years", t.years);
  json.field("warned", t.warned);
  json.field("total_outside", t.total_outside);
  json.field("failed", t.failed);
  json.key("warned_years_national");
  tally_json(json, t.warned_years);
  json.key("other_years_national");
  tally_json(json, t.quiet_years);
  json.end_object();
}

}  // namespace

std::string render_truth_backtest_table(const TruthBacktestResult& result, const Scenario& forecaster,
                                        const std::vector<TruthScenario>& family) {
  const int members = static_cast<int>(family.size());
  std::string out = "fnesim backtest: ";
  out += forecaster.name;
  out += " against a truth family of ";
  out += std::to_string(members);
  out += members == 1 ? " scenario — " : " scenarios — ";
  out += std::to_string(result.years.size());
  out += " synthetic years, ";
  out += std::to_string(result.replications);
  out += " replications per forecast, seed ";
  out += std::to_string(result.seed);
  out += " (truths: seed ";
  out += std::to_string(result.truth_seed);
  out += ")\n\nThe truths: year t is replication t of member t mod ";
  out += std::to_string(members);
  out += "; the forecaster is not given these scenarios.\nBefore each cut-off it sees each year ";
  // What the forecaster saw of each year before a cut-off.
  switch (result.layout) {
    case SyntheticLayout::Dossiers:
      out += "as one row per dossier filed, committed or refused.\n";
      break;
    case SyntheticLayout::Monthly:
      out += "as the monthly totals per region of the dossiers committed (refused ones not shown).\n";
      break;
    case SyntheticLayout::National:
      out +=
          "as the nation's monthly totals of the dossiers committed (refused ones not shown);\n"
          "each forecast shares the nation's past out over the regions by the uptake it draws for them.\n";
      break;
  }
  if (result.layout != SyntheticLayout::Dossiers)
    out +=
        "The run-rate baseline reads the dossiers filed, refused ones and each region's included, as "
        "with one row per dossier.\n";
  TextTable truths;
  truths.add_column("Member", TextTable::Align::Left);
  truths.add_column("Scenario", TextTable::Align::Left);
  truths.add_column("Years");
  truths.add_column("Year-end demand: mean");
  truths.add_column("5 – 95 % of years (M€)", TextTable::Align::Left);
  for (int m = 0; m < members; ++m) {
    const MemberDemand d = member_demand(result, m);
    const TruthScenario& member = family[static_cast<std::size_t>(m)];
    truths.add_row({member.source, member.scenario.name, std::to_string(d.years),
                    format_meur(in_euros(d.mean)), format_meur_range(d.q05, d.q95)});
  }
  out += truths.render();
  out +=
      "  Demand: the envelope's share of every eligible dossier filed, committed or not, carry-over "
      "included.\n\n";

  out += "Coverage: how often the truth's year-end demand fell inside fnesim's central intervals:\n";
  TextTable cover;
  cover.add_column("Cut-off", TextTable::Align::Left);
  cover.add_column("Nation: in 50 %");
  cover.add_column("in 90 %");
  cover.add_column("Regions pooled: in 50 %");
  cover.add_column("in 90 %");
  for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
    const ScoreTally n = tally(result, c, false), r = tally(result, c, true);
    cover.add_row({result.cut_offs[c].iso(), coverage(n.inside50, n.forecasts, 0.5),
                   coverage(n.inside90, n.forecasts, 0.9), coverage(r.inside50, r.forecasts, 0.5),
                   coverage(r.inside90, r.forecasts, 0.9)});
  }
  out += cover.render();
  out +=
      "  Count and share; ±: the binomial standard error of the share a calibrated interval (50 % or 90 %)\n"
      "  would show over as many independent forecasts. The years are independent; the regions of one\n"
      "  year are not (they share the year's uptake): the pooled regional share varies more than that.\n\n";

  out +=
      "Where the truth fell in fnesim's forecast of the year-end national demand (PIT: the share of the\n"
      "forecast's replications below it), years by tenths of the forecast:\n";
  out += pit_table(result);
  out +=
      "  Calibrated forecasts put a tenth of the years in each tenth: PIT mean 0.50, sd 0.29. Years\n"
      "  bunched in the middle tenths (sd below 0.29): forecasts wider than these truths needed; piled\n"
      "  in the first and last (sd above): narrower; leaning to one side (mean off 0.50): biased, too low\n"
      "  when the truths fall high in the forecasts (mean above 0.50).\n\n";
  out += "Scores of the year-end national demand (M€, means over the years; lower is better):\n";
  out += scores_table(result, false);
  out += "\nScores of the year-end regional demand (M€, means over years × regions; lower is better):\n";
  out += scores_table(result, true);
  out +=
      "  IS: interval score of the central interval (width, plus 2/α times any miss; α = 0.5 and 0.1).\n"
      "  CRPS: continuous ranked probability score of the forecast's replications. naive: the run rate,\n"
      "  carry-over + demand filed in the window × window days / days elapsed, a point forecast: its\n"
      "  interval score is 2/α × its error, its CRPS its error.\n\n";

  out += "Coverage by truth family member:\n";
  TextTable by_member;
  by_member.add_column("Member", TextTable::Align::Left);
  by_member.add_column("Cut-off", TextTable::Align::Left);
  by_member.add_column("Nation: in 50 %");
  by_member.add_column("in 90 %");
  by_member.add_column("Regions: in 50 %");
  by_member.add_column("in 90 %");
  by_member.add_column("National CRPS: fnesim");
  by_member.add_column("naive");
  by_member.add_column("Check warned");
  for (int m = 0; m < members; ++m) {
    if (m > 0) by_member.add_rule();
    for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
      const ScoreTally n = tally(result, c, false, m), r = tally(result, c, true, m);
      const PriorCheckTally check = prior_check_tally(result, c, m);
      by_member.add_row({c == 0 ? family[static_cast<std::size_t>(m)].scenario.name : std::string(),
                         result.cut_offs[c].iso(), coverage(n.inside50, n.forecasts, 0.5),
                         coverage(n.inside90, n.forecasts, 0.9), coverage(r.inside50, r.forecasts, 0.5),
                         coverage(r.inside90, r.forecasts, 0.9), mean_meur(n, n.crps),
                         mean_meur(n, n.naive_crps), warned(check.warned, check.years)});
    }
  }
  out += by_member.render();
  const int years = static_cast<int>(result.years.size());
  // Years go to the members in turn: when they do not divide evenly, the
  // first members have one more.
  const int fewest = members > 0 ? member_demand(result, members - 1).years : 0;
  const int most = members > 0 ? member_demand(result, 0).years : 0;
  const auto range_of = [](int n, const std::string& whose) {
    const CountRange r = binomial_range(n, 0.9);
    return std::to_string(r.low) + "–" + std::to_string(r.high) + " of " + whose + std::to_string(n);
  };
  out += "  CRPS in M€. A calibrated 90 % interval holds, 90 % of the time, " + range_of(years, "");
  out += " independent years\n  (" + range_of(most, "a member's ") +
         (fewest == most ? "" : ", " + range_of(fewest, "a member's ")) +
         "). Check warned: the years in which the prior-predictive check\n"
         "  (below) said the forecaster's scenario was probably wrong.\n\n";

  out += "The prior-predictive check, as `run --actuals` prints it: the years in which some month's\n";
  out += "national count of dossiers, or the months' total, fell outside the central 95 % the forecaster's\n";
  out += "prior expected, and the national coverage in those years and in the others:\n";
  out += prior_check_table(result);
  out +=
      "  Warned: a month or the total outside its band. Failed: as many outside as fewer than 5 % of the\n";
  out +=
      "  years the prior draws, when `run` says the scenario is probably wrong. Of a truth the scenario "
      "does\n";
  out +=
      "  not describe, how often the check catches it; of the scenario's own years, its false alarms (each\n";
  out += "  month is a test: a year is warned of more often than one time in twenty, failed less often).\n";
  return out;
}

std::string truth_backtest_json(const TruthBacktestResult& result, const Scenario& forecaster,
                                const std::vector<TruthScenario>& family) {
  JsonWriter json;
  json.begin_object();
  json.field("scenario", forecaster.name);
  json.field("truths", static_cast<std::int64_t>(result.years.size()));
  json.field("replications", result.replications);
  json.field("seed", result.seed);
  json.field("truth_seed", result.truth_seed);
  json.field("layout", std::string(synthetic_layout_keys[static_cast<std::size_t>(result.layout)]));
  json.key("family").begin_array();
  for (int m = 0; m < static_cast<int>(family.size()); ++m) {
    const MemberDemand d = member_demand(result, m);
    json.begin_object();
    json.field("source", family[static_cast<std::size_t>(m)].source);
    json.field("name", family[static_cast<std::size_t>(m)].scenario.name);
    json.field("years", d.years);
    json.field("mean_demand_eur", in_euros(d.mean));
    json.field_euros("demand_q05_eur", d.q05);
    json.field_euros("demand_q95_eur", d.q95);
    json.end_object();
  }
  json.end_array();
  json.key("cut_offs").begin_array();
  for (std::size_t c = 0; c < result.cut_offs.size(); ++c) {
    json.begin_object();
    json.field("as_of", result.cut_offs[c].iso());
    json.key("national");
    tally_json(json, tally(result, c, false));
    json.key("regional");
    tally_json(json, tally(result, c, true));
    json.key("prior_check");
    prior_check_json(json, prior_check_tally(result, c));
    json.key("members").begin_array();
    for (int m = 0; m < static_cast<int>(family.size()); ++m) {
      json.begin_object();
      json.field("source", family[static_cast<std::size_t>(m)].source);
      json.key("national");
      tally_json(json, tally(result, c, false, m));
      json.key("regional");
      tally_json(json, tally(result, c, true, m));
      json.key("prior_check");
      prior_check_json(json, prior_check_tally(result, c, m));
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  // Every year's national forecasts, for plots and other scores.
  json.key("years").begin_array();
  for (const TruthYear& year : result.years) {
    json.begin_object();
    json.field("member", year.member);
    json.field("replication", year.replication);
    json.key("forecasts").begin_array();
    for (std::size_t c = 0; c < year.cut_offs.size(); ++c) {
      const ScoredForecast& n = year.cut_offs[c].national;
      json.begin_object();
      json.field("as_of", result.cut_offs[c].iso());
      json.field("dossiers_observed", year.cut_offs[c].dossiers_observed);
      json.field_euros("outcome_eur", n.outcome);
      json.field_euros("q05_eur", n.q05);
      json.field_euros("q25_eur", n.q25);
      json.field_euros("q50_eur", n.q50);
      json.field_euros("q75_eur", n.q75);
      json.field_euros("q95_eur", n.q95);
      json.field("crps_eur", in_euros(n.crps));
      json.field("pit", n.pit);
      json.field_euros("naive_eur", n.naive);
      json.field("months_outside_prior", year.cut_offs[c].months_outside_prior);
      json.field("total_outside_prior", year.cut_offs[c].total_outside_prior);
      json.field("prior_check_chance", year.cut_offs[c].prior_check_chance);
      json.end_object();
    }
    json.end_array();
    json.end_object();
  }
  json.end_array();
  json.end_object();
  return json.str() + '\n';
}

}  // namespace fnesim
