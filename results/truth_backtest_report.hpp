#pragma once
// What `fnesim backtest --truth` prints: the truth family and the year-end
// demand each member gave; per cut-off, how often the truth fell inside
// fnesim's central 50 % and 90 % intervals, for the nation and for the
// regions pooled; the interval scores and CRPS of fnesim beside the naive
// run-rate forecast's, in M€; and the coverage by family member.
#include <string>
#include <vector>

#include "sim/forecast/truth_backtest.hpp"

namespace fnesim {

std::string render_truth_backtest_table(const TruthBacktestResult& result, const Scenario& forecaster,
                                        const std::vector<TruthScenario>& family);
std::string truth_backtest_json(const TruthBacktestResult& result, const Scenario& forecaster,
                                const std::vector<TruthScenario>& family);

}  // namespace fnesim
