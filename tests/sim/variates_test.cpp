// The inner loop's samplers (sim/variates.hpp) against their laws, under fixed
// seeds: Kolmogorov–Smirnov distances against the exact distribution function
// (critical value 1.95 / √n, a level of 0.1 %), chi-squared tests of
// frequencies, and the tables against the probabilities they encode.
#include "sim/variates.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/random/bernoulli_distribution.hpp>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

#include "sim/rng.hpp"

namespace fnesim {
namespace {

// The largest gap between the empirical distribution function of `draws` and `cdf`.
double kolmogorov_distance(std::vector<double> draws, const std::function<double(double)>& cdf) {
  std::sort(draws.begin(), draws.end());
  const double n = static_cast<double>(draws.size());
  double distance = 0;
  for (std::size_t i = 0; i < draws.size(); ++i) {
    const double f = cdf(draws[i]);
    distance = std::max({distance, f - static_cast<double>(i) / n, static_cast<double>(i + 1) / n - f});
  }
  return distance;
}

double ks_critical(std::size_t n) { return 1.95 / std::sqrt(static_cast<double>(n)); }

// P(χ² ≥ statistic) for counts against expected frequencies (cells expecting
// none must see none).
double chi_squared_p_value(const std::vector<std::int64_t>& counts, const std::vector<double>& probabilities,
                           std::int64_t n) {
  double statistic = 0;
  int cells = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (probabilities[i] == 0) {
      EXPECT_EQ(counts[i], 0) << "outcome " << i << " has probability 0";
      continue;
    }
    const double expected = probabilities[i] * static_cast<double>(n);
    statistic += (static_cast<double>(counts[i]) - expected) * (static_cast<double>(counts[i]) - expected) / expected;
    ++cells;
  }
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared(cells - 1), statistic));
}

TEST(Variates, StandardNormalFollowsItsLawInTheBodyAndBeyondTheZigguratsBase) {
  Engine engine(20211);
  const std::size_t n = 200'000;
  std::vector<double> draws(n);
  for (double& x : draws) x = standard_normal(engine);
  const boost::math::normal normal;
  EXPECT_LT(kolmogorov_distance(draws, [&](double x) { return boost::math::cdf(normal, x); }), ks_critical(n));
  // The tail beyond r = 3.654 comes from its own sampler: its mass and its
  // shape (the share beyond 4.5 of what is beyond r), over 4 million draws.
  const std::int64_t m = 4'000'000;
  std::int64_t beyond_r = 0, beyond_far = 0, negative = 0;
  for (std::int64_t i = 0; i < m; ++i) {
    const double x = standard_normal(engine);
    beyond_r += std::fabs(x) > NormalZiggurat::tail_start;
    beyond_far += std::fabs(x) > 4.5;
    negative += x < 0;
  }
  const double p_r = 2 * boost::math::cdf(normal, -NormalZiggurat::tail_start);
  const double p_far = 2 * boost::math::cdf(normal, -4.5);
  const auto within = [&](std::int64_t count, double p) {
    const double mean = p * static_cast<double>(m), sd = std::sqrt(mean * (1 - p));
    return std::fabs(static_cast<double>(count) - mean) < 4 * sd;
  };
  EXPECT_TRUE(within(beyond_r, p_r)) << beyond_r << " beyond r, expected " << p_r * m;
  EXPECT_TRUE(within(beyond_far, p_far)) << beyond_far << " beyond 4.5, expected " << p_far * m;
  EXPECT_TRUE(within(negative, 0.5)) << negative << " negative of " << m;
}

TEST(Variates, ZigguratLayersHaveEqualAreas) {
  // Layer i ≥ 1 is the rectangle x[i] × (f(x[i+1]) − f(x[i])); the base is
  // x[0] × f(r). All must equal the base layer's area v.
  const NormalZiggurat& z = normal_ziggurat;
  const double v = z.x[0] * z.f[1];
  for (std::size_t i = 1; i < 256; ++i)
    EXPECT_NEAR(z.x[i] * (z.f[i + 1] - z.f[i]), v, 1e-12) << "layer " << i;
  EXPECT_EQ(z.x[256], 0.0);
  EXPECT_GT(z.x[255], 0.0);
}

