// `fnesim quote` end to end: the binary, the built-in scenario, the convention's
// numbers for every size × status cell, and clear refusals of bad input.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <string>

#include "support/command.hpp"

namespace {

using QuoteRun = fnesim::testing::CommandResult;

// Runs `fnesim quote <args>`; arguments are passed through the shell as written.
QuoteRun quote(const std::string& args) { return fnesim::testing::run_fnesim("quote " + args); }

// The raw text of a top-level scalar in the quote's JSON object: `"key": value`.
std::string json_value(const std::string& json, const std::string& key) {
  const std::regex pattern("\"" + key + "\": (\"[^\"]*\"|[^,\\n}]+)");
  std::smatch match;
  if (!std::regex_search(json, match, pattern)) return "(missing " + key + ")";
  return match[1];
}

struct Cell {
  long headcount;
  const char* status;
  const char* fne;
  const char* company;
  const char* rate;
  const char* rule;
};

// Art. 6 table, 10 000 EUR of pedagogical costs, at each boundary headcount.
TEST(CliQuote, EveryCellOfTheConventionTable) {
  const Cell cells[] = {
      {10, "AP", "10000.00", "0.00", "1", "art6-lt300-AP"},
      {49, "APLD", "10000.00", "0.00", "1", "art6-lt300-APLD"},
      {50, "difficulty", "10000.00", "0.00", "1", "art6-lt300-difficulty"},
      {299, "AP", "10000.00", "0.00", "1", "art6-lt300-AP"},
      {299, "APLD", "10000.00", "0.00", "1", "art6-lt300-APLD"},
      {299, "difficulty", "10000.00", "0.00", "1", "art6-lt300-difficulty"},
      {300, "AP", "7000.00", "3000.00", "0.7", "art6-300to1000-AP"},
      {300, "APLD", "8000.00", "2000.00", "0.8", "art6-300to1000-APLD"},
      {300, "difficulty", "7000.00", "3000.00", "0.7", "art6-300to1000-difficulty"},
      {1000, "AP", "7000.00", "3000.00", "0.7", "art6-300to1000-AP"},
      {1000, "APLD", "8000.00", "2000.00", "0.8", "art6-300to1000-APLD"},
      {1000, "difficulty", "7000.00", "3000.00", "0.7", "art6-300to1000-difficulty"},
      {1001, "AP", "7000.00", "3000.00", "0.7", "art6-gt1000-AP"},
      {1001, "APLD", "8000.00", "2000.00", "0.8", "art6-gt1000-APLD"},
      {1001, "difficulty", "4000.00", "6000.00", "0.4", "art6-gt1000-difficulty"},
      {20000, "difficulty", "4000.00", "6000.00", "0.4", "art6-gt1000-difficulty"},
  };
  for (const Cell& cell : cells) {
    SCOPED_TRACE(std::to_string(cell.headcount) + " " + cell.status);
    const QuoteRun run = quote("--headcount " + std::to_string(cell.headcount) + " --status " + cell.status +
                               " --pathway certifying --trainees 4 --pedagogical 10000 --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(run.err, "");
    EXPECT_EQ(json_value(run.out, "fne_eur"), cell.fne);
    EXPECT_EQ(json_value(run.out, "company_eur"), cell.company);
    EXPECT_EQ(json_value(run.out, "pdc50_eur"), "0.00");
    EXPECT_EQ(json_value(run.out, "state_allowance_eur"), "0.00");
    EXPECT_EQ(json_value(run.out, "total_eur"), "10000.00");
    EXPECT_EQ(json_value(run.out, "rate"), cell.rate);
    EXPECT_EQ(json_value(run.out, "rule"), std::string("\"") + cell.rule + "\"");
    EXPECT_EQ(json_value(run.out, "article").find("\"art. 6"), 0u);
    EXPECT_EQ(json_value(run.out, "headcount"), std::to_string(cell.headcount));
    EXPECT_EQ(json_value(run.out, "status"), std::string("\"") + cell.status + "\"");
    EXPECT_EQ(json_value(run.out, "trainees"), "4");
    EXPECT_EQ(json_value(run.out, "date"), "\"2021-01-01\"");  // the scenario's commitment start
    EXPECT_EQ(json_value(run.out, "total_per_trainee_eur"), "2500.00");
    EXPECT_EQ(json_value(run.out, "eligible"), "true");
  }
}

TEST(CliQuote, TextStatement) {
  const QuoteRun run = quote(
      "--headcount 650 --status APLD --pathway anticipation --trainees 3 --pedagogical 10000 --date "
      "2021-05-10");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find(
                "Rule art6-300to1000-APLD (art. 6): the FNE-Formation envelope pays 80 % of eligible costs"),
            std::string::npos)
      << run.out;
  EXPECT_NE(run.out.find("8 000.00"), std::string::npos);
  EXPECT_NE(run.out.find("2 000.00"), std::string::npos);
  EXPECT_NE(run.out.find("10 000.00"), std::string::npos);
  EXPECT_NE(run.out.find("3 333.33"), std::string::npos);  // per trainee
  EXPECT_NE(run.out.find("cannot come from public funds"), std::string::npos);
  EXPECT_NE(run.out.find("2021-05-10"), std::string::npos);
  EXPECT_EQ(run.out.find("Note:"), std::string::npos);
}

TEST(CliQuote, RemunerationPayers) {
  const std::string common =
      " --pathway covid_specific --trainees 2 --pedagogical 3000 --remuneration 1234.5 --json";
  const QuoteRun small = quote("--headcount 49 --status difficulty" + common);
  ASSERT_EQ(small.exit_code, 0) << small.err;
  EXPECT_EQ(json_value(small.out, "pdc50_eur"), "1234.50");
  EXPECT_EQ(json_value(small.out, "company_eur"), "0.00");
  EXPECT_EQ(json_value(small.out, "total_eur"), "4234.50");
  const QuoteRun fifty = quote("--headcount 50 --status difficulty" + common);
  EXPECT_EQ(json_value(fifty.out, "pdc50_eur"), "0.00");
  EXPECT_EQ(json_value(fifty.out, "company_eur"), "1234.50");
  const QuoteRun ap = quote("--headcount 49 --status ap" + common);  // keys are case-insensitive
  EXPECT_EQ(json_value(ap.out, "state_allowance_eur"), "1234.50");
  EXPECT_EQ(json_value(ap.out, "status"), "\"AP\"");
}

TEST(CliQuote, CentsAreExact) {
  const QuoteRun run =
      quote("--headcount 500 --status AP --pathway certifying --trainees 1 --pedagogical 0.01 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json_value(run.out, "fne_eur"), "0.01");  // 0.7 cent rounds to 1
  EXPECT_EQ(json_value(run.out, "company_eur"), "0.00");
  const QuoteRun third = quote(
      "--headcount 5000 --status difficulty --pathway certifying --trainees 3 --pedagogical 3333.33 "
      "--ancillary 0.04 --json");
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(json_value(third.out, "fne_eur"), "1333.35");  // 40 % of 3333.37 = 1333.348
  EXPECT_EQ(json_value(third.out, "company_eur"), "2000.02");
  EXPECT_EQ(json_value(third.out, "total_eur"), "3333.37");
  EXPECT_EQ(json_value(third.out, "total_per_trainee_eur"), "1111.12");
}

// Art. 7: the convention's art. 3 and 6 conditions apply to dossiers filed from
// 1 January 2021, and commitments stop on 31 December 2021. A 2020 dossier it
// takes over keeps the conditions of its filing, which fnesim does not encode:
// rather than quote it under the 2021 table, quote refuses, and says why.
TEST(CliQuote, DatesOutsideTheCommitmentWindowAreRefusedCitingArticle7) {
  const std::string dossier =
      "--headcount 450 --status APLD --pathway certifying --trainees 3 --pedagogical 12000";
  for (const std::string& form :
       {dossier, std::string("--diagnostic-days 3"), std::string("--sector-study 5000")}) {
    for (const char* date : {"2020-11-15", "2020-12-31"}) {
      SCOPED_TRACE(form + " --date " + date);
      const QuoteRun run = quote(form + " --date " + date + " --json");
      EXPECT_EQ(run.exit_code, 2);
      EXPECT_EQ(run.out, "");
      EXPECT_NE(
          run.err.find(std::string("fnesim quote: --date ") + date +
                       " is before the commitment window 2021-01-01 to 2021-12-31: from 2021-01-01 the "
                       "convention takes dossiers in charge under its art. 3 and 6 conditions (art. 7); a "
                       "2020 dossier it takes over keeps the conditions in force when it was filed (art. 7), "
                       "which fnesim does not encode, so it cannot quote one\n"),
          std::string::npos)
          << run.err;
    }
    SCOPED_TRACE(form + " --date 2022-01-03");
    const QuoteRun late = quote(form + " --date 2022-01-03");
    EXPECT_EQ(late.exit_code, 2);
    EXPECT_EQ(late.out, "");
    EXPECT_NE(late.err.find("fnesim quote: --date 2022-01-03 is after the commitment window 2021-01-01 to "
                            "2021-12-31: commitments stop on 2021-12-31 (art. 7), so a dossier filed later "
                            "cannot be committed under this convention\n"),
              std::string::npos)
        << late.err;
  }
}

// A date out of the window is one problem among the others: all said at once
// (docs/coverage.md: exit 2 lists every problem), not the date alone.
TEST(CliQuote, ADateOutOfTheWindowIsSaidWithTheOtherProblems) {
  const QuoteRun run = quote(
      "--headcount 5 --status apx --pathway Certif --trainees 6 --pedagogical 1000.005 --date 2022-01-01");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  for (const char* problem : {"--date 2022-01-01 is after the commitment window", "--status", "--pathway",
                              "--pedagogical", "--trainees 6 is more than the company's --headcount 5"})
    EXPECT_NE(run.err.find(problem), std::string::npos) << problem << "\n" << run.err;
  const QuoteRun diagnostic = quote("--diagnostic-days 0 --date 2020-06-01");
  EXPECT_EQ(diagnostic.exit_code, 2);
  EXPECT_NE(diagnostic.err.find("--date 2020-06-01 is before"), std::string::npos) << diagnostic.err;
  EXPECT_NE(diagnostic.err.find("--diagnostic-days"), std::string::npos) << diagnostic.err;
}

// The window's first and last days are in it; the refusal follows the scenario's own window.
TEST(CliQuote, TheCommitmentWindowIsTheScenarios) {
  const std::string dossier =
      "--headcount 450 --status APLD --pathway certifying --trainees 3 --pedagogical 12000";
  for (const char* date : {"2021-01-01", "2021-12-31"}) {
    SCOPED_TRACE(date);
    const QuoteRun run = quote(dossier + " --date " + date + " --json");
    ASSERT_EQ(run.exit_code, 0) << run.err;
    EXPECT_EQ(json_value(run.out, "fne_eur"), "9600.00");
    EXPECT_NE(run.out.find("\"notes\": []"), std::string::npos) << run.out;
  }
  const std::string path = fnesim::testing::scratch_path("later-start.toml");
  {
    std::ofstream out(path);
    out << "extends = \"convention-2021.toml\"\n[convention]\ncommitment_start = 2021-03-01\n";
  }
  const QuoteRun early = quote("--scenario '" + path + "' " + dossier + " --date 2021-02-15");
  const QuoteRun first = quote("--scenario '" + path + "' " + dossier + " --date 2021-03-01 --json");
  std::remove(path.c_str());
  EXPECT_EQ(early.exit_code, 2);
  EXPECT_NE(early.err.find("--date 2021-02-15 is before the commitment window 2021-03-01 to 2021-12-31"),
            std::string::npos)
      << early.err;
  EXPECT_EQ(first.exit_code, 0) << first.err;
}

// The signed convention covers no company "in transformation": a valid question
// whose answer is no, with the reason.
TEST(CliQuote, NotEligibleExitsWithFailure) {
  const QuoteRun run =
      quote("--headcount 120 --status transformation --pathway certifying --trainees 1 --pedagogical 500");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find(
                "not eligible: no coverage rule for status 'transformation', 120 employees, on 2021-01-01"),
            std::string::npos)
      << run.err;
  // Asked for JSON, the answer "no" is JSON too, with the same exit status.
  const QuoteRun json = quote(
      "--headcount 120 --status transformation --pathway certifying --trainees 1 --pedagogical 500 --json");
  EXPECT_EQ(json.exit_code, 1);
  EXPECT_EQ(json_value(json.out, "eligible"), "false");
  EXPECT_EQ(json_value(json.out, "status"), "\"transformation\"");
  EXPECT_EQ(
      json_value(json.out, "reason").find("\"no coverage rule for status 'transformation', 120 employees"),
      0u)
      << json.out;
  EXPECT_EQ(json_value(json.out, "fne_eur"), "(missing fne_eur)");
}

TEST(CliQuote, Diagnostic) {
  const QuoteRun run = quote("--diagnostic-days 4 --diagnostic-days-used 8 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json_value(run.out, "kind"), "\"diagnostic\"");
  EXPECT_EQ(json_value(run.out, "days_funded"), "2");
  EXPECT_EQ(json_value(run.out, "days_refused"), "2");
  EXPECT_EQ(json_value(run.out, "fne_eur"), "2000.00");
  EXPECT_EQ(json_value(run.out, "day_rate_eur"), "1000.00");
  EXPECT_EQ(json_value(run.out, "article"), "\"art. 3\"");
  const QuoteRun text = quote("--diagnostic-days 3");
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("3 000.00 EUR"), std::string::npos) << text.out;
}

