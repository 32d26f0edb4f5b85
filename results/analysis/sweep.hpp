#pragma once
// `fnesim sweep` (docs/sensitivity.md, "Sweeps"): the forecast over a grid of
// values of one or two scenario keys, every point on the same random numbers,
// so that the curve moves with the key and not with Monte-Carlo noise — "from
// what uptake do we need more money?".
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "results/analysis/sensitivity_estimators.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {

struct SweepPoint {
  std::vector<double> values;       // one per key
  std::vector<double> statistics;   // as tornado_statistic_names
  std::vector<double> standard_errors;  // per statistic: of its estimate at this point (means: sd/√N; quantiles: bootstrap)
  // Per statistic: this point less the first, paired replication by
  // replication on their common random numbers, with the standard error of
  // that change (far below the points' own: their noise is shared).
  std::vector<PairedEffect> from_first;
};

struct Sweep {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::int64_t replications = 0;
  std::vector<std::string> keys;             // one or two
  std::vector<std::string> statistic_names;  // tornado_statistic_names
  std::vector<SweepPoint> points;            // the first key varies slowest
  double seconds = 0;
};

// A point's statistics and their standard errors from its replications' outputs
// (rows × outputs), and its change from the first point's outputs (the same
// rows: the first point passes its own, a change of zero).
SweepPoint sweep_point(std::vector<double> values, std::span<const double> outputs,
                       std::span<const double> first_outputs, std::int64_t rows, int regions);

std::string render_sweep(const Sweep& sweep);
std::string sweep_json(const Sweep& sweep);
std::string sweep_csv(const Sweep& sweep);
// A line chart of P(additional allocation needed) against the first key (one
// line per value of the second), with ±2 standard errors: a self-contained SVG.
std::string sweep_svg(const Sweep& sweep);

}  // namespace fnesim
