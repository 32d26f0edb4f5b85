#include "results/run_summary.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "results/cash_summary.hpp"
#include "results/format.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {

namespace {

// The tails of the national means the committee reads first, from the
// replications' own values: demand, unmet demand (the regions' added up) and
// the additional allocation needed.
std::vector<MeanTail> national_tails(const RunStatistics& stats) {
  const auto tail = [](std::string quantity, std::vector<double> values) {
    MeanTail t{std::move(quantity), pareto_tail_shape(values), 0};
    t.top_percent_share = top_percent_share(std::move(values));
    return t;
  };
  const auto in_euros = [](const std::vector<Cents>& cents) {
    std::vector<double> out(cents.size());
    for (std::size_t i = 0; i < cents.size(); ++i) out[i] = static_cast<double>(cents[i]) / cents_per_euro;
    return out;
  };
  std::vector<Cents> unmet(static_cast<std::size_t>(stats.replications()), 0);
  for (const RegionStatistics& rs : stats.regions()) {
    const std::vector<Cents> values = rs.unmet_values.load();
    for (std::size_t i = 0; i < values.size() && i < unmet.size(); ++i) unmet[i] += values[i];
  }
  std::vector<MeanTail> out;
  out.push_back(tail("demand", stats.national().spread.demand_eur));
  out.push_back(tail("unmet", in_euros(unmet)));
  out.push_back(tail("additional_needed", in_euros(stats.national().additional_needed_values.load())));
  return out;
}

}  // namespace

MeanEstimate mean_estimate(const Moments& m, double level, double scale) {
  const Interval ci = student_t_interval(m, level);
  return {m.mean() * scale, m.standard_error() * scale, {ci.low * scale, ci.high * scale}};
}

namespace {

SettlementPart settlement_part(const SettlementStatistics& stats, double level) {
  SettlementPart out;
  for (std::size_t q = 0; q < settlement_quantity_count; ++q) {
    const bool trainees = q == static_cast<std::size_t>(SettlementQuantity::ReviewTrainees);
    out.quantities[q].mean = mean_estimate(stats.moments[q], level, trainees ? 1.0 : 1.0 / cents_per_euro);
    out.quantities[q].quantile =
        amount_quantiles(stats.values.load_column(settlement_quantity_count, q), amount_percentiles);
  }
  for (int p : reported_percentiles) out.last_payment_day[p] = stats.last_payment_day.quantile(p);
  return out;
}

}  // namespace

