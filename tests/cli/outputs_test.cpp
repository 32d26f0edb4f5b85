// Hostile outputs: fnesim replaces only regular files (never a device, a FIFO,
// a directory or a symbolic link, with or without --force); two outputs of
// one command, or an output and an input, are never one file; and SIGINT,
// SIGTERM or SIGHUP in any phase leave no `<target>.tmp.<pid>` behind and
// exit with 128 + the signal.
//
// Devices are made in a scratch directory (mknod, as root only), never taken
// from /dev: an output test must not be able to replace a real device.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "results/output_file.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"

extern char** environ;

namespace fnesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDirectory;

std::string quoted(const fs::path& path) {
  std::string text(1, '\'');
  text += path.string();
  text += '\'';
  return text;
}

// The names in `directory`, sorted, or "" (also when it does not exist).
std::string listing_of(const fs::path& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(directory, ec)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : " ") + n;
  return out;
}

// Every path under `directory` whose name holds ".tmp.".
std::string temporaries_under(const fs::path& directory) {
  std::string found;
  for (const auto& entry : fs::recursive_directory_iterator(directory))
    if (entry.path().filename().string().find(".tmp.") != std::string::npos) found += entry.path().string() + " ";
  return found;
}

bool is_char_device(const fs::path& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISCHR(status.st_mode);
}

// A null device (1, 3) of our own, in the scratch directory.
bool make_device(const fs::path& path) { return ::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, 3)) == 0; }

// A small run file, made once per test that needs one.
void make_run_file(const fs::path& path, const std::string& options = "-n 8") {
  const auto made = testing::run_fnesim("run " + options + " --out " + quoted(path));
  ASSERT_EQ(made.exit_code, 0) << made.err;
}

void expect_refused(const testing::CommandResult& result, const std::string& message) {
  EXPECT_EQ(result.exit_code, 2) << result.err;
  EXPECT_THAT(result.err, HasSubstr(message));
}

TEST(CliOutputs, ForceNeverReplacesADeviceNode) {
  ScratchDirectory dir;
  const fs::path node = dir / "node";
  if (!make_device(node)) GTEST_SKIP() << "mknod needs root: " << std::strerror(errno);
  make_run_file(dir / "run.h5");
  const std::string refusal = node.string() + ": is a device; fnesim replaces only regular files";
  expect_refused(testing::run_fnesim("run -n 5 --out " + quoted(node) + " --force"), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(node) + " --force"), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(node)), refusal);
  expect_refused(testing::run_fnesim("export " + quoted(dir / "run.h5") + " --summary-json " + quoted(node) +
                                     " --force"),
                 refusal);
  expect_refused(testing::run_fnesim("synthesize-actuals convention-2021 -s 1 -r 0 -o " + quoted(node) +
                                     " --force"),
                 refusal);
  // A CSV export's file.
  fs::create_directory(dir / "csv");
  ASSERT_TRUE(make_device(dir / "csv" / "regions.csv"));
  expect_refused(testing::run_fnesim("export " + quoted(dir / "run.h5") + " --csv " + quoted(dir / "csv") +
                                     " --force"),
                 "regions.csv: is a device; fnesim replaces only regular files");
  EXPECT_TRUE(is_char_device(node));
  EXPECT_TRUE(is_char_device(dir / "csv" / "regions.csv"));
  EXPECT_EQ(dir.listing(), "csv node run.h5");
  EXPECT_EQ(listing_of(dir / "csv"), "regions.csv");
}

TEST(CliOutputs, ForceNeverReplacesAFifo) {
  ScratchDirectory dir;
  const fs::path fifo = dir / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0666), 0);
  const std::string refusal = fifo.string() + ": is a FIFO (named pipe); fnesim replaces only regular files";
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(fifo) + " --force"), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --out " + quoted(fifo) + " --force"), refusal);
  expect_refused(testing::run_fnesim("synthesize-actuals convention-2021 -s 1 -r 0 -o " + quoted(fifo) +
                                     " --force"),
                 refusal);
  struct stat status {};
  ASSERT_EQ(::lstat(fifo.c_str(), &status), 0);
  EXPECT_TRUE(S_ISFIFO(status.st_mode));
  EXPECT_EQ(dir.listing(), "fifo");
}

