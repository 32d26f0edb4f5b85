// The report of `fnesim recommend`: the text table and the JSON document.
#include <cmath>
#include <cstdio>

#include "results/analysis/recommendation.hpp"
#include "results/format.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {

bool RecommendationReport::within_noise() const {
  if (objective != RecommendationObjective::ExpectedUnmet) return false;
  const double change = held_out_unmet_change_eur.mean, se = held_out_unmet_change_eur.standard_error;
  // No standard error (years on one prior draw) cannot tell a change from noise.
  return change >= 0 || !(std::abs(change) > 2 * se);
}

const char* objective_key(RecommendationObjective objective) {
  return objective == RecommendationObjective::ExpectedUnmet ? "expected-unmet" : "target-probability";
}

namespace {

std::string times(int count) {
  return count == 1 ? "once" : count == 2 ? "twice" : std::to_string(count) + " times";
}

}  // namespace

std::string render_recommendation(const RecommendationReport& report) {
  std::string out = "fnesim recommend: ";
  out += report.scenario_name;
  out += " — ";
  out += std::to_string(report.replications);
  out += " replications, seed ";
  out += std::to_string(report.seed);
  out += "; objective ";
  out += objective_key(report.objective);
  if (report.objective == RecommendationObjective::TargetProbability) {
    char target[64];
    std::snprintf(target, sizeof target, " (P(no region exhausted) ≥ %.2f)", report.target_probability);
    out += target;
  }
  out +=
      "\n\"After\" is the simulation re-run with the recommended envelopes on the same random numbers.\n\n";
  TextTable table;
  table.add_column("Region", TextTable::Align::Left);
  table.add_column("Envelope");
  table.add_column("Recommended");
  table.add_column("Change");
  table.add_column("P(exhausted) before → after", TextTable::Align::Left);
  table.add_column("Unmet before → after", TextTable::Align::Left);
  table.add_column("Median exhaustion before → after", TextTable::Align::Left);
  for (const RegionComparison& c : report.regions) {
    table.add_row(
        {c.name, format_meur(c.current_envelope), format_meur(c.recommended_envelope),
         format_meur_signed(c.recommended_envelope - c.current_envelope),
         format_probability(c.p_exhausted_before.mean) + " → " + format_probability(c.p_exhausted_after.mean),
         format_meur(c.unmet_before_eur.mean) + " → " + format_meur(c.unmet_after_eur.mean),
         format_day(report.commitment_start, c.median_exhaustion_day_before) + " → " +
             format_day(report.commitment_start, c.median_exhaustion_day_after)});
  }
  out += table.render();
  char line[512];
  // The change is paired replication by replication, hence far more precise
  // than either figure: in thousands of euros, unless it would print as a
  // thousand of them or more (scripts/report.py's rule).
  const double change = report.unmet_change_eur.mean;
  const bool millions = std::round(std::abs(change) / 100) / 10 >= 1e3;
  const auto change_text = [millions](const EstimateWithError& e) {
    char mean[32], error[32];
    if (millions) {
      std::snprintf(mean, sizeof mean, "%+.2f M€", e.mean / 1e6);
      std::snprintf(error, sizeof error, " %.2f M€", e.standard_error / 1e6);
    } else {
      std::snprintf(mean, sizeof mean, "%+.1f k€", e.mean / 1e3);
      std::snprintf(error, sizeof error, " %.1f k€", e.standard_error / 1e3);
    }
    return std::string(mean) + " " + format_plus_minus(e.standard_error, error);
  };
  std::snprintf(
      line, sizeof line,
      "\nExpected unmet demand, all regions: %s → %s (change %s, paired over the same replications).\n"
      "P(no region exhausted before the deadline): %s → %s.\n",
      format_meur(report.unmet_before_eur.mean).c_str(), format_meur(report.unmet_after_eur.mean).c_str(),
      change_text(report.unmet_change_eur).c_str(),
      format_probability(report.p_no_region_exhausted_before.mean).c_str(),
      format_probability(report.p_no_region_exhausted_after.mean).c_str());
  out += line;
  // The envelopes were chosen on those years, which flatters them: the same
  // on as many others, which chose nothing.
  if (report.held_out_replications > 0) {
    std::snprintf(line, sizeof line,
                  "On %s other simulated years (replications %s to %s, not used to choose): change %s; P(no "
                  "region exhausted) %s → %s.\n",
                  format_count(static_cast<double>(report.held_out_replications)).c_str(),
                  format_count(static_cast<double>(report.held_out_replications)).c_str(),
                  format_count(static_cast<double>(2 * report.held_out_replications - 1)).c_str(),
                  change_text(report.held_out_unmet_change_eur).c_str(),
                  format_probability(report.held_out_p_no_region_exhausted_before.mean).c_str(),
                  format_probability(report.held_out_p_no_region_exhausted_after.mean).c_str());
    out += line;
  }
  if (report.objective == RecommendationObjective::TargetProbability) {
    const std::string first =
        "the envelopes first found (complementary allocation " +
        format_meur(static_cast<double>(report.first.complementary) / cents_per_euro) + ") gave " +
        format_probability(report.first.p_no_region_exhausted) +
        " re-simulated, because the 2020 carry-over and the diagnostics are shared out by "
        "available amount and move with them";
    if (report.p_no_region_exhausted_after.mean < report.target_probability)
      out += "Short of the target of " + format_probability(report.target_probability) + ": " + first +
             (report.level_raises > 0 ? "; raised " + times(report.level_raises) : std::string()) + "; " +
             report.short_of_target_because + ".\n";
    else if (report.level_raises > 0)
      out += "The level was raised " + times(report.level_raises) + " to reach the target: " + first + ".\n";
  }
  // The report's rule (scripts/report.py, docs/recommend.md): under the
  // objective of expected unmet demand, a change on the other years within
  // two paired standard errors, or an increase, is not told apart from noise.
  if (report.within_noise() && std::isnan(report.held_out_unmet_change_eur.standard_error) &&
      report.held_out_unmet_change_eur.mean < 0)
    out +=
        "On the other years the simulation has no standard error to tell the change from noise (its years "
        "share one prior draw): nothing shows it does better than the current allocation.\n";
  else if (report.within_noise())
    out +=
        "On the other years the change is within the simulation's noise (under two standard errors) or "
        "against the recommendation: nothing shows it does better than the current allocation.\n";
  out += "Complementary allocation asked for: ";
  out += format_meur(report.complementary);
  // The ask raises the subsidy, from which the convention's fee is withheld
  // as from the rest (docs/model.md): what it adds for dossiers is said too.
  Cents more_available = 0;
  for (const RegionComparison& c : report.regions)
    more_available += c.recommended_available - c.current_available;
  if (report.objective == RecommendationObjective::ExpectedUnmet)
    out += " (same total, reallocation only).\n";
  else if (report.complementary > 0 && more_available != report.complementary)
    out += ", of which " + format_meur(report.complementary - more_available) +
           " withheld as the convention's fees, as from the rest of the subsidy: " +
           format_meur(more_available) + " more for dossiers.\n";
  else
    out += ".\n";
  out += additional_needed_question;
  out += format_probability(report.p_additional_needed.mean, report.p_additional_needed.standard_error);
  out += ".\n  Complementary allocation needed, regions pooled: ";
  for (std::size_t k = 0; k < report.additional_needed_quantiles.size(); ++k) {
    const auto& [percent, cents] = report.additional_needed_quantiles[k];
    out += k ? "; " : "";
    out += format_meur(cents);
    out += " at ";
    out += std::to_string(percent);
    out += " %";
  }
  out += ".\n";
  if (!report.pool_runs_out_day_quantiles.empty() && report.pool_runs_out_day_quantiles.front().second) {
    out += "  Needed by (the pooled envelope runs out): ";
    bool first = true;
    for (const auto& [percent, day] : report.pool_runs_out_day_quantiles) {
      if (!day) break;
      out += first ? "" : ", ";
      out += format_day(report.commitment_start, day);
      out += " in ";
      out += std::to_string(percent);
      out += " %";
      first = false;
    }
    out += " of simulated years.\n";
  }
  return out;
}

