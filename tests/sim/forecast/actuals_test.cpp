// Reading actuals: every bad line gets its exact message, all at once; the
// layouts, comments, quoting and carry-over; the cut-off's checks; national
// aggregates spread over regions to the cent; the parameters learnt.
#include "sim/forecast/actuals.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <numeric>
#include <sstream>
#include <string>

#include "results/actuals_report.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/runner.hpp"
#include "sim/simulator.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

constexpr std::string_view dossier_header =
    "dossier_id,filing_date,region,headcount,size,status,pathway,trainees,committed_eur,end_date,realised_"
    "eur\n";
constexpr std::string_view monthly_header = "month,region,dossiers,trainees,committed_eur\n";

// "a.csv:LINE:COLUMN: message": the column's position (from 1) read off
// `header` for the column the message starts with; no position for messages
// about the `header` or the `row` as a whole.
std::string located(std::string_view header, int line, std::string_view message) {
  const std::string_view column = message.substr(0, message.find(':'));
  std::string out = "a.csv:" + std::to_string(line);
  int position = 1;
  for (std::size_t at = 0;; ++position) {
    const std::size_t end = header.find_first_of(",\n", at);
    if (header.substr(at, end - at) == column) {
      out += ':' + std::to_string(position);
      break;
    }
    if (end == std::string_view::npos || header[end] == '\n') break;
    at = end + 1;
  }
  return out + ": " + std::string(message);
}

const Scenario& observed_2021() {
  static const Scenario scenario = load_scenario_argument("observed-2021");
  return scenario;
}

