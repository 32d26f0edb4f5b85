// The corpus of invalid scenarios: tests/data/bad/NAME.toml must produce exactly
// the diagnostics of tests/data/bad/NAME.expected, one per line (a multi-line
// message continues on the next lines). Paths in the expected files are relative
// to tests/data/bad, as `fnesim validate NAME.toml` prints them when run there.
// To add a case: write NAME.toml, run `fnesim validate NAME.toml 2> NAME.expected`
// in tests/data/bad, and read the result before committing it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "sim/scenario/scenario.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;

const fs::path data_dir = fs::path(FNESIM_SOURCE_DIR) / "tests" / "data";
const fs::path bad_dir = data_dir / "bad";

std::string read_all(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void replace_all(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
}

// The diagnostics as `fnesim validate` prints them from inside tests/data/bad.
std::string diagnostics_for(const std::string& name) {
  std::string out;
  try {
    load_scenario_file(bad_dir / (name + ".toml"));
    return "(loaded without error)\n";
  } catch (const ScenarioError& e) {
    for (const auto& d : e.diagnostics()) out += d.to_string() + "\n";
  }
  replace_all(out, (bad_dir / "").string(), "");
  replace_all(out, (data_dir / "").string(), "../");
  return out;
}

std::vector<std::string> corpus_names() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(bad_dir))
    if (entry.path().extension() == ".expected") names.push_back(entry.path().stem().string());
  std::sort(names.begin(), names.end());
  return names;
}

class BadScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(BadScenario, ReportsExactlyTheExpectedDiagnostics) {
  const std::string expected = read_all(bad_dir / (GetParam() + ".expected"));
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(diagnostics_for(GetParam()), expected);
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadScenario, ::testing::ValuesIn(corpus_names()), [](const auto& info) {
  std::string name = info.param;
  std::replace(name.begin(), name.end(), '-', '_');
  return name;
});

TEST(BadScenarioCorpus, EveryFileHasItsExpectedDiagnostics) {
  for (const auto& entry : fs::directory_iterator(bad_dir)) {
    if (entry.path().extension() != ".toml") continue;
    EXPECT_TRUE(fs::exists(fs::path(entry.path()).replace_extension(".expected"))) << entry.path();
  }
  // The cases the loader promises to report (see docs/scenario-format.md).
  for (const char* name : {"syntax-error",
                           "wrong-type",
                           "negative-money",
                           "cents-precision",
                           "rate-out-of-range",
                           "shares-not-summing",
                           "envelopes-not-adding-up",
                           "dates-out-of-order",
                           "duplicate-region-name",
                           "unknown-region",
                           "unknown-key",
                           "missing-required-key",
                           "correlation-not-psd",
                           "beta-infeasible",
                           "overlapping-rules",
                           "missing-file",
                           "cycle-a",
                           "several-problems",
                           "error-in-parent",
                           "extends-missing",
                           "status-not-covered"})
    EXPECT_TRUE(fs::exists(bad_dir / (std::string(name) + ".expected"))) << name;
}

TEST(BadScenarioCorpus, SeveralProblemsAreAllReported) {
  const std::string out = diagnostics_for("several-problems");
  EXPECT_GE(std::count(out.begin(), out.end(), '\n'), 12);
}

}  // namespace
}  // namespace fnesim
