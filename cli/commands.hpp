#pragma once
// The command line: each subcommand registers itself on the CLI11 app and
// runs through a callback that sets the process exit code. Only main prints
// errors of its own; library code throws.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <string_view>

namespace fnesim::cli {

// Exit codes shared by every subcommand.
inline constexpr int exit_ok = 0;
inline constexpr int exit_failure = 1;    // the job could not be done (I/O, precision not reached…)
inline constexpr int exit_bad_input = 2;  // invalid scenario, arguments or input file
inline constexpr int exit_interrupted = 130;

void register_validate(CLI::App& app, int& exit_code);
void register_quote(CLI::App& app, int& exit_code);
void register_run(CLI::App& app, int& exit_code);
void register_bench(CLI::App& app, int& exit_code);
void register_inspect(CLI::App& app, int& exit_code);
void register_export(CLI::App& app, int& exit_code);
void register_recommend(CLI::App& app, int& exit_code);
void register_report(CLI::App& app, int& exit_code);
void register_compare(CLI::App& app, int& exit_code);
void register_backtest(CLI::App& app, int& exit_code);
void register_synthesize(CLI::App& app, int& exit_code);

// Checks an output path before a long job: prints "<command>: <reason>" and
// returns exit_bad_input when it exists and `force` is false (a usage error),
// exit_failure when it cannot be written (missing or read-only directory),
// exit_ok otherwise. Defined in cli_run.cpp.
int check_output_argument(std::string_view command, const std::filesystem::path& path, bool force);

}  // namespace fnesim::cli
