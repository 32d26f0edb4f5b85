#include "results/actuals_report.hpp"

#include <cmath>
#include <cstdio>

#include "results/format.hpp"
#include "results/text_table.hpp"

namespace fnesim {

namespace {

std::string fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string percent(double share) {
  std::string text = fixed(100 * share, 1);
  text += " %";
  return text;
}

std::string count(std::int64_t n) { return format_count(static_cast<double>(n)); }

// "12 345 678": whole euros, for amounts in the millions.
std::string interval(double low, double high) {
  std::string text = "[";
  text += fixed(low, 2);
  text += ", ";
  text += fixed(high, 2);
  text += ']';
  return text;
}

std::string kept(const std::string& why) {
  std::string text = "kept: ";
  text += why;
  return text;
}

// The prior-predictive check (docs/forecasting.md): each observed month, and
// the months together, against the central 95 % of what the scenario's prior
// expected. Said plainly when outside: the scenario is then probably wrong.
std::string prior_predictive_lines(const ActualsReport& report, const Scenario& scenario) {
  if (report.prior_predictive.empty()) return "";
  const Date start = scenario.convention.commitment_start;
  std::string outside;
  for (const PriorPredictiveMonth& m : report.prior_predictive) {
    if (!m.outside()) continue;
    char line[256];
    std::snprintf(line, sizeof line, "  %s: %lld dossiers observed, the prior expected %lld to %lld (95 %%)%s\n",
                  m.cumulative ? "all months so far" : add_months(start, m.month).iso().substr(0, 7).c_str(),
                  static_cast<long long>(m.observed), static_cast<long long>(m.low), static_cast<long long>(m.high),
                  m.observed > m.high ? ": more than it allows" : ": fewer than it allows");
    outside += line;
  }
  // With several months some band is missed by chance, and one missed by far
  // says more than one missed by a dossier: the scenario's own years say how
  // often some month, or the total, strays this far.
  const double chance = report.prior_predictive_chance;
  char odds[160];
  std::snprintf(odds, sizeof odds,
                "  Of the years the scenario's prior draws, %.*f %% stray this far or further",
                chance < 0.01 ? 1 : 0, 100 * chance);
  const std::string in_some_month = std::string(odds) + " in some month or in the total";
  const std::string revise =
      "  The scenario is probably wrong (its profile, level or events): revise it before trusting this "
      "forecast.\n\n";
  if (outside.empty())
    return "Prior-predictive check: every month's dossiers, and their total, fall within the central 95 % the "
           "scenario's prior expected.\n\n";
  if (!report.prior_predictive_failed())
    return "Prior-predictive check: some counts fall outside the central 95 % the scenario's prior "
           "expected, month by month:\n" +
           outside + in_some_month +
           ":\n  by itself, not evidence that the scenario is wrong (with several months, some band "
           "is missed by chance).\n\n";
  return "PRIOR-PREDICTIVE CHECK FAILED: the actuals fall outside what the scenario's prior allows "
         "(central 95 %, month by month):\n" +
         outside + in_some_month + " (under 5 %).\n" + revise;
}

}  // namespace

std::string render_actuals_report(const ActualsReport& report, const Scenario& scenario) {
  const DemandModel& demand = scenario.demand;
  std::string out = "Forecast from actuals: ";
  out += report.file;
  out += report.layout == ActualsLayout::Dossiers
             ? " (one row per dossier)"
             : (report.national ? " (national monthly aggregates)" : " (regional monthly aggregates)");
  out += ", cut-off ";
  out += report.as_of.iso();
  out += " (the first day simulated)\n  ";
  out += count(report.rows - report.rows_after_cut_off);
  out += " rows before the cut-off, ";
  out += count(report.rows_after_cut_off);
  out += " from it on (not used); ";
  if (report.month_to_date) {
    // Nothing in a monthly file says where its last month's figures stop: the
    // cut-off does. Said in full, as a later cut-off halves what they seem to say.
    out += "the last month read as month to date, its figures taken to run to ";
    out += report.last_day.iso();
    if (!report.last_day_stated)
      out +=
          " (the day before the cut-off: if they stop earlier, the cut-off is the day after they stop, or "
          "say "
          "so with --through)";
    out += ".\n\n";
  } else {
    out += "the actuals are complete through ";
    out += report.last_day.iso();
    // A monthly file cannot say that its last month was taken mid-month: read
    // whole up to the cut-off, its missing days would lower the uptake learnt.
    // Unless the user said how far it goes.
    if (report.layout != ActualsLayout::Dossiers && !report.last_day_stated &&
        report.as_of == report.last_day.plus_days(1) && report.last_day == last_of_month(report.last_day))
      out +=
          " (its last month read whole: if its figures stop earlier, the cut-off is the day after they "
          "stop)";
    out += ".\n\n";
  }

  out +=
      "Uptake: the multiplier on the scenario's expected arrivals, learnt from the dossiers filed before the "
      "cut-off.\n  Prior: mean 1, CV ";
  out += percent(report.regions.empty() ? 0.0 : report.regions.front().prior_cv);
  out += " (national CV ";
  out += percent(demand.national_uptake_cv);
  out += ", regional CV ";
  out += percent(demand.regional_uptake_cv);
  out += ").";
  if (report.national)
    out +=
        " National aggregates: they teach the national level, each region being it times a deviation drawn "
        "from its prior (the deviations averaging 1). Which region filed what is not known: below, the "
        "national figures split by the arrivals each region was expected (at uptake 1, within its ceiling); "
        "each simulated year splits them again by its own draw of the regions' uptake, with the spread of "
        "dossiers' counts and amounts.";
  out += "\n";
  TextTable table;
  table.add_column("Region", TextTable::Align::Left);
  table.add_column("Committed EUR");
  table.add_column("Dossiers");
  table.add_column("Expected");
  table.add_column("Trainees");
  table.add_column("Posterior mean");
  table.add_column("90 % credible", TextTable::Align::Left);
  table.add_column("CV");
  Cents committed = 0, carryover = 0;
  std::int64_t carryover_dossiers = 0;
  std::int64_t trainees = 0;
  for (std::size_t r = 0; r < report.regions.size(); ++r) {
    const RegionLearning& l = report.regions[r];
    committed += l.committed;
    carryover += l.carryover;
    carryover_dossiers += l.carryover_dossiers;
    trainees += l.trainees;
    table.add_row({scenario.convention.regions[r].name, format_euros(l.committed), count(l.dossiers),
                   format_count(l.expected_dossiers, 1), count(l.trainees), fixed(l.posterior_mean(), 3),
                   interval(l.posterior_quantile(0.05), l.posterior_quantile(0.95)),
                   percent(l.posterior_cv())});
  }
  const CommonLearning& c = report.common;
  table.add_rule();
  table.add_row({report.national ? "National level" : "Common factor", format_euros(committed),
                 count(c.dossiers), format_count(c.expected_dossiers, 1), count(trainees),
                 fixed(c.posterior_mean, 3), interval(c.posterior_q05, c.posterior_q95),
                 percent(c.posterior_cv)});
  out += table.render();
  out += "  Committed includes the 2020 carry-over: ";
  out += format_euros(carryover);
  out += " EUR";
  if (carryover_dossiers > 0)
    out += " (" + count(carryover_dossiers) +
           " dossiers, which Dossiers leaves out: it counts those filed in 2021)";
  out += ". Expected: eligible dossiers the scenario expects before the cut-off, at uptake 1.\n\n";

  out += "Demand parameters (the scenario's figure weighs as much as 50 dossiers; 30 observed needed):\n";
  TextTable parameters;
  parameters.add_column("Parameter", TextTable::Align::Left);
  parameters.add_column("Dossiers");
  parameters.add_column("Scenario");
  parameters.add_column("Observed");
  parameters.add_column("Forecast");
  parameters.add_column("±");
  parameters.add_column("", TextTable::Align::Left);
  for (const ParameterLearning& p : report.parameters) {
    const int decimals = p.parameter.starts_with("trainees") ? 2 : 0;
    parameters.add_row({p.parameter, count(p.dossiers), fixed(p.prior, decimals),
                        p.observed ? fixed(*p.observed, decimals) : "—", fixed(p.posterior, decimals),
                        p.log_sd > 0 ? fixed(100 * p.log_sd, 1) + " %" : "—",
                        p.updated ? p.note : kept(p.note)});
  }
  out += parameters.render();
  out +=
      "  ±: the forecast's error, drawn in each simulated year (the sd of its log); a figure kept has that "
      "of\n"
      "  the 50 dossiers it weighs, or none when the scenario's [uncertainty] draws it; from monthly totals\n"
      "  the pathways' costs share one factor.\n";
  out += '\n';
  out += prior_predictive_lines(report, scenario);
  if (report.particles > 0) {
    char line[512];
    std::snprintf(
        line, sizeof line,
        "Uncertain assumptions: %d draws of [uncertainty] and [events] weighed against the monthly "
        "counts, %.0f of them in effect;\n  the forecast mixes over them. The uptake above is "
        "learnt under the stated assumptions alone: the forecast's uptake\n  also drifts and jumps month "
        "by month after the cut-off (\"Where its spread comes from\", below).\n",
        report.particles, report.effective_particles);
    out += line;
    // Below one in twenty, a few draws carry the weights (Kish's effective number).
    if (report.effective_particles < 0.05 * report.particles)
      out +=
          "  Caution: only a few draws carry the weight, so the forecast rests on few distinct assumptions; "
          "more [uncertainty] particles would refine it.\n";
  }
  return out;
}

}  // namespace fnesim
