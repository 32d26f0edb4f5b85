// `fnesim report` as the binary's wrapper around scripts/report.py: what it
// refuses itself, what it says when the interpreter is missing, and that the
// script's exit status reaches the user. The pages themselves are tested by
// the `report_pages` ctest (tests/scripts/run_report_test.sh).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::run_fnesim;
using testing::ScratchDirectory;

TEST(CliReport, RefusesWhatIsNotARunFileBeforeStartingPython) {
  ScratchDirectory dir;
  const std::string text = (dir / "notes.h5").string();
  testing::write_text(text, "not HDF5");
  const auto result = run_fnesim("report '" + text + "'");
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("fnesim report: "));
  EXPECT_THAT(result.err, HasSubstr("notes.h5"));
  EXPECT_EQ(dir.listing(), "notes.h5");
  EXPECT_EQ(run_fnesim("report '" + text + "' --lang de").exit_code, 2);
}

TEST(CliReport, SaysWhichInterpreterIsMissingAndPassesTheScriptsStatusOn) {
  ScratchDirectory dir;
  const std::string run = (dir / "run.h5").string();
  ASSERT_EQ(run_fnesim("run -n 20 -j 2 --no-trajectories --out '" + run + "'").exit_code, 0);

  ::setenv("FNESIM_PYTHON", "/nonexistent/python3", 1);
  const auto missing = run_fnesim("report '" + run + "'");
  ::unsetenv("FNESIM_PYTHON");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.err, HasSubstr("fnesim report: cannot run /nonexistent/python3"));
  EXPECT_THAT(missing.err, HasSubstr("python3-matplotlib"));

  // The script's own refusal (an existing output without --force), in the binary's name.
  const std::string page = (dir / "page.html").string();
  testing::write_text(page, "keep");
  const auto exists = run_fnesim("report '" + run + "' -o '" + page + "'");
  EXPECT_EQ(exists.exit_code, 2);
  EXPECT_THAT(exists.err, HasSubstr("fnesim report: " + page + ": exists already"));
  EXPECT_EQ(testing::read_text(std::filesystem::path(page)), "keep");
  EXPECT_THAT(exists.err, Not(HasSubstr("said nothing")));  // it spoke: its words alone

  // An interpreter that fails without a word (not Python at all): said, with its status.
  ::setenv("FNESIM_PYTHON", "/bin/false", 1);
  const auto silent = run_fnesim("report '" + run + "' -o '" + (dir / "other.html").string() + "'");
  ::unsetenv("FNESIM_PYTHON");
  EXPECT_EQ(silent.exit_code, 1);
  EXPECT_THAT(silent.err, HasSubstr("fnesim report: /bin/false "));
  EXPECT_THAT(silent.err, HasSubstr("exited with status 1 and said nothing"));
  EXPECT_FALSE(std::filesystem::exists(dir / "other.html"));

  // One that leaves a process behind holding its stderr: its end is the
  // report's, not the other's (which is still running when fnesim returns).
  const std::string lingers = (dir / "lingers.sh").string();
  testing::write_text(lingers,
                      "#!/bin/sh\nsleep 60 &\necho $! > '" + (dir / "left.pid").string() + "'\nexit 3\n");
  std::filesystem::permissions(lingers, std::filesystem::perms::owner_all);
  ::setenv("FNESIM_PYTHON", lingers.c_str(), 1);
  const auto left = run_fnesim("report '" + run + "' -o '" + (dir / "left.html").string() + "'");
  ::unsetenv("FNESIM_PYTHON");
  const pid_t behind = static_cast<pid_t>(std::stol(testing::read_text(dir / "left.pid")));
  EXPECT_EQ(::kill(behind, 0), 0) << "fnesim waited for the process its interpreter left behind";
  ::kill(behind, SIGKILL);
  EXPECT_EQ(left.exit_code, 3);
  EXPECT_THAT(left.err, HasSubstr("exited with status 3 and said nothing"));
}

}  // namespace
}  // namespace fnesim