TEST(CliOutputs, ForceNeverReplacesADirectory) {
  ScratchDirectory dir;
  fs::create_directory(dir / "out.h5");
  testing::write_text(dir / "out.h5" / "inside", "kept");
  const std::string refusal = (dir / "out.h5").string() + ": is a directory; fnesim replaces only regular files";
  expect_refused(testing::run_fnesim("run -n 5 --out " + quoted(dir / "out.h5") + " --force"), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(dir / "out.h5") + " --force"), refusal);
  EXPECT_EQ(testing::read_text(dir / "out.h5" / "inside"), "kept");
  EXPECT_EQ(dir.listing(), "out.h5");
}

// "-" reads as standard output to whoever types it: refused, for every
// output at once, rather than written as a file of that name.
TEST(CliOutputs, ADashIsRefusedAsAnOutputFileName) {
  ScratchDirectory dir;
  const std::string in_dir = "cd " + quoted(dir.path()) + " && exec ";
  const std::string refusal =
      "-: names standard output, not a file; fnesim writes this output to a file (./- "
      "names a file called '-')";
  expect_refused(testing::run_fnesim("run -n 5 --summary-json -", in_dir), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --out -", in_dir), refusal);
  expect_refused(testing::run_fnesim("synthesize-actuals convention-2021 -s 1 -r 0 -o -", in_dir), refusal);
  EXPECT_EQ(dir.listing(), "");
  ASSERT_EQ(testing::run_fnesim("run -n 5 --out run.h5", in_dir).exit_code, 0);
  expect_refused(testing::run_fnesim("export run.h5 --summary-json -", in_dir), refusal);
  expect_refused(testing::run_fnesim("report run.h5 -o -", in_dir), refusal);  // checked in scripts/report.py
  expect_refused(
      testing::run_fnesim("export run.h5 --csv -", in_dir),
      "--csv -: names standard output, not a directory; fnesim writes these files in a directory (./- "
      "names a directory called '-')");
  expect_refused(
      testing::run_fnesim("report run.h5 -o r.html --png-dir -", in_dir),
      "--png-dir -: names standard output, not a directory; fnesim writes the charts in a directory "
      "(./- names a directory called '-')");
  EXPECT_EQ(dir.listing(), "run.h5");
  ASSERT_EQ(testing::run_fnesim("run -n 5 --summary-json ./-", in_dir).exit_code, 0);
  EXPECT_EQ(dir.listing(), "- run.h5");
}

// An export over another run's export replaces it whole: a table this run
// has none of (cash.csv beside a run without [financing]) would be read as
// this run's, so --force removes it and says so; without --force the
// directory is refused as before.
TEST(CliOutputs, AnExportOverAnotherLeavesNoneOfItsTables) {
  ScratchDirectory dir;
  make_run_file(dir.path() / "financing.h5", "financing-2021 -n 8");
  make_run_file(dir.path() / "plain.h5", "-n 8 --no-trajectories");
  const fs::path csv = dir.path() / "csv";
  ASSERT_EQ(testing::run_fnesim("export " + quoted(dir.path() / "financing.h5") + " --csv " + quoted(csv))
                .exit_code,
            0);
  ASSERT_TRUE(fs::exists(csv / "cash.csv"));
  ASSERT_TRUE(fs::exists(csv / "monthly_fan.csv"));
  expect_refused(testing::run_fnesim("export " + quoted(dir.path() / "plain.h5") + " --csv " + quoted(csv)),
                 "exist already (use --force to overwrite)");
  const auto replaced =
      testing::run_fnesim("export " + quoted(dir.path() / "plain.h5") + " --csv " + quoted(csv) + " --force");
  ASSERT_EQ(replaced.exit_code, 0) << replaced.err;
  EXPECT_EQ(listing_of(csv),
            "exhaustion_by_month.csv national_replications.csv regions.csv replications.csv "
            "settlement.csv");
  for (const char* table : {"cash.csv", "monthly_fan.csv"})
    EXPECT_THAT(replaced.err, HasSubstr("removed " + (csv / table).string() +
                                        ": left by an earlier export, this run has no such table"));
  // A file of a table's name where no export is: the planner's own, left alone.
  const fs::path own = dir.path() / "own";
  fs::create_directory(own);
  std::ofstream(own / "cash.csv") << "mine\n";
  const auto beside =
      testing::run_fnesim("export " + quoted(dir.path() / "plain.h5") + " --csv " + quoted(own));
  ASSERT_EQ(beside.exit_code, 0) << beside.err;
  EXPECT_THAT(listing_of(own), HasSubstr("cash.csv"));
  EXPECT_THAT(beside.err, Not(HasSubstr("removed")));
}

TEST(CliOutputs, ASymbolicLinkIsRefusedEvenToARegularFile) {
  ScratchDirectory dir;
  testing::write_text(dir / "target.json", "mine");
  fs::create_symlink(dir / "target.json", dir / "link.json");
  fs::create_symlink(dir / "absent.json", dir / "dangling.json");
  const std::string refusal = (dir / "link.json").string() + ": is a symbolic link; fnesim replaces only regular files";
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(dir / "link.json") + " --force"), refusal);
  expect_refused(testing::run_fnesim("run -n 5 --out " + quoted(dir / "link.json") + " --force"), refusal);
  expect_refused(testing::run_fnesim("synthesize-actuals convention-2021 -s 1 -r 0 -o " +
                                     quoted(dir / "link.json") + " --force"),
                 refusal);
  expect_refused(testing::run_fnesim("run -n 5 --summary-json " + quoted(dir / "dangling.json") + " --force"),
                 "dangling.json: is a symbolic link; fnesim replaces only regular files");
  EXPECT_TRUE(fs::is_symlink(dir / "link.json"));
  EXPECT_EQ(fs::read_symlink(dir / "link.json"), dir / "target.json");
  EXPECT_EQ(testing::read_text(dir / "target.json"), "mine");
  EXPECT_TRUE(fs::is_symlink(dir / "dangling.json"));
  EXPECT_EQ(dir.listing(), "dangling.json link.json target.json");

  // recommend --save replaces the run file by an updated copy: not through a link.
  make_run_file(dir / "run.h5");
  const std::string original = testing::read_text(dir / "run.h5");
  fs::create_symlink(dir / "run.h5", dir / "run-link.h5");
  expect_refused(testing::run_fnesim("recommend " + quoted(dir / "run-link.h5") + " --save -j 1"),
                 "run-link.h5: is a symbolic link; fnesim replaces only regular files");
  EXPECT_TRUE(fs::is_symlink(dir / "run-link.h5"));
  EXPECT_EQ(testing::read_text(dir / "run.h5"), original);
  EXPECT_EQ(dir.listing(), "dangling.json link.json run-link.h5 run.h5 target.json");
}

