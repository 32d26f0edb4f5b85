// `fnesim report RUN.h5`: the committee's HTML report, drawn by
// scripts/report.py (matplotlib) under Debian's Python (docs/report.md).
// The binary checks the run file, finds the script and its interpreter, and
// passes the script's exit status on.
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <optional>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "cli/report_script.hpp"
#include "results/run_file.hpp"

extern char** environ;

namespace fnesim::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view command = "fnesim report";

struct ReportOptions {
  std::string file, output, lang = "fr", png_dir;
  bool force = false;
};

// Runs argv[0] and passes its exit status on. SIGINT, SIGTERM and SIGHUP
// sent to fnesim are passed on to the child (cli/progress.hpp), which removes
// its temporary files and exits with 128 + the signal; a terminal's Ctrl-C
// reaches both, and the script heeds only the first. SIGQUIT is left to the
// child alone, as std::system does. The child starts with the three blocked,
// and the script unblocks them once its first handler is in place: one sent
// while the interpreter starts waits for it, rather than ending Python with a
// "Fatal Python error" and a traceback of its start. (A wrapper script named
// by FNESIM_PYTHON must exec the interpreter: the signals go to our child.)
int run_child(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  for (const std::string& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  // Blocked until the child's id is known to the handler, so that none is lost.
  sigset_t interrupting, previous_mask;
  sigemptyset(&interrupting);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&interrupting, signal);
  pthread_sigmask(SIG_BLOCK, &interrupting, &previous_mask);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGQUIT);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigset_t child_mask = previous_mask;
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&child_mask, signal);
  posix_spawnattr_setsigmask(&attributes, &child_mask);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  struct sigaction ignore {
  }, old_quit{};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGQUIT, &ignore, &old_quit);
  // The child's stderr comes through this process, so that one failing
  // without a word (an FNESIM_PYTHON that is no Python) is said to have
  // failed: the user would otherwise see nothing but a status.
  int said[2] = {-1, -1};
  const bool piped = ::pipe2(said, O_CLOEXEC) == 0;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (piped) posix_spawn_file_actions_adddup2(&actions, said[1], STDERR_FILENO);
  pid_t child = 0;
  // spawnp: FNESIM_PYTHON may name an interpreter on PATH (python3), as a shell would find it.
  const int spawned = posix_spawnp(&child, argv[0], &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (piped) ::close(said[1]);
  if (spawned == 0) forward_signals_to(child);
  pthread_sigmask(SIG_SETMASK, &previous_mask, nullptr);
  // Read while the child runs, not until the pipe closes: a process it left
  // behind may hold its stderr open long after it ended. Its end is looked
  // for between reads, a tenth of a second apart at most.
  bool said_something = false;
  int status = 0;
  bool reaped = spawned != 0;  // nothing to wait for
  if (piped) {
    char buffer[4096];
    const auto pass_on = [&](ssize_t got) {
      said_something = true;
      for (ssize_t written = 0; written < got;) {
        const ssize_t n = ::write(STDERR_FILENO, buffer + written, static_cast<std::size_t>(got - written));
        if (n < 0 && errno != EINTR) return;
        written += n > 0 ? n : 0;
      }
    };
    for (bool open = true; open && !reaped;) {
      pollfd readable{said[0], POLLIN, 0};
      if (::poll(&readable, 1, 100) > 0) {
        const ssize_t got = ::read(said[0], buffer, sizeof buffer);
        if (got > 0)
          pass_on(got);
        else if (got == 0 || errno != EINTR)
          open = false;
      }
      if (!reaped) reaped = ::waitpid(child, &status, WNOHANG) == child;
    }
    // What it wrote before it ended, without waiting on a writer it left behind.
    ::fcntl(said[0], F_SETFL, O_NONBLOCK);
    for (ssize_t got = 0; (got = ::read(said[0], buffer, sizeof buffer)) > 0;) pass_on(got);
    ::close(said[0]);
  }
  if (!reaped)
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {
    }
  const int forwarded = forward_signals_to(0);
  sigaction(SIGQUIT, &old_quit, nullptr);
  if (spawned != 0) {
    std::cerr << command << ": cannot run " << arguments[0] << ": " << std::strerror(spawned)
              << " (install Debian's python3 with python3-numpy, python3-h5py and python3-matplotlib: "
                 "scripts/install-deps.sh; or set FNESIM_PYTHON)\n";
    return exit_failure;
  }
  // A script that failed on its own while a signal was on its way (or an
  // interpreter of FNESIM_PYTHON's that never unblocks them) wrote nothing:
  // the job was still interrupted, and says so.
  if (forwarded != 0 && WIFEXITED(status) && WEXITSTATUS(status) != 0) return 128 + forwarded;
  // Silent and failed, but not ended by the user's signal (the script exits 128 + it, saying nothing).
  const bool by_a_signal =
      WIFEXITED(status) && (WEXITSTATUS(status) == 128 + SIGINT || WEXITSTATUS(status) == 128 + SIGTERM ||
                            WEXITSTATUS(status) == 128 + SIGHUP);
  if (piped && WIFEXITED(status) && WEXITSTATUS(status) != 0 && !by_a_signal && !said_something)
    std::cerr << command << ": " << arguments[0] << " " << arguments[1] << " exited with status "
              << WEXITSTATUS(status)
              << " and said nothing: is it Debian's python3 with python3-numpy, python3-h5py and "
                 "python3-matplotlib (scripts/install-deps.sh; FNESIM_PYTHON names another)?\n";
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) {
    const int signal = WTERMSIG(status);
    if (signal == SIGINT || signal == SIGTERM || signal == SIGHUP) return 128 + signal;
    std::cerr << command << ": " << arguments[1] << " ended by signal " << signal << '\n';
  }
  return exit_failure;
}

