// Failures that are the machine's, not the input's: a temporary directory
// that is missing or full, memory exhausted inside a worker thread, a full
// standard output; and a device given where a file is expected. Each ends
// with exit status 1 (2 for the device: the input's mistake) and one line
// naming the cause — never std::terminate
// (which would show as a signal, exit status 134) and never a partial output.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli/preamble.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

int lines_of(const std::string& text) { return static_cast<int>(std::count(text.begin(), text.end(), '\n')); }

TEST(CliFailures, AMissingTemporaryDirectoryIsNamed) {
  ScratchDirectory dir;
  const auto run = testing::run_fnesim("run -n 20 --summary-json '" + (dir / "s.json").string() + "'",
                                       "TMPDIR=/nonexistent-fnesim-tmp ");
  EXPECT_EQ(run.exit_code, cli::exit_failure);
  EXPECT_EQ(
      run.err,
      "fnesim run: cannot create a temporary file in /nonexistent-fnesim-tmp: No such file or directory "
      "(set TMPDIR to a writable directory with free space)\n");
  EXPECT_EQ(dir.listing(), "");
}

TEST(CliFailures, AFullTemporaryDirectoryFailsCleanly) {
  // RLIMIT_FSIZE stands in for a full disk (writes beyond 1 KiB fail with
  // EFBIG, as with ENOSPC); the per-replication spill files hit it first.
  ScratchDirectory dir;
  const auto run = testing::run_fnesim("run -n 3000 -j 2 --summary-json '" + (dir / "s.json").string() + "'",
                                       "trap '' XFSZ; ulimit -f 1; exec ");
  EXPECT_EQ(run.exit_code, cli::exit_failure);
  EXPECT_THAT(run.err, HasSubstr("fnesim run: cannot write a temporary file: File too large"));
  EXPECT_EQ(lines_of(run.err), 1) << run.err;
  EXPECT_EQ(dir.listing(), "");
}

TEST(CliFailures, MemoryExhaustedInAWorkerThreadIsReportedNotFatal) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer reserves terabytes of address space: ulimit -v cannot apply";
#endif
  // A million dossiers a year, the most a scenario may expect: legal, but
  // with a steering committee every dossier of a replication waits in the
  // queue for the meetings, and the queues outgrow a 170 MB address space
  // inside the OpenMP workers (250 MB suffice). (Without a committee nothing
  // is queued and 120 MB suffice.)
  ScratchDirectory dir;
  testing::write_text(
      dir / "huge.toml",
      "extends = \"steering-2021.toml\"\n[demand.arrivals]\nexpected_dossiers = 1_000_000\n");
  const auto run = testing::run_fnesim(
      "run '" + (dir / "huge.toml").string() + "' -n 4 -j 2 --out '" + (dir / "run.h5").string() + "'",
      "ulimit -v 170000; exec ");
  EXPECT_EQ(run.exit_code, cli::exit_failure);
  EXPECT_EQ(run.err, "fnesim run: out of memory\n");
  EXPECT_EQ(dir.listing(), "huge.toml");
}

// Output that cannot be written is a failure, not a success with its result lost.
TEST(CliFailures, AFullStandardOutputFails) {
  const auto run = testing::run_fnesim("validate convention-2021", "sh -c 'exec \"$0\" \"$@\" 1>/dev/full' ");
  EXPECT_EQ(run.exit_code, cli::exit_failure);
  EXPECT_EQ(run.err, "fnesim: cannot write the output: No space left on device\n");
}

// A reader that closes the pipe early (`… | head`): the run's files are in
// place before the table is printed, the lost table is said, and no SIGPIPE
// ends the run midway with its temporary file left beside the target.
TEST(CliFailures, AStandardOutputClosedEarlyLeavesTheFilesWhole) {
  ScratchDirectory dir;
  const auto run = testing::run_fnesim("run observed-2021 -n 100 -j 2 --out '" + (dir / "run.h5").string() +
                                           "' --summary-json '" + (dir / "run.json").string() + "'",
                                       "bash -c 'set -o pipefail; \"$0\" \"$@\" | true' ");
  EXPECT_EQ(run.exit_code, cli::exit_failure);
  EXPECT_EQ(run.err, "fnesim: cannot write the output: Broken pipe\n");
  EXPECT_EQ(dir.listing(), "run.h5 run.json");
}

// A device never ends (/dev/zero was read until memory ran out) or blocks (a
// FIFO): a scenario and actuals are read from regular files only.
TEST(CliFailures, ADeviceIsNeitherAScenarioNorActuals) {
  ScratchDirectory dir;
  testing::write_text(dir / "child.toml", "extends = \"/dev/zero\"\nname = \"child\"\n");
  const auto validate = testing::run_fnesim("validate '" + (dir / "child.toml").string() + "'");
  EXPECT_EQ(validate.exit_code, cli::exit_bad_input);
  EXPECT_THAT(validate.err, HasSubstr("child.toml:1:1: extends: cannot read '/dev/zero': not a regular file"));
  const auto actuals =
      testing::run_fnesim("run observed-september-2021 --actuals /dev/zero --as-of 2021-09-16 -n 10");
  EXPECT_EQ(actuals.exit_code, cli::exit_bad_input);
  EXPECT_THAT(actuals.err, HasSubstr("/dev/zero: cannot read: not a regular file"));
}

}  // namespace
}  // namespace fnesim