std::vector<std::string> messages_of(std::string_view text, const Scenario& scenario = observed_2021()) {
  try {
    parse_actuals(text, "a.csv", scenario);
  } catch (const ActualsError& e) {
    std::vector<std::string> out;
    for (const Diagnostic& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

std::string with_header(std::string_view header, std::string_view rows) {
  std::string text(header);
  text += rows;
  return text;
}

// One bad row after the header (line 2) and the message it must get.
struct BadRow {
  const char* row;
  const char* message;
};

const std::vector<BadRow> bad_dossier_rows = {
    {"D1,2021-02-30,ARA,12,,AP,certifying,3,1200.00,,",
     "filing_date: expected a date YYYY-MM-DD, found '2021-02-30'"},
    {"D1,2022-01-03,ARA,12,,AP,certifying,3,1200.00,,",
     "filing_date: 2022-01-03 is after the commitment end (2021-12-31)"},
    {"D1,,ARA,12,,AP,certifying,3,1200.00,,", "filing_date: missing value"},
    // Before the commitment start is the carry-over of 2020; 2019, or the year 1, is no carry-over.
    {"D1,2019-12-31,ARA,12,,AP,certifying,3,1200.00,,",
     "filing_date: 2019-12-31 is more than a year before the commitment start (2021-01-01): not the "
     "carry-over "
     "of the year before"},
    {"D1,2021-03-04,IDX,12,,AP,certifying,3,1200.00,,", "region: unknown region 'IDX'; did you mean 'IDF'?"},
    {"D1,2021-03-04,national,12,,AP,certifying,3,1200.00,,",
     "region: 'national' is for monthly aggregates: a dossier belongs to one region"},
    {"D1,2021-03-04,ARA,abc,,AP,certifying,3,1200.00,,",
     "headcount: expected a whole number from 1 to 1000000000, found 'abc'"},
    {"D1,2021-03-04,ARA,450,50-299,AP,certifying,3,1200.00,,",
     "size: '50-299' does not match headcount 450 (300-1000)"},
    {"D1,2021-03-04,ARA,,,AP,certifying,3,1200.00,,", "headcount: missing value (give headcount or size)"},
    {"D1,2021-03-04,ARA,,lt60,AP,certifying,3,1200.00,,",
     "size: unknown size class 'lt60'; did you mean 'lt50'?"},
    {"D1,2021-03-04,ARA,12,,ap,certifying,3,1200.00,,", "status: unknown status 'ap'; did you mean 'AP'?"},
    {"D1,2021-03-04,ARA,12,,AP,certifiying,3,1200.00,,",
     "pathway: unknown pathway 'certifiying'; did you mean 'certifying'?"},
    {"D1,2021-03-04,ARA,12,,AP,training,3,1200.00,,",
     "pathway: unknown pathway 'training'; expected one of reconversion, certifying, covid_specific, "
     "anticipation, diagnostic"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,0,1200.00,,",
     "trainees: expected a whole number from 1 to 100000, found '0'"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,,1200.00,,", "trainees: missing value"},
    {"D1,2021-03-04,ARA,12,,,diagnostic,3,4000.00,,", "trainees: a diagnostic has no trainees, found 3"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,12.345,,",
     "committed_eur: expected an amount in EUR: digits, a dot and at most two decimals (1234.56), found "
     "'12.345'"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1 200,,",
     "committed_eur: expected an amount in EUR: digits, a dot and at most two decimals (1234.56), found "
     "'1 200'"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,0.00,,",
     "committed_eur: must be more than 0: the scenario's rule art6-lt300-AP funds a share of such a "
     "dossier's "
     "costs"},
    // A long field is quoted by its start and its length, not echoed whole.
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,"
     "1111111111111111111111111111111111111111111111111111111111111111111111,,",
     "committed_eur: expected an amount in EUR: digits, a dot and at most two decimals (1234.56), found "
     "'111111111111111111111111111111111111111111111111111111111111…' (70 bytes)"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1000000000000.01,,",
     "committed_eur: more than 1 000 000 000 000.00 EUR, the most any amount may be"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00,2021-05-01,1500.00",
     "realised_eur: 1 500.00 exceeds committed_eur 1 200.00"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00,2021-05-01,",
     "realised_eur: missing value (end_date is given)"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00,,1000.00",
     "end_date: missing value (realised_eur is given)"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00,2021-03-01,1000.00",
     "end_date: 2021-03-01 is before filing_date 2021-03-04"},
    // The widening of 7 September 2021 only covers "transformation" from 1 July.
    {"D1,2021-03-04,ARA,12,,transformation,certifying,3,1200.00,,",
     "status: no coverage rule of the scenario covers 'transformation' at headcount 12 on 2021-03-04: it "
     "could "
     "not have been committed"},
    {"D1,2021-03-04,ARA,,gt1000,transformation,certifying,3,1200.00,,",
     "status: no coverage rule of the scenario covers 'transformation' at size gt1000 (representative "
     "headcount "
     "1001) on 2021-03-04: it could not have been committed"},
    {",2021-03-04,ARA,12,,AP,certifying,3,1200.00,,", "dossier_id: missing value"},
    {"D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00", "row: has 9 fields, the header 11"},
    {"D1,2021-03-04,\"ARA,12,,AP,certifying,3,1200.00,,", "row: a quoted field is not closed"},
};

const std::vector<BadRow> bad_monthly_rows = {
    {"2021-13,ARA,10,20,1000.00", "month: expected a month YYYY-MM, found '2021-13'"},
    // A hundred billion dossiers in a month overflowed the learning's sums.
    {"2021-04,ARA,99999999999,20,1000.00",
     "dossiers: expected a whole number from 0 to 1000000, found '99999999999'"},
    {"2021-04,ARA,10,100000000001,1000.00",
     "trainees: expected a whole number from 0 to 100000000000, found '100000000001'"},
    {"2021-04,ARA,1,100001,1000.00", "trainees: 100001 for 1 dossiers: more than 100000 a dossier"},
    {"2021-3,ARA,10,20,1000.00", "month: expected a month YYYY-MM, found '2021-3'"},
    {"2022-01,ARA,10,20,1000.00", "month: 2022-01 is after the commitment end (2021-12-31)"},
    {"2019-01,ARA,10,20,1000.00",
     "month: 2019-01 is more than a year before the commitment start (2021-01-01): not the carry-over of the "
     "year "
     "before"},
    {"2021-03,nationl,10,20,1000.00", "region: unknown region 'nationl'; did you mean 'national'?"},
    {"2021-03,ARA,-3,20,1000.00", "dossiers: expected a whole number from 0 to 1000000, found '-3'"},
    {"2021-03,ARA,10,2.5,1000.00", "trainees: expected a whole number from 0 to 100000000000, found '2.5'"},
    {"2021-03,ARA,10,20,", "committed_eur: missing value"},
    {"2021-03,ARA,0,0,1000.00", "dossiers: 0 dossiers, but trainees or an amount committed"},
    {"2021-03,ARA,402,4533,0.00",
     "committed_eur: 0.00 for 402 dossiers, where the scenario's rules fund a share of a dossier's costs"},
};

TEST(ActualsReader, EveryBadDossierRowGetsItsExactMessage) {
  for (const BadRow& bad : bad_dossier_rows) {
    std::string rows = bad.row;
    rows += '\n';
    const std::vector<std::string> expected = {located(dossier_header, 2, bad.message)};
    EXPECT_EQ(messages_of(with_header(dossier_header, rows)), expected) << bad.row;
  }
}

// A scenario whose rules fund none of a dossier's costs (all remuneration,
// which the envelope never funds) commits it for 0 EUR: the actuals a year
// of it gives are read back, where a funded dossier at 0 EUR is refused.
TEST(ActualsReader, ADossierCommittedForNothingIsReadWhenTheScenarioFundsNoneOfItsCosts) {
  const Scenario all_remuneration = load_scenario_text(
      "extends = \"observed-2021.toml\"\nname = \"all-remuneration\"\n"
      "[demand.cost_components]\npedagogical = 0\nancillary = 0\nremuneration = 1\n",
      "all-remuneration.toml", std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios");
  const std::string csv = synthetic_actuals_csv(Simulator(all_remuneration), 1, 0, SyntheticLayout::Dossiers);
  ASSERT_NE(csv.find(",0.00"), std::string::npos) << "the year should hold dossiers committed for nothing";
  const Actuals actuals = parse_actuals(csv, "a.csv", all_remuneration);
  EXPECT_TRUE(std::any_of(actuals.dossiers.begin(), actuals.dossiers.end(),
                          [](const ActualDossier& d) { return d.committed == 0; }));
  // Their commitments say nothing of their costs: left out of the costs
  // learnt, and said, not counted as data too thin to learn from.
  const ConditionedScenario conditioned =
      condition_on_actuals(all_remuneration, actuals, Date::from_ymd(2021, 7, 1));
  const auto& learnt = conditioned.report.parameters;
  const auto certifying = std::find_if(learnt.begin(), learnt.end(), [](const ParameterLearning& p) {
    return p.parameter == "cost_per_trainee.mean_eur.certifying";
  });
  ASSERT_NE(certifying, learnt.end());
  EXPECT_FALSE(certifying->updated);
  EXPECT_THAT(certifying->note,
              ::testing::MatchesRegex("the scenario's rules fund none of their costs: [1-9][0-9]* "
                                      "dossiers committed for 0 EUR, which say nothing of them"));
  // Beside funded dossiers, they are left out of what the funded ones teach,
  // whether the status's rule pays nothing by its rate or by its cap (which a
  // commitment of 0 EUR would otherwise seem to have reached).
  for (const std::string unfunding : {"rate = 0", "cap_per_dossier_eur = 0"}) {
    const Scenario unfunded_status = load_scenario_text(
        "extends = \"observed-2021.toml\"\nname = \"unfunded-status\"\n"
        "[coverage.rules.art6-lt300-difficulty]\n" +
            unfunding + "\n",
        "unfunded-status.toml", std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios");
    const Actuals mixed =
        parse_actuals(synthetic_actuals_csv(Simulator(unfunded_status), 1, 0, SyntheticLayout::Dossiers),
                      "b.csv", unfunded_status);
    const ConditionedScenario learnt_mixed =
        condition_on_actuals(unfunded_status, mixed, Date::from_ymd(2021, 7, 1));
    for (const ParameterLearning& p : learnt_mixed.report.parameters) {
      if (p.parameter.rfind("cost_per_trainee.", 0) != 0) continue;
      EXPECT_TRUE(p.updated) << unfunding << ": " << p.parameter;
      EXPECT_THAT(p.note,
                  ::testing::ContainsRegex("; [1-9][0-9]* left out, committed for 0 EUR: the scenario's "
                                           "rules fund none of their costs$"))
          << unfunding << ": " << p.parameter;
    }
  }
  EXPECT_THAT(messages_of(with_header(dossier_header, "D1,2021-03-04,ARA,12,,AP,certifying,3,0.00,,\n"),
                          all_remuneration),
              ::testing::IsEmpty());
}

// A file saved in Latin-1 (a spreadsheet's default in France): its bytes were
// echoed raw in "unknown region 'nat\xe9onal'". Said once, at the first such
// line, the others counted; a line that is well-formed UTF-8 is still read.
TEST(ActualsReader, TextThatIsNotUtf8IsSaidOnceWhereItStarts) {
  const std::string latin1 = with_header(monthly_header,
                                         "2021-01,ARA,10,100,1000.00\n"
                                         "2021-02,\xC9le,10,100,1000.00\n"  // Latin-1's É
                                         "2021-03,ARA,10,100,1000.00\n"
                                         "2021-04,ARA,10,100,1000.\xE9\n"
                                         "2021-05,ARA,10,100,1000.00\xED\xA0\x80\n"  // a surrogate
                                         "2021-06,ARA,x,100,1000.00\n");
  EXPECT_THAT(
      messages_of(latin1),
      ::testing::ElementsAre(
          "a.csv:3: row: is not UTF-8 text (byte 0xC9 at byte 9; Latin-1 or Windows-1252, perhaps): save "
          "the file as UTF-8 (a spreadsheet's \"CSV UTF-8\")",
          "a.csv:5: row: is not UTF-8 text either, nor is 1 line after it",
          "a.csv:7:3: dossiers: expected a whole number from 0 to 1000000, found 'x'"));
  // Well-formed UTF-8 (É, and a character of four bytes) is read as text.
  EXPECT_THAT(messages_of(with_header(monthly_header, "2021-01,\xC3\x89le\xF0\x9F\x98\x80,10,100,1000.00\n")),
              ::testing::ElementsAre(
                  ::testing::StartsWith("a.csv:2:2: region: unknown region '\xC3\x89le\xF0\x9F\x98\x80'")));
}

TEST(ActualsReader, EveryBadMonthlyRowGetsItsExactMessage) {
  for (const BadRow& bad : bad_monthly_rows) {
    std::string rows = bad.row;
    rows += '\n';
    const std::vector<std::string> expected = {located(monthly_header, 2, bad.message)};
    EXPECT_EQ(messages_of(with_header(monthly_header, rows)), expected) << bad.row;
  }
}

TEST(ActualsReader, ReportsEveryProblemOfEveryRowAtOnceInLineOrder) {
  std::string rows;
  std::vector<std::string> expected;
  int line = 1;
  for (const BadRow& bad : bad_dossier_rows) {
    // Each row its own identifier, not to add duplicates to its problems.
    std::string row = bad.row;
    if (row.starts_with("D1,")) row.replace(0, 2, "L" + std::to_string(line + 1));
    rows += row;
    rows += '\n';
    expected.push_back(located(dossier_header, ++line, bad.message));
  }
  // Rows that are fine do not stop the reading either way.
  auto at = [](int n, std::string_view message) { return located(dossier_header, n, message); };
  rows += "D2,2021-03-04,ARA,12,,AP,certifying,3,1200.00,,\n";
  rows += "D2,2021-03-05,ARA,12,,AP,certifying,3,1200.00,,\n";
  line += 2;
  expected.push_back(at(line, "dossier_id: 'D2' already on line " + std::to_string(line - 1)));
  // Two problems on one row: both.
  rows += "D3,2021-02-30,XX,12,,AP,certifying,3,1200.00,,\n";
  ++line;
  expected.push_back(at(line, "filing_date: expected a date YYYY-MM-DD, found '2021-02-30'"));
  expected.push_back(
      at(line,
         "region: unknown region 'XX'; expected one of ARA, BFC, BRE, CVL, GES, HDF, IDF, NOR, NAQ, "
         "OCC, PAC, PDL"));
  EXPECT_EQ(messages_of(with_header(dossier_header, rows)), expected);
}

TEST(ActualsReader, MonthlyDuplicatesAndMixedNationalRowsAreNamedWithTheEarlierLine) {
  const std::string text = with_header(monthly_header,
                                       "2021-03,ARA,10,20,1000.00\n"
                                       "2021-03,ARA,11,20,1000.00\n"
                                       "2021-04,national,10,20,1000.00\n");
  const std::vector<std::string> expected = {
      "a.csv:3:2: region: ARA for 2021-03 already on line 2",
      "a.csv:4:2: region: a national row among regional rows (line 2): give national rows or regional rows, "
      "not both"};
  EXPECT_EQ(messages_of(text), expected);
}

TEST(ActualsReader, HeaderProblems) {
  EXPECT_EQ(messages_of(""), std::vector<std::string>{"a.csv: no header: the file is empty"});
  EXPECT_EQ(messages_of("# only a comment\n\n"),
            std::vector<std::string>{"a.csv: no header: the file is empty"});
  EXPECT_EQ(messages_of(monthly_header), std::vector<std::string>{"a.csv:1: header: no data rows follow"});
  // Lines ended by CR alone: one message, not one per "column" of a single endless header.
  EXPECT_EQ(
      messages_of("month,region,dossiers,trainees,committed_eur\r2021-03,ARA,1,1,1.00\r\n"),
      std::vector<std::string>{"a.csv:1: row: the lines end with a carriage return alone (CR, an old Mac "
                               "format): save the file with LF or CRLF line ends"});
  EXPECT_EQ(messages_of("\"month,region,dossiers,trainees,committed_eur\n2021-03,ARA,1,1,1.00\n"),
            std::vector<std::string>{"a.csv:1: row: a quoted field is not closed"});
  EXPECT_EQ(
      messages_of("date,region\n2021-03-04,ARA\n"),
      std::vector<std::string>{"a.csv:1: header: cannot tell the layout: the header needs 'filing_date' "
                               "(one row per dossier) or 'month' (monthly aggregates)"});
  const std::vector<std::string> expected = {
      "a.csv:1:3: region: appears twice in the header",
      "a.csv:1:6: comitted_eur: unknown column 'comitted_eur'; did you mean 'committed_eur'?",
      "a.csv:1: committed_eur: missing column (the monthly layout needs month, region, dossiers, trainees, "
      "committed_eur)"};
  EXPECT_EQ(messages_of("month,region,region,dossiers,trainees,comitted_eur\n2021-03,ARA,ARA,1,1,1.00\n"),
            expected);
  EXPECT_EQ(
      messages_of("filing_date,region,status,pathway,trainees,committed_eur,end_date\n"),
      (std::vector<std::string>{
          "a.csv:1: headcount: missing column (the dossier layout needs filing_date, region, status, "
          "pathway, trainees, committed_eur, headcount or size)",
          "a.csv:1: realised_eur: missing column (the dossier layout needs filing_date, region, status, "
          "pathway, trainees, committed_eur, headcount or size)"}));
}

// A column too many (a SIRET an export carries) hid every row's problem:
// with every column a row needs, the rows are read and said too. A column
// missing keeps them unread (every row would say "missing value").
TEST(ActualsReader, AHeaderProblemHidesNoRowProblemWhenTheRowsCanBeRead) {
  EXPECT_EQ(
      messages_of("month,region,dossiers,trainees,committed_eur,siret\n"
                  "2021-03,IDX,1,1,1.00,9\n2021-04,ARA,1,1,12.345,9\n"),
      (std::vector<std::string>{
          "a.csv:1:6: siret: unknown column 'siret'; expected one of month, region, dossiers, trainees, "
          "committed_eur",
          "a.csv:2:2: region: unknown region 'IDX'; did you mean 'IDF'?",
          "a.csv:3:5: committed_eur: expected an amount in EUR: digits, a dot and at most two decimals "
          "(1234.56), found '12.345'"}));
  // Missing a column: the header's problems alone (as HeaderProblems above).
  EXPECT_EQ(messages_of("month,region,dossiers,trainees\n2021-03,IDX,1,1\n").size(), 1u);
}

TEST(ActualsReader, AFileThatCannotBeReadIsNamed) {
  for (const std::string& path : {std::string("no-such.csv"), ::testing::TempDir()}) {
    try {
      read_actuals(path, observed_2021());
      ADD_FAILURE() << path;
    } catch (const ActualsError& e) {
      ASSERT_EQ(e.diagnostics().size(), 1u);
      EXPECT_EQ(e.diagnostics()[0].to_string(),
                path + (path == "no-such.csv" ? ": cannot read: No such file or directory"
                                              : ": cannot read: Is a directory"));
    }
  }
}

TEST(ActualsReader, ReadsDossiersWithCommentsQuotesCarryOverAndDiagnostics) {
  const std::string text =
      "\xEF\xBB\xBF# exported 2021-09-16\r\n"
      "filing_date,region,size,headcount,status,pathway,trainees,committed_eur,end_date,realised_eur\r\n"
      "2020-11-20,ARA,,,,,,9000.00,2021-02-01,9000.00\r\n"
      "\r\n"
      "2021-03-04,\"IDF\",300-1000,450,APLD,certifying,3,1200.50,,\r\n"
      "# a diagnostic\r\n"
      "2021-03-05,IDF,,,,diagnostic,0,4000.00,2021-03-05,4000.00\r\n"
      "2021-07-05,IDF,lt50,,transformation,anticipation,2,800.00,,\r\n";
  const Actuals a = parse_actuals(text, "a.csv", observed_2021());
  EXPECT_EQ(a.layout, ActualsLayout::Dossiers);
  ASSERT_EQ(a.dossiers.size(), 4u);
  EXPECT_TRUE(a.dossiers[0].carryover);
  EXPECT_EQ(a.dossiers[0].committed, 900000);
  const ActualDossier& d = a.dossiers[1];
  EXPECT_EQ(d.region, 6);  // IDF, seventh in scenario order
  EXPECT_EQ(d.cell, mix_cell(SizeClass::From300To1000, Status::APLD, Pathway::Certifying));
  EXPECT_EQ(d.headcount, 450);
  EXPECT_EQ(d.trainees, 3);
  EXPECT_EQ(d.committed, 120050);
  EXPECT_FALSE(d.realised.has_value());
  EXPECT_TRUE(a.dossiers[2].diagnostic);
  EXPECT_EQ(a.dossiers[2].cell, -1);
  EXPECT_EQ(a.dossiers[2].realised, std::optional<Cents>(400000));
  // A size without headcount: the scenario's representative headcount of the class.
  EXPECT_EQ(a.dossiers[3].headcount, 1);
  EXPECT_EQ(a.last_day, Date::from_ymd(2021, 7, 31));
  EXPECT_EQ(a.content, text);
}

// What a spreadsheet's export gets wrong, said as such: its empty rows
// (",,,,") are blank lines; a carry-over row whose date cannot be read is not
// held to a training's attributes; a header in capitals, a region by its name
// and a thousands separator are named for what they are.
TEST(ActualsReader, ASpreadsheetsHabitsAreReadOrNamedForWhatTheyAre) {
  const std::string header = "filing_date,region,headcount,status,pathway,trainees,committed_eur\n";
  const Actuals blank = parse_actuals(
      header + "2021-03-02,ARA,40,AP,covid_specific,3,2100.00\n,,,,,,\n , ,,,,,\n", "a.csv", observed_2021());
  EXPECT_EQ(blank.dossiers.size(), 1u);
  EXPECT_THAT(
      messages_of(header + "31/12/2020,ARA,,,,,9899.96\n"),
      ::testing::ElementsAre("a.csv:2:1: filing_date: expected a date YYYY-MM-DD, found '31/12/2020'"));
  EXPECT_THAT(
      messages_of("Month,region,dossiers,trainees,committed_eur\n2021-01,ARA,1,2,100.00\n"),
      ::testing::ElementsAre("a.csv:1: header: cannot tell the layout: the header needs 'filing_date' (one "
                             "row per dossier) or 'month' (monthly aggregates); column 1, 'Month', would "
                             "be 'month' (column names are in lower case)"));
  EXPECT_THAT(
      messages_of(header + "2021-03-02,Ile-de-France,40,AP,covid_specific,3,2100.00\n"
                           "2021-03-02,AUVERGNE-RHÔNE-ALPES,40,AP,covid_specific,3,2100.00\n"),
      ::testing::ElementsAre(
          "a.csv:2:2: region: 'Ile-de-France' is the name of region IDF: give its code, 'IDF'",
          "a.csv:3:2: region: 'AUVERGNE-RHÔNE-ALPES' is the name of region ARA: give its code, 'ARA'"));
  EXPECT_THAT(
      messages_of(header + "2021-03-02,ARA,40,AP,covid_specific,3,\"3,421,082.30\"\n"
                           "2021-03-02,ARA,40,AP,covid_specific,3,\"3421082,30\"\n"),
      ::testing::ElementsAre("a.csv:2:7: committed_eur: expected an amount in EUR: digits, a dot and at "
                             "most two decimals (1234.56), found '3,421,082.30' (no thousands separator: "
                             "1234567.89, not 1,234,567.89)",
                             "a.csv:3:7: committed_eur: expected an amount in EUR: digits, a dot and at "
                             "most two decimals (1234.56), found '3421082,30' (the decimal mark is '.', "
                             "not ',')"));
}

// Loaded, but said: training dossiers equal field for field in a file
// without ids (a block pasted twice), and a cost per trainee beyond belief
// (two zeros too many). Diagnostics alike are not repeats: their amounts are flat.
TEST(ActualsReader, RepeatedRowsAndACostBeyondBeliefAreWarnedOfAtTheirLines) {
  const std::string header = "filing_date,region,headcount,status,pathway,trainees,committed_eur\n";
  const Actuals pasted = parse_actuals(header +
                                           "2021-03-02,ARA,40,AP,covid_specific,3,2100.00\n"
                                           "2021-03-05,IDF,,,diagnostic,0,4000.00\n"
                                           "2021-03-05,IDF,,,diagnostic,0,4000.00\n"
                                           "2021-03-02,ARA,40,AP,covid_specific,3,2100.00\n",
                                       "a.csv", observed_2021());
  EXPECT_EQ(pasted.dossiers.size(), 4u);
  ASSERT_EQ(pasted.warnings.size(), 1u);
  EXPECT_EQ(
      pasted.warnings[0].to_string(),
      "a.csv:5: row: warning: 1 row repeats an earlier one field for field, with no dossier_id to tell them "
      "apart (line 5 (as 2)): pasted twice? Each is read as a dossier of its own");
  // observed-2021's certifying trainee costs 2 650 EUR on average; 8 trainees for 2 055 006.00 EUR.
  const Actuals slip = parse_actuals(header +
                                         "2021-03-02,ARA,40,AP,certifying,8,20550.06\n"
                                         "2021-03-03,ARA,40,AP,certifying,8,2055006.00\n",
                                     "a.csv", observed_2021());
  // (The file's average, with one row of two so far off, is warned of too, at the header.)
  std::vector<std::string> at_rows;
  for (const Diagnostic& d : slip.warnings)
    if (d.line > 1) at_rows.push_back(d.to_string());
  ASSERT_EQ(at_rows.size(), 1u);
  EXPECT_EQ(
      at_rows[0],
      "a.csv:3:7: committed_eur: warning: 2 055 006.00 EUR for 8 trainees, 256876 EUR a trainee: 97 times "
      "the scenario's mean cost per trainee for certifying (2650 EUR): a typing slip? The forecast learns "
      "costs from it");
}

// ---- The cut-off ---------------------------------------------------------------

Actuals monthly(std::string_view rows, const Scenario& scenario = observed_2021()) {
  return parse_actuals(with_header(monthly_header, rows), "m.csv", scenario);
}

std::vector<std::string> cut_off_messages(const Actuals& actuals, Date as_of) {
  try {
    condition_on_actuals(observed_2021(), actuals, as_of);
  } catch (const ActualsError& e) {
    std::vector<std::string> out;
    for (const Diagnostic& d : e.diagnostics()) out.push_back(d.to_string());
    return out;
  }
  return {};
}

// The ranks of a cluster run compare a digest of what their loops read: a
// month's count of dossiers, which the forecast simulates one by one, is in
// it (ranks reading files that differed there wrote a mixed run, exit 0).
TEST(ActualsDigest, TellsApartActualsThatDifferOnlyInAMonthsCountOfDossiers) {
  const auto digest_of = [](std::string_view rows) {
    const ConditionedScenario c =
        condition_on_actuals(observed_2021(), monthly(rows), Date::from_ymd(2021, 3, 1));
    cluster::InputDigest digest;
    add_to_digest(digest, c.scenario);
    return digest.value();
  };
  const std::string_view read =
      "2021-01,national,400,4500,5200000.00\n2021-02,national,402,4500,5200000.00\n";
  const std::string_view other =
      "2021-01,national,400,4500,5200000.00\n2021-02,national,602,4500,5200000.00\n";
  EXPECT_EQ(digest_of(read), digest_of(read));
  EXPECT_NE(digest_of(read), digest_of(other));
}

// ---- Slips of units --------------------------------------------------------------

// observed-2021's costs give about 13 100 EUR a dossier (its mix of pathways'
// costs per trainee, times its trainees per dossier). A spreadsheet's amounts in
// millions come a million times lower, in cents a hundred times higher: each
// loads, warned of at the column's header; a plausible file is not warned of.
TEST(ActualsReader, AmountsTypedInMillionsOrCentsAreWarnedOfAtTheirColumn) {
  const Scenario& s = observed_2021();
  EXPECT_TRUE(monthly("2021-03,national,400,4500,5200000.00\n").warnings.empty());
  const std::vector<Diagnostic> millions = monthly("2021-03,national,400,4500,5.20\n").warnings;
  ASSERT_EQ(millions.size(), 1u);
  EXPECT_EQ(millions[0].to_string(),
            "m.csv:1:5: committed_eur: warning: 5.20 EUR committed for 400 dossiers, 0.013 EUR a dossier, "
            "where the "
            "scenario's costs give about 13105 EUR a dossier; amounts are in euros: was the column typed in "
            "thousands or millions?");
  const std::vector<Diagnostic> cents = monthly("2021-03,national,400,4500,520000000.00\n").warnings;
  ASSERT_EQ(cents.size(), 1u);
  EXPECT_NE(cents[0].message.find("was the column typed in cents?"), std::string::npos) << cents[0].message;
  // One row per dossier: the same check, over every dossier of the file.
  const Actuals dossiers = parse_actuals(
      "filing_date,region,headcount,status,pathway,trainees,committed_eur\n"
      "2021-03-02,ARA,40,AP,covid_specific,3,2.10\n",
      "a.csv", s);
  ASSERT_EQ(dossiers.warnings.size(), 1u);
  EXPECT_EQ(dossiers.warnings[0].key, "committed_eur");
}

// The dossiers and trainees columns swapped (a month's 4 500 trainees read
// as dossiers) loaded without a word, and the forecast learnt a tenfold
// uptake. Monthly dossiers count diagnostics, which have no trainee, so a
// month may have fewer trainees than dossiers: the warning asks for fewer
// than half a trainee a training dossier over the whole file.
TEST(ActualsReader, ColumnsOfDossiersAndTraineesSwappedAreWarnedOf) {
  const std::vector<Diagnostic> swapped = monthly("2021-03,national,4500,400,5200000.00\n").warnings;
  ASSERT_EQ(swapped.size(), 1u);
  EXPECT_EQ(swapped[0].key, "trainees");
  EXPECT_EQ(swapped[0].line, 1);
  EXPECT_NE(swapped[0].message.find("400 trainees for 4500 dossiers"), std::string::npos)
      << swapped[0].message;
  EXPECT_NE(swapped[0].message.find("were the columns dossiers and trainees swapped?"), std::string::npos);
  // A month of many diagnostics, the file's trainings each with their trainees: no warning.
  EXPECT_TRUE(monthly("2021-03,national,400,150,5200000.00\n2021-04,national,400,4500,5200000.00\n")
                  .warnings.empty());
}

// The forecast says it with the scenario's warnings (the run file keeps
// them), and learns no cost from amounts below what the diagnostics among the
// dossiers would cost alone — no negative cost either.
TEST(ActualsLearning, AmountsInMillionsTeachNoCostAndTheirWarningIsTheForecasts) {
  const Actuals a = monthly("2021-01,national,400,4500,5.20\n2021-02,national,400,4500,5.20\n");
  const ConditionedScenario c = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 3, 1));
  ASSERT_FALSE(c.scenario.warnings.empty());
  EXPECT_EQ(c.scenario.warnings.back().to_string(), a.warnings.front().to_string());
  const auto learnt = std::find_if(
      c.report.parameters.begin(), c.report.parameters.end(),
      [](const ParameterLearning& p) { return p.parameter == "cost_per_trainee.mean_eur.covid_specific"; });
  ASSERT_NE(learnt, c.report.parameters.end());
  const ParameterLearning& cost = *learnt;
  EXPECT_FALSE(cost.updated);
  EXPECT_FALSE(cost.observed.has_value());
  EXPECT_EQ(cost.note,
            "the amounts committed are less than the diagnostics expected among the dossiers would cost");
}

// Books that commit a region beyond its available amount load (real books can
// show it), and the forecast says so with the region and the overrun.
// The warnings of a conditioned scenario that hold `text`.
std::vector<std::string> warnings_with(const ConditionedScenario& c, std::string_view text) {
  std::vector<std::string> found;
  for (const Diagnostic& d : c.scenario.warnings)
    if (d.to_string().find(text) != std::string::npos) found.push_back(d.to_string());
  return found;
}

TEST(ActualsLearning, ARegionCommittedBeyondItsAvailableAmountIsWarnedOf) {
  const Scenario& s = observed_2021();
  const Actuals a = monthly("2021-01,ARA,1000,10000,40000000.00\n2021-01,IDF,300,3000,3000000.00\n");
  EXPECT_TRUE(a.warnings.empty());
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 2, 1));
  const Cents over = euros(40'000'000) - s.convention.available(0);
  // Monthly totals do not show releases, which a region commits again.
  EXPECT_THAT(
      warnings_with(c, "ARA: 40"),
      ::testing::ElementsAre(
          "m.csv: committed_eur: warning: ARA: 40 000 000.00 EUR committed before 2021-02-01, more than "
          "its available " +
          format_euros(s.convention.available(0)) + " EUR (by " + format_euros(over) +
          "): the releases it committed again, which monthly totals do not show, may explain it; "
          "otherwise its payments will exceed what it had"));
  // And the ten regions with no row, at the pace the two others give the nation, are said.
  EXPECT_EQ(warnings_with(c, ": no dossier filed from 2021-01-01 to 2021-01-31").size(), 10u);
  EXPECT_TRUE(warnings_with(c, "IDF: no dossier").empty());
}

// A year's dossiers: more committed than a region had, but with what its
// ended trainings released, which it commits again, within it. Not warned.
TEST(ActualsLearning, WhatEndedTrainingsReleasedIsNotCountedAgainstTheRegion) {
  const Simulator simulator(observed_2021());
  const Actuals a = parse_actuals(synthetic_actuals_csv(simulator, 7, 3, SyntheticLayout::Dossiers), "d.csv",
                                  observed_2021());
  const ConditionedScenario c = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 11, 15));
  const RegionLearning& bfc = c.report.regions[1];
  // The case it is about (a change of the simulator's streams could move it):
  ASSERT_GT(bfc.committed, observed_2021().convention.available(1));
  ASSERT_LE(bfc.committed - bfc.released, observed_2021().convention.available(1));
  EXPECT_THAT(warnings_with(c, "BFC"), ::testing::IsEmpty());
  // Its last days without a dossier are not said either: it may have run out.
}

