// Section [demand]: how dossiers arise. Every key is optional; the defaults are
// documented in docs/scenario-format.md.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario/correlation.hpp"
#include "sim/scenario/sections.hpp"

namespace fnesim::scenario_detail {
namespace {

constexpr double share_tolerance = 1e-9;
constexpr double symmetry_tolerance = 1e-12;
constexpr double psd_tolerance = 1e-10;
// Floor of the eigenvalues of the suggested matrix, so that its rounded text
// still passes the check above.
constexpr double suggestion_min_eigenvalue = 1e-4;
constexpr int max_lag_days = 3650;
constexpr int max_pathway_days = 365;  // instruction of 27 January 2021: at most 12 months

constexpr std::array<std::string_view, 3> trainee_distribution_keys = {"shifted-poisson", "fixed",
                                                                       "categorical"};
constexpr std::array<std::string_view, 2> cost_distribution_keys = {"lognormal", "fixed"};

// Art. 6 planning assumption used when no arrivals are given: demand equal to the
// available envelope at 2.5 trainees × 6 000 EUR per dossier.
constexpr double default_demand_to_envelope = 1.0;
constexpr double default_mean_fne_share_eur = 15'000;

std::string sum_text(double sum) { return format_number(sum); }

template <std::size_t N>
std::vector<std::string> as_strings(const std::array<std::string_view, N>& keys) {
  return std::vector<std::string>(keys.begin(), keys.end());
}

// ---- attribute mix ------------------------------------------------------------------------------

struct MixSpec {
  bool is_joint = false;
  AttributeMix joint{};
  std::array<double, size_class_count> size{0.25, 0.25, 0.25, 0.25};
  // Default: the three statuses of the signed convention, equally likely.
  std::array<double, status_count> status{1.0 / 3, 1.0 / 3, 1.0 / 3, 0.0, 0.0};
  std::array<double, pathway_count> pathway{0.25, 0.25, 0.25, 0.25};
  // Where it was written, for messages about it.
  std::string path = "demand.mix";
  const toml::source_region* where = nullptr;

