#pragma once
// A progress bar on stderr, drawn only when stderr is a terminal, and the
// Ctrl-C flag long runs poll between blocks of replications.
#include <atomic>
#include <chrono>
#include <cstdint>

namespace fnesim::cli {

class ProgressBar {
 public:
  ProgressBar();  // enabled when stderr is a terminal
  void update(std::int64_t done, std::int64_t target);
  void finish();  // clears the line

 private:
  bool enabled_;
  std::chrono::steady_clock::time_point start_, last_draw_;
};

// SIGINT (Ctrl-C), SIGTERM and SIGHUP (what `timeout`, job schedulers and a
// closed terminal send), for the whole process: main installs the handler
// first thing. What a signal does depends on the phase:
// - while a long job polls the flag (install_interrupt_flag, until
//   end_interrupt_polling), the first signal removes the temporary files at
//   once (a SIGKILL may follow: mpirun's does) and sets the flag: the job
//   stops between blocks and exits with 128 + the signal
//   (cli/preamble.hpp's Interrupted);
// - while a child process runs (forward_signals_to), it is passed on to the
//   child, whose status the command then reports (128 + the signal when the
//   child failed after it: cli/report.cpp);
// - otherwise (and a second signal during a long job, as users expect of a
//   second Ctrl-C, unless the job said RepeatedSignal::Noted) the handler removes every listed temporary file
//   (results/output_file.hpp) and ends the process by the signal itself, so
//   that the shell sees 128 + the signal and no `<target>.tmp.<pid>` remains.
void install_signal_handlers();
// What a second signal does while a job polls: end the process (a long
// computation, as users expect of a second Ctrl-C), or only be noted (a
// server, which stops by removing its sessions' files: no list of
// temporaries names them, and a second Ctrl-C must not leave them behind).
enum class RepeatedSignal { Ends, Noted };
// Starts a long job's polling and returns the flag it polls.
const std::atomic<bool>& install_interrupt_flag(RepeatedSignal repeated = RepeatedSignal::Ends);
// The job polls no more (its last check is done): a signal now ends the process.
void end_interrupt_polling();
// The signal that set the flag (SIGINT when none did).
int interrupt_signal();
// Signals are passed on to process `child` (0: no longer). Returns the first
// signal passed on since the last call with a child, 0 if none.
int forward_signals_to(int child);

}  // namespace fnesim::cli