TEST(CliOutputs, OutputsThatAreOneFileThroughAHardLinkCollide) {
  ScratchDirectory dir;
  testing::write_text(dir / "a.h5", "mine");
  fs::create_hard_link(dir / "a.h5", dir / "b.json");
  const auto run = testing::run_fnesim("run -n 5 --out " + quoted(dir / "a.h5") + " --summary-json " +
                                       quoted(dir / "b.json") + " --force");
  expect_refused(run, "--out and --summary-json name the same file");
  EXPECT_EQ(testing::read_text(dir / "a.h5"), "mine");

  // export: the summary JSON and one of the CSV files.
  make_run_file(dir / "run.h5");
  fs::create_directory(dir / "csv");
  testing::write_text(dir / "csv" / "regions.csv", "mine");
  fs::create_hard_link(dir / "csv" / "regions.csv", dir / "s.json");
  const auto exported = testing::run_fnesim("export " + quoted(dir / "run.h5") + " --csv " + quoted(dir / "csv") +
                                            " --summary-json " + quoted(dir / "s.json") + " --force");
  expect_refused(exported, "name the same file");
  EXPECT_THAT(exported.err, HasSubstr("regions.csv"));
  EXPECT_EQ(testing::read_text(dir / "s.json"), "mine");
  EXPECT_EQ(listing_of(dir / "csv"), "regions.csv");
  EXPECT_EQ(dir.listing(), "a.h5 b.json csv run.h5 s.json");
}

// "x.h5" and "$PWD/x.h5", neither written yet: one file. Missed, both
// temporaries were one, and x.h5 was left holding the JSON.
TEST(CliOutputs, OutputsSpeltRelativeAndAbsoluteCollide) {
  ScratchDirectory dir;
  const std::string in_dir = "cd " + quoted(dir.path()) + " && ";
  expect_refused(testing::run_fnesim("run -n 5 --out x.h5 --summary-json " + quoted(dir / "x.h5"), in_dir),
                 "--out and --summary-json name the same file");
  expect_refused(
      testing::run_fnesim("sweep --set demand.arrivals.expected_dossiers=7000,9000 -n 5 --json s.json "
                          "--csv ./s.json --force",
                          in_dir),
      "name the same file");
  EXPECT_EQ(dir.listing(), "");
}

