#include "results/analysis/sensitivity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "results/format.hpp"
#include "results/json.hpp"
#include "results/output_file.hpp"
#include "results/text_table.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

// The column of output `o` of a row-major rows × width table.
std::vector<double> column(std::span<const double> table, std::int64_t rows, std::size_t width, std::size_t o) {
  std::vector<double> out(static_cast<std::size_t>(rows));
  for (std::size_t j = 0; j < out.size(); ++j) out[j] = table[j * width + o];
  return out;
}

double mean_of(const std::vector<double>& x) {
  double sum = 0;
  for (double v : x) sum += v;
  return x.empty() ? std::nan("") : sum / static_cast<double>(x.size());
}

// As the run's summary reads its quantiles: the inverted empirical CDF.
double quantile_of(std::vector<double> x, int percent) {
  std::sort(x.begin(), x.end());
  return quantile_inverted_cdf<double>(x, percent);
}

// What each statistic is: a mean of an output column, or a quantile of one.
struct StatisticDefinition {
  std::size_t output;
  int percent;  // 0: the mean
};

std::vector<StatisticDefinition> statistic_definitions(int regions) {
  const auto R = static_cast<std::size_t>(regions);
  namespace at = analysed_column;
  std::vector<StatisticDefinition> defs{{at::additional_needed_any, 0},
                                        {at::additional_needed_eur, 90},
                                        {at::national_unmet_eur, 0},
                                        {at::national_demand_eur, 0}};
  for (std::size_t r = 0; r < R; ++r) {
    defs.push_back({at::exhausted(r), 0});
    defs.push_back({at::exhaustion_day(r), 50});
  }
  return defs;
}

std::size_t width_for(int regions) { return analysed_column::count(static_cast<std::size_t>(regions)); }

std::string percent_text(double p) {
  if (std::isnan(p)) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3f", p);
  return buffer;
}

std::string index_text(double value, double low, double high) {
  if (std::isnan(value)) return "–";
  if (std::isnan(low) || std::isnan(high)) {  // a resample without variance: no interval
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.2f [–]", value);
    return buffer;
  }
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f [%.2f, %.2f]", value, low, high);
  return buffer;
}

std::string meur_text(double eur) {
  if (std::isnan(eur)) return "–";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", eur / 1e6);
  return buffer;
}

std::string format_fixed(double x, int decimals) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
  return buffer;
}

// `digits` significant figures, but every whole digit of a value from 10^digits
// on: 6147 → 13818, not 6147 → 1.382e+04.
std::string format_significant(double x, int digits) {
  char buffer[48];
  if (std::abs(x) >= std::pow(10.0, digits) && std::abs(x) < 1e15)
    std::snprintf(buffer, sizeof buffer, "%.0f", x);
  else
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, x);
  return buffer;
}

