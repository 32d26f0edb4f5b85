// Placeholder while the subcommand is written.
#include "sim/cli.hpp"

namespace fnesim::cli {

void register_run(CLI::App& app, int& exit_code) {
  (void)exit_code;
  app.add_subcommand("run", "not yet available");
}

}  // namespace fnesim::cli
