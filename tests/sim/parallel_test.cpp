// Exceptions thrown inside an OpenMP loop come out of it (sim/parallel.hpp):
// the one of the lowest index, whatever the thread count; iterations above a
// failed index are skipped.
#include "sim/parallel.hpp"

#include <gtest/gtest.h>
#include <omp.h>

#include <algorithm>
#include <stdexcept>
#include <string>
#include <vector>

namespace fnesim {
namespace {

TEST(ParallelErrors, TheLowestFailingIndexIsRethrownForAnyThreadCount) {
  for (int threads : {1, 2, 4}) {
    ParallelErrors errors;
    std::vector<char> ran(200, 0);
#pragma omp parallel for num_threads(threads) schedule(dynamic, 1)
    for (int i = 0; i < 200; ++i) {
      errors.run(i, [&] {
        ran[static_cast<std::size_t>(i)] = 1;
        if (i == 170) throw std::runtime_error("index 170");
        if (i == 17) throw std::length_error("index 17");
        if (i == 40) throw std::bad_alloc();
      });
    }
    EXPECT_TRUE(errors.any());
    for (int i = 0; i <= 17; ++i)
      EXPECT_TRUE(ran[static_cast<std::size_t>(i)]) << "index " << i << " below the failure";
    // One thread runs in order: nothing after the failure is started.
    if (threads == 1) {
      EXPECT_EQ(std::count(ran.begin(), ran.end(), 1), 18);
    }
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
