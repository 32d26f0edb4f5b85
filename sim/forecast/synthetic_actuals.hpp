#pragma once
// Synthetic actuals (`fnesim synthesize-actuals`): what one simulated year of
// a scenario would show an analyst — its committed dossiers, or their monthly
// totals — as an actuals file, to test forecasts and backtests against a
// known truth (the uptake multipliers drawn in that replication, written in
// the file's comments).
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "sim/simulator.hpp"

namespace fnesim {

enum class SyntheticLayout { Dossiers, Monthly, National };
inline constexpr std::array<std::string_view, 3> synthetic_layout_keys = {"dossiers", "monthly", "national"};

std::string synthetic_actuals_csv(const Simulator& simulator, std::uint64_t seed, std::int64_t replication,
                                  SyntheticLayout layout);

// The demand side of the same year, one row per dossier: every eligible
// dossier filed (the carry-over and diagnostics included), committed or
// refused for want of money — what the forecast of demand is held against by
// `fnesim backtest --truth`. A refused dossier has no end date nor realised
// amount; one refused for its training past the deadline is not demand, and
// not listed.
std::string filed_dossiers_csv(const Simulator& simulator, std::uint64_t seed, std::int64_t replication);

}  // namespace fnesim