// Stretches of days with no dossier where many were due at the nation's
// pace: a file extracted before the cut-off, one that starts late, a region
// missing. A year's own quiet days are not said.
TEST(ActualsCompleteness, AStretchWithNoDossierWhereManyWereDueIsSaid) {
  const Simulator simulator(observed_2021());
  const std::string year = synthetic_actuals_csv(simulator, 7, 3, SyntheticLayout::Dossiers);
  // The rows kept by `keep` (comments and header always).
  const auto rows_where = [&](const std::function<bool(std::string_view)>& keep) {
    std::string out;
    std::istringstream in(year);
    for (std::string line; std::getline(in, line);)
      if (line.starts_with('#') || line.starts_with("dossier_id") || keep(line)) out += line + '\n';
    return parse_actuals(out, "d.csv", observed_2021());
  };
  const auto filed = [](std::string_view row) { return std::string(row.substr(row.find(',') + 1, 10)); };
  const Actuals whole = rows_where([](std::string_view) { return true; });
  EXPECT_THAT(
      warnings_with(condition_on_actuals(observed_2021(), whole, Date::from_ymd(2021, 9, 16)), "no dossier"),
      ::testing::IsEmpty());

  // Offices file on working days: the year's weekend dossiers filed on the Friday before. Weekends are not
  // said.
  std::string working_days;
  {
    std::istringstream in(year);
    const Date start = observed_2021().convention.commitment_start;
    for (std::string line; std::getline(in, line);) {
      const std::size_t at = line.find(',') + 1;
      if (const auto day = Date::parse(line.substr(at, 10)); day && !(*day < start)) {
        const int weekday = (days_between(Date::from_ymd(2021, 1, 4), *day) % 7 + 7) % 7;  // Monday 0
        if (weekday >= 5) line.replace(at, 10, day->plus_days(4 - weekday).iso());
      }
      working_days += line + '\n';
    }
  }
  EXPECT_THAT(warnings_with(
                  condition_on_actuals(observed_2021(), parse_actuals(working_days, "d.csv", observed_2021()),
                                       Date::from_ymd(2021, 9, 16)),
                  "no dossier"),
              ::testing::IsEmpty());

  const Actuals to_15_september =
      rows_where([&](std::string_view row) { return filed(row) <= "2021-09-15"; });
  EXPECT_THAT(
      warnings_with(condition_on_actuals(observed_2021(), to_15_september, Date::from_ymd(2021, 9, 16)),
                    "no dossier"),
      ::testing::IsEmpty());
  const std::vector<std::string> late = warnings_with(
      condition_on_actuals(observed_2021(), to_15_september, Date::from_ymd(2021, 9, 25)), "no dossier");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_THAT(late[0], ::testing::StartsWith(
                           "d.csv: warning: no dossier filed from 2021-09-16 to 2021-09-24, where about "));
  EXPECT_THAT(
      late[0],
      ::testing::EndsWith(" were due at the pace the actuals give the nation: if the file was extracted on "
                          "2021-09-15, the cut-off is 2021-09-16 (--as-of); otherwise those days are read as "
                          "filing nothing"));

  const Actuals from_march = rows_where([&](std::string_view row) {
    const std::string day = filed(row);
    return day >= "2021-03-01" || day < "2021-01-01";  // the carry-over stays
  });
  const std::vector<std::string> start = warnings_with(
      condition_on_actuals(observed_2021(), from_march, Date::from_ymd(2021, 7, 1)), "no dossier");
  ASSERT_EQ(start.size(), 1u) << ::testing::PrintToString(start);
  EXPECT_THAT(start[0], ::testing::HasSubstr("no dossier filed from 2021-01-01 to 2021-02-28"));
  EXPECT_THAT(start[0], ::testing::HasSubstr("does the file start late?"));

  const Actuals without_pac =
      rows_where([](std::string_view row) { return row.find(",PAC,") == std::string_view::npos; });
  const std::vector<std::string> region = warnings_with(
      condition_on_actuals(observed_2021(), without_pac, Date::from_ymd(2021, 7, 1)), "no dossier");
  ASSERT_EQ(region.size(), 1u) << ::testing::PrintToString(region);
  EXPECT_THAT(region[0],
              ::testing::HasSubstr("d.csv: warning: PAC: no dossier filed from 2021-01-01 to 2021-06-30"));
  EXPECT_THAT(region[0], ::testing::HasSubstr("are the region's rows missing?"));

  // No dossier of the year at all before the cut-off: held against the
  // scenario's expectation, for the pace learnt from nothing is nothing — and
  // a prior as wide as the September one's learnt it, and said nothing.
  const Actuals from_april = rows_where([&](std::string_view row) {
    const std::string day = filed(row);
    return day >= "2021-04-01" || day < "2021-01-01";
  });
  const Scenario september = load_scenario_argument("observed-september-2021");
  for (const Scenario* prior : {&observed_2021(), &september}) {
    const Actuals actuals = parse_actuals(from_april.content, "d.csv", *prior);
    const std::vector<std::string> empty =
        warnings_with(condition_on_actuals(*prior, actuals, Date::from_ymd(2021, 3, 10)), "no dossier");
    ASSERT_EQ(empty.size(), 1u) << prior->name << ": " << ::testing::PrintToString(empty);
    EXPECT_THAT(empty[0],
                ::testing::StartsWith("d.csv: warning: no dossier filed from 2021-01-01 to 2021-03-09, "
                                      "where the scenario expects about "));
    EXPECT_THAT(empty[0],
                ::testing::EndsWith(": does the file start late, or hold another year? Those days are "
                                    "read as filing nothing"));
    // Its first days only (New Year's Day, a weekend): less than a week, which any file may leave empty.
    EXPECT_THAT(
        warnings_with(condition_on_actuals(*prior, actuals, Date::from_ymd(2021, 1, 4)), "no dossier"),
        ::testing::IsEmpty())
        << prior->name;
  }
}

