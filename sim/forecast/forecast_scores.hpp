#pragma once
// Proper scores of a probabilistic forecast against the outcome (Gneiting &
// Raftery 2007, "Strictly proper scoring rules, prediction, and estimation",
// JASA 102:359): the interval score of a central interval and the continuous
// ranked probability score of a forecast given as a Monte-Carlo sample. Both
// are in the outcome's unit (cents here), and lower is better; a point
// forecast is scored as the sample of one value, its zero-width interval.
// `fnesim backtest --truth` compares fnesim's forecasts with a naive one
// through them (docs/actuals-format.md).
#include <span>

#include "models/money.hpp"

namespace fnesim {

// The central interval of probability 1 − α, read off a sample as the
// inverted empirical CDF's α/2 and 1 − α/2 quantiles (sim/statistics.hpp).
struct CentralInterval {
  Cents low = 0, high = 0;
  bool holds(Cents outcome) const { return low <= outcome && outcome <= high; }
};
// `percent`: 50 (quantiles 25 and 75) or 90 (5 and 95). `sorted` ascending, non-empty.
CentralInterval central_interval(std::span<const Cents> sorted, int percent);

// IS_α(l, u; y) = (u − l) + 2/α (l − y) 1[y < l] + 2/α (y − u) 1[y > u]:
// the width, plus a penalty growing with the miss, weighted so that the score
// is proper for the interval of level 1 − α. α = 0.5 for the 50 % interval,
// 0.1 for the 90 % one.
double interval_score(CentralInterval interval, Cents outcome, double alpha);

// CRPS of the sample's empirical distribution:
//   CRPS = (1/n) Σ |x_i − y| − (1/(2n²)) Σ_i Σ_j |x_i − x_j|
// the double sum taken on the sorted sample as 2 Σ_i (2i − n − 1) x_(i)
// (i from 1), so O(n) after the sort. In double: a score is a figure to
// compare, not an amount to book. `sorted` ascending, non-empty.
double crps_of_sample(std::span<const Cents> sorted, Cents outcome);

// The probability integral transform of the outcome under the sample's
// empirical distribution, ties counted half (the mid-PIT): (#{x_i < y} +
// #{x_i = y} / 2) / n, in [0, 1]. Over many forecasts, calibrated ones give
// PITs spread evenly over [0, 1]; too wide, bunched in the middle; too
// narrow, piled at both ends; biased, leaning to one side (Dawid 1984;
// Gneiting, Balabdaoui & Raftery 2007). `sorted` ascending, non-empty.
double pit_of_sample(std::span<const Cents> sorted, Cents outcome);

}  // namespace fnesim
