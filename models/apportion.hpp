#pragma once
// The one exact splitter: an amount in cents shared pro rata weights so that
// the parts add up to the amount exactly (largest-remainder method, Hamilton).
// Every split of money in fnesim goes through it: the committee's moves and
// complementary allocations, recommended envelopes, national actuals spread
// over regions.
#include <cstdint>
#include <span>
#include <vector>

#include "models/money.hpp"

namespace fnesim {

// Splits `total` (≥ 0) pro rata integer `weights` (≥ 0) exactly: the floors of
// the quotas total × w / Σw computed in 128-bit integers, then one unit each to
// the largest remainders (ties: the lower index). The parts add up to `total`,
// none exceeds its quota rounded up, and a zero weight gets nothing. All zero
// weights, or a non-positive total, give all-zero parts.
std::vector<std::int64_t> apportion(std::int64_t total, std::span<const std::int64_t> weights);

// The same for real weights (shares, amounts interpolated between quantiles):
// they are first scaled to integers at 2^52 times the largest weight's
// resolution, then split exactly. Negative or non-finite weights count as 0.
std::vector<std::int64_t> apportion(std::int64_t total, std::span<const double> weights);

// The same, with no part beyond its `room`: what a part would exceed goes to
// the parts with room left, pro rata their weights, until none exceeds; what
// no room is left for, by the weights alone. The parts add up to `total`.
std::vector<std::int64_t> apportion_within(std::int64_t total, std::span<const double> weights,
                                           std::span<const std::int64_t> room);

// A national month's actuals shared over the regions: its dossiers and
// trainees pro rata `count_weights`, its money pro rata `money_weights`
// within each region's `room` under its ceiling (a region that had reached
// it took nothing more: refused dossiers are in no actuals).
struct NationalRowShares {
  std::vector<std::int64_t> dossiers, trainees;
  std::vector<Cents> committed;
};
NationalRowShares share_national_row(std::int64_t dossiers, std::int64_t trainees, Cents committed,
                                     std::span<const double> count_weights,
                                     std::span<const double> money_weights, std::span<const Cents> room);

}  // namespace fnesim