TEST(CliOutputs, AnOutputIsNeverAnInput) {
  ScratchDirectory dir;
  make_run_file(dir / "run.h5");
  const std::string run_file = testing::read_text(dir / "run.h5");
  expect_refused(testing::run_fnesim("export " + quoted(dir / "run.h5") + " --summary-json " +
                                     quoted(dir / "run.h5") + " --force"),
                 "--summary-json names the run file");
  fs::create_hard_link(dir / "run.h5", dir / "same.json");
  expect_refused(testing::run_fnesim("export " + quoted(dir / "run.h5") + " --summary-json " +
                                     quoted(dir / "same.json") + " --force"),
                 "--summary-json names the run file");
  EXPECT_EQ(testing::read_text(dir / "run.h5"), run_file);

  // The scenario, and a parent it extends.
  testing::write_text(dir / "parent.toml", "extends = \"convention-2021.toml\"\nname = \"parent\"\n");
  testing::write_text(dir / "child.toml", "extends = \"parent.toml\"\nname = \"child\"\n");
  const std::string parent = testing::read_text(dir / "parent.toml");
  const std::string child = testing::read_text(dir / "child.toml");
  expect_refused(testing::run_fnesim("run " + quoted(dir / "child.toml") + " -n 5 --out " +
                                     quoted(dir / "child.toml") + " --force"),
                 "--out names the scenario file");
  expect_refused(testing::run_fnesim("run " + quoted(dir / "child.toml") + " -n 5 --summary-json " +
                                     quoted(dir / "parent.toml") + " --force"),
                 "--summary-json names the scenario file");
  expect_refused(testing::run_fnesim("synthesize-actuals " + quoted(dir / "child.toml") + " -s 1 -r 0 -o " +
                                     quoted(dir / "child.toml") + " --force"),
                 "--out names the scenario file");
  EXPECT_EQ(testing::read_text(dir / "parent.toml"), parent);
  EXPECT_EQ(testing::read_text(dir / "child.toml"), child);

  // The actuals of a run from actuals.
  const std::string actuals = std::string(FNESIM_SOURCE_DIR) + "/scenarios/actuals/september-2021.csv";
  if (fs::exists(actuals)) {
    fs::copy_file(actuals, dir / "actuals.csv");
    const std::string text = testing::read_text(dir / "actuals.csv");
    expect_refused(testing::run_fnesim("run observed-september-2021 --actuals " + quoted(dir / "actuals.csv") +
                                       " --as-of 2021-09-16 -n 5 --summary-json " + quoted(dir / "actuals.csv") +
                                       " --force"),
                   "--summary-json names the actuals");
    EXPECT_EQ(testing::read_text(dir / "actuals.csv"), text);
  }
  EXPECT_THAT(dir.listing(), ::testing::Not(HasSubstr(".tmp.")));
}

// A note on stderr that cannot be written (a full disk: a node like
// /dev/full, made here) fails the command: exit 1, not success.
TEST(CliOutputs, AnUnwritableStandardErrorFailsTheCommand) {
  ScratchDirectory dir;
  const fs::path full = dir / "full";
  if (::mknod(full.c_str(), S_IFCHR | 0666, makedev(1, 7)) != 0) GTEST_SKIP() << "mknod needs root";
  make_run_file(dir / "run.h5", "-n 8 --no-trajectories");
  // export notes on stderr that monthly_fan.csv is not written.
  const auto exported = testing::run_fnesim("export " + quoted(dir / "run.h5") + " --csv " + quoted(dir / "csv"),
                                            "sh -c 'exec \"$0\" \"$@\" 2>" + full.string() + "' ");
  EXPECT_EQ(exported.exit_code, 1);
  EXPECT_EQ(temporaries_under(dir.path()), "");
}

// A command's outputs are put in place together: when one cannot be written
// (a full disk: RLIMIT_FSIZE makes writes beyond 200 KiB fail, and only
// replications.csv is that large), none is left — not the summary JSON
// written before it, nor the CSV directory made for it.
TEST(CliOutputs, AnOutputThatFailsLeavesNoneOfTheOthers) {
  ScratchDirectory dir;
  make_run_file(dir / "run.h5", "-n 300");
  const auto full = testing::run_fnesim("export " + quoted(dir / "run.h5") + " --summary-json " +
                                            quoted(dir / "s.json") + " --csv " + quoted(dir / "csv"),
                                        "trap '' XFSZ; ulimit -f 200; exec ");
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_THAT(full.err, HasSubstr("replications.csv: write failed: File too large; nothing written"));
  EXPECT_EQ(dir.listing(), "run.h5");
  // With room, both.
  const auto room = testing::run_fnesim("export " + quoted(dir / "run.h5") + " --summary-json " +
                                        quoted(dir / "s.json") + " --csv " + quoted(dir / "csv"));
  EXPECT_EQ(room.exit_code, 0) << room.err;
  EXPECT_EQ(dir.listing(), "csv run.h5 s.json");
}

