// Section [uncertainty]: parameters drawn once per replication
// (models/uncertainty.hpp), checked against what each parameter may be
// (sim/scenario/uncertain_parameters.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "sim/scenario/correlation.hpp"
#include "sim/scenario/sections.hpp"
#include "sim/scenario/uncertain_parameters.hpp"

namespace fnesim::scenario_detail {

namespace {

// What a distribution's parameters may be, beyond their signs (read_distribution says why).
using limits::min_cv;
constexpr double min_beta_shape = 1e-3, max_beta_shape = 1e6;

constexpr double psd_tolerance = 1e-10;

std::optional<Distribution> read_distribution(TableReader& table) {
  const auto kind = table.choice("distribution", distribution_keys, true);
  if (!kind) {
    table.finish();
    return std::nullopt;
  }
  Distribution d;
  d.kind = static_cast<DistributionKind>(*kind);
  bool ok = true;
  // Keys of another distribution: an error when written beside this one,
  // dropped when inherited from a file that chose another distribution.
  static constexpr std::array<std::array<std::string_view, 3>, 8> keys_of = {{
      {"mean", "sd", ""}, {"mean", "cv", ""}, {"mean", "cv", ""}, {"alpha", "beta", ""},
      {"min", "max", ""}, {"min", "mode", "max"}, {"min", "mode", "max"}, {"values", "weights", ""}}};
  const auto& own = keys_of[static_cast<std::size_t>(d.kind)];
  std::set<std::string_view> others;
  for (const auto& other : keys_of)
    for (std::string_view key : other)
      if (!key.empty() && std::find(own.begin(), own.end(), key) == own.end()) others.insert(key);
  for (std::string_view key : others)
    reject_if_written(table, key, "distribution",
                      "is not a parameter of a " + std::string(distribution_keys[*kind]) + " distribution");
  auto need = [&](std::string_view key, Bounds bounds) {
    const auto v = table.number(key, bounds, true);
    ok &= v.has_value();
    return v.value_or(0);
  };
  switch (d.kind) {
    case DistributionKind::Normal:
      d.a = need("mean", {});
      d.b = need("sd", Bounds::above(0));
      if (ok && !std::isfinite(std::abs(d.a) + Distribution::normal_truncation_sd * d.b)) {
        table.error("sd", "reaches beyond the largest number (mean ± " +
                              format_number(Distribution::normal_truncation_sd) + " sd is drawn)");
        ok = false;
      }
      break;
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
      d.a = need("mean", Bounds::above(0));
      // Bounded as every other CV of a scenario: cv = 25, meant as 25 %, is refused, not run. Below
      // 10^-6 the quantile functions fail (a scale of 0): a value that sure is a stated value.
      d.b = need("cv", Bounds::closed(min_cv, limits::max_cv));
      break;
    case DistributionKind::Beta:
      // Beyond 10^6 the quantile function takes minutes (a Beta that narrow is a stated value);
      // below 10^-3 all its mass sits on 0 or 1.
      d.a = need("alpha", Bounds::closed(min_beta_shape, max_beta_shape));
      d.b = need("beta", Bounds::closed(min_beta_shape, max_beta_shape));
      break;
    case DistributionKind::Uniform:
      d.a = need("min", {});
      d.b = need("max", {});
      if (ok && !(d.a < d.b && std::isfinite(d.b - d.a))) {
        table.error("max", "must exceed min (" + format_number(d.a) + ") by a finite range, found " +
                               format_number(d.b));
        ok = false;
      }
      break;
    case DistributionKind::Triangular:
    case DistributionKind::Pert:
      d.a = need("min", {});
      d.b = need("mode", {});
      d.c = need("max", {});
      if (ok && !(d.a <= d.b && d.b <= d.c && d.a < d.c && std::isfinite(d.c - d.a))) {
        table.error("mode", "needs min ≤ mode ≤ max with min < max and a finite range, found " +
                                format_number(d.a) + ", " + format_number(d.b) + ", " + format_number(d.c));
        ok = false;
      }
      break;
    case DistributionKind::Discrete: {
      const MergedEntry* values = table.entry("values");
      const MergedEntry* weights = table.entry("weights");
      const toml::array* v = values && values->value ? values->value->as_array() : nullptr;
      const toml::array* w = weights && weights->value ? weights->value->as_array() : nullptr;
      if (v == nullptr || w == nullptr || v->empty() || v->size() != w->size()) {
        table.error_here("a discrete distribution needs `values` and `weights`, two arrays of numbers of the same "
                         "non-zero length");
        ok = false;
        break;
      }
      for (std::size_t i = 0; i < v->size(); ++i) {
        const auto x = read_number(*v->get(i), table.key_path("values") + "[" + std::to_string(i) + "]",
                                   table.context());
        const auto p = read_number(*w->get(i), table.key_path("weights") + "[" + std::to_string(i) + "]",
                                   table.context());
        if (p && *p < 0) {
          table.context().diagnostics.add(w->get(i)->source(),
                                          table.key_path("weights") + "[" + std::to_string(i) + "]",
                                          "must be ≥ 0, found " + format_number(*p));
          ok = false;
        }
        ok &= x.has_value() && p.has_value();
        d.values.push_back(x.value_or(0));
        d.weights.push_back(p.value_or(0));
      }
      if (ok && !normalise_relative(d.weights)) {
        table.error("weights", "sum to 0");
        ok = false;
      }
      break;
    }
  }
  table.finish();
  if (!ok) return std::nullopt;
  return d;
}

// `correlations = [{ between = ["a", "b"], rho = 0.3 }, ...]`. `declared`:
// every key of [uncertainty.parameters], loaded or not — one refused has had
// its own say, and is not said again as missing.
void read_correlations(TableReader& section, UncertaintyModel& out,
                       const std::set<std::string, std::less<>>& declared) {
  const auto n = static_cast<Eigen::Index>(out.parameters.size());
  out.correlation = Eigen::MatrixXd::Identity(n, n);
  const MergedEntry* e = section.entry("correlations");
  if (e == nullptr) return;
  const std::string path = section.key_path("correlations");
  ReadContext& ctx = section.context();
  const toml::array* items = e->value ? e->value->as_array() : nullptr;
  if (items == nullptr) {
    section.error("correlations", "expected an array of { between = [\"path\", \"path\"], rho = ... }");
    return;
  }
  std::map<std::string, Eigen::Index, std::less<>> index;
  for (Eigen::Index i = 0; i < n; ++i) index[out.parameters[static_cast<std::size_t>(i)].path] = i;
  bool ok = true;
  std::map<std::pair<Eigen::Index, Eigen::Index>, std::size_t> given;  // a pair → the item that gave it
  for (std::size_t k = 0; k < items->size(); ++k) {
    const toml::node& item = *items->get(k);
    const std::string item_path = path + "[" + std::to_string(k) + "]";
    const toml::table* t = item.as_table();
    const toml::array* between = t && t->get("between") ? t->get("between")->as_array() : nullptr;
    const toml::node* rho_node = t ? t->get("rho") : nullptr;
    if (t == nullptr || between == nullptr || between->size() != 2 || rho_node == nullptr || t->size() != 2) {
      ctx.diagnostics.add(item.source(), item_path,
                          "expected { between = [\"path\", \"path\"], rho = ... } naming two uncertain parameters");
      ok = false;
      continue;
    }
    std::array<Eigen::Index, 2> ends{-1, -1};
    for (std::size_t j = 0; j < 2; ++j) {
      const auto name = read_string(*between->get(j), item_path + ".between[" + std::to_string(j) + "]", ctx);
      if (!name) {
        ok = false;
        continue;
      }
      const auto found = index.find(*name);
      if (found == index.end() && declared.contains(*name)) {
        ok = false;
        continue;
      }
      if (found == index.end()) {
        ctx.diagnostics.add(between->get(j)->source(), item_path + ".between[" + std::to_string(j) + "]",
                            "'" + *name + "' is not among [uncertainty.parameters]");
        ok = false;
        continue;
      }
      ends[j] = found->second;
    }
    const auto rho = read_number(*rho_node, item_path + ".rho", ctx);
    if (rho && (*rho < -1 || *rho > 1)) {
      ctx.diagnostics.add(rho_node->source(), item_path + ".rho",
                          "a correlation must be in [-1, 1], found " + format_number(*rho));
      ok = false;
      continue;
    }
    if (!rho || ends[0] < 0 || ends[1] < 0) {
      ok = false;
      continue;
    }
    if (ends[0] == ends[1]) {
      ctx.diagnostics.add(item.source(), item_path, "names the same parameter twice");
      ok = false;
      continue;
    }
    // A pair given twice: one of the two would be silently dropped.
    const auto [first, inserted] = given.emplace(std::minmax(ends[0], ends[1]), k);
    if (!inserted) {
      ctx.diagnostics.add(item.source(), item_path,
                          "gives the correlation of these two parameters again (first in " + path + "[" +
                              std::to_string(first->second) + "])");
      ok = false;
      continue;
    }
    out.correlation(ends[0], ends[1]) = out.correlation(ends[1], ends[0]) = *rho;
  }
  if (!ok) return;
  const double lambda = smallest_eigenvalue(out.correlation);
  if (lambda < -psd_tolerance) {
    std::vector<std::string> labels;
    for (const UncertainParameter& p : out.parameters) labels.push_back(p.path);
    section.error(
        "correlations",
        "are not a valid correlation matrix: it is not positive semidefinite (smallest eigenvalue " +
            format_number(lambda) +
            "), so no set of parameters can have these correlations. The nearest valid correlation "
            "matrix (Higham 2002), as pairs to paste in place of these:\n" +
            correlation_pairs_as_toml(nearest_correlation_matrix(out.correlation, 1e-6), labels));
  }
}

}  // namespace

void parse_uncertainty(TableReader& section, ParseState& state) {
  UncertaintyModel& out = state.scenario.uncertainty;
  if (const auto v = section.number("monthly_drift", Bounds::closed(0, 1))) out.monthly_drift = *v;
  // A jump needs both its chance and its size: one without the other is a
  // mistake, not a default. One given but refused has its own message: no
  // second one saying it is missing.
  const auto jump_probability = section.number("jump_probability", Bounds::closed(0, 1));
  const auto jump_sd = section.number("jump_sd", Bounds{0.0, 2.0, true, false});
  if (jump_probability && jump_sd) {
    out.jump_probability = *jump_probability;
    out.jump_sd = *jump_sd;
  } else if (jump_probability && *jump_probability > 0 && !section.has("jump_sd")) {
    section.error("jump_probability", "a jump needs its size too: add jump_sd (the sd of its log), e.g. 0.7");
  } else if (jump_sd && !section.has("jump_probability")) {
    section.error("jump_sd", "a jump needs its chance too: add jump_probability (per month)");
  }
  if (const auto v = section.number("profile_concentration", Bounds::at_least(0))) {
    if (*v > 0 && *v < 1)
      section.error("profile_concentration",
                    "below 1 the Dirichlet piles the year into a month or two; use 0 (profile known) or ≥ 1, "
                    "found " + format_number(*v));
    else
      out.profile_concentration = *v;
  }
  // Beyond 2 a tilt of two standard deviations piles nine tenths of the year
  // into its first or last three months.
  if (const auto v = section.number("profile_tilt", Bounds::closed(0, 2))) out.profile_tilt = *v;
  if (const auto v = section.integer("particles", 100, 1'000'000)) out.particles = static_cast<int>(*v);

  std::set<std::string, std::less<>> declared;
  if (auto parameters = section.table("parameters")) {
    for (const std::string& path : parameters->keys_in_order()) declared.insert(path);
    const std::vector<UncertainParameterSpec> specs = uncertain_parameter_specs(state.scenario);
    std::vector<std::string> known;
    for (const UncertainParameterSpec& s : specs) known.push_back(s.path);
    for (const std::string& path : parameters->keys_in_order()) {
      const auto spec = std::find_if(specs.begin(), specs.end(),
                                     [&](const UncertainParameterSpec& s) { return s.path == path; });
      if (spec == specs.end()) {
        parameters->entry(path);  // reported here, not again as an unknown key
        // An event that did not load has had its own say.
        if (path.starts_with("events.") &&
            std::any_of(state.events_written.begin(), state.events_written.end(), [&](const std::string& name) {
              return path.starts_with("events." + toml_key_text(name) + ".") &&
                     std::none_of(state.scenario.events.begin(), state.scenario.events.end(),
                                  [&](const PolicyEvent& e) { return e.name == name; });
            }))
          continue;
        std::string message = "'" + path + "' is not a parameter that can be uncertain";
        const std::string reason = why_not_uncertain(state.scenario, path);
        const std::string suggestion = reason.empty() ? closest_match(path, known) : "";
        if (!reason.empty()) message += " in this scenario: " + reason;
        if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
        message += " (docs/scenario-format.md, \"[uncertainty]\", lists them)";
        parameters->error(path, message);
        continue;
      }
      auto table = parameters->table(path);
      if (!table) continue;
      const auto distribution = read_distribution(*table);
      if (!distribution) continue;
      const double lowest = distribution->lowest(), highest = distribution->highest();
      const ParameterDomain& domain = spec->domain;
      // A discrete distribution draws its values exactly, so one on an open end is refused. A continuous
      // one reaches its end only by underflow (a gamma of cv near 10 can give 0 once in a few hundred
      // draws), which is not refused here.
      const bool discrete = distribution->kind == DistributionKind::Discrete;
      const bool below =
          lowest < domain.lowest || (domain.lowest_open && discrete && lowest == domain.lowest);
      const bool above = highest > domain.highest || (domain.highest_open && highest >= domain.highest &&
                                                      !std::isinf(highest));
      if (below || above) {
        table->error_here("draws values from " + format_number(lowest) + " to " + format_number(highest) +
                          ", but " + path + " must be " + domain.describe() +
                          (distribution->kind == DistributionKind::Normal
                               ? " (a normal is drawn within 5 sd of its mean; a lognormal or gamma stays positive)"
                               : ""));
        continue;
      }
      out.parameters.push_back({path, *distribution});
    }
    parameters->finish("parameter", known);
  }
  read_correlations(section, out, declared);
  section.finish();
}

}  // namespace fnesim::scenario_detail