RunSummary summarise(const Simulator& simulator, const RunStatistics& stats, std::uint64_t seed) {
  const Scenario& scenario = simulator.scenario();
  const Convention& conv = scenario.convention;
  const double level = scenario.run.confidence_level;
  constexpr double eur = 1.0 / cents_per_euro;
  RunSummary s;
  s.scenario_name = scenario.name;
  s.replications = stats.replications();
  s.seed = seed;
  s.confidence_level = level;
  s.commitment_start = conv.commitment_start;
  s.window_days = simulator.window_days();
  s.standard_error_clusters = stats.standard_error_clusters();
  s.standard_error_effective_clusters = stats.standard_error_effective_clusters();
  for (int m = 0; m < simulator.month_count(); ++m) s.months.push_back(simulator.month_start(m));
  for (std::size_t r = 0; r < conv.regions.size(); ++r) {
    const RegionStatistics& rs = stats.regions()[r];
    RegionSummary out;
    out.code = conv.regions[r].code;
    out.name = conv.regions[r].name;
    out.envelope = conv.regions[r].envelope;
    out.available = conv.available(r);
    out.p_exhausted = mean_estimate(rs.exhausted, level);
    for (int p : reported_percentiles) out.exhaustion_day[p] = rs.exhaustion_day.quantile(p);
    out.committed_eur = mean_estimate(rs.committed, level, eur);
    out.released_eur = mean_estimate(rs.released, level, eur);
    out.paid_eur = mean_estimate(rs.paid, level, eur);
    out.unmet_eur = mean_estimate(rs.unmet, level, eur);
    out.demand_eur = mean_estimate(rs.demand, level, eur);
    out.peak_net_demand_eur = mean_estimate(rs.peak_net_demand, level, eur);
    out.unmet_quantile = amount_quantiles(rs.unmet_values.load(), amount_percentiles);
    out.dossiers_committed = mean_estimate(rs.dossiers_committed, level);
    out.dossiers_unmet = mean_estimate(rs.dossiers_unmet, level);
    out.dossiers_ineligible = mean_estimate(rs.dossiers_ineligible, level);
    out.trainees_committed = mean_estimate(rs.trainees_committed, level);
    out.trainees_unmet = mean_estimate(rs.trainees_unmet, level);
    for (int m = 0; m < simulator.month_count(); ++m)
      out.p_exhausted_by_month_end.push_back(stats.p_exhausted_by_month_end(static_cast<int>(r), m));
    s.regions.push_back(std::move(out));
  }
  const NationalStatistics& ns = stats.national();
  NationalSummary& n = s.national;
  n.envelope = conv.total_envelope;
  n.available = conv.total_available();
  n.fees = conv.national_fees();
  n.committed_eur = mean_estimate(ns.committed, level, eur);
  n.released_eur = mean_estimate(ns.released, level, eur);
  n.paid_eur = mean_estimate(ns.paid, level, eur);
  n.unmet_eur = mean_estimate(ns.unmet, level, eur);
  n.demand_eur = mean_estimate(ns.demand, level, eur);
  n.p_additional_needed = mean_estimate(ns.additional_is_needed, level);
  // No split when no month is left in which a jump could move demand (a cut-off in the last month).
  const Plan& plan = simulator.plan();
  if (scenario.uncertainty.jump_probability > 0 &&
      plan.first_drift_month() <= plan.last_filing_month(scenario.demand)) {
    AdditionalByJumps& split = n.spread.additional_by_jumps.emplace();
    split.first_month = plan.first_drift_month();
    const auto part = [](const Moments& m, std::int64_t& count, double& p, double& se) {
      count = m.count();
      p = count > 0 ? m.mean() : std::numeric_limits<double>::quiet_NaN();
      se = count > 0 ? m.standard_error() : std::numeric_limits<double>::quiet_NaN();
    };
    part(ns.additional_is_needed_without_jumps, split.without, split.p_without, split.p_without_se);
    part(ns.additional_is_needed_with_jumps, split.with, split.p_with, split.p_with_se);
  }
  n.additional_needed_eur = mean_estimate(ns.additional_needed, level, eur);
  n.additional_needed_quantile = amount_quantiles(ns.additional_needed_values.load(), amount_percentiles);
  for (int p : reported_percentiles) n.additional_needed_day[p] = ns.additional_needed_day.quantile(p);
  if (scenario.steering) {
    SteeringSummary& st = s.steering.emplace();
    for (const RegionStatistics& rs : stats.regions()) {
      st.received_eur.push_back(mean_estimate(rs.received, level, eur));
      st.given_eur.push_back(mean_estimate(rs.given, level, eur));
    }
    st.moved_between_regions_eur = mean_estimate(ns.moved_between_regions, level, eur);
    st.reserve_handed_out_eur = mean_estimate(ns.reserve_handed_out, level, eur);
    st.complementary_received_eur = mean_estimate(ns.complementary_received, level, eur);
    st.p_complementary_received = mean_estimate(ns.complementary_is_received, level);
  }
  SettlementSummary& settlement = s.settlement.emplace();
  settlement.training_end = conv.training_end;
  settlement.review_date = conv.financial_review;
  settlement.past_deadline = past_deadline_keys[static_cast<std::size_t>(conv.past_deadline)];
  for (const RegionStatistics& rs : stats.regions())
    settlement.regions.push_back(settlement_part(rs.settlement, level));
  settlement.national = settlement_part(ns.settlement, level);
  if (ns.cash) s.cash = summarise_cash(simulator, *ns.cash, level);
  if (!stats.regions().empty() && stats.regions().front().past_committed_values &&
      stats.regions().front().past_committed.count() > 0) {
    NationalPastSummary& past = s.national_past.emplace();
    for (const ForecastStart::NationalRow& row : scenario.forecast_start->national_rows)
      past.committed += row.committed;
    for (const ObservedDossier& observed : scenario.forecast_start->dossiers)
      past.other_actuals += observed.committed;
    past.other_actuals -= past.committed;
    for (const RegionStatistics& rs : stats.regions())
      past.regions.push_back({mean_estimate(rs.past_committed, level, eur),
                              amount_quantiles(rs.past_committed_values->load(), amount_percentiles)});
  }
  // Year-end national demand and where its spread comes from.
  const SpreadSamples& spread = stats.national().spread;
  std::vector<double> demand = spread.demand_eur;
  std::sort(demand.begin(), demand.end());
  for (int p : amount_percentiles)
    if (!demand.empty()) s.national.demand_quantile_eur[p] = quantile_inverted_cdf(std::span<const double>(demand), p);
  const std::size_t count = spread.demand_eur.size();
  if (count > 1) {
    double mean = 0;
    for (double d : spread.demand_eur) mean += d;
    mean /= static_cast<double>(count);
    double variance = 0;
    for (double d : spread.demand_eur) variance += (d - mean) * (d - mean);
    variance /= static_cast<double>(count - 1);
    SpreadSummary& out = s.national.spread;
    out.demand_sd_eur = std::sqrt(variance);
    out.dossiers_share = variance > 0 ? std::min(1.0, spread.dossier_variance_eur2.mean() / variance) : 0.0;
    const std::size_t k = spread.names.size();
    for (std::size_t a = 0; a < k; ++a) {
      // An assumption the same in every replication explains nothing: not listed.
      bool varies = false;
      for (std::size_t i = 1; i < count && !varies; ++i)
        varies = spread.values[i * k + a] != spread.values[a];
      if (!varies) continue;
      double x_mean = 0;
      for (std::size_t i = 0; i < count; ++i) x_mean += spread.values[i * k + a];
      x_mean /= static_cast<double>(count);
      double sxy = 0, sxx = 0;
      for (std::size_t i = 0; i < count; ++i) {
        const double dx = spread.values[i * k + a] - x_mean;
        sxy += dx * (spread.demand_eur[i] - mean);
        sxx += dx * dx;
      }
      const double r2 = sxx > 0 && variance > 0 ? sxy * sxy / (sxx * variance * static_cast<double>(count - 1)) : 0.0;
      out.assumptions.push_back({spread.names[a], r2});
    }
    std::stable_sort(out.assumptions.begin(), out.assumptions.end(),
                     [](const SpreadSource& x, const SpreadSource& y) { return x.r_squared > y.r_squared; });
    // Nothing drawn varies: every year has the same expected demand, and the
    // dossiers' randomness is all of the spread — exactly, not the ratio's
    // estimate, whose own noise (±4.5 points at 1 000 years) would be read as
    // a share of assumptions that are not there.
    if (out.assumptions.empty()) out.dossiers_share = 1.0;
  }
  s.national.spread.tails = national_tails(stats);
  s.national.spread.pareto_k_limit = pareto_shape_limit(stats.replications());
  return s;
}

