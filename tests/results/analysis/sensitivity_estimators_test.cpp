// sobol_indices against functions whose indices are known analytically
// (Ishigami, Sobol' G), an output that depends on one factor, the degenerate
// cases, the convergence fields and the bootstrap recomputed by hand; the
// tornado chart's paired effects against hand computations.
//
// The analytic indices are asserted inside the estimator's own bootstrap
// intervals, never inside a guessed tolerance. One test checks several
// intervals at once: at 95 % each, six of them would all cover by chance only
// 0.95^6 ≈ 74 % of the time, so a fixed seed "passing" would say little and a
// new seed would fail one run in four. The assertions use 99.9 % intervals
// instead: by Bonferroni, a correct estimator fails a test of m intervals with
// probability at most m × 0.1 % (0.6 % for Ishigami's 6, 1.2 % for the G
// function's 12), and the widths are asserted too, so that a test can fail.
// Run on seeds 1 to 120 in place of the fixed ones, the Ishigami, G-function,
// one-factor and convergence tests failed once in the 480 runs (G function,
// seed 119: S4's interval [0.0079, …] above its 0.0072).
#include "results/analysis/sensitivity_estimators.hpp"

#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <algorithm>
#include <boost/random/uniform_01.hpp>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <numbers>
#include <span>
#include <stdexcept>
#include <vector>

#include "sim/rng.hpp"
#include "sim/statistics.hpp"

