#pragma once
// The parallel runner: OpenMP over replications, outcomes stored at their
// index and handed to the sinks in replication order, so every result is
// bit-identical whatever the number of threads.
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>

#include "sim/cluster.hpp"
#include "sim/simulator.hpp"

namespace fnesim {

// Receives finished replications, one at a time, in increasing index order.
class ReplicationSink {
 public:
  virtual ~ReplicationSink() = default;
  virtual void consume(std::int64_t replication, const ReplicationOutcome& outcome) = 0;
};

// What a cluster run's loops depend on in a scenario (cluster::DistributedLoop's
// inputs): its text as read (parents, overrides and [run] included) and, for a
// forecast, what the actuals and the particles made of it.
void add_to_digest(cluster::InputDigest& digest, const Scenario& scenario);

struct RunControl {
  std::uint64_t seed = 0;
  int threads = 0;  // 0: all cores
  // Called from the calling thread between blocks with (replications done, target).
  std::function<void(std::int64_t, std::int64_t)> on_progress;
  // Set asynchronously (e.g. by a SIGINT handler) to stop after the current block.
  const std::atomic<bool>* stop_requested = nullptr;
};

struct RunReport {
  std::int64_t completed = 0;  // replications handed to the sinks
  bool interrupted = false;
  int threads_used = 1;
};

// Simulates replications [first, first + count) and feeds them to the sinks.
RunReport run_replications(const Simulator& simulator, std::int64_t first, std::int64_t count,
                           const RunControl& control, std::span<ReplicationSink* const> sinks);

int resolve_thread_count(int requested);

}  // namespace fnesim