namespace {

// What the committee did inside the replications, when the scenario has one.
std::string steering_lines(const RunSummary& s) {
  if (!s.steering) return "";
  const SteeringSummary& st = *s.steering;
  std::string out = "Steering committee (mean per simulated year): moved between regions ";
  out += format_meur(st.moved_between_regions_eur.mean);
  out += " ";
  out += format_plus_minus(st.moved_between_regions_eur.standard_error,
                           format_meur(st.moved_between_regions_eur.standard_error));
  out += "; from the national reserve ";
  out += format_meur(st.reserve_handed_out_eur.mean);
  out += "; complementary State allocation ";
  out += format_meur(st.complementary_received_eur.mean);
  out += " (received with probability ";
  out += format_probability(st.p_complementary_received.mean, st.p_complementary_received.standard_error);
  out += ").\n";
  return out;
}

}  // namespace

namespace {

std::string spread_name(const std::string& name) {
  if (name == "uptake") return "uptake level";
  if (name == "timing") return "timing (share of the year's demand still to come)";
  if (name == "drift") return "drift and jumps of uptake";
  if (name == "learnt_costs") return "costs and trainees per dossier after the actuals (learnt or kept)";
  return name;
}

std::string percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f %%", 100 * share);
  return text;
}

// A forecast from national totals: how far a region's part of the nation's
// past varies between simulated years — half its 90 % range over its mean,
// the median region's and the extremes (scripts/report.py says the same).
// Quantiles of fewer years say little about a 90 % range: no line then.
std::string national_past_lines(const RunSummary& s) {
  if (!s.national_past || s.replications < national_past_min_replications) return "";
  std::vector<std::pair<double, std::size_t>> spread;  // half-range over mean, region
  for (std::size_t r = 0; r < s.national_past->regions.size(); ++r) {
    const AmountDistribution& part = s.national_past->regions[r];
    const double mean_cents = part.mean.mean * cents_per_euro;
    if (mean_cents > 0)
      spread.emplace_back(static_cast<double>(part.quantile.at(95) - part.quantile.at(5)) / (2 * mean_cents),
                          r);
  }
  if (spread.empty()) return "";
  std::sort(spread.begin(), spread.end());
  const std::size_t middle = spread.size() / 2;
  const double typical =
      spread.size() % 2 == 1 ? spread[middle].first : (spread[middle - 1].first + spread[middle].first) / 2;
  const bool named = s.replications >= national_past_named_replications;
  const auto extreme = [&](std::size_t index) {
    return "±" + percent(spread[index].first) +
           (named ? " (" + s.regions[spread[index].second].name + ")" : "");
  };
  const Cents other = s.national_past->other_actuals;
  return "  Which region committed the national months' " + format_meur(s.national_past->committed) +
         " is drawn anew in each simulated year" +
         (other > 0 ? " (the actuals' other " + format_meur(other) +
                          ", as the carry-over, are the same in every year)"
                    : std::string()) +
         "; Committed includes its part. A region's part varies by about ±" + percent(typical) +
         " (half its 90 % range, about its mean), from " + extreme(0) + " to " + extreme(spread.size() - 1) +
         (named ? "" : " by region") + ".\n";
}

