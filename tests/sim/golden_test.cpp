// Golden results: each shipped scenario, run with a fixed seed, must reproduce
// its recorded summary to the last digit. When a change is *meant* to alter
// results, refresh them with scripts/refresh-golden.sh and say why in the commit.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "results/run_summary.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"

namespace fnesim {
namespace {

constexpr std::int64_t golden_replications = 200;
constexpr std::uint64_t golden_seed = 2021;

std::string golden_summary(const std::string& builtin_name) {
  const Scenario scenario = load_scenario_argument(builtin_name);
  const Simulator simulator(scenario);
  RunStatistics statistics(simulator);
  ReplicationSink* sinks[] = {&statistics};
  RunControl control;
  control.seed = golden_seed;
  control.threads = 2;
  run_replications(simulator, 0, golden_replications, control, sinks);
  return summary_json(summarise(simulator, statistics, golden_seed));
}

class ShippedScenario : public ::testing::TestWithParam<const char*> {};

TEST_P(ShippedScenario, ReproducesItsGoldenSummary) {
  const std::string name = GetParam();
  const std::string path = std::string(FNESIM_SOURCE_DIR) + "/tests/data/golden/" + name + ".json";
  const std::string actual = golden_summary(name);
  if (std::getenv("FNESIM_REFRESH_GOLDEN")) {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "refreshed " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path << ": run scripts/refresh-golden.sh";
  std::stringstream expected;
  expected << in.rdbuf();
  EXPECT_EQ(actual, expected.str()) << "results changed; if intended, run scripts/refresh-golden.sh";
}

INSTANTIATE_TEST_SUITE_P(Golden, ShippedScenario,
                         ::testing::Values("convention-2021", "reference-r1", "observed-2021"),
                         [](const auto& info) {
                           std::string name = info.param;
                           for (char& c : name)
                             if (c == '-') c = '_';
                           return name;
                         });

}  // namespace
}  // namespace fnesim
