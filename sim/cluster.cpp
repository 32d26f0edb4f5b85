#include "sim/cluster.hpp"

#include <algorithm>
#include <bit>
#include <chrono>
#include <cstdlib>
#include <iostream>
#include <new>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>

#include "sim/diagnostics.hpp"
#include "sim/errors.hpp"
#include "sim/rng.hpp"

#ifdef FNESIM_WITH_MPI
#include <fcntl.h>
#include <mpi.h>
#include <unistd.h>

#include <climits>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#endif

namespace fnesim::cluster {
namespace {

int this_rank = 0;
int rank_count = 1;
int local_rank_count = 1;
bool inside_item = false;  // producing a chunk of a distributed loop: loops inside it run here
bool splitting_allowed = false;

}  // namespace

InputDigest& InputDigest::add(std::uint64_t value) {
  state_ = splitmix64(state_ ^ value);
  return *this;
}

InputDigest& InputDigest::add(double value) { return add(std::bit_cast<std::uint64_t>(value)); }

InputDigest& InputDigest::add(std::string_view text) {
  add(static_cast<std::uint64_t>(text.size()));
  std::uint64_t word = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    word = word << 8 | static_cast<unsigned char>(text[i]);
    if (i % 8 == 7) add(std::exchange(word, 0));
  }
  return add(word);
}

int rank() { return this_rank; }
int ranks() { return rank_count; }
int ranks_on_this_machine() { return local_rank_count; }
void allow_splitting() { splitting_allowed = true; }
bool distributing() { return splitting_allowed && rank_count > 1 && !inside_item; }

#ifndef FNESIM_WITH_MPI

bool in_mpi_job() { return false; }
Session::Session(int*, char***) {}
Session::~Session() = default;
int Session::finish(int exit_code) { return exit_code; }
bool run_distributed(const DistributedLoop&) {
  throw std::logic_error("run_distributed: fnesim was built without MPI");
}

#else