// How much the committee's answer hangs on another change of rules: the
// probability apart for the simulated years with no jump of uptake after the
// first month one may fall in, and those with one or more.
std::string additional_by_jumps_lines(const RunSummary& s) {
  if (!s.national.spread.additional_by_jumps) return "";
  const AdditionalByJumps& split = *s.national.spread.additional_by_jumps;
  const double total = static_cast<double>(split.without + split.with);
  if (total <= 0) return "";
  // A forecast asks whether the rules change again after the cut-off; a
  // year drawn whole, whether they change at all.
  const std::string rules_kept = split.first_month == 0 ? "the rules do not change during the year"
                                 : split.first_month < static_cast<int>(s.months.size())
                                     ? "the rules do not change again from " +
                                           s.months[static_cast<std::size_t>(split.first_month)].year_month()
                                     : "the rules do not change again";
  const auto probability = [](std::int64_t count, double p, double se) {
    return count > 0 ? format_probability(p, se) : std::string("none");
  };
  const auto years = [&](std::int64_t count) {
    return format_count(static_cast<double>(count)) + " (" + percent(static_cast<double>(count) / total) +
           ")";
  };
  std::string out = "  In the " + years(split.without) + " of the " + format_count(total) +
                    " simulated years where " + rules_kept + " (no jump of uptake): ";
  out += probability(split.without, split.p_without, split.p_without_se);
  out += "; in the " + years(split.with) + " where they change at least once: ";
  out += probability(split.with, split.p_with, split.p_with_se);
  out += ".\n";
  return out;
}

// A mean with a heavy tail, said beside its ±: when its tail's Pareto shape
// passes 0.25 from 1 000 replications, or 0.5 from any number (MeanTail), how
// much of it the largest 1 % of the years make, and what the shape means for
// the ±.
std::string tail_lines(const RunSummary& s) {
  const SpreadSummary& spread = s.national.spread;
  std::string out;
  for (const MeanTail& t : spread.tails) {
    if (!t.said(s.replications)) continue;
    const std::string label = t.quantity == "unmet"               ? "expected unmet demand"
                              : t.quantity == "additional_needed" ? "mean additional allocation"
                                                                  : "expected national demand";
    char shape[16];
    std::snprintf(shape, sizeof shape, "%.2f", *t.pareto_k);
    out += "  The " + label + " has a heavy tail (Pareto shape " + shape + "; the largest 1 % of the " +
           format_count(static_cast<double>(s.replications)) + " years make " +
           (std::isnan(t.top_percent_share) ? std::string("–") : percent(t.top_percent_share)) + " of it): " +
           (t.heavy() ? "above 0.5, its ± understates how far more years would move it; read the quantiles.\n"
                      : "above 0.25, its ± is itself uncertain; read it as a rough guide.\n");
  }
  return out;
}

// Year-end national demand, and where its spread comes from.
std::string spread_lines(const RunSummary& s) {
  const NationalSummary& n = s.national;
  if (n.demand_quantile_eur.empty()) return "";
  const auto q = [&](int p) { return format_meur(n.demand_quantile_eur.at(p)); };
  std::string out = "National demand at year end (the envelope's share of every eligible dossier filed): median ";
  out += q(50) + ", 50 %: " + q(25) + " – " + q(75) + ", 90 %: " + q(5) + " – " + q(95) + ".\n";
  const SpreadSummary& spread = n.spread;
  if (spread.demand_sd_eur <= 0) return out;
  out += "  Where its spread comes from (sd " + format_meur(spread.demand_sd_eur) +
         "): the assumptions drawn " + percent(1 - spread.dossiers_share) +
         ", the dossiers' own randomness " + percent(spread.dossiers_share) + ".\n";
  if (spread.assumptions.empty()) return out;  // none drawn varies
  out += "  Each assumption alone explains (r²): ";
  bool first = true;
  for (const SpreadSource& a : spread.assumptions) {
    if (!first) out += ", ";
    first = false;
    out += spread_name(a.name) + " " + percent(a.r_squared);
  }
  out += ".\n";
  return out;
}

}  // namespace