TEST(CliOutputs, ACsvDirectoryIsMadeOnlyInAnExistingParent) {
  ScratchDirectory dir;
  make_run_file(dir / "run.h5");
  const auto deep =
      testing::run_fnesim("export " + quoted(dir / "run.h5") + " --csv " + quoted(dir / "a/b/csv"));
  EXPECT_EQ(deep.exit_code, 1);
  EXPECT_THAT(deep.err, HasSubstr("a/b/csv: directory " + (dir / "a/b").string() + " does not exist"));
  EXPECT_EQ(dir.listing(), "run.h5");
  // A sensitivity analysis says so before its simulation, and makes nothing.
  const auto analysis = testing::run_fnesim("sensitivity reference-r1 -n 8 --csv " + quoted(dir / "a/csv"));
  EXPECT_EQ(analysis.exit_code, 1);
  EXPECT_THAT(analysis.err, HasSubstr("a/csv: directory " + (dir / "a").string() + " does not exist"));
  EXPECT_EQ(dir.listing(), "run.h5");
}

// The table of temporaries a signal handler empties: listed while they exist,
// removed by remove_registered_temporaries(), which a handler may call; a
// directory made for outputs goes with them, after the files in it.
TEST(CliOutputs, RegisteredTemporariesAreRemovedByTheSignalPath) {
  ScratchDirectory dir;
  EXPECT_EXIT(
      {
        OutputSet outputs(false);
        outputs.make_directory(dir / "csv");
        TemporaryFile a(dir / "csv" / "a.csv");
        TemporaryFile b(dir / "b.h5");
        const bool created = fs::exists(a.path()) && fs::exists(b.path());
        remove_registered_temporaries();
        std::_Exit(created && !fs::exists(a.path()) && !fs::exists(b.path()) && !fs::exists(dir / "csv") ? 0
                                                                                                         : 1);
      },
      ::testing::ExitedWithCode(0), "");
  EXPECT_EQ(dir.listing(), "");
  {
    OutputSet outputs(false);
    outputs.make_directory(dir / "kept");
    outputs.add_text(dir / "kept" / "x.txt", "x\n");
    outputs.add_text(dir / "y.txt", "y\n");
    EXPECT_EQ(dir.listing(), "kept y.txt.tmp." + std::to_string(::getpid()));
    outputs.commit();
  }
  EXPECT_EQ(dir.listing(), "kept y.txt");
  EXPECT_EQ(listing_of(dir / "kept"), "x.txt");
  {
    OutputSet abandoned(false);
    abandoned.make_directory(dir / "gone");
    abandoned.add_text(dir / "gone" / "x.txt", "x\n");
    EXPECT_THROW(abandoned.add_text(dir / "missing" / "z.txt", "z\n"), OutputError);
  }
  EXPECT_EQ(dir.listing(), "kept y.txt");
  fs::remove_all(dir / "kept");
  fs::remove(dir / "y.txt");
  {
    TemporaryFile committed(dir / "c.txt");
    committed.commit(false);
    TemporaryFile discarded(dir / "d.txt");
  }
  EXPECT_EQ(dir.listing(), "c.txt");
}

// ---- Signals -------------------------------------------------------------------

