#include "sim/statistics.hpp"

#include <gtest/gtest.h>

#include <boost/random/mersenne_twister.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <numbers>
#include <stdexcept>
#include <vector>

#include "sim/run_statistics.hpp"

namespace fnesim {
namespace {

TEST(Quantile, InvertedCdfIsTheSmallestValueWithEnoughMassBelow) {
  const std::vector<int> v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
  EXPECT_EQ(quantile_inverted_cdf<int>(v, 5), 1);   // ceil(0.5) = 1st
  EXPECT_EQ(quantile_inverted_cdf<int>(v, 10), 1);  // exactly 10 % at or below 1
  EXPECT_EQ(quantile_inverted_cdf<int>(v, 11), 2);
  EXPECT_EQ(quantile_inverted_cdf<int>(v, 50), 5);
  EXPECT_EQ(quantile_inverted_cdf<int>(v, 95), 10);
  EXPECT_EQ(quantile_inverted_cdf<int>(std::vector<int>{0, 1}, 50), 0);
}

TEST(Quantile, LinearInterpolatesBetweenOrderStatisticsAsNumpyAndRDo) {
  // Values from numpy.quantile(v, level), whose default method "linear" is R's type 7.
  const std::vector<double> v = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(quantile_linear<double>(v, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(quantile_linear<double>(v, 0.1), 1.3);
  EXPECT_DOUBLE_EQ(quantile_linear<double>(v, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(quantile_linear<double>(v, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(quantile_linear<double>(v, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(quantile_linear<int>(std::vector<int>{0, 10, 20, 30, 40}, 0.3), 12.0);
  EXPECT_DOUBLE_EQ(quantile_linear<double>(std::vector<double>{7}, 0.42), 7.0);
}

TEST(DayHistogram, QuantilesMatchTheSortedDefinitionAndNeverIsBeyondTheWindow) {
  DayHistogram h(10);
  for (int d : {3, 1, 4, 1, 5, 9, 2, 6}) h.add(d);
  h.add(-1);
  h.add(-1);  // two replications never exhausted
  EXPECT_EQ(h.total(), 10);
  EXPECT_EQ(h.quantile(10), 1);
  EXPECT_EQ(h.quantile(50), 4);  // sorted: 1 1 2 3 4 5 6 9 never never
  EXPECT_EQ(h.quantile(80), 9);
  EXPECT_FALSE(h.quantile(81).has_value());
  EXPECT_EQ(h.at_or_before(4), 5);
}

TEST(Moments, MeanVarianceAndStandardErrorOfKnownData) {
  Moments m;
  for (double x : {2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0}) m.add(x + 1e12);  // shifted: no cancellation
  EXPECT_DOUBLE_EQ(m.mean() - 1e12, 5.0);
  EXPECT_NEAR(m.variance(), 32.0 / 7.0, 1e-9);
  EXPECT_NEAR(m.standard_error(), std::sqrt(32.0 / 7.0 / 8.0), 1e-9);
}

TEST(Moments, AProbabilityIsExactlyItsCountOverTheReplications) {
  // A researcher recomputes P(exhausted) as k / n from the replications and compares with ==.
  // The first outcome sets the shift: both kinds are tried.
  for (const int first : {0, 1})
    for (const int ones : {1, 165, 317, 999}) {
      Moments m;
      m.add(first);
      for (int i = 1; i < 1000; ++i) m.add(i <= ones - first ? 1.0 : 0.0);
      EXPECT_EQ(m.mean(), ones / 1000.0) << "first " << first << ", " << ones << " of 1000";
    }
}

TEST(Moments, AConstantIsItsOwnMean) {
  Moments m;
  for (int i = 0; i < 3; ++i) m.add(0.1);  // (0.1 × 3) / 3 is not 0.1 to the bit
  EXPECT_EQ(m.mean(), 0.1);
}

TEST(Moments, StudentIntervalUsesTheTQuantile) {
  Moments m;
  for (double x : {1.0, 2.0, 3.0, 4.0, 5.0}) m.add(x);
  const Interval ci = student_t_interval(m, 0.95);
  // t(0.975, 4) = 2.7764451; se = sqrt(2.5 / 5)
  EXPECT_NEAR(ci.high - 3.0, 2.7764451 * std::sqrt(0.5), 1e-6);
  EXPECT_NEAR(3.0 - ci.low, ci.high - 3.0, 1e-12);
}

// Three clusters: {1, 2} (sum 3), {4} (sum 4), {6, 7, 10} (sum 23); n = 6, mean 5.
// Residual sums S_g − n_g·mean: −7, −1, 8; squares 49 + 1 + 64 = 114;
// SE = sqrt(3/2 · 114) / 6 = sqrt(171) / 6.
TEST(Moments, ClusteredStandardErrorOfKnownData) {
  Moments m;
  const double x[] = {1, 2, 4, 6, 7, 10};
  const int cluster[] = {0, 0, 1, 2, 2, 2};
  for (int i = 0; i < 6; ++i) m.add(x[i] + 1e12, cluster[i]);
  EXPECT_DOUBLE_EQ(m.mean() - 1e12, 5.0);
  EXPECT_EQ(m.independent_units(), 3);
  EXPECT_NEAR(m.standard_error(), std::sqrt(171.0) / 6, 1e-9);
  // Its interval is Student's on G − 1 = 2 degrees of freedom: t(0.95, 2) = 2.9199856.
  Moments unshifted;
  for (int i = 0; i < 6; ++i) unshifted.add(x[i], cluster[i]);
  const Interval ci = student_t_interval(unshifted, 0.9);
  EXPECT_NEAR(ci.high - 5.0, 2.9199856 * std::sqrt(171.0) / 6, 1e-6);
}

// Two clusters whose sums are alike by chance: the robust error is 0, which
// would claim a certainty two draws cannot give. The plain one stands.
TEST(Moments, AClusteredStandardErrorIsNeverBelowThePlainOne) {
  Moments m;
  for (const auto& [x, cluster] : {std::pair{0.0, 0}, {10.0, 0}, {0.0, 1}, {10.0, 1}}) m.add(x, cluster);
  EXPECT_NEAR(m.standard_error(), std::sqrt(m.variance() / 4), 1e-12);
  EXPECT_GT(m.standard_error(), 0);
}

// Kish's effective number of clusters: clusters of 1, 1 and 4 values count
// as 36 / 18 = 2; a mix of clustered and unclustered values has no standard
// error, and is refused rather than given a wrong one.
TEST(Moments, EffectiveClustersAndNoMixing) {
  Moments m;
  const int cluster[] = {0, 1, 2, 2, 2, 2};
  for (int c : cluster) m.add(1.0, c);
  EXPECT_DOUBLE_EQ(m.effective_units(), 2.0);
  EXPECT_EQ(m.independent_units(), 3);
  EXPECT_THROW(m.add(1.0, -1), std::logic_error);
  Moments plain;
  plain.add(1.0, -1);
  EXPECT_THROW(plain.add(2.0, 0), std::logic_error);
  EXPECT_DOUBLE_EQ(plain.effective_units(), 1.0);
}

// Fewer than two independent units give no standard error: NaN, and no
// interval, rather than 0 and an interval of no width.
TEST(Moments, NoStandardErrorFromFewerThanTwoUnits) {
  Moments none, one, one_cluster, two;
  one.add(5.0);
  for (double x : {1.0, 2.0, 9.0}) one_cluster.add(x, 4);
  two.add(1.0);
  two.add(3.0);
  for (const Moments* m : {&none, &one, &one_cluster}) {
    EXPECT_TRUE(std::isnan(m->standard_error()));
    const Interval ci = student_t_interval(*m, 0.9);
    EXPECT_TRUE(std::isnan(ci.low) && std::isnan(ci.high));
  }
  EXPECT_DOUBLE_EQ(one.mean(), 5.0);
  EXPECT_DOUBLE_EQ(one_cluster.mean(), 4.0);
  EXPECT_DOUBLE_EQ(two.standard_error(), 1.0);  // sd √2 over √2
}

TEST(Moments, EachValueItsOwnClusterIsThePlainStandardError) {
  Moments plain, clustered;
  const double x[] = {2, 4, 4, 4, 5, 5, 7, 9};
  for (int i = 0; i < 8; ++i) {
    plain.add(x[i]);
    clustered.add(x[i], i);
  }
  EXPECT_NEAR(clustered.standard_error(), plain.standard_error(), 1e-12);
  EXPECT_EQ(clustered.independent_units(), 8);
  // Unused cluster indices (a particle no replication picked) count for nothing.
  Moments sparse;
  for (int i = 0; i < 8; ++i) sparse.add(x[i], 3 * i);
  EXPECT_NEAR(sparse.standard_error(), plain.standard_error(), 1e-12);
  EXPECT_EQ(sparse.independent_units(), 8);
}

// Values that share a cluster effect u_g ~ N(0, 1) beside their own noise
// e ~ N(0, 1), in clusters of 1 to 9 values (as replications share a
// particle's draw): over R = 400 samples of 2 000 values, the spread of the
// sample mean is what the clustered standard error says, and far more than
// the plain one says. The ratio of the root-mean-square SE to the spread
// has a relative error of about 1/√(2R) = 3.5 %: within 4 of them, 0.86–1.14;
// the plain SE, blind to the clusters, is about 0.5 of it.
TEST(MomentsStatistical, ClusteredStandardErrorMatchesTheSpreadOfTheMean) {
  boost::random::mt19937_64 engine(20211216);
  boost::random::uniform_01<double> u;
  const auto normal = [&] {
    return std::sqrt(-2 * std::log(1 - u(engine))) * std::cos(2 * std::numbers::pi * u(engine));
  };
  constexpr int samples = 400, values = 2'000;
  Moments means, clustered_se2, plain_se2;
  for (int s = 0; s < samples; ++s) {
    Moments clustered, plain;
    int cluster = 0, left = 0;
    double effect = 0;
    for (int i = 0; i < values; ++i) {
      if (left == 0) {
        left = 1 + static_cast<int>(u(engine) * 9);
        effect = normal();
        ++cluster;
      }
      --left;
      const double x = effect + normal();
      clustered.add(x, cluster);
      plain.add(x);
    }
    means.add(clustered.mean());
    clustered_se2.add(clustered.standard_error() * clustered.standard_error());
    plain_se2.add(plain.standard_error() * plain.standard_error());
  }
  const double spread = std::sqrt(means.variance());
  EXPECT_NEAR(std::sqrt(clustered_se2.mean()) / spread, 1.0, 0.14);
  EXPECT_LT(std::sqrt(plain_se2.mean()) / spread, 0.7);
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// S draws of a generalised Pareto law of shape k (scale 1), by inversion.
std::vector<double> generalised_pareto_draws(double k, std::size_t s, std::uint64_t seed) {
  boost::random::mt19937_64 engine(seed);
  boost::random::uniform_01<double> u;
  std::vector<double> out(s);
  for (double& x : out) x = k == 0 ? -std::log1p(-u(engine)) : (std::pow(1 - u(engine), -k) - 1) / k;
  return out;
}

// The fitted shape's standard error is about (1 + k)/√M for a tail of M
// values (Zhang & Stephens 2009): with S = 100 000, M = 949 and 3 standard
// errors are under 0.18 for k ≤ 0.8; the prior's pull towards 0.5 moves k by
// 10/959 of its distance.
TEST(ParetoTailShape, RecoversTheShapeOfAHeavyTail) {
  for (const double k : {0.3, 0.8}) {
    const double se = (1 + k) / std::sqrt(949.0);
    const auto fitted = pareto_tail_shape(generalised_pareto_draws(k, 100'000, 20211231));
    ASSERT_TRUE(fitted.has_value());
    EXPECT_NEAR(*fitted, k, 3 * se) << "k = " << k;
  }
}

TEST(ParetoTailShape, AnExponentialTailIsNearZeroAndABoundedOneBelow) {
  const auto exponential = pareto_tail_shape(generalised_pareto_draws(0, 100'000, 7));
  ASSERT_TRUE(exponential.has_value());
  EXPECT_NEAR(*exponential, 0.0, 3 / std::sqrt(949.0));
  // Uniform: a generalised Pareto of shape −1, whose tail ends.
  const auto uniform = pareto_tail_shape(generalised_pareto_draws(-1, 100'000, 8));
  ASSERT_TRUE(uniform.has_value());
  EXPECT_LT(*uniform, -0.5);
}

TEST(ParetoTailShape, NoTailToFitGivesNothing) {
  EXPECT_FALSE(pareto_tail_shape(std::vector<double>(1000, 3.0)).has_value());  // a constant
  std::vector<double> mostly_zero(1000, 0.0);
  for (int i = 0; i < 4; ++i) mostly_zero[static_cast<std::size_t>(i)] = 1.0 + i;
  EXPECT_FALSE(pareto_tail_shape(mostly_zero).has_value());  // four values above the threshold
  mostly_zero[4] = 9;
  EXPECT_TRUE(pareto_tail_shape(mostly_zero).has_value());  // five
  EXPECT_FALSE(
      pareto_tail_shape(std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}).has_value());  // 2 in its tail
}

TEST(ParetoTailShape, ItsLimitFollowsTheSampleSize) {
  EXPECT_NEAR(pareto_shape_limit(1000), 1 - 1.0 / 3, 1e-12);
  EXPECT_NEAR(pareto_shape_limit(100), 0.5, 1e-12);
  EXPECT_DOUBLE_EQ(pareto_shape_limit(100'000), 0.7);
}

TEST(TopPercentShare, IsTheLargestHundredthsShareOfTheSum) {
  std::vector<double> v(200, 1.0);
  v[17] = 99;
  v[150] = 101;  // the top 1 % of 200 is these two: 200 of 398
  EXPECT_DOUBLE_EQ(top_percent_share(v), 200.0 / 398.0);
  EXPECT_DOUBLE_EQ(top_percent_share(std::vector<double>{2, 6}), 6.0 / 8.0);  // at least one value
  EXPECT_TRUE(std::isnan(top_percent_share(std::vector<double>(10, 0.0))));
}

TEST(SpilledSeries, GivesBackWhatWasAppendedInOrderAndKeepsAppending) {
  SpilledSeries series;
  for (Cents v = -5; v < 100'000; v += 7) series.append(v * 1'000'003);
  std::vector<Cents> first = series.load();
  ASSERT_EQ(static_cast<std::int64_t>(first.size()), series.size());
  EXPECT_EQ(first.front(), -5 * 1'000'003);
  EXPECT_EQ(first[1], 2 * 1'000'003);
  series.append(42);
  const std::vector<Cents> second = series.load();
  ASSERT_EQ(second.size(), first.size() + 1);
  EXPECT_EQ(second.back(), 42);
  SpilledSeries moved = std::move(series);
  EXPECT_EQ(moved.load(), second);
}

}  // namespace
}  // namespace fnesim
