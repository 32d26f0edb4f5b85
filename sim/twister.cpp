// The refill of Twister64 (sim/twister.hpp): MT19937-64's twist of the whole
// state, then the tempering of every word, in loops that vectorise.
#include "sim/twister.hpp"

namespace fnesim {

namespace {

using Word = std::uint64_t;
using State = std::array<Word, Twister64::state_size>;

constexpr std::size_t n = Twister64::state_size, m = 156;
constexpr Word twist_matrix = 0xB5026F5AA96619E9ULL;  // a
constexpr Word upper_mask = ~Word{0} << 31;           // the top w − r bits
constexpr Word lower_mask = ~upper_mask;

// xⱼ ← xⱼ₊ₘ ⊕ ((xⱼ^upper | xⱼ₊₁^lower) ≫ 1) ⊕ (a if xⱼ₊₁ is odd), indices mod
// n; the condition as a mask, so that the loops have no branch and no 64-bit
// multiplication (which SSE2 lacks).
[[gnu::always_inline]] inline Word twisted(Word current, Word following, Word shifted) {
  const Word y = (current & upper_mask) | (following & lower_mask);
  return shifted ^ (y >> 1) ^ ((Word{0} - (following & 1)) & twist_matrix);
}

[[gnu::always_inline]] inline void refill_words(State& x, State& tempered) {
  // Reads xⱼ₊₁ before it is written, and xⱼ₊ₘ₋ₙ 156 words after it was:
  // neither loop has a dependence shorter than a vector.
  for (std::size_t j = 0; j < n - m; ++j) x[j] = twisted(x[j], x[j + 1], x[j + m]);
  for (std::size_t j = n - m; j < n - 1; ++j) x[j] = twisted(x[j], x[j + 1], x[j + m - n]);
  x[n - 1] = twisted(x[n - 1], x[0], x[m - 1]);
  for (std::size_t j = 0; j < n; ++j) {
    Word z = x[j];
    z ^= (z >> 29) & 0x5555555555555555ULL;
    z ^= (z << 17) & 0x71D67FFFEDA60000ULL;
    z ^= (z << 37) & 0xFFF7EEE000000000ULL;
    z ^= z >> 43;
    tempered[j] = z;
  }
}

#if defined(__x86_64__)
__attribute__((target("avx2"))) void refill_avx2_kernel(State& x, State& tempered) { refill_words(x, tempered); }
const bool processor_has_avx2 = __builtin_cpu_supports("avx2");
#else
void refill_avx2_kernel(State&, State&) {}
constexpr bool processor_has_avx2 = false;
#endif

}  // namespace

void twister_refill_baseline(State& state, State& tempered) { refill_words(state, tempered); }

bool twister_refill_avx2(State& state, State& tempered) {
  if (!processor_has_avx2) return false;
  refill_avx2_kernel(state, tempered);
  return true;
}

void Twister64::refill() {
  if (processor_has_avx2)
    refill_avx2_kernel(state_, tempered_);
  else
    twister_refill_baseline(state_, tempered_);
  next_ = 0;
}

}  // namespace fnesim