TEST(CliQuote, SectorStudy) {
  const QuoteRun run = quote("--sector-study 45000.10 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json_value(run.out, "kind"), "\"sector-study\"");
  EXPECT_EQ(json_value(run.out, "fne_eur"), "45000.10");
  EXPECT_EQ(json_value(run.out, "company_eur"), "0.00");
  EXPECT_EQ(json_value(run.out, "rate"), "1");
}

// The built-in observed-2021 scenario adds the instruction of 7 September 2021
// (retroactive to 2021-07-01) and the block-exemption option with its cap.
TEST(CliQuote, SeptemberWideningAndBlockExemption) {
  const std::string dossier =
      "--scenario observed-2021 --headcount 120 --status transformation --pathway certifying --trainees 2 "
      "--pedagogical 10000 --json";
  const QuoteRun before = quote(dossier + " --date 2021-06-30");
  EXPECT_EQ(before.exit_code, 1);
  EXPECT_NE(before.err.find("no coverage rule for status 'transformation', 120 employees, on 2021-06-30 "
                            "(rules for this status apply from 2021-07-01)"),
            std::string::npos)
      << before.err;
  const QuoteRun after = quote(dossier + " --date 2021-07-01");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(json_value(after.out, "fne_eur"), "10000.00");

  const QuoteRun gber = quote(
      "--scenario observed-2021 --regime block-exemption --headcount 120 --status AP --pathway certifying "
      "--trainees 50 --pedagogical 5000000 --date 2021-09-15 --json");
  ASSERT_EQ(gber.exit_code, 0) << gber.err;
  EXPECT_EQ(json_value(gber.out, "rate"), "0.6");
  EXPECT_EQ(json_value(gber.out, "capped"), "true");
  EXPECT_EQ(json_value(gber.out, "fne_eur"), "2000000.00");
  EXPECT_EQ(json_value(gber.out, "company_eur"), "3000000.00");
  EXPECT_EQ(json_value(gber.out, "regime"), "\"block-exemption\"");
}

