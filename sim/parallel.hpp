#pragma once
// Carrying exceptions out of OpenMP loops. An exception may not leave a
// parallel region: the program would end in std::terminate. Each iteration
// runs through ParallelErrors::run, which records what it threw; after the
// loop, rethrow() raises the exception of the lowest index — the same error
// whatever the number of threads and their timing. An iteration above an
// index that has already failed is skipped: its work would be thrown away,
// and a refused run should not first finish the rest of its block.
#include <atomic>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <utility>

namespace fnesim {

class ParallelErrors {
 public:
  template <typename Body>
  void run(std::int64_t index, Body&& body) noexcept {
    // Only ever lowered: every index below the lowest failure still runs.
    if (index > first_index_.load(std::memory_order_relaxed)) return;
    try {
      std::forward<Body>(body)();
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex_);
      if (index < first_index_.load(std::memory_order_relaxed)) {
        first_index_.store(index, std::memory_order_relaxed);
        first_ = std::current_exception();
      }
    }
  }
  bool any() const { return first_ != nullptr; }
  void rethrow() const {
    if (first_) std::rethrow_exception(first_);
  }

 private:
  std::mutex mutex_;
  std::atomic<std::int64_t> first_index_ = std::numeric_limits<std::int64_t>::max();
  std::exception_ptr first_;
};

}  // namespace fnesim
