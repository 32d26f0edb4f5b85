#pragma once
// The distributions a scenario may give an uncertain parameter
// (docs/scenario-format.md, "[uncertainty]"). Each is drawn through its
// quantile function from a uniform score, so that several can be tied by one
// Gaussian copula (the regional uptake factors already are).
#include <array>
#include <optional>
#include <string_view>
#include <vector>

namespace fnesim {

enum class DistributionKind { Normal, LogNormal, Gamma, Beta, Uniform, Triangular, Pert, Discrete };
inline constexpr std::array<std::string_view, 8> distribution_keys = {
    "normal", "lognormal", "gamma", "beta", "uniform", "triangular", "pert", "discrete"};

struct Distribution {
  DistributionKind kind = DistributionKind::Uniform;
  // normal: mean, sd · lognormal, gamma: mean, cv · beta: alpha, beta ·
  // uniform: min, max · triangular, pert: min, mode, max.
  double a = 0, b = 0, c = 0;
  std::vector<double> values, weights;  // discrete; weights sum to 1

  // The normal is truncated at this many standard deviations either side, so
  // that a parameter bounded below (a cost, a count) can be given a normal
  // whose mean is far enough from the bound: nothing outside is ever drawn.
  static constexpr double normal_truncation_sd = 5;

  double quantile(double probability) const;  // probability in (0, 1)
  double mean() const;
  double sd() const;
  double lowest() const;   // of the support (the truncation for the normal)
  double highest() const;  // +∞ when unbounded
};

// A Dirichlet around `mean` (summing to 1) with total concentration
// `concentration`: each share p_i has mean mean_i and variance
// mean_i (1 − mean_i) / (concentration + 1).
struct Dirichlet {
  std::array<double, 12> mean{};
  double concentration = 0;
};

// The Gamma(shape, scale 1) quantile at probability p, and at the standard
// normal score z (a copula's way: through the upper tail's complement when
// z > 0, to keep precision there). Beyond shape 10⁹ — a CV under about
// 3 × 10⁻⁵ — Boost's series gives up (from about 4 × 10¹⁰), and the
// Wilson–Hilferty cube, whose relative error is then below 10⁻¹², is used.
double gamma_quantile(double shape, double p);
double gamma_at_normal_score(double shape, double z);

}  // namespace fnesim
