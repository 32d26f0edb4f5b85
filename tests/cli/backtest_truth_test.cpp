// `fnesim backtest --truth` as a user runs it: a directory as the truth
// family, the tables and the JSON, the same output whatever -j, and the
// refusals of bad input (exit status 2, every problem named).
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "support/command.hpp"
#include "support/json_compare.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using testing::run_fnesim;
using testing::ScratchDirectory;
using testing::write_text;

const std::string source = FNESIM_SOURCE_DIR;
const std::string small_path = source + "/tests/data/actuals/synthetic.toml";
const std::string small = "'" + small_path + "'";
const std::string cut_offs = " --cutoffs 2021-05-01,2021-10-01";

// A family of two, both the tests' small scenario under other take-ups.
void write_family(const ScratchDirectory& dir) {
  write_text(dir / "b-slump.toml",
             "extends = \"" + small_path +
                 "\"\nname = \"small-slump\"\n[demand.arrivals]\nexpected_dossiers = 600\n");
  write_text(dir / "a-surge.toml",
             "extends = \"" + small_path +
                 "\"\nname = \"small-surge\"\n[demand.arrivals]\nexpected_dossiers = 2_000\n");
  write_text(dir / "notes.txt", "not a scenario: ignored\n");
}

TEST(CliBacktestTruth, ADirectoryIsTheFamilyInNameOrderAndTheOutputIsTheSameForAnyThreads) {
  const ScratchDirectory dir;
  write_family(dir);
  const std::string arguments =
      "backtest " + small + " --truth '" + dir.path().string() + "' --truths 3 -n 20 --seed 9" + cut_offs;
  const auto table = run_fnesim(arguments + " -j 2");
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const char* text :
       {"against a truth family of 2 scenarios — 3 synthetic years, 20 replications", "a-surge.toml",
        "b-slump.toml", "small-surge", "Coverage", "Regions pooled", "Scores of the year-end national demand",
        "CRPS: fnesim", "naive", "Coverage by truth family member", "Where the truth fell", "PIT 0–10 %",
        "90–100 %", "Check warned", "The prior-predictive check, as `run --actuals` prints it"})
    EXPECT_NE(table.out.find(text), std::string::npos) << text << '\n' << table.out;
  // Year 0 and 2 from the first file by name, year 1 from the second.
  EXPECT_LT(table.out.find("a-surge.toml"), table.out.find("b-slump.toml"));

  const auto one = run_fnesim(arguments + " -j 1 --json"), two = run_fnesim(arguments + " -j 2 --json");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_EQ(one.out, two.out);
  EXPECT_NE(one.out.find("\"truths\": 3"), std::string::npos);
  // The truth seed, above 2^63, is written whole (not as a negative int64).
  EXPECT_NE(one.out.find("\"truth_seed\": 16889670490759654289"), std::string::npos)
      << one.out.substr(0, 400);
  EXPECT_NE(one.out.find("\"member\": 1"), std::string::npos);
  EXPECT_NE(one.out.find("\"naive_eur\""), std::string::npos);
  EXPECT_NE(one.out.find("\"interval_score90_eur\""), std::string::npos);

  // Each year's PIT agrees with its quantiles (20 replications: the 5 % quantile
  // is the lowest, the 95 % the 19th); the histograms count every forecast.
  const testing::FlatJson json = testing::flatten_json(one.out);
  const auto number = [&](const std::string& path) {
    const auto found = json.find(path);
    EXPECT_NE(found, json.end()) << path;
    return found == json.end() ? std::nan("") : std::stod(found->second.text);
  };
  std::array<std::array<int, 10>, 2> histogram{};
  std::array<int, 2> warned{};
  for (int year = 0; year < 3; ++year) {
    for (int c = 0; c < 2; ++c) {
      const std::string at = "years[" + std::to_string(year) + "].forecasts[" + std::to_string(c) + "].";
      const auto total_outside = json.find(at + "total_outside_prior");
      ASSERT_NE(total_outside, json.end()) << at;
      warned[static_cast<std::size_t>(c)] +=
          number(at + "months_outside_prior") > 0 || total_outside->second.text == "true";
      const double pit = number(at + "pit"), outcome = number(at + "outcome_eur");
      EXPECT_GE(pit, 0);
      EXPECT_LE(pit, 1);
      // Of 20 replications, ties counted half: a whole number of fortieths.
      EXPECT_DOUBLE_EQ(40 * pit, std::round(40 * pit)) << at;
      ++histogram[static_cast<std::size_t>(c)]
                 [static_cast<std::size_t>(std::min(9, static_cast<int>(pit * 10)))];
      if (outcome < number(at + "q05_eur")) {
        EXPECT_EQ(pit, 0) << at;
      }
      if (outcome > number(at + "q95_eur")) {
        EXPECT_GE(pit, 0.95) << at;
      }
      if (outcome > number(at + "q25_eur") && outcome < number(at + "q75_eur")) {
        EXPECT_GT(pit, 0.2) << at;
        EXPECT_LT(pit, 0.8) << at;
      }
    }
  }
  // Each cut-off's histogram is its years' PITs by tenths.
  for (int c = 0; c < 2; ++c)
    for (int b = 0; b < 10; ++b)
      EXPECT_EQ(
          number("cut_offs[" + std::to_string(c) + "].national.pit_histogram[" + std::to_string(b) + "]"),
          histogram[static_cast<std::size_t>(c)][static_cast<std::size_t>(b)])
          << c << ' ' << b;
  // Each cut-off's check counts its years' warnings, and splits them.
  for (int c = 0; c < 2; ++c) {
    const std::string at = "cut_offs[" + std::to_string(c) + "].prior_check.";
    EXPECT_EQ(number(at + "years"), 3);
    EXPECT_EQ(number(at + "warned"), warned[static_cast<std::size_t>(c)]);
    EXPECT_EQ(number(at + "warned_years_national.forecasts") + number(at + "other_years_national.forecasts"),
              3);
  }
}

