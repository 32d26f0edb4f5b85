// Sobol' indices on a pick-freeze design and the tornado chart's paired
// effects (sensitivity_estimators.hpp). Every estimate, on all rows, on a
// prefix or on a bootstrap resample, goes through the same arithmetic so that
// the convergence fields and the intervals describe the point estimates.
#include "results/analysis/sensitivity_estimators.hpp"

#include <algorithm>
#include <boost/random/uniform_int_distribution.hpp>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

#include "sim/rng.hpp"
#include "sim/statistics.hpp"

namespace fnesim {

namespace {

constexpr double not_a_number = std::numeric_limits<double>::quiet_NaN();

void require_finite(std::span<const double> values, const std::string& what) {
  for (double v : values)
    if (!std::isfinite(v)) throw std::invalid_argument(what + " holds a value that is not finite");
}

// The rows of resample r: the stream depends on the seed and r only, so a
// resample is the same whatever was drawn before it (and if the loop is ever
// run in parallel, whatever the thread count), as in run_comparison.cpp.
void draw_rows(std::uint64_t seed, int r, std::vector<std::size_t>& rows) {
  Engine engine(splitmix64(seed ^ splitmix64(static_cast<std::uint64_t>(r))));
  boost::random::uniform_int_distribution<std::size_t> pick(0, rows.size() - 1);
  for (auto& row : rows) row = pick(engine);
}

// ---- Sobol' indices ------------------------------------------------------------------

struct Design {
  std::span<const double> f_a, f_b;
  const std::vector<std::span<const double>>* f_ab;
  std::size_t factors() const { return f_ab->size(); }
};

struct Estimates {
  double mean = 0, variance = 0;
  std::vector<double> first, total;  // per factor
  std::vector<double> a, b_centred;  // scratch: the rows' f_a, and f_b minus the mean
};

// The estimates on m rows, row r of them being design row `row(r)`. The rows'
// f_a and f_b are gathered once, then each factor's f_ab in a pass of its own:
// contiguous reads but for one series at a time.
template <typename Row>
void estimate(const Design& d, std::size_t m, Row row, Estimates& out) {
  const std::size_t k = d.factors();
  out.first.assign(k, not_a_number);
  out.total.assign(k, not_a_number);
  out.mean = out.variance = not_a_number;
  if (m == 0) return;
  const auto rows = static_cast<double>(m);
  std::vector<double>& a = out.a;
  std::vector<double>& b = out.b_centred;
  a.resize(m);
  b.resize(m);
  double sum = 0;
  bool constant = true;
  const double first_value = d.f_a[row(0)];
  for (std::size_t r = 0; r < m; ++r) {
    const std::size_t j = row(r);
    a[r] = d.f_a[j];
    b[r] = d.f_b[j];
    sum += a[r] + b[r];
    constant = constant && a[r] == first_value && b[r] == first_value;
  }
  // Tested on the values rather than on V: the mean of equal values need not
  // round back to them, which would leave V a few ulps above 0.
  if (constant) {
    out.mean = first_value;
    out.variance = 0;
    return;
  }
  out.mean = sum / (2 * rows);
  double squares = 0;
  for (std::size_t r = 0; r < m; ++r) {
    const double a_centred = a[r] - out.mean;
    b[r] -= out.mean;
    squares += a_centred * a_centred + b[r] * b[r];
  }
  out.variance = squares / (2 * rows - 1);
  if (!(out.variance > 0)) return;  // values apart by less than V can hold (subnormal): no index
  for (std::size_t i = 0; i < k; ++i) {
    const std::span<const double> f_ab = (*d.f_ab)[i];
    double first_sum = 0, total_sum = 0;
    for (std::size_t r = 0; r < m; ++r) {
      const double change = f_ab[row(r)] - a[r];
      first_sum += b[r] * change;
      total_sum += change * change;
    }
    out.first[i] = first_sum / rows / out.variance;
    out.total[i] = total_sum / (2 * rows) / out.variance;
  }
}

Estimates estimate_on_prefix(const Design& d, std::size_t m) {
  Estimates e;
  estimate(d, m, [](std::size_t r) { return r; }, e);
  return e;
}

// Percentile interval of the resampled estimates; NaN if any is NaN, a
// resample whose output was constant having no index to contribute (dropping
// it would bias the interval towards the resamples that vary more).
std::pair<double, double> percentile_interval(std::vector<double>& estimates, double level) {
  if (estimates.empty() || std::any_of(estimates.begin(), estimates.end(), [](double v) { return std::isnan(v); }))
    return {not_a_number, not_a_number};
  std::sort(estimates.begin(), estimates.end());
  const double tail = (1 - level) / 2;
  const std::span<const double> sorted(estimates);
  return {quantile_linear(sorted, tail), quantile_linear(sorted, 1 - tail)};
}

// ---- Quantiles -------------------------------------------------------------------------

// quantile_inverted_cdf reads one order statistic, k = ⌈percent n / 100⌉:
// found in place, in linear rather than n log n time.
double quantile_inverted_cdf_unsorted(std::vector<double>& values, int percent) {
  const auto n = static_cast<std::int64_t>(values.size());
  const std::int64_t k = std::max<std::int64_t>(1, (static_cast<std::int64_t>(percent) * n + 99) / 100);
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(k - 1);
  std::nth_element(values.begin(), at, values.end());
  return *at;
}

void require_pairs(std::span<const double> x, std::span<const double> baseline) {
  if (x.size() != baseline.size())
    throw std::invalid_argument("the run and its baseline hold " + std::to_string(x.size()) + " and " +
                                std::to_string(baseline.size()) + " values: they are not paired");
  if (x.size() < 2) throw std::invalid_argument("a paired effect needs at least 2 pairs");
  require_finite(x, "the run");
  require_finite(baseline, "the baseline");
}

}  // namespace

SobolResult sobol_indices(std::span<const double> f_a, std::span<const double> f_b,
                          const std::vector<std::span<const double>>& f_ab, const SobolOptions& options) {
  const std::size_t n = f_a.size();
  if (f_b.size() != n)
    throw std::invalid_argument("f_a and f_b hold " + std::to_string(n) + " and " + std::to_string(f_b.size()) +
                                " rows: A and B must have as many");
  for (std::size_t i = 0; i < f_ab.size(); ++i)
    if (f_ab[i].size() != n)
      throw std::invalid_argument("f_ab[" + std::to_string(i) + "] holds " + std::to_string(f_ab[i].size()) +
                                  " rows, A " + std::to_string(n));
  if (n < 2) throw std::invalid_argument("Sobol' indices need at least 2 rows");
  if (options.bootstrap_resamples < 0) throw std::invalid_argument("a negative number of bootstrap resamples");
  if (!(options.interval_level > 0 && options.interval_level < 1))
    throw std::invalid_argument("the interval level must lie strictly between 0 and 1");
  require_finite(f_a, "f_a");
  require_finite(f_b, "f_b");
  for (std::size_t i = 0; i < f_ab.size(); ++i) require_finite(f_ab[i], "f_ab[" + std::to_string(i) + "]");

  const Design design{f_a, f_b, &f_ab};
  const std::size_t k = f_ab.size();
  const Estimates all = estimate_on_prefix(design, n), quarter = estimate_on_prefix(design, n / 4),
                  half = estimate_on_prefix(design, n / 2);
  SobolResult result;
  result.mean = all.mean;
  result.variance = all.variance;
  result.indices.resize(k);
  for (std::size_t i = 0; i < k; ++i) {
    SobolIndex& index = result.indices[i];
    index.first_order = all.first[i];
    index.total_effect = all.total[i];
    index.first_quarter = quarter.first[i];
    index.first_half = half.first[i];
    index.total_quarter = quarter.total[i];
    index.total_half = half.total[i];
    index.first_low = index.first_high = index.total_low = index.total_high = not_a_number;
  }
  const auto resamples = static_cast<std::size_t>(options.bootstrap_resamples);
  if (resamples == 0 || !(all.variance > 0)) return result;

  // Estimates of resample r at [i * resamples + r].
  std::vector<double> first(k * resamples), total(k * resamples);
  std::vector<std::size_t> rows(n);
  Estimates e;
  for (std::size_t r = 0; r < resamples; ++r) {
    draw_rows(options.bootstrap_seed, static_cast<int>(r), rows);
    estimate(design, n, [&rows](std::size_t s) { return rows[s]; }, e);
    for (std::size_t i = 0; i < k; ++i) {
      first[i * resamples + r] = e.first[i];
      total[i * resamples + r] = e.total[i];
    }
  }
  std::vector<double> one(resamples);
  for (std::size_t i = 0; i < k; ++i) {
    SobolIndex& index = result.indices[i];
    const auto from = static_cast<std::ptrdiff_t>(i * resamples), to = from + static_cast<std::ptrdiff_t>(resamples);
    one.assign(first.begin() + from, first.begin() + to);
    std::tie(index.first_low, index.first_high) = percentile_interval(one, options.interval_level);
    one.assign(total.begin() + from, total.begin() + to);
    std::tie(index.total_low, index.total_high) = percentile_interval(one, options.interval_level);
  }
  return result;
}

PairedEffect paired_mean_effect(std::span<const double> x, std::span<const double> baseline) {
  require_pairs(x, baseline);
  const auto n = static_cast<double>(x.size());
  double sum_x = 0, sum_baseline = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    sum_x += x[j];
    sum_baseline += baseline[j];
  }
  PairedEffect effect;
  effect.value = sum_x / n;
  effect.baseline = sum_baseline / n;
  effect.difference = effect.value - effect.baseline;
  // Two passes over the differences: amounts in cents would lose the variance
  // of small differences to cancellation in a sum of squares.
  double mean_difference = 0;
  for (std::size_t j = 0; j < x.size(); ++j) mean_difference += x[j] - baseline[j];
  mean_difference /= n;
  double squares = 0;
  for (std::size_t j = 0; j < x.size(); ++j) {
    const double deviation = x[j] - baseline[j] - mean_difference;
    squares += deviation * deviation;
  }
  effect.standard_error = std::sqrt(squares / (n - 1) / n);
  return effect;
}