  AttributeMix cells() const {
    if (is_joint) return joint;
    AttributeMix out{};
    for (int s = 0; s < size_class_count; ++s)
      for (int st = 0; st < status_count; ++st)
        for (int p = 0; p < pathway_count; ++p)
          out[static_cast<std::size_t>(
              mix_cell(static_cast<SizeClass>(s), static_cast<Status>(st), static_cast<Pathway>(p)))] =
              size[s] * status[st] * pathway[p];
    return out;
  }
};

template <std::size_t N>
std::optional<std::array<double, N>> read_marginal(TableReader& mix, std::string_view key,
                                                   const std::array<std::string_view, N>& categories,
                                                   std::string_view noun) {
  auto table = mix.table(key);
  if (!table) return std::nullopt;
  std::array<double, N> shares{};
  bool ok = true;
  for (std::size_t i = 0; i < N; ++i) {
    if (!table->has(categories[i])) continue;  // a missing category has no dossiers
    const auto v = table->number(categories[i], Bounds::at_least(0));
    ok &= v.has_value();
    shares[i] = v.value_or(0);
  }
  table->finish(noun, as_strings(categories));
  if (!ok) return std::nullopt;
  const double sum = std::accumulate(shares.begin(), shares.end(), 0.0);
  if (std::abs(sum - 1.0) > share_tolerance) {
    table->error_here("shares sum to " + sum_text(sum) + ", need 1");
    return std::nullopt;
  }
  return shares;
}

std::optional<AttributeMix> read_joint(TableReader& mix) {
  const MergedEntry* e = mix.entry("joint");
  const std::string path = mix.key_path("joint");
  const toml::array* cells = e->value != nullptr ? e->value->as_array() : nullptr;
  if (cells == nullptr) {
    mix.error("joint", "expected an array of { size, status, pathway, share } tables, found " +
                           (e->value ? type_name(*e->value) : std::string("a table")));
    return std::nullopt;
  }
  AttributeMix joint{};
  std::vector<bool> seen(mix_cell_count, false);
  bool ok = true;
  double sum = 0;
  for (std::size_t i = 0; i < cells->size(); ++i) {
    const toml::node& node = *cells->get(i);
    const std::string item_path = path + "[" + std::to_string(i) + "]";
    const toml::table* cell_table = node.as_table();
    if (cell_table == nullptr) {
      mix.context().diagnostics.add(
          node.source(), item_path,
          "expected { size = ..., status = ..., pathway = ..., share = ... }, found " + type_name(node));
      ok = false;
      continue;
    }
    TableReader cell = TableReader::over_inline(*cell_table, e->rank, item_path, mix.context());
    const auto size = cell.choice("size", size_class_keys, true);
    const auto status = cell.choice("status", status_keys, true);
    const auto pathway = cell.choice("pathway", pathway_keys, true);
    const auto share = cell.number("share", Bounds::at_least(0), true);
    cell.finish();
    if (!size || !status || !pathway || !share) {
      ok = false;
      continue;
    }
    const auto index = static_cast<std::size_t>(mix_cell(
        static_cast<SizeClass>(*size), static_cast<Status>(*status), static_cast<Pathway>(*pathway)));
    if (seen[index]) {
      mix.context().diagnostics.add(node.source(), item_path,
                                    "the cell " + std::string(size_class_keys[*size]) + " / " +
                                        std::string(status_keys[*status]) + " / " +
                                        std::string(pathway_keys[*pathway]) + " is given twice");
      ok = false;
      continue;
    }
    seen[index] = true;
    joint[index] = *share;
    sum += *share;
  }
  if (!ok) return std::nullopt;
  if (std::abs(sum - 1.0) > share_tolerance) {
    mix.error("joint", "shares sum to " + sum_text(sum) + ", need 1");
    return std::nullopt;
  }
  return joint;
}

// A mix table over `base`: `joint` or marginals; for a region, marginals override
// only the ones written.
std::optional<MixSpec> read_mix(TableReader& mix, const MixSpec& base, bool is_region) {
  MixSpec out = base;
  out.path = mix.path();
  out.where = &mix.where();
  const int joint_rank = mix.rank_of("joint");
  const std::array<int, 3> marginal_ranks = {mix.rank_of("size"), mix.rank_of("status"),
                                             mix.rank_of("pathway")};
  const int marginal_rank = *std::max_element(marginal_ranks.begin(), marginal_ranks.end());
  bool use_joint = joint_rank >= 0;
  bool ok = true;
  if (joint_rank >= 0 && marginal_rank >= 0) {
    if (std::find(marginal_ranks.begin(), marginal_ranks.end(), joint_rank) != marginal_ranks.end()) {
      mix.error("joint",
                "write either 'joint' or the marginals size, status and pathway in one file, not both");
      ok = false;
    }
    // The most derived file wins: a child's joint replaces inherited marginals.
    use_joint = joint_rank > marginal_rank;
  }
  if (use_joint) {
    const auto joint = read_joint(mix);
    if (!joint) ok = false;
    out.is_joint = true;
    if (joint) out.joint = *joint;
  } else if (marginal_rank >= 0) {
    if (base.is_joint && is_region) {
      mix.error_here(
          "the national mix is a joint one: override it for this region with 'joint', not marginals");
      ok = false;
    }
    out.is_joint = false;
    if (mix.has("size")) {
      const auto v = read_marginal(mix, "size", size_class_keys, "size class");
      if (v) out.size = *v;
      ok &= v.has_value();
    }
    if (mix.has("status")) {
      const auto v = read_marginal(mix, "status", status_keys, "status");
      if (v) out.status = *v;
      ok &= v.has_value();
    }
    if (mix.has("pathway")) {
      const auto v = read_marginal(mix, "pathway", pathway_keys, "pathway");
      if (v) out.pathway = *v;
      ok &= v.has_value();
    }
  }
  mix.finish();
  if (!ok) return std::nullopt;
  return out;
}

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
  const double sum = std::accumulate(weights.begin(), weights.end(), 0.0);
  if (!(sum > 0)) {
    table.error(key, "weights sum to 0: no month would have any dossier");
    return std::nullopt;
  }
  for (double& w : weights) w /= sum;
  return weights;
}

struct NationalArrivals {
  bool by_envelope = true;  // expected_dossiers = { demand_to_envelope, mean_fne_share_eur }
  double count = 0;
  double demand_to_envelope = default_demand_to_envelope;
  double mean_fne_share_eur = default_mean_fne_share_eur;
};

std::optional<NationalArrivals> read_expected_dossiers(TableReader& arrivals) {
  NationalArrivals out;
  const MergedEntry* e = arrivals.entry("expected_dossiers");
  if (e == nullptr) return out;
  if (e->value == nullptr || e->value->is_table()) {  // inline or [demand.arrivals.expected_dossiers]
    auto ratio = arrivals.table("expected_dossiers");
    const auto x = ratio->number("demand_to_envelope", Bounds::at_least(0), true);
    const auto y = ratio->number("mean_fne_share_eur", Bounds::above(0), true);
    ratio->finish();
    if (!x || !y) return std::nullopt;
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
  const auto count = arrivals.number("expected_dossiers", Bounds::at_least(0));
  if (!count) return std::nullopt;
  out.by_envelope = false;
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

// ---- costs, trainees, schedule, life cycle --------------------------------------------------------

void read_trainees(TableReader& section, DemandModel& out) {
  auto table = section.table("trainees");
  if (!table) return;
  const auto kind = table->choice("distribution", trainee_distribution_keys);
  if (kind) out.trainees.kind = static_cast<TraineeCount::Kind>(*kind);
  const auto k = out.trainees.kind;
  const std::string why_prefix = "does not apply to distribution = \"";
  const std::string why =
      why_prefix + std::string(trainee_distribution_keys[static_cast<std::size_t>(k)]) + "\"";
  if (k == TraineeCount::Kind::ShiftedPoisson) {
    if (const auto mean = table->number("mean", Bounds::at_least(1))) out.trainees.mean = *mean;
  } else {
    reject_if_written(*table, "mean", "distribution", why);
  }
  if (k == TraineeCount::Kind::Fixed) {
    if (const auto value = table->integer("value", 1, 100'000, true))
      out.trainees.fixed = static_cast<int>(*value);
  } else {
    reject_if_written(*table, "value", "distribution", why);
  }
  if (k == TraineeCount::Kind::Categorical) {
    const MergedEntry* values = table->entry("values");
    const MergedEntry* weights = table->entry("weights");
    if (values == nullptr) table->missing("values");
    if (weights == nullptr) table->missing("weights");
    if (values == nullptr || weights == nullptr) {
      table->finish();
      return;
    }
    const toml::array* v = values->value ? values->value->as_array() : nullptr;
    const toml::array* w = weights->value ? weights->value->as_array() : nullptr;
    bool ok = true;
    if (v == nullptr || v->empty()) {
      table->error("values", "expected a non-empty array of trainee counts");
      ok = false;
    }
    if (w == nullptr || w->empty()) {
      table->error("weights", "expected a non-empty array of probabilities");
      ok = false;
    }
    if (ok && v->size() != w->size()) {
      table->error("weights", "has " + std::to_string(w->size()) + " values but values has " +
                                  std::to_string(v->size()));
      ok = false;
    }
    if (ok) {
      ReadContext& ctx = table->context();
      double sum = 0;
      for (std::size_t i = 0; i < v->size(); ++i) {
        const std::string vp = table->key_path("values") + "[" + std::to_string(i) + "]";
        const std::string wp = table->key_path("weights") + "[" + std::to_string(i) + "]";
        const auto count = read_integer(*v->get(i), vp, ctx);
        const auto weight = read_number(*w->get(i), wp, ctx);
        if (count && *count < 1)
          ctx.diagnostics.add(v->get(i)->source(), vp, "must be ≥ 1, found " + std::to_string(*count));
        if (weight && *weight < 0)
          ctx.diagnostics.add(w->get(i)->source(), wp, "must be ≥ 0, found " + format_number(*weight));
        if (!count || !weight || *count < 1 || *weight < 0) {
          ok = false;
          continue;
        }
        out.trainees.values.push_back(static_cast<int>(*count));
        out.trainees.weights.push_back(*weight);
        sum += *weight;
      }
      if (ok && std::abs(sum - 1) > share_tolerance)
        table->error("weights", "sum to " + sum_text(sum) + ", need 1");
    }
  } else {
    reject_if_written(*table, "values", "distribution", why);
    reject_if_written(*table, "weights", "distribution", why);
  }
  table->finish();
}

void read_cost_per_trainee(TableReader& section, DemandModel& out) {
  for (TraineeCost& c : out.cost_per_trainee) c.mean_eur = 6000;  // art. 6 planning figure
  auto table = section.table("cost_per_trainee");
  if (!table) return;
  TraineeCost::Kind kind = TraineeCost::Kind::LogNormal;
  if (const auto k = table->choice("distribution", cost_distribution_keys))
    kind = static_cast<TraineeCost::Kind>(*k);
  double sigma = 0.5;
  if (kind == TraineeCost::Kind::LogNormal) {
    const auto which = pick_alternative(*table, {"sigma", "cv"});
    if (which && *which == 0) {
      if (const auto v = table->number("sigma", Bounds::at_least(0))) sigma = *v;
    } else if (which) {
      // cv = sqrt(exp(σ²) − 1) for a lognormal.
      if (const auto v = table->number("cv", Bounds::at_least(0))) sigma = std::sqrt(std::log1p(*v * *v));
    }
  } else {
    const std::string why = "does not apply to distribution = \"fixed\"";
    reject_if_written(*table, "sigma", "distribution", why);
    reject_if_written(*table, "cv", "distribution", why);
    sigma = 0;
  }
  std::array<double, pathway_count> means{6000, 6000, 6000, 6000};
  if (const MergedEntry* e = table->entry("mean_eur")) {
    if (e->value == nullptr || e->value->is_table()) {
      auto by_pathway = table->table("mean_eur");
      for (int p = 0; p < pathway_count; ++p) {
        const auto v = by_pathway->number(pathway_keys[static_cast<std::size_t>(p)], Bounds::above(0), true);
        if (v) means[static_cast<std::size_t>(p)] = *v;
      }
      by_pathway->finish("pathway", as_strings(pathway_keys));
    } else if (e->value != nullptr && (e->value->is_integer() || e->value->is_floating_point())) {
      if (const auto v = table->number("mean_eur", Bounds::above(0))) means.fill(*v);
    } else {
      table->error("mean_eur", "expected a number (EUR, every pathway) or a table by pathway, found " +
                                   (e->value ? type_name(*e->value) : std::string("a table")));
    }
  }
  for (int p = 0; p < pathway_count; ++p)
    out.cost_per_trainee[static_cast<std::size_t>(p)] =
        TraineeCost{kind, means[static_cast<std::size_t>(p)], sigma};
  table->finish();
}

void read_cost_components(TableReader& section, DemandModel& out) {
  auto table = section.table("cost_components");
  if (!table) return;
  const auto pedagogical = table->number("pedagogical", Bounds::at_least(0));
  const auto ancillary = table->number("ancillary", Bounds::at_least(0));
  const auto remuneration = table->number("remuneration", Bounds::at_least(0));
  table->finish();
  // Each share defaults on its own (1, 0, 0): a file that sets one sets them all.
  const bool ok = (pedagogical || !table->has("pedagogical")) && (ancillary || !table->has("ancillary")) &&
                  (remuneration || !table->has("remuneration"));
  if (!ok) return;
  out.pedagogical_share = pedagogical.value_or(1.0);
  out.ancillary_share = ancillary.value_or(0.0);
  out.remuneration_share = remuneration.value_or(0.0);
  const double sum = out.pedagogical_share + out.ancillary_share + out.remuneration_share;
  if (std::abs(sum - 1) > share_tolerance) table->error_here("shares sum to " + sum_text(sum) + ", need 1");
}

void read_schedule(TableReader& section, DemandModel& out) {
  auto table = section.table("schedule");
  if (!table) return;
  // Each key is one [min, max] for every pathway or an inline table by pathway.
  auto read_by_pathway = [&](const char* key, int max_days, std::array<DayRange, pathway_count>& ranges) {
    const MergedEntry* e = table->entry(key);
    if (!e) return;
    if (e->value == nullptr || e->value->is_table()) {
      auto by_pathway = table->table(key);
      for (int p = 0; p < pathway_count; ++p) {
        const auto v = by_pathway->day_range(pathway_keys[static_cast<std::size_t>(p)], 0, max_days, true);
        if (v) ranges[static_cast<std::size_t>(p)] = *v;
      }
      by_pathway->finish("pathway", as_strings(pathway_keys));
    } else if (const auto v = table->day_range(key, 0, max_days)) {
      ranges.fill(*v);
    }
  };
  read_by_pathway("start_lag_days", max_lag_days, out.start_lag_days);
  read_by_pathway("duration_days", max_pathway_days, out.duration_days);
  table->finish();
}

void read_lifecycle(TableReader& section, DemandModel& out) {
  auto table = section.table("lifecycle");
  if (!table) return;
  if (const auto v = table->number("cancellation_probability", Bounds::unit()))
    out.cancellation_probability = *v;
  const auto mean = table->number("dropout_mean", Bounds{0.0, 1.0, false, true});
  const auto sd = table->number("dropout_sd", Bounds::at_least(0));
  if (mean) out.dropout_mean = *mean;
  if (sd) out.dropout_sd = *sd;
  // A Beta distribution with mean m has variance below m(1 − m).
  if (mean && sd && *sd > 0 && !(*sd * *sd < *mean * (1 - *mean))) {
    // Shown rounded down to 4 decimals, so that the value offered is itself allowed.
    const double largest = std::floor(std::sqrt(*mean * (1 - *mean)) * 1e4) / 1e4;
    table->error("dropout_sd", "no Beta distribution has mean " + format_number(*mean) + " and sd " +
                                   format_number(*sd) + ": sd² must be below mean × (1 − mean), so at most " +
                                   format_number(largest) + " here");
  }
  if (const auto v = table->day_range("invoicing_lag_days", 0, max_lag_days)) out.invoicing_lag_days = *v;
  table->finish();
}

// ---- cross-section check: every status in demand has a convention rule ------------------------------

bool some_rule_applies(const CoverageSettings& coverage, Status status, long headcount, Date from, Date to) {
  for (const CoverageRule& rule : coverage.rules) {
    if (rule.regime != Regime::Convention) continue;
    if (std::find(rule.statuses.begin(), rule.statuses.end(), status) == rule.statuses.end()) continue;
    if (headcount < rule.headcount_min || headcount > rule.headcount_max) continue;
    if (rule.valid_from && to < *rule.valid_from) continue;
    if (rule.valid_until && *rule.valid_until < from) continue;
    return true;
  }
  return false;
}

void check_statuses_covered(TableReader& section, ParseState& state, const std::vector<MixSpec>& mixes) {
  const Scenario& s = state.scenario;
  for (int st = 0; st < status_count; ++st) {
    std::string sizes;
    const MixSpec* culprit = nullptr;
    std::string culprit_region;
    for (int c = 0; c < size_class_count; ++c) {
      const long headcount = s.demand.representative_headcount[static_cast<std::size_t>(c)];
      bool demanded = false;
      for (std::size_t r = 0; r < mixes.size() && !demanded; ++r) {
        const AttributeMix cells = mixes[r].cells();
        for (int p = 0; p < pathway_count; ++p)
          if (cells[static_cast<std::size_t>(mix_cell(static_cast<SizeClass>(c), static_cast<Status>(st),
                                                      static_cast<Pathway>(p)))] > 0) {
            demanded = true;
            if (culprit == nullptr) {
              culprit = &mixes[r];
              culprit_region = s.convention.regions[r].code;
            }
            break;
          }
      }
      if (!demanded) continue;
      if (some_rule_applies(s.coverage, static_cast<Status>(st), headcount, s.convention.commitment_start,
                            s.convention.commitment_end))
        continue;
      if (!sizes.empty()) sizes += ", ";
      sizes += std::string(size_class_keys[static_cast<std::size_t>(c)]) + " (headcount " +
               std::to_string(headcount) + ")";
    }
    if (sizes.empty()) continue;
    std::string message =
        "status " + std::string(status_keys[static_cast<std::size_t>(st)]) +
        " has a positive share (region " + culprit_region +
        ") but no rule of regime convention covers it during the commitment window for size " + sizes +
        "; add one to [coverage.rules] or give the status a zero share";
    if (culprit->where != nullptr) {
      state.ctx.diagnostics.add(*culprit->where, culprit->path, std::move(message));
    } else {
      section.error_here(std::move(message));
    }
  }
}

}  // namespace

void parse_demand(TableReader& section, ParseState& state) {
  DemandModel& out = state.scenario.demand;
  const Convention& convention = state.scenario.convention;

  if (const auto v = section.choice("exhaustion_policy", exhaustion_policy_keys))
    out.exhaustion_policy = static_cast<ExhaustionPolicy>(*v);
  if (out.exhaustion_policy == ExhaustionPolicy::Overcommit) {
    if (const auto v = section.number("overcommit_margin", Bounds::at_least(0))) out.overcommit_margin = *v;
  } else {
    reject_if_written(section, "overcommit_margin", "exhaustion_policy",
                      "applies only with exhaustion_policy = \"overcommit\"");
  }

  if (auto headcounts = section.table("representative_headcount")) {
    for (int c = 0; c < size_class_count; ++c) {
      const auto i = static_cast<std::size_t>(c);
      const auto v =
          headcounts->integer(size_class_keys[i], size_class_min_headcount[i], size_class_max_headcount[i]);
      if (v) out.representative_headcount[i] = static_cast<long>(*v);
    }
    headcounts->finish("size class", as_strings(size_class_keys));
  }

  // Arrivals.
  const int year = state.dates_ok ? convention.commitment_start.year() : 2021;
  NationalArrivals national;
  std::array<double, 12> profile = uniform_profile(year);
  auto arrivals = section.table("arrivals");
  if (arrivals) {
    if (auto v = read_expected_dossiers(*arrivals)) national = *v;
    if (arrivals->has("monthly_profile")) {
      if (const auto p = read_profile(*arrivals, "monthly_profile", year)) profile = *p;
    }
    const std::int64_t max_close = state.dates_ok ? convention.commitment_days() - 1 : max_lag_days;
    if (const auto v = arrivals->integer("intake_closes_days_before_end", 0, max_close))
      out.intake_closes_days_before_end = static_cast<int>(*v);
    if (const auto v = arrivals->number("national_uptake_cv", Bounds::at_least(0)))
      out.national_uptake_cv = *v;
    if (const auto v = arrivals->number("regional_uptake_cv", Bounds::at_least(0)))
      out.regional_uptake_cv = *v;
    read_correlation(*arrivals, state, out);
    arrivals->finish();
  } else {
    const auto n = static_cast<Eigen::Index>(convention.regions.size());
    out.regional_correlation = Eigen::MatrixXd::Identity(n, n);
  }

  // National mix.
  // A mix that failed to read is not checked against the coverage rules: its
  // defaults would only produce consequential messages.
  bool mixes_ok = true;
  MixSpec national_mix;
  national_mix.where = &section.where();
  if (auto mix = section.table("mix")) {
    const auto m = read_mix(*mix, national_mix, false);
    if (m) national_mix = *m;
    mixes_ok &= m.has_value();
  }

  // Regions: the national figures spread by available envelope, then overrides.
  std::vector<MixSpec> mixes;
  if (state.regions_ok) {
    const std::size_t n = convention.regions.size();
    out.regions.assign(n, RegionalDemand{});
    mixes.assign(n, national_mix);
    const double total_available = static_cast<double>(convention.total_available());
    for (std::size_t r = 0; r < n; ++r) {
      const double available_eur = static_cast<double>(convention.available(r)) / cents_per_euro;
      RegionalDemand& rd = out.regions[r];
      if (national.by_envelope) {
        rd.expected_dossiers = national.demand_to_envelope * available_eur / national.mean_fne_share_eur;
      } else {
        rd.expected_dossiers =
            total_available > 0
                ? national.count * static_cast<double>(convention.available(r)) / total_available
                : 0;
      }
      rd.monthly_profile = profile;
    }
    std::vector<std::string> codes;
    for (const Region& r : convention.regions) codes.push_back(r.code);
    if (auto overrides = section.table("regions")) {
      for (std::size_t r = 0; r < n; ++r) {
        if (!overrides->has(codes[r])) continue;
        auto region = overrides->table(codes[r]);
        if (!region) continue;
        if (const auto v = region->number("expected_dossiers", Bounds::at_least(0)))
          out.regions[r].expected_dossiers = *v;
        if (region->has("monthly_profile")) {
          if (const auto p = read_profile(*region, "monthly_profile", year))
            out.regions[r].monthly_profile = *p;
        }
        if (auto mix = region->table("mix")) {
          const auto m = read_mix(*mix, national_mix, true);
          if (m) mixes[r] = *m;
          mixes_ok &= m.has_value();
        }
        region->finish();
      }
      overrides->finish("region", codes);
    }
    for (std::size_t r = 0; r < n; ++r) out.regions[r].mix = mixes[r].cells();
  }
  // Without valid regions, demand.regions codes cannot be checked: nothing more is said about them.
  section.entry("regions");

  // Carry-over of 2020 dossiers (art. 7).
  if (auto carryover = section.table("carryover")) {
    if (const auto v = carryover->number("expected_dossiers", Bounds::at_least(0)))
      out.carryover_expected_dossiers = *v;
    const bool needed = out.carryover_expected_dossiers > 0;
    if (const auto v = carryover->number("mean_fne_eur", Bounds::above(0), needed))
      out.carryover_mean_fne_eur = *v;
    if (const auto v = carryover->number("sigma", Bounds::at_least(0))) out.carryover_sigma = *v;
    carryover->finish();
  }

  read_trainees(section, out);
  read_cost_per_trainee(section, out);
  read_cost_components(section, out);
  read_schedule(section, out);
  read_lifecycle(section, out);

  // DIAG GPEC COVID-19 (art. 3).
  if (auto diagnostics = section.table("diagnostics")) {
    if (const auto v = diagnostics->number("expected_dossiers", Bounds::at_least(0)))
      out.diagnostics_expected_dossiers = *v;
    const int max_days = state.scenario.coverage.diagnostic_max_days_per_year;
    if (const auto v = diagnostics->day_range("days", 1, max_days)) out.diagnostic_days = *v;
    diagnostics->finish();
  }
  section.finish();

  if (state.regions_ok && state.dates_ok && state.coverage_ok && mixes_ok)
    check_statuses_covered(section, state, mixes);
}

}  // namespace fnesim::scenario_detail
