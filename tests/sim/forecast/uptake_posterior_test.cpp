// The uptake posterior against hand computations: the conjugate cases where it
// is exactly a Gamma, a two-dimensional integral computed independently here,
// the decomposition of the scenario's prior, and the shrinkage it is for.
#include "sim/forecast/uptake_posterior.hpp"

#include <gtest/gtest.h>

#include <boost/math/distributions/gamma.hpp>
#include <cmath>
#include <vector>

namespace fnesim {
namespace {

// Gamma(shape, rate) moments for comparisons.
void expect_gamma(const GammaSummary& g, double shape, double rate, double tolerance) {
  EXPECT_NEAR(g.mean(), shape / rate, tolerance * shape / rate);
  EXPECT_NEAR(g.cv(), 1 / std::sqrt(shape), tolerance);
  EXPECT_NEAR(g.shape, shape, tolerance * shape);
  EXPECT_NEAR(g.rate, rate, tolerance * rate);
}

TEST(UptakePrior, SplitsTheScenarioIntoACommonFactorAndRegionalDeviations) {
  const UptakePrior p = UptakePrior::from_scenario(0.1, 0.2, 0.4);
  // Common: (1 + 0.01)(1 + 0.4 × 0.04) − 1; regional: (1 + 0.04)/(1 + 0.016) − 1.
  EXPECT_NEAR(p.common_cv * p.common_cv, 1.01 * 1.016 - 1, 1e-15);
  EXPECT_NEAR(p.regional_cv * p.regional_cv, 1.04 / 1.016 - 1, 1e-15);
  // Each region's multiplier keeps the scenario's variance: (1 + cv_n²)(1 + cv_r²) − 1.
  EXPECT_NEAR(p.total_cv(), std::sqrt(1.01 * 1.04 - 1), 1e-15);
  // Independent regions: the national factor is the common one.
  const UptakePrior independent = UptakePrior::from_scenario(0.1, 0.2, 0.0);
  EXPECT_DOUBLE_EQ(independent.common_cv, 0.1);
  EXPECT_NEAR(independent.regional_cv, 0.2, 1e-15);
  // A negative average correlation has no common part beyond the national factor.
  EXPECT_NEAR(UptakePrior::from_scenario(0.1, 0.2, -0.05).common_cv, 0.1, 1e-15);
}

TEST(UptakePosterior, KnownCommonFactorIsTheConjugateGammaPoissonUpdate) {
  // cv 0.5: Gamma(4, 4) prior; 10 dossiers where 8 were expected → Gamma(14, 12).
  UptakeEvidence evidence{{8.0, 3.0}, {10, 0}, false};
  const UptakePosterior post = learn_uptake({0.0, 0.5}, evidence);
  expect_gamma(post.regions[0], 14, 12, 1e-12);
  expect_gamma(post.regions[1], 4, 7, 1e-12);
  EXPECT_DOUBLE_EQ(post.common_mean, 1.0);
  EXPECT_DOUBLE_EQ(post.common_cv, 0.0);
}

TEST(UptakePosterior, OnlyACommonFactorPoolsEveryRegionsCounts) {
  // cv 0.2: Gamma(25, 25); counts 10 + 20 against 12 + 15 → Gamma(55, 52) for
  // every region, computed here by quadrature.
  const UptakePosterior post = learn_uptake({0.2, 0.0}, {{12.0, 15.0}, {10, 20}, false});
  for (const GammaSummary& g : post.regions) expect_gamma(g, 55, 52, 1e-9);
  EXPECT_NEAR(post.common_mean, 55.0 / 52, 1e-9);
  EXPECT_NEAR(post.common_cv, 1 / std::sqrt(55.0), 1e-9);
  const boost::math::gamma_distribution<double> exact(55, 1.0 / 52);
  // The quadrature nodes are 1/100 of a posterior sd apart: quantiles to that.
  const double sd = std::sqrt(55.0) / 52;
  EXPECT_NEAR(post.common_q05, boost::math::quantile(exact, 0.05), 0.01 * sd);
  EXPECT_NEAR(post.common_q95, boost::math::quantile(exact, 0.95), 0.01 * sd);
  // A national count tells the same about a common factor.
  const UptakePosterior national = learn_uptake({0.2, 0.0}, {{12.0, 15.0}, {30}, true});
  for (const GammaSummary& g : national.regions) expect_gamma(g, 55, 52, 1e-9);
  // What the simulator draws first: C, as the Gamma of its posterior moments.
  expect_gamma(post.joint, 55, 52, 1e-9);
}

TEST(UptakePosterior, FromTheNationsCountTheNationalLevelIsLearntConjugately) {
  // cv_C 0.1, cv_I 0.2, E = 30 + 10 (w = 0.75, 0.25, Σw² = 0.625): the level
  // L = C · Σ w I has cv_L² = 1.01 × (1 + 0.04 × 0.625) − 1 = 0.03525.
  const UptakePosterior post = learn_uptake({0.1, 0.2}, {{30.0, 10.0}, {50}, true});
  const double a = 1 / (1.01 * 1.025 - 1);
  expect_gamma(post.joint, a + 50, a + 40, 1e-12);
  // Each region: L times its deviation normalised to a weighted mean of 1,
  // of variance about cv_I² (1 − 2w + Σw²): 0.04 × 0.125 and 0.04 × 1.125.
  const double l1 = (a + 50) / (a + 40), l2 = l1 * (a + 51) / (a + 40);
  const double w_squares[] = {0.125, 1.125};
  for (int r = 0; r < 2; ++r) {
    EXPECT_NEAR(post.regions[r].mean(), l1, 1e-12);
    const double cv2 = l2 * (1 + 0.04 * w_squares[r]) / (l1 * l1) - 1;
    EXPECT_NEAR(post.regions[r].cv(), std::sqrt(cv2), 1e-12);
  }
  // Nothing uncertain: the level is known, 1.
  const UptakePosterior known = learn_uptake({0.0, 0.0}, {{30.0, 10.0}, {50}, true});
  EXPECT_EQ(known.joint.shape, 0);
}

TEST(UptakePosterior, NoUncertaintyLeavesTheMultiplierAtOneWithTheSmallestCv) {
  const UptakePosterior post = learn_uptake({0.0, 0.0}, {{12.0}, {30}, false});
  EXPECT_DOUBLE_EQ(post.regions[0].mean(), 1.0);
  EXPECT_NEAR(post.regions[0].cv(), min_posterior_cv, 1e-12);
}

// E[U | N] and E[U² | N] for one region, U = C·I, by a plain midpoint rule
// over a log-spaced grid of (C, I): independent of the code under test.
struct Moments2 {
  double first, second;
};
Moments2 brute_force(double common_cv, double regional_cv, int count, double expected) {
  const double a = 1 / (common_cv * common_cv), b = 1 / (regional_cv * regional_cv);
  const boost::math::gamma_distribution<double> c_prior(a, 1 / a), i_prior(b, 1 / b);
  constexpr int n = 800;
  const double lo = std::log(0.02), hi = std::log(6.0), step = (hi - lo) / n;
  std::vector<double> value(n), c_weight(n), i_weight(n);
  for (int k = 0; k < n; ++k) {
    value[k] = std::exp(lo + (k + 0.5) * step);
    c_weight[k] = boost::math::pdf(c_prior, value[k]) * value[k];
    i_weight[k] = boost::math::pdf(i_prior, value[k]) * value[k];
  }
  double z = 0, m1 = 0, m2 = 0;
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      const double u = value[i] * value[j];
      const double mean = u * expected;
      const double w = c_weight[i] * i_weight[j] * std::exp(count * std::log(mean) - mean);
      z += w;
      m1 += w * u;
      m2 += w * u * u;
    }
  }
  return {m1 / z, m2 / z};
}

