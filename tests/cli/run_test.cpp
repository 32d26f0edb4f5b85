// `fnesim run` end to end: thread-count invariance of what a user gets, the
// summary JSON's shape, --precision, and refusals of bad input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "results/hdf5.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using testing::read_text;
using testing::run_fnesim;
using testing::scratch_path;

TEST(CliRun, SummaryIsIdenticalForOneAndTwoThreads) {
  const std::string one = scratch_path("one.json"), two = scratch_path("two.json");
  ASSERT_EQ(run_fnesim("run -n 60 --seed 3 -j 1 --summary-json '" + one + "'").exit_code, 0);
  ASSERT_EQ(run_fnesim("run -n 60 --seed 3 -j 2 --summary-json '" + two + "'").exit_code, 0);
  const std::string a = read_text(one), b = read_text(two);
  EXPECT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  for (const char* key :
       {"\"replications\": 60", "\"seed\": 3", "\"p_exhausted\"", "\"exhaustion_day_q05\"",
        "\"exhaustion_day_q50\"", "\"exhaustion_day_q95\"", "\"committed_mean_eur\"", "\"committed_se_eur\"",
        "\"unmet_mean_eur\"", "\"unmet_se_eur\"", "\"dossiers_committed_mean\"",
        "\"trainees_committed_mean\"", "\"p_additional_needed\"", "\"additional_needed_q50_eur\"",
        "\"additional_needed_q90_eur\"", "\"name\": \"Auvergne-Rhône-Alpes\"",
        "\"envelope_eur\": 27500000.00", "\"available_eur\": 26125000.00", "\"p_exhausted_by_month_end\""})
    EXPECT_NE(a.find(key), std::string::npos) << key;
  std::filesystem::remove(one);
  std::filesystem::remove(two);
}

// One simulated year gives no Monte-Carlo error: "±n/a" and a line saying
// why, null in the JSON — not "1.000 ±0.000", which claimed certainty.
TEST(CliRun, OneReplicationClaimsNoPrecision) {
  const std::string json = scratch_path("one-year.json");
  const auto one = run_fnesim("run -n 1 -s 3 --summary-json '" + json + "'");
  ASSERT_EQ(one.exit_code, 0) << one.err;
  EXPECT_NE(one.out.find("±n/a"), std::string::npos) << one.out;
  EXPECT_EQ(one.out.find("±0.000"), std::string::npos) << one.out;
  EXPECT_NE(one.out.find("One simulated year: no Monte-Carlo error can be estimated"), std::string::npos);
  const std::string text = read_text(json);
  for (const char* key :
       {"\"p_additional_needed_se\": null", "\"unmet_se_eur\": null", "\"demand_se_eur\": null"})
    EXPECT_NE(text.find(key), std::string::npos) << key;
  const auto two = run_fnesim("run -n 2 -s 3");
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(two.out.find("±n/a"), std::string::npos) << two.out;
  EXPECT_EQ(two.out.find("One simulated year"), std::string::npos);
  std::filesystem::remove(json);
}

// `fnesim run` on a scenario file of `text` (a variant of a built-in one), with `options`.
testing::CommandResult run_variant(const std::string& text, const std::string& options) {
  const testing::ScratchDirectory dir;
  testing::write_text(dir / "variant.toml", text);
  return run_fnesim("run '" + (dir / "variant.toml").string() + "' " + options);
}

// A probability none of the years show reads 0.000 ±0.000 at any count: the
// run says what bounds it instead (here three regions never run out in 5 years).
TEST(CliRun, ACertainLookingProbabilityIsBoundedByTheRuleOfThree) {
  const auto run = run_fnesim("run -n 5 -s 3");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  ASSERT_NE(run.out.find("0.000 ±0.000"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("within 3 / n = 0.60 of it at 95 % (the rule of three; n = 5 simulated years)"),
            std::string::npos)
      << run.out;
  // The cash's pre-financing too, alone at 1.000 (no advance: OPCO 2i
  // pre-finances every year), the note after it.
  const auto cash =
      run_variant("extends = \"financing-2021.toml\"\n[financing]\nadvance_share = 0\n", "-n 20 -s 3");
  ASSERT_EQ(cash.exit_code, 0) << cash.err;
  const auto pre_financing = cash.out.find("OPCO 2i pre-finances in 1.000 ±0.000");
  ASSERT_NE(pre_financing, std::string::npos) << cash.out;
  EXPECT_GT(cash.out.find("(the rule of three; n = 20 simulated years)"), pre_financing) << cash.out;
  // Three years or fewer: a bound of 1 or more says nothing, and is not said.
  const auto three = run_fnesim("run -n 3 -s 3");
  ASSERT_EQ(three.exit_code, 0) << three.err;
  EXPECT_EQ(three.out.find("rule of three"), std::string::npos) << three.out;
}

// Nothing drawn varies (R1 without its regional uptake): the spread is the
// dossiers' alone, exactly — the ratio's estimate read 17 to 31 % of
// "assumptions" at 20 years.
TEST(CliRun, WithNothingDrawnTheSpreadIsAllTheDossiers) {
  const auto run = run_variant("extends = \"reference-r1.toml\"\n[demand.arrivals]\nregional_uptake_cv = 0\n",
                               "-n 20 -s 3");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("the assumptions drawn 0 %, the dossiers' own randomness 100 %"), std::string::npos)
      << run.out;
}

