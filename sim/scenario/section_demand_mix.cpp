// Section [demand], the attribute mix (the parts: sim/scenario/demand_parts.hpp).
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>

#include "sim/scenario/demand_parts.hpp"

namespace fnesim::scenario_detail::demand {
// ---- attribute mix ------------------------------------------------------------------------------

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

}  // namespace fnesim::scenario_detail::demand
