// The run file's /sensitivity group (format 1.5, docs/hdf5-format.md): the
// indices, the tornado, and the design's raw outputs, so that a researcher
// can recompute every index with their own estimator.
#include "results/analysis/sensitivity.hpp"
#include "results/hdf5.hpp"

namespace fnesim {

void write_sensitivity_group(hdf5::File& file, const SensitivityAnalysis& a) {
  hdf5::Group group = file.create_group(
      "sensitivity", "Which assumptions matter: `fnesim sensitivity` (docs/sensitivity.md), format 1.5");
  group.set_string_attribute("method",
                             "Saltelli 2010 pick-freeze design; first order: Saltelli et al. 2010; total effect: "
                             "Jansen 1999; bootstrap percentile intervals");
  group.set_attribute<std::int64_t>("base_rows", a.base_rows);
  group.set_attribute<std::uint64_t>("seed", a.seed);
  group.set_attribute<std::int64_t>("bootstrap_resamples", a.sobol_options.bootstrap_resamples);
  group.set_attribute<double>("interval_level", a.sobol_options.interval_level);
  group.set_attribute<double>("tornado_low_quantile", a.tornado_low_quantile);
  group.set_attribute<double>("tornado_high_quantile", a.tornado_high_quantile);

  const auto O = static_cast<hsize_t>(a.output_names.size());
  const auto F = static_cast<hsize_t>(a.factors.size());
  const auto N = static_cast<hsize_t>(a.base_rows);
  {
    hdf5::Group outputs = group.create_group("outputs", "The per-replication outputs the indices are of");
    outputs.write_strings("name", a.output_names,
                          {"label", "output: additional_needed_eur, additional_needed_any, national_unmet_eur, "
                               "national_demand_eur, exhausted/<region>, exhaustion_day/<region> (window_days: "
                               "not exhausted)", "output"});
    std::vector<double> mean, variance;
    for (const SobolResult& r : a.sobol) {
      mean.push_back(r.mean);
      variance.push_back(r.variance);
    }
    outputs.write<double>("mean", mean, {O}, {"unit of the output", "mean over the rows of A and B", "output"});
    outputs.write<double>("variance", variance, {O},
                          {"square of the output's unit", "variance over the rows of A and B (the indices' denominator)",
                           "output"});
    outputs.close();
  }
  {
    hdf5::Group factors = group.create_group("factors", "The factors and groups the indices are of");
    std::vector<std::string> names, kinds, members;
    for (const SensitivityFactor& f : a.factors) {
      names.push_back(f.name);
      kinds.emplace_back(factor_kind_name(f.kind));
      std::string joined;
      for (const std::string& m : f.members) joined += (joined.empty() ? "" : ", ") + m;
      members.push_back(joined);
    }
    factors.write_strings("name", names, {"label", "a parameter's key path, profile, uptake, drift, dossiers, or a group",
                                          "factor"});
    factors.write_strings("kind", kinds, {"label", "parameter, profile, uptake, drift, dossiers or group", "factor"});
    factors.write_strings("members", members,
                          {"label", "what the factor moves: a group's factors, or parameters tied by the copula", "factor"});
    factors.close();
  }
  {
    hdf5::Group sobol = group.create_group("sobol", "Sobol indices, factor × output; NaN where the output is constant");
    const auto table = [&](const char* name, double SobolIndex::*member, const char* what) {
      std::vector<double> values(static_cast<std::size_t>(F * O));
      for (std::size_t f = 0; f < F; ++f)
        for (std::size_t o = 0; o < O; ++o) values[f * O + o] = a.sobol[o].indices[f].*member;
      sobol.write<double>(name, values, {F, O}, {"share", what, "factor × output"});
    };
    table("first_order", &SobolIndex::first_order, "first-order index (Saltelli 2010)");
    table("first_low", &SobolIndex::first_low, "first-order index, bootstrap interval's low end");
    table("first_high", &SobolIndex::first_high, "first-order index, bootstrap interval's high end");
    table("total_effect", &SobolIndex::total_effect, "total-effect index (Jansen 1999)");
    table("total_low", &SobolIndex::total_low, "total-effect index, bootstrap interval's low end");
    table("total_high", &SobolIndex::total_high, "total-effect index, bootstrap interval's high end");
    table("first_order_half", &SobolIndex::first_half, "first-order index on the first N/2 rows");
    table("first_order_quarter", &SobolIndex::first_quarter, "first-order index on the first N/4 rows");
    table("total_effect_half", &SobolIndex::total_half, "total-effect index on the first N/2 rows");
    table("total_effect_quarter", &SobolIndex::total_quarter, "total-effect index on the first N/4 rows");
    sobol.close();
  }
  {
    hdf5::Group tornado = group.create_group(
        "tornado", "One parameter at a time at its low and high value, the others drawn, on common random numbers");
    const auto S = static_cast<hsize_t>(a.statistic_names.size());
    const auto B = static_cast<hsize_t>(a.tornado.size());
    tornado.write_strings("statistic", a.statistic_names, {"label", "the statistic of the run", "statistic"});
    tornado.write<double>("baseline", a.baseline, {S}, {"unit of the statistic", "on the base rows", "statistic"});
    std::vector<std::string> parameters, sources;
    std::vector<double> low_value, high_value, low(B * S), high(B * S), low_se(B * S), high_se(B * S);
    for (std::size_t b = 0; b < B; ++b) {
      const TornadoBar& bar = a.tornado[b];
      parameters.push_back(bar.parameter);
      sources.push_back(bar.source);
      low_value.push_back(bar.low_value);
      high_value.push_back(bar.high_value);
      for (std::size_t s = 0; s < S; ++s) {
        low[b * S + s] = bar.low[s].value;
        high[b * S + s] = bar.high[s].value;
        low_se[b * S + s] = bar.low[s].standard_error;
        high_se[b * S + s] = bar.high[s].standard_error;
      }
    }
    tornado.write_strings("parameter", parameters, {"label", "key path", "bar"});
    tornado.write_strings("source", sources, {"label", "where the low and high values come from", "bar"});
    tornado.write<double>("low_value", low_value, {B}, {"unit of the scenario key", "the parameter's low value", "bar"});
    tornado.write<double>("high_value", high_value, {B}, {"unit of the scenario key", "the parameter's high value", "bar"});
    tornado.write<double>("low", low, {B, S}, {"unit of the statistic", "with the parameter at its low value", "bar × statistic"});
    tornado.write<double>("high", high, {B, S}, {"unit of the statistic", "with the parameter at its high value", "bar × statistic"});
    tornado.write<double>("low_se", low_se, {B, S},
                          {"unit of the statistic", "Monte-Carlo standard error of low − baseline, paired", "bar × statistic"});
    tornado.write<double>("high_se", high_se, {B, S},
                          {"unit of the statistic", "Monte-Carlo standard error of high − baseline, paired", "bar × statistic"});
    tornado.close();
  }
  {
    hdf5::Group design = group.create_group(
        "design", "The outputs of every design row: row j of A is replication j, of B replication N + j, of AB_i "
                  "replication j with factor i from replication N + j");
    design.write<double>("f_a", a.f_a, {N, O}, {"unit of the output", "outputs on the rows of A", "row × output"});
    design.write<double>("f_b", a.f_b, {N, O}, {"unit of the output", "outputs on the rows of B", "row × output"});
    std::vector<double> fab;
    fab.reserve(static_cast<std::size_t>(F * N * O));
    for (const std::vector<double>& rows : a.f_ab) fab.insert(fab.end(), rows.begin(), rows.end());
    design.write<double>("f_ab", fab, {F, N, O}, {"unit of the output", "outputs on the rows of AB_i", "factor × row × output"});
    design.close();
  }
  group.close();
}

}  // namespace fnesim
