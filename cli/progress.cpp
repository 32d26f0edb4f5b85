#include "cli/progress.hpp"

#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>

#include "results/output_file.hpp"
#include "sim/cluster.hpp"

namespace fnesim::cli {
namespace {

static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

std::atomic<bool> interrupt_requested{false};
std::atomic<int> interrupting_signal{0};
std::atomic<bool> polling{false};
std::atomic<bool> repeats_noted{false};  // RepeatedSignal::Noted
std::atomic<int> child_process{0};
std::atomic<int> forwarded_signal{0};

// Async-signal-safe throughout: atomics, kill, unlink, sigaction, raise.
extern "C" void on_signal(int signal) {
  const int saved_errno = errno;
  if (const int child = child_process.load(); child > 0) {
    int none = 0;
    forwarded_signal.compare_exchange_strong(none, signal);
    ::kill(child, signal);
    errno = saved_errno;
    return;
  }
  if (polling.load()) {
    // The signal first, so that whoever sees the flag also sees which signal set it.
    int none = 0;
    if (interrupting_signal.compare_exchange_strong(none, signal)) {
      interrupt_requested.store(true);
      // The job will write nothing now: its temporaries go at once, not when
      // it unwinds — mpirun follows its SIGTERM with a SIGKILL within a
      // second or so, sooner than a busy process may get there.
      remove_registered_temporaries();
      errno = saved_errno;
      return;
    }
    if (repeats_noted.load()) {
      errno = saved_errno;
      return;
    }
  }
  remove_registered_temporaries();
  struct sigaction default_action {};
  default_action.sa_handler = SIG_DFL;
  sigemptyset(&default_action.sa_mask);
  ::sigaction(signal, &default_action, nullptr);
  // Blocked while this handler runs, the signal is delivered on return, by
  // default: the process ends as killed by it.
  ::raise(signal);
  errno = saved_errno;
}

}  // namespace

void install_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  // Each handler runs with the others blocked: a second signal waits until
  // the first has removed the temporaries.
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&action.sa_mask, signal);
  action.sa_flags = SA_RESTART;
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction previous {};
    ::sigaction(signal, nullptr, &previous);
    // A signal ignored by whoever started us (nohup, a background job's SIGINT) stays ignored.
    if (previous.sa_handler == SIG_IGN) continue;
    ::sigaction(signal, &action, nullptr);
  }
}

const std::atomic<bool>& install_interrupt_flag(RepeatedSignal repeated) {
  repeats_noted.store(repeated == RepeatedSignal::Noted);
  polling.store(true);
  return interrupt_requested;
}

void end_interrupt_polling() { polling.store(false); }

int interrupt_signal() {
  const int signal = interrupting_signal.load();
  return signal != 0 ? signal : SIGINT;
}

int forward_signals_to(int child) {
  if (child > 0) forwarded_signal.store(0);
  child_process.store(child);
  return forwarded_signal.load();
}

namespace {

// Under mpirun a rank's standard error is a pipe to mpirun, whatever mpirun's
// own is (and its standard output a pseudo-terminal, always). The bar is for
// a person watching: shown when mpirun — rank 0's parent on the machine where
// the job was started — writes its standard error to a terminal, and not in a
// batch job's log.
bool launcher_stderr_is_a_terminal() {
  const std::string link = "/proc/" + std::to_string(::getppid()) + "/fd/2";
  char target[256];
  const ssize_t length = ::readlink(link.c_str(), target, sizeof target - 1);
  if (length <= 0) return false;
  const std::string_view path(target, static_cast<std::size_t>(length));
  return path.starts_with("/dev/pts/") || path.starts_with("/dev/tty");
}

}  // namespace

ProgressBar::ProgressBar()
    : enabled_(cluster::writes_outputs() &&
               (::isatty(STDERR_FILENO) == 1 || (cluster::in_mpi_job() && launcher_stderr_is_a_terminal()))), start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

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
