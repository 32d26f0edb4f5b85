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

std::vector<std::int64_t> apportion_within(std::int64_t total, std::span<const double> weights,
                                           std::span<const std::int64_t> room) {
  std::vector<std::int64_t> parts = apportion(total, weights);
  std::vector<double> open(weights.begin(), weights.end());
  // Each round that finds an excess closes the parts it capped: at most one
  // round per part, then one that finds none.
  for (std::size_t round = 0; round <= parts.size(); ++round) {
    std::int64_t excess = 0;
    bool any_open = false;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const std::int64_t limit = std::max<std::int64_t>(room[i], 0);
      if (parts[i] > limit) {
        excess += parts[i] - limit;
        parts[i] = limit;
      }
      if (parts[i] >= limit) open[i] = 0;
      any_open |= open[i] > 0;
    }
    if (excess == 0) break;
    std::vector<std::int64_t> extra = apportion(excess, any_open ? std::span<const double>(open) : weights);
    // Open weights too small beside the largest to be told from 0 take nothing.
    if (std::accumulate(extra.begin(), extra.end(), std::int64_t{0}) != excess) {
      extra = apportion(excess, weights);
      any_open = false;
    }
    for (std::size_t i = 0; i < parts.size(); ++i) parts[i] += extra[i];
    if (!any_open) break;
  }
  return parts;
}

NationalRowShares share_national_row(std::int64_t dossiers, std::int64_t trainees, Cents committed,
                                     std::span<const double> count_weights,
                                     std::span<const double> money_weights, std::span<const Cents> room) {
  NationalRowShares out;
  out.dossiers = apportion(dossiers, count_weights);
  out.trainees = apportion(trainees, count_weights);
  out.committed = apportion_within(committed, money_weights, room);
  return out;
}

}  // namespace fnesim
