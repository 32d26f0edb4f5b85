// The one exact splitter (models/apportion.hpp): parts add up to the total to
// the cent, each is its quota rounded down or up, ties go to the lower index;
// with integer weights the quotas are exact rationals and checked as such.
#include "models/apportion.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>

namespace fnesim {
namespace {

// A random weight vector: zeros, equal values (ties), integers (shortfalls in
// cents) and reals across many magnitudes; never all zero.
std::vector<double> random_weights(std::mt19937_64& rng) {
  const int n = std::uniform_int_distribution<int>(1, 12)(rng);
  std::vector<double> w(static_cast<std::size_t>(n));
  const int style = std::uniform_int_distribution<int>(0, 3)(rng);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (double& x : w) {
    if (unit(rng) < 0.2) {
      x = 0;
      continue;
    }
    switch (style) {
      case 0:  // a few distinct small integers: many ties
        x = std::uniform_int_distribution<int>(1, 3)(rng);
        break;
      case 1:  // shortfalls in cents
        x = static_cast<double>(std::uniform_int_distribution<std::int64_t>(1, 5'000'000'000)(rng));
        break;
      case 2:  // shares
        x = unit(rng);
        break;
      default:  // many magnitudes
        x = std::pow(10.0, std::uniform_real_distribution<double>(-6, 9)(rng));
    }
  }
  if (std::all_of(w.begin(), w.end(), [](double x) { return x == 0; }))
    w[std::uniform_int_distribution<std::size_t>(0, w.size() - 1)(rng)] = 1.0;
  return w;
}

TEST(Apportion, RealWeightsPartsAddUpExactlyAndEachIsItsQuotaRoundedDownOrUp) {
  std::mt19937_64 rng(20210118);
  for (int trial = 0; trial < 20'000; ++trial) {
    const std::vector<double> w = random_weights(rng);
    // Totals from 0 to 10^11 cents (10^9 EUR), log-uniform, plus small ones.
    const Cents total =
        trial % 4 == 0
            ? std::uniform_int_distribution<Cents>(0, 50)(rng)
            : static_cast<Cents>(std::pow(10.0, std::uniform_real_distribution<double>(0, 11)(rng)));
    const std::vector<Cents> parts = apportion(total, w);
    ASSERT_EQ(parts.size(), w.size());
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), Cents{0}), total) << "trial " << trial;
    // Quotas in long double: 64-bit mantissa against the implementation's 53,
    // so that the bounds below are not an artefact of our own rounding.
    long double sum = 0;
    for (double x : w) sum += x;
    for (std::size_t i = 0; i < w.size(); ++i) {
      SCOPED_TRACE(::testing::Message() << "trial " << trial << " part " << i << " total " << total);
      if (w[i] == 0) {
        ASSERT_EQ(parts[i], 0);
        continue;
      }
      const long double quota = static_cast<long double>(total) * (static_cast<long double>(w[i]) / sum);
      ASSERT_GE(parts[i], 0);
      ASSERT_LE(static_cast<long double>(parts[i]), std::ceil(quota));
      ASSERT_GE(static_cast<long double>(parts[i]), std::floor(quota));
      // Ties go to the lower index: of two equal weights, the earlier never gets less.
      for (std::size_t j = i + 1; j < w.size(); ++j)
        if (w[j] == w[i]) {
          ASSERT_GE(parts[i], parts[j]) << "parts " << i << " and " << j;
        }
    }
  }
}

TEST(Apportion, WorkedExamples) {
  EXPECT_EQ(apportion(5, std::vector<double>{1, 1, 1}), (std::vector<Cents>{2, 2, 1}));
  EXPECT_EQ(apportion(1, std::vector<double>{1, 1}), (std::vector<Cents>{1, 0}));
  EXPECT_EQ(apportion(2, std::vector<double>{1, 0, 1, 1}), (std::vector<Cents>{1, 0, 1, 0}));
  EXPECT_EQ(apportion(10, std::vector<double>{0, 3}), (std::vector<Cents>{0, 10}));
  // Largest remainders: quotas 3.3, 3.3, 3.4 → 3, 3, 4.
  EXPECT_EQ(apportion(10, std::vector<double>{0.33, 0.33, 0.34}), (std::vector<Cents>{3, 3, 4}));
  EXPECT_EQ(apportion(0, std::vector<double>{1, 2}), (std::vector<Cents>{0, 0}));
}

TEST(Apportion, IntegerWeightsGiveFloorOrCeilingOfTheExactQuota) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 20'000; ++trial) {
    const int n = std::uniform_int_distribution<int>(1, 12)(rng);
    std::vector<std::int64_t> w(static_cast<std::size_t>(n));
    for (auto& x : w)
      x = std::uniform_int_distribution<int>(0, 4)(rng) == 0
              ? 0
              : std::uniform_int_distribution<std::int64_t>(1, trial % 2 ? 3 : 15'000'000'000)(rng);
    const std::int64_t total = std::uniform_int_distribution<std::int64_t>(0, 15'000'000'000)(rng);
    const std::vector<std::int64_t> parts = apportion(total, std::span<const std::int64_t>(w));
    __int128 sum = 0;
    for (auto x : w) sum += x;
    if (sum == 0) {
      ASSERT_TRUE(std::all_of(parts.begin(), parts.end(), [](auto p) { return p == 0; }));
      continue;
    }
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), total) << "trial " << trial;
    for (std::size_t i = 0; i < w.size(); ++i) {
      // parts[i] ∈ {⌊q⌋, ⌈q⌉} with q = total·w/Σw, in exact integer arithmetic.
      const __int128 numerator = static_cast<__int128>(total) * w[i];
      const auto floor_q = static_cast<std::int64_t>(numerator / sum);
      const std::int64_t ceil_q = floor_q + (numerator % sum != 0);
      ASSERT_GE(parts[i], floor_q) << "trial " << trial << " part " << i;
      ASSERT_LE(parts[i], ceil_q) << "trial " << trial << " part " << i;
    }
  }
}

