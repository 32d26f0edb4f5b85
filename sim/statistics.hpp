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
//
// Values may come in clusters: replications of a forecast that picked
// particles descended from one prior draw share that draw's parameters, and
// are not independent. Given with a cluster (a dense index ≥ 0), the standard
// error is the cluster-robust one (Liang & Zeger 1986; the sandwich variance
// of a mean): sqrt(G/(G−1) · Σ_g (S_g − n_g x̄)²) / n over the G clusters met,
// S_g and n_g the sum and count of cluster g, or the plain sd/√n when that is
// larger. With every value its own cluster the two are the same.
class Moments {
 public:
  void add(double x);
  void add(double x, int cluster);  // cluster < 0: no cluster (the plain add)
  std::int64_t count() const { return count_; }
  double mean() const;
  double variance() const;        // unbiased sample variance; 0 for fewer than 2 values
  // sqrt(variance / n), or cluster-robust; NaN from fewer than two
  // independent units (one replication, or years that all share one prior
  // draw): no error can be estimated from one, and 0 would claim certainty.
  double standard_error() const;
  // The independent units behind the mean: the clusters met, or the count.
  std::int64_t independent_units() const;
  bool clustered() const { return !cluster_count_.empty(); }
  // Kish's effective number of clusters, (Σ n_g)² / Σ n_g²: uneven clusters
  // count as fewer; the count when unclustered.
  double effective_units() const;

 private:
  std::int64_t count_ = 0;
  double shift_ = 0, sum_ = 0, sum_squares_ = 0;
  std::vector<double> cluster_sum_;          // Σ (x − shift) per cluster
  std::vector<std::int64_t> cluster_count_;  // values per cluster
};

struct Interval {
  double low = 0, high = 0;
};

// Two-sided Student-t interval for the mean at the given confidence level,
// on independent_units() − 1 degrees of freedom; NaN at both ends from fewer
// than two independent units.
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

// How heavy the upper tail of a sample is, and so how far its mean and the
// mean's standard error can be trusted: the shape k of a generalised Pareto
// distribution fitted to the largest values (Zhang & Stephens 2009, with the
// weakly informative prior towards 0.5 and the tail length of Vehtari et al.,
// "Pareto smoothed importance sampling", JMLR 2024: the largest
// min(S/5, 3√S) values above the next one). Below 0.5 the variance is finite
// and the usual standard error holds; above, it is infinite: a few extreme
// values carry the mean, which more replications keep moving, and the
// standard error understates that. nullopt when fewer than five distinct
// values exceed the tail's threshold (a tail of zeros, a constant): there is
// no tail to fit, and the mean is not at its mercy.
std::optional<double> pareto_tail_shape(std::vector<double> values);

// Above this shape a sample of S values cannot estimate its mean reliably,
// even smoothed: min(1 − 1/log10 S, 0.7) (Vehtari et al. 2024, section 3).
double pareto_shape_limit(std::int64_t sample_size);

// The share of the sample's sum made by its largest 1 % of values (at least
// one value): how much of a mean a few replications carry. NaN when the sum
// is not positive.
double top_percent_share(std::vector<double> values);

}  // namespace fnesim