TEST(CliRun, PrintsTheRegionalTableAndTheNationalLine) {
  const auto run = run_fnesim("run reference-r1 -n 40");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  for (const char* text :
       {"Île-de-France", "P(exhausted)", "National", "Will additional allocations be needed?"})
    EXPECT_NE(run.out.find(text), std::string::npos) << text;
  EXPECT_EQ(run.err, "");  // no progress bar when stderr is not a terminal
}

TEST(CliRun, PrecisionStopsOnceReachedAndFailsLoudlyAtTheMaximum) {
  const auto reached = run_fnesim("run reference-r1 --precision 0.2 --min-replications 20");
  EXPECT_EQ(reached.exit_code, 0) << reached.err;
  EXPECT_NE(reached.out.find(" 20 replications"), std::string::npos) << reached.out;

  const std::string json = scratch_path("never.json");
  const auto failed = run_fnesim(
      "run reference-r1 --precision 0.0001 --min-replications 10 --max-replications 30 "
      "--summary-json '" +
      json + "'");
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.err.find("not reached after the maximum of 30 replications"), std::string::npos)
      << failed.err;
  EXPECT_NE(failed.err.find("P(exhausted): standard error"), std::string::npos) << failed.err;
  // An amount's standard error in euros, and as the share of the amount available that the target is.
  EXPECT_THAT(failed.err, ::testing::ContainsRegex("ARA expected committed: standard error [0-9]+ EUR, "
                                                   "[0-9.]+ % of the amount available \\(target 0.01 %, "
                                                   "2612 EUR\\)"));
  EXPECT_FALSE(std::filesystem::exists(json));
  // Nor is a --precision run announced as large for the cap it may never reach.
  EXPECT_EQ(reached.err.find("large run"), std::string::npos) << reached.err;

  // What the count options mean without --precision, or against it, is said, not ignored.
  const auto both = run_fnesim("run reference-r1 -n 100 --precision 0.2");
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_THAT(both.err,
              ::testing::HasSubstr("-n/--replications and --precision: --precision decides the count"));
  const auto alone = run_fnesim("run reference-r1 -n 20 --min-replications 50");
  EXPECT_EQ(alone.exit_code, 2);
  EXPECT_THAT(alone.err, ::testing::HasSubstr("--min-replications requires --precision"));
  const auto below = run_fnesim("run reference-r1 --precision 0.2 --max-replications 40");
  EXPECT_EQ(below.exit_code, 2);
  EXPECT_THAT(below.err,
              ::testing::HasSubstr("--max-replications 40 is below --min-replications (1000, its default)"));
}

TEST(CliRun, InvalidInputExitsTwoAndWritesNothing) {
  const std::string json = scratch_path("bad.json");
  const auto missing = run_fnesim("run no-such-scenario.toml --summary-json '" + json + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("no-such-scenario.toml"), std::string::npos) << missing.err;
  EXPECT_FALSE(std::filesystem::exists(json));

  const auto bad_file =
      run_fnesim(std::string("run '") + FNESIM_SOURCE_DIR + "/tests/data/bad/several-problems.toml'");
  EXPECT_EQ(bad_file.exit_code, 2);
  EXPECT_EQ(bad_file.out, "");

  EXPECT_EQ(run_fnesim("run -n 0").exit_code, 2);
  EXPECT_EQ(run_fnesim("run -n many").exit_code, 2);
  EXPECT_EQ(run_fnesim("run --threads -3").exit_code, 2);
}

TEST(CliRun, RefusesToOverwriteWithoutForce) {
  const std::string json = scratch_path("exists.json");
  { std::ofstream(json) << "keep me"; }
  const auto refused = run_fnesim("run -n 10 --summary-json '" + json + "'");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_EQ(read_text(json), "keep me");
  EXPECT_EQ(run_fnesim("run -n 10 --force --summary-json '" + json + "'").exit_code, 0);
  EXPECT_NE(read_text(json).find("\"replications\": 10"), std::string::npos);
  std::filesystem::remove(json);
}