struct BadInput {
  const char* args;
  const char* message;  // part of what stderr must say
};

TEST(CliQuote, BadInputExitsWithTwoAndSaysWhy) {
  const std::string ok = " --pathway certifying --trainees 2";
  const BadInput cases[] = {
      {"--headcount 100 --status furloughed --pathway certifying --trainees 2 --pedagogical 100",
       "--status: unknown value 'furloughed', expected AP, APLD, difficulty, transformation or resumption"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical -100",
       "--pedagogical: '-100' is not an amount in euros"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical=-100",
       "--pedagogical: '-100' is not an amount in euros"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 100.123",
       "--pedagogical: '100.123' is not an amount in euros"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 1e4",
       "--pedagogical: '1e4' is not an amount in euros"},
      {"--status AP --pathway certifying --trainees 2 --pedagogical 100", "missing --headcount"},
      {"--headcount 100", "missing --status, --pathway, --trainees, --pedagogical"},
      {"--headcount abc --status AP --pathway certifying --trainees 2 --pedagogical 100",
       "--headcount: 'abc' is not a whole number of employees"},
      {"--headcount 0 --status AP --pathway certifying --trainees 1 --pedagogical 100",
       "--headcount: 0 employees is out of range"},
      {"--headcount 100 --status AP --pathway hobby --trainees 2 --pedagogical 100",
       "--pathway: unknown value 'hobby'"},
      {"--headcount 100 --status AP --pathway certifying --trainees 0 --pedagogical 100",
       "--trainees: 0 trainees is out of range"},
      {"--headcount 3 --status AP --pathway certifying --trainees 5 --pedagogical 100",
       "--trainees 5 is more than the company's --headcount 3"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 100 --regime gber",
       "--regime: unknown value 'gber', expected convention or block-exemption"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 100 --date 2021-02-30",
       "--date: '2021-02-30' is not a date"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 100 --ancillary 1,5",
       "--ancillary: '1,5' is not an amount"},
      {"--diagnostic-days 0", "--diagnostic-days: 0 days is out of range"},
      {"--diagnostic-days 2 --headcount 100", "excludes"},
      {"--diagnostic-days-used 2", "requires --diagnostic-days"},
      {"--sector-study -5", "--sector-study: '-5' is not an amount"},
      {"--headcount 100 --status AP --pathway certifying --trainees 2 --pedagogical 100 --bogus", "--bogus"},
  };
  for (const BadInput& c : cases) {
    SCOPED_TRACE(c.args);
    const QuoteRun run = quote(c.args);
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(run.out.find("fne"), std::string::npos) << run.out;
    EXPECT_NE(run.err.find(c.message), std::string::npos) << run.err;
  }
}

