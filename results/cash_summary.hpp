#pragma once
// The cash forecast of a scenario with [financing] (issue 14): its summary
// from the run's statistics, the lines `run` prints, and its object in the
// summary JSON. Part of results/run_summary.hpp, kept apart for its size.
#include <string>

#include "results/json.hpp"
#include "results/run_summary.hpp"

namespace fnesim {

CashSummary summarise_cash(const Simulator& simulator, const CashStatistics& statistics, double level);
// "" when the summary has no cash forecast.
std::string cash_lines(const RunSummary& summary);
// Writes "financing": {...} into the summary JSON's top object, when there is a cash forecast.
void write_cash_json(JsonWriter& json, const RunSummary& summary);

}  // namespace fnesim