namespace {

std::string payment_date(Date start, const std::optional<std::int32_t>& day) {
  return day ? start.plus_days(*day).iso() : "nothing paid";
}

// "118.23 M€ (90 %: 110.02 – 125.40)": an amount's mean and its 5–95 % range.
std::string amount_with_range(const AmountDistribution& d) {
  return format_meur(d.mean.mean) + " (90 %: " + format_meur_range(d.quantile.at(5), d.quantile.at(95)) + " M€)";
}

std::string past_deadline_reading(const std::string& key) {
  if (key == "refuse") return "a training that would run past it refused when filed";
  if (key == "pay-in-full") return "a training past it paid in full (a comparison: the convention pays only what is done)";
  return "a training past it paid pro rata of its days done by then";
}

// Art. 7: the convention ends with its last payment; the financial review
// takes stock before 1 March 2022.
std::string settlement_lines(const RunSummary& s) {
  if (!s.settlement) return "";
  const SettlementSummary& st = *s.settlement;
  const SettlementPart& n = st.national;
  using Q = SettlementQuantity;
  std::string out = "\nThe end of the convention (art. 7): training until " + st.training_end.iso() + ", " +
                    past_deadline_reading(st.past_deadline) + ".\n";
  out += "  Last payment: median " + payment_date(s.commitment_start, n.last_payment_day.at(50)) + ", 90 %: " +
         payment_date(s.commitment_start, n.last_payment_day.at(5)) + " – " +
         payment_date(s.commitment_start, n.last_payment_day.at(95)) + ".\n";
  out += "  Paid: " + amount_with_range(n[Q::Paid]) + "; back to the State (available — after any moves and complementary allocation, nationally "
         "with the reserve left unused — less paid): " +
         amount_with_range(n[Q::Unspent]) + "; released after the commitment deadline (lapsed): " +
         amount_with_range(n[Q::Lapsed]);
  if (st.past_deadline == "refuse")
    out += "; refused for running past the deadline: " + amount_with_range(n[Q::RefusedPastDeadline]);
  out += ".\n";
  const AmountDistribution& trainees = n[Q::ReviewTrainees];
  const std::string count = format_count(trainees.mean.mean) +
                            " (90 %: " + format_count(static_cast<double>(trainees.quantile.at(5))) + " – " +
                            format_count(static_cast<double>(trainees.quantile.at(95))) + ")";
  out += "Financial review (art. 7), at the end of " + st.review_date.iso() + ": committed " +
         amount_with_range(n[Q::ReviewCommitted]) + ", of which realised " + amount_with_range(n[Q::ReviewRealised]) +
         " and paid " + amount_with_range(n[Q::ReviewPaid]) + "; trainees committed " + count + ".\n";
  TextTable table;
  table.add_column("Region", TextTable::Align::Left);
  table.add_column("Last payment: median", TextTable::Align::Left);
  table.add_column("Paid: mean");
  table.add_column("[5 % – 95 %]", TextTable::Align::Left);
  table.add_column("Back to the State");
  table.add_column("Lapsed");
  table.add_column("At the review: paid");
  for (std::size_t r = 0; r < st.regions.size(); ++r) {
    const SettlementPart& p = st.regions[r];
    table.add_row({s.regions[r].name, payment_date(s.commitment_start, p.last_payment_day.at(50)),
                   format_meur(p[Q::Paid].mean.mean),
                   format_meur_range(p[Q::Paid].quantile.at(5), p[Q::Paid].quantile.at(95)),
                   format_meur(p[Q::Unspent].mean.mean), format_meur(p[Q::Lapsed].mean.mean),
                   format_meur(p[Q::ReviewPaid].mean.mean)});
  }
  table.add_rule();
  table.add_row({"National", payment_date(s.commitment_start, n.last_payment_day.at(50)),
                 format_meur(n[Q::Paid].mean.mean),
                 format_meur_range(n[Q::Paid].quantile.at(5), n[Q::Paid].quantile.at(95)),
                 format_meur(n[Q::Unspent].mean.mean), format_meur(n[Q::Lapsed].mean.mean),
                 format_meur(n[Q::ReviewPaid].mean.mean)});
  out += table.render();
  return out;
}

}  // namespace

