#pragma once
// The samplers of a replication's inner loop. Boost.Random's distributions are
// general and exact but pay for it per draw: a division per step of its small
// Poisson, two engine words and a division for its alias table, `tan` in its
// Gamma. These draw the same laws from the same engines with one word where
// one suffices (docs/performance.md measures both). Every sampler here is
// tested against its law in tests/sim/variates_test.cpp.
#include <algorithm>
#include <array>
#include <bit>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/poisson_distribution.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <vector>

namespace fnesim {

// A uniform double in [0, 1) from the top 53 bits of one 64-bit word.
// (Converted as signed: it is below 2⁵³, and x86-64 converts signed integers in one instruction.)
inline double unit_interval(std::uint64_t word) {
  return static_cast<double>(static_cast<std::int64_t>(word >> 11)) * 0x1.0p-53;
}

// A uniform integer in [0, n), n ≥ 1, exactly: Lemire's multiply-and-reject
// ("Fast random integer generation in an interval", ACM TOMACS 2019). The
// high half of word × n is the draw; a low half below 2⁶⁴ mod n is rejected.
template <typename Engine>
std::uint64_t uniform_below(Engine& engine, std::uint64_t n) {
  unsigned __int128 product = static_cast<unsigned __int128>(engine()) * n;
  auto low = static_cast<std::uint64_t>(product);
  if (low < n) {
    const std::uint64_t rejected_below = (0 - n) % n;
    while (low < rejected_below) {
      product = static_cast<unsigned __int128>(engine()) * n;
      low = static_cast<std::uint64_t>(product);
    }
  }
  return static_cast<std::uint64_t>(product >> 64);
}

// The standard normal by the ziggurat of Marsaglia and Tsang ("The ziggurat
// method for generating random variables", J. Stat. Softw. 2000), 256 layers,
// one word a draw in about 99 % of cases: its low 8 bits pick the layer, bit 8
// the sign and the top 53 the abscissa.
struct NormalZiggurat {
  static constexpr double tail_start = 3.6541528853610088;  // r: the base layer's rectangle ends there
  std::array<double, 257> x{};  // layer i spans [0, x[i]); x[0] = v / f(r), x[1] = r, x[256] = 0
  std::array<double, 257> f{};  // f(x[i]) = exp(−x[i]² / 2)
  NormalZiggurat();
};
extern const NormalZiggurat normal_ziggurat;

template <typename Engine>
double standard_normal(Engine& engine);

// The ziggurat's rare branch (about 1 % of draws): the base layer's tail or a
// layer's wedge, kept out of line so that the common case stays a few
// instructions with no register saved.
template <typename Engine>
[[gnu::noinline]] double standard_normal_outside(Engine& engine, std::size_t layer, double x, bool negative) {
  if (layer == 0) {
    // The tail beyond r (Marsaglia 1964): r + a with a ~ Exp(r) accepted with probability exp(−a²/2).
    double a, b;
    do {
      a = -std::log(1 - unit_interval(engine())) / NormalZiggurat::tail_start;
      b = -std::log(1 - unit_interval(engine()));
    } while (b + b < a * a);
    return negative ? -(NormalZiggurat::tail_start + a) : NormalZiggurat::tail_start + a;
  }
  const NormalZiggurat& z = normal_ziggurat;
  const double height = z.f[layer] + unit_interval(engine()) * (z.f[layer + 1] - z.f[layer]);
  if (height < std::exp(-0.5 * x * x)) return negative ? -x : x;
  return standard_normal(engine);  // rejected: a new draw
}

template <typename Engine>
inline double standard_normal(Engine& engine) {
  const NormalZiggurat& z = normal_ziggurat;
  const std::uint64_t word = engine();
  const std::size_t layer = word & 0xFF;
  const double x = unit_interval(word) * z.x[layer];
  // The sign from bit 8 without a branch: half of them would be mispredicted.
  if (x < z.x[layer + 1]) [[likely]]
    return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) ^ ((word & 0x100) << 55));
  return standard_normal_outside(engine, layer, x, (word >> 8) & 1);
}

