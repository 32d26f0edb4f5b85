#include "cli/progress.hpp"

#include <unistd.h>

#include <csignal>
#include <cstdio>

namespace fnesim::cli {
namespace {

std::atomic<bool> interrupt_requested{false};
std::atomic<int> interrupting_signal{0};

extern "C" void on_interrupt(int signal) {
  // The signal first, so that whoever sees the flag also sees which signal set it.
  if (!interrupt_requested.load()) interrupting_signal.store(signal);
  if (interrupt_requested.exchange(true)) {
    std::signal(signal, SIG_DFL);
    std::raise(signal);
  }
}

}  // namespace

const std::atomic<bool>& install_interrupt_flag() {
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) std::signal(signal, on_interrupt);
  return interrupt_requested;
}

int interrupt_signal() {
  const int signal = interrupting_signal.load();
  return signal != 0 ? signal : SIGINT;
}

ProgressBar::ProgressBar()
    : enabled_(::isatty(STDERR_FILENO) == 1), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

void ProgressBar::update(std::int64_t done, std::int64_t target) {
  if (!enabled_ || target <= 0) return;
  const auto now = std::chrono::steady_clock::now();
  if (done < target && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double rate = elapsed > 0 ? done / elapsed : 0.0;
  const double eta = rate > 0 ? (target - done) / rate : 0.0;
  constexpr int width = 30;
  const int filled = static_cast<int>(width * done / target);
  char bar[width + 1];
  for (int i = 0; i < width; ++i) bar[i] = i < filled ? '#' : '.';
  bar[width] = '\0';
  std::fprintf(stderr, "\r[%s] %3d%% %lld/%lld  %.0f rep/s  ETA %.0f s   ", bar,
               static_cast<int>(100 * done / target), static_cast<long long>(done),
               static_cast<long long>(target), rate, eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_) return;
  std::fprintf(stderr, "\r%72s\r", "");
  std::fflush(stderr);
}

}  // namespace fnesim::cli
