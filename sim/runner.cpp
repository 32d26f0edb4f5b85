#include "sim/runner.hpp"

#include <omp.h>

#include <algorithm>
#include <memory>
#include <vector>

#include "sim/parallel.hpp"

namespace fnesim {

int resolve_thread_count(int requested) { return requested > 0 ? requested : omp_get_num_procs(); }

RunReport run_replications(const Simulator& simulator, std::int64_t first, std::int64_t count,
                           const RunControl& control, std::span<ReplicationSink* const> sinks) {
  RunReport report;
  const int threads = resolve_thread_count(control.threads);
  report.threads_used = threads;
  // Blocks big enough to keep every thread busy, small enough for the
  // progress bar and Ctrl-C to respond quickly.
  const std::int64_t block = std::min<std::int64_t>(std::max<std::int64_t>(count, 1), 32 * threads);
  std::vector<ReplicationOutcome> outcomes;
  outcomes.reserve(static_cast<std::size_t>(block));
  for (std::int64_t i = 0; i < block; ++i) outcomes.push_back(simulator.make_outcome());
  std::vector<std::unique_ptr<Workspace, void (*)(Workspace*)>> workspaces;
  for (int t = 0; t < threads; ++t) workspaces.push_back(simulator.make_workspace());

  for (std::int64_t done = 0; done < count;) {
    if (control.stop_requested && control.stop_requested->load()) {
      report.interrupted = true;
      break;
    }
    const std::int64_t this_block = std::min(block, count - done);
    ParallelErrors errors;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (std::int64_t i = 0; i < this_block; ++i) {
      errors.run(i, [&] {
        simulator.simulate(control.seed, first + done + i,
                           *workspaces[static_cast<std::size_t>(omp_get_thread_num())],
                           outcomes[static_cast<std::size_t>(i)]);
      });
    }
    errors.rethrow();
    for (std::int64_t i = 0; i < this_block; ++i)
      for (ReplicationSink* sink : sinks)
        sink->consume(first + done + i, outcomes[static_cast<std::size_t>(i)]);
    done += this_block;
    report.completed = done;
    if (control.on_progress) control.on_progress(done, count);
  }
  return report;
}

}  // namespace fnesim