// Bernoulli(p), p in [0, 1] (the scenario's validation sees to it; a negative
// or NaN p would give true for word 0, where Boost gives false), as one
// comparison of a word with a threshold.
// Boost's bernoulli_distribution converts the word to double and compares it
// with p (2⁶⁴ − 1): several instructions for an unsigned 64-bit word on
// x86-64, in every draw. The conversion is monotone, so the words it accepts
// are those up to a threshold, found once: the outcome is Boost's for every
// word (tested), and, as with Boost, p = 0 draws no word.
class BernoulliSampler {
 public:
  explicit BernoulliSampler(double p);

  template <typename Engine>
  bool operator()(Engine& engine) const {
    if (never_) return false;
    return engine() <= last_true_;
  }

 private:
  bool never_;
  std::uint64_t last_true_;  // the largest word that gives true
};

// A draw among n outcomes of fixed weights in constant time (Walker's alias
// method, built by Vose's algorithm). One word: its product with n gives the
// column in the high half and, in the low half, a uniform fraction (to a
// granularity of n / 2⁶⁴) compared with the column's share.
class AliasTable {
 public:
  AliasTable() : keep_{std::numeric_limits<std::uint64_t>::max()}, alias_{0} {}
  // Weights ≥ 0; all zero (which the scenario's validation refuses) gives
  // every outcome alike rather than a division by zero.
  explicit AliasTable(std::span<const double> weights);

  template <typename Engine>
  int operator()(Engine& engine) const {
    const unsigned __int128 product = static_cast<unsigned __int128>(engine()) * keep_.size();
    const auto column = static_cast<std::size_t>(product >> 64);
    return static_cast<std::uint64_t>(product) < keep_[column] ? static_cast<int>(column) : alias_[column];
  }
  // The probability the table gives outcome i (tests compare it with the weights).
  double probability(std::size_t i) const;

 private:
  std::vector<std::uint64_t> keep_;  // the column keeps its own outcome below this fraction of 2⁶⁴
  std::vector<int> alias_;
};

// Poisson draws of a fixed mean. Up to max_mean, by inversion of the
// cumulative distribution tabulated once as 64-bit thresholds: one word and,
// through a guide table, about one comparison a draw, no arithmetic; the
// table stops where the remaining mass is below 2⁻⁶⁴, which no 64-bit word
// can resolve. Beyond max_mean the table would grow with the mean: Boost's
// PTRD draws instead.
class PoissonSampler {
 public:
  static constexpr double max_mean = 64;
  PoissonSampler() : PoissonSampler(0) {}
  explicit PoissonSampler(double mean);

  template <typename Engine>
  int operator()(Engine& engine) const {
    if (large_) return (*large_)(engine);
    const std::uint64_t word = engine();
    std::size_t k = start_[word >> 58];
    while (k < below_.size() && word >= below_[k]) ++k;
    return static_cast<int>(k);
  }

 private:
  std::vector<std::uint64_t> below_;  // below_[k] = ⌊P(X ≤ k) 2⁶⁴⌋
  // Where the search starts for a word in [j 2⁵⁸, (j + 1) 2⁵⁸): below_ entries
  // at most j 2⁵⁸ are passed already (Chen and Asau's guide table).
  std::array<std::uint16_t, 64> start_{};
  std::optional<boost::random::poisson_distribution<int, double>> large_;  // beyond max_mean
};

// Gamma(shape, scale 1) by Marsaglia and Tsang ("A simple method for generating
// gamma variables", ACM TOMS 2000): a normal and a uniform, accepted about
// 98 % of the time for shape ≥ 1; for shape < 1, Gamma(shape + 1) × U^(1/shape).
class GammaSampler {
 public:
  explicit GammaSampler(double shape)
      : boosted_(shape < 1),
        d_((boosted_ ? shape + 1 : shape) - 1.0 / 3),
        c_(1 / std::sqrt(9 * d_)),
        inverse_shape_(1 / shape) {}

  template <typename Engine>
  double operator()(Engine& engine) const {
    const double value = core(engine);
    return boosted_ ? value * std::exp(log_boost(engine)) : value;
  }

