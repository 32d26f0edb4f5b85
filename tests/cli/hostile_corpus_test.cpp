// The hostile-input corpus (tests/data/hostile/README.md): one directory per
// case, each with the command to run, its inputs and what must come out —
// the exit status and pieces of the message. Every case runs in a fresh copy
// of its directory, under a time limit (a hang fails), and must leave nothing
// behind but what it says it creates: no temporary, no partial output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const fs::path corpus_root = fs::path(FNESIM_SOURCE_DIR) / "tests/data/hostile";

struct HostileCase {
  std::string name;  // class/case
  fs::path directory;
};

std::vector<HostileCase> corpus() {
  std::vector<HostileCase> cases;
  for (const auto& entry : fs::recursive_directory_iterator(corpus_root))
    if (entry.path().filename() == "case.toml")
      cases.push_back({fs::relative(entry.path().parent_path(), corpus_root).string(), entry.path().parent_path()});
  std::sort(cases.begin(), cases.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return cases;
}

std::string shell_quoted(const std::string& word) {
  std::string quoted = "'";
  for (char c : word) quoted += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return quoted + "'";
}

std::vector<std::string> strings_at(const toml::table& table, std::string_view key) {
  std::vector<std::string> values;
  if (const toml::array* array = table[key].as_array())
    for (const auto& item : *array) values.push_back(item.value<std::string>().value());
  return values;
}

std::vector<std::string> names_in(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  return names;
}

class HostileInput : public ::testing::TestWithParam<HostileCase> {};

TEST_P(HostileInput, IsRefusedCleanly) {
  const HostileCase& hostile = GetParam();
  const toml::table spec = toml::parse_file((hostile.directory / "case.toml").string());
#if defined(__SANITIZE_ADDRESS__)
  if (const auto why = spec["not_under_asan"].value<std::string>()) GTEST_SKIP() << *why;
#endif
  testing::ScratchDirectory scratch;
  for (const auto& entry : fs::directory_iterator(hostile.directory))
    if (entry.path().filename() != "case.toml") fs::copy(entry.path(), scratch.path() / entry.path().filename(),
                                                         fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  const std::string cd = "cd " + shell_quoted(scratch.path().string()) + " && ";
  if (const auto setup = spec["setup"].value<std::string>()) {
    ASSERT_EQ(std::system((cd + *setup).c_str()), 0) << "setup failed: " << *setup;
  }
  std::vector<std::string> before = names_in(scratch.path());

  std::string arguments;
  for (const std::string& word : strings_at(spec, "args")) arguments += shell_quoted(word) + " ";
  const int limit = spec["timeout_seconds"].value_or(60);
  const std::string prefix = cd + spec["environment"].value_or(std::string()) + " timeout -s KILL " +
                             std::to_string(limit) + " ";
  const auto run = testing::run_fnesim(arguments, prefix);

  SCOPED_TRACE(spec["what"].value_or(std::string()));
  EXPECT_EQ(run.exit_code, spec["exit"].value_or(-1)) << run.err;
  for (const std::string& piece : strings_at(spec, "stderr")) EXPECT_THAT(run.err, HasSubstr(piece));
  for (const std::string& piece : strings_at(spec, "stdout")) EXPECT_THAT(run.out, HasSubstr(piece));
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n') <= spec["stderr_lines"].value_or(1000), true)
      << run.err;

  std::vector<std::string> expected = before;
  for (const std::string& created : strings_at(spec, "creates")) expected.push_back(created);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names_in(scratch.path()), expected) << "left behind or missing";
  if (const auto check = spec["check"].value<std::string>()) {
    EXPECT_EQ(std::system((cd + *check).c_str()), 0) << "check failed: " << *check;
  }
}

INSTANTIATE_TEST_SUITE_P(Hostile, HostileInput, ::testing::ValuesIn(corpus()),
                         [](const ::testing::TestParamInfo<HostileCase>& info) {
                           std::string name = info.param.name;
                           for (char& c : name)
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           return name;
                         });

}  // namespace
}  // namespace fnesim
