#pragma once
// Statistics over replications: moments merged by adding sums (OpenMC tallies,
// ALPSCore), Student-t intervals, empirical inverted-CDF and interpolated quantiles.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace fnesim {

// Count, sum and sum of squares of (x − shift), the shift being the first value
// seen, so that the variance of large amounts in cents does not cancel out.
class Moments {
 public:
  void add(double x);
  std::int64_t count() const { return count_; }
  double mean() const;
  double variance() const;        // unbiased sample variance; 0 for fewer than 2 values
  double standard_error() const;  // sqrt(variance / n)

 private:
  std::int64_t count_ = 0;
  double shift_ = 0, sum_ = 0, sum_squares_ = 0;
};

struct Interval {
  double low = 0, high = 0;
};

// Two-sided Student-t interval for the mean at the given confidence level.
Interval student_t_interval(const Moments& m, double confidence_level);

// The smallest value with at least percent % of the values at or below it
// (the inverted empirical CDF, Hyndman & Fan definition 1). `sorted` ascending, non-empty.
template <typename T>
T quantile_inverted_cdf(std::span<const T> sorted, int percent) {
  const std::int64_t n = static_cast<std::int64_t>(sorted.size());
  // k = ceil(percent × n / 100) in integers: no floating-point edge cases.
  std::int64_t k = (static_cast<std::int64_t>(percent) * n + 99) / 100;
  if (k < 1) k = 1;
  return sorted[static_cast<std::size_t>(k - 1)];
}

// The quantile at `level` in [0, 1] interpolated linearly between order
// statistics at position level × (n − 1) (Hyndman & Fan definition 7, numpy's
// and R's default). Unlike the inverted CDF it varies continuously with the
// level and falls between the values, which a sensitivity or an optimiser
// needs. `sorted` ascending, non-empty.
template <typename T>
double quantile_linear(std::span<const T> sorted, double level) {
  const double position = level * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(std::floor(position));
  const std::size_t above = std::min(below + 1, sorted.size() - 1);
  const double t = position - static_cast<double>(below);
  return static_cast<double>(sorted[below]) * (1 - t) + static_cast<double>(sorted[above]) * t;
}

inline constexpr int reported_percentiles[] = {5, 10, 25, 50, 75, 90, 95};

}  // namespace fnesim
