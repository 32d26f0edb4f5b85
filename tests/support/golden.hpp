#pragma once
// The golden runs of the shipped scenarios (tests/sim/golden_test.cpp): how
// they are run, where their recorded summaries live, and which numbers of a
// summary are exact.
#include <cstdint>
#include <regex>
#include <span>
#include <string>
#include <vector>

#include "results/run_summary.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "support/json_compare.hpp"

namespace fnesim::testing {

inline constexpr std::int64_t golden_replications = 200;
inline constexpr std::uint64_t golden_seed = 2021;

inline std::string golden_path(const std::string& builtin_name) {
  return std::string(FNESIM_SOURCE_DIR) + "/tests/data/golden/" + builtin_name + ".json";
}

// The golden run of a built-in scenario: its summary JSON, the extra sinks
// seeing the very same replications.
inline std::string golden_summary(const std::string& builtin_name,
                                  std::span<ReplicationSink* const> extra_sinks = {}) {
  const Scenario scenario = load_scenario_argument(builtin_name);
  const Simulator simulator(scenario);
  RunStatistics statistics(simulator);
  std::vector<ReplicationSink*> sinks = {&statistics};
  sinks.insert(sinks.end(), extra_sinks.begin(), extra_sinks.end());
  RunControl control;
  control.seed = golden_seed;
  control.threads = 2;
  run_replications(simulator, 0, golden_replications, control, sinks);
  return summary_json(summarise(simulator, statistics, golden_seed));
}

// The numbers of a summary (results/run_summary.cpp) that are integers or
// integer cents, compared exactly: the run's size and seed, the window, days
// (exhaustion and additional-allocation quantiles), and the amounts written
// from cents (envelopes, available amounts, fees, and amount quantiles, which
// are order statistics of cents). Every other number is a mean, a standard
// error or a probability: a real number.
inline bool summary_number_is_exact(const std::string& path) {
  static const std::regex exact(
      R"((^|\.)(replications|seed|window_days|envelope_eur|available_eur|fees_eur)$|_day_q\d\d$|_q\d\d_eur$)");
  return std::regex_search(path, exact);
}

// Real numbers: 1e-12 relative (about 4 500 ulps of a double). The summary is
// reduced in replication order, so the same build gives the same bits; another
// compiler, FMA contraction or libm may round a sum, a square root or a
// division differently in the last bits (a few ulps, ~1e-15 relative), which
// changes the text of a mean but not its first 12 significant digits. The
// smallest real change of a result, one cent in one dossier of one
// replication, moves a regional mean by 0.01 / 200 = 5e-5 EUR: at least
// 1.8e-12 relative of the largest regional figure (28.5 M EUR), above the
// tolerance, and it moves the cent-exact quantiles too. The absolute floor,
// 1e-9 (EUR or probability), is for figures that are zero up to rounding: far
// below a cent, and below the 1/200 grain of a probability from 200 replications.
inline constexpr JsonTolerance golden_tolerance{1e-12, 1e-9};

}  // namespace fnesim::testing
