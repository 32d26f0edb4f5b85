#pragma once
// The command line: each subcommand registers itself on the CLI11 app and runs
// through a callback that sets the process exit code, or throws — main reports
// every failure (cli/preamble.hpp).
#include <CLI/CLI.hpp>

namespace fnesim::cli {

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
void register_sensitivity(CLI::App& app, int& exit_code);
void register_sweep(CLI::App& app, int& exit_code);
void register_serve(CLI::App& app, int& exit_code);

}  // namespace fnesim::cli
