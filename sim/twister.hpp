#pragma once
// MT19937-64 (Matsumoto and Nishimura 1998; the 64-bit version, Nishimura
// 2000) drawn in blocks: word for word the sequence of Boost's
// boost::random::mt19937_64 (tests/sim/twister_test.cpp compares them), so
// every stream, and every result, is unchanged.
//
// Boost twists the 312-word state when it runs out and tempers each word as
// it is drawn: a dozen dependent operations and a branch in every draw of the
// inner loop. Here a refill twists the state and tempers all of it at once
// into a buffer, in loops the compiler vectorises (shifts, masks and xors of
// 64-bit lanes: SSE2 on any x86-64, AVX2 where the processor has it), and a
// draw is a load and a compare (docs/performance.md measures both).
#include <array>
#include <cstddef>
#include <cstdint>

namespace fnesim {

class Twister64 {
 public:
  using result_type = std::uint64_t;
  static constexpr std::size_t state_size = 312;
  static constexpr result_type default_seed = 5489;

  Twister64() { seed(default_seed); }
  explicit Twister64(result_type value) { seed(value); }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return ~result_type{0}; }

  // The reference initialisation (init_genrand64): x₀ = value,
  // xⱼ = f (xⱼ₋₁ ⊕ (xⱼ₋₁ ≫ 62)) + j.
  void seed(result_type value) {
    state_[0] = value;
    for (std::size_t j = 1; j < state_size; ++j)
      state_[j] = initialization_multiplier * (state_[j - 1] ^ (state_[j - 1] >> 62)) + j;
    next_ = state_size;
  }

  // Seeds engines[k] with values[k], as seed(values[k]) would: the chains
  // in step, so that their multiplications overlap. One chain is 311
  // dependent multiplications, most of the cost of a stream that draws a
  // word or two (a particle's jump in a month).
  template <std::size_t N>
  static void seed_each(std::array<Twister64, N>& engines, const std::array<result_type, N>& values) {
    for (std::size_t k = 0; k < N; ++k) engines[k].state_[0] = values[k];
    for (std::size_t j = 1; j < state_size; ++j)
      for (std::size_t k = 0; k < N; ++k) {
        const result_type previous = engines[k].state_[j - 1];
        engines[k].state_[j] = initialization_multiplier * (previous ^ (previous >> 62)) + j;
      }
    for (Twister64& engine : engines) engine.next_ = state_size;
  }

  result_type operator()() {
    if (next_ == state_size) [[unlikely]]
      refill();
    return tempered_[next_++];
  }

  // Where the stream stands, without drawing: the state's first word
  // (which a seed and every twist change) and the place of the next word in
  // the buffer (312 when it is spent, as right after a seed). Drawing a word
  // to say where a stream ends would cost a whole refill for a stream that
  // has drawn nothing yet.
  result_type position() const { return state_[0] ^ (static_cast<result_type>(next_) << 52); }

 private:
  static constexpr result_type initialization_multiplier = 6364136223846793005ULL;

  // Twists the state and tempers it into the buffer (sim/twister.cpp).
  [[gnu::noinline]] void refill();

  std::array<result_type, state_size> state_;
  std::array<result_type, state_size> tempered_;
  std::size_t next_ = state_size;
};

// The refill's two builds, for the test that both give Boost's sequence: one
// for any x86-64 (SSE2), one for AVX2, which Twister64 uses when the
// processor has it. Integer operations only: the same words either way.
void twister_refill_baseline(std::array<std::uint64_t, Twister64::state_size>& state,
                             std::array<std::uint64_t, Twister64::state_size>& tempered);
bool twister_refill_avx2(std::array<std::uint64_t, Twister64::state_size>& state,
                         std::array<std::uint64_t, Twister64::state_size>& tempered);  // false without AVX2

}  // namespace fnesim
