#include "models/distribution.hpp"

#include <algorithm>
#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <cmath>
#include <limits>

namespace fnesim {

namespace {

// PERT: a Beta on [min, max] with shape parameters from the mode (λ = 4).
struct PertShape {
  double alpha, beta;
};
PertShape pert_shape(double min, double mode, double max) {
  // Divided first: 4 × (mode − min) overflows for a range near the largest double; times 4 is
  // exact either way, so the shapes are the same bits.
  const double range = max - min;
  return {1 + 4 * ((mode - min) / range), 1 + 4 * ((max - mode) / range)};
}

double lognormal_sigma(double cv) { return std::sqrt(std::log1p(cv * cv)); }

constexpr double wilson_hilferty_shape = 1e9;

double wilson_hilferty(double shape, double z) {
  const double ninth = 1 / (9 * shape);
  const double root = 1 - ninth + z * std::sqrt(ninth);
  return shape * root * root * root;
}

}  // namespace

double gamma_quantile(double shape, double p) {
  if (shape > wilson_hilferty_shape)
    return wilson_hilferty(shape, boost::math::quantile(boost::math::normal(), p));
  return boost::math::gamma_p_inv(shape, p);
}

double gamma_at_normal_score(double shape, double z) {
  if (shape > wilson_hilferty_shape) return wilson_hilferty(shape, z);
  const boost::math::normal standard;
  if (z <= 0) return boost::math::gamma_p_inv(shape, boost::math::cdf(standard, z));
  return boost::math::gamma_q_inv(shape, boost::math::cdf(standard, -z));
}

double Distribution::quantile(double p) const {
  switch (kind) {
    case DistributionKind::Normal: {
      const boost::math::normal standard;
      const double tail = boost::math::cdf(standard, -normal_truncation_sd);
      return a + b * boost::math::quantile(standard, tail + p * (1 - 2 * tail));
    }
    case DistributionKind::LogNormal: {
      const double sigma = lognormal_sigma(b);
      return boost::math::quantile(boost::math::lognormal(std::log(a) - sigma * sigma / 2, sigma), p);
    }
    case DistributionKind::Gamma: {
      const double shape = 1 / (b * b);
      return gamma_quantile(shape, p) * (a / shape);
    }
    case DistributionKind::Beta:
      return boost::math::quantile(boost::math::beta_distribution<>(a, b), p);
    case DistributionKind::Uniform:
      return a + p * (b - a);
    case DistributionKind::Triangular: {
      // √(x·y), the factors' roots apart where x·y overflows (a range near
      // the largest double), lest c − ∞ draw below min; the same bits otherwise.
      const auto root = [](double x, double y) {
        const double product = x * y;
        return std::isfinite(product) ? std::sqrt(product) : std::sqrt(x) * std::sqrt(y);
      };
      const double range = c - a, left = (b - a) / range;
      return p < left ? a + root(p * range, b - a) : c - root((1 - p) * range, c - b);
    }
    case DistributionKind::Pert: {
      const PertShape s = pert_shape(a, b, c);
      return a + (c - a) * boost::math::quantile(boost::math::beta_distribution<>(s.alpha, s.beta), p);
    }
    case DistributionKind::Discrete: {
      double cumulative = 0;
      for (std::size_t i = 0; i < values.size(); ++i) {
        cumulative += weights[i];
        if (p < cumulative) return values[i];
      }
      return values.back();
    }
  }
  return a;
}

double Distribution::mean() const {
  switch (kind) {
    case DistributionKind::Normal:
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
      return a;
    case DistributionKind::Beta:
      return a / (a + b);
    case DistributionKind::Uniform:
      return (a + b) / 2;
    case DistributionKind::Triangular:
      return (a + b + c) / 3;
    case DistributionKind::Pert:
      return (a + 4 * b + c) / 6;
    case DistributionKind::Discrete: {
      double m = 0;
      for (std::size_t i = 0; i < values.size(); ++i) m += weights[i] * values[i];
      return m;
    }
  }
  return a;
}

double Distribution::sd() const {
  switch (kind) {
    case DistributionKind::Normal:
      return b;  // the 5-sd truncation changes it by less than 1e-5
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
      return a * b;
    case DistributionKind::Beta:
      return std::sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    case DistributionKind::Uniform:
      return (b - a) / std::sqrt(12.0);
    case DistributionKind::Triangular:
      return std::sqrt((a * a + b * b + c * c - a * b - a * c - b * c) / 18);
    case DistributionKind::Pert: {
      const PertShape s = pert_shape(a, b, c);
      const double n = s.alpha + s.beta;
      return (c - a) * std::sqrt(s.alpha * s.beta / (n * n * (n + 1)));
    }
    case DistributionKind::Discrete: {
      const double m = mean();
      double v = 0;
      for (std::size_t i = 0; i < values.size(); ++i) v += weights[i] * (values[i] - m) * (values[i] - m);
      return std::sqrt(v);
    }
  }
  return 0;
}

double Distribution::lowest() const {
  switch (kind) {
    case DistributionKind::Normal:
      return a - normal_truncation_sd * b;
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
    case DistributionKind::Beta:
      return 0;
    case DistributionKind::Uniform:
    case DistributionKind::Triangular:
    case DistributionKind::Pert:
      return a;
    case DistributionKind::Discrete:
      return *std::min_element(values.begin(), values.end());
  }
  return a;
}

double Distribution::highest() const {
  constexpr double infinity = std::numeric_limits<double>::infinity();
  switch (kind) {
    case DistributionKind::Normal:
      return a + normal_truncation_sd * b;
    case DistributionKind::LogNormal:
    case DistributionKind::Gamma:
      return infinity;
    case DistributionKind::Beta:
      return 1;
    case DistributionKind::Uniform:
      return b;
    case DistributionKind::Triangular:
    case DistributionKind::Pert:
      return c;
    case DistributionKind::Discrete:
      return *std::max_element(values.begin(), values.end());
  }
  return infinity;
}

}  // namespace fnesim
