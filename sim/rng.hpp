#pragma once
// Random streams. A stream's state is a function of (master seed, replication,
// purpose, region) only — never of the thread that runs it — so results are
// bit-identical whatever the thread count (OpenMC seeds each particle from its
// index the same way). Separate purposes keep a feature that draws more
// numbers from shifting every other draw, which also gives common random
// numbers between scenarios that differ only in envelopes or policies.
#include <cstdint>
#include <string_view>

#include "sim/twister.hpp"

namespace fnesim {

// boost::random::mt19937_64's sequence, drawn in blocks (sim/twister.hpp).
using Engine = Twister64;

enum class StreamPurpose : std::uint32_t {
  Uptake = 1,       // national and regional uptake multipliers (one stream per replication)
  Arrivals = 2,     // dossier counts and filing dates, per region
  Attributes = 3,   // size, status, pathway, trainees, costs, per region
  LifeCycle = 4,    // schedule, cancellation, drop-outs, invoicing, per region
  CarryOver = 5,    // the 2020 stock, per region
  Parameters = 6,   // uncertain assumptions, or the particle a forecast picks (one stream per replication)
  Drift = 7,        // the month-to-month drift of uptake (one stream per replication)
  Particles = 8,    // the prior draws a forecast weighs against the actuals (replication = particle)
  LearntMoney = 9,  // the error of the costs and trainees a forecast learnt (one stream per replication)
  NationalShares = 10,  // the regions' shares of a national month's actuals (one stream per replication)
};

// Streams that belong to the whole replication rather than to one region.
inline constexpr std::uint32_t national_stream = 0xFFFF;

// SplitMix64 finaliser (Steele, Lea & Flood 2014): a bijective 64-bit mix.
constexpr std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t stream_seed(std::uint64_t master_seed, std::uint64_t replication,
                                    StreamPurpose purpose, std::uint32_t region) {
  std::uint64_t h = splitmix64(master_seed);
  h = splitmix64(h ^ replication);
  return splitmix64(h ^ ((static_cast<std::uint64_t>(purpose) << 32) | region));
}

// Recorded in output files so that a researcher can regenerate any stream.
inline constexpr std::string_view stream_scheme =
    "boost::random::mt19937_64 seeded with s = m(m(m(seed) ^ replication) ^ (purpose << 32 | region)), "
    "m = SplitMix64 finaliser; purposes: 1 uptake (region 0xFFFF), 2 arrivals, 3 attributes, 4 life cycle, "
    "5 carry-over, 6 parameters, 7 drift, 8 forecast particles, 9 learnt costs, 10 national shares; regions "
    "numbered from 0 in "
    "scenario order";

inline void reseed(Engine& engine, std::uint64_t master_seed, std::uint64_t replication,
                   StreamPurpose purpose, std::uint32_t region) {
  engine.seed(stream_seed(master_seed, replication, purpose, region));
}

}  // namespace fnesim
