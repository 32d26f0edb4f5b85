// Twister64 draws Boost's mt19937_64 sequence word for word, whichever build
// of its refill the processor runs: every stream and every result rests on it.
#include "sim/twister.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <boost/random/mersenne_twister.hpp>
#include <cstdint>

#include "sim/rng.hpp"

namespace fnesim {
namespace {

// Seeds at the edges and the kind the streams use (stream_seed's output).
constexpr std::uint64_t seeds[] = {0, 1, Twister64::default_seed, ~std::uint64_t{0},
                                   stream_seed(20210118, 7, StreamPurpose::Attributes, 3)};

TEST(Twister64, DrawsBoostsSequenceWordForWord) {
  for (const std::uint64_t seed : seeds) {
    boost::random::mt19937_64 boost_engine(seed);
    Twister64 engine(seed);
    // Many refills, so that both halves of the twist and its wrap-around are exercised.
    for (int i = 0; i < 100'000; ++i) ASSERT_EQ(engine(), boost_engine()) << "seed " << seed << ", word " << i;
  }
}

TEST(Twister64, ReseedingRestartsTheSequence) {
  Twister64 engine(3);
  for (int i = 0; i < 1000; ++i) engine();  // mid-block
  engine.seed(seeds[4]);
  boost::random::mt19937_64 boost_engine(seeds[4]);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(engine(), boost_engine()) << "word " << i;
  EXPECT_EQ(Twister64().operator()(), boost::random::mt19937_64().operator()());
}

// Engines seeded together, their chains in step, draw what each seeded alone
// would — also one that was mid-block before. Eight, as the particles seed them.
TEST(Twister64, EnginesSeededTogetherDrawWhatEachSeededAloneWould) {
  std::array<Twister64, 8> together;
  for (int i = 0; i < 700; ++i) together[2]();
  std::array<Twister64::result_type, 8> values{};
  static_assert(std::size(seeds) < values.size());
  std::copy(std::begin(seeds), std::end(seeds), values.begin());
  for (std::size_t k = std::size(seeds); k < values.size(); ++k)
    values[k] = stream_seed(20210118, k, StreamPurpose::Particles, 4);
  Twister64::seed_each(together, values);
  for (std::size_t k = 0; k < values.size(); ++k) {
    boost::random::mt19937_64 boost_engine(values[k]);
    for (int i = 0; i < 1000; ++i)
      ASSERT_EQ(together[k](), boost_engine()) << "seed " << values[k] << ", word " << i;
  }
}

// A workspace's engine may be copied mid-block: the copy goes on as the original.
TEST(Twister64, ACopyMidBlockContinuesTheSequence) {
  Twister64 engine(seeds[4]);
  for (int i = 0; i < 500; ++i) engine();
  Twister64 copy = engine;
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(copy(), engine()) << "word " << i;
}

// Both builds of the refill, whatever this processor would pick.
TEST(Twister64, BothRefillsGiveTheSameWords) {
  std::array<std::uint64_t, Twister64::state_size> baseline_state{}, avx2_state{}, baseline_out{}, avx2_out{};
  boost::random::mt19937_64 boost_engine(seeds[4]);
  // A state as seeding leaves it (init_genrand64).
  baseline_state[0] = seeds[4];
  for (std::size_t j = 1; j < baseline_state.size(); ++j)
    baseline_state[j] = 6364136223846793005ULL * (baseline_state[j - 1] ^ (baseline_state[j - 1] >> 62)) + j;
  avx2_state = baseline_state;
  auto probe_state = baseline_state;
  const bool has_avx2 = twister_refill_avx2(probe_state, avx2_out);
  if (!has_avx2) GTEST_LOG_(INFO) << "no AVX2 here: only the baseline refill is compared with Boost";
  for (int block = 0; block < 20; ++block) {
    twister_refill_baseline(baseline_state, baseline_out);
    if (has_avx2) twister_refill_avx2(avx2_state, avx2_out);
    for (std::size_t j = 0; j < baseline_out.size(); ++j) {
      const std::uint64_t expected = boost_engine();
      ASSERT_EQ(baseline_out[j], expected) << "block " << block << ", word " << j;
      if (has_avx2) {
        ASSERT_EQ(avx2_out[j], expected) << "block " << block << ", word " << j;
      }
    }
  }
}

}  // namespace
}  // namespace fnesim