// Several mistakes at once are all reported.
TEST(CliQuote, ReportsEveryProblemAtOnce) {
  const QuoteRun run =
      quote("--headcount -3 --status XX --pathway certifying --trainees 2 --pedagogical 1.234");
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("--headcount"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--status"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("--pedagogical"), std::string::npos) << run.err;
}

TEST(CliQuote, ScenarioErrorsExitWithTwo) {
  const std::string path = fnesim::testing::scratch_path("bad.toml");
  {
    std::ofstream out(path);
    out << "name = 12\n[convention]\ntotal_envelope_eur = \"lots\"\n";
  }
  const QuoteRun run =
      quote("--scenario '" + path +
            "' --headcount 10 --status AP --pathway certifying --trainees 1 --pedagogical 1");
  std::remove(path.c_str());
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.out, "");
  EXPECT_NE(run.err.find("bad.toml:"), std::string::npos) << run.err;
}

// A scenario's own rule may cite no article: its name alone, no empty "()".
TEST(CliQuote, ARuleWithoutAnArticleIsNamedAlone) {
  const QuoteRun run =
      quote(std::string("--scenario '") + FNESIM_SOURCE_DIR +
            "/tests/data/good/three-regions.toml' --headcount 30 --status AP --pathway certifying "
            "--trainees 2 --pedagogical 5000");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("\nRule lt300: the FNE-Formation envelope pays 100 %"), std::string::npos)
      << run.out;
}

TEST(CliQuote, NamedBuiltinScenario) {
  const QuoteRun run = quote(
      "--scenario convention-2021 --headcount 450 --status APLD --pathway reconversion --trainees 1 "
      "--pedagogical 10000 --json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json_value(run.out, "fne_eur"), "8000.00");
  EXPECT_EQ(json_value(run.out, "scenario"), "\"convention-2021\"");
}

}  // namespace