std::string recommendation_json(const RecommendationReport& report) {
  JsonWriter j;
  constexpr double eur = 1.0 / cents_per_euro;
  auto day = [&](const std::optional<std::int32_t>& d) -> JsonWriter& {
    return d ? j.value(static_cast<std::int64_t>(*d)) : j.null();
  };
  j.begin_object();
  j.field("scenario", report.scenario_name);
  j.key("seed").value(report.seed);
  j.field("replications", static_cast<std::int64_t>(report.replications));
  j.field("objective", std::string(objective_key(report.objective)));
  if (report.objective == RecommendationObjective::TargetProbability) {
    j.field("target_probability", report.target_probability);
    j.field("level_raises", static_cast<std::int64_t>(report.level_raises));
    if (!report.short_of_target_because.empty())
      j.field("short_of_target_because", report.short_of_target_because);
  }
  j.field("common_level", report.common_level);
  if (report.as_of) j.field("as_of", report.as_of->iso());
  j.field("after_evaluated_by", std::string("re-simulation with common random numbers"));
  j.key("regions").begin_array();
  for (const RegionComparison& c : report.regions) {
    j.begin_object();
    j.field("code", c.code);
    j.field("name", c.name);
    j.field_euros("current_envelope_eur", c.current_envelope);
    j.field_euros("recommended_envelope_eur", c.recommended_envelope);
    j.field_euros("current_available_eur", c.current_available);
    j.field_euros("recommended_available_eur", c.recommended_available);
    j.field("p_exhausted_before", c.p_exhausted_before.mean);
    j.field("p_exhausted_before_se", c.p_exhausted_before.standard_error);
    j.field("p_exhausted_after", c.p_exhausted_after.mean);
    j.field("p_exhausted_after_se", c.p_exhausted_after.standard_error);
    j.field("expected_unmet_before_eur", c.unmet_before_eur.mean);
    j.field("expected_unmet_before_se_eur", c.unmet_before_eur.standard_error);
    j.field("expected_unmet_after_eur", c.unmet_after_eur.mean);
    j.field("expected_unmet_after_se_eur", c.unmet_after_eur.standard_error);
    j.key("median_exhaustion_day_before");
    day(c.median_exhaustion_day_before);
    j.key("median_exhaustion_day_after");
    day(c.median_exhaustion_day_after);
    j.end_object();
  }
  j.end_array();
  j.key("national").begin_object();
  j.field("complementary_allocation_eur", static_cast<double>(report.complementary) * eur);
  j.field("expected_unmet_before_eur", report.unmet_before_eur.mean);
  j.field("expected_unmet_after_eur", report.unmet_after_eur.mean);
  j.field("expected_unmet_change_eur", report.unmet_change_eur.mean);
  j.field("expected_unmet_change_se_eur", report.unmet_change_eur.standard_error);
  j.field("p_no_region_exhausted_before", report.p_no_region_exhausted_before.mean);
  j.field("p_no_region_exhausted_after", report.p_no_region_exhausted_after.mean);
  j.field("held_out_replications", report.held_out_replications);
  j.field("held_out_expected_unmet_change_eur", report.held_out_unmet_change_eur.mean);
  j.field("held_out_expected_unmet_change_se_eur", report.held_out_unmet_change_eur.standard_error);
  j.field("held_out_p_no_region_exhausted_before", report.held_out_p_no_region_exhausted_before.mean);
  j.field("held_out_p_no_region_exhausted_after", report.held_out_p_no_region_exhausted_after.mean);
  j.field("within_noise", report.within_noise());
  j.field("p_additional_needed", report.p_additional_needed.mean);
  j.field("p_additional_needed_se", report.p_additional_needed.standard_error);
  j.quantile_euros("additional_needed", report.additional_needed_quantiles);
  for (const auto& [percent, d] : report.pool_runs_out_day_quantiles) {
    char name[48];
    std::snprintf(name, sizeof name, "pool_runs_out_day_q%02d", percent);
    j.key(name);
    day(d);
  }
  j.end_object();
  j.end_object();
  return j.str();
}