TEST(ActualsCutOff, MustFallInTheWindowAndNotAfterTheActualsEnd) {
  const Actuals a = monthly("2021-01,ARA,10,20,1000.00\n2021-02,ARA,10,20,1000.00\n");
  EXPECT_EQ(cut_off_messages(a, Date::from_ymd(2021, 1, 1)),
            std::vector<std::string>{"m.csv: cut-off 2021-01-01: must fall after the commitment start "
                                     "(2021-01-01) and no later than the commitment end (2021-12-31)"});
  EXPECT_EQ(cut_off_messages(a, Date::from_ymd(2022, 1, 1)).size(), 1u);
  EXPECT_EQ(
      cut_off_messages(a, Date::from_ymd(2021, 3, 2)),
      std::vector<std::string>{"m.csv: cut-off 2021-03-02: the actuals end on 2021-02-28: a later cut-off "
                               "would count the days between as days without dossiers"});
  EXPECT_TRUE(cut_off_messages(a, Date::from_ymd(2021, 3, 1)).empty());
  // Monthly figures cannot be cut inside a month, except the last one (month to date).
  EXPECT_EQ(
      cut_off_messages(a, Date::from_ymd(2021, 1, 16)),
      std::vector<std::string>{"m.csv: cut-off 2021-01-16: monthly aggregates give January whole: a cut-off "
                               "must be the first day of a month, or fall in the file's last month "
                               "(2021-02), read as month to date"});
  EXPECT_TRUE(cut_off_messages(a, Date::from_ymd(2021, 2, 16)).empty());
}

