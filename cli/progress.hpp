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

// Installs handlers for SIGINT (Ctrl-C), SIGTERM and SIGHUP (what `timeout`,
// job schedulers and a closed terminal send) that set the returned flag, so
// that a long job stops between blocks, removes its temporary files and exits
// with 128 + the signal. A second signal ends the process at once, as users
// expect of a second Ctrl-C.
const std::atomic<bool>& install_interrupt_flag();
// The signal that set the flag (SIGINT when none did).
int interrupt_signal();

}  // namespace fnesim::cli
