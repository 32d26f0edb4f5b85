// Replays, under the ordinary build (and the asan preset in CI), every input
// the fuzzers found and were fixed for (tests/fuzz/regressions/<target>/) and
// the seeds they start from: each must be accepted or refused by the reader's
// own error, as the fuzz targets require (tests/fuzz/fuzz_inputs.hpp).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_inputs.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> files_in(const std::vector<std::string>& directories, const std::string& extension = "") {
  std::vector<fs::path> files;
  for (const std::string& directory : directories) {
    const fs::path dir = fs::path(FNESIM_SOURCE_DIR) / directory;
    if (!fs::is_directory(dir)) continue;
    for (const auto& entry : fs::directory_iterator(dir))
      if (entry.is_regular_file() && (extension.empty() || entry.path().extension() == extension))
        files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string bytes_of(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

TEST(FuzzRegressions, ScenarioInputs) {
  const auto files = files_in({"tests/fuzz/regressions/scenario", "tests/data/bad", "tests/data/good"});
  ASSERT_GT(files.size(), 20u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    fuzz::scenario_text(bytes_of(file));
  }
}

TEST(FuzzRegressions, ActualsInputs) {
  const auto files = files_in({"tests/fuzz/regressions/actuals", "tests/data/actuals", "scenarios/actuals"});
  ASSERT_GT(files.size(), 2u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    fuzz::actuals_text(bytes_of(file));
  }
}

TEST(FuzzRegressions, RunFileInputs) {
  for (const fs::path& file : files_in({"tests/fuzz/regressions/run_file"})) {
    SCOPED_TRACE(file.string());
    fuzz::run_file_bytes(bytes_of(file));
  }
}

TEST(FuzzRegressions, WorkbenchRequests) {
  const auto files = files_in({"tests/fuzz/regressions/workbench", "tests/data/workbench"});
  ASSERT_GT(files.size(), 2u);
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    fuzz::workbench_request(bytes_of(file));
  }
}

}  // namespace
}  // namespace fnesim