namespace fnesim {
namespace {

constexpr double pi = std::numbers::pi;

// The outputs of a pick-freeze design (Saltelli et al. 2010).
struct PickFreeze {
  std::vector<double> f_a, f_b;
  std::vector<std::vector<double>> f_ab;
  std::vector<std::span<const double>> ab() const { return {f_ab.begin(), f_ab.end()}; }
};

// A and B: n × k independent U(0, 1), drawn row by row from one stream (A's
// rows, then B's); `f` maps a row of uniforms to its law and to the output.
// AB_i = A with column i from B.
template <typename F>
PickFreeze pick_freeze(Eigen::Index n, Eigen::Index k, std::uint64_t seed, F f) {
  Engine engine(seed);
  boost::random::uniform_01<double> uniform;
  Eigen::MatrixXd a(n, k), b(n, k);
  for (Eigen::Index r = 0; r < n; ++r)
    for (Eigen::Index c = 0; c < k; ++c) a(r, c) = uniform(engine);
  for (Eigen::Index r = 0; r < n; ++r)
    for (Eigen::Index c = 0; c < k; ++c) b(r, c) = uniform(engine);
  auto outputs = [&](const Eigen::MatrixXd& m) {
    std::vector<double> out(static_cast<std::size_t>(n));
    for (Eigen::Index r = 0; r < n; ++r) out[static_cast<std::size_t>(r)] = f(Eigen::RowVectorXd(m.row(r)));
    return out;
  };
  PickFreeze d;
  d.f_a = outputs(a);
  d.f_b = outputs(b);
  for (Eigen::Index i = 0; i < k; ++i) {
    Eigen::MatrixXd ab = a;
    ab.col(i) = b.col(i);
    d.f_ab.push_back(outputs(ab));
  }
  return d;
}

SobolResult estimate(const PickFreeze& d, const SobolOptions& options) {
  return sobol_indices(d.f_a, d.f_b, d.ab(), options);
}

// Ishigami & Homma (1990): f = sin x1 + a sin² x2 + b x3⁴ sin x1, x_i ~ U(−π, π).
constexpr double ishigami_a = 7, ishigami_b = 0.1;
double ishigami(const Eigen::RowVectorXd& u) {
  const Eigen::RowVectorXd x = (-pi + 2 * pi * u.array()).matrix();
  return std::sin(x(0)) + ishigami_a * std::pow(std::sin(x(1)), 2) +
         ishigami_b * std::pow(x(2), 4) * std::sin(x(0));
}

// Its variance decomposition, from E sin² x = 1/2, E sin⁴ x = 3/8, E x⁴ = π⁴/5
// and E x⁸ = π⁸/9 for x ~ U(−π, π):
//   E[f | x1] − E f = (1 + b π⁴/5) sin x1, so V1 = (1 + b π⁴/5)² / 2
//                                            = 1/2 + b π⁴/5 + b² π⁸/50;
//   E[f | x2] − E f = a (sin² x2 − 1/2), so V2 = a² (3/8 − 1/4) = a²/8;
//   E[f | x3] − E f = 0 (E sin x1 = 0), so V3 = 0;
//   what is left, b (x3⁴ − π⁴/5) sin x1, has V13 = b² (π⁸/9 − π⁸/25) / 2 = 8 b² π⁸/225;
//   V = V1 + V2 + V13 = a²/8 + b π⁴/5 + b² π⁸ (1/50 + 8/225) + 1/2
//     = a²/8 + b π⁴/5 + b² π⁸/18 + 1/2   (1/50 + 8/225 = 25/450 = 1/18).
// The total effects: VT1 = V1 + V13, VT2 = V2 (x2 enters alone), VT3 = V13.
struct Analytic {
  double variance = 0;
  std::vector<double> first, total;
};
Analytic ishigami_indices() {
  const double a = ishigami_a, b = ishigami_b, pi4 = std::pow(pi, 4), pi8 = std::pow(pi, 8);
  const double v = a * a / 8 + b * pi4 / 5 + b * b * pi8 / 18 + 0.5;
  const double v1 = b * pi4 / 5 + b * b * pi8 / 50 + 0.5, v2 = a * a / 8, v13 = 8 * b * b * pi8 / 225;
  return {v, {v1 / v, v2 / v, 0}, {(v1 + v13) / v, v2 / v, v13 / v}};
}

// Saltelli & Sobol' (1995): g = Π (|4 x_i − 2| + a_i) / (1 + a_i), x_i ~ U(0, 1).
// Each factor has mean 1 and variance V_i = 1 / (3 (1 + a_i)²) (|4x − 2| is
// U(0, 2): mean 1, variance 1/3); the factors are independent with mean 1, so
// V = Π (1 + V_i) − 1, E[g | x_i] − 1 = g_i − 1 gives S_i = V_i / V, and
// Var(E[g | x_~i]) = Π_{j≠i} (1 + V_j) − 1 gives ST_i = V_i Π_{j≠i} (1 + V_j) / V.
const std::vector<double> g_a = {0, 1, 4.5, 9, 99, 99};
double g_function(const Eigen::RowVectorXd& u) {
  double g = 1;
  for (std::size_t i = 0; i < g_a.size(); ++i)
    g *= (std::abs(4 * u(static_cast<Eigen::Index>(i)) - 2) + g_a[i]) / (1 + g_a[i]);
  return g;
}
Analytic g_function_indices() {
  std::vector<double> vi;
  double product = 1;
  for (double a : g_a) {
    vi.push_back(1 / (3 * (1 + a) * (1 + a)));
    product *= 1 + vi.back();
  }
  const double v = product - 1;
  Analytic out;
  out.variance = v;
  for (double v_i : vi) {
    out.first.push_back(v_i / v);
    out.total.push_back(v_i * (product / (1 + v_i)) / v);
  }
  return out;
}

// 4000 resamples: an interval's 0.05 % end is then near the 3rd most extreme
// resample (type 7: position 0.0005 × 3999 = 2), which on average leaves 3/4001
// ≈ 0.075 % outside; from 1000 it would lie between the 1st and 2nd, leaving
// ≈ 1.5/1001 ≈ 0.15 % per end, three times the nominal 0.05 %.
const SobolOptions at_999{.bootstrap_resamples = 4000, .interval_level = 0.999, .bootstrap_seed = 20210118};

void expect_analytic_inside(const SobolResult& result, const Analytic& analytic, double max_width) {
  ASSERT_EQ(result.indices.size(), analytic.first.size());
  for (std::size_t i = 0; i < analytic.first.size(); ++i) {
    const SobolIndex& s = result.indices[i];
    SCOPED_TRACE("factor " + std::to_string(i + 1));
    EXPECT_LE(s.first_low, analytic.first[i]);
    EXPECT_GE(s.first_high, analytic.first[i]);
    EXPECT_LE(s.total_low, analytic.total[i]);
    EXPECT_GE(s.total_high, analytic.total[i]);
    EXPECT_LT(s.first_high - s.first_low, max_width);
    EXPECT_LT(s.total_high - s.total_low, max_width);
    EXPECT_LE(s.first_low, s.first_order);
    EXPECT_GE(s.first_high, s.first_order);
    EXPECT_LE(s.total_low, s.total_effect);
    EXPECT_GE(s.total_high, s.total_effect);
  }
}

// The pooled variance against the analytic one: a sample variance of n values
// has standard error √((μ4 − V²) / n), μ4 the fourth central moment, here
// estimated from the same 2N values.
void expect_variance_within_5_standard_errors(const PickFreeze& d, const SobolResult& result, double analytic) {
  std::vector<double> pooled(d.f_a);
  pooled.insert(pooled.end(), d.f_b.begin(), d.f_b.end());
  const auto n = static_cast<double>(pooled.size());
  double mean = 0, m2 = 0, m4 = 0;
  for (double y : pooled) mean += y / n;
  for (double y : pooled) {
    m2 += (y - mean) * (y - mean) / n;
    m4 += std::pow(y - mean, 4) / n;
  }
  EXPECT_NEAR(result.variance, analytic, 5 * std::sqrt((m4 - m2 * m2) / n));
  EXPECT_NEAR(result.mean, mean, 1e-9 * (1 + std::abs(mean)));
}

TEST(SobolIndices, IshigamiAnalyticIndicesLieInTheir999PercentIntervals) {
  const PickFreeze d = pick_freeze(20000, 3, 1990, ishigami);
  const SobolResult result = estimate(d, at_999);
  const Analytic analytic = ishigami_indices();
  expect_variance_within_5_standard_errors(d, result, analytic.variance);
  expect_analytic_inside(result, analytic, 0.1);
}

TEST(SobolIndices, GFunctionAnalyticIndicesLieInTheir999PercentIntervals) {
  const PickFreeze d = pick_freeze(20000, 6, 1995, g_function);
  const SobolResult result = estimate(d, at_999);
  const Analytic analytic = g_function_indices();
  expect_variance_within_5_standard_errors(d, result, analytic.variance);
  expect_analytic_inside(result, analytic, 0.1);
  // Every factor has mean 1, so g has; the mean of 2N values has sd √(V / 2N).
  EXPECT_NEAR(result.mean, 1, 5 * std::sqrt(analytic.variance / 40000));
}

TEST(SobolIndices, OnlyTheFactorTheOutputDependsOnHasAnIndex) {
  const PickFreeze d = pick_freeze(10000, 3, 7, [](const Eigen::RowVectorXd& u) { return u(0); });
  const SobolResult result = estimate(d, at_999);
  ASSERT_EQ(result.indices.size(), 3u);
  const SobolIndex& x1 = result.indices[0];
  EXPECT_LE(x1.first_low, 1);
  EXPECT_GE(x1.first_high, 1);
  EXPECT_LE(x1.total_low, 1);
  EXPECT_GE(x1.total_high, 1);
  EXPECT_LT(x1.first_high - x1.first_low, 0.1);
  for (std::size_t i : {1u, 2u}) {
    // f_ABi = f_A row by row: both estimators are exactly 0, on every resample too.
    const SobolIndex& unused = result.indices[i];
    EXPECT_EQ(unused.total_effect, 0);
    EXPECT_EQ(unused.first_order, 0);
    EXPECT_LE(unused.first_low, 0);
    EXPECT_GE(unused.first_high, 0);
    EXPECT_EQ(unused.total_low, 0);
    EXPECT_EQ(unused.total_high, 0);
  }
}

TEST(SobolIndices, ConstantOutputGivesNaNIndices) {
  // 0.1 × 8 / 8 need not round back to 0.1: the constancy must be seen on the values.
  const std::vector<double> constant(8, 0.1);
  const SobolResult result = sobol_indices(constant, constant, {constant, constant});
  EXPECT_EQ(result.variance, 0);
  EXPECT_EQ(result.mean, 0.1);
  ASSERT_EQ(result.indices.size(), 2u);
  for (const SobolIndex& s : result.indices)
    for (double v : {s.first_order, s.total_effect, s.first_low, s.first_high, s.total_low, s.total_high,
                     s.first_quarter, s.first_half, s.total_quarter, s.total_half})
      EXPECT_TRUE(std::isnan(v));
}

TEST(SobolIndices, AResampleWithAConstantOutputLeavesNoInterval) {
  // Two rows, each the same in A and B: the resamples that draw one row twice
  // (about half) see a constant output.
  const std::vector<double> f_a = {0, 1}, f_b = {0, 1}, f_ab = {1, 0};
  const SobolResult result = sobol_indices(f_a, f_b, {f_ab}, {.bootstrap_resamples = 100});
  const SobolIndex& s = result.indices[0];
  EXPECT_TRUE(std::isfinite(s.first_order));
  EXPECT_TRUE(std::isfinite(s.total_effect));
  EXPECT_TRUE(std::isnan(s.first_low) && std::isnan(s.first_high));
  EXPECT_TRUE(std::isnan(s.total_low) && std::isnan(s.total_high));
  EXPECT_TRUE(std::isnan(s.first_quarter));  // no row
}

TEST(SobolIndices, MismatchedLengthsAndBadInputsAreRefused) {
  const std::vector<double> four = {1, 2, 3, 4}, three = {1, 2, 3};
  EXPECT_THROW(sobol_indices(four, three, {four}), std::invalid_argument);
  EXPECT_THROW(sobol_indices(four, four, {four, three}), std::invalid_argument);
  EXPECT_THROW(sobol_indices(std::vector<double>{1}, std::vector<double>{2}, {}), std::invalid_argument);
  const std::vector<double> with_nan = {1, 2, std::nan(""), 4};
  EXPECT_THROW(sobol_indices(four, four, {with_nan}), std::invalid_argument);
  EXPECT_THROW(sobol_indices(four, four, {four}, {.bootstrap_resamples = -1}), std::invalid_argument);
  EXPECT_THROW(sobol_indices(four, four, {four}, {.interval_level = 1}), std::invalid_argument);
  EXPECT_NO_THROW(sobol_indices(four, four, {}));
}

TEST(SobolIndices, ConvergenceFieldsAreTheEstimatesOnPrefixes) {
  const std::size_t n = 20000;
  const PickFreeze d = pick_freeze(n, 3, 1990, ishigami);
  // σ below is read off the 95 % interval, whose ends 1000 resamples estimate well.
  const SobolResult result = estimate(d, {.bootstrap_resamples = 1000, .interval_level = 0.95});
  auto prefix = [&](std::size_t m) {
    std::vector<std::span<const double>> ab;
    for (const auto& f : d.f_ab) ab.push_back(std::span<const double>(f).first(m));
    return sobol_indices(std::span<const double>(d.f_a).first(m), std::span<const double>(d.f_b).first(m), ab,
                         {.bootstrap_resamples = 0});
  };
  const SobolResult quarter = prefix(n / 4), half = prefix(n / 2);
  for (std::size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE("factor " + std::to_string(i + 1));
    const SobolIndex& s = result.indices[i];
    EXPECT_EQ(s.first_quarter, quarter.indices[i].first_order);
    EXPECT_EQ(s.total_quarter, quarter.indices[i].total_effect);
    EXPECT_EQ(s.first_half, half.indices[i].first_order);
    EXPECT_EQ(s.total_half, half.indices[i].total_effect);
    // With σ the estimate's standard error on N rows, the estimate on N is
    // about the average of those on the two halves, so estimate(N) −
    // estimate(N/2) is half their difference: standard error σ. Likewise
    // estimate(N) − estimate(N/4) = ¾ (estimate(rest) − estimate(N/4)):
    // √(9/16 · (4/3 + 4)) σ = √3 σ. Bounds at 3.29 of those standard errors
    // (two-sided 0.1 % each), σ being the 95 % interval's width / (2 × 1.96).
    const double first_sigma = (s.first_high - s.first_low) / (2 * 1.96),
                 total_sigma = (s.total_high - s.total_low) / (2 * 1.96);
    EXPECT_LE(std::abs(s.first_order - s.first_half), 3.29 * first_sigma);
    EXPECT_LE(std::abs(s.total_effect - s.total_half), 3.29 * total_sigma);
    EXPECT_LE(std::abs(s.first_order - s.first_quarter), 3.29 * std::sqrt(3.0) * first_sigma);
    EXPECT_LE(std::abs(s.total_effect - s.total_quarter), 3.29 * std::sqrt(3.0) * total_sigma);
  }
}

TEST(SobolIndices, AShiftOfTheOutputLeavesTheIndicesAlone) {
  // Outputs in cents lie far from 0: the first-order estimator is centred so
  // that its error does not grow with the mean (uncentred, a mean μ adds a
  // term μ (f_ABi − f_A) of sd μ √(2 VT_i): 10⁶ would widen Ishigami's
  // first-order intervals by orders of magnitude).
  PickFreeze d = pick_freeze(5000, 3, 1990, ishigami);
  const SobolResult plain = estimate(d, {});
  for (auto* f : {&d.f_a, &d.f_b, &d.f_ab[0], &d.f_ab[1], &d.f_ab[2]})
    for (double& v : *f) v += 1e6;
  const SobolResult shifted = estimate(d, {});
  for (std::size_t i = 0; i < 3; ++i) {
    // Only rounding remains: 10⁶'s ulp, 1.2e-10, is some 10⁻¹¹ of the output's spread.
    EXPECT_NEAR(shifted.indices[i].first_order, plain.indices[i].first_order, 1e-6);
    EXPECT_NEAR(shifted.indices[i].total_effect, plain.indices[i].total_effect, 1e-6);
    EXPECT_NEAR(shifted.indices[i].first_high - shifted.indices[i].first_low,
                plain.indices[i].first_high - plain.indices[i].first_low, 1e-6);
  }
}

// The type-7 quantile (Hyndman & Fan), written again apart from the code under test.
double numpy_quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  const double h = q * static_cast<double>(v.size() - 1);
  const auto lo = static_cast<std::size_t>(h);
  const std::size_t hi = std::min(lo + 1, v.size() - 1);
  return v[lo] + (h - static_cast<double>(lo)) * (v[hi] - v[lo]);
}

// The rows of bootstrap resample r, as the header documents them.
std::vector<std::size_t> documented_rows(std::uint64_t seed, int r, std::size_t n) {
  Engine engine(splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(r))));
  boost::random::uniform_int_distribution<std::size_t> pick(0, n - 1);
  std::vector<std::size_t> rows(n);
  for (auto& row : rows) row = pick(engine);
  return rows;
}

