#include "sim/variates.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>

namespace fnesim {

namespace {

// ⌊share × 2⁶⁴⌋ for a share in [0, 1), in long double (a 64-bit mantissa on x86-64).
std::uint64_t fraction_of_two_to_64(long double share) {
  const long double scaled = std::ldexp(share, 64);
  if (scaled >= std::ldexp(1.0L, 64)) return std::numeric_limits<std::uint64_t>::max();
  return scaled <= 0 ? 0 : static_cast<std::uint64_t>(scaled);
}

// exp(x) for |x| within the normal range: x = k ln 2 + r, |r| ≤ ln 2 / 2, exp(r)
// by its Taylor polynomial to degree 13 (remainder below 2⁻⁵⁸), times 2^k made
// from the bits of the rounded k. No branch, so that the loop vectorises.
[[gnu::always_inline]] inline void exp_in_range(double* values, std::size_t n) {
  constexpr double log2e = 0x1.71547652b82fep0;
  constexpr double ln2_high = 0x1.62e42fee00000p-1;  // ln 2 to 32 bits: k × ln2_high is exact
  constexpr double ln2_low = 0x1.a39ef35793c76p-33;
  constexpr double round_to_integer = 0x1.8p52;  // adding it rounds to an integer, kept in the low bits
  for (std::size_t i = 0; i < n; ++i) {
    const double x = values[i];
    const double shifted = x * log2e + round_to_integer;
    const double k = shifted - round_to_integer;
    const double r = (x - k * ln2_high) - k * ln2_low;
    double p = 1.0 / 6227020800;
    p = p * r + 1.0 / 479001600;
    p = p * r + 1.0 / 39916800;
    p = p * r + 1.0 / 3628800;
    p = p * r + 1.0 / 362880;
    p = p * r + 1.0 / 40320;
    p = p * r + 1.0 / 5040;
    p = p * r + 1.0 / 720;
    p = p * r + 1.0 / 120;
    p = p * r + 1.0 / 24;
    p = p * r + 1.0 / 6;
    p = p * r + 0.5;
    p = p * r + 1.0;
    p = p * r + 1.0;
    // The low bits of `shifted` hold k; shifted into the exponent field, 2^k.
    const std::uint64_t two_to_k = (std::bit_cast<std::uint64_t>(shifted) + 1023) << 52;
    values[i] = p * std::bit_cast<double>(two_to_k);
  }
}

// Whether exp_in_range holds for x: within [−708, 709] (2^k would leave the
// normal doubles beyond), which NaN is not.
constexpr bool in_kernel_range(double x) { return x >= -708.0 && x <= 709.0; }

// Whether it holds for every log. A select of doubles, which GCC 12
// vectorises (an OR of the comparisons it does not).
[[gnu::always_inline]] inline bool all_in_range(const double* values, std::size_t n) {
  double outside = 0;
  for (std::size_t i = 0; i < n; ++i) outside = in_kernel_range(values[i]) ? outside : 1.0;
  return outside == 0;
}

// Outside the kernel's range std::exp decides: 0, a subnormal, inf or NaN.
// Such a log is rare, so a block is first asked whether it holds one, in
// vectors, and only a block that does keeps a copy of its logs for std::exp:
// copying and testing every log one by one cost as much as the kernel itself
// (docs/performance.md).
template <void (*Kernel)(double*, std::size_t), bool (*InRange)(const double*, std::size_t)>
void exponentiate_with(std::span<double> values) {
  constexpr std::size_t block = 256;
  double logs[block];
  for (std::size_t first = 0; first < values.size(); first += block) {
    const std::size_t n = std::min(block, values.size() - first);
    double* chunk = values.data() + first;
    if (InRange(chunk, n)) [[likely]] {
      Kernel(chunk, n);
      continue;
    }
    std::memcpy(logs, chunk, n * sizeof(double));
    Kernel(chunk, n);
    for (std::size_t i = 0; i < n; ++i)
      if (!in_kernel_range(logs[i])) chunk[i] = std::exp(logs[i]);
  }
}

void exp_baseline_kernel(double* values, std::size_t n) { exp_in_range(values, n); }
bool in_range_baseline(const double* values, std::size_t n) { return all_in_range(values, n); }
#if defined(__x86_64__)
__attribute__((target("avx2"))) void exp_avx2_kernel(double* values, std::size_t n) { exp_in_range(values, n); }
__attribute__((target("avx2"))) bool in_range_avx2(const double* values, std::size_t n) {
  return all_in_range(values, n);
}
#endif

}  // namespace

const NormalZiggurat normal_ziggurat;

NormalZiggurat::NormalZiggurat() {
  const double r = tail_start;
  auto density = [](double at) { return std::exp(-0.5 * at * at); };
  // Each layer's area: the base rectangle up to r and the tail beyond it.
  const double area = r * density(r) + std::sqrt(std::acos(-1.0) / 2) * std::erfc(r / std::sqrt(2.0));
  x[0] = area / density(r);
  x[1] = r;
  for (std::size_t i = 1; i < 255; ++i) x[i + 1] = std::sqrt(-2 * std::log(area / x[i] + density(x[i])));
  x[256] = 0;
  for (std::size_t i = 0; i < 257; ++i) f[i] = density(x[i]);
}

BernoulliSampler::BernoulliSampler(double p) : never_(p == 0), last_true_(0) {
  // Built for every region of every replication: no search when it never draws.
  if (never_) return;
  // Boost's test: double(word) ≤ p × double(2⁶⁴ − 1). Word 0 passes it for any
  // p > 0; the largest word that passes is found by bisection.
  const double bound = p * static_cast<double>(std::numeric_limits<std::uint64_t>::max());
  const auto passes = [bound](std::uint64_t word) { return static_cast<double>(word) <= bound; };
  if (passes(std::numeric_limits<std::uint64_t>::max())) {
    last_true_ = std::numeric_limits<std::uint64_t>::max();
    return;
  }
  std::uint64_t passing = 0, failing = std::numeric_limits<std::uint64_t>::max();
  while (failing - passing > 1) {
    const std::uint64_t middle = passing + (failing - passing) / 2;
    (passes(middle) ? passing : failing) = middle;
  }
  last_true_ = passing;
}

AliasTable::AliasTable(std::span<const double> weights) : keep_(weights.size()), alias_(weights.size()) {
  const std::size_t n = weights.size();
  long double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) total = static_cast<long double>(n);  // no weight at all: every outcome alike, never a division by 0
  std::vector<long double> scaled(n);
  std::vector<std::size_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    const long double weight = total == static_cast<long double>(n) && weights[i] == 0 ? 1 : weights[i];
    scaled[i] = weight * static_cast<long double>(n) / total;
    (scaled[i] < 1 ? small : large).push_back(i);
  }
  while (!small.empty() && !large.empty()) {
    const std::size_t s = small.back(), l = large.back();
    small.pop_back();
    large.pop_back();
    keep_[s] = fraction_of_two_to_64(scaled[s]);
    alias_[s] = static_cast<int>(l);
    scaled[l] = (scaled[l] + scaled[s]) - 1;
    (scaled[l] < 1 ? small : large).push_back(l);
  }
  // What is left holds (up to rounding) exactly one column's worth: kept whole.
  for (const auto* rest : {&small, &large})
    for (std::size_t i : *rest) {
      keep_[i] = std::numeric_limits<std::uint64_t>::max();
      alias_[i] = static_cast<int>(i);
    }
}

