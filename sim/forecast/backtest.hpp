#pragma once
// Backtesting (`fnesim backtest`, docs/actuals-format.md): forecast from each
// cut-off as `run --actuals --as-of` would, then hold the forecast against
// what the actuals show afterwards — each region's and the nation's cumulative
// commitments at every month end from the cut-off's month to the last month
// the actuals cover — and count how often the outcome fell inside the
// forecast's central 50 % and 90 % intervals, as forecasters do for their
// fan charts.
#include <cstdint>
#include <vector>

#include "sim/forecast/actuals.hpp"
#include "sim/runner.hpp"

namespace fnesim {

// One forecast held against one outcome.
struct BacktestComparison {
  int region = national_region;  // or a region index
  Date month_end;
  Cents actual = 0;                                   // cumulative commitments shown by the actuals
  Cents q05 = 0, q25 = 0, q50 = 0, q75 = 0, q95 = 0;  // of the forecast (inverted empirical CDF)
  bool inside50() const { return q25 <= actual && actual <= q75; }
  bool inside90() const { return q05 <= actual && actual <= q95; }
};

struct BacktestCutOff {
  Date as_of;
  ActualsReport learnt;
  // By series (each region in scenario order, unless the actuals are national,
  // then the nation), month ends in order within a series.
  std::vector<BacktestComparison> comparisons;
  int months = 0;  // month ends compared per series
};

struct BacktestResult {
  std::int64_t replications = 0;
  std::uint64_t seed = 0;
  // The last month end compared: the actuals' last day, or the end of the
  // month before when they cover their last month only in part (month to date).
  Date compared_through;
  std::vector<BacktestCutOff> cut_offs;  // in the order given
  bool interrupted = false;
};

struct CoverageCount {
  int comparisons = 0, inside50 = 0, inside90 = 0;
  void add(const BacktestComparison& c) {
    ++comparisons;
    inside50 += c.inside50();
    inside90 += c.inside90();
  }
};

// Checks every cut-off first (each must be one `run --as-of` accepts and leave
// a month end to compare), reporting all problems at once as ActualsError;
// then runs `replications` replications from each, under `control` (seed,
// threads, progress called with the replications done over all cut-offs,
// stop flag).
BacktestResult run_backtest(const Scenario& scenario, const Actuals& actuals,
                            const std::vector<Date>& cut_offs, std::int64_t replications,
                            const RunControl& control);

}  // namespace fnesim