TEST(SobolIndices, BootstrapResamplesTheRowsJointlyAsDocumented) {
  const PickFreeze d = pick_freeze(9, 2, 11, [](const Eigen::RowVectorXd& u) { return u(0) + u(0) * u(1); });
  const SobolOptions options{.bootstrap_resamples = 40, .interval_level = 0.8, .bootstrap_seed = 5};
  const SobolResult result = estimate(d, options);
  std::vector<std::vector<double>> first(2), total(2);
  for (int r = 0; r < options.bootstrap_resamples; ++r) {
    const auto rows = documented_rows(options.bootstrap_seed, r, 9);
    std::vector<double> pooled;
    for (std::size_t j : rows) pooled.insert(pooled.end(), {d.f_a[j], d.f_b[j]});
    double mean = 0, v = 0;
    for (double y : pooled) mean += y / 18;
    for (double y : pooled) v += (y - mean) * (y - mean) / 17;
    for (std::size_t i = 0; i < 2; ++i) {
      double s = 0, st = 0;
      for (std::size_t j : rows) {
        s += (d.f_b[j] - mean) * (d.f_ab[i][j] - d.f_a[j]) / 9;
        st += (d.f_a[j] - d.f_ab[i][j]) * (d.f_a[j] - d.f_ab[i][j]) / 18;
      }
      first[i].push_back(s / v);
      total[i].push_back(st / v);
    }
  }
  for (std::size_t i = 0; i < 2; ++i) {
    EXPECT_NEAR(result.indices[i].first_low, numpy_quantile(first[i], 0.1), 1e-12);
    EXPECT_NEAR(result.indices[i].first_high, numpy_quantile(first[i], 0.9), 1e-12);
    EXPECT_NEAR(result.indices[i].total_low, numpy_quantile(total[i], 0.1), 1e-12);
    EXPECT_NEAR(result.indices[i].total_high, numpy_quantile(total[i], 0.9), 1e-12);
  }
  // The same seed, the same intervals.
  const SobolResult again = estimate(d, options);
  EXPECT_EQ(again.indices[1].first_low, result.indices[1].first_low);
  EXPECT_EQ(again.indices[1].total_high, result.indices[1].total_high);
}