// A scenario's warnings are said once, however many times the command loads
// it (here as the forecaster and as the truth).
TEST(CliBacktestTruth, AScenariosWarningsAreSaidOnce) {
  const ScratchDirectory dir;
  write_text(dir / "thousands.toml",
             "extends = \"" + small_path + "\"\n[demand.cost_per_trainee]\nmean_eur = 60\n");
  std::string file = "'";
  file += (dir / "thousands.toml").string();
  file += '\'';
  std::string arguments = "backtest ";
  arguments += file;
  arguments += " --truth ";
  arguments += file;
  arguments += " --truths 1 -n 10 -j 1 --cutoffs 2021-06-01";
  const auto result = run_fnesim(arguments);
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string warning =
      "thousands.toml:3:1: demand.cost_per_trainee.mean_eur: warning: 60 EUR a trainee";
  ASSERT_NE(result.err.find(warning), std::string::npos) << result.err;
  EXPECT_EQ(result.err.find(warning), result.err.rfind(warning)) << result.err;
}

// A planner whose operator reports monthly totals backtests what they would
// see: the same years, the forecaster given each as the nation's (or each
// region's) monthly totals of what it committed. The years and the run-rate
// baseline are the same whatever the layout; the forecasts differ, since they
// learn from less; a cut-off inside a month is refused, since totals give
// each month whole.
TEST(CliBacktestTruth, TheForecasterMaySeeEachYearAsMonthlyTotals) {
  const ScratchDirectory dir;
  write_family(dir);
  const std::string arguments =
      "backtest " + small + " --truth '" + dir.path().string() + "' --truths 2 -n 20 --seed 9" + cut_offs;
  const auto dossiers = run_fnesim(arguments + " --json");
  const auto national = run_fnesim(arguments + " --layout national --json");
  const auto monthly = run_fnesim(arguments + " --layout monthly");
  ASSERT_EQ(dossiers.exit_code, 0) << dossiers.err;
  ASSERT_EQ(national.exit_code, 0) << national.err;
  ASSERT_EQ(monthly.exit_code, 0) << monthly.err;
  EXPECT_NE(dossiers.out.find("\"layout\": \"dossiers\""), std::string::npos);
  EXPECT_NE(national.out.find("\"layout\": \"national\""), std::string::npos);
  EXPECT_NE(monthly.out.find("sees each year as the monthly totals per region of the dossiers committed"),
            std::string::npos)
      << monthly.out;
  // The same truths and the same baseline; other forecasts.
  const auto field = [](const std::string& json, const std::string& key) {
    std::vector<std::string> values;
    for (std::size_t at = json.find(key); at != std::string::npos; at = json.find(key, at + 1))
      values.push_back(json.substr(at, json.find_first_of(",}", at) - at));
    return values;
  };
  EXPECT_FALSE(field(dossiers.out, "\"outcome_eur\"").empty());
  EXPECT_EQ(field(dossiers.out, "\"outcome_eur\""), field(national.out, "\"outcome_eur\""));
  EXPECT_EQ(field(dossiers.out, "\"naive_eur\""), field(national.out, "\"naive_eur\""));
  EXPECT_NE(field(dossiers.out, "\"q50_eur\""), field(national.out, "\"q50_eur\""));

  const auto mid_month =
      run_fnesim("backtest " + small + " --truth '" + dir.path().string() +
                 "' --truths 2 -n 5 --cutoffs 2021-05-01,2021-09-16,2021-10-02 --layout national");
  EXPECT_EQ(mid_month.exit_code, 2);
  EXPECT_EQ(mid_month.err,
            "fnesim backtest: --cutoffs: 2021-09-16, 2021-10-02: monthly totals give each month whole: with "
            "--layout national a cut-off is a month's first day\n");
  // One row per dossier reads any day.
  EXPECT_EQ(run_fnesim("backtest " + small + " --truth '" + dir.path().string() +
                       "' --truths 2 -n 5 --cutoffs 2021-09-16")
                .exit_code,
            0);
  const auto unknown = run_fnesim(arguments + " --layout weekly");
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("--layout"), std::string::npos) << unknown.err;
  const auto without_truth =
      run_fnesim("backtest " + small + " --actuals '" + source +
                 "/tests/data/actuals/synthetic-dossiers.csv' --layout national" + cut_offs);
  EXPECT_EQ(without_truth.exit_code, 2);
  EXPECT_NE(without_truth.err.find("--layout requires --truth"), std::string::npos) << without_truth.err;
}

