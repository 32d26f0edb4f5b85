// Section [demand], the arrivals: expected dossiers, monthly profile, uptake (the parts:
// sim/scenario/demand_parts.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario/correlation.hpp"
#include "sim/scenario/demand_parts.hpp"

namespace fnesim::scenario_detail::demand {
// ---- arrivals -----------------------------------------------------------------------------------

std::array<double, 12> uniform_profile(int year) {
  std::array<double, 12> profile{};
  const double days = is_valid_ymd(year, 2, 29) ? 366.0 : 365.0;
  for (int m = 1; m <= 12; ++m) profile[static_cast<std::size_t>(m - 1)] = days_in_month(year, m) / days;
  return profile;
}

std::optional<std::array<double, 12>> read_profile(TableReader& table, std::string_view key, int year) {
  const MergedEntry* e = table.entry(key);
  if (e == nullptr) return std::nullopt;
  const std::string path = table.key_path(key);
  if (e->value != nullptr && e->value->is_string()) {
    if (e->value->as_string()->get() == "uniform") return uniform_profile(year);
    table.error(key, "expected \"uniform\" or an array of 12 monthly weights, found \"" +
                         e->value->as_string()->get() + "\"");
    return std::nullopt;
  }
  const toml::array* months = e->value != nullptr ? e->value->as_array() : nullptr;
  if (months == nullptr) {
    table.error(key, "expected \"uniform\" or an array of 12 monthly weights, found " +
                         (e->value ? type_name(*e->value) : std::string("a table")));
    return std::nullopt;
  }
  if (months->size() != 12) {
    table.error(key, "has " + std::to_string(months->size()) + " values, needs 12");
    return std::nullopt;
  }
  std::array<double, 12> weights{};
  bool ok = true;
  for (std::size_t i = 0; i < 12; ++i) {
    const toml::node& node = *months->get(i);
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const auto v = read_number(node, item_path, table.context());
    if (v && *v < 0)
      table.context().diagnostics.add(node.source(), item_path, "must be ≥ 0, found " + format_number(*v));
    ok &= v && *v >= 0;
    weights[i] = v.value_or(0);
  }
  if (!ok) return std::nullopt;
  // Weights near the largest double sum to infinity: normalise_relative
  // scales them first (1e308 twice made every month 0, and the year's demand with it).
  if (!normalise_relative(weights)) {
    table.error(key, "weights sum to 0: no month would have any dossier");
    return std::nullopt;
  }
  return weights;
}

std::optional<NationalArrivals> read_expected_dossiers(TableReader& arrivals) {
  NationalArrivals out;
  const MergedEntry* e = arrivals.entry("expected_dossiers");
  if (e == nullptr) return out;
  if (e->value == nullptr || e->value->is_table()) {  // inline or [demand.arrivals.expected_dossiers]
    auto ratio = arrivals.table("expected_dossiers");
    const auto x = ratio->number("demand_to_envelope", Bounds::at_least(0), true);
    const auto y = ratio->number("mean_fne_share_eur", mean_amount_bounds, true);
    ratio->finish();
    if (!x || !y) return std::nullopt;
    out.form = NationalArrivals::Form::EnvelopeRatio;
    out.demand_to_envelope = *x;
    out.mean_fne_share_eur = *y;
    return out;
  }
  if (e->value == nullptr || (!e->value->is_integer() && !e->value->is_floating_point())) {
    arrivals.error(
        "expected_dossiers",
        "expected a number of dossiers or { demand_to_envelope = ..., mean_fne_share_eur = ... }, found " +
            (e->value ? type_name(*e->value) : std::string("a table")));
    return std::nullopt;
  }
  const auto count = arrivals.number("expected_dossiers", Bounds::closed(0, limits::max_expected_dossiers));
  if (!count) return std::nullopt;
  out.form = NationalArrivals::Form::Count;
  out.count = *count;
  return out;
}

void read_correlation(TableReader& arrivals, ParseState& state, DemandModel& out) {
  const auto& regions = state.scenario.convention.regions;
  const auto n = static_cast<Eigen::Index>(regions.size());
  out.regional_correlation = Eigen::MatrixXd::Identity(n, n);
  const MergedEntry* e = arrivals.entry("regional_correlation");
  if (e == nullptr || !state.regions_ok) return;
  const std::string key = "regional_correlation";
  const std::string path = arrivals.key_path(key);
  ReadContext& ctx = arrivals.context();
  if (e->value != nullptr && (e->value->is_integer() || e->value->is_floating_point())) {
    // Equicorrelation ρ: eigenvalues 1 + (n − 1)ρ and 1 − ρ, so −1/(n − 1) < ρ ≤ 1.
    const double lower = n > 1 ? -1.0 / static_cast<double>(n - 1) : -1.0;
    Bounds bounds{lower, 1.0, n > 1, false};
    const auto rho = arrivals.number(key, bounds);
    if (!rho) return;
    Eigen::MatrixXd m = Eigen::MatrixXd::Constant(n, n, *rho);
    m.diagonal().setOnes();
    out.regional_correlation = m;
    return;
  }
  const toml::array* rows = e->value != nullptr ? e->value->as_array() : nullptr;
  if (rows == nullptr) {
    arrivals.error(key, "expected a number (one correlation for every pair of regions) or an array of " +
                            std::to_string(n) + " rows, found " +
                            (e->value ? type_name(*e->value) : std::string("a table")));
    return;
  }
  if (static_cast<Eigen::Index>(rows->size()) != n) {
    arrivals.error(key, "has " + std::to_string(rows->size()) + " rows, needs " + std::to_string(n) +
                            " (one per region, in the order of convention.regions)");
    return;
  }
  Eigen::MatrixXd m(n, n);
  bool ok = true;
  for (Eigen::Index i = 0; i < n; ++i) {
    const toml::node& row_node = *rows->get(static_cast<std::size_t>(i));
    const std::string row_path = path + "[" + std::to_string(i) + "]";
    const toml::array* row = row_node.as_array();
    if (row == nullptr || static_cast<Eigen::Index>(row->size()) != n) {
      ctx.diagnostics.add(
          row_node.source(), row_path,
          row == nullptr
              ? "expected an array of " + std::to_string(n) + " numbers, found " + type_name(row_node)
              : "has " + std::to_string(row->size()) + " values, needs " + std::to_string(n));
      ok = false;
      continue;
    }
    for (Eigen::Index j = 0; j < n; ++j) {
      const toml::node& cell = *row->get(static_cast<std::size_t>(j));
      const std::string cell_path = row_path + "[" + std::to_string(j) + "]";
      const auto v = read_number(cell, cell_path, ctx);
      if (!v) {
        ok = false;
        continue;
      }
      if (*v < -1 || *v > 1) {
        ctx.diagnostics.add(cell.source(), cell_path,
                            "a correlation must be in [-1, 1], found " + format_number(*v));
        ok = false;
      }
      if (i == j && std::abs(*v - 1) > symmetry_tolerance) {
        ctx.diagnostics.add(cell.source(), cell_path,
                            "the diagonal of a correlation matrix is 1, found " + format_number(*v));
        ok = false;
      }
      m(i, j) = *v;
    }
  }
  if (!ok) return;
  for (Eigen::Index i = 0; i < n; ++i)
    for (Eigen::Index j = i + 1; j < n; ++j)
      if (std::abs(m(i, j) - m(j, i)) > symmetry_tolerance) {
        const auto& row = *rows->get(static_cast<std::size_t>(j))->as_array();
        ctx.diagnostics.add(row.get(static_cast<std::size_t>(i))->source(),
                            path + "[" + std::to_string(j) + "][" + std::to_string(i) + "]",
                            "not symmetric: " + format_number(m(j, i)) + " here but " +
                                format_number(m(i, j)) + " at [" + std::to_string(i) + "][" +
                                std::to_string(j) + "] (" + regions[static_cast<std::size_t>(i)].code +
                                " / " + regions[static_cast<std::size_t>(j)].code + ")");
        ok = false;
      }
  if (!ok) return;
  const double lambda = smallest_eigenvalue(m);
  if (lambda < -psd_tolerance) {
    std::vector<std::string> labels;
    for (const Region& r : regions) labels.push_back(r.code);
    const Eigen::MatrixXd nearest = nearest_correlation_matrix(m, suggestion_min_eigenvalue);
    arrivals.error(
        key, "is not a valid correlation matrix: it is not positive semidefinite (smallest eigenvalue " +
                 format_number(lambda) +
                 "), so no set of regional factors can have these correlations. The nearest valid "
                 "correlation matrix (Higham 2002) is:\n" +
                 correlation_matrix_as_toml(nearest, key, labels));
    return;
  }
  out.regional_correlation = m;
}

}  // namespace fnesim::scenario_detail::demand