std::size_t index_of(const std::vector<std::string>& names, std::string_view name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

std::vector<std::string> tornado_statistic_names(const Scenario& scenario) {
  std::vector<std::string> names{"p_additional_needed", "additional_needed_q90_eur", "expected_national_unmet_eur",
                                 "mean_national_demand_eur"};
  for (const Region& region : scenario.convention.regions) {
    names.push_back("p_exhausted/" + region.code);
    names.push_back("median_exhaustion_day/" + region.code);
  }
  return names;
}

std::vector<double> tornado_statistics(std::span<const double> outputs, std::int64_t rows, int regions) {
  const std::size_t width = width_for(regions);
  std::vector<double> out;
  for (const StatisticDefinition& d : statistic_definitions(regions)) {
    const std::vector<double> x = column(outputs, rows, width, d.output);
    out.push_back(d.percent == 0 ? mean_of(x) : quantile_of(x, d.percent));
  }
  return out;
}

std::vector<PairedEffect> tornado_effects(std::span<const double> outputs, std::span<const double> baseline,
                                          std::int64_t rows, int regions,
                                          std::vector<double>* own_standard_errors) {
  const std::size_t width = width_for(regions);
  std::vector<PairedEffect> out;
  if (own_standard_errors != nullptr) own_standard_errors->clear();
  const std::vector<double> zeros(own_standard_errors != nullptr ? static_cast<std::size_t>(rows) : 0, 0.0);
  for (const StatisticDefinition& d : statistic_definitions(regions)) {
    const std::vector<double> x = column(outputs, rows, width, d.output);
    const std::vector<double> b = column(baseline, rows, width, d.output);
    if (d.percent == 0) {
      out.push_back(paired_mean_effect(x, b));
      if (own_standard_errors != nullptr)
        own_standard_errors->push_back(paired_mean_effect(x, zeros).standard_error);
    } else {
      double own = 0;
      out.push_back(
          paired_quantile_effect(x, b, d.percent, paired_quantile_resamples, paired_quantile_seed, &own));
      if (own_standard_errors != nullptr) own_standard_errors->push_back(own);
    }
  }
  return out;
}

std::vector<SobolResult> sobol_of_outputs(const SensitivityAnalysis& a) {
  const std::size_t width = a.output_names.size();
  std::vector<SobolResult> out;
  for (std::size_t o = 0; o < width; ++o) {
    const std::vector<double> fa = column(a.f_a, a.base_rows, width, o), fb = column(a.f_b, a.base_rows, width, o);
    std::vector<std::vector<double>> fab;
    for (const std::vector<double>& moved : a.f_ab) fab.push_back(column(moved, a.base_rows, width, o));
    std::vector<std::span<const double>> spans(fab.begin(), fab.end());
    out.push_back(sobol_indices(fa, fb, spans, a.sobol_options));
  }
  return out;
}

void sort_tornado(std::vector<TornadoBar>& bars) {
  // The statistics' order is tornado_statistic_names': 0 is P(additional needed), 3 the mean demand.
  const auto swing = [](const TornadoBar& bar, std::size_t s) {
    const double w = std::abs(bar.high[s].value - bar.low[s].value);
    return std::isnan(w) ? 0.0 : w;
  };
  std::stable_sort(bars.begin(), bars.end(), [&](const TornadoBar& x, const TornadoBar& y) {
    if (swing(x, 0) != swing(y, 0)) return swing(x, 0) > swing(y, 0);
    return swing(x, 3) > swing(y, 3);
  });
}

std::string render_sensitivity(const SensitivityAnalysis& a) {
  std::ostringstream out;
  out << "Which assumptions matter — " << a.scenario_name << ", " << a.base_rows << " base rows, seed " << a.seed
      << " (" << a.simulated_rows << " replications simulated in " << format_fixed(a.seconds, 1) << " s on "
      << (a.ranks > 1 ? std::to_string(a.ranks) + " ranks × " : std::string()) << a.threads
      << (a.threads == 1 ? " thread" : " threads") << ")\n\n";
  const std::vector<std::pair<std::string, std::string>> headline{
      {"additional_needed_any", "P(additional allocation needed)"},
      {"national_demand_eur", "national demand"},
      {"national_unmet_eur", "national unmet demand"}};
  for (const auto& [name, label] : headline) {
    const std::size_t o = index_of(a.output_names, name);
    const SobolResult& r = a.sobol[o];
    // The mean over the base rows and B; the tornado's baseline is over the
    // base rows alone (its bars re-run them): two estimates, said apart.
    out << "Sobol indices of " << label << " (mean "
        << (name == "additional_needed_any" ? percent_text(r.mean) : meur_text(r.mean) + " M EUR")
        << " over the " << 2 * a.base_rows
        << " rows of the base rows and B), first order and total effect with their "
        << format_fixed(100 * a.sobol_options.interval_level, 0) << " % bootstrap intervals:\n";
    TextTable table;
    table.add_column("factor", TextTable::Align::Left);
    table.add_column("first order");
    table.add_column("total effect");
    table.add_column("N/2 → N");
    for (std::size_t f = 0; f < a.factors.size(); ++f) {
      const SobolIndex& s = r.indices[f];
      const SensitivityFactor& factor = a.factors[f];
      std::string name_text = factor.name;
      if (factor.kind == FactorKind::Group) name_text += " (group)";
      if (factor.kind == FactorKind::Dossiers) name_text += " (the dossiers' own randomness)";
      if (factor.kind == FactorKind::Parameter && factor.members.size() > 1)
        name_text += " (+" + std::to_string(factor.members.size() - 1) + " tied)";
      table.add_row({name_text, index_text(s.first_order, s.first_low, s.first_high),
                     index_text(s.total_effect, s.total_low, s.total_high),
                     std::isnan(s.total_effect)
                         ? "–"
                         // The first half's rows may all give one value (no variance: no index).
                         : (std::isnan(s.total_half) ? std::string("–") : format_fixed(s.total_half, 2)) +
                               " → " + format_fixed(s.total_effect, 2)});
    }
    out << table.render() << '\n';
  }
  if (!a.tornado.empty()) {
    struct TornadoOutput {
      std::size_t statistic;  // in statistic_definitions' order
      const char* label;
      bool money;
    };
    // A named struct, not a structured binding: clang before 16 cannot capture bindings in the lambdas below.
    for (const TornadoOutput& output : {TornadoOutput{0, "P(additional allocation needed)", false},
                                        TornadoOutput{3, "mean national demand, M EUR", true}}) {
      const std::size_t s = output.statistic;
      const bool money = output.money;
      const char* const label = output.label;
      out << "Tornado of " << label << " (baseline "
          << (money ? meur_text(a.baseline[s]) : percent_text(a.baseline[s])) << " over the " << a.base_rows
          << " base rows), each parameter at its low and high value, the others drawn; ± one Monte-Carlo "
             "standard error "
             "of the difference from the baseline, paired:\n";
      TextTable table;
      table.add_column("parameter", TextTable::Align::Left);
      table.add_column("low → high value");
      table.add_column("at low");
      table.add_column("at high");
      std::vector<const TornadoBar*> bars;
      for (const TornadoBar& bar : a.tornado) bars.push_back(&bar);
      const auto swing = [&](const TornadoBar* bar) {
        const double w = std::abs(bar->high[s].value - bar->low[s].value);
        return std::isnan(w) ? 0.0 : w;  // a strict weak ordering, NaN or not
      };
      std::stable_sort(bars.begin(), bars.end(),
                       [&](const TornadoBar* x, const TornadoBar* y) { return swing(x) > swing(y); });
      for (const TornadoBar* bar : bars) {
        const auto cell = [&](const PairedEffect& e) {
          return (money ? meur_text(e.value) : percent_text(e.value)) + " ± " +
                 (money ? meur_text(e.standard_error) : percent_text(e.standard_error));
        };
        table.add_row({bar->parameter, format_significant(bar->low_value, 4) + " → " + format_significant(bar->high_value, 4),
                       cell(bar->low[s]), cell(bar->high[s])});
      }
      out << table.render() << '\n';
    }
  }
  return out.str();
}

std::string sensitivity_json(const SensitivityAnalysis& a) {
  JsonWriter json;
  json.begin_object();
  json.field("scenario", a.scenario_name).field("seed", a.seed).field("base_rows", a.base_rows);
  json.field("method", std::string_view("Saltelli 2010 pick-freeze design; first order: Saltelli et al. 2010; "
                                        "total effect: Jansen 1999; bootstrap percentile intervals"));
  json.field("interval_level", a.sobol_options.interval_level)
      .field("bootstrap_resamples", static_cast<std::int64_t>(a.sobol_options.bootstrap_resamples));
  json.field("simulated_rows", a.simulated_rows).field("seconds", a.seconds).field("threads", a.threads).field("ranks", a.ranks);
  json.key("factors").begin_array();
  for (const SensitivityFactor& f : a.factors) {
    json.begin_object().field("name", f.name).field("kind", factor_kind_name(f.kind));
    json.key("members").begin_array();
    for (const std::string& m : f.members) json.value(m);
    json.end_array().end_object();
  }
  json.end_array();
  json.key("sobol").begin_object();
  for (std::size_t o = 0; o < a.output_names.size(); ++o) {
    const SobolResult& r = a.sobol[o];
    json.key(a.output_names[o]).begin_object().field("mean", r.mean).field("variance", r.variance);
    json.key("indices").begin_object();
    for (std::size_t f = 0; f < a.factors.size(); ++f) {
      const SobolIndex& s = r.indices[f];
      json.key(a.factors[f].name).begin_object();
      json.field("first_order", s.first_order).field("first_low", s.first_low).field("first_high", s.first_high);
      json.field("total_effect", s.total_effect).field("total_low", s.total_low).field("total_high", s.total_high);
      json.field("first_order_half", s.first_half).field("total_effect_half", s.total_half);
      json.end_object();
    }
    json.end_object().end_object();
  }
  json.end_object();
  json.key("tornado").begin_object();
  json.key("baseline").begin_object();
  for (std::size_t s = 0; s < a.statistic_names.size(); ++s) json.field(a.statistic_names[s], a.baseline[s]);
  json.end_object();
  json.key("bars").begin_array();
  for (const TornadoBar& bar : a.tornado) {
    json.begin_object().field("parameter", bar.parameter).field("low_value", bar.low_value);
    json.field("high_value", bar.high_value).field("source", bar.source);
    for (const auto& [which, effects] : {std::pair{"low", &bar.low}, std::pair{"high", &bar.high}}) {
      json.key(which).begin_object();
      for (std::size_t s = 0; s < a.statistic_names.size(); ++s)
        json.key(a.statistic_names[s])
            .begin_object()
            .field("value", (*effects)[s].value)
            .field("difference", (*effects)[s].difference)
            .field("standard_error", (*effects)[s].standard_error)
            .end_object();
      json.end_object();
    }
    json.end_object();
  }
  json.end_array().end_object();
  json.end_object();
  return json.str() + "\n";
}

std::vector<std::filesystem::path> sensitivity_csv_targets(const std::filesystem::path& directory) {
  return {directory / "sobol.csv", directory / "tornado.csv"};
}

void write_sensitivity_csv(const SensitivityAnalysis& a, const std::filesystem::path& directory,
                           OutputSet& outputs) {
  const auto number = [](double x) { return std::isnan(x) ? std::string() : format_shortest(x); };
  std::string sobol = "output,factor,kind,first_order,first_low,first_high,total_effect,total_low,total_high,"
                      "first_order_half,total_effect_half\n";
  for (std::size_t o = 0; o < a.output_names.size(); ++o)
    for (std::size_t f = 0; f < a.factors.size(); ++f) {
      const SobolIndex& s = a.sobol[o].indices[f];
      sobol += a.output_names[o] + "," + a.factors[f].name + "," + std::string(factor_kind_name(a.factors[f].kind)) +
               "," + number(s.first_order) + "," + number(s.first_low) + "," + number(s.first_high) + "," +
               number(s.total_effect) + "," + number(s.total_low) + "," + number(s.total_high) + "," +
               number(s.first_half) + "," + number(s.total_half) + "\n";
    }
  std::string tornado = "parameter,source,statistic,baseline,low_value,high_value,at_low,at_low_se,at_high,at_high_se\n";
  for (const TornadoBar& bar : a.tornado)
    for (std::size_t s = 0; s < a.statistic_names.size(); ++s)
      tornado += bar.parameter + "," + bar.source + "," + a.statistic_names[s] + "," + number(a.baseline[s]) + "," +
                 number(bar.low_value) + "," + number(bar.high_value) + "," + number(bar.low[s].value) + "," +
                 number(bar.low[s].standard_error) + "," + number(bar.high[s].value) + "," +
                 number(bar.high[s].standard_error) + "\n";
  const std::vector<std::filesystem::path> targets = sensitivity_csv_targets(directory);
  outputs.make_directory(directory);
  outputs.add_text(targets[0], sobol);
  outputs.add_text(targets[1], tornado);
}

}  // namespace fnesim
