// Exceptions thrown inside an OpenMP loop come out of it (sim/parallel.hpp):
// the one of the lowest index, whatever the thread count.
#include "sim/parallel.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <stdexcept>
#include <string>

namespace fnesim {
namespace {

TEST(ParallelErrors, TheLowestFailingIndexIsRethrownForAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    ParallelErrors errors;
    int completed = 0;
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1) reduction(+ : completed)
    for (int i = 0; i < 200; ++i) {
      errors.run(i, [&] {
        if (i == 170) throw std::runtime_error("index 170");
        if (i == 17) throw std::length_error("index 17");
        if (i == 40) throw std::bad_alloc();
        ++completed;
      });
    }
    EXPECT_TRUE(errors.any());
    EXPECT_EQ(completed, 197) << "the other iterations still run";
    try {
      errors.rethrow();
      ADD_FAILURE() << "nothing rethrown with " << threads << " threads";
    } catch (const std::length_error& e) {
      EXPECT_EQ(std::string(e.what()), "index 17");
    }
  }
}

TEST(ParallelErrors, NothingToRethrowWhenNothingFailed) {
  ParallelErrors errors;
#pragma omp parallel for num_threads(2)
  for (int i = 0; i < 10; ++i) errors.run(i, [] {});
  EXPECT_FALSE(errors.any());
  EXPECT_NO_THROW(errors.rethrow());
}

}  // namespace
}  // namespace fnesim
