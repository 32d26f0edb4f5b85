#pragma once
// What each fuzz target does with one input, shared by the libFuzzer entry
// points (tests/fuzz/*_fuzzer.cpp, the `fuzz` preset) and by the regression
// test that replays every kept input under the ordinary build
// (tests/fuzz/fuzz_regressions_test.cpp). An input is handled well when it is
// accepted or refused with the reader's own error type; anything else — another
// exception, a crash, undefined behaviour, a leak — escapes and is a finding.
#include <string_view>

namespace fnesim::fuzz {

// Scenario TOML text. An accepted scenario is also simulated (one replication)
// when its expected arrivals are few enough for a fuzzer's pace: what the
// validator lets through must be simulated without overflow.
void scenario_text(std::string_view text);

// An actuals CSV read against the default scenario; accepted actuals are
// also conditioned on (the posterior) at the September cut-off.
void actuals_text(std::string_view text);

// Bytes written to a file and opened as a run file, as every command opens
// it (after a trial reading in a child process); an accepted file is read whole.
void run_file_bytes(std::string_view bytes);

// A request body the workbench's page sends (`fnesim serve`): JSON whose
// "values" become the form's values for a variant of the default scenario.
// The body may be refused (not JSON, not of the form's shape); the variant
// is then built and loaded, and what was typed never throws there.
void workbench_request(std::string_view body);

}  // namespace fnesim::fuzz