TEST(ActualsCutOff, RowsFromTheCutOffOnAreKeptButNotUsed) {
  const Actuals a =
      monthly("2020-12,ARA,2,0,20000.00\n2021-01,ARA,10,20,1000.00\n2021-02,ARA,7,20,1000.00\n");
  const ConditionedScenario c = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 2, 1));
  EXPECT_EQ(c.report.rows, 3);
  EXPECT_EQ(c.report.rows_after_cut_off, 1);
  const RegionLearning& ara = c.report.regions[0];
  EXPECT_EQ(ara.dossiers, 10);  // the carry-over is not an arrival of 2021
  EXPECT_EQ(ara.committed, 2100000);
  EXPECT_EQ(ara.carryover, 2000000);
  ASSERT_TRUE(c.scenario.forecast_start.has_value());
  const ForecastStart& start = *c.scenario.forecast_start;
  EXPECT_EQ(start.as_of, Date::from_ymd(2021, 2, 1));
  ASSERT_EQ(start.dossiers.size(), 2u);
  // The carry-over on the first day, realised in full; January's lump on its middle day.
  EXPECT_EQ(start.dossiers[0].filing_day, 0);
  EXPECT_EQ(start.dossiers[0].realised, std::optional<Cents>(2000000));
  EXPECT_EQ(start.dossiers[1].filing_day, 15);
  EXPECT_EQ(start.dossiers[1].dossiers, 10);
  EXPECT_FALSE(start.dossiers[1].realised.has_value());
}

// A cut-off inside a monthly file's last month reads it as month to date: the
// figures are complete through the day before it, as the run file records.
TEST(ActualsCutOff, InsideTheLastMonthTheActualsAreCompleteThroughTheDayBefore) {
  const Actuals a = monthly("2021-01,ARA,10,20,10000.00\n2021-02,ARA,7,20,7000.00\n");
  const ConditionedScenario mid = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 2, 16));
  EXPECT_TRUE(mid.report.month_to_date);
  EXPECT_EQ(mid.report.last_day, Date::from_ymd(2021, 2, 15));
  const ConditionedScenario whole = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 2, 1));
  EXPECT_FALSE(whole.report.month_to_date);
  EXPECT_EQ(whole.report.last_day, Date::from_ymd(2021, 2, 28));
}

TEST(ActualsCutOff, ARealisedAmountIsUsedOnlyIfKnownBeforeTheCutOff) {
  const Actuals a =
      parse_actuals(with_header(dossier_header,
                                "D1,2021-03-04,ARA,12,,AP,certifying,3,1200.00,2021-04-01,1000.00\n"
                                "D2,2021-03-04,ARA,12,,AP,certifying,3,1200.00,2021-06-01,900.00\n"
                                "D3,2021-06-10,ARA,12,,AP,certifying,3,1200.00,,\n"),
                    "a.csv", observed_2021());
  const ConditionedScenario c = condition_on_actuals(observed_2021(), a, Date::from_ymd(2021, 5, 1));
  const auto& observed = c.scenario.forecast_start->dossiers;
  ASSERT_EQ(observed.size(), 2u);  // D3 is filed after the cut-off
  EXPECT_EQ(observed[0].realised, std::optional<Cents>(100000));
  EXPECT_FALSE(observed[1].realised.has_value());
  EXPECT_EQ(observed[0].cell, mix_cell(SizeClass::Under50, Status::AP, Pathway::Certifying));
  EXPECT_EQ(observed[0].filing_day, 62);
}

// ---- National aggregates, to the cent -------------------------------------------

// Three regions expecting 150, 90 and 60 dossiers, with 3, 3 and 2 M EUR
// available, no fees.
Scenario weighted_scenario() {
  Scenario s = testing::simple_scenario(3, 100, 1'000'000, 1000);
  s.demand.regions[0].expected_dossiers = 150;
  s.demand.regions[1].expected_dossiers = 90;
  s.demand.regions[2].expected_dossiers = 60;
  s.convention.regions[0].envelope = euros(3'000'000);
  s.convention.regions[1].envelope = euros(3'000'000);
  s.convention.regions[2].envelope = euros(2'000'000);
  s.convention.total_envelope = euros(8'000'000);
  s.demand.national_uptake_cv = 0.1;
  s.demand.regional_uptake_cv = 0.2;
  return s;
}

// Which region filed a national month's dossiers is not known: the ledger
// shares them by the arrivals each region was expected over the month (not
// by its money), and each replication shares them again by its own draws.
TEST(ActualsNational, AggregatesAreSpreadByTheArrivalsExpectedWithLargestRemainders) {
  const Scenario s = weighted_scenario();
  const Actuals a = monthly("2021-03,national,7,100,1000000.01\n", s);
  EXPECT_TRUE(a.national);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  const ForecastStart& start = *c.scenario.forecast_start;
  ASSERT_EQ(start.national_rows.size(), 1u);
  const ForecastStart::NationalRow& row = start.national_rows[0];
  EXPECT_EQ(row.dossiers, 7);
  EXPECT_EQ(row.trainees, 100);
  EXPECT_EQ(row.committed, 100000001);
  ASSERT_EQ(row.expected.size(), 3u);
  EXPECT_NEAR(row.expected[1] / row.expected[0], 0.6, 1e-12);
  EXPECT_NEAR(row.expected[2] / row.expected[0], 0.4, 1e-12);
  // One trainee per dossier at a fixed cost: a dossier's amount does not vary.
  EXPECT_NEAR(start.dossier_share_cv2, 0.0, 1e-12);
  const auto& lumps = start.dossiers;
  ASSERT_EQ(lumps.size(), 3u);
  // Quotas 3.5, 2.1, 1.4 dossiers; 50 000 000.5, 30 000 000.3, 20 000 000.2 cents.
  EXPECT_EQ(lumps[0].dossiers, 4);
  EXPECT_EQ(lumps[1].dossiers, 2);
  EXPECT_EQ(lumps[2].dossiers, 1);
  EXPECT_EQ(lumps[0].committed, 50000001);
  EXPECT_EQ(lumps[1].committed, 30000000);
  EXPECT_EQ(lumps[2].committed, 20000000);
  EXPECT_EQ(lumps[0].trainees + lumps[1].trainees + lumps[2].trainees, 100);
  for (const ObservedDossier& l : lumps) {
    EXPECT_EQ(l.cell, -1);
    EXPECT_EQ(l.filing_day, 59 + 15);  // 2021-03-16, the middle of March
    EXPECT_EQ(l.national_row, 0);
  }
}

// The 2020 carry-over was driven by no uptake of 2021: a national row of it
// is spread by available amounts, once, as the model spreads the carry-over.
TEST(ActualsNational, TheCarryOverIsSpreadByAvailableAmountsOnce) {
  const Scenario s = weighted_scenario();
  const ConditionedScenario c = condition_on_actuals(
      s, monthly("2020-12,national,8,8,800000.00\n2021-03,national,7,100,1000000.01\n", s),
      Date::from_ymd(2021, 4, 1));
  const ForecastStart& start = *c.scenario.forecast_start;
  EXPECT_EQ(start.national_rows.size(), 1u);
  std::vector<Cents> carried;
  for (const ObservedDossier& l : start.dossiers)
    if (l.kind == ObservedKind::CarryOver) {
      carried.push_back(l.committed);
      EXPECT_EQ(l.national_row, -1);
    }
  EXPECT_THAT(carried, ::testing::ElementsAre(30000000, 30000000, 20000000));
}

