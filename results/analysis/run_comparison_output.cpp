// The report of `fnesim compare`: the text tables and the JSON document
// (docs/compare.md).
#include <cmath>
#include <cstdio>

#include "results/analysis/run_comparison.hpp"
#include "results/json.hpp"
#include "results/text_table.hpp"

namespace fnesim {
namespace {

std::string format(const char* pattern, double value) {
  char text[64];
  std::snprintf(text, sizeof text, pattern, value);
  return text;
}

std::string signed_days(std::int32_t days) {
  char text[32];
  std::snprintf(text, sizeof text, "%+d", days);
  return text;
}

std::string p_value_text(const MeanComparison& m) {
  if (!m.p_value) return "—";
  if (*m.p_value < 1e-4) return "<0.0001";
  return format("%.4f", *m.p_value);
}

std::string significance_text(const MeanComparison& m) {
  // No standard error: a run of one replication, or of years on one prior draw.
  if (!m.p_value) return std::isnan(m.standard_error) ? "no test" : "identical";
  return m.significant ? "yes" : "no";
}

std::string date_text(const RunComparison& c, const std::optional<std::int32_t>& day) {
  return day ? c.a.commitment_start.plus_days(*day).iso() : "not exhausted";
}

std::string interval_text(const MedianDayComparison& m) {
  if (!m.difference) return "";
  if (!m.has_interval) return "n/a";
  // An unbounded end is open.
  std::string text = m.interval_low ? "[" : "(";
  text += m.interval_low ? signed_days(*m.interval_low) : "-inf";
  text += ", ";
  text += m.interval_high ? signed_days(*m.interval_high) : "+inf";
  text += m.interval_high ? "]" : ")";
  return text;
}

void add_mean_row(TextTable& table, const std::string& label, const MeanComparison& m, double scale) {
  table.add_row({label, format("%.3f", m.a * scale), format("%.3f", m.b * scale),
                 format("%+.3f", m.difference * scale),
                 std::isnan(m.standard_error) ? std::string("n/a") : format("%.3f", m.standard_error * scale),
                 p_value_text(m), significance_text(m)});
}

TextTable mean_table(const char* first_column) {
  TextTable table;
  table.add_column(first_column, TextTable::Align::Left);
  table.add_column("A");
  table.add_column("B");
  table.add_column("B - A");
  table.add_column("SE");
  table.add_column("p");
  table.add_column("Significant", TextTable::Align::Left);
  return table;
}

void json_mean(JsonWriter& j, std::string_view name, const MeanComparison& m) {
  j.key(name).begin_object();
  j.field("a", m.a);
  j.field("b", m.b);
  j.field("difference", m.difference);
  j.field("standard_error", m.standard_error);
  j.field("p_value", m.p_value);
  j.field("significant", m.significant);
  j.end_object();
}

void json_median(JsonWriter& j, std::string_view name, const MedianDayComparison& m, Date start) {
  auto date = [&](const std::optional<std::int32_t>& day) -> JsonWriter& {
    return day ? j.value(start.plus_days(*day).iso()) : j.null();
  };
  j.key(name).begin_object();
  j.field("a_day", m.a);
  j.key("a_date");
  date(m.a);
  j.field("b_day", m.b);
  j.key("b_date");
  date(m.b);
  j.field("difference_days", m.difference);
  j.key("interval_days");
  if (m.difference && m.has_interval) {
    j.begin_object();
    j.field("low", m.interval_low);
    j.field("high", m.interval_high);
    j.end_object();
  } else {
    j.null();
  }
  j.end_object();
}

void json_identity(JsonWriter& j, std::string_view name, const RunIdentity& run) {
  j.key(name).begin_object();
  j.field("file", run.file);
  j.field("scenario", run.scenario_name);
  j.field("scenario_sha256", run.scenario_sha256);
  j.key("seed").value(run.seed);
  j.field("replications", run.replications);
  j.field("commitment_start", run.commitment_start.iso());
  j.key("forecast_from");
  if (run.forecast_from) {
    j.begin_object();
    j.field("actuals", run.forecast_from->actuals_file);
    j.field("actuals_sha256", run.forecast_from->actuals_sha256);
    j.field("as_of", run.forecast_from->as_of.iso());
    j.end_object();
  } else {
    j.null();
  }
  j.end_object();
}

}  // namespace

std::string render_comparison_table(const RunComparison& c) {
  std::string out = "fnesim compare\n";
  // Built as a string: a path or a scenario name has no length limit.
  auto identity = [&](const char* label, const RunIdentity& run) {
    out += std::string("  ") + label + ": " + run.file + " — " + run.scenario_name + ", " +
           std::to_string(run.replications) + " replications, seed " + std::to_string(run.seed) + "\n";
  };
  identity("A", c.a);
  identity("B", c.b);
  for (const auto& [label, run] : {std::pair{"A", &c.a}, std::pair{"B", &c.b}})
    if (run->forecast_from)
      out += std::string("  ") + label + " is a forecast from actuals: " + run->forecast_from->actuals_file +
             ", cut-off " + run->forecast_from->as_of.iso() + "\n";
  if (c.a.scenario_sha256 == c.b.scenario_sha256) {
    // A forecast's scenario is the prior the actuals were weighed against:
    // the same file, another starting point, is not the same run's scenario.
    if (c.a.forecast_from == c.b.forecast_from)
      out += "  (the same scenario: equal SHA-256)\n";
    else
      out +=
          "  (the same scenario file, equal SHA-256, but not the same starting point: the differences "
          "include what the actuals observed)\n";
  }
  out += '\n';
  if (c.design == PairingDesign::Paired) {
    out += "Design: PAIRED — ";
    out += c.design_reason;
    out +=
        " (common random numbers):\n  replication i of B is set against replication i of A, and the standard "
        "error is that of the mean difference.\n";
  } else {
    out += "Design: UNPAIRED — ";
    out += c.design_reason;
    if (c.shared_replications > 0)
      out +=
          ":\n  Welch's standard error and degrees of freedom, as for independent samples — but the first " +
          std::to_string(c.shared_replications) +
          " replications of each drew the same random numbers, so the error is usually overstated and the "
          "test "
          "conservative; the same replication count would pair them.\n";
    else
      out += ":\n  the runs are independent samples (Welch's standard error and degrees of freedom).\n";
  }
  if (c.clusters_a > 0 || c.clusters_b > 0) {
    const auto shared = [](const RunIdentity& run, std::int64_t clusters) {
      return clusters > 0 ? std::to_string(run.replications) + " replications on " +
                                (clusters == 1 ? std::string("a single prior draw")
                                               : std::to_string(clusters) + " prior draws")
                          : "independent replications";
    };
    out +=
        "  Forecasts whose replications share the particles' prior draws (A: " + shared(c.a, c.clusters_a) +
        "; B: " + shared(c.b, c.clusters_b) +
        "):\n  each standard error is clustered by draw, the years sharing one counted as one.\n";
    if (c.clustered_by_particle)
      out +=
          "  A run written before format 1.9 does not record which particles copy one draw: its years are "
          "clustered by particle, which can still understate its errors; run it again to cluster by draw.\n";
  }
  char text[512];
  if (c.tests > 0)
    std::snprintf(
        text, sizeof text,
        "Test: two-sided Student t on each difference of means, Holm's correction over the %d tests "
        "below;\n  \"yes\" = significant at a family-wise level of %g %% (the chance of any false "
        "alarm when nothing differs).\n\n",
        c.tests, 100 * c.options.family_wise_level);
  else if (std::isnan(c.national.p_additional_needed.standard_error))
    // Every figure of a run shares its independent units: none in one, none in all.
    std::snprintf(text, sizeof text,
                  "Test: none — a run of one replication, or whose years all share one prior draw, has no "
                  "standard error to test a difference with.\n\n");
  else
    std::snprintf(text, sizeof text, "Test: none — the runs agree in every replication.\n\n");
  out += text;

  TextTable p = mean_table("P(exhausted)");
  for (const RegionComparison& r : c.regions) add_mean_row(p, r.name, r.p_exhausted, 1);
  p.add_rule();
  add_mean_row(p, "National: P(additional needed)", c.national.p_additional_needed, 1);
  out += p.render();

  out += '\n';
  TextTable unmet = mean_table("Expected unmet (M EUR)");
  for (const RegionComparison& r : c.regions) add_mean_row(unmet, r.name, r.unmet_eur, 1e-6);
  unmet.add_rule();
  add_mean_row(unmet, "National", c.national.unmet_eur, 1e-6);
  add_mean_row(unmet, "National: additional needed", c.national.additional_needed_eur, 1e-6);
  out += unmet.render();

  out += '\n';
  TextTable dates;
  dates.add_column("Median exhaustion date", TextTable::Align::Left);
  dates.add_column("A", TextTable::Align::Left);
  dates.add_column("B", TextTable::Align::Left);
  dates.add_column("B - A (days)");
  std::snprintf(text, sizeof text, "%g %% bootstrap interval", 100 * c.options.interval_level);
  dates.add_column(text, TextTable::Align::Left);
  auto add_date_row = [&](const std::string& label, const MedianDayComparison& m) {
    dates.add_row({label, date_text(c, m.a), date_text(c, m.b),
                   m.difference ? signed_days(*m.difference) : "n/a", interval_text(m)});
  };
  for (const RegionComparison& r : c.regions) add_date_row(r.name, r.median_exhaustion_day);
  dates.add_rule();
  add_date_row("National: pool falls short", c.national.median_additional_needed_day);
  out += dates.render();
  std::snprintf(text, sizeof text,
                "Median dates: %s bootstrap, %d resamples (seed %llu), an interval and no significance test; "
                "\"not exhausted\": beyond the window in at least half the years.\n",
                c.design == PairingDesign::Paired ? "paired" : "unpaired", c.options.bootstrap_resamples,
                static_cast<unsigned long long>(c.options.bootstrap_seed));
  out += text;
  return out;
}

std::string comparison_json(const RunComparison& c) {
  JsonWriter j;
  j.begin_object();
  json_identity(j, "a", c.a);
  json_identity(j, "b", c.b);
  j.field("design", c.design == PairingDesign::Paired ? "paired" : "unpaired");
  j.field("design_reason", c.design_reason);
  j.field("shared_replications", c.shared_replications);
  // Forecasts weighing particles: the prior draws by which each run's standard errors are clustered.
  const auto clusters = [&](const char* name, std::int64_t count) {
    j.key(name);
    count > 0 ? j.value(count) : j.null();
  };
  clusters("standard_error_clusters_a", c.clusters_a);
  clusters("standard_error_clusters_b", c.clusters_b);
  j.key("test").begin_object();
  j.field("statistic", c.design == PairingDesign::Paired ? "paired Student t" : "Welch t");
  j.field("sides", 2);
  j.field("multiplicity_correction", "holm");
  j.field("family_wise_level", c.options.family_wise_level);
  j.field("tests", c.tests);
  j.end_object();
  j.key("median_interval").begin_object();
  j.field("method",
          c.design == PairingDesign::Paired ? "paired bootstrap percentile" : "bootstrap percentile");
  j.field("level", c.options.interval_level);
  j.field("resamples", c.options.bootstrap_resamples);
  j.key("seed").value(c.options.bootstrap_seed);
  j.end_object();
  j.key("regions").begin_array();
  for (const RegionComparison& r : c.regions) {
    j.begin_object();
    j.field("code", r.code);
    j.field("name", r.name);
    json_mean(j, "p_exhausted", r.p_exhausted);
    json_median(j, "median_exhaustion_day", r.median_exhaustion_day, c.a.commitment_start);
    json_mean(j, "unmet_eur", r.unmet_eur);
    j.end_object();
  }
  j.end_array();
  j.key("national").begin_object();
  json_mean(j, "p_additional_needed", c.national.p_additional_needed);
  json_median(j, "median_additional_needed_day", c.national.median_additional_needed_day,
              c.a.commitment_start);
  json_mean(j, "unmet_eur", c.national.unmet_eur);
  json_mean(j, "additional_needed_eur", c.national.additional_needed_eur);
  j.end_object();
  j.end_object();
  std::string text = j.str();
  text += '\n';
  return text;
}

}  // namespace fnesim
