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

// Installs a SIGINT handler that sets the returned flag (a second Ctrl-C
// terminates at once, as users expect).
const std::atomic<bool>& install_interrupt_flag();

}  // namespace fnesim::cli