// A region that takes up more now took up more before the cut-off: each
// replication shares a national month by its regions' uptake
// (ForecastStart::NationalRow) — given it, the count's shares from the
// Dirichlet of parameters n·p_r, then the money's from that of parameters
// n·q_r / c² — so a region's past moves with its future, as in the years
// forecast. Checked region by region over 250 replications, for the shares of
// the dossiers and of the money: regressed on p_r (the expected share given
// the drawn uptake), slope 1; about it, mean 0 and the variance of those
// Dirichlets, p(1 − p)/(n + 1) for the count and p(1 − p)[1/(n + 1) +
// n/((n + 1)(n/c² + 1))] for the money. A split fixed at conditioning would
// give slope 0.
TEST(ActualsNational, EachReplicationSharesTheNationsPastByTheUptakeItDraws) {
  const Scenario s = observed_2021();
  const ConditionedScenario c = condition_on_actuals(s, monthly("2021-01,national,900,9000,9000000.00\n", s),
                                                     Date::from_ymd(2021, 2, 1));
  const ForecastStart& start = *c.scenario.forecast_start;
  ASSERT_EQ(start.national_rows.size(), 1u);
  const ForecastStart::NationalRow& row = start.national_rows[0];
  const double c2 = start.dossier_share_cv2;
  ASSERT_GT(c2, 1.0);
  const Simulator forecast(c.scenario);
  const auto regions = static_cast<std::size_t>(forecast.region_count());
  constexpr int replications = 250;
  constexpr std::uint64_t seed = 11;
  std::vector<std::vector<double>> money(regions), count(regions), expected(regions);
  for (int rep = 0; rep < replications; ++rep) {
    std::vector<Cents> past(regions, 0);
    std::vector<std::int64_t> dossiers(regions, 0);
    for (const SimulatedDossier& d : forecast.dossiers(seed, rep))
      if (d.observed && !d.carryover) {
        past[static_cast<std::size_t>(d.region)] += d.amount;
        ++dossiers[static_cast<std::size_t>(d.region)];
      }
    ASSERT_EQ(std::accumulate(past.begin(), past.end(), Cents{0}), row.committed) << "replication " << rep;
    ASSERT_EQ(std::accumulate(dossiers.begin(), dossiers.end(), std::int64_t{0}), row.dossiers);
    const std::vector<double> uptake = forecast.uptake_factors(seed, rep);
    double total = 0;
    for (std::size_t r = 0; r < regions; ++r) total += row.expected[r] * uptake[r];
    for (std::size_t r = 0; r < regions; ++r) {
      money[r].push_back(static_cast<double>(past[r]) / static_cast<double>(row.committed));
      count[r].push_back(static_cast<double>(dossiers[r]) / static_cast<double>(row.dossiers));
      expected[r].push_back(row.expected[r] * uptake[r] / total);
    }
  }
  const auto n_dossiers = static_cast<double>(row.dossiers);
  const double count_spread = 1 / (n_dossiers + 1);
  const double money_spread = count_spread + n_dossiers / ((n_dossiers + 1) * (n_dossiers / c2 + 1));
  const auto check = [&](const std::vector<double>& y, const std::vector<double>& x, double spread,
                         const std::string& what) {
    const double n = replications;
    const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n,
                 my = std::accumulate(y.begin(), y.end(), 0.0) / n;
    double sxx = 0, sxy = 0, dirichlet = 0, residual = 0, residual_sq = 0;
    for (int i = 0; i < replications; ++i) {
      sxx += (x[i] - mx) * (x[i] - mx);
      sxy += (x[i] - mx) * (y[i] - my);
      dirichlet += x[i] * (1 - x[i]) * spread / n;
      residual += (y[i] - x[i]) / n;
      residual_sq += (y[i] - x[i]) * (y[i] - x[i]) / n;
    }
    const double variance = residual_sq - residual * residual;
    // Four standard errors: the slope's, √(residual variance / Σ(x − x̄)²);
    // the residuals' mean, √(variance / n); their variance's, about
    // variance · √(2 / n) (the Beta marginals are near normal at these sizes).
    EXPECT_NEAR(sxy / sxx, 1.0, 4 * std::sqrt(dirichlet / sxx)) << what;
    EXPECT_NEAR(residual, 0.0, 4 * std::sqrt(dirichlet / n)) << what;
    EXPECT_NEAR(variance, dirichlet, 4 * dirichlet * std::sqrt(2 / n)) << what;
  };
  for (std::size_t r = 0; r < regions; ++r) {
    check(count[r], expected[r], count_spread, "dossiers, region " + std::to_string(r));
    check(money[r], expected[r], money_spread, "money, region " + std::to_string(r));
  }
}

// A dossier's envelope share varies with its trainees' count as well as with
// its cell and costs: one cell, one fixed cost, K = 1 + Poisson(1.5) gives
// c² = Var(K) / E[K]² = 1.5 / 2.5², exactly.
TEST(ActualsNational, ADossiersSpreadCountsItsTrainees) {
  Scenario s = weighted_scenario();
  s.demand.trainees.kind = TraineeCount::Kind::ShiftedPoisson;
  s.demand.trainees.mean = 2.5;
  const ConditionedScenario c =
      condition_on_actuals(s, monthly("2021-03,national,7,100,1000000.01\n", s), Date::from_ymd(2021, 4, 1));
  EXPECT_NEAR(c.scenario.forecast_start->dossier_share_cv2, 1.5 / 6.25, 1e-12);
  // From 30 dossiers the trainees per dossier are learnt, and c² is theirs:
  // λ = (50 × 1.5 + 200 − 40) / (50 + 40), E[K] = 1 + λ.
  const ConditionedScenario learnt =
      condition_on_actuals(s, monthly("2021-03,national,40,200,1000000.01\n", s), Date::from_ymd(2021, 4, 1));
  const double lambda = (75.0 + 160) / 90;
  ASSERT_NEAR(learnt.scenario.demand.trainees.mean, 1 + lambda, 1e-12);
  EXPECT_NEAR(learnt.scenario.forecast_start->dossier_share_cv2, lambda / ((1 + lambda) * (1 + lambda)),
              1e-12);
}

// The nation's count pins the national level, not the regions: each
// replication draws the level once from its conjugate posterior, and the
// regions' deviations about it average 1, weighed by their expected arrivals —
// so the nation is exactly as uncertain as its count says, not more.
TEST(ActualsNational, TheRegionsAverageTheLevelLearntFromTheNationsCount) {
  const Scenario s = observed_2021();
  const ConditionedScenario c = condition_on_actuals(
      s, monthly("2021-01,national,900,9000,9000000.00\n2021-02,national,1100,11000,11000000.00\n", s),
      Date::from_ymd(2021, 3, 1));
  const ForecastStart& start = *c.scenario.forecast_start;
  ASSERT_TRUE(start.regional_counts.empty());
  ASSERT_GT(start.joint_shape, 0);
  double expected = 0;
  for (double e : start.expected_before) expected += e;
  const Simulator forecast(c.scenario);
  constexpr int replications = 4000;
  double sum = 0, squares = 0;
  for (int rep = 0; rep < replications; ++rep) {
    const std::vector<double> uptake = forecast.uptake_factors(11, rep);
    double level = 0;
    for (std::size_t r = 0; r < uptake.size(); ++r) level += start.expected_before[r] / expected * uptake[r];
    sum += level;
    squares += level * level;
  }
  const double mean = sum / replications, variance = squares / replications - mean * mean;
  const double shape = start.joint_shape, rate = start.joint_rate;
  const double sd = std::sqrt(shape) / rate;
  // Four standard errors: of the mean, sd/√n; of the variance, about sd²·√(2/n).
  EXPECT_NEAR(mean, shape / rate, 4 * sd / std::sqrt(replications));
  EXPECT_NEAR(variance, sd * sd, 4 * sd * sd * std::sqrt(2.0 / replications));
}

TEST(ActualsNational, EveryAmountAddsUpToTheCentWhateverTheWeights) {
  const Scenario s = load_scenario_argument("observed-2021");
  for (const char* amount : {"0.01", "0.11", "62000000.00", "12345678.99", "7.77"}) {
    std::string row = "2021-05,national,13,29,";
    row += amount;
    row += '\n';
    const Actuals a = monthly(row, s);
    const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 6, 1));
    Cents sum = 0;
    std::int64_t dossiers = 0, trainees = 0;
    for (const ObservedDossier& l : c.scenario.forecast_start->dossiers) {
      sum += l.committed;
      dossiers += l.dossiers;
      trainees += l.trainees;
    }
    EXPECT_EQ(sum, *parse_euros(amount)) << amount;
    EXPECT_EQ(dossiers, 13);
    EXPECT_EQ(trainees, 29);
  }
}

// ---- Parameters learnt -----------------------------------------------------------

// n dossiers of 2 trainees at 3 000 EUR each, paid in full, in March, region 0.
std::string identical_dossiers(int n) {
  std::string rows;
  for (int i = 0; i < n; ++i) {
    // Appended piece by piece: GCC 12's -Wrestrict misreads "D" + to_string(i) once inlined here.
    rows += 'D';
    rows += std::to_string(i);
    rows += ",2021-03-04,R0,12,,AP,anticipation,2,6000.00,,\n";
  }
  return rows;
}

Scenario learning_scenario() {
  Scenario s = testing::simple_scenario(3, 100, 1'000'000, 6000);
  s.demand.national_uptake_cv = 0.1;
  s.demand.regional_uptake_cv = 0.2;
  s.demand.trainees.kind = TraineeCount::Kind::ShiftedPoisson;
  s.demand.trainees.mean = 2.5;
  for (TraineeCost& c : s.demand.cost_per_trainee) c.kind = TraineeCost::Kind::LogNormal;
  return s;
}

// The same with each trainee's cost lognormal (σ 0.5), so that a pathway's
// figure kept has an error of its own to draw.
Scenario learning_scenario_with_spread_costs() {
  Scenario s = learning_scenario();
  for (TraineeCost& c : s.demand.cost_per_trainee) c.sigma = 0.5;
  return s;
}

const ParameterLearning& find(const ActualsReport& report, std::string_view name) {
  for (const ParameterLearning& p : report.parameters)
    if (p.parameter == name) return p;
  throw std::logic_error("no such parameter");
}

