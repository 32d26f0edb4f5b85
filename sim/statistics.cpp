#include "sim/statistics.hpp"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>

namespace fnesim {

void Moments::add(double x) {
  if (count_ == 0) shift_ = x;
  const double d = x - shift_;
  ++count_;
  sum_ += d;
  sum_squares_ += d * d;
}

// Σx / n, with Σx rebuilt from the shifted sum: for 0/1 outcomes both are
// whole numbers, so a probability is k / n correctly rounded — what a reader
// recomputing it from the replications finds (shift_ + sum_ / n was not:
// 0.16500000000000004 for 165 of 1 000).
double Moments::mean() const {
  if (count_ == 0) return 0.0;
  if (sum_ == 0) return shift_;  // a constant is its own mean, to the bit
  const auto n = static_cast<double>(count_);
  return (shift_ * n + sum_) / n;
}

double Moments::variance() const {
  if (count_ < 2) return 0.0;
  const double n = static_cast<double>(count_);
  const double v = (sum_squares_ - sum_ * sum_ / n) / (n - 1);
  return v > 0 ? v : 0.0;
}

double Moments::standard_error() const { return count_ == 0 ? 0.0 : std::sqrt(variance() / count_); }

Interval student_t_interval(const Moments& m, double confidence_level) {
  const double mean = m.mean();
  if (m.count() < 2) return {mean, mean};
  boost::math::students_t t(static_cast<double>(m.count() - 1));
  const double half_width = boost::math::quantile(t, 0.5 + confidence_level / 2) * m.standard_error();
  return {mean - half_width, mean + half_width};
}

}  // namespace fnesim
