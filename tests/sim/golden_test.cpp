// Golden results: each shipped scenario, run with a fixed seed, must reproduce
// its recorded summary — compared by value, not by text (support/golden.hpp):
// the same keys, strings, counts, days and cents exactly, means, standard
// errors and probabilities to 1e-12 relative. When a change is *meant* to
// alter results, refresh them with scripts/refresh-golden.sh (which sets
// FNESIM_REFRESH_GOLDEN) and say why in the commit.
#include "support/golden.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace fnesim {
namespace {

using testing::golden_path;
using testing::golden_summary;

class ShippedScenario : public ::testing::TestWithParam<const char*> {};

TEST_P(ShippedScenario, ReproducesItsGoldenSummary) {
  const std::string name = GetParam();
  const std::string path = golden_path(name);
  const std::string actual = golden_summary(name);
  if (std::getenv("FNESIM_REFRESH_GOLDEN")) {
    std::ofstream(path) << actual;
    GTEST_SKIP() << "refreshed " << path;
  }
  std::ifstream in(path);
  ASSERT_TRUE(in) << "missing " << path << ": run scripts/refresh-golden.sh";
  std::stringstream expected;
  expected << in.rdbuf();
  const auto differences = testing::compare_json(expected.str(), actual, testing::summary_number_is_exact,
                                                 testing::golden_tolerance);
  std::string report;
  for (std::size_t i = 0; i < differences.size() && i < 40; ++i) report += "  " + differences[i] + "\n";
  EXPECT_TRUE(differences.empty()) << differences.size() << " difference(s) from " << path << ":\n"
                                   << report << "results changed; if intended, run scripts/refresh-golden.sh";
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
