#include "models/apportion.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace fnesim {

std::vector<std::int64_t> apportion(std::int64_t total, std::span<const std::int64_t> weights) {
  std::vector<std::int64_t> parts(weights.size(), 0);
  __int128 weight_sum = 0;
  for (std::int64_t w : weights) weight_sum += std::max<std::int64_t>(w, 0);
  if (total <= 0 || weight_sum == 0) return parts;
  std::vector<__int128> remainders(weights.size(), 0);
  std::int64_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const __int128 numerator = static_cast<__int128>(total) * std::max<std::int64_t>(weights[i], 0);
    parts[i] = static_cast<std::int64_t>(numerator / weight_sum);
    remainders[i] = numerator % weight_sum;
    given += parts[i];
  }
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return remainders[a] > remainders[b]; });
  // The floors leave fewer units than there are positive remainders.
  for (std::size_t k = 0; given < total; ++k, ++given) ++parts[order[k]];
  return parts;
}

std::vector<std::int64_t> apportion(std::int64_t total, std::span<const double> weights) {
  double largest = 0;
  for (double w : weights)
    if (std::isfinite(w)) largest = std::max(largest, w);
  std::vector<std::int64_t> integer_weights(weights.size(), 0);
  if (largest > 0) {
    const double scale = std::ldexp(1.0, 52) / largest;
    for (std::size_t i = 0; i < weights.size(); ++i)
      if (std::isfinite(weights[i]) && weights[i] > 0)
        integer_weights[i] = static_cast<std::int64_t>(std::llround(weights[i] * scale));
  }
  return apportion(total, std::span<const std::int64_t>(integer_weights));
}

}  // namespace fnesim