// fnesim started in the background, its output to files in `logs`.
class Background {
 public:
  Background(const std::vector<std::string>& arguments, const fs::path& logs) {
    std::vector<std::string> args{FNESIM_BINARY};
    args.insert(args.end(), arguments.begin(), arguments.end());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    const std::string out = (logs / "stdout").string(), err = (logs / "stderr").string();
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // The test's own signal dispositions and mask are not the child's business.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t none, defaults;
    sigemptyset(&none);
    sigemptyset(&defaults);
    for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&defaults, s);
    posix_spawnattr_setsigmask(&attributes, &none);
    posix_spawnattr_setsigdefault(&attributes, &defaults);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    spawned_ = posix_spawn(&pid_, args[0].c_str(), &actions, &attributes, argv.data(), environ) == 0;
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    err_path_ = err;
  }
  ~Background() {
    if (spawned_ && !reaped_) {
      ::kill(pid_, SIGKILL);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  bool spawned() const { return spawned_; }
  pid_t pid() const { return pid_; }
  std::string err() const { return testing::read_text(err_path_); }
  bool running() {
    int status = 0;
    if (reaped_) return false;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      reaped_ = true;
      status_ = status;
      return false;
    }
    return true;
  }
  // The exit status as a shell reports it (128 + the signal for a death by
  // signal); -1 when still running after `limit` (the process is then killed).
  int wait(std::chrono::seconds limit) {
    const auto deadline = std::chrono::steady_clock::now() + limit;
    while (running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (!reaped_) return -1;
    return WIFEXITED(status_) ? WEXITSTATUS(status_) : 128 + WTERMSIG(status_);
  }

 private:
  pid_t pid_ = 0;
  bool spawned_ = false, reaped_ = false;
  int status_ = 0;
  std::string err_path_;
};

// Polls `ready` every few milliseconds until it holds, the process ends or 30 s pass.
bool wait_for(Background& job, const std::function<bool()>& ready) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    if (ready()) return true;
    if (!job.running()) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

std::string temporary_of(const fs::path& target, pid_t pid) { return target.string() + ".tmp." + std::to_string(pid); }

// /proc/PID + rest, and the file listing a process's children.
std::string proc_path(pid_t pid, const char* rest) {
  std::string path = "/proc/";
  path += std::to_string(pid);
  path += rest;
  return path;
}
std::string children_of(pid_t pid) {
  std::string path = proc_path(pid, "/task/");
  path += std::to_string(pid);
  path += "/children";
  return path;
}

const int interrupting_signals[] = {SIGTERM, SIGHUP, SIGINT};

TEST(CliOutputs, ASignalDuringTheSimulationLeavesNoTemporary) {
  for (int signal : interrupting_signals) {
    SCOPED_TRACE(strsignal(signal));
    ScratchDirectory dir, logs;
    Background job({"run", "-n", "100000000", "-j", "1", "--out", (dir / "run.h5").string(), "--summary-json",
                    (dir / "s.json").string()},
                   logs.path());
    ASSERT_TRUE(job.spawned());
    ASSERT_TRUE(wait_for(job, [&] { return fs::exists(temporary_of(dir / "run.h5", job.pid())); })) << job.err();
    ASSERT_EQ(::kill(job.pid(), signal), 0);
    EXPECT_EQ(job.wait(std::chrono::seconds(20)), 128 + signal) << job.err();
    EXPECT_EQ(dir.listing(), "");
  }
}

TEST(CliOutputs, ASecondSignalDuringTheSimulationEndsAtOnceAndLeavesNoTemporary) {
  ScratchDirectory dir, logs;
  Background job({"run", "-n", "100000000", "-j", "1", "--out", (dir / "run.h5").string()}, logs.path());
  ASSERT_TRUE(job.spawned());
  ASSERT_TRUE(wait_for(job, [&] { return fs::exists(temporary_of(dir / "run.h5", job.pid())); })) << job.err();
  ASSERT_EQ(::kill(job.pid(), SIGTERM), 0);
  ::kill(job.pid(), SIGTERM);  // may find the process gone already
  EXPECT_EQ(job.wait(std::chrono::seconds(20)), 128 + SIGTERM) << job.err();
  EXPECT_EQ(dir.listing(), "");
}

// A pseudo-terminal: the test holds the primary side.
class Terminal {
 public:
  Terminal() {
    primary_ = ::posix_openpt(O_RDWR | O_NOCTTY);
    if (primary_ >= 0 && ::grantpt(primary_) == 0 && ::unlockpt(primary_) == 0) secondary_ = ::ptsname(primary_);
  }
  ~Terminal() {
    if (filler_ >= 0) ::close(filler_);
    if (primary_ >= 0) ::close(primary_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;
  bool ok() const { return !secondary_.empty(); }
  const std::string& secondary() const { return secondary_; }
  // What was written on the secondary side since the last call.
  std::string drain() {
    std::string text;
    char buffer[4096];
    ssize_t n = 0;
    while ((n = ::read(primary_, buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<std::size_t>(n));
    return text;
  }
  void nonblocking() { ::fcntl(primary_, F_SETFL, O_NONBLOCK); }
  // Fills the terminal's output queue: whoever writes on it next blocks
  // until the test reads, which it does not.
  bool fill() {
    filler_ = ::open(secondary_.c_str(), O_WRONLY | O_NOCTTY | O_NONBLOCK);
    if (filler_ < 0) return false;
    const std::string block(256, 'x');
    for (int i = 0; i < 100'000; ++i)
      if (::write(filler_, block.data(), block.size()) < 0) return errno == EAGAIN;
    return false;
  }

 private:
  int primary_ = -1, filler_ = -1;
  std::string secondary_;
};

// After the simulation no flag is polled: the handler itself removes the
// run file's temporary (open in HDF5) and ends the process. The phase is
// made certain, not timed: stderr is a terminal, so the progress bar is
// drawn and its line cleared when the simulation is done; stdout is another
// terminal, whose output queue the test has filled, so the regional table
// (line-buffered on a terminal), printed before the run file's summary is
// written and the file renamed, blocks fnesim until the signal.
TEST(CliOutputs, ASignalAfterTheSimulationLeavesNoRunFileTemporary) {
  for (int signal : interrupting_signals) {
    SCOPED_TRACE(strsignal(signal));
    ScratchDirectory dir, logs;
    Terminal bar, table;
    ASSERT_TRUE(bar.ok() && table.ok());
    ASSERT_TRUE(table.fill());
    bar.nonblocking();
    std::vector<std::string> args{"/bin/sh",
                                  "-c",
                                  "exec \"$0\" \"$@\" >'" + table.secondary() + "' 2>'" + bar.secondary() + "'",
                                  FNESIM_BINARY,
                                  "run",
                                  "reference-r1",
                                  "-n",
                                  "300",
                                  "-j",
                                  "2",
                                  "--out",
                                  (dir / "run.h5").string()};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_t pid = 0;
    ASSERT_EQ(posix_spawn(&pid, "/bin/sh", nullptr, nullptr, argv.data(), environ), 0);
    // The shell execs fnesim: the same process.
    const std::string cleared = "\r" + std::string(72, ' ') + "\r";
    std::string seen;
    int status = 0;
    bool exited = false, done = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (!done && !exited && std::chrono::steady_clock::now() < deadline) {
      seen += bar.drain();
      done = seen.find(cleared) != std::string::npos;
      if (!done) {
        exited = ::waitpid(pid, &status, WNOHANG) == pid;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    if (done) {
      EXPECT_TRUE(fs::exists(temporary_of(dir / "run.h5", pid)));
      ::kill(pid, signal);
    }
    const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (!exited && std::chrono::steady_clock::now() < limit) {
      bar.drain();
      exited = ::waitpid(pid, &status, WNOHANG) == pid;
      if (!exited) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    if (!exited) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
    }
    ASSERT_TRUE(done) << "the progress bar was never cleared: " << seen;
    ASSERT_TRUE(exited);
    EXPECT_EQ(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), 128 + signal) << seen;
    EXPECT_EQ(dir.listing(), "");
  }
}

TEST(CliOutputs, ASignalDuringAnExportLeavesNoTemporary) {
  // Many cheap replications: a long export (replications.csv, monthly_fan.csv)
  // after the first file's temporary appears.
  ScratchDirectory run_dir;
  testing::write_text(run_dir / "small.toml",
                      "extends = \"convention-2021.toml\"\nname = \"small\"\n"
                      "[demand.arrivals]\nexpected_dossiers = 200\n");
  make_run_file(run_dir / "run.h5", quoted(run_dir / "small.toml") + " -n 10000 -j 2");
  for (int signal : interrupting_signals) {
    SCOPED_TRACE(strsignal(signal));
    ScratchDirectory dir, logs;
    Background job({"export", (run_dir / "run.h5").string(), "--csv", (dir / "csv").string(), "--summary-json",
                    (dir / "s.json").string()},
                   logs.path());
    ASSERT_TRUE(job.spawned());
    // The first CSV file is being written; the others (the large ones) are still to come.
    ASSERT_TRUE(wait_for(job, [&] { return fs::exists(temporary_of(dir / "csv" / "regions.csv", job.pid())); }))
        << job.err();
    ASSERT_EQ(::kill(job.pid(), signal), 0);
    EXPECT_EQ(job.wait(std::chrono::seconds(20)), 128 + signal) << job.err();
    // The outputs are put in place together: none of them, not the CSV directory made for them.
    EXPECT_EQ(dir.listing(), "");
  }
}

// A signal that reaches the interpreter as it starts, before report.py's own
// handler is installed, ends Python with status 1 ("Fatal Python error") and
// nothing written: the report was interrupted all the same. An interpreter
// standing in for one that starts slowly makes the moment certain.
TEST(CliOutputs, ASignalAsTheReportStartsEndsItAsInterrupted) {
  ScratchDirectory dir, logs;
  make_run_file(dir / "run.h5", "-n 20");
  const fs::path interpreter = dir / "python-starting";
  testing::write_text(interpreter,
                      "#!/bin/sh\ntrap 'exit 1' INT\n: > \"$(dirname \"$0\")/started\"\n"
                      "while :; do sleep 0.05; done\n");
  fs::permissions(interpreter, fs::perms::owner_all);
  ASSERT_EQ(::setenv("FNESIM_PYTHON", interpreter.c_str(), 1), 0);
  Background job({"report", (dir / "run.h5").string(), "-o", (dir / "report.html").string()}, logs.path());
  ::unsetenv("FNESIM_PYTHON");
  ASSERT_TRUE(job.spawned());
  ASSERT_TRUE(wait_for(job, [&] { return fs::exists(dir / "started"); })) << job.err();
  ASSERT_EQ(::kill(job.pid(), SIGINT), 0);
  EXPECT_EQ(job.wait(std::chrono::seconds(30)), 128 + SIGINT) << job.err();
  EXPECT_FALSE(fs::exists(dir / "report.html"));
}

TEST(CliOutputs, ASignalDuringAReportLeavesNoTemporary) {
  if (::access("/usr/bin/python3", X_OK) != 0 ||
      std::system("/usr/bin/python3 -c 'import h5py, matplotlib, numpy' 2>/dev/null") != 0)
    GTEST_SKIP() << "no Python with h5py, matplotlib and numpy";
  ScratchDirectory dir;
  make_run_file(dir / "run.h5", "-n 200");
  for (int signal : interrupting_signals) {
    SCOPED_TRACE(strsignal(signal));
    ScratchDirectory logs;
    Background job({"report", (dir / "run.h5").string(), "-o", (dir / "report.html").string()}, logs.path());
    ASSERT_TRUE(job.spawned());
    // The script is running: fnesim's child is report.py (an earlier child is
    // the trial reading of the run file, which forwards nothing).
    const std::string children = children_of(job.pid());
    ASSERT_TRUE(wait_for(job, [&] {
      const std::string child = testing::read_text(children);
      return !child.empty() && testing::read_text(proc_path(std::atoi(child.c_str()), "/cmdline"))
                                       .find("report.py") != std::string::npos;
    })) << job.err();
    ASSERT_EQ(::kill(job.pid(), signal), 0);
    EXPECT_EQ(job.wait(std::chrono::seconds(30)), 128 + signal) << job.err();
    // Python still starting or importing: no traceback of it (the script
    // starts with the signals blocked, and its first handler leaves quietly).
    EXPECT_EQ(job.err().find("Traceback"), std::string::npos) << job.err();
    EXPECT_EQ(temporaries_under(dir.path()), "");
    EXPECT_FALSE(fs::exists(dir / "report.html"));
    EXPECT_FALSE(fs::exists(dir / "report_png"));
  }
  // Later, while the charts are drawn (matplotlib is loaded): the script's
  // own handler removes what it wrote and exits with 128 + the signal.
  ScratchDirectory logs;
  Background job({"report", (dir / "run.h5").string(), "-o", (dir / "report.html").string()}, logs.path());
  ASSERT_TRUE(job.spawned());
  const std::string children = children_of(job.pid());
  ASSERT_TRUE(wait_for(job, [&] {
    const std::string child = testing::read_text(children);
    return !child.empty() && testing::read_text(proc_path(std::atoi(child.c_str()), "/maps")).find("matplotlib") !=
                                 std::string::npos;
  })) << job.err();
  ASSERT_EQ(::kill(job.pid(), SIGINT), 0);
  EXPECT_EQ(job.wait(std::chrono::seconds(30)), 128 + SIGINT) << job.err();
  EXPECT_EQ(temporaries_under(dir.path()), "");
  EXPECT_FALSE(fs::exists(dir / "report.html"));
  EXPECT_FALSE(fs::exists(dir / "report_png"));  // made by this run, removed with what it held
}

}  // namespace
}  // namespace fnesim
