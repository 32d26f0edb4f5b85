#include "sim/forecast/forecast_scores.hpp"

#include <algorithm>

#include "sim/statistics.hpp"

namespace fnesim {

CentralInterval central_interval(std::span<const Cents> sorted, int percent) {
  const int tail = (100 - percent) / 2;
  return {quantile_inverted_cdf(sorted, tail), quantile_inverted_cdf(sorted, 100 - tail)};
}

double interval_score(CentralInterval interval, Cents outcome, double alpha) {
  double score = static_cast<double>(interval.high - interval.low);
  if (outcome < interval.low) score += 2.0 / alpha * static_cast<double>(interval.low - outcome);
  if (outcome > interval.high) score += 2.0 / alpha * static_cast<double>(outcome - interval.high);
  return score;
}

double crps_of_sample(std::span<const Cents> sorted, Cents outcome) {
  const auto n = static_cast<double>(sorted.size());
  double distance_to_outcome = 0, spread = 0;
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    distance_to_outcome +=
        static_cast<double>(sorted[i] > outcome ? sorted[i] - outcome : outcome - sorted[i]);
    // x_(i) is above i − 1 values and below n − i (1-based i): its weight in
    // Σ_i Σ_j |x_i − x_j| / 2 is (i − 1) − (n − i) = 2i − n − 1.
    spread += (2.0 * static_cast<double>(i + 1) - n - 1.0) * static_cast<double>(sorted[i]);
  }
  return distance_to_outcome / n - spread / (n * n);
}

double pit_of_sample(std::span<const Cents> sorted, Cents outcome) {
  const auto below = std::lower_bound(sorted.begin(), sorted.end(), outcome);
  const auto not_above = std::upper_bound(below, sorted.end(), outcome);
  const auto n = static_cast<double>(sorted.size());
  return (static_cast<double>(below - sorted.begin()) + 0.5 * static_cast<double>(not_above - below)) / n;
}

}  // namespace fnesim
