// The scores of `backtest --truth` on samples small enough to check by hand:
// the CRPS against its O(n²) definition, the interval score term by term, and
// the central intervals' quantiles with their bounds, the PIT with its ties.
#include "sim/forecast/forecast_scores.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <vector>

namespace fnesim {
namespace {

// CRPS = (1/n) Σ|x_i − y| − (1/(2n²)) Σ_i Σ_j |x_i − x_j|, as written.
double crps_by_definition(const std::vector<Cents>& sample, Cents outcome) {
  const auto n = static_cast<double>(sample.size());
  double to_outcome = 0, between = 0;
  for (Cents x : sample) {
    to_outcome += static_cast<double>(std::llabs(x - outcome));
    for (Cents z : sample) between += static_cast<double>(std::llabs(x - z));
  }
  return to_outcome / n - between / (2 * n * n);
}

TEST(ForecastScores, CrpsOfASortedSampleIsItsDefinition) {
  std::vector<Cents> sample = {1'250'00, 990'00, 4'000'17, 1'250'00, 2'000'00, 730'55, 10'000'00};
  std::sort(sample.begin(), sample.end());
  for (Cents outcome : {Cents{0}, Cents{1'250'00}, Cents{1'900'00}, Cents{10'000'00}, Cents{50'000'00}})
    EXPECT_NEAR(crps_of_sample(sample, outcome), crps_by_definition(sample, outcome), 1e-6) << outcome;

  // A pseudo-random sample of fnesim's size range (tens of M€ in cents).
  std::vector<Cents> large;
  std::uint64_t state = 12345;
  for (int i = 0; i < 301; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    large.push_back(static_cast<Cents>(state >> 30) % 5'000'000'000 + 3'000'000'000);
  }
  std::sort(large.begin(), large.end());
  for (Cents outcome : {Cents{2'000'000'000}, Cents{5'500'000'000}, Cents{9'000'000'000}})
    EXPECT_NEAR(crps_of_sample(large, outcome) / crps_by_definition(large, outcome), 1.0, 1e-12);
}

TEST(ForecastScores, CrpsOfOneValueIsTheAbsoluteErrorAndOfAnEvenSplitIsKnown) {
  const std::vector<Cents> one = {500};
  EXPECT_DOUBLE_EQ(crps_of_sample(one, 800), 300);
  EXPECT_DOUBLE_EQ(crps_of_sample(one, 200), 300);
  // Half the mass at 0 and half at 100, outcome 0: (1/2)·100 − (1/8)·(2·100) = 25.
  const std::vector<Cents> split = {0, 100};
  EXPECT_DOUBLE_EQ(crps_of_sample(split, 0), 25);
}

TEST(ForecastScores, PitIsTheShareBelowWithTiesCountedHalf) {
  const std::vector<Cents> sample = {10, 20, 20, 30};
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 5), 0);
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 10), 0.5 / 4);
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 20), (1 + 1.0) / 4);
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 25), 3.0 / 4);
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 30), 3.5 / 4);
  EXPECT_DOUBLE_EQ(pit_of_sample(sample, 31), 1);
  // A sample of one value: below, at it, above.
  const std::vector<Cents> one = {500};
  EXPECT_DOUBLE_EQ(pit_of_sample(one, 499), 0);
  EXPECT_DOUBLE_EQ(pit_of_sample(one, 500), 0.5);
  EXPECT_DOUBLE_EQ(pit_of_sample(one, 501), 1);
}

TEST(ForecastScores, IntervalScoreIsTheWidthPlusTheWeightedMiss) {
  const CentralInterval interval{100, 200};
  EXPECT_DOUBLE_EQ(interval_score(interval, 150, 0.1), 100);  // inside: the width alone
  EXPECT_DOUBLE_EQ(interval_score(interval, 100, 0.1), 100);  // the bounds are inside
  EXPECT_DOUBLE_EQ(interval_score(interval, 200, 0.5), 100);
  EXPECT_DOUBLE_EQ(interval_score(interval, 50, 0.1), 100 + 20.0 * 50);  // below: 2/α (l − y)
  EXPECT_DOUBLE_EQ(interval_score(interval, 260, 0.5), 100 + 4.0 * 60);  // above: 2/α (y − u)
  EXPECT_DOUBLE_EQ(interval_score({300, 300}, 250, 0.1), 20.0 * 50);     // a point: 2/α |error|
}

TEST(ForecastScores, CentralIntervalsAreTheInvertedCdfQuantiles) {
  std::vector<Cents> sample;
  for (Cents v = 1; v <= 20; ++v) sample.push_back(v * 10);
  // Of 20 values: the 25 % quantile is the 5th, the 75 % the 15th, the 5 % the 1st, the 95 % the 19th.
  const CentralInterval fifty = central_interval(sample, 50), ninety = central_interval(sample, 90);
  EXPECT_EQ(fifty.low, 50);
  EXPECT_EQ(fifty.high, 150);
  EXPECT_EQ(ninety.low, 10);
  EXPECT_EQ(ninety.high, 190);
  EXPECT_TRUE(fifty.holds(50));
  EXPECT_TRUE(fifty.holds(150));
  EXPECT_FALSE(fifty.holds(151));
  EXPECT_FALSE(fifty.holds(49));
}

}  // namespace
}  // namespace fnesim
