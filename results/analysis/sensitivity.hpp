#pragma once
// Which assumptions matter (`fnesim sensitivity`, docs/sensitivity.md): the
// Sobol indices of the outputs a planner reads, from a Saltelli pick-freeze
// design, and the tornado — each uncertain parameter at a low and a high
// value, the others drawn, on the same random numbers as the baseline. The
// runs are sim/sensitivity.hpp's; the estimators sensitivity_estimators.hpp's.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "results/analysis/sensitivity_estimators.hpp"
#include "sim/sensitivity.hpp"

namespace fnesim {

class OutputSet;  // results/output_file.hpp

namespace hdf5 {
class File;
}

// ---- The tornado's statistics, from the per-replication outputs -------------
// p_additional_needed, additional_needed_q90_eur, expected_national_unmet_eur,
// mean_national_demand_eur, then for each region in turn p_exhausted/<code>
// and median_exhaustion_day/<code> (window_days: not exhausted in the median year).
std::vector<std::string> tornado_statistic_names(const Scenario& scenario);
// The statistics of `rows` replications' outputs (row-major, rows × outputs).
std::vector<double> tornado_statistics(std::span<const double> outputs, std::int64_t rows, int regions);
// Each statistic of `outputs` against the same statistic of `baseline`, paired
// replication by replication; with `own_standard_errors`, each statistic's
// own standard error too, from the same resamples (a sweep's point and its
// change from the first, for the cost of one bootstrap).
std::vector<PairedEffect> tornado_effects(std::span<const double> outputs, std::span<const double> baseline,
                                          std::int64_t rows, int regions,
                                          std::vector<double>* own_standard_errors = nullptr);

struct TornadoBar {
  std::string parameter;  // a key path
  double low_value = 0, high_value = 0;
  std::string source;  // "quantiles 5 % / 95 %" or "range given"
  std::vector<PairedEffect> low, high;  // per statistic
};

struct SensitivityAnalysis {
  std::string scenario_name;
  std::uint64_t seed = 0;
  std::int64_t base_rows = 0;  // N
  SobolOptions sobol_options;
  double tornado_low_quantile = 0.05, tornado_high_quantile = 0.95;
  std::vector<std::string> output_names;    // O
  std::vector<SensitivityFactor> factors;   // F: the scenario's, then the groups
  std::vector<SobolResult> sobol;           // per output: its mean, variance and one index per factor
  std::vector<double> f_a, f_b;             // N × O
  std::vector<std::vector<double>> f_ab;    // per factor, N × O
  std::vector<std::string> statistic_names; // S
  std::vector<double> baseline;             // per statistic, on the base rows
  std::vector<TornadoBar> tornado;          // by decreasing swing of P(additional needed), then of demand
  double seconds = 0;
  int threads = 1;                // per rank
  int ranks = 1;                  // processes of a cluster run (sim/cluster.hpp)
  std::int64_t simulated_rows = 0;  // every replication simulated: N (2 + F) + 2 N per bar
};

// The indices of every output, from the design's outputs.
std::vector<SobolResult> sobol_of_outputs(const SensitivityAnalysis& analysis);
// Sorts the bars as the layout says (docs/hdf5-format.md, /sensitivity/tornado).
void sort_tornado(std::vector<TornadoBar>& bars);

// The terminal's tables: the Sobol indices of the headline outputs and the tornado of P(additional needed)
// and of national demand.
std::string render_sensitivity(const SensitivityAnalysis& analysis);
std::string sensitivity_json(const SensitivityAnalysis& analysis);
// sobol.csv (factor × output) and tornado.csv (bar × statistic) in `directory`
// (made if missing), added to `outputs` to be put in place with the command's others.
std::vector<std::filesystem::path> sensitivity_csv_targets(const std::filesystem::path& directory);
void write_sensitivity_csv(const SensitivityAnalysis& analysis, const std::filesystem::path& directory,
                           OutputSet& outputs);
// The run file's /sensitivity group (format 1.5).
void write_sensitivity_group(hdf5::File& file, const SensitivityAnalysis& analysis);

}  // namespace fnesim
