// Statistical checks of the samplers, with fixed seeds and tolerances derived
// from the Monte-Carlo standard error (family-wise false-alarm rate ≤ 1e-3 per test).
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/gamma.hpp>
#include <cmath>
#include <numeric>

#include "sim/simulator.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

// Two-sided normal critical value for `checks` simultaneous checks at family-wise level 1e-3.
double critical_z(int checks) {
  return boost::math::quantile(boost::math::complement(boost::math::normal(), 1e-3 / (2.0 * checks)));
}

// Constant-rate arrivals λ per day, constant cost c, envelope A, stop policy:
// the region is exhausted at the (⌊A/c⌋+1)-th arrival, whose time is
// Gamma(⌊A/c⌋+1, rate λ); the reported day is its integer part.
TEST(Sampling, ExhaustionDayFollowsTheGammaLawOfThe_kPlusFirstArrival) {
  const double lambda_per_day = 0.5;
  const int k = 100;
  Scenario s = testing::simple_scenario(1, lambda_per_day * 365, 100'500, 1000);  // ⌊100 500 / 1 000⌋ = 100
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const int n = 20'000;
  std::vector<std::int32_t> days(n);
  for (int rep = 0; rep < n; ++rep) {
    simulator.simulate(12345, rep, *ws, o);
    days[static_cast<std::size_t>(rep)] = o.regions[0].exhaustion_day;
  }
  const std::vector<double> probabilities = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
  const double z = critical_z(static_cast<int>(probabilities.size()));
  for (double p : probabilities) {
    // The day d whose true CDF P(T < d + 1) is nearest p.
    const double t = boost::math::gamma_p_inv(k + 1, p) / lambda_per_day;
    const int d = static_cast<int>(std::floor(t));
    const double truth = boost::math::gamma_p(k + 1, lambda_per_day * (d + 1));
    const double empirical =
        std::count_if(days.begin(), days.end(), [&](std::int32_t x) { return x >= 0 && x <= d; }) / double(n);
    EXPECT_NEAR(empirical, truth, z * std::sqrt(truth * (1 - truth) / n)) << "day " << d;
  }
}

TEST(Sampling, DossierCountsArePoissonInMeanAndVariance) {
  const double lambda = 200;
  Scenario s = testing::simple_scenario(1, lambda, 1'000'000'000, 1000);
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const int n = 5000;
  double sum = 0, sum_sq = 0;
  for (int rep = 0; rep < n; ++rep) {
    simulator.simulate(777, rep, *ws, o);
    const double count = static_cast<double>(o.regions[0].dossiers_committed);
    sum += count;
    sum_sq += count * count;
  }
  const double mean = sum / n;
  const double variance = (sum_sq - sum * sum / n) / (n - 1);
  const double z = critical_z(2);
  EXPECT_NEAR(mean, lambda, z * std::sqrt(lambda / n));
  // Var(s²) ≈ (μ4 − σ⁴)/n with μ4 = λ(1 + 3λ) for the Poisson law.
  EXPECT_NEAR(variance, lambda, z * std::sqrt((lambda * (1 + 3 * lambda) - lambda * lambda) / n));
}

TEST(Sampling, AttributeMixFrequenciesPassAChiSquaredTest) {
  Scenario s = testing::simple_scenario(1, 2000, 1'000'000'000, 1000);
  RegionalDemand& rd = s.demand.regions[0];
  rd.mix.fill(0.0);
  // A deliberately uneven joint mix over twelve cells.
  const double weights[] = {0.30, 0.15, 0.10, 0.08, 0.07, 0.06, 0.06, 0.05, 0.05, 0.04, 0.03, 0.01};
  std::vector<int> cells;
  for (int i = 0; i < 12; ++i) {
    const int cell =
        mix_cell(static_cast<SizeClass>(i % 4), static_cast<Status>(i % 3), static_cast<Pathway>(i / 3));
    rd.mix[static_cast<std::size_t>(cell)] = weights[i];
    cells.push_back(cell);
  }
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  std::vector<double> observed(mix_cell_count, 0.0);
  for (int rep = 0; rep < 20; ++rep) {
    simulator.simulate(31, rep, *ws, o);
    for (int c = 0; c < mix_cell_count; ++c)
      observed[static_cast<std::size_t>(c)] +=
          static_cast<double>(o.trainees_by_cell[static_cast<std::size_t>(c)]);
  }
  const double total = std::accumulate(observed.begin(), observed.end(), 0.0);
  double chi2 = 0, in_weighted_cells = 0;
  for (int i = 0; i < 12; ++i) {
    const double expected = total * weights[i];
    const double diff = observed[static_cast<std::size_t>(cells[static_cast<std::size_t>(i)])] - expected;
    chi2 += diff * diff / expected;
    in_weighted_cells += observed[static_cast<std::size_t>(cells[static_cast<std::size_t>(i)])];
  }
  EXPECT_EQ(in_weighted_cells, total) << "dossiers in cells of zero weight";
  const double critical = boost::math::quantile(boost::math::complement(boost::math::chi_squared(11), 1e-3));
  EXPECT_LT(chi2, critical);
}

// Gaussian copula: Spearman's rank correlation of the factors is (6/π) asin(ρ/2).
TEST(Sampling, RegionalUptakeFactorsHaveTheirMeanCvAndRankCorrelation) {
  Scenario s = testing::simple_scenario(3, 100, 1'000'000, 1000);
  s.demand.regional_uptake_cv = 0.3;
  s.demand.regional_correlation << 1, 0.6, -0.3, 0.6, 1, 0.0, -0.3, 0.0, 1;
  const Simulator simulator(s);
  const int n = 20'000;
  std::vector<std::vector<double>> factors(3, std::vector<double>(n));
  for (int rep = 0; rep < n; ++rep) {
    const std::vector<double> f = simulator.uptake_factors(4242, rep);
    for (int r = 0; r < 3; ++r)
      factors[static_cast<std::size_t>(r)][static_cast<std::size_t>(rep)] = f[static_cast<std::size_t>(r)];
  }
  auto ranks = [](const std::vector<double>& x) {
    std::vector<std::size_t> order(x.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return x[a] < x[b]; });
    std::vector<double> rank(x.size());
    for (std::size_t i = 0; i < order.size(); ++i) rank[order[i]] = static_cast<double>(i);
    return rank;
  };
  auto pearson = [](const std::vector<double>& a, const std::vector<double>& b) {
    const double n = static_cast<double>(a.size());
    const double ma = std::accumulate(a.begin(), a.end(), 0.0) / n,
                 mb = std::accumulate(b.begin(), b.end(), 0.0) / n;
    double sab = 0, saa = 0, sbb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
    return sab / std::sqrt(saa * sbb);
  };
  const double z = critical_z(9);
  for (int r = 0; r < 3; ++r) {
    const auto& f = factors[static_cast<std::size_t>(r)];
    const double mean = std::accumulate(f.begin(), f.end(), 0.0) / n;
    double var = 0;
    for (double x : f) var += (x - mean) * (x - mean);
    var /= n - 1;
    EXPECT_NEAR(mean, 1.0, z * 0.3 / std::sqrt(n));
    // SD of the sample variance of a Gamma(k, 1/k): σ² sqrt((κ4 + 2)/n), excess kurtosis κ4 = 6/k.
    EXPECT_NEAR(var, 0.09, z * 0.09 * std::sqrt((6 * 0.09 + 2) / n));
  }
  const int pairs[3][2] = {{0, 1}, {0, 2}, {1, 2}};
  for (const auto& pair : pairs) {
    const double rho = s.demand.regional_correlation(pair[0], pair[1]);
    const double expected = 6 / M_PI * std::asin(rho / 2);
    const double observed = pearson(ranks(factors[static_cast<std::size_t>(pair[0])]),
                                    ranks(factors[static_cast<std::size_t>(pair[1])]));
    // Fisher transform of Spearman's rho: variance ≈ 1.06 / (n − 3) (Fieller, Hartley & Pearson 1957).
    EXPECT_NEAR(std::atanh(observed), std::atanh(expected), z * std::sqrt(1.06 / (n - 3)))
        << "regions " << pair[0] << "," << pair[1];
  }
}

}  // namespace
}  // namespace fnesim
