// `fnesim validate`: exit codes and where the output goes, through the real binary.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "cli/preamble.hpp"
#include "results/run_file.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string data_dir = std::string(FNESIM_SOURCE_DIR) + "/tests/data";

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

Outcome run_fnesim(const std::string& arguments) {
  const fs::path err_file =
      fs::temp_directory_path() / ("fnesim-validate-" + std::to_string(::getpid()) + ".err");
  const std::string command =
      std::string("'") + FNESIM_BINARY + "' " + arguments + " 2> '" + err_file.string() + "'";
  Outcome outcome;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return outcome;
  char buffer[4096];
  std::size_t got = 0;
  while ((got = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) outcome.out.append(buffer, got);
  const int status = ::pclose(pipe);
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_file);
  std::ostringstream text;
  text << err.rdbuf();
  outcome.err = text.str();
  fs::remove(err_file);
  return outcome;
}

TEST(ValidateCommand, DefaultScenarioIsValidAndDescribed) {
  const Outcome o = run_fnesim("validate");
  EXPECT_EQ(o.exit_code, cli::exit_ok) << o.err;
  EXPECT_THAT(o.out, HasSubstr("Scenario convention-2021"));
  EXPECT_THAT(o.out, HasSubstr("142 500 000.00"));
  EXPECT_THAT(o.out, HasSubstr("art6-gt1000-difficulty"));
  EXPECT_EQ(o.err, "");
}

// What a planner declared beyond the stated demand is described too: events,
// uncertain assumptions, the simulated steering and the State's payments.
TEST(ValidateCommand, EventsUncertaintySteeringAndFinancingAreDescribed) {
  const Outcome september = run_fnesim("validate observed-september-2021");
  ASSERT_EQ(september.exit_code, cli::exit_ok) << september.err;
  for (const char* text :
       {"Policy events", "widening                 new-population from 2021-09-07: 700 dossiers expected",
        "Uncertain assumptions (drawn once a replication)",
        "events.deadline-rush.share gamma(mean=0.1, cv=1)",
        "Uptake month to month    a random drift of sd 5 % a month, jumps with probability 30 % a month, log sd 1"})
    EXPECT_THAT(september.out, HasSubstr(text));
  const Outcome steering = run_fnesim("validate steering-2021");
  ASSERT_EQ(steering.exit_code, cli::exit_ok) << steering.err;
  EXPECT_THAT(steering.out, HasSubstr("Committee meetings       2021-06-30, 2021-10-15"));
  EXPECT_THAT(steering.out, HasSubstr("(the convention's; [steering] below simulates its own)"));
  const Outcome financing = run_fnesim("validate financing-2021");
  ASSERT_EQ(financing.exit_code, cli::exit_ok) << financing.err;
  EXPECT_THAT(financing.out, HasSubstr("Advance                  30 % on 2021-01-01"));
  // None of it for a scenario without them.
  const Outcome plain = run_fnesim("validate");
  EXPECT_THAT(plain.out, ::testing::Not(HasSubstr("Policy events")));
  EXPECT_THAT(plain.out, ::testing::Not(HasSubstr("Uncertain assumptions")));
}

TEST(ValidateCommand, InvalidFileExitsTwoWithDiagnosticsOnStderrOnly) {
  const Outcome o = run_fnesim("validate '" + data_dir + "/bad/unknown-key.toml'");
  EXPECT_EQ(o.exit_code, cli::exit_bad_input);
  EXPECT_EQ(o.out, "");
  EXPECT_THAT(
      o.err, HasSubstr("unknown-key.toml:4:1: convention.regions.BRE.envelop_eur: unknown key 'envelop_eur'; "
                       "did you mean 'envelope_eur'?"));
}

TEST(ValidateCommand, AnyInvalidFileFailsTheWholeRun) {
  const Outcome o = run_fnesim("validate reference-r1 '" + data_dir + "/good/chain-child.toml' '" + data_dir +
                               "/bad/beta-infeasible.toml'");
  EXPECT_EQ(o.exit_code, cli::exit_bad_input);
  EXPECT_THAT(o.out, HasSubstr("Scenario reference-r1"));
  EXPECT_THAT(o.out, HasSubstr("Scenario chain-child"));
  EXPECT_THAT(o.err, HasSubstr("dropout_sd"));
}

// A scenario that loads but whose amounts look typed in thousands of euros:
// valid (exit 0), described, and the warning on stderr, as `run` says it too.
TEST(ValidateCommand, AmountsThatLookTypedInThousandsAreWarnedOfOnStderr) {
  const fs::path file =
      fs::temp_directory_path() / ("fnesim-validate-thousands-" + std::to_string(::getpid()) + ".toml");
  std::ofstream(file) << "extends = \"reference-r1.toml\"\n[demand.cost_per_trainee]\nmean_eur = 6\n";
  const Outcome validate = run_fnesim("validate '" + file.string() + "'");
  EXPECT_EQ(validate.exit_code, cli::exit_ok) << validate.err;
  EXPECT_THAT(validate.out, HasSubstr("Scenario fnesim-validate-thousands"));
  EXPECT_THAT(validate.err,
              HasSubstr(".toml:3:1: demand.cost_per_trainee.mean_eur: warning: 6 EUR a trainee is "
                        "less than a day of training: amounts are in euros, so 6 thousand is "
                        "written 6e3\n"));
  // The run file keeps the warning, word for word, and inspect shows it.
  const fs::path run_file = fs::path(file).replace_extension(".h5");
  const Outcome run = run_fnesim("run '" + file.string() + "' -n 10 -j 1 --out '" + run_file.string() + "'");
  EXPECT_EQ(run.exit_code, cli::exit_ok) << run.err;
  EXPECT_THAT(run.err, HasSubstr("mean_eur: warning: 6 EUR a trainee"));
  const std::string said = run.err.substr(0, run.err.find('\n'));
  EXPECT_EQ(RunFileReader(run_file).info().scenario_warnings, std::vector<std::string>{said});
  const Outcome inspect = run_fnesim("inspect '" + run_file.string() + "'");
  EXPECT_EQ(inspect.exit_code, cli::exit_ok) << inspect.err;
  EXPECT_THAT(inspect.out, HasSubstr("Warning:          " + said + "\n"));
  // Without one, none is kept nor shown.
  const Outcome plain = run_fnesim("run reference-r1 -n 10 -j 1 --force --out '" + run_file.string() + "'");
  EXPECT_EQ(plain.exit_code, cli::exit_ok) << plain.err;
  EXPECT_TRUE(RunFileReader(run_file).info().scenario_warnings.empty());
  EXPECT_THAT(run_fnesim("inspect '" + run_file.string() + "'").out, Not(HasSubstr("Warning:")));
  fs::remove(file);
  fs::remove(run_file);
}

TEST(ValidateCommand, QuietPrintsOnlyProblems) {
  const Outcome valid = run_fnesim("validate --quiet reference-r1");
  EXPECT_EQ(valid.exit_code, cli::exit_ok);
  EXPECT_EQ(valid.out, "");
  const Outcome missing = run_fnesim("validate -q no-such-file.toml");
  EXPECT_EQ(missing.exit_code, cli::exit_bad_input);
  EXPECT_EQ(missing.out, "");
  EXPECT_THAT(missing.err, HasSubstr("no-such-file.toml: cannot read: No such file or directory"));
  EXPECT_THAT(missing.err, HasSubstr("built-in: convention-2021, "));
  EXPECT_THAT(missing.err, HasSubstr("reference-r1"));
}

}  // namespace
}  // namespace fnesim
