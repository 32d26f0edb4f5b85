// fnesim: Monte-Carlo budget forecasting for the FNE-Formation 2021 convention.
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "fnesim_git_revision.hpp"
#include "fnesim_version.hpp"
#include "sim/cluster.hpp"
#include "sim/scenario/reader.hpp"

namespace {

// The commands whose loops a cluster run splits over its ranks (sim/cluster.hpp).
bool splits_over_ranks(const std::string& command) {
  for (const char* name : {"run", "backtest", "sensitivity", "sweep", "recommend"})
    if (command == name) return true;
  return false;
}

int run_command_line(int argc, char** argv) {
  CLI::App app{"fnesim: when does each FNE-Formation regional envelope run out, and how sure are we?"};
  app.set_version_flag("--version",
                       std::string("fnesim ") + fnesim::version_string + " (" + fnesim::git_revision + ")");
  app.require_subcommand(1);
  int exit_code = fnesim::cli::exit_ok;
  fnesim::cli::register_validate(app, exit_code);
  fnesim::cli::register_quote(app, exit_code);
  fnesim::cli::register_run(app, exit_code);
  fnesim::cli::register_bench(app, exit_code);
  fnesim::cli::register_inspect(app, exit_code);
  fnesim::cli::register_export(app, exit_code);
  fnesim::cli::register_recommend(app, exit_code);
  fnesim::cli::register_report(app, exit_code);
  fnesim::cli::register_compare(app, exit_code);
  fnesim::cli::register_backtest(app, exit_code);
  fnesim::cli::register_synthesize(app, exit_code);
  fnesim::cli::register_sensitivity(app, exit_code);
  fnesim::cli::register_sweep(app, exit_code);
  fnesim::cli::register_serve(app, exit_code);
  // An empty value is never one a command can use, and one that reads an empty
  // option as an option left out would run without it: `--actuals ''` (an
  // unset shell variable) forecast from the prior alone, `run ''` ran the
  // default scenario. Checked for every option and argument, before any
  // command runs (the main command's callback runs before its subcommand's).
  app.parse_complete_callback([&app] {
    for (const CLI::App* command : app.get_subcommands())
      for (const CLI::Option* option : command->get_options()) {
        if (option->get_type_size() == 0 || option->count() == 0) continue;
        for (const std::string& value : option->results())
          if (value.empty())
            throw fnesim::cli::UsageError(option->get_name() + ": the value is empty; give one" +
                                          (option->get_required()    ? ""
                                           : option->nonpositional() ? ", or leave the option out"
                                                                     : ", or leave it out"));
      }
  });
  // A mistyped subcommand gets a did-you-mean, not CLI11's "A subcommand is required".
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands([](const CLI::App*) { return true; }))
    names.push_back(sub->get_name());
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    const std::string suggestion = fnesim::scenario_detail::closest_match(argv[1], names);
    std::cerr << "fnesim: unknown command '" << argv[1] << "'"
              << (suggestion.empty() ? std::string() : "; did you mean '" + suggestion + "'?") << '\n'
              << "Run 'fnesim --help' for the commands.\n";
    return fnesim::cli::exit_bad_input;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : fnesim::cli::exit_bad_input;
  } catch (...) {
    // Every failure a subcommand throws ends here: one message, one exit status.
    std::string command = "fnesim";
    for (const CLI::App* sub : app.get_subcommands()) command += " " + sub->get_name();
    return fnesim::cli::report_failure(command, std::current_exception());
  }
  // What a command printed is its result: a full disk or a closed pipe under
  // stdout must not pass for success.
  // errno may be the failed write's or a later call's: only a write's own
  // errors are named.
  std::cout.flush();
  if (!std::cout || std::fflush(stdout) != 0 || std::ferror(stdout) != 0) {
    const int error = errno;
    const bool a_write_error =
        error == EPIPE || error == ENOSPC || error == EIO || error == EDQUOT || error == EFBIG;
    std::cerr << "fnesim: cannot write the output: "
              << (a_write_error ? std::strerror(error) : "standard output was closed or is full") << '\n';
    return fnesim::cli::exit_failure;
  }
  // Notes and warnings on stderr are part of the result too; when they could
  // not be written there is nowhere to say so but the exit status.
  std::cerr.flush();
  if (exit_code == fnesim::cli::exit_ok && (!std::cerr || std::fflush(stderr) != 0 || std::ferror(stderr) != 0))
    return fnesim::cli::exit_failure;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  // SIGINT, SIGTERM and SIGHUP leave no temporary file behind, in any phase (cli/progress.hpp).
  fnesim::cli::install_signal_handlers();
  // A reader that closes the pipe early (`fnesim run … | head`) makes the
  // writes to standard output fail, not the command: by default SIGPIPE would
  // end it midway, its temporary files left beside their targets.
  std::signal(SIGPIPE, SIG_IGN);
  // Under mpirun every rank runs the command; other commands than those with
  // loops to split run on rank 0 alone.
  fnesim::cluster::Session cluster(&argc, &argv);
  if (argc > 1 && splits_over_ranks(argv[1]))
    fnesim::cluster::allow_splitting();
  else if (fnesim::cluster::rank() != 0)
    return cluster.finish(0);
  return cluster.finish(run_command_line(argc, argv));
}