TEST(Variates, AliasTableGivesEachOutcomeItsWeight) {
  std::vector<double> weights(80);
  for (std::size_t i = 0; i < weights.size(); ++i) weights[i] = i % 5 == 0 ? 0.0 : 1.0 + static_cast<double>(i % 7);
  double total = 0;
  for (double w : weights) total += w;
  const AliasTable table(weights);
  std::vector<double> probabilities;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    probabilities.push_back(weights[i] / total);
    EXPECT_NEAR(table.probability(i), weights[i] / total, 1e-15) << "outcome " << i;
  }
  Engine engine(7);
  const std::int64_t n = 2'000'000;
  std::vector<std::int64_t> counts(weights.size());
  for (std::int64_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(table(engine))];
  EXPECT_GT(chi_squared_p_value(counts, probabilities, n), 1e-3);
}

TEST(Variates, AliasTableOfOneOutcomeOrOfNoWeightStaysInRange) {
  Engine engine(3);
  const AliasTable single;
  const std::vector<double> none(4, 0.0);
  const AliasTable uniform(none);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(single(engine), 0);
    const int k = uniform(engine);
    EXPECT_GE(k, 0);
    EXPECT_LT(k, 4);
  }
}

// A word the test feeds to both samplers: each call returns the next of a list.
struct ListedWords {
  using result_type = std::uint64_t;
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<std::uint64_t>::max(); }
  const std::vector<std::uint64_t>& words;
  std::size_t next = 0;
  result_type operator()() { return words[next++]; }
};

// The same outcome as Boost's for every word — checked on random words and on
// every word within 2¹² of where the outcome flips — and no word drawn for p = 0.
TEST(Variates, BernoulliSamplerGivesBoostsOutcomeForEveryWord) {
  Engine engine(11);
  std::vector<double> probabilities = {0.0, 1e-300, 1e-17, 0.05, 1.0 / 3, 0.5, 0.7, 1 - 1e-16, 1.0};
  for (int i = 0; i < 40; ++i) probabilities.push_back(unit_interval(engine()));
  constexpr double top = 18446744073709551615.0;  // 2⁶⁴ − 1 as Boost converts it: 2⁶⁴
  for (const double p : probabilities) {
    std::vector<std::uint64_t> words;
    for (int i = 0; i < 2000; ++i) words.push_back(engine());
    // Around the flip: the largest word whose double is at most p (2⁶⁴ − 1), ± 2¹².
    const double bound = p * top;
    const std::uint64_t near = bound >= top ? std::numeric_limits<std::uint64_t>::max()
                                            : static_cast<std::uint64_t>(bound);
    for (std::int64_t d = -4096; d <= 4096; ++d) {
      const auto word = near + static_cast<std::uint64_t>(d);
      words.push_back(word);
    }
    words.push_back(0);
    words.push_back(std::numeric_limits<std::uint64_t>::max());
    ListedWords ours{words}, theirs{words};
    const BernoulliSampler sampler(p);
    const boost::random::bernoulli_distribution<double> boost_sampler(p);
    for (std::size_t i = 0; i < words.size(); ++i)
      ASSERT_EQ(sampler(ours), boost_sampler(theirs)) << "p " << p << ", word " << words[i];
    EXPECT_EQ(ours.next, theirs.next) << "p " << p;
    if (p == 0) {
      EXPECT_EQ(ours.next, 0u);
    }
  }
}

TEST(Variates, PoissonSamplerFollowsThePoissonLaw) {
  // Tabulated up to max_mean, Boost's PTRD beyond (150).
  for (const double mean : {0.5, 1.5, 9.0, 40.0, 150.0}) {
    const PoissonSampler table(mean);
    const boost::math::poisson_distribution<double> law(mean);
    const int cells = static_cast<int>(mean + 8 * std::sqrt(mean) + 8);
    std::vector<double> probabilities;
    for (int k = 0; k < cells; ++k) probabilities.push_back(boost::math::pdf(law, k));
    probabilities.push_back(boost::math::cdf(boost::math::complement(law, cells - 1)));
    Engine engine(static_cast<std::uint64_t>(mean * 100));
    const std::int64_t n = 500'000;
    std::vector<std::int64_t> counts(probabilities.size());
    for (std::int64_t i = 0; i < n; ++i) ++counts[static_cast<std::size_t>(std::min(table(engine), cells))];
    // Cells expecting fewer than 5 are pooled into the last one.
    std::vector<std::int64_t> pooled_counts;
    std::vector<double> pooled;
    for (std::size_t k = 0; k < counts.size(); ++k) {
      if (probabilities[k] * n < 5 && !pooled.empty()) {
        pooled.back() += probabilities[k];
        pooled_counts.back() += counts[k];
      } else {
        pooled.push_back(probabilities[k]);
        pooled_counts.push_back(counts[k]);
      }
    }
    EXPECT_GT(chi_squared_p_value(pooled_counts, pooled, n), 1e-3) << "mean " << mean;
  }
  Engine engine(1);
  const PoissonSampler zero(0);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(zero(engine), 0);
}