  // The draw in two parts, for callers that exponentiate in vectors
  // (BetaSampler::draw_parts): Gamma(shape, or shape + 1 when boosted), then
  // the log of U^(1/shape) when boosted.
  template <typename Engine>
  double core(Engine& engine) const {
    for (;;) {
      const double x = standard_normal(engine);
      double v = 1 + c_ * x;
      if (v <= 0) continue;
      v = v * v * v;
      const double u = unit_interval(engine());
      const double x2 = x * x;
      if (u < 1 - 0.0331 * x2 * x2 || std::log(u) < 0.5 * x2 + d_ * (1 - v + std::log(v))) return d_ * v;
    }
  }
  bool boosted() const { return boosted_; }
  // log U^(1/shape) as −E / shape, E ~ Exp(1): exp of it is cheaper than pow.
  template <typename Engine>
  double log_boost(Engine& engine) const {
    return -boost::random::exponential_distribution<double>()(engine) * inverse_shape_;
  }

 private:
  bool boosted_;
  double d_, c_, inverse_shape_;
};

// Beta(α, β) as X / (X + Y) with X ~ Gamma(α), Y ~ Gamma(β).
//
// With both shapes tiny (a drop-out sd near its limit, √(m(1 − m))), both
// boosts U^(1/shape) can underflow to zero, and X / (X + Y) would be 0 / 0.
// Only the ratio matters, so when both logs are below −700 they are shifted
// together until the larger is 0: the share is then 0 or 1 as the law's
// near-Bernoulli limit has it, P(1) = α / (α + β). Draws where either log is
// above −700 are untouched, bit for bit; below it, exp leaves the normal
// range (subnormal from −708, zero from −745), and the shift is the exact
// ratio where the unshifted one lost digits or was 0 / 0.
class BetaSampler {
 public:
  BetaSampler(double alpha, double beta) : x_(alpha), y_(beta) {}
  template <typename Engine>
  double operator()(Engine& engine) const {
    double x = x_.core(engine);
    double log_x = x_.boosted() ? x_.log_boost(engine) : 0.0;
    double y = y_.core(engine);
    double log_y = y_.boosted() ? y_.log_boost(engine) : 0.0;
    if (x_.boosted() && y_.boosted()) keep_one_boost_representable(log_x, log_y);
    if (x_.boosted()) x *= std::exp(log_x);
    if (y_.boosted()) y *= std::exp(log_y);
    return x / (x + y);
  }

  // The same words drawn in the same order, with the exponentials of the
  // boosted Gammas left to the caller: their logs are appended to `logs`
  // (X's first), to be exponentiated in vectors and passed to share().
  struct Parts {
    double x, y;
  };
  template <typename Engine>
  Parts draw_parts(Engine& engine, std::vector<double>& logs) const {
    const double x = x_.core(engine);
    if (x_.boosted()) logs.push_back(x_.log_boost(engine));
    const double y = y_.core(engine);
    if (y_.boosted()) logs.push_back(y_.log_boost(engine));
    if (x_.boosted() && y_.boosted()) keep_one_boost_representable(logs[logs.size() - 2], logs.back());
    return {x, y};
  }
  // The share from its parts and the exponentiated logs, read from `next` on.
  double share(const Parts& parts, const double*& next) const {
    const double x = x_.boosted() ? parts.x * *next++ : parts.x;
    const double y = y_.boosted() ? parts.y * *next++ : parts.y;
    return x / (x + y);
  }

 private:
  // Far above where exp underflows (−745) or loses precision (−708), far
  // below any log a boost has unless its shape is tiny.
  static constexpr double vanishing_log = -700;
  static void keep_one_boost_representable(double& log_x, double& log_y) {
    const double larger = std::max(log_x, log_y);
    if (larger >= vanishing_log) return;
    log_x -= larger;
    log_y -= larger;
  }
  GammaSampler x_, y_;
};

// exp of every element, in place, vectorised: a block of lognormal costs is
// drawn as logs, then exponentiated at once. Within 1 ulp of std::exp, and
// bit-identical on every x86-64: AVX2 when the processor has it, SSE2
// otherwise, the same operations in the same order (no FMA).
void exponentiate(std::span<double> values);
// The two paths, for the test that they agree to the bit.
void exponentiate_baseline(std::span<double> values);
bool exponentiate_avx2(std::span<double> values);  // false (and nothing done) without AVX2

}  // namespace fnesim