TEST(CliBacktestTruth, RefusesBothOrNeitherSourceAndNoTruths) {
  const std::string actuals = " --actuals '" + source + "/tests/data/actuals/synthetic-dossiers.csv'";
  const auto both = run_fnesim("backtest " + small + actuals + " --truth " + small + cut_offs + " -n 5");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("--actuals excludes --truth"), std::string::npos) << both.err;

  const auto neither = run_fnesim("backtest " + small + cut_offs + " -n 5");
  EXPECT_EQ(neither.exit_code, 2);
  EXPECT_EQ(neither.err,
            "fnesim backtest: give --actuals FILE (real history) or --truth SCENARIO (synthetic years), one "
            "of the two\n");

  const auto none = run_fnesim("backtest " + small + " --truth " + small + " --truths 0" + cut_offs);
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_NE(none.err.find("--truths"), std::string::npos) << none.err;

  const auto truths_without_truth = run_fnesim("backtest " + small + actuals + " --truths 5" + cut_offs);
  EXPECT_EQ(truths_without_truth.exit_code, 2);
  EXPECT_NE(truths_without_truth.err.find("--truths requires --truth"), std::string::npos)
      << truths_without_truth.err;

  const ScratchDirectory empty;
  const auto no_files =
      run_fnesim("backtest " + small + " --truth '" + empty.path().string() + "'" + cut_offs);
  EXPECT_EQ(no_files.exit_code, 2);
  EXPECT_EQ(no_files.err,
            "fnesim backtest: --truth " + empty.path().string() + ": no *.toml file in the directory\n");
}

TEST(CliBacktestTruth, RefusesTruthsWithOtherRegionsNamingTheirFiles) {
  const ScratchDirectory dir;
  write_text(dir / "thirteen.toml", "extends = \"" + small_path +
                                        "\"\n[convention]\ntotal_envelope_eur = 19_750_000\n"
                                        "regions.XYZ = { name = \"Elsewhere\", envelope_eur = 1_000_000 }\n");
  write_text(dir / "fine.toml", "extends = \"" + small_path + "\"\n");
  write_text(dir / "later.toml",
             "extends = \"" + small_path + "\"\n[convention]\ncommitment_start = 2021-02-01\n");
  const auto run =
      run_fnesim("backtest " + small + " --truth '" + dir.path().string() + "'" + cut_offs + " -n 5");
  EXPECT_EQ(run.exit_code, 2) << run.out;
  EXPECT_NE(
      run.err.find((dir / "thirteen.toml").string() +
                   ": convention.regions: a truth needs the forecaster's regions, same codes in the same "
                   "order (synthetic: ARA, BFC, BRE, CVL, GES, HDF, IDF, NOR, NAQ, OCC, PAC, PDL), found "
                   "ARA, BFC, BRE, CVL, GES, HDF, IDF, NOR, NAQ, OCC, PAC, PDL, XYZ"),
      std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find((dir / "later.toml").string() +
                         ": convention.commitment_start: a truth needs the forecaster's "
                         "commitment window (synthetic: 2021-01-01 to "
                         "2021-12-31), found 2021-02-01 to 2021-12-31"),
            std::string::npos)
      << run.err;
  EXPECT_EQ(run.err.find("fine.toml"), std::string::npos) << run.err;
  EXPECT_EQ(run.out, "");
}

// Every problem of the command at once: a date that is none, the dates that
// are (out of the window, twice), a member that does not read, one with
// another window, too few years. Each stage stopped the next.
TEST(CliBacktestTruth, SaysEveryProblemAtOnce) {
  const ScratchDirectory dir;
  write_text(dir / "broken.toml", "extends = \"" + small_path + "\"\n[convention\n");
  write_text(dir / "fine.toml", "extends = \"" + small_path + "\"\n");
  write_text(dir / "later.toml",
             "extends = \"" + small_path + "\"\n[convention]\ncommitment_start = 2021-02-01\n");
  const auto run = run_fnesim("backtest " + small + " --truth '" + dir.path().string() +
                              "' --cutoffs 2021-01-01,2021-07-01,2021-07-01,2021-13-01 --truths 1 -n 5");
  EXPECT_EQ(run.exit_code, 2) << run.out;
  for (const std::string& said :
       {std::string("5 problems:"), std::string("--cutoffs: expected dates YYYY-MM-DD, found '2021-13-01'"),
        std::string("--cutoffs: 2021-01-01: must fall after the commitment start"),
        std::string("2021-07-01: given twice"),
        std::string("--truths 1: fewer years than the family's 2 members"),
        (dir / "broken.toml").string() + ":2:",
        (dir / "later.toml").string() + ": convention.commitment_start"})
    EXPECT_NE(run.err.find(said), std::string::npos) << said << "\n" << run.err;
  EXPECT_EQ(run.out, "");
}

}  // namespace
}  // namespace fnesim