TEST(CliRun, AMistypedCommandGetsADidYouMean) {
  const auto runn = testing::run_fnesim("runn -n 5");
  EXPECT_EQ(runn.exit_code, 2);
  EXPECT_EQ(runn.err,
            "fnesim: unknown command 'runn'; did you mean 'run'?\nRun 'fnesim --help' for the commands.\n");
  const auto far = testing::run_fnesim("xyzzy");
  EXPECT_EQ(far.exit_code, 2);
  EXPECT_EQ(far.err, "fnesim: unknown command 'xyzzy'\nRun 'fnesim --help' for the commands.\n");
}

// Out-of-range numbers are refused, naming the option and the limit, rather
// than saturated (two different seeds running the same) or never converging.
TEST(CliRun, SeedsBeyond64BitsAndNonFinitePrecisionsAreRefused) {
  const auto big = testing::run_fnesim("run -n 3 --seed 18446744073709551616");
  EXPECT_EQ(big.exit_code, 2);
  EXPECT_THAT(big.err,
              ::testing::HasSubstr(
                  "--seed: seed 18446744073709551616 does not fit 64 bits (at most 18446744073709551615)"));
  EXPECT_EQ(testing::run_fnesim("run -n 3 -j 1 --seed 18446744073709551615").exit_code, 0);
  const auto nan = testing::run_fnesim("run -n 3 --precision nan");
  EXPECT_EQ(nan.exit_code, 2);
  EXPECT_THAT(nan.err, ::testing::HasSubstr("--precision: 'nan' is not a finite number"));
  // A count that is not a number is said to be none, not out of range.
  const auto words = testing::run_fnesim("run -n abc");
  EXPECT_EQ(words.exit_code, 2);
  EXPECT_THAT(words.err, ::testing::HasSubstr("--replications: 'abc' is not a whole number"));
  EXPECT_THAT(testing::run_fnesim("run -n 0").err, ::testing::HasSubstr("not in range 1 to 1000000000"));
  // Decimal, with or without its sign: 010 is ten replications, not eight (octal).
  EXPECT_THAT(testing::run_fnesim("run -n 010 -j 1").out, ::testing::HasSubstr(" 10 replications"));
  EXPECT_THAT(testing::run_fnesim("run -n +12 -j 1").out, ::testing::HasSubstr(" 12 replications"));
  EXPECT_THAT(testing::run_fnesim("run -n +-5").err, ::testing::HasSubstr("'+-5' is not a whole number"));
  EXPECT_THAT(testing::run_fnesim("run -n 99999999999999999999").err,
              ::testing::HasSubstr("is out of range"));
}

// Two outputs of one command are two files, and an empty name is no name:
// before, `--out X --summary-json X` exited 0 with the run file gone, and
// `--out ""` wrote nothing without a word.
TEST(CliRun, OutputsThatCollideOrHaveNoNameAreRefused) {
  const std::string h5 = scratch_path("same.h5");
  const auto same = run_fnesim("run -n 3 --out '" + h5 + "' --summary-json '" + h5 + "'");
  EXPECT_EQ(same.exit_code, 2);
  EXPECT_EQ(same.err, "fnesim run: --out and --summary-json name the same file (" + h5 +
                          "): the second would replace the first\n");
  EXPECT_FALSE(std::filesystem::exists(h5));
  const auto empty = run_fnesim("run -n 3 --out ''");
  EXPECT_EQ(empty.exit_code, 2);
  EXPECT_EQ(empty.err, "fnesim run: --out: the value is empty; give one, or leave the option out\n");
}

TEST(CliRun, PrintsTheSettlementAndTheReviewAtTheDateAsked) {
  const std::string json = scratch_path("review.json");
  const auto run = run_fnesim("run -n 40 --review-date 2022-01-31 --summary-json '" + json + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("The end of the convention (art. 7): training until 2022-04-30"), std::string::npos);
  EXPECT_NE(run.out.find("Last payment: median 2022-"), std::string::npos);
  EXPECT_NE(run.out.find("Financial review (art. 7), at the end of 2022-01-31"), std::string::npos);
  const std::string summary = read_text(json);
  for (const char* key : {"\"settlement\"", "\"review_date\": \"2022-01-31\"",
                          "\"training_past_deadline\": \"pro-rata\"", "\"unspent_mean_eur\"",
                          "\"lapsed_q95_eur\"", "\"last_payment_day_q50\"", "\"review_trainees_q05\""})
    EXPECT_NE(summary.find(key), std::string::npos) << key;
  std::filesystem::remove(json);

  const auto malformed = run_fnesim("run -n 40 --review-date 2022-02-30");
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("--review-date: expected a date YYYY-MM-DD, found '2022-02-30'"), std::string::npos)
      << malformed.err;
  const auto outside = run_fnesim("run -n 40 --review-date 2020-03-01");
  EXPECT_EQ(outside.exit_code, 2);
  EXPECT_NE(outside.err.find("--review-date 2020-03-01 is outside the convention"), std::string::npos)
      << outside.err;
}

