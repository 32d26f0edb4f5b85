#include "sim/forecast/uptake_posterior.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "models/distribution.hpp"

namespace fnesim {

namespace {

constexpr double infinity = std::numeric_limits<double>::infinity();

// Gamma shape of a mean-1 factor with this CV; infinite for a known factor.
double shape_of_cv(double cv) { return cv > 0 ? 1.0 / (cv * cv) : infinity; }

// One Poisson count N with mean C · E · I, I ~ Gamma(a, a) integrated out
// (a negative binomial in C): its log-likelihood in u = ln C, up to a
// constant, and the first two derivatives. a = ∞: I ≡ 1, a plain Poisson.
struct CountTerm {
  double count, expected, shape;
  double value(double u) const {
    if (std::isinf(shape)) return count * u - expected * std::exp(u);
    return count * u - (shape + count) * std::log(shape + expected * std::exp(u));
  }
  double slope(double u) const {
    const double x = expected * std::exp(u);
    if (std::isinf(shape)) return count - x;
    return count - (shape + count) * x / (shape + x);
  }
  double curvature(double u) const {
    const double x = expected * std::exp(u);
    if (std::isinf(shape)) return -x;
    return -(shape + count) * shape * x / ((shape + x) * (shape + x));
  }
};

// The log-posterior of u = ln C: the Gamma(a_c, a_c) prior of C with its
// Jacobian (a_c·u − a_c·e^u), plus the count terms. Concave in u.
struct CommonPosterior {
  double prior_shape;
  std::vector<CountTerm> terms;
  double value(double u) const {
    double v = prior_shape * (u - std::exp(u));
    for (const CountTerm& t : terms) v += t.value(u);
    return v;
  }
  double slope(double u) const {
    double s = prior_shape * (1 - std::exp(u));
    for (const CountTerm& t : terms) s += t.slope(u);
    return s;
  }
  double curvature(double u) const {
    double c = -prior_shape * std::exp(u);
    for (const CountTerm& t : terms) c += t.curvature(u);
    return c;
  }
  // Newton's method with step halving: the log-posterior is strictly concave.
  double mode() const {
    double u = 0;
    for (int iteration = 0; iteration < 200; ++iteration) {
      double step = -slope(u) / curvature(u);
      const double before = value(u);
      while (value(u + step) < before && std::abs(step) > 1e-15) step /= 2;
      u += step;
      if (std::abs(step) < 1e-12) break;
    }
    return u;
  }
};

// Quadrature nodes of C's posterior: a uniform grid in u = ln C over ±12
// posterior standard deviations around the mode (the trapezoid rule converges
// geometrically on a smooth integrand that vanishes at both ends).
struct Node {
  double c, weight;
};
constexpr int quadrature_intervals = 2400;
constexpr double quadrature_half_width_sd = 12;

std::vector<Node> posterior_nodes(const CommonPosterior& posterior) {
  const double mode = posterior.mode();
  const double sd = 1 / std::sqrt(-posterior.curvature(mode));
  const double peak = posterior.value(mode);
  const double step = 2 * quadrature_half_width_sd * sd / quadrature_intervals;
  std::vector<Node> nodes;
  double total = 0;
  for (int k = 0; k <= quadrature_intervals; ++k) {
    const double u = mode - quadrature_half_width_sd * sd + k * step;
    const double end_factor = k == 0 || k == quadrature_intervals ? 0.5 : 1.0;
    const double w = end_factor * std::exp(posterior.value(u) - peak);
    nodes.push_back({std::exp(u), w});
    total += w;
  }
  for (Node& n : nodes) n.weight /= total;
  return nodes;
}

double node_quantile(const std::vector<Node>& nodes, double probability) {
  double cumulative = 0;
  for (const Node& n : nodes) {
    cumulative += n.weight;
    if (cumulative >= probability) return n.c;
  }
  return nodes.back().c;
}

GammaSummary gamma_with_moments(double mean, double second_moment) {
  const double variance =
      std::max(second_moment - mean * mean, min_posterior_cv * min_posterior_cv * mean * mean);
  return {mean * mean / variance, mean / variance};
}

}  // namespace

UptakePrior UptakePrior::from_scenario(double national_cv, double regional_cv, double mean_correlation) {
  const double rho = std::clamp(mean_correlation, 0.0, 1.0);
  const double n2 = national_cv * national_cv, r2 = regional_cv * regional_cv;
  // Cov(U_r, U_s) = (1 + cv_n²)(1 + ρ cv_r²) − 1 is the common factor's
  // variance; the regional deviation keeps the rest of Var(U_r).
  const double common2 = (1 + n2) * (1 + rho * r2) - 1;
  const double regional2 = (1 + r2) / (1 + rho * r2) - 1;
  return {std::sqrt(std::max(common2, 0.0)), std::sqrt(std::max(regional2, 0.0))};
}

double UptakePrior::total_cv() const {
  const double c2 = common_cv * common_cv, r2 = regional_cv * regional_cv;
  return std::sqrt((1 + c2) * (1 + r2) - 1);
}

double GammaSummary::cv() const { return 1 / std::sqrt(shape); }

double GammaSummary::quantile(double probability) const { return gamma_quantile(shape, probability) / rate; }

UptakePosterior learn_uptake(const UptakePrior& prior, const UptakeEvidence& evidence) {
  const std::size_t regions = evidence.expected.size();
  if (evidence.observed.size() != (evidence.national_only ? 1 : regions))
    throw std::invalid_argument("learn_uptake: one count per region, or one national count");
  const double regional_shape = shape_of_cv(prior.regional_cv);

  CommonPosterior common{shape_of_cv(prior.common_cv), {}};
  double expected_total = 0, expected_squares = 0;
  for (double e : evidence.expected) {
    expected_total += e;
    expected_squares += e * e;
  }
  if (evidence.national_only) {
    // The national count is Poisson(C · Σ_r I_r E_r); the weighted mean of the
    // regional deviations is taken as one Gamma with their mean (1) and
    // variance (cv_i² Σ w_r², w_r = E_r / E): a negative binomial in C.
    const double pooled_cv2 = expected_total > 0 ? prior.regional_cv * prior.regional_cv * expected_squares /
                                                       (expected_total * expected_total)
                                                 : 0.0;
    common.terms.push_back({static_cast<double>(evidence.observed[0]), expected_total,
                            pooled_cv2 > 0 ? 1 / pooled_cv2 : infinity});
  } else {
    for (std::size_t r = 0; r < regions; ++r)
      common.terms.push_back(
          {static_cast<double>(evidence.observed[r]), evidence.expected[r], regional_shape});
  }
  for (const CountTerm& t : common.terms)
    if (t.expected <= 0 && t.count > 0)
      throw std::invalid_argument("learn_uptake: dossiers observed where none were expected");

  // A known common factor (CV 0) is a single node at 1.
  const std::vector<Node> nodes =
      std::isinf(common.prior_shape) ? std::vector<Node>{{1.0, 1.0}} : posterior_nodes(common);

  UptakePosterior posterior;
  double c1 = 0, c2 = 0;
  for (const Node& n : nodes) {
    c1 += n.weight * n.c;
    c2 += n.weight * n.c * n.c;
  }
  posterior.common_mean = c1;
  posterior.common_cv = std::sqrt(std::max(c2 - c1 * c1, 0.0)) / c1;
  posterior.common_q05 = node_quantile(nodes, 0.05);
  posterior.common_q95 = node_quantile(nodes, 0.95);

  if (evidence.national_only) {
    // The count pins the national level L = C · Σ w_r I_r, w_r = E_r / E,
    // not C: L is learnt as such, its prior the Gamma of its mean (1) and
    // variance, (1 + cv_C²)(1 + cv_I² Σ w_r²) − 1, and conjugate. Each region
    // is L times its deviation normalised to a weighted mean of 1, of
    // variance about cv_I² (1 − 2 w_r + Σ w²): what is left of it once the
    // nation's is fixed.
    const double w2 = expected_total > 0 ? expected_squares / (expected_total * expected_total) : 0.0;
    const double r2 = prior.regional_cv * prior.regional_cv;
    const double level2 = (1 + prior.common_cv * prior.common_cv) * (1 + r2 * w2) - 1;
    if (level2 > 0)
      posterior.joint = {1 / level2 + static_cast<double>(evidence.observed[0]), 1 / level2 + expected_total};
    const bool known = posterior.joint.shape == 0;
    const double l1 = known ? 1.0 : posterior.joint.mean();
    const double l2 = known ? 1.0 : l1 * (posterior.joint.shape + 1) / posterior.joint.rate;
    for (std::size_t r = 0; r < regions; ++r) {
      const double w = expected_total > 0 ? evidence.expected[r] / expected_total : 0.0;
      posterior.regions.push_back(gamma_with_moments(l1, l2 * (1 + r2 * std::max(1 - 2 * w + w2, 0.0))));
    }
    return posterior;
  }

  // Each U_r = C · I_r: its first two moments over C's posterior, given which
  // I_r is Gamma(a_i + N_r, a_i + C E_r).
  if (posterior.common_cv > 0) posterior.joint = gamma_with_moments(c1, c2);
  for (std::size_t r = 0; r < regions; ++r) {
    double m1 = 0, m2 = 0;
    for (const Node& n : nodes) {
      double first = n.c, second = n.c * n.c;
      if (!std::isinf(regional_shape)) {
        const double shape = regional_shape + static_cast<double>(evidence.observed[r]);
        const double rate = regional_shape + n.c * evidence.expected[r];
        first = n.c * shape / rate;
        second = n.c * n.c * shape * (shape + 1) / (rate * rate);
      }
      m1 += n.weight * first;
      m2 += n.weight * second;
    }
    posterior.regions.push_back(gamma_with_moments(m1, m2));
  }
  return posterior;
}

}  // namespace fnesim