std::string render_summary_table(const RunSummary& s, const RunTiming& timing) {
  std::string out;
  char ranks[64] = "";
  if (timing.ranks > 1) std::snprintf(ranks, sizeof ranks, "%d ranks × ", timing.ranks);
  char header[320];
  std::snprintf(
      header, sizeof header, "fnesim run: %s — %lld replications, seed %llu, %s%d thread%s, %.1f s\n\n",
      s.scenario_name.c_str(), static_cast<long long>(s.replications), static_cast<unsigned long long>(s.seed),
      ranks, timing.threads, timing.threads > 1 ? "s" : "", timing.seconds);
  out += header;
  TextTable table;
  table.add_column("Region", TextTable::Align::Left);
  table.add_column("Envelope");
  table.add_column("P(exhausted)");
  table.add_column("Exhaustion: median", TextTable::Align::Left);
  table.add_column("[5 % – 95 %]", TextTable::Align::Left);
  table.add_column("Committed");
  table.add_column("Unmet: mean");
  table.add_column("[5 % – 95 %]", TextTable::Align::Left);
  for (const RegionSummary& r : s.regions) {
    table.add_row({r.name, format_meur(r.envelope), format_probability(r.p_exhausted.mean, r.p_exhausted.standard_error),
                   format_day(s.commitment_start, r.exhaustion_day.at(50)),
                   format_day(s.commitment_start, r.exhaustion_day.at(5)) + " – " + format_day(s.commitment_start, r.exhaustion_day.at(95)),
                   format_meur(r.committed_eur.mean), format_meur(r.unmet_eur.mean),
                   format_meur(r.unmet_quantile.at(5)) + " – " + format_meur(r.unmet_quantile.at(95))});
  }
  const NationalSummary& n = s.national;
  table.add_rule();
  table.add_row({"National", format_meur(n.envelope), "", "", "", format_meur(n.committed_eur.mean),
                 format_meur(n.unmet_eur.mean), ""});
  out += table.render();
  out += national_past_lines(s);

  char national[256];
  std::snprintf(national, sizeof national, "\nFees withheld: %s; available for dossiers: %s.\n",
                format_meur(n.fees).c_str(), format_meur(n.available).c_str());
  out += national;
  out += steering_lines(s);
  // The committee's question: will the State have to add money? Demand is
  // pooled nationally (as if reallocation were free) and counts releases.
  out += additional_needed_question;
  out += format_probability(n.p_additional_needed.mean, n.p_additional_needed.standard_error);
  out += ".\n";
  out += additional_by_jumps_lines(s);
  out += "  Amount that suffices in 50 % of simulated years: ";
  out += format_meur(n.additional_needed_quantile.at(50));
  for (int p : {80, 90, 95}) {
    out += ", ";
    out += std::to_string(p);
    out += " %: ";
    out += format_meur(n.additional_needed_quantile.at(p));
  }
  out += " (mean ";
  out += format_meur(n.additional_needed_eur.mean);
  out += " ";
  out += format_plus_minus(n.additional_needed_eur.standard_error,
                           format_meur(n.additional_needed_eur.standard_error));
  out += ").\n";
  out += tail_lines(s);
  // By when: the day the pooled envelope runs out, early in the distribution.
  if (n.additional_needed_day.at(5)) {
    out += "  The pooled envelope runs out by ";
    bool first = true;
    for (int p : {5, 25, 50}) {
      if (!n.additional_needed_day.at(p)) break;
      if (!first) out += ", ";
      out += format_day(s.commitment_start, n.additional_needed_day.at(p));
      out += " in ";
      out += std::to_string(p);
      out += " %";
      first = false;
    }
    out += " of simulated years.\n";
  }
  out += spread_lines(s);

  char precision[256];
  std::snprintf(
      precision, sizeof precision,
      "P(exhausted) ± one Monte-Carlo standard error; exhaustion = the first dossier refused before %s.\n",
      s.commitment_start.plus_days(s.window_days).iso().c_str());
  out += precision;
  // (One draw gets its own line below: there is no ± to allow for anything.)
  if (s.standard_error_clusters && *s.standard_error_clusters > 1)
    out +=
        "  In this forecast the " + format_count(static_cast<double>(s.replications)) +
        " simulated years share " + format_count(static_cast<double>(*s.standard_error_clusters)) +
        " prior draws of the assumptions (the particles' sources): every ± allows for the years that share "
        "one (clustered by draw), and stops narrowing with more years once they share few draws; more "
        "particles ([uncertainty] particles) then narrow it.\n";
  // Few clusters, and uneven ones, make a cluster-robust standard error
  // itself uncertain and too small on average (Cameron & Miller 2015 advise
  // some fifty): an independent review found 90 % intervals holding 78 % of
  // the time with 200 particles (about 19 effective draws).
  if (s.replications < 2)
    out +=
        "  One simulated year: no Monte-Carlo error can be estimated from it (±n/a); run more "
        "replications.\n";
  else if (s.standard_error_clusters && *s.standard_error_clusters < 2)
    out +=
        "  Every simulated year shares one prior draw: no Monte-Carlo error can be estimated from it (±n/a); "
        "raise [uncertainty] particles.\n";
  else if (s.standard_error_effective_clusters && *s.standard_error_effective_clusters < 50)
    // Years that nearly all have a draw of their own are few themselves:
    // more particles would not help them, more years would.
    out += "  Caution: the years rest on about " + format_count(*s.standard_error_effective_clusters) +
           " effective draws: too few for a reliable ±, which then tends to be too small; " +
           (s.standard_error_clusters && static_cast<double>(*s.standard_error_clusters) >=
                                             0.8 * static_cast<double>(s.replications)
                ? std::string("run more simulated years (-n).\n")
                : std::string("raise [uncertainty] particles.\n"));
  // A probability none or all of the years show has a standard error of 0,
  // at any count: its ± says nothing there. The rule of three bounds it
  // (Hanley & Lippman-Hand 1983): within 3 / n at 95 %, n the independent years.
  const auto certain = [](const MeanEstimate& p) { return p.mean == 0 || p.mean == 1; };
  const bool some_certain = certain(s.national.p_additional_needed) ||
                            std::any_of(s.regions.begin(), s.regions.end(),
                                        [&](const RegionSummary& r) { return certain(r.p_exhausted); }) ||
                            (s.cash && certain(s.cash->p_pre_financing));
  // After the settlement and the cash, whose pre-financing is such a
  // probability too: the note follows every figure it is about.
  out += settlement_lines(s);
  out += cash_lines(s);
  const double independent = s.standard_error_effective_clusters ? *s.standard_error_effective_clusters
                                                                 : static_cast<double>(s.replications);
  // (Below four years the bound passes 1: it says nothing.)
  if (some_certain && independent > 3) {
    const double within = 3 / independent;
    char bound[64];  // two significant digits, never in scientific notation
    std::snprintf(bound, sizeof bound, "%.*f",
                  std::max(2, static_cast<int>(std::ceil(-std::log10(within))) + 1), within);
    out += std::string(
               "  A probability of 0.000 or 1.000 is none or all of the simulated years: its ±0.000 is no "
               "precision; the probability lies within 3 / n = ") +
           bound + " of it at 95 % (the rule of three; n = " + format_count(independent) +
           (s.standard_error_effective_clusters ? " effective prior draws).\n" : " simulated years).\n");
  }
  return out;
}

