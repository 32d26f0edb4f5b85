#pragma once
// A scenario: the convention, its coverage rules, the demand model and the run
// settings, loaded from TOML (docs/scenario-format.md) and fully validated.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "models/convention.hpp"
#include "models/coverage.hpp"
#include "models/demand.hpp"
#include "models/financing.hpp"
#include "models/forecast_start.hpp"
#include "models/policy_event.hpp"
#include "models/steering.hpp"
#include "models/uncertainty.hpp"
#include "sim/diagnostics.hpp"

namespace fnesim {

// Amounts are in euros. An envelope below 1 000 EUR pays no training at all
// and is very likely typed in millions (`total_envelope_eur = 150`); a cost
// below 100 EUR a trainee, in thousands. Warned, not refused: small test
// scenarios are legitimate, and the run would otherwise go ahead silently on
// a fund a million times too small. (So are `recommend`'s bounds.)
inline constexpr Cents least_plausible_envelope = euros(1'000);
inline constexpr double least_plausible_trainee_cost_eur = 100;

// Threads a run may be asked for (0: all cores), in a scenario or on the
// command line alike; results do not depend on them.
inline constexpr int max_threads = 4096;

struct RunSettings {
  std::int64_t replications = 1000;
  std::uint64_t seed = 20210118;
  int threads = 0;                 // 0: all cores
  double confidence_level = 0.90;  // of the Student-t intervals reported
};

struct Scenario {
  std::string name;
  std::string description;
  Convention convention;
  CoverageSettings coverage;
  DemandModel demand;
  std::vector<PolicyEvent> events;  // in the order written
  UncertaintyModel uncertainty;
  // The steering committee inside each replication; none: envelopes never change.
  std::optional<SteeringPolicy> steering;
  // The State's payments to OPCO 2i ([financing]); none: no cash forecast.
  std::optional<FinancingTerms> financing;
  RunSettings run;
  // Set when the run starts from actuals at a cut-off (issue 8); none: from the commitment start.
  std::optional<ForecastStart> forecast_start;

  // Provenance, for output files: the resolved TOML text (extends applied) and
  // the files it came from, the first being the one named by the user.
  std::string resolved_toml;
  std::vector<std::string> source_files;
  // Values that load but are very likely slips (an envelope typed in millions
  // of euros): said to the planner, file:line:column, before anything runs.
  std::vector<Diagnostic> warnings;
};

// Names a loaded scenario's files otherwise — a server names an uploaded file
// by its name, not where it keeps it — wherever the scenario names them: its
// source files, its warnings and the provenance line of its resolved TOML.
void rename_source_files(Scenario& scenario, const std::function<std::string(const std::string&)>& name);

// A resolved TOML without its provenance line: the scenario itself, the same
// whatever path its files were read from.
std::string_view scenario_content(std::string_view resolved_toml);

// What a run file's scenario_sha256 hashes: the content without its [run]
// table either. Replications, seed, threads and the confidence level say how
// a scenario was run, not what it is: `run -n` and `--seed` override them, and
// `inspect --scenario` writes the values a run used, so that a rerun of it —
// the same scenario — has the same hash.
std::string scenario_identity(std::string_view resolved_toml);

// Every problem of a scenario file and its `extends` chain, thrown at once;
// nothing is partially loaded.
class ScenarioError : public InputError {
 public:
  using InputError::InputError;
};

// Loads a scenario file, resolving `extends` relative to it.
Scenario load_scenario_file(const std::filesystem::path& path);
// Loads scenario text; `display_name` is used in messages, `base_dir` resolves `extends`.
// A relative `extends` that names a built-in scenario resolves to the built-in text
// when no such file exists in base_dir.
Scenario load_scenario_text(const std::string& text, const std::string& display_name,
                            const std::filesystem::path& base_dir);

// Scenarios compiled into the binary (scenarios/*.toml), by file name.
struct BuiltinScenario {
  std::string_view file_name;  // e.g. "convention-2021.toml"
  std::string_view text;
};
const std::vector<BuiltinScenario>& builtin_scenarios();
inline constexpr std::string_view default_scenario_file = "convention-2021.toml";
Scenario load_default_scenario();
// What users type after a subcommand: a path to a scenario file or, when no such
// file exists, the name of a built-in scenario ("reference-r1" or "reference-r1.toml").
Scenario load_scenario_argument(const std::string& path_or_builtin_name);

}  // namespace fnesim