TEST(Variates, GammaAndBetaSamplersFollowTheirLaws) {
  const std::size_t n = 100'000;
  for (const double shape : {0.3, 0.9, 1.0, 2.5, 17.1, 400.0}) {
    const GammaSampler gamma(shape);
    Engine engine(static_cast<std::uint64_t>(shape * 1000));
    std::vector<double> draws(n);
    for (double& x : draws) x = gamma(engine);
    const boost::math::gamma_distribution<double> law(shape, 1.0);
    EXPECT_LT(kolmogorov_distance(draws, [&](double x) { return boost::math::cdf(law, x); }), ks_critical(n))
        << "shape " << shape;
  }
  // The default scenario's drop-out share: mean 5 %, sd 5 % → Beta(0.9, 17.1).
  const BetaSampler beta(0.9, 17.1);
  Engine engine(2021);
  std::vector<double> draws(n);
  for (double& x : draws) x = beta(engine);
  const boost::math::beta_distribution<double> law(0.9, 17.1);
  EXPECT_LT(kolmogorov_distance(draws, [&](double x) { return boost::math::cdf(law, x); }), ks_critical(n));
}

// Drawn in parts for a block (the simulator's drop-out shares), a Beta takes
// the same words in the same order as drawn whole, and differs only by the
// vector exp's rounding (within 1 ulp of std::exp: a few ulps of the share).
TEST(Variates, BetaDrawnInPartsMatchesTheWholeDraw) {
  for (const auto& [alpha, beta] : {std::pair{0.9, 17.1}, std::pair{0.4, 0.6}, std::pair{2.0, 3.0}}) {
    const BetaSampler sampler(alpha, beta);
    Engine whole(9), in_parts(9);
    std::vector<double> expected;
    std::vector<BetaSampler::Parts> parts;
    std::vector<double> logs;
    for (int i = 0; i < 10'000; ++i) {
      expected.push_back(sampler(whole));
      parts.push_back(sampler.draw_parts(in_parts, logs));
    }
    EXPECT_EQ(whole(), in_parts()) << "the two engines are not at the same word";
    exponentiate(logs);
    const double* next = logs.data();
    for (std::size_t i = 0; i < parts.size(); ++i)
      ASSERT_NEAR(sampler.share(parts[i], next), expected[i], 8 * std::numeric_limits<double>::epsilon() * expected[i])
          << "Beta(" << alpha << ", " << beta << "), draw " << i;
    EXPECT_EQ(next, logs.data() + logs.size());
  }
}

// A drop-out sd just under its limit √(m(1 − m)) gives both Beta shapes tiny:
// each Gamma's boost U^(1/shape) underflows, and the share must still be a
// share — 0 or 1 nearly always, 1 with probability α / (α + β) = the mean —
// drawn whole or in parts (it was 0 / 0, and a run stopped on an internal error).
TEST(Variates, BetaWithTinyShapesIsTheBernoulliOfItsMean) {
  for (const double mean : {0.5, 0.1}) {
    const double concentration = 2e-4;  // mean 0.5, sd 0.4999: 0.25 / 0.4999² − 1
    const BetaSampler sampler(mean * concentration, (1 - mean) * concentration);
    Engine whole(17), in_parts(17);
    const int n = 40'000;
    int ones = 0;
    std::vector<double> logs;
    std::vector<BetaSampler::Parts> parts;
    std::vector<double> shares;
    for (int i = 0; i < n; ++i) {
      const double share = sampler(whole);
      ASSERT_TRUE(share >= 0 && share <= 1) << "draw " << i << ": " << share;
      ones += share > 0.5;
      shares.push_back(share);
      parts.push_back(sampler.draw_parts(in_parts, logs));
    }
    // Binomial(n, mean): within 4 standard errors.
    EXPECT_NEAR(ones, n * mean, 4 * std::sqrt(n * mean * (1 - mean))) << "mean " << mean;
    exponentiate(logs);
    const double* next = logs.data();
    for (std::size_t i = 0; i < parts.size(); ++i)
      ASSERT_NEAR(sampler.share(parts[i], next), shares[i], 8 * std::numeric_limits<double>::epsilon())
          << "mean " << mean << ", draw " << i;
  }
}

