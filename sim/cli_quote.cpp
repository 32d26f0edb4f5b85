// Placeholder while the subcommand is written.
#include "sim/cli.hpp"

namespace fnesim::cli {

void register_quote(CLI::App& app, int& exit_code) {
  (void)exit_code;
  app.add_subcommand("quote", "not yet available");
}

}  // namespace fnesim::cli
