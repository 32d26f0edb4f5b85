#pragma once
// Runs the fnesim binary as a user would, capturing its exit code and output.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace fnesim::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out, err;
};

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// A path in the test's temporary directory, unique to the running test.
inline std::string scratch_path(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string unique = info->test_suite_name();
  unique.append("_").append(info->name()).append("_").append(name);
  for (char& c : unique)
    if (c == '/') c = '_';  // parameterised tests have slashes in their names
  std::string path = ::testing::TempDir();
  return path.append("fnesim_").append(unique);
}

// `fnesim <arguments>`, the arguments passed through the shell as written;
// `prefix` goes before the binary (environment settings, `ulimit …; exec `).
inline CommandResult run_fnesim(const std::string& arguments, const std::string& prefix = "") {
  const std::string out_path = scratch_path("stdout"), err_path = scratch_path("stderr");
  std::string command = prefix + "'";
  command.append(FNESIM_BINARY).append("' ").append(arguments);
  command.append(" >'").append(out_path).append("' 2>'").append(err_path).append("' </dev/null");
  const int status = std::system(command.c_str());
  CommandResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  result.out = read_text(out_path);
  result.err = read_text(err_path);
  std::remove(out_path.c_str());
  std::remove(err_path.c_str());
  return result;
}

}  // namespace fnesim::testing
