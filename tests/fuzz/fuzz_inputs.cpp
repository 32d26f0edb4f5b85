#include "fuzz/fuzz_inputs.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "cli/workbench/form.hpp"
#include "results/run_file.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"
#include "sim/workspace.hpp"

namespace fnesim::fuzz {
namespace {

namespace fs = std::filesystem;

// A broken promise of the engine's arithmetic, as a finding: libFuzzer keeps
// the input that aborts.
void require(bool holds, const char* what) {
  if (holds) return;
  std::fprintf(stderr, "fuzz: invariant broken: %s\n", what);
  std::abort();
}

// Where relative `extends` resolve: nowhere, so that they name built-ins.
const fs::path no_directory = "/nonexistent-fnesim-fuzz";

// One replication costs about a microsecond per dossier: a few thousand keep
// the fuzzer at hundreds of inputs a second.
constexpr double simulated_arrivals_limit = 5000;

void simulate_one_replication(const Scenario& scenario) {
  const Simulator simulator(scenario);
  double arrivals = 0;
  for (int region = 0; region < simulator.region_count(); ++region)
    arrivals += simulator.expected_arrivals_between(region, 0, simulator.window_days());
  if (!(arrivals <= simulated_arrivals_limit)) return;
  auto workspace = simulator.make_workspace();
  ReplicationOutcome outcome = simulator.make_outcome();
  simulator.simulate(scenario.run.seed, 0, *workspace, outcome);
  for (const RegionOutcome& region : outcome.regions) {
    require(region.committed >= 0 && region.paid >= 0 && region.unmet >= 0 && region.demand >= 0,
            "a region's amounts are not negative");
    require(region.paid <= region.committed, "a region pays at most what it committed");
  }
}

}  // namespace

void scenario_text(std::string_view text) {
  Scenario scenario;
  try {
    scenario = load_scenario_text(std::string(text), "fuzz.toml", no_directory);
  } catch (const ScenarioError&) {
    return;
  }
  simulate_one_replication(scenario);
}

void actuals_text(std::string_view text) {
  // The default scenario: without uncertain assumptions, conditioning is the
  // posterior alone (no particles), fast enough for a fuzzer.
  static const Scenario scenario = load_default_scenario();
  try {
    const Actuals actuals = parse_actuals(text, "fuzz.csv", scenario);
    condition_on_actuals(scenario, actuals, Date::from_ymd(2021, 9, 16));
  } catch (const ActualsError&) {
  }
}

void run_file_bytes(std::string_view bytes) {
  static const fs::path path = fs::temp_directory_path() / ("fnesim-fuzz-" + std::to_string(::getpid()) + ".h5");
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  try {
    // As every command opens it: the trial reading in a child first, which
    // contains the faults of HDF5 itself (RunFileReader), then the whole read
    // here. A fault in the child still leaves its input in the findings;
    // scripts/fuzz.sh replays it without the trial to tell HDF5's from ours.
    static const bool trial = std::getenv("FNESIM_FUZZ_WITHOUT_TRIAL") == nullptr;
    if (trial) (void)RunFileReader(path);
    read_run_file_completely(path);
  } catch (const RunFileError&) {
  }
  // Every HDF5 object the reader opened is closed again, whatever it met:
  // a handle left open is a leak of ours (HDF5 keeps some memory of its own
  // on error paths; tests/fuzz/lsan.supp).
  require(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0, "every HDF5 object is closed");
}

void workbench_request(std::string_view body) {
  static const workbench::Form form = workbench::build_form(load_default_scenario(), "convention-2021.toml");
  workbench::FormValues values;
  try {
    const workbench::JsonValue request = workbench::parse_json(body);
    values = workbench::form_values_from_json(request.get("values"));
  } catch (const workbench::JsonSyntaxError&) {
    return;
  } catch (const BadRequest&) {
    return;
  }
  const workbench::Variant variant = workbench::build_variant(form, values, no_directory);
  require(variant.ok() ? variant.field_messages.empty() : !variant.field_messages.empty() || !variant.general.empty(),
          "a refused variant says why, at a field or in general");
}

}  // namespace fnesim::fuzz