TEST(UptakePosterior, MatchesAnIndependentTwoDimensionalIntegral) {
  for (const auto& [count, expected] : {std::pair{5, 3.0}, std::pair{40, 55.0}, std::pair{0, 2.0}}) {
    const UptakePosterior post = learn_uptake({0.3, 0.4}, {{expected}, {count}, false});
    const Moments2 exact = brute_force(0.3, 0.4, count, expected);
    const GammaSummary& g = post.regions[0];
    EXPECT_NEAR(g.mean(), exact.first, 1e-4 * exact.first) << count << " of " << expected;
    const double variance = exact.second - exact.first * exact.first;
    EXPECT_NEAR(g.mean() / g.rate, variance, 1e-3 * variance) << count << " of " << expected;
  }
}

TEST(UptakePosterior, RegionsWithFewDossiersLeanOnTheNationalPicture) {
  // Eleven regions at twice their expected counts, one with no data at all,
  // one with much data at the expected rate.
  UptakeEvidence evidence;
  for (int r = 0; r < 11; ++r) {
    evidence.expected.push_back(100);
    evidence.observed.push_back(200);
  }
  evidence.expected.push_back(0.0);
  evidence.observed.push_back(0);
  evidence.expected.push_back(10'000);
  evidence.observed.push_back(10'000);
  const UptakePosterior post = learn_uptake(UptakePrior::from_scenario(0.1, 0.2, 0.4), evidence);
  // Without data: the common factor's posterior, pulled well above 1.
  EXPECT_NEAR(post.regions[11].mean(), post.common_mean, 1e-9);
  EXPECT_GT(post.common_mean, 1.3);
  // Much data: its own rate, close to 1 whatever the others say.
  EXPECT_NEAR(post.regions[12].mean(), 1.0, 0.02);
  EXPECT_LT(post.regions[12].cv(), 0.011);
  // The data-rich regions: near their own 2, shrunk a little towards the common factor.
  EXPECT_GT(post.regions[0].mean(), 1.9);
  EXPECT_LT(post.regions[0].mean(), 2.0);
}

TEST(UptakePosterior, RefusesCountsWhereNoneWereExpected) {
  EXPECT_THROW(learn_uptake({0.1, 0.2}, {{0.0}, {3}, false}), std::invalid_argument);
  EXPECT_THROW(learn_uptake({0.1, 0.2}, {{1.0, 2.0}, {3}, false}), std::invalid_argument);
}

}  // namespace
}  // namespace fnesim
