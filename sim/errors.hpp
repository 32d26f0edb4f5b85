#pragma once
// The failures of the library, each a type, thrown where they happen and
// reported by main alone (cli/main.cpp) — never std::terminate. Problems of an
// input file with their positions are sim/diagnostics.hpp's InputError.
#include <stdexcept>

namespace fnesim {

// The machine refused something the run needs: a temporary file that cannot
// be created, written or read back (a full or read-only temporary directory).
class EnvironmentError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Inputs that are well formed but cannot serve the request: a run file that is
// not one fnesim can read, two runs that cannot be compared, bounds that leave
// no solution, options that contradict each other. Reported as bad input
// (exit status 2) with the one message.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// An invariant of the simulation broke (a ledger identity, an impossible
// state): a bug to report, not a result to print.
class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

}  // namespace fnesim
