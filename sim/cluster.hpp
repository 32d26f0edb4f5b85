#pragma once
// Runs beyond one process (docs/cluster.md). Under an MPI launcher (mpirun,
// srun) every rank runs the same command on the same inputs. The work of its
// parallel loops — replications, sensitivity design rows, backtest truths —
// is split over the ranks in dynamic chunks handed out by rank 0, and every
// chunk's result is sent to every rank, which takes the chunks in index
// order. Each rank's sinks therefore see exactly what one process's would:
// the control flow and every result are the same on all ranks, and the same
// as a single process's, whatever the number of ranks and threads. Rank 0
// alone prints and writes files.
//
// Built without MPI, or started without a launcher, there is one rank and
// every loop runs in this process, as before.
#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <span>
#include <stdexcept>
#include <string_view>

#include "sim/bytes.hpp"
#include "sim/errors.hpp"

namespace fnesim::cluster {

int rank();   // 0 without MPI
int ranks();  // 1 without MPI
// Started by an MPI launcher (with one rank or more).
bool in_mpi_job();
// Ranks on this machine: threads default to its cores shared between them.
int ranks_on_this_machine();
// Rank 0: the one rank that prints results and writes files.
inline bool writes_outputs() { return rank() == 0; }

// MPI for the process's lifetime, created first thing in main. Other ranks
// than 0 have their standard output discarded and fnesim's messages on
// standard error held back: they are shown only if that rank, alone, ends
// the job.
class Session {
 public:
  Session(int* argc, char*** argv);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;
  // Ends MPI and returns the process's exit status. A rank that left a
  // distributed loop before its end (an error, a signal) aborts the whole
  // job instead: the other ranks would wait for its chunks forever.
  int finish(int exit_code);
};

// The command run splits its loops over the ranks (main says so for run,
// backtest, sensitivity, sweep and recommend; any other runs on rank 0 alone).
void allow_splitting();
// True when a loop started here is split over the ranks: the command splits,
// there is more than one rank, and this is not inside an item of a loop
// already split.
bool distributing();

// A loop over items [0, items) in chunks. Each rank proposes a chunk size
// (from its threads); the largest is taken, the same on every rank. `produce`
// computes one chunk on whichever rank rank 0 gives it to, with that rank's
// threads, appending its bytes to `out`; `consume` takes every chunk's bytes,
// in index order, on every rank. An exception thrown by `produce` travels in
// the chunk's place and is thrown again by every rank when its turn comes.
struct DistributedLoop {
  std::int64_t items = 0;
  std::int64_t chunk = 1;  // items per chunk proposed by this rank
  // A digest of what the items depend on — the scenario as read, the seed,
  // the actuals — that every rank must share (InputDigest). Each rank reads
  // its inputs itself: a file that differs from node to node (a local copy,
  // an edit while the job starts) would otherwise mix the results of two
  // runs under one seed. Ranks that disagree end the job with InputsDiffer.
  std::uint64_t inputs = 0;
  std::function<void(std::int64_t first, std::int64_t count, Bytes& out)> produce;
  std::function<void(std::int64_t first, std::int64_t count, std::span<const std::byte> bytes)> consume;
  const std::atomic<bool>* stop_requested = nullptr;
};

// Runs the loop over the ranks; false when stop_requested stopped it. After
// false, or an exception, the job must end (Session::finish aborts it).
//
// Rank 0 leads: a loop starts on the other ranks when rank 0 says it has
// started it. Had rank 0 ended the command instead (an output it refused, a
// failure of its own), a rank waiting here is told so, and run_distributed
// throws JobEnded: the rank then ends with rank 0's exit status. No rank is
// ever left waiting for a loop that will not come.
bool run_distributed(const DistributedLoop& loop);

// Adds what a loop depends on, value by value, in the same order on every rank.
class InputDigest {
 public:
  InputDigest& add(std::uint64_t value);
  InputDigest& add(std::int64_t value) { return add(static_cast<std::uint64_t>(value)); }
  InputDigest& add(double value);
  InputDigest& add(std::string_view text);
  std::uint64_t value() const { return state_; }

 private:
  std::uint64_t state_ = 0x6a09e667f3bcc908;
};

// The ranks of a job read different inputs for the same loop (thrown on every rank).
class InputsDiffer : public BadRequest {
 public:
  using BadRequest::BadRequest;
};

class JobEnded : public std::exception {
 public:
  const char* what() const noexcept override { return "rank 0 ended the job"; }
};

}  // namespace fnesim::cluster