TEST(Apportion, IntegerWorkedExamples) {
  using W = std::vector<std::int64_t>;
  EXPECT_EQ(apportion(5, std::span<const std::int64_t>(W{1, 1, 1})), (W{2, 2, 1}));
  EXPECT_EQ(apportion(100, std::span<const std::int64_t>(W{0, 0})), (W{0, 0}));
  EXPECT_EQ(apportion(-3, std::span<const std::int64_t>(W{1, 2})), (W{0, 0}));
  // 150 M EUR in cents over the annex's 12 envelopes adds up to the cent.
  const W annex = {2750, 800, 600, 800, 1300, 1400, 2850, 900, 1000, 900, 700, 1000};
  const W parts = apportion(15'000'000'000 + 7, std::span<const std::int64_t>(annex));
  EXPECT_EQ(std::accumulate(parts.begin(), parts.end(), std::int64_t{0}), 15'000'000'007);
  EXPECT_EQ(parts[0], 2'750'000'001);  // quota 2 750 000 001.28: the floor
}

// A national month's money shared within the regions' rooms under their
// ceilings: what a region cannot take goes to the others pro rata, in turn;
// what none has room for, by the weights alone.
TEST(ApportionWithin, WhatAPartCannotTakeGoesToThoseWithRoomProRata) {
  const std::vector<double> w = {5, 3, 2};
  const std::vector<Cents> ample = {1000, 1000, 1000};
  EXPECT_EQ(apportion_within(100, w, ample), (std::vector<Cents>{50, 30, 20}));
  // The first can take 20: its 30 more go 3 : 2 to the others.
  EXPECT_EQ(apportion_within(100, w, std::vector<Cents>{20, 1000, 1000}), (std::vector<Cents>{20, 48, 32}));
  // Then the second is full at 40: the third takes the rest.
  EXPECT_EQ(apportion_within(100, w, std::vector<Cents>{20, 40, 1000}), (std::vector<Cents>{20, 40, 40}));
  // No room left anywhere for 10 of them: those by the weights.
  EXPECT_EQ(apportion_within(100, w, std::vector<Cents>{20, 40, 30}), (std::vector<Cents>{25, 43, 32}));
  // A room already overdrawn counts as none.
  EXPECT_EQ(apportion_within(100, w, std::vector<Cents>{-5, 1000, 1000}), (std::vector<Cents>{0, 60, 40}));
}

TEST(ApportionWithin, PartsAddUpAndStayWithinTheirRoomWheneverTheRoomsHoldTheTotal) {
  std::mt19937_64 rng(7);
  for (int trial = 0; trial < 5'000; ++trial) {
    const std::vector<double> w = random_weights(rng);
    std::vector<Cents> room(w.size());
    for (Cents& r : room) r = std::uniform_int_distribution<Cents>(-10, 1'000'000)(rng);
    const Cents total = std::uniform_int_distribution<Cents>(0, 2'000'000)(rng);
    const std::vector<Cents> parts = apportion_within(total, w, room);
    SCOPED_TRACE(::testing::Message() << "trial " << trial << " total " << total);
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), Cents{0}), total);
    Cents open_room = 0;
    for (std::size_t i = 0; i < w.size(); ++i)
      if (w[i] > 0) open_room += std::max<Cents>(room[i], 0);
    for (std::size_t i = 0; i < w.size(); ++i) {
      ASSERT_GE(parts[i], 0);
      if (w[i] == 0) {
        ASSERT_EQ(parts[i], 0);
      }
      if (total <= open_room) {
        ASSERT_LE(parts[i], std::max<Cents>(room[i], 0)) << "part " << i;
      }
    }
  }
}

}  // namespace
}  // namespace fnesim
