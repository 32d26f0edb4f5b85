#pragma once
// Problems found in an input file, one message shape for all of them (scenario
// TOML and actuals CSV alike, engineering.md "Input and errors"):
//   file:line:column: key: message
// where the line and column are left out when unknown (0) and the key when
// empty. For TOML the key is the dotted path (`demand.arrivals.monthly_profile`);
// for CSV the column's name, or `header` / `row` for the line as a whole.
#include <stdexcept>
#include <string>
#include <vector>

namespace fnesim {

struct Diagnostic {
  std::string file;
  int line = 0;
  int column = 0;
  std::string key;
  std::string message;
  std::string to_string() const;
};

// Every problem of one input at once; nothing was partially loaded. Only main
// prints them (one a line) and chooses the exit status (2, bad input).
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace fnesim
