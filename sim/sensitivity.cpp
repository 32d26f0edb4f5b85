#include "sim/sensitivity.hpp"

#include <omp.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <numeric>
#include <span>

#include "sim/cluster.hpp"
#include "sim/errors.hpp"
#include "sim/parallel.hpp"

namespace fnesim {

std::vector<std::string> analysed_output_names(const Scenario& scenario) {
  std::vector<std::string> names{"additional_needed_eur", "additional_needed_any", "national_unmet_eur",
                                 "national_demand_eur"};
  for (const Region& region : scenario.convention.regions) {
    names.push_back("exhausted/" + region.code);
    names.push_back("exhaustion_day/" + region.code);
  }
  return names;
}

namespace {
double eur(Cents amount) { return static_cast<double>(amount) / static_cast<double>(cents_per_euro); }
}  // namespace

void analysed_outputs(const ReplicationOutcome& outcome, int window_days, std::span<double> row) {
  const NationalOutcome& nation = outcome.national;
  row[analysed_column::additional_needed_eur] = eur(nation.additional_needed);
  row[analysed_column::additional_needed_any] = nation.additional_needed > 0 ? 1.0 : 0.0;
  row[analysed_column::national_unmet_eur] = eur(nation.unmet);
  row[analysed_column::national_demand_eur] = eur(nation.demand);
  const auto regions = static_cast<std::size_t>(outcome.region_count);  // each: exhausted, then its day
  for (std::size_t r = 0; r < regions; ++r) {
    const std::int32_t day = outcome.regions[r].exhaustion_day;
    row[analysed_column::exhausted(r)] = day == never_exhausted ? 0.0 : 1.0;
    row[analysed_column::exhaustion_day(r)] = day == never_exhausted ? window_days : day;
  }
}

std::string_view factor_kind_name(FactorKind kind) {
  switch (kind) {
    case FactorKind::Parameter: return "parameter";
    case FactorKind::Profile: return "profile";
    case FactorKind::Uptake: return "uptake";
    case FactorKind::Drift: return "drift";
    case FactorKind::Dossiers: return "dossiers";
    case FactorKind::Group: return "group";
  }
  return "?";
}

std::vector<SensitivityFactor> sensitivity_factors(const Scenario& scenario) {
  const UncertaintyModel& model = scenario.uncertainty;
  std::vector<SensitivityFactor> factors;
  // Parameters tied by the copula, directly or through others, form one
  // factor: Sobol indices assume independent inputs.
  const auto n = static_cast<int>(model.parameters.size());
  std::vector<int> component(static_cast<std::size_t>(n));
  std::iota(component.begin(), component.end(), 0);
  const auto root = [&](int i) {
    while (component[static_cast<std::size_t>(i)] != i) i = component[static_cast<std::size_t>(i)];
    return i;
  };
  if (model.correlation.rows() == n)
    for (int i = 0; i < n; ++i)
      for (int j = i + 1; j < n; ++j)
        if (model.correlation(i, j) != 0) component[static_cast<std::size_t>(root(j))] = root(i);
  std::vector<int> factor_of_root(static_cast<std::size_t>(n), -1);
  for (int i = 0; i < n; ++i) {
    const auto r = static_cast<std::size_t>(root(i));
    const std::string& path = model.parameters[static_cast<std::size_t>(i)].path;
    if (factor_of_root[r] < 0) {
      factor_of_root[r] = static_cast<int>(factors.size());
      factors.push_back({path, FactorKind::Parameter, {}, {}});
    }
    SensitivityFactor& factor = factors[static_cast<std::size_t>(factor_of_root[r])];
    factor.members.push_back(path);
    factor.parameters.push_back(i);
  }
  if (model.profile_uncertain()) {
    SensitivityFactor f{"profile", FactorKind::Profile, {"profile"}, {}};
    f.profile = true;
    factors.push_back(f);
  }
  if (scenario.demand.national_uptake_cv > 0 || scenario.demand.regional_uptake_cv > 0) {
    SensitivityFactor f{"uptake", FactorKind::Uptake, {"uptake"}, {}};
    f.uptake = true;
    factors.push_back(f);
  }
  if (model.drifts()) {
    SensitivityFactor f{"drift", FactorKind::Drift, {"drift"}, {}};
    f.drift = true;
    factors.push_back(f);
  }
  SensitivityFactor dossiers{"dossiers", FactorKind::Dossiers, {"dossiers"}, {}};
  dossiers.dossiers = true;
  factors.push_back(dossiers);
  return factors;
}

SensitivityFactor factor_group(const std::string& name, const std::vector<std::string>& member_names,
                               const std::vector<SensitivityFactor>& factors) {
  SensitivityFactor group{name, FactorKind::Group, {}, {}};
  std::string unknown;  // every member that names no factor, said at once
  int unknown_count = 0;
  for (const std::string& member : member_names) {
    // A factor is named by its name or by any parameter it moves.
    const auto found = std::find_if(factors.begin(), factors.end(), [&](const SensitivityFactor& f) {
      return f.name == member || std::find(f.members.begin(), f.members.end(), member) != f.members.end();
    });
    if (found == factors.end()) {
      unknown += (unknown.empty() ? "'" : ", '") + member + "'";
      ++unknown_count;
      continue;
    }
    if (std::find(group.members.begin(), group.members.end(), found->name) != group.members.end()) continue;
    group.members.push_back(found->name);
    group.parameters.insert(group.parameters.end(), found->parameters.begin(), found->parameters.end());
    group.profile |= found->profile;
    group.uptake |= found->uptake;
    group.drift |= found->drift;
    group.dossiers |= found->dossiers;
  }
  if (!unknown.empty()) {
    std::string known;
    for (const SensitivityFactor& f : factors) known += (known.empty() ? "" : ", ") + f.name;
    throw BadRequest("group '" + name + "': " + unknown +
                     (unknown_count == 1 ? " is not a factor" : " are not factors") +
                     " of this scenario (its factors: " + known + ")");
  }
  return group;
}

DrawSources pick_freeze_sources(const SensitivityFactor* moved, std::int64_t row, std::int64_t base_rows,
                                std::size_t parameter_count) {
  DrawSources sources = DrawSources::all_from(row, parameter_count);
  if (moved == nullptr) return sources;
  const std::int64_t other = base_rows + row;
  for (int p : moved->parameters) sources.parameters[static_cast<std::size_t>(p)] = other;
  if (moved->profile) sources.profile = other;
  if (moved->uptake) sources.uptake = other;
  if (moved->drift) sources.drift = other;
  if (moved->dossiers) sources.dossiers = other;
  return sources;
}

bool run_design_rows(const Simulator& simulator, std::uint64_t seed, std::int64_t rows,
                     const std::function<void(std::int64_t, DrawSources&)>& sources_of, const RunControl& control,
                     std::span<double> outputs) {
  const int threads = resolve_thread_count(control.threads);
  const std::size_t width = analysed_output_names(simulator.scenario()).size();
  if (outputs.size() != static_cast<std::size_t>(rows) * width)
    throw std::invalid_argument("run_design_rows: outputs must hold rows × outputs values");
  std::vector<std::unique_ptr<Workspace, void (*)(Workspace*)>> workspaces;
  std::vector<ReplicationOutcome> outcomes;
  std::vector<DrawSources> sources(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) {
    workspaces.push_back(simulator.make_workspace());
    outcomes.push_back(simulator.make_outcome());
  }
  // Rows [first, first + count) into `into`, row by row.
  const auto compute_rows = [&](std::int64_t first, std::int64_t count, std::span<double> into) {
    ParallelErrors errors;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t i = 0; i < count; ++i) {
      errors.run(i, [&] {
        const auto t = static_cast<std::size_t>(omp_get_thread_num());
        sources_of(first + i, sources[t]);
        simulator.simulate(seed, sources[t], *workspaces[t], outcomes[t]);
        analysed_outputs(outcomes[t], simulator.window_days(),
                         into.subspan(static_cast<std::size_t>(i) * width, width));
      });
    }
    errors.rethrow();
  };
  const auto rows_of = [&](std::int64_t first, std::int64_t count) {
    return outputs.subspan(static_cast<std::size_t>(first) * width, static_cast<std::size_t>(count) * width);
  };
  // Blocks as in run_replications: the progress bar and Ctrl-C respond between them.
  const std::int64_t block = std::max<std::int64_t>(1, std::min<std::int64_t>(rows, 32 * threads));
  if (cluster::distributing()) {
    // Each chunk of rows computed on one rank and sent to all (sim/cluster.hpp).
    std::vector<double> chunk_rows;
    cluster::DistributedLoop loop;
    cluster::InputDigest inputs;
    add_to_digest(inputs, simulator.scenario());
    loop.inputs = inputs.add(seed).add(std::int64_t{rows}).value();
    loop.items = rows;
    loop.chunk = block;  // the largest over the ranks is taken
    loop.stop_requested = control.stop_requested;
    loop.produce = [&](std::int64_t first, std::int64_t count, Bytes& out) {
      chunk_rows.resize(static_cast<std::size_t>(count) * width);
      compute_rows(first, count, chunk_rows);
      const auto bytes = std::as_bytes(std::span<const double>(chunk_rows));
      out.insert(out.end(), bytes.begin(), bytes.end());
    };
    loop.consume = [&](std::int64_t first, std::int64_t count, std::span<const std::byte> bytes) {
      const std::span<double> into = rows_of(first, count);
      if (bytes.size() != into.size_bytes()) throw InvariantError("run_design_rows: a chunk of the wrong size");
      std::memcpy(into.data(), bytes.data(), bytes.size());
      if (control.on_progress) control.on_progress(first + count, rows);
    };
    return cluster::run_distributed(loop);
  }
  for (std::int64_t done = 0; done < rows;) {
    if (control.stop_requested && control.stop_requested->load()) return false;
    const std::int64_t this_block = std::min(block, rows - done);
    compute_rows(done, this_block, rows_of(done, this_block));
    done += this_block;
    if (control.on_progress) control.on_progress(done, rows);
  }
  return true;
}

AnalysedOutputSink::AnalysedOutputSink(const Simulator& simulator, std::int64_t replications)
    : window_days_(simulator.window_days()),
      width_(analysed_output_names(simulator.scenario()).size()),
      outputs_(static_cast<std::size_t>(replications) * width_) {}

void AnalysedOutputSink::consume(std::int64_t replication, const ReplicationOutcome& outcome) {
  analysed_outputs(outcome, window_days_,
                   std::span<double>(outputs_).subspan(static_cast<std::size_t>(replication) * width_, width_));
}

}  // namespace fnesim
