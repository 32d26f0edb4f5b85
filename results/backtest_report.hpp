#pragma once
// What `fnesim backtest` prints: per cut-off, the national forecast of
// cumulative commitments at the last month end the actuals cover against the
// outcome (its intervals narrowing as the cut-off advances), and the
// calibration — how often outcomes fell inside the central 50 % and 90 %
// intervals — with the range a well-calibrated forecast would show.
#include <string>

#include "sim/forecast/backtest.hpp"

namespace fnesim {

std::string render_backtest_table(const BacktestResult& result, const Scenario& scenario,
                                  const Actuals& actuals);
std::string backtest_json(const BacktestResult& result, const Scenario& scenario, const Actuals& actuals);

// The 5 % and 95 % quantiles of Binomial(n, p): how many of n independent
// outcomes a calibrated interval of coverage p holds, 90 % of the time.
struct CountRange {
  int low = 0, high = 0;
};
CountRange binomial_range(int n, double p);

}  // namespace fnesim
