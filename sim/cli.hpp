#pragma once
// The command line: each subcommand registers itself on the CLI11 app and
// runs through a callback that sets the process exit code. Only main prints
// errors of its own; library code throws.
#include <CLI/CLI.hpp>

namespace fnesim::cli {

// Exit codes shared by every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;     // the job could not be done (I/O, precision not reached…)
inline constexpr int exit_bad_input = 2;   // invalid scenario, arguments or input file
inline constexpr int exit_interrupted = 130;

void register_validate(CLI::App& app, int& exit_code);
void register_quote(CLI::App& app, int& exit_code);
void register_run(CLI::App& app, int& exit_code);

}  // namespace fnesim::cli