TEST(Variates, UniformBelowIsUniformAndInRange) {
  Engine engine(99);
  for (const std::uint64_t bound : {std::uint64_t{1}, std::uint64_t{7}, std::uint64_t{365}}) {
    const std::int64_t n = 700'000;
    std::vector<std::int64_t> counts(bound);
    for (std::int64_t i = 0; i < n; ++i) {
      const std::uint64_t k = uniform_below(engine, bound);
      ASSERT_LT(k, bound);
      ++counts[k];
    }
    if (bound > 1) {
      EXPECT_GT(chi_squared_p_value(counts, std::vector<double>(bound, 1.0 / static_cast<double>(bound)), n), 1e-3)
          << "bound " << bound;
    }
  }
  // A bound near 2⁶⁴, where the rejection matters: never out of range.
  const std::uint64_t huge = std::numeric_limits<std::uint64_t>::max() / 3 * 2;
  for (int i = 0; i < 10'000; ++i) EXPECT_LT(uniform_below(engine, huge), huge);
}

std::uint64_t ulps_apart(double a, double b) {
  const auto ia = std::bit_cast<std::int64_t>(a), ib = std::bit_cast<std::int64_t>(b);
  return static_cast<std::uint64_t>(ia > ib ? ia - ib : ib - ia);
}

TEST(Variates, ExponentiateIsWithinOneUlpOfStdExpAndExactOutsideItsRange) {
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> wide(-707.9, 708.9), costs(4.0, 12.0);
  std::vector<double> logs;
  for (int i = 0; i < 200'000; ++i) logs.push_back(i % 2 ? wide(rng) : costs(rng));
  const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
  for (double edge : {0.0, -0.0, 1e-300, -708.0, 709.0, -708.5, 709.5, -745.2, -800.0, 710.0, 1e308, inf, -inf})
    logs.push_back(edge);
  std::vector<double> values = logs;
  exponentiate(values);
  for (std::size_t i = 0; i < logs.size(); ++i) {
    const double exact = std::exp(logs[i]);
    if (logs[i] >= -708.0 && logs[i] <= 709.0)
      EXPECT_LE(ulps_apart(values[i], exact), 1u) << "exp(" << logs[i] << ")";
    else
      EXPECT_EQ(values[i], exact) << "exp(" << logs[i] << ")";
  }
  std::vector<double> not_a_number{nan};
  exponentiate(not_a_number);
  EXPECT_TRUE(std::isnan(not_a_number[0]));
  // A log out of range among ordinary ones, in a block's vector part, and a
  // NaN in its tail: the block is still seen to need std::exp.
  std::vector<double> mixed(300, 8.5);
  mixed[100] = -800.0;
  mixed[299] = nan;
  exponentiate(mixed);
  EXPECT_EQ(mixed[100], 0.0);
  EXPECT_TRUE(std::isnan(mixed[299]));
  EXPECT_LE(ulps_apart(mixed[0], std::exp(8.5)), 1u);
}

TEST(Variates, ExponentiateGivesTheSameBitsWithOrWithoutAvx2) {
  std::mt19937_64 rng(6);
  std::uniform_real_distribution<double> wide(-750.0, 750.0);
  std::vector<double> logs;
  for (int i = 0; i < 100'003; ++i) logs.push_back(wide(rng));
  std::vector<double> baseline = logs, wider = logs;
  exponentiate_baseline(baseline);
  if (!exponentiate_avx2(wider)) GTEST_SKIP() << "this processor has no AVX2";
  for (std::size_t i = 0; i < logs.size(); ++i)
    ASSERT_EQ(std::bit_cast<std::uint64_t>(baseline[i]), std::bit_cast<std::uint64_t>(wider[i])) << "exp(" << logs[i] << ")";
}

}  // namespace
}  // namespace fnesim