namespace {

bool mpi_started = false;
// Set while this rank is inside a distributed loop: an exit from there leaves the others waiting.
bool left_a_loop_early = false;
// Other ranks than 0: what fnesim would have written on standard error
// (shown only if that rank alone ends the job).
std::ostringstream held_errors;
std::streambuf* cerr_buffer = nullptr;

bool launched_by_mpi() {
  for (const char* variable : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK", "PMI_SIZE"})
    if (std::getenv(variable) != nullptr) return true;
  return false;
}

// Rank 0 leads, on MPI_COMM_WORLD: each loop it starts, and the end of its
// command, are told to every other rank, which waits for one or the other.
constexpr int tag_lead = 3;
enum class Lead : std::int32_t { loop_started, command_ended };
struct LeadMessage {
  Lead lead;
  std::int32_t exit_code;  // command_ended: rank 0's exit status
};
// Set when rank 0 said it ended its command: this rank's exit status.
std::optional<int> rank_zero_exit;

// Tags of a loop's messages (each loop has its own communicator).
constexpr int tag_assignment = 1;  // rank 0 → a rank: the next chunk to produce, or none_left
constexpr int tag_chunk = 2;       // a rank → every other: a chunk's result
constexpr std::int64_t none_left = -1;
// Chunks given to each other rank ahead of need, so that it always has one
// to start while rank 0, busy with a chunk of its own, has not answered yet.
constexpr int assignments_ahead = 2;

// A chunk message: its index, a status, then the produced bytes — or, when
// producing threw, what was thrown, to be thrown again by every rank.
enum class ChunkStatus : std::uint8_t { produced, bad_request, invariant, out_of_memory, failure };
constexpr std::size_t chunk_header_bytes = sizeof(std::int64_t) + sizeof(ChunkStatus);

[[noreturn]] void throw_travelled(ChunkStatus status, const std::string& message) {
  switch (status) {
    case ChunkStatus::bad_request: throw BadRequest(message);
    case ChunkStatus::invariant: throw InvariantError(message);
    case ChunkStatus::out_of_memory: throw std::bad_alloc();
    default: throw std::runtime_error(message);
  }
}

using Message = std::shared_ptr<const Bytes>;

// What one rank holds of a loop: the chunks arrived but not yet consumed,
// and its sends until they complete (their buffers must live until then).
class LoopState {
 public:
  LoopState(const DistributedLoop& loop, MPI_Comm comm) : loop_(loop), comm_(comm) {
    chunks_ = loop.items == 0 ? 0 : (loop.items - 1) / loop.chunk + 1;
  }

  std::int64_t chunks() const { return chunks_; }
  std::int64_t consumed() const { return consumed_; }
  bool all_consumed() const { return consumed_ == chunks_; }

  Message produce(std::int64_t chunk) {
    auto message = std::make_shared<Bytes>();
    ByteWriter header(*message);
    header.put<std::int64_t>(chunk);
    header.put(ChunkStatus::produced);
    const std::int64_t first = chunk * loop_.chunk;
    const std::int64_t count = std::min(loop_.chunk, loop_.items - first);
    inside_item = true;
    try {
      loop_.produce(first, count, *message);
      inside_item = false;
    } catch (...) {
      inside_item = false;
      message->resize(chunk_header_bytes);
      ChunkStatus status = ChunkStatus::failure;
      std::string what;
      try {
        throw;
      } catch (const BadRequest& e) {
        status = ChunkStatus::bad_request, what = e.what();
      } catch (const InputError& e) {
        status = ChunkStatus::bad_request, what = e.what();
      } catch (const InvariantError& e) {
        status = ChunkStatus::invariant, what = e.what();
      } catch (const std::bad_alloc&) {
        status = ChunkStatus::out_of_memory;
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
        what = "an unknown exception";
      }
      (*message)[sizeof(std::int64_t)] = static_cast<std::byte>(status);
      ByteWriter(*message).put_string(what);
    }
    if (message->size() > static_cast<std::size_t>(INT_MAX))
      throw InvariantError("a chunk of a distributed loop is over 2 GiB: smaller chunks are needed");
    return message;
  }

  // To every other rank, and to this one's own chunks.
  void share(std::int64_t chunk, const Message& message) {
    for (int to = 0; to < rank_count; ++to)
      if (to != this_rank) send(message, to, tag_chunk);
    arrived_[chunk] = message;
  }

  void send(const Message& message, int to, int tag) {
    MPI_Request request;
    MPI_Isend(message->data(), static_cast<int>(message->size()), MPI_BYTE, to, tag, comm_, &request);
    sends_.push_back({request, message});
  }

  void send_assignment(std::int64_t chunk, int to) {
    auto message = std::make_shared<Bytes>();
    ByteWriter(*message).put(chunk);
    send(message, to, tag_assignment);
  }

  // Receives one waiting message if there is one: a chunk is kept; an
  // assignment's chunk index is returned through `assignment`.
  bool receive(int& source, int& tag, std::int64_t& assignment) {
    int waiting = 0;
    MPI_Status status;
    MPI_Iprobe(MPI_ANY_SOURCE, MPI_ANY_TAG, comm_, &waiting, &status);
    if (!waiting) return false;
    int size = 0;
    MPI_Get_count(&status, MPI_BYTE, &size);
    auto message = std::make_shared<Bytes>(static_cast<std::size_t>(size));
    MPI_Recv(message->data(), size, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, comm_, MPI_STATUS_IGNORE);
    source = status.MPI_SOURCE;
    tag = status.MPI_TAG;
    ByteReader reader(*message);
    if (tag == tag_assignment) {
      assignment = reader.get<std::int64_t>();
    } else {
      arrived_[reader.get<std::int64_t>()] = std::move(message);
    }
    return true;
  }

  // Consumes the chunks that have arrived in order; true if any.
  bool consume_in_order() {
    bool any = false;
    for (auto next = arrived_.find(consumed_); next != arrived_.end(); next = arrived_.find(consumed_)) {
      const Message message = std::move(next->second);
      arrived_.erase(next);
      ByteReader reader(*message);
      reader.get<std::int64_t>();
      const auto status = reader.get<ChunkStatus>();
      if (status != ChunkStatus::produced) throw_travelled(status, reader.get_string());
      const std::int64_t first = consumed_ * loop_.chunk;
      loop_.consume(first, std::min(loop_.chunk, loop_.items - first),
                    std::span<const std::byte>(*message).subspan(chunk_header_bytes));
      ++consumed_;
      any = true;
    }
    return any;
  }

  bool sends_done() {
    while (!sends_.empty()) {
      int done = 0;
      MPI_Test(&sends_.front().request, &done, MPI_STATUS_IGNORE);
      if (!done) return false;
      sends_.pop_front();
    }
    return true;
  }

 private:
  struct Send {
    MPI_Request request;
    Message message;
  };
  const DistributedLoop& loop_;
  MPI_Comm comm_;
  std::int64_t chunks_ = 0, consumed_ = 0;
  std::map<std::int64_t, Message> arrived_;
  std::deque<Send> sends_;
};

// Idle waits between polls: short at first, so that a chunk that has just
// been sent is taken at once, then longer, so that a rank waiting for a slow
// one does not take a core from its threads.
class Backoff {
 public:
  void reset() { wait_ = std::chrono::microseconds(20); }
  void wait() {
    std::this_thread::sleep_for(wait_);
    wait_ = std::min(wait_ * 2, std::chrono::microseconds(2000));
  }

 private:
  std::chrono::microseconds wait_{20};
};

bool stopped(const DistributedLoop& loop) { return loop.stop_requested && loop.stop_requested->load(); }

// Produces a chunk and sends it to every rank; false when a signal came
// meanwhile (the chunk may have been cut short: it is not sent).
bool produce_and_share(const DistributedLoop& loop, LoopState& state, std::int64_t chunk) {
  const Message message = state.produce(chunk);
  if (stopped(loop)) return false;
  state.share(chunk, message);
  return true;
}

// The end of one round of polling: sends that completed are let go, and a
// round that did nothing is followed by a wait.
void end_round(LoopState& state, Backoff& backoff, bool progress) {
  state.sends_done();
  if (progress)
    backoff.reset();
  else
    backoff.wait();
}

void tell_every_rank(Lead lead, int exit_code) {
  const LeadMessage message{lead, exit_code};
  for (int to = 1; to < rank_count; ++to)
    MPI_Send(&message, sizeof message, MPI_BYTE, to, tag_lead, MPI_COMM_WORLD);
}

// What rank 0 did next, polled without blocking (a blocking receive in Open
// MPI spins a core).
LeadMessage wait_for_rank_zero() {
  Backoff backoff;
  for (int waiting = 0;; backoff.wait()) {
    MPI_Iprobe(0, tag_lead, MPI_COMM_WORLD, &waiting, MPI_STATUS_IGNORE);
    if (waiting) break;
  }
  LeadMessage message;
  MPI_Recv(&message, sizeof message, MPI_BYTE, 0, tag_lead, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
  return message;
}

// This rank ends the job, its held-back messages shown (another rank than 0).
[[noreturn]] void abort_job(int exit_code, const std::string& why) {
  std::string text;
  const std::string rank_tag = " (rank " + std::to_string(this_rank) + ")";
  std::istringstream lines(held_errors.str() + why);
  for (std::string line; std::getline(lines, line);) {
    // A line that names its command already ("fnesim run: …") takes the
    // rank into that name rather than a second prefix.
    const std::size_t colon = line.find(": ");
    const bool named = line.rfind("fnesim", 0) == 0 && colon != std::string::npos &&
                       std::count(line.begin(), line.begin() + static_cast<std::ptrdiff_t>(colon), ' ') <= 1;
    if (named)
      text += line.substr(0, colon) + rank_tag + line.substr(colon) + "\n";
    else
      text += "fnesim" + rank_tag + ": " + line + "\n";
  }
  if (::write(STDERR_FILENO, text.data(), text.size()) < 0) {
    // Nowhere left to report it: the exit status still says it.
  }
  MPI_Abort(MPI_COMM_WORLD, exit_code != 0 ? exit_code : 1);
  std::abort();  // not reached: MPI_Abort ends the process
}

// Rank 0 hands out the chunks in index order, at most `window` ahead of the
// first not yet consumed (so that memory stays bounded however uneven the
// ranks), produces chunks itself when no other rank is waiting for one, and
// consumes like every rank.
bool coordinate(const DistributedLoop& loop, LoopState& state) {
  const std::int64_t window = std::max<std::int64_t>(8, 4 * static_cast<std::int64_t>(rank_count));
  std::int64_t next = 0;
  std::deque<int> waiting;  // ranks owed an assignment, in the order they asked
  const auto may_hand_out = [&] { return next < state.chunks() && next < state.consumed() + window; };
  const auto answer = [&](int rank) {
    if (next >= state.chunks())
      state.send_assignment(none_left, rank);
    else if (may_hand_out())
      state.send_assignment(next++, rank);
    else
      waiting.push_back(rank);
  };
  for (int rank = 1; rank < rank_count; ++rank)
    for (int i = 0; i < assignments_ahead; ++i) answer(rank);

  Backoff backoff;
  while (!state.all_consumed()) {
    bool progress = false;
    int source = 0, tag = 0;
    std::int64_t assignment = 0;
    while (state.receive(source, tag, assignment)) {
      answer(source);  // each chunk received asks for the next
      progress = true;
    }
    progress |= state.consume_in_order();
    while (!waiting.empty() && (may_hand_out() || next >= state.chunks())) {
      answer(waiting.front());
      waiting.pop_front();
    }
    if (stopped(loop)) return false;
    if (waiting.empty() && may_hand_out()) {
      if (!produce_and_share(loop, state, next++)) return false;
      progress = true;
    }
    end_round(state, backoff, progress);
  }
  return true;
}

// Every other rank produces what rank 0 assigns, shares it, and consumes.
// Rank 0 answers each chunk with one assignment, and the first
// `assignments_ahead` requests were made for it: exactly that many answers
// are none_left, and a rank is done when it has them all.
bool follow(const DistributedLoop& loop, LoopState& state) {
  std::deque<std::int64_t> assigned;
  int none_left_received = 0;
  Backoff backoff;
  while (!state.all_consumed() || none_left_received < assignments_ahead) {
    bool progress = false;
    int source = 0, tag = 0;
    std::int64_t assignment = 0;
    while (state.receive(source, tag, assignment)) {
      if (tag == tag_assignment) {
        if (assignment == none_left)
          ++none_left_received;
        else
          assigned.push_back(assignment);
      }
      progress = true;
    }
    progress |= state.consume_in_order();
    // A signal stops this rank before its next chunk; with none left to
    // produce it sees the loop through, as rank 0 (which has the signal too,
    // under mpirun) decides for the job.
    if (!assigned.empty() && stopped(loop)) return false;
    if (!assigned.empty()) {
      const std::int64_t chunk = assigned.front();
      assigned.pop_front();
      if (!produce_and_share(loop, state, chunk)) return false;
      progress = true;
    }
    end_round(state, backoff, progress);
  }
  return true;
}

}  // namespace

bool in_mpi_job() { return mpi_started; }

Session::Session(int* argc, char*** argv) {
  if (!launched_by_mpi()) return;
  int provided = MPI_THREAD_SINGLE;
  // Only the main thread calls MPI, outside the OpenMP regions.
  MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided);
  mpi_started = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &this_rank);
  MPI_Comm_size(MPI_COMM_WORLD, &rank_count);
  MPI_Comm machine;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &machine);
  MPI_Comm_size(machine, &local_rank_count);
  MPI_Comm_free(&machine);
  if (provided < MPI_THREAD_FUNNELED) {
    if (this_rank == 0) std::cerr << "fnesim: this MPI library cannot be used with threads (MPI_THREAD_FUNNELED)\n";
    MPI_Abort(MPI_COMM_WORLD, 1);
  }
  if (this_rank != 0) {
    // Results are rank 0's to print. Standard error stays open for what MPI
    // or the C library may say of a crash; fnesim's own messages are held.
    const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (null >= 0) {
      ::dup2(null, STDOUT_FILENO);
      ::close(null);
    }
    cerr_buffer = std::cerr.rdbuf(held_errors.rdbuf());
  }
}