std::string summary_json(const RunSummary& s) {
  JsonWriter j;
  auto day = [&](const std::optional<std::int32_t>& d) -> JsonWriter& {
    return d ? j.value(static_cast<std::int64_t>(*d)) : j.null();
  };
  j.begin_object();
  j.field("scenario", s.scenario_name);
  j.field("replications", static_cast<std::int64_t>(s.replications));
  j.key("seed").value(s.seed);
  j.field("confidence_level", s.confidence_level);
  j.field("commitment_start", s.commitment_start.iso());
  j.field("window_days", s.window_days);
  j.key("standard_error_clusters");
  s.standard_error_clusters ? j.value(*s.standard_error_clusters) : j.null();
  if (s.forecast_from) {
    j.key("forecast_from").begin_object();
    j.field("actuals", s.forecast_from->actuals_file);
    j.field("actuals_sha256", s.forecast_from->actuals_sha256);
    j.field("as_of", s.forecast_from->as_of.iso());
    j.end_object();
  }
  j.key("months").begin_array();
  for (const Date& m : s.months) j.value(m.iso().substr(0, 7));
  j.end_array();
  j.key("regions").begin_array();
  for (const RegionSummary& r : s.regions) {
    j.begin_object();
    j.field("code", r.code);
    j.field("name", r.name);
    j.field_euros("envelope_eur", r.envelope);
    j.field_euros("available_eur", r.available);
    j.field("p_exhausted", r.p_exhausted.mean);
    j.field("p_exhausted_se", r.p_exhausted.standard_error);
    for (int p : reported_percentiles) {
      char name[32];
      std::snprintf(name, sizeof name, "exhaustion_day_q%02d", p);
      j.key(name);
      day(r.exhaustion_day.at(p));
    }
    j.field("committed_mean_eur", r.committed_eur.mean);
    j.field("committed_se_eur", r.committed_eur.standard_error);
    j.field("released_mean_eur", r.released_eur.mean);
    j.field("paid_mean_eur", r.paid_eur.mean);
    j.field("unmet_mean_eur", r.unmet_eur.mean);
    j.field("unmet_se_eur", r.unmet_eur.standard_error);
    j.quantile_euros("unmet", r.unmet_quantile);
    j.field("demand_mean_eur", r.demand_eur.mean);
    j.field("dossiers_committed_mean", r.dossiers_committed.mean);
    j.field("dossiers_committed_se", r.dossiers_committed.standard_error);
    j.field("dossiers_unmet_mean", r.dossiers_unmet.mean);
    j.field("trainees_committed_mean", r.trainees_committed.mean);
    j.field("trainees_committed_se", r.trainees_committed.standard_error);
    j.field("trainees_unmet_mean", r.trainees_unmet.mean);
    j.key("p_exhausted_by_month_end").begin_array();
    for (double p : r.p_exhausted_by_month_end) j.value(p);
    j.end_array();
    j.end_object();
  }
  j.end_array();
  const NationalSummary& n = s.national;
  j.key("national").begin_object();
  j.field_euros("envelope_eur", n.envelope);
  j.field_euros("available_eur", n.available);
  j.field_euros("fees_eur", n.fees);
  j.field("committed_mean_eur", n.committed_eur.mean);
  j.field("committed_se_eur", n.committed_eur.standard_error);
  j.field("released_mean_eur", n.released_eur.mean);
  j.field("paid_mean_eur", n.paid_eur.mean);
  j.field("unmet_mean_eur", n.unmet_eur.mean);
  j.field("unmet_se_eur", n.unmet_eur.standard_error);
  // Year-end national demand: the figure a forecast from actuals is judged on (docs/forecasting.md).
  j.field("demand_mean_eur", n.demand_eur.mean);
  j.field("demand_se_eur", n.demand_eur.standard_error);
  j.field("p_additional_needed", n.p_additional_needed.mean);
  j.field("p_additional_needed_se", n.p_additional_needed.standard_error);
  j.field("additional_needed_mean_eur", n.additional_needed_eur.mean);
  j.quantile_euros("additional_needed", n.additional_needed_quantile);
  for (int p : reported_percentiles) {
    char name[40];
    std::snprintf(name, sizeof name, "additional_needed_day_q%02d", p);
    j.key(name);
    day(n.additional_needed_day.at(p));
  }
  for (const auto& [p, value] : n.demand_quantile_eur) {
    char name[32];
    std::snprintf(name, sizeof name, "demand_q%02d_eur", p);
    j.field(name, value);
  }
  j.key("spread").begin_object();
  j.field("demand_sd_eur", n.spread.demand_sd_eur);
  j.field("dossiers_share", n.spread.dossiers_share);
  j.field("assumptions_share", 1 - n.spread.dossiers_share);
  j.key("assumptions").begin_array();
  for (const SpreadSource& a : n.spread.assumptions) {
    j.begin_object();
    j.field("name", a.name);
    j.field("r_squared", a.r_squared);
    j.end_object();
  }
  j.end_array();
  if (const auto& split = n.spread.additional_by_jumps) {
    const auto probability = [&](const char* name, std::int64_t count, double value) {
      j.key(name);
      if (count > 0)
        j.value(value);
      else
        j.null();
    };
    j.key("additional_by_jumps").begin_object();
    j.key("first_month");
    if (split->first_month < static_cast<int>(s.months.size()))
      j.value(s.months[static_cast<std::size_t>(split->first_month)].year_month());
    else
      j.null();
    j.field("replications_without_jumps", split->without);
    j.field("replications_with_jumps", split->with);
    probability("p_additional_needed_without_jumps", split->without, split->p_without);
    probability("p_additional_needed_without_jumps_se", split->without, split->p_without_se);
    probability("p_additional_needed_with_jumps", split->with, split->p_with);
    probability("p_additional_needed_with_jumps_se", split->with, split->p_with_se);
    j.end_object();
  }
  if (!n.spread.tails.empty()) {
    j.key("tails").begin_object();
    j.field("pareto_k_limit", n.spread.pareto_k_limit);
    for (const MeanTail& t : n.spread.tails) {
      j.key(t.quantity).begin_object();
      j.key("pareto_k");
      if (t.pareto_k)
        j.value(*t.pareto_k);
      else
        j.null();
      j.key("top_percent_share");
      if (std::isnan(t.top_percent_share))
        j.null();
      else
        j.value(t.top_percent_share);
      j.end_object();
    }
    j.end_object();
  }
  j.end_object();
  j.end_object();
  if (s.national_past) {
    j.key("national_past").begin_object();
    j.field_euros("committed_eur", s.national_past->committed);
    j.field_euros("other_actuals_eur", s.national_past->other_actuals);
    j.key("regions").begin_array();
    for (std::size_t r = 0; r < s.national_past->regions.size(); ++r) {
      const AmountDistribution& part = s.national_past->regions[r];
      j.begin_object();
      j.field("code", s.regions[r].code);
      j.field("committed_mean_eur", part.mean.mean);
      j.field("committed_se_eur", part.mean.standard_error);
      j.quantile_euros("committed", part.quantile);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  if (s.steering) {
    const SteeringSummary& st = *s.steering;
    j.key("steering").begin_object();
    j.field("moved_between_regions_mean_eur", st.moved_between_regions_eur.mean);
    j.field("moved_between_regions_se_eur", st.moved_between_regions_eur.standard_error);
    j.field("reserve_handed_out_mean_eur", st.reserve_handed_out_eur.mean);
    j.field("complementary_received_mean_eur", st.complementary_received_eur.mean);
    j.field("p_complementary_received", st.p_complementary_received.mean);
    j.key("regions").begin_array();
    for (std::size_t r = 0; r < st.received_eur.size(); ++r) {
      j.begin_object();
      j.field("code", s.regions[r].code);
      j.field("received_mean_eur", st.received_eur[r].mean);
      j.field("given_mean_eur", st.given_eur[r].mean);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  if (s.settlement) {
    const SettlementSummary& st = *s.settlement;
    auto part = [&](const SettlementPart& p) {
      for (std::size_t q = 0; q < settlement_quantity_count; ++q) {
        const std::string name(settlement_quantity_names[q]);
        const bool trainees = q == static_cast<std::size_t>(SettlementQuantity::ReviewTrainees);
        const AmountDistribution& d = p.quantities[q];
        j.field(name + (trainees ? "_mean" : "_mean_eur"), d.mean.mean);
        j.field(name + (trainees ? "_se" : "_se_eur"), d.mean.standard_error);
        for (const auto& [percent, value] : d.quantile) {
          char suffix[16];
          std::snprintf(suffix, sizeof suffix, "_q%02d", percent);
          if (trainees)
            j.field(name + suffix, value);
          else
            j.field_euros(name + suffix + "_eur", value);
        }
      }
      for (int percent : reported_percentiles) {
        char name[40];
        std::snprintf(name, sizeof name, "last_payment_day_q%02d", percent);
        j.key(name);
        day(p.last_payment_day.at(percent));
      }
    };
    j.key("settlement").begin_object();
    j.field("training_end", st.training_end.iso());
    j.field("training_past_deadline", st.past_deadline);
    j.field("review_date", st.review_date.iso());
    j.key("national").begin_object();
    part(st.national);
    j.end_object();
    j.key("regions").begin_array();
    for (std::size_t r = 0; r < st.regions.size(); ++r) {
      j.begin_object();
      j.field("code", s.regions[r].code);
      part(st.regions[r]);
      j.end_object();
    }
    j.end_array();
    j.end_object();
  }
  write_cash_json(j, s);
  j.end_object();
  return j.str();
}

}  // namespace fnesim