std::string recommendation_toml(const RecommendationReport& report, const std::string& run_file,
                                const std::string& as_run) {
  std::string out = "# The envelopes `fnesim recommend " + run_file + "` recommends (";
  out += objective_key(report.objective);
  out +=
      "), as a scenario.\n# It extends the scenario the run was made from, as\n"
      "#   fnesim inspect " +
      run_file + " --scenario > " + as_run +
      "\n"
      "# writes it. Each region's expected dossiers are pinned as the run had them:\n"
      "# stated nationally, they follow the regions' available amounts, and would\n"
      "# move with the envelopes (docs/recommend.md). Run it with another seed to\n"
      "# check the recommendation out of sample.\n";
  out += "extends = \"" + as_run + "\"\n";
  if (report.complementary > 0) {
    out += "\n[convention]\ntotal_envelope_eur = " + plain_euros(report.total_envelope_after) +
           "  # with the complementary allocation of " + plain_euros(report.complementary) + "\n";
  }
  for (const RegionComparison& c : report.regions) {
    out += "\n[convention.regions." + c.code + "]\nenvelope_eur = " + plain_euros(c.recommended_envelope) +
           "  # was " + plain_euros(c.current_envelope) + "\n";
    out +=
        "[demand.regions." + c.code + "]\nexpected_dossiers = " + format_shortest(c.expected_dossiers) + "\n";
  }
  return out;
}

}  // namespace fnesim
