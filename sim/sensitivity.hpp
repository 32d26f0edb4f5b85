#pragma once
// The runs of a sensitivity analysis (docs/sensitivity.md): which assumptions
// of a scenario are uncertain (its factors), the outputs studied, one value
// per replication, and the rows of a Saltelli pick-freeze design or of a
// one-at-a-time run, simulated in parallel on common random numbers. The
// estimators themselves are results/analysis/sensitivity_estimators.hpp.
//
// Every kind of draw has its own random streams (sim/rng.hpp), so a factor is
// "the draws of one kind": a design row takes each factor's draws from a
// source replication (DrawSources). Row j of A is replication j, row j of B is
// replication N + j, and row j of AB_i is replication j with factor i taken
// from replication N + j. The dossiers' own randomness is a factor like the
// others, which separates Monte-Carlo noise from the assumptions' effect.
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "sim/runner.hpp"
#include "sim/simulator.hpp"

namespace fnesim {

// ---- The outputs studied, per replication ----------------------------------
// additional_needed_eur, additional_needed_any (0/1), national_unmet_eur,
// national_demand_eur, then for each region in turn "exhausted/<code>" (0/1)
// and "exhaustion_day/<code>" (days from the commitment start; window_days when
// the region is not exhausted, so that a median is defined).
std::vector<std::string> analysed_output_names(const Scenario& scenario);
// Where each output sits in a row: the one layout the engine writes and the analyses read.
namespace analysed_column {
inline constexpr std::size_t additional_needed_eur = 0, additional_needed_any = 1, national_unmet_eur = 2,
                             national_demand_eur = 3;
inline constexpr std::size_t exhausted(std::size_t region) { return 4 + 2 * region; }
inline constexpr std::size_t exhaustion_day(std::size_t region) { return 5 + 2 * region; }
inline constexpr std::size_t count(std::size_t regions) { return 4 + 2 * regions; }
}  // namespace analysed_column
void analysed_outputs(const ReplicationOutcome& outcome, int window_days, std::span<double> row);

// ---- The factors ------------------------------------------------------------
enum class FactorKind { Parameter, Profile, Uptake, Drift, Dossiers, Group };
std::string_view factor_kind_name(FactorKind kind);

struct SensitivityFactor {
  std::string name;  // a parameter's key path (the first, for parameters tied by the copula), a kind, or a group
  FactorKind kind = FactorKind::Parameter;
  std::vector<std::string> members;  // what it moves, by name
  // The draws it takes from its source: [uncertainty.parameters] entries by index, and the other kinds.
  std::vector<int> parameters;
  bool profile = false, uptake = false, drift = false, dossiers = false;
};

// The scenario's factors in a fixed order: its uncertain parameters in the
// order written (those tied by the copula as one factor: their indices would
// not be defined apart), then the profile, uptake and drift where the scenario
// draws them, then the dossiers.
std::vector<SensitivityFactor> sensitivity_factors(const Scenario& scenario);

// A named group of factors (by name, e.g. "costs" = two cost parameters).
// Throws BadRequest naming an unknown member, the known ones listed.
SensitivityFactor factor_group(const std::string& name, const std::vector<std::string>& member_names,
                               const std::vector<SensitivityFactor>& factors);

// Row j of AB_i: replication j with `moved` taken from replication base_rows + j.
DrawSources pick_freeze_sources(const SensitivityFactor* moved, std::int64_t row, std::int64_t base_rows,
                                std::size_t parameter_count);

// ---- Running rows ----------------------------------------------------------
// Simulates `rows` design rows, in parallel, and stores each row's outputs in
// outputs[row × O .. row × O + O) (O = analysed_output_names().size()). A
// row's draws depend on its sources alone: the result is bit-identical
// whatever the threads. `sources_of(row, sources)` fills the row's sources.
// `control.on_progress` gets (done, rows). Returns false when stopped.
bool run_design_rows(const Simulator& simulator, std::uint64_t seed, std::int64_t rows,
                     const std::function<void(std::int64_t, DrawSources&)>& sources_of, const RunControl& control,
                     std::span<double> outputs);

// A sink (sim/runner.hpp) keeping the outputs of the replications it sees, in
// order: the base rows A are an ordinary run, written to the run file too.
class AnalysedOutputSink : public ReplicationSink {
 public:
  AnalysedOutputSink(const Simulator& simulator, std::int64_t replications);
  void consume(std::int64_t replication, const ReplicationOutcome& outcome) override;
  const std::vector<double>& outputs() const { return outputs_; }

 private:
  int window_days_;
  std::size_t width_;
  std::vector<double> outputs_;
};

}  // namespace fnesim
