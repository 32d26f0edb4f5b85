// fnesim: Monte-Carlo budget forecasting for the FNE-Formation 2021 convention.
#include <iostream>

#include "cli/commands.hpp"
#include "cli/preamble.hpp"
#include "fnesim_version.hpp"

int main(int argc, char** argv) {
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
  return exit_code;
}