// [financing]: the cash forecast in run's text, the summary JSON, the run file
// and its CSV export; nothing of it without the section.
TEST(CliRun, AScenarioWithFinancingForecastsTheCash) {
  const std::string json = scratch_path("cash.json"), h5 = scratch_path("cash.h5"), csv = scratch_path("cash-csv");
  const std::string again = scratch_path("cash-again.json");
  for (const std::string& path : {json, h5, again, csv}) std::filesystem::remove_all(path);
  const auto run = run_fnesim("run financing-2021 -n 40 -j 2 --summary-json '" + json + "' --out '" + h5 + "'");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("Cash of the fund ([financing]"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("30 % on 2021-01-01"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("OPCO 2i pre-finances in "), std::string::npos);
  const std::string summary = read_text(json);
  for (const char* key : {"\"financing\"", "\"basis_eur\": 142500000.00", "\"commitment_level\": 0.7",
                          "\"p_pre_financing\"", "\"minimum_position_q50_eur\"", "\"cumulative_disbursed\""})
    EXPECT_NE(summary.find(key), std::string::npos) << key;
  // The run file reads back to the same text and JSON.
  const auto inspect = run_fnesim("inspect '" + h5 + "'");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_NE(inspect.out.find(run.out.substr(run.out.find("Cash of the fund"))), std::string::npos) << inspect.out;
  ASSERT_EQ(run_fnesim("export '" + h5 + "' --csv '" + csv + "' --summary-json '" + again + "'").exit_code, 0);
  EXPECT_EQ(read_text(again), summary);
  const std::string cash = read_text((std::filesystem::path(csv) / "cash.csv").string());
  EXPECT_EQ(cash.substr(0, cash.find('\n')), "month,series,mean_eur,q05_eur,q10_eur,q25_eur,q50_eur,q75_eur,q90_eur,q95_eur");
  EXPECT_NE(cash.find("\n2021-01,cumulative_disbursed,42750000,42750000.00,"), std::string::npos) << cash;
  {
    // Its months in another order would label every row of the cash table wrong: refused, naming the entry.
    const std::string reversed = scratch_path("cash-reversed.h5");
    std::filesystem::copy_file(h5, reversed, std::filesystem::copy_options::overwrite_existing);
    {
      hdf5::File file = hdf5::File::open_read_write(reversed);
      hdf5::Group financing = file.open_group("financing");
      std::vector<std::string> months = financing.open_dataset("month").read_strings();
      std::reverse(months.begin(), months.end());
      financing.remove("month");
      financing.write_strings("month", months, {});
    }
    const auto refused = run_fnesim("inspect '" + reversed + "'");
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_THAT(refused.err, ::testing::HasSubstr("/financing/month: entry 0 is '"));
    std::filesystem::remove(reversed);
  }

  const auto plain = run_fnesim("run -n 20 --force --summary-json '" + json + "'");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.out.find("Cash of the fund"), std::string::npos);
  EXPECT_EQ(read_text(json).find("\"financing\""), std::string::npos);
  for (const std::string& path : {json, h5, again}) std::filesystem::remove(path);
  std::filesystem::remove_all(csv);
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// Legal but huge: said before the run starts, so the user can stop it at once.
TEST(CliRunSize, AHugeRunIsAnnouncedBeforeItStarts) {
  const std::string out = scratch_path("huge.h5");
  const auto run = run_fnesim("run -n 10000000 -j 1 --out '" + out + "'", "timeout --preserve-status -s TERM 3 ");
  EXPECT_EQ(run.exit_code, 128 + 15);
  EXPECT_THAT(run.err, ::testing::HasSubstr("note: a large run — about 1e+11 dossiers to simulate (10000000 "
                                            "replications × 10300), and a run file of about 65 GB"));
  EXPECT_FALSE(std::filesystem::exists(out));
}

TEST(CliRunSize, AnOrdinaryRunSaysNothingOfItsSize) {
  const auto run = run_fnesim("run -n 20 -j 1");
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.err, "");
}

}  // namespace
}  // namespace fnesim