Session::~Session() {
  if (cerr_buffer != nullptr) std::cerr.rdbuf(cerr_buffer);
}

int Session::finish(int exit_code) {
  if (!mpi_started) return exit_code;
  std::cout.flush();
  std::cerr.flush();
  if (left_a_loop_early) {
    if (this_rank == 0) MPI_Abort(MPI_COMM_WORLD, exit_code != 0 ? exit_code : 1);
    // The same error reaches rank 0 at about the same time, and its message
    // is the one to show: leave it the time to say it and end the job.
    std::this_thread::sleep_for(std::chrono::seconds(3));
    abort_job(exit_code, "stopped inside a loop");
  }
  if (this_rank == 0) {
    tell_every_rank(Lead::command_ended, exit_code);
  } else if (!rank_zero_exit) {
    // This rank's command has ended: rank 0's must have too.
    const LeadMessage next = wait_for_rank_zero();
    if (next.lead != Lead::command_ended)
      abort_job(exit_code, "ended its command (exit status " + std::to_string(exit_code) +
                               ") where rank 0 went on: the ranks disagree");
    rank_zero_exit = next.exit_code;
  }
  MPI_Finalize();
  mpi_started = false;
  return this_rank == 0 ? exit_code : *rank_zero_exit;
}

bool run_distributed(const DistributedLoop& proposed) {
  if (proposed.chunk < 1) throw std::invalid_argument("run_distributed: chunks of at least one item");
  if (this_rank == 0) {
    tell_every_rank(Lead::loop_started, 0);
  } else {
    const LeadMessage next = wait_for_rank_zero();
    if (next.lead == Lead::command_ended) {
      rank_zero_exit = next.exit_code;
      throw JobEnded();
    }
  }
  // Every rank read its own inputs: the loop runs only if they agree (the
  // digest and the item count), else every rank says so and the job ends.
  std::uint64_t mine[2] = {proposed.inputs, static_cast<std::uint64_t>(proposed.items)}, lowest[2],
                highest[2];
  MPI_Allreduce(mine, lowest, 2, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(mine, highest, 2, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
  if (lowest[0] != highest[0] || lowest[1] != highest[1])
    throw InputsDiffer(
        "the ranks of this job read different inputs (the scenario, its parent files, the actuals, the seed "
        "or "
        "the replications differ between the machines or changed while the job started): nothing was "
        "simulated; give every rank the same files");
  left_a_loop_early = true;  // until it ends normally
  DistributedLoop loop = proposed;
  MPI_Allreduce(&proposed.chunk, &loop.chunk, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  // At least four chunks a rank when the items allow: a short loop is
  // shared by every rank, rank 0 included, not left to the first ones served.
  const std::int64_t share = (loop.items + 4 * rank_count - 1) / (4 * rank_count);
  loop.chunk = std::max<std::int64_t>(1, std::min(loop.chunk, share));
  MPI_Comm comm;
  // A loop's own communicator: no message of one loop can be taken by the next.
  MPI_Comm_dup(MPI_COMM_WORLD, &comm);
  // Left early (a signal, an exception), the loop's sends may still be in
  // flight, reading their buffers: the state is then never freed — the job
  // is ending (Session::finish aborts it).
  auto state = std::make_unique<LoopState>(loop, comm);
  bool completed = false;
  try {
    completed = this_rank == 0 ? coordinate(loop, *state) : follow(loop, *state);
  } catch (...) {
    static_cast<void>(state.release());  // deliberately never freed, as above
    throw;
  }
  if (!completed) {
    static_cast<void>(state.release());
    return false;
  }
  Backoff backoff;
  while (!state->sends_done()) backoff.wait();
  state.reset();
  MPI_Comm_free(&comm);
  left_a_loop_early = false;
  return true;
}

#endif

}  // namespace fnesim::cluster
