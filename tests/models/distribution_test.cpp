// The distributions of uncertain parameters: each quantile function against
// its closed-form mean and sd (by integrating it), and its support.
#include "models/distribution.hpp"

#include <gtest/gtest.h>

#include <cmath>

namespace fnesim {
namespace {

// ∫₀¹ Q(u) du and ∫₀¹ Q(u)² du by the midpoint rule on a fine grid: the mean
// and second moment of the distribution Q inverts.
struct Moments {
  double mean, sd;
};
Moments integrate(const Distribution& d) {
  constexpr int steps = 50'000;
  double m1 = 0, m2 = 0;
  for (int i = 0; i < steps; ++i) {
    const double x = d.quantile((i + 0.5) / steps);
    m1 += x;
    m2 += x * x;
  }
  m1 /= steps;
  m2 /= steps;
  return {m1, std::sqrt(m2 - m1 * m1)};
}

Distribution make(DistributionKind kind, double a, double b, double c = 0) {
  Distribution d;
  d.kind = kind;
  d.a = a;
  d.b = b;
  d.c = c;
  return d;
}

TEST(Distribution, QuantileFunctionsHaveTheStatedMeanAndSd) {
  const Distribution cases[] = {
      make(DistributionKind::Normal, 10, 2),          make(DistributionKind::LogNormal, 700, 1.0),
      make(DistributionKind::Gamma, 0.1, 1.0),        make(DistributionKind::Beta, 2, 5),
      make(DistributionKind::Uniform, 3, 7),          make(DistributionKind::Triangular, 0, 2, 10),
      make(DistributionKind::Pert, 100, 150, 400),
  };
  for (const Distribution& d : cases) {
    const Moments m = integrate(d);
    // The midpoint rule misses the far tails of the unbounded ones: 0.5 % of the sd.
    EXPECT_NEAR(m.mean, d.mean(), 5e-3 * d.sd()) << static_cast<int>(d.kind);
    EXPECT_NEAR(m.sd, d.sd(), 2e-2 * d.sd()) << static_cast<int>(d.kind);
    EXPECT_GE(d.quantile(1e-12), d.lowest());
    EXPECT_LE(d.quantile(1 - 1e-12), d.highest());
  }
}

TEST(Distribution, TriangularAndPertHitTheirBoundsAndMode) {
  const Distribution t = make(DistributionKind::Triangular, 0, 2, 10);
  EXPECT_DOUBLE_EQ(t.quantile(0.2), 2.0);  // the mode sits at F = (mode − min) / (max − min)
  EXPECT_DOUBLE_EQ(t.lowest(), 0.0);
  EXPECT_DOUBLE_EQ(t.highest(), 10.0);
  const Distribution p = make(DistributionKind::Pert, 100, 150, 400);
  EXPECT_DOUBLE_EQ(p.mean(), (100 + 4 * 150 + 400) / 6.0);
}

TEST(Distribution, NormalIsTruncatedAtFiveSd) {
  const Distribution n = make(DistributionKind::Normal, 10, 2);
  EXPECT_DOUBLE_EQ(n.lowest(), 0.0);
  EXPECT_GE(n.quantile(1e-300), 0.0);  // never below mean − 5 sd
  EXPECT_LT(n.quantile(1 - 1e-16), 20.0);
  EXPECT_NEAR(n.quantile(0.5), 10.0, 1e-12);
}

TEST(Distribution, DiscreteReturnsItsValuesWithTheirWeights) {
  Distribution d;
  d.kind = DistributionKind::Discrete;
  d.values = {1, 5, 9};
  d.weights = {0.25, 0.5, 0.25};
  EXPECT_EQ(d.quantile(0.1), 1.0);
  EXPECT_EQ(d.quantile(0.3), 5.0);
  EXPECT_EQ(d.quantile(0.8), 9.0);
  EXPECT_DOUBLE_EQ(d.mean(), 5.0);
  EXPECT_DOUBLE_EQ(d.sd(), std::sqrt(8.0));
}

}  // namespace
}  // namespace fnesim