TEST(PairedMeanEffect, HandExample) {
  const std::vector<double> x = {1, 2, 3, 4}, baseline = {0, 2, 2, 5};
  const PairedEffect e = paired_mean_effect(x, baseline);
  EXPECT_EQ(e.value, 2.5);
  EXPECT_EQ(e.baseline, 2.25);
  EXPECT_EQ(e.difference, 0.25);
  // Differences 1, 0, 1, −1: mean 1/4, squared deviations sum to 11/4, sd² = 11/12, SE² = 11/48.
  EXPECT_DOUBLE_EQ(e.standard_error, std::sqrt(11.0 / 48.0));
}

TEST(PairedMeanEffect, RefusesUnpairedSeries) {
  const std::vector<double> four = {1, 2, 3, 4}, three = {1, 2, 3}, one = {1};
  EXPECT_THROW(paired_mean_effect(four, three), std::invalid_argument);
  EXPECT_THROW(paired_mean_effect(one, one), std::invalid_argument);
  EXPECT_THROW(paired_quantile_effect(four, three, 50), std::invalid_argument);
  EXPECT_THROW(paired_quantile_effect(four, four, 150), std::invalid_argument);
  EXPECT_THROW(paired_quantile_effect(four, four, 50, 1), std::invalid_argument);
}