PairedEffect paired_quantile_effect(std::span<const double> x, std::span<const double> baseline, int percent,
                                    int resamples, std::uint64_t seed, double* own_standard_error) {
  require_pairs(x, baseline);
  if (percent < 0 || percent > 100) throw std::invalid_argument("a quantile's percent must lie in [0, 100]");
  if (resamples < 2) throw std::invalid_argument("a bootstrap standard error needs at least 2 resamples");
  const std::size_t n = x.size();
  std::vector<double> xs(x.begin(), x.end()), bs(baseline.begin(), baseline.end());
  PairedEffect effect;
  effect.value = quantile_inverted_cdf_unsorted(xs, percent);
  effect.baseline = quantile_inverted_cdf_unsorted(bs, percent);
  effect.difference = effect.value - effect.baseline;

  std::vector<std::size_t> rows(n);
  std::vector<double> differences(static_cast<std::size_t>(resamples)), own(differences.size());
  for (int r = 0; r < resamples; ++r) {
    draw_rows(seed, r, rows);
    for (std::size_t s = 0; s < n; ++s) {
      xs[s] = x[rows[s]];
      bs[s] = baseline[rows[s]];
    }
    const double resampled = quantile_inverted_cdf_unsorted(xs, percent);
    own[static_cast<std::size_t>(r)] = resampled;
    differences[static_cast<std::size_t>(r)] = resampled - quantile_inverted_cdf_unsorted(bs, percent);
  }
  const auto standard_deviation = [&](const std::vector<double>& values) {
    double mean = 0;
    for (double d : values) mean += d;
    mean /= resamples;
    double squares = 0;
    for (double d : values) squares += (d - mean) * (d - mean);
    return std::sqrt(squares / (resamples - 1));
  };
  effect.standard_error = standard_deviation(differences);
  if (own_standard_error != nullptr) *own_standard_error = standard_deviation(own);
  return effect;
}

}  // namespace fnesim