int report_command(const ReportOptions& options) {
  // The same refusals, in the same words, as inspect and export.
  { const RunFileReader run(options.file); }
  std::vector<fs::path> looked_at;
  const std::optional<fs::path> script = find_report_script(looked_at);
  if (!script) {
    std::cerr << command << ": the report script is missing; looked for";
    for (const fs::path& path : looked_at) std::cerr << ' ' << path.string();
    std::cerr << '\n';
    return exit_failure;
  }
  std::vector<std::string> arguments = {report_interpreter(), script->string(),
                                        "--prog",
                                        std::string(command),
                                        options.file,
                                        "--lang",
                                        options.lang};
  if (!options.output.empty()) arguments.insert(arguments.end(), {"--output", options.output});
  if (!options.png_dir.empty()) arguments.insert(arguments.end(), {"--png-dir", options.png_dir});
  if (options.force) arguments.emplace_back("--force");
  return run_child(arguments);
}

}  // namespace

std::optional<fs::path> find_report_script(std::vector<fs::path>& looked_at) {
  std::error_code ec;
  const fs::path executable = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) looked_at.push_back(executable.parent_path().parent_path() / "share" / "fnesim" / "report.py");
  looked_at.emplace_back(FNESIM_REPORT_SCRIPT);
  for (const fs::path& candidate : looked_at)
    if (fs::is_regular_file(candidate, ec)) return candidate;
  return std::nullopt;
}

std::string report_interpreter() {
  const char* python = std::getenv("FNESIM_PYTHON");
  // Debian's interpreter: the one python3-numpy, -h5py and -matplotlib install into.
  return python != nullptr && *python != '\0' ? python : "/usr/bin/python3";
}

void register_report(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<ReportOptions>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write the steering committee's report of a run file: one self-contained HTML page (fan charts, "
      "exhaustion risk, additional allocation, assumptions, precision) and its charts as PNG files");
  cmd->add_option("file", options->file, "Run file written by `fnesim run --out`")->required();
  cmd->add_option("-o,--output", options->output,
                  "HTML file to write (default: the run file's name with .html)");
  cmd->add_option("--lang", options->lang,
                  "Language of labels and number formats: fr (« 27,5 M€ », « 15 sept. 2021 ») or en "
                  "(€27.5M, 15 Sep 2021); French by default, as the committee works in French")
      ->check(CLI::IsMember({"fr", "en"}))
      ->capture_default_str();
  cmd->add_option("--png-dir", options->png_dir,
                  "Directory of the PNG charts (default: <output stem>_png/): fan_national.png, "
                  "fan_regions.png, p_exhausted.png, additional_needed.png; tornado.png and sobol.png for a "
                  "file of `fnesim sensitivity`, cash.png for a scenario with [financing]");
  cmd->add_flag("--force", options->force, "Overwrite existing output files");
  cmd->footer(
      "Runs scripts/report.py under /usr/bin/python3 (FNESIM_PYTHON overrides), which needs numpy, h5py and "
      "matplotlib.");
  cmd->callback([options, &exit_code] { exit_code = report_command(*options); });
}

}  // namespace fnesim::cli