TEST(ActualsLearning, CostAndTraineesMoveTowardsTheObservedInProportionToTheDossiers) {
  const Scenario s = learning_scenario();
  const Actuals a = parse_actuals(with_header(dossier_header, identical_dossiers(40)), "a.csv", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  // The scenario's 6 000 EUR weighs 50 dossiers × 2.5 trainees; the observed 3 000, 80 trainees.
  const ParameterLearning& cost = find(c.report, "cost_per_trainee.mean_eur.anticipation");
  EXPECT_TRUE(cost.updated);
  EXPECT_EQ(cost.dossiers, 40);
  EXPECT_DOUBLE_EQ(*cost.observed, 3000);
  const double expected_cost = std::exp((125 * std::log(6000.0) + 80 * std::log(3000.0)) / 205);
  EXPECT_NEAR(cost.posterior, expected_cost, 1e-9 * expected_cost);
  EXPECT_NEAR(c.scenario.demand.cost_per_trainee[static_cast<int>(Pathway::Anticipation)].mean_eur,
              expected_cost, 1e-9 * expected_cost);
  EXPECT_EQ(c.scenario.demand.cost_per_trainee[static_cast<int>(Pathway::Certifying)].mean_eur, 6000);
  // Gamma–Poisson on K − 1: (50 × 1.5 + 40) / (50 + 40).
  const ParameterLearning& trainees = find(c.report, "trainees.mean");
  EXPECT_TRUE(trainees.updated);
  EXPECT_DOUBLE_EQ(*trainees.observed, 2.0);
  EXPECT_NEAR(c.scenario.demand.trainees.mean, 1 + 115.0 / 90, 1e-12);
}

// What is learnt is uncertain by its own estimate's spread, and each
// replication draws that error: the forecast's costs are not taken as known.
TEST(ActualsLearning, WhatIsLearntIsDrawnWithItsOwnErrorInEachReplication) {
  // 20 dossiers of 2 trainees committed for 6 000 EUR, 20 of 4 for 4 000 EUR:
  // μ̂ = 200 000 / 120 trainees, and the costs about it (c − μ̂k = ±2 666.67)
  // give a trainee's relative variance Σ(c − μ̂k)² / (K μ̂²).
  std::string rows;
  for (int i = 0; i < 20; ++i) {
    rows += 'A' + std::to_string(i);
    rows += ",2021-03-04,R0,12,,AP,anticipation,2,6000.00,,\n";
    rows += 'B' + std::to_string(i);
    rows += ",2021-03-05,R0,12,,AP,anticipation,4,4000.00,,\n";
  }
  const Scenario s = learning_scenario_with_spread_costs();
  const ConditionedScenario c = condition_on_actuals(
      s, parse_actuals(with_header(dossier_header, rows), "a.csv", s), Date::from_ymd(2021, 4, 1));
  const double mean = 200'000.0 / 120, residual = 6000 - 2 * mean;
  const double relative_variance = 40 * residual * residual / 120 / (mean * mean);
  // The scenario weighs 50 dossiers × 2.5 trainees, the actuals 120 trainees.
  const double cost_sd = std::sqrt(relative_variance / (125 + 120));
  EXPECT_NEAR(find(c.report, "cost_per_trainee.mean_eur.anticipation").log_sd, cost_sd, 1e-12);
  // Counts 2 and 4, variance 1, over 50 + 40 dossiers, about the mean learnt.
  const ParameterLearning& trainees = find(c.report, "trainees.mean");
  const double trainees_sd = std::sqrt(1.0 / 90) / trainees.posterior;
  EXPECT_NEAR(trainees.log_sd, trainees_sd, 1e-12);
  // Not learnt (no dossier): the scenario's figure, with the error of the 50
  // dossiers × 2.5 trainees it weighs, each trainee's cost of variance e^{σ²} − 1.
  const double sigma = s.demand.cost_per_trainee[static_cast<int>(Pathway::Certifying)].sigma;
  const double kept_sd = std::sqrt(std::expm1(sigma * sigma) / 125);
  ASSERT_GT(kept_sd, 0);
  EXPECT_NEAR(find(c.report, "cost_per_trainee.mean_eur.certifying").log_sd, kept_sd, 1e-12);

  // Drawn: each pathway's factor is lognormal with mean 1, its log's sd its
  // own error and the trainees' together.
  const Simulator forecast(c.scenario);
  auto ws = forecast.make_workspace();
  ReplicationOutcome outcome = forecast.make_outcome();
  constexpr int replications = 4000;
  const auto anticipation = static_cast<std::size_t>(Pathway::Anticipation);
  const auto certifying = static_cast<std::size_t>(Pathway::Certifying);
  const double sd = std::hypot(cost_sd, trainees_sd), other_sd = std::hypot(kept_sd, trainees_sd);
  double sum = 0, log_sum = 0, log_squares = 0, other_log_squares = 0;
  for (int rep = 0; rep < replications; ++rep) {
    forecast.simulate(7, rep, *ws, outcome);
    ASSERT_EQ(outcome.cost_factors.size(), static_cast<std::size_t>(pathway_count));
    const double factor = outcome.cost_factors[anticipation], log_factor = std::log(factor);
    sum += factor;
    log_sum += log_factor;
    log_squares += log_factor * log_factor;
    const double other = std::log(outcome.cost_factors[certifying]) + other_sd * other_sd / 2;
    other_log_squares += other * other;
  }
  const double log_mean = log_sum / replications;
  const double log_sd = std::sqrt(log_squares / replications - log_mean * log_mean);
  // Four standard errors: of a mean, sd/√n; of a normal sample's sd, sd/√(2n).
  EXPECT_NEAR(sum / replications, 1.0, 4 * sd / std::sqrt(replications));
  EXPECT_NEAR(log_sd, sd, 4 * sd / std::sqrt(2.0 * replications));
  EXPECT_NEAR(std::sqrt(other_log_squares / replications), other_sd,
              4 * other_sd / std::sqrt(2.0 * replications));
}

TEST(ActualsLearning, TooFewDossiersKeepTheScenarioFigures) {
  const Scenario s = learning_scenario_with_spread_costs();
  const Actuals a = parse_actuals(with_header(dossier_header, identical_dossiers(29)), "a.csv", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  const ParameterLearning& cost = find(c.report, "cost_per_trainee.mean_eur.anticipation");
  EXPECT_FALSE(cost.updated);
  EXPECT_EQ(cost.note, "29 training dossiers observed, 30 needed");
  EXPECT_EQ(cost.posterior, 6000);
  EXPECT_EQ(c.scenario.demand.trainees.mean, 2.5);
  // Kept, but not as known: drawn with the error of the 50 dossiers the
  // scenario's figures weigh — the update's own error with no dossier
  // observed — so that 29 dossiers never give a surer forecast than 30 would.
  const double sigma = s.demand.cost_per_trainee[static_cast<int>(Pathway::Anticipation)].sigma;
  const double cost_sd = std::sqrt(std::expm1(sigma * sigma) / (50 * 2.5));
  ASSERT_GT(cost_sd, 0);
  EXPECT_NEAR(cost.log_sd, cost_sd, 1e-12);
  const double trainees_sd = std::sqrt(1.5 / 50) / 2.5;  // K − 1 Poisson(1.5)
  EXPECT_NEAR(find(c.report, "trainees.mean").log_sd, trainees_sd, 1e-12);
  const ForecastStart& start = *c.scenario.forecast_start;
  for (double sd : start.cost_log_sd) EXPECT_NEAR(sd, cost_sd, 1e-12);
  EXPECT_NEAR(start.common_log_sd, trainees_sd, 1e-12);
}

TEST(ActualsLearning, MonthlyTotalsTooFewKeepTheScenarioFiguresWithTheirError) {
  Scenario s = learning_scenario();
  for (TraineeCost& c : s.demand.cost_per_trainee) c.sigma = 0.5;
  const ConditionedScenario c =
      condition_on_actuals(s, monthly("2021-03,R0,20,40,120000.00\n", s), Date::from_ymd(2021, 4, 1));
  for (const TraineeCost& cost : c.scenario.demand.cost_per_trainee) EXPECT_EQ(cost.mean_eur, 6000);
  // As from 60 dossiers (below), over the scenario's 50 dossiers alone.
  const double cost_sd = std::sqrt(std::expm1(0.5 * 0.5) / 2.5 / 50);
  const double trainees_sd = std::sqrt(1.5 / 50) / 2.5;
  for (const ParameterLearning& p : c.report.parameters) {
    EXPECT_FALSE(p.updated) << p.parameter;
    EXPECT_NEAR(p.log_sd, p.parameter.starts_with("cost_per_trainee") ? cost_sd : trainees_sd, 1e-12)
        << p.parameter;
  }
  EXPECT_NEAR(c.scenario.forecast_start->common_log_sd, std::hypot(cost_sd, trainees_sd), 1e-12);
}

// A value kept whose key the scenario's [uncertainty] draws: the scenario
// states its doubt, and the 50 dossiers' error is not added to it.
TEST(ActualsLearning, AKeptValueTheScenarioDrawsKeepsTheScenariosDoubtAlone) {
  Scenario s = learning_scenario_with_spread_costs();
  Distribution spread;
  spread.kind = DistributionKind::LogNormal;
  spread.a = 6000;  // mean
  spread.b = 0.15;  // cv
  s.uncertainty.parameters.push_back({"demand.cost_per_trainee.mean_eur.anticipation", spread});
  s.uncertainty.correlation = Eigen::MatrixXd::Identity(1, 1);
  s.uncertainty.particles = 200;
  const ConditionedScenario c =
      condition_on_actuals(s, parse_actuals(with_header(dossier_header, identical_dossiers(29)), "a.csv", s),
                           Date::from_ymd(2021, 4, 1));
  const ParameterLearning& declared = find(c.report, "cost_per_trainee.mean_eur.anticipation");
  EXPECT_FALSE(declared.updated);
  EXPECT_EQ(declared.log_sd, 0);
  EXPECT_THAT(declared.note, ::testing::HasSubstr("[uncertainty]"));
  const ParameterLearning& other = find(c.report, "cost_per_trainee.mean_eur.certifying");
  EXPECT_GT(other.log_sd, 0);  // not drawn by the scenario: its prior's error
  const ForecastStart& start = *c.scenario.forecast_start;
  EXPECT_EQ(start.cost_log_sd[static_cast<std::size_t>(Pathway::Anticipation)], 0);
  EXPECT_EQ(start.cost_log_sd[static_cast<std::size_t>(Pathway::Certifying)], other.log_sd);
}

// From totals one factor scales every pathway's cost; a pathway whose cost
// the scenario fixes cannot take it, so nothing is learnt from totals, and
// each other pathway keeps its figure with its own prior error, as from
// dossiers; the fixed one none.
TEST(ActualsLearning, MonthlyTotalsWithAFixedCostKeepEachOtherPathwaysError) {
  Scenario s = learning_scenario_with_spread_costs();
  TraineeCost& fixed = s.demand.cost_per_trainee[static_cast<std::size_t>(Pathway::Reconversion)];
  fixed.kind = TraineeCost::Kind::Fixed;
  const ConditionedScenario c =
      condition_on_actuals(s, monthly("2021-03,R0,60,120,360000.00\n", s), Date::from_ymd(2021, 4, 1));
  const ForecastStart& start = *c.scenario.forecast_start;
  for (int p = 0; p < pathway_count; ++p) {
    const TraineeCost& cost = s.demand.cost_per_trainee[static_cast<std::size_t>(p)];
    const double expected = cost.kind == TraineeCost::Kind::Fixed
                                ? 0.0
                                : std::sqrt(std::expm1(cost.sigma * cost.sigma) / (50 * 2.5));
    EXPECT_NEAR(start.cost_log_sd[static_cast<std::size_t>(p)], expected, 1e-12) << p;
    EXPECT_EQ(c.report.parameters[static_cast<std::size_t>(p)].log_sd,
              start.cost_log_sd[static_cast<std::size_t>(p)]);
    EXPECT_FALSE(c.report.parameters[static_cast<std::size_t>(p)].updated);
  }
  // The common factor carries the trainees' error alone (learnt from 60 dossiers).
  EXPECT_NEAR(start.common_log_sd, find(c.report, "trainees.mean").log_sd, 1e-15);
  EXPECT_GT(start.common_log_sd, 0);
}

TEST(ActualsLearning, AFixedFigureIsTakenAsKnown) {
  Scenario s = learning_scenario();
  s.demand.trainees.kind = TraineeCount::Kind::Fixed;
  s.demand.trainees.fixed = 2;
  for (TraineeCost& c : s.demand.cost_per_trainee) c.kind = TraineeCost::Kind::Fixed;
  const ConditionedScenario c =
      condition_on_actuals(s, parse_actuals(with_header(dossier_header, identical_dossiers(10)), "a.csv", s),
                           Date::from_ymd(2021, 4, 1));
  for (const ParameterLearning& p : c.report.parameters) EXPECT_EQ(p.log_sd, 0) << p.parameter;
  EXPECT_FALSE(c.scenario.forecast_start->learnt_money_uncertain());
}

TEST(ActualsLearning, MonthlyTotalsScaleEveryPathwayByTheSharePerTrainee) {
  // Every dossier costs 6 000 EUR per trainee at a 100 % rate: 60 dossiers of
  // 2 trainees committed for 3 000 EUR each say the cost is half.
  Scenario s = learning_scenario();
  for (TraineeCost& c : s.demand.cost_per_trainee) c.sigma = 0.5;
  const Actuals a = monthly("2021-03,R0,60,120,360000.00\n", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  const double factor = std::exp(60.0 / 110 * std::log(0.5));
  for (const TraineeCost& cost : c.scenario.demand.cost_per_trainee)
    EXPECT_NEAR(cost.mean_eur, 6000 * factor, 1e-9 * 6000);
  const ParameterLearning& trainees = find(c.report, "trainees.mean");
  EXPECT_TRUE(trainees.updated);
  EXPECT_NEAR(c.scenario.demand.trainees.mean, 1 + (50 * 1.5 + 60) / 110.0, 1e-12);
  // Totals show no dossier's spread: the scenario's. One rate and one mean
  // cost everywhere, so only the trainees' costs vary: a dossier's share per
  // trainee has relative variance cv² / E[K], over the 50 + 60 dossiers —
  // E[K] the trainees per dossier learnt, as the forecast prices the dossiers.
  const double cost_sd = std::sqrt(std::expm1(0.5 * 0.5) / trainees.posterior / 110);
  for (const ParameterLearning& p : c.report.parameters)
    if (p.parameter.starts_with("cost_per_trainee")) {
      EXPECT_NEAR(p.log_sd, cost_sd, 1e-12) << p.parameter;
    }
  // The count's spread under the mean learnt (Poisson: λ), over 110 dossiers.
  const double trainees_sd = std::sqrt((trainees.posterior - 1) / 110) / trainees.posterior;
  EXPECT_NEAR(trainees.log_sd, trainees_sd, 1e-12);
  // Both are common to the pathways.
  const ForecastStart& start = *c.scenario.forecast_start;
  EXPECT_NEAR(start.common_log_sd, std::hypot(cost_sd, trainees_sd), 1e-12);
  for (double sd : start.cost_log_sd) EXPECT_EQ(sd, 0);
}

// Monthly totals give a categorical count's mean, not its shape: the
// scenario's weights are tilted, w_k e^{θ v_k}, to the mean learnt.
Scenario categorical_learning_scenario() {
  Scenario s = learning_scenario();
  s.demand.trainees.kind = TraineeCount::Kind::Categorical;
  s.demand.trainees.values = {1, 2, 5, 12};
  s.demand.trainees.weights = {0.4, 0.3, 0.2, 0.1};  // mean 3.2
  return s;
}

TEST(ActualsLearning, MonthlyTotalsTiltACategoricalCountToTheMeanLearnt) {
  const Scenario s = categorical_learning_scenario();
  // 60 dossiers, 360 trainees: 6 a dossier; the scenario's 3.2 weighs 50.
  const Actuals a = monthly("2021-03,R0,60,360,1080000.00\n", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  const TraineeCount& learnt = c.scenario.demand.trainees;
  const double target = (50 * 3.2 + 360) / 110.0;
  EXPECT_NEAR(learnt.expected(), target, 1e-12);
  EXPECT_EQ(learnt.values, s.demand.trainees.values);
  double total = 0;
  for (double w : learnt.weights) total += w;
  EXPECT_NEAR(total, 1.0, 1e-15);
  // An exponential tilt: log(w_k / w⁰_k) is affine in the value, one θ for every count.
  std::vector<double> theta;
  for (std::size_t k = 1; k < learnt.values.size(); ++k)
    theta.push_back((std::log(learnt.weights[k] / s.demand.trainees.weights[k]) -
                     std::log(learnt.weights[0] / s.demand.trainees.weights[0])) /
                    (learnt.values[k] - learnt.values[0]));
  EXPECT_GT(theta[0], 0);  // more trainees observed: weight moved to the larger counts
  for (double t : theta) EXPECT_NEAR(t, theta[0], 1e-9);
  const ParameterLearning& trainees = find(c.report, "trainees.weights");
  EXPECT_TRUE(trainees.updated);
  EXPECT_DOUBLE_EQ(*trainees.observed, 6.0);
  EXPECT_NEAR(trainees.posterior, target, 1e-12);
}

TEST(ActualsLearning, ATiltReachesAMeanCarriedByACountOfTinyWeight) {
  // Only a steep tilt moves the mean of {1, 2, 30} with 30 at weight 1e-300 to 29: it must get there, not
  // stop at 2 with the mean unreached.
  Scenario s = categorical_learning_scenario();
  s.demand.trainees.values = {1, 2, 30};
  s.demand.trainees.weights = {0.5, 0.5, 1e-300};
  // 1 000 dossiers and 30 000 trainees: with the scenario's 1.5 weighing 50, a mean of (75 + 30 000) / 1 050.
  const Actuals a = monthly("2021-03,R0,1000,30000,1080000.00\n", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  EXPECT_TRUE(find(c.report, "trainees.weights").updated);
  EXPECT_NEAR(c.scenario.demand.trainees.expected(), (75 + 30000) / 1050.0, 1e-9 * 30);
}

TEST(ActualsLearning, ACategoricalMeanOutsideTheScenarioCountsIsNotLearnt) {
  const Scenario s = categorical_learning_scenario();
  // 20 trainees a dossier, and still 14 after the scenario's 50 dossiers: beyond its largest count, 12.
  const Actuals a = monthly("2021-03,R0,100,2000,1080000.00\n", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  const ParameterLearning& trainees = find(c.report, "trainees.weights");
  EXPECT_FALSE(trainees.updated);
  EXPECT_EQ(trainees.note, "the mean observed is outside the scenario's counts: not learnt");
  EXPECT_EQ(c.scenario.demand.trainees.weights, s.demand.trainees.weights);
}

TEST(ActualsReportText, FewParticlesInEffectAreACaution) {
  const Scenario s = learning_scenario();
  const Actuals a = monthly("2021-03,R0,60,120,360000.00\n", s);
  ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 4, 1));
  c.report.particles = 4000;
  const char* caution = "Caution: only a few draws carry the weight";
  c.report.effective_particles = 1950;
  EXPECT_EQ(render_actuals_report(c.report, c.scenario).find(caution), std::string::npos);
  c.report.effective_particles = 157;  // under one in twenty
  EXPECT_NE(render_actuals_report(c.report, c.scenario).find(caution), std::string::npos);
}

TEST(ActualsLearning, UptakeLearnsFromEligibleArrivalsOnly) {
  // observed-2021: "transformation" and "resumption" (15 % of dossiers) are
  // ineligible before 1 July, so they are not expected among the actuals.
  const Scenario& s = observed_2021();
  const Actuals a = monthly("2021-01,ARA,1,1,1.00\n", s);
  const ConditionedScenario c = condition_on_actuals(s, a, Date::from_ymd(2021, 2, 1));
  const Simulator simulator(s);
  const double arrivals = simulator.expected_arrivals_between(0, 0, 31);
  // ARA's expected dossiers and diagnostics, as the simulator spreads them.
  const double available_share =
      static_cast<double>(s.convention.available(0)) / s.convention.total_available();
  const double training = s.demand.regions[0].expected_dossiers;
  const double diagnostics = s.demand.diagnostics_expected_dossiers * available_share;
  const double diagnostic_share = diagnostics / (training + diagnostics);
  EXPECT_NEAR(c.report.regions[0].expected_dossiers,
              arrivals * (diagnostic_share + (1 - diagnostic_share) * 0.85), 1e-9 * arrivals);
}

}  // namespace
}  // namespace fnesim