TEST(PairedQuantileEffect, DifferenceIsExactAndTheStandardErrorThePairedBootstraps) {
  const std::vector<double> x = {3, 1, 4, 1, 5}, baseline = {2, 7, 1, 8, 2};
  // Sorted: 1 1 3 4 5 and 1 2 2 7 8; the inverted CDF reads the ⌈p n⌉-th value: the 2nd at 25 %, the 3rd at 50 %.
  const PairedEffect quartile = paired_quantile_effect(x, baseline, 25, 200, 3);
  EXPECT_EQ(quartile.value, 1);
  EXPECT_EQ(quartile.baseline, 2);
  EXPECT_EQ(quartile.difference, -1);
  const PairedEffect median = paired_quantile_effect(x, baseline, 50, 200, 3);
  EXPECT_EQ(median.value, 3);
  EXPECT_EQ(median.baseline, 2);
  EXPECT_EQ(median.difference, 1);

  const auto inverted_cdf = [](std::vector<double> v, int percent) {
    std::sort(v.begin(), v.end());
    return quantile_inverted_cdf<double>(v, percent);
  };
  for (int q : {25, 50, 90}) {
    SCOPED_TRACE(q);
    std::vector<double> differences;
    for (int r = 0; r < 200; ++r) {
      std::vector<double> xs, bs;
      for (std::size_t j : documented_rows(3, r, x.size())) {
        xs.push_back(x[j]);
        bs.push_back(baseline[j]);
      }
      differences.push_back(inverted_cdf(xs, q) - inverted_cdf(bs, q));
    }
    double mean = 0, squares = 0;
    for (double d : differences) mean += d / 200;
    for (double d : differences) squares += (d - mean) * (d - mean);
    const PairedEffect e = paired_quantile_effect(x, baseline, q, 200, 3);
    EXPECT_GT(e.standard_error, 0);
    EXPECT_NEAR(e.standard_error, std::sqrt(squares / 199), 1e-12);
    const PairedEffect again = paired_quantile_effect(x, baseline, q, 200, 3);
    EXPECT_EQ(again.standard_error, e.standard_error);
    EXPECT_EQ(again.difference, e.difference);
  }
}

TEST(PairedQuantileEffect, CommonRandomNumbersShrinkTheStandardError) {
  // x = baseline + 1 + noise in [0, 0.01]: a quantile is monotone, so every
  // quantile of x (of any resample too) lies in [1, 1.01] above the same
  // quantile of the baseline (up to rounding), and the standard deviation of
  // values in a range of 0.01 is at most 0.005 (√(500/499) times that with the
  // divisor 499) — while the baseline's median alone varies with sd ≈
  // 100 / (2 √2000) ≈ 1.1.
  Engine engine(42);
  boost::random::uniform_01<double> uniform;
  std::vector<double> baseline(2000), x(2000);
  for (std::size_t j = 0; j < baseline.size(); ++j) {
    baseline[j] = 100 * uniform(engine);
    x[j] = baseline[j] + 1 + 0.01 * uniform(engine);
  }
  const PairedEffect e = paired_quantile_effect(x, baseline, 50, 500);
  EXPECT_GE(e.difference, 1 - 1e-12);
  EXPECT_LE(e.difference, 1.01 + 1e-12);
  EXPECT_LE(e.standard_error, 0.005 * std::sqrt(500.0 / 499));
  EXPECT_GT(e.standard_error, 0);
}

}  // namespace
}  // namespace fnesim