double AliasTable::probability(std::size_t i) const {
  const std::size_t n = keep_.size();
  long double p = 0;
  for (std::size_t c = 0; c < n; ++c) {
    const long double kept = static_cast<std::size_t>(alias_[c]) == c ? 1.0L : std::ldexp(static_cast<long double>(keep_[c]), -64);
    if (c == i) p += kept;
    if (static_cast<std::size_t>(alias_[c]) == i && alias_[c] != static_cast<int>(c)) p += 1 - kept;
  }
  return static_cast<double>(p / static_cast<long double>(n));
}

PoissonSampler::PoissonSampler(double mean) {
  if (mean > max_mean) {
    large_.emplace(mean);
    return;
  }
  long double probability = std::exp(-static_cast<long double>(mean));
  long double cumulative = 0;
  // The mass beyond mean + 40 √mean + 40 is far below 2⁻⁶⁴ for any mean up to max_mean.
  const int last = static_cast<int>(mean + 40 * std::sqrt(mean) + 40);
  for (int k = 0; k < last; ++k) {
    cumulative += probability;
    const std::uint64_t below = fraction_of_two_to_64(cumulative);
    if (below == std::numeric_limits<std::uint64_t>::max()) break;
    below_.push_back(below);
    probability *= static_cast<long double>(mean) / (k + 1);
  }
  for (std::size_t j = 0; j < start_.size(); ++j) {
    const std::uint64_t word = static_cast<std::uint64_t>(j) << 58;
    start_[j] = static_cast<std::uint16_t>(std::upper_bound(below_.begin(), below_.end(), word) - below_.begin());
  }
}

void exponentiate_baseline(std::span<double> values) {
  exponentiate_with<exp_baseline_kernel, in_range_baseline>(values);
}

bool exponentiate_avx2(std::span<double> values) {
#if defined(__x86_64__)
  if (!__builtin_cpu_supports("avx2")) return false;
  exponentiate_with<exp_avx2_kernel, in_range_avx2>(values);
  return true;
#else
  (void)values;
  return false;
#endif
}

void exponentiate(std::span<double> values) {
  if (!exponentiate_avx2(values)) exponentiate_baseline(values);
}

}  // namespace fnesim
