#include "sim/runner.hpp"

#include <omp.h>
#include <unistd.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/cluster.hpp"
#include "sim/parallel.hpp"

namespace fnesim {

int resolve_thread_count(int requested) {
  if (requested > 0) return requested;
  // The processors this process may run on (its affinity, as the launcher
  // bound it). Unbound, the ranks on the machine share all of them.
  const int usable = omp_get_num_procs();
  const long online = ::sysconf(_SC_NPROCESSORS_ONLN);
  if (usable < online) return usable;
  return std::max(1, usable / cluster::ranks_on_this_machine());
}

namespace {

using Workspaces = std::vector<std::unique_ptr<Workspace, void (*)(Workspace*)>>;

// Replications [first, first + count) into outcomes[0, count), on `threads` threads.
void simulate_block(const Simulator& simulator, std::uint64_t seed, std::int64_t first, std::int64_t count,
                    int threads, Workspaces& workspaces, std::vector<ReplicationOutcome>& outcomes) {
  ParallelErrors errors;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
  for (std::int64_t i = 0; i < count; ++i) {
    errors.run(i, [&] {
      simulator.simulate(seed, first + i, *workspaces[static_cast<std::size_t>(omp_get_thread_num())],
                         outcomes[static_cast<std::size_t>(i)]);
    });
  }
  errors.rethrow();
}

// The replications split over the ranks of a cluster run (sim/cluster.hpp):
// each chunk simulated on one rank, its outcomes sent as bytes to every rank,
// whose sinks take them in index order as a single process's would.
RunReport run_over_ranks(const Simulator& simulator, std::int64_t first, std::int64_t count,
                         const RunControl& control, std::span<ReplicationSink* const> sinks) {
  RunReport report;
  const int threads = resolve_thread_count(control.threads);
  report.threads_used = threads;
  std::vector<ReplicationOutcome> outcomes;
  Workspaces workspaces;
  ReplicationOutcome received = simulator.make_outcome();

  cluster::DistributedLoop loop;
  cluster::InputDigest inputs;
  add_to_digest(inputs, simulator.scenario());
  loop.inputs = inputs.add(control.seed).add(first).value();
  loop.items = count;
  loop.chunk = 32 * static_cast<std::int64_t>(threads);  // the largest over the ranks is taken
  loop.stop_requested = control.stop_requested;
  loop.produce = [&](std::int64_t chunk_first, std::int64_t chunk_count, Bytes& out) {
    // Made when first needed: a rank may be given no chunk at all.
    while (static_cast<std::int64_t>(outcomes.size()) < chunk_count) outcomes.push_back(simulator.make_outcome());
    while (static_cast<int>(workspaces.size()) < threads) workspaces.push_back(simulator.make_workspace());
    simulate_block(simulator, control.seed, first + chunk_first, chunk_count, threads, workspaces, outcomes);
    ByteWriter writer(out);
    for (std::int64_t i = 0; i < chunk_count; ++i) append_outcome(outcomes[static_cast<std::size_t>(i)], writer);
  };
  loop.consume = [&](std::int64_t chunk_first, std::int64_t chunk_count, std::span<const std::byte> bytes) {
    ByteReader reader(bytes);
    for (std::int64_t i = 0; i < chunk_count; ++i) {
      read_outcome(reader, received);
      for (ReplicationSink* sink : sinks) sink->consume(first + chunk_first + i, received);
    }
    if (!reader.at_end()) throw InvariantError("run_replications: a chunk longer than its outcomes");
    report.completed = chunk_first + chunk_count;
    if (control.on_progress) control.on_progress(report.completed, count);
  };
  report.interrupted = !cluster::run_distributed(loop);
  return report;
}

}  // namespace

RunReport run_replications(const Simulator& simulator, std::int64_t first, std::int64_t count,
                           const RunControl& control, std::span<ReplicationSink* const> sinks) {
  if (cluster::distributing()) return run_over_ranks(simulator, first, count, control, sinks);
  RunReport report;
  const int threads = resolve_thread_count(control.threads);
  report.threads_used = threads;
  // Blocks big enough to keep every thread busy, small enough for the
  // progress bar and Ctrl-C to respond quickly.
  const std::int64_t block = std::min<std::int64_t>(std::max<std::int64_t>(count, 1), 32 * threads);
  std::vector<ReplicationOutcome> outcomes;
  outcomes.reserve(static_cast<std::size_t>(block));
  for (std::int64_t i = 0; i < block; ++i) outcomes.push_back(simulator.make_outcome());
  Workspaces workspaces;
  for (int t = 0; t < threads; ++t) workspaces.push_back(simulator.make_workspace());

  for (std::int64_t done = 0; done < count;) {
    if (control.stop_requested && control.stop_requested->load()) {
      report.interrupted = true;
      break;
    }
    const std::int64_t this_block = std::min(block, count - done);
    simulate_block(simulator, control.seed, first + done, this_block, threads, workspaces, outcomes);
    for (std::int64_t i = 0; i < this_block; ++i)
      for (ReplicationSink* sink : sinks)
        sink->consume(first + done + i, outcomes[static_cast<std::size_t>(i)]);
    done += this_block;
    report.completed = done;
    if (control.on_progress) control.on_progress(done, count);
  }
  return report;
}

void add_to_digest(cluster::InputDigest& digest, const Scenario& scenario) {
  digest.add(scenario.resolved_toml);
  if (!scenario.forecast_start) return;
  // Every field of the start the replications read: ranks that read actuals
  // differing only in a month's count of dossiers or a dossier's realised
  // amount simulated different years and wrote them as one run.
  const ForecastStart& start = *scenario.forecast_start;
  const auto add_all = [&](const auto& values) {
    digest.add(static_cast<std::uint64_t>(values.size()));
    for (const auto value : values) digest.add(value);
  };
  digest.add(static_cast<std::int64_t>(start.as_of.day_number()))
      .add(static_cast<std::uint64_t>(start.dossiers.size()));
  for (const ObservedDossier& d : start.dossiers) {
    digest.add(static_cast<std::int64_t>(d.kind))
        .add(std::int64_t{d.filing_day})
        .add(std::int64_t{d.region})
        .add(std::int64_t{d.cell})
        .add(d.trainees)
        .add(d.dossiers)
        .add(std::int64_t{d.first_filing_day})
        .add(std::int64_t{d.last_filing_day})
        .add(d.committed)
        .add(std::int64_t{d.realised.has_value()})
        .add(d.realised.value_or(0))
        .add(std::int64_t{d.end_day.has_value()})
        .add(std::int64_t{d.end_day.value_or(0)})
        .add(std::int64_t{d.national_row});
  }
  digest.add(static_cast<std::uint64_t>(start.national_rows.size())).add(start.dossier_share_cv2);
  add_all(start.room_for_national_rows);
  for (const ForecastStart::NationalRow& row : start.national_rows) {
    digest.add(row.dossiers).add(row.trainees).add(row.committed);
    add_all(row.expected);
  }
  digest.add(static_cast<std::uint64_t>(start.particles.size()));
  for (const ForecastStart::Particle& p : start.particles) {
    add_all(p.values);
    digest.add(std::int64_t{p.profile.has_value()});
    if (p.profile) add_all(*p.profile);
    add_all(p.expected_before);
    digest.add(p.level_shape).add(p.level_rate).add(std::int64_t{p.source});
  }
  add_all(start.particle_cumulative_weight);
  add_all(start.parameter_scales);
  digest.add(start.uptake_regional_cv);
  add_all(start.regional_counts);
  digest.add(start.joint_shape).add(start.joint_rate);
  add_all(start.expected_before);
  add_all(start.cost_log_sd);
  digest.add(start.common_log_sd);
  add_all(start.cost_weight);
}

}  // namespace fnesim
