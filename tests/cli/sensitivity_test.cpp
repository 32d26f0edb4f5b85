// `fnesim sensitivity` and `fnesim sweep` as a planner runs them: the indices
// where only one parameter matters, the same results whatever -j, the run
// file with /sensitivity, a sweep that moves with its key, and the refusals.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::read_text;
using testing::run_fnesim;
using testing::ScratchDirectory;
using testing::write_text;

const std::string source = FNESIM_SOURCE_DIR;

// A path as the shell reads it, quoted.
std::string quoted(const std::filesystem::path& path) {
  std::string out = "'";
  out.append(path.string()).append("'");
  return out;
}

// Only the year's count of dossiers moves national demand: cancellations are
// decided after filing (demand ignores them) and uptake is known.
std::string one_parameter_matters(const ScratchDirectory& dir) {
  const auto path = dir / "one-matters.toml";
  std::ostringstream text;
  text << "extends = \"" << source << "/tests/data/good/three-regions.toml\"\nname = \"one-matters\"\n" << R"(
[demand.arrivals]
national_uptake_cv = 0
regional_uptake_cv = 0
[uncertainty.parameters."demand.arrivals.expected_dossiers"]
distribution = "lognormal"
mean = 1000
cv = 0.5
[uncertainty.parameters."demand.lifecycle.cancellation_probability"]
distribution = "uniform"
min = 0.0
max = 0.3
)";
  write_text(path, text.str());
  return quoted(path);
}

// sobol.csv as output → factor → column → value.
using SobolTable = std::map<std::string, std::map<std::string, std::map<std::string, double>>>;
SobolTable read_sobol(const std::string& path) {
  std::istringstream in(read_text(path));
  std::string line;
  std::getline(in, line);
  std::vector<std::string> header;
  for (std::stringstream h(line); std::getline(h, line, ',');) header.push_back(line);
  SobolTable table;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    for (std::stringstream row(line); std::getline(row, line, ',');) cells.push_back(line);
    for (std::size_t c = 3; c < cells.size(); ++c)
      table[cells[0]][cells[1]][header[c]] = cells[c].empty() ? std::nan("") : std::stod(cells[c]);
  }
  return table;
}

TEST(CliSensitivity, WhereOneParameterMattersItsTotalIndexIsOneAndTheOthersZero) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  const auto result = run_fnesim("sensitivity " + scenario + " -n 512 --seed 4 -j 2 --csv " + quoted(dir / "csv"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("Sobol indices of national demand"));
  EXPECT_THAT(result.out, HasSubstr("Tornado of P(additional allocation needed)"));
  const SobolTable sobol = read_sobol((dir / "csv" / "sobol.csv").string());
  const auto& demand = sobol.at("national_demand_eur");
  const auto& count = demand.at("demand.arrivals.expected_dossiers");
  // The count's indices are 1 up to the dossiers' own noise (under 1 %):
  // both intervals hold 0.99, and are narrow enough to say something.
  EXPECT_LE(count.at("first_low"), 0.99);
  EXPECT_GE(count.at("first_high"), 0.99);
  EXPECT_LT(count.at("first_high") - count.at("first_low"), 0.5);
  EXPECT_LE(count.at("total_low"), 0.99);
  EXPECT_GE(count.at("total_high"), 0.99);
  EXPECT_LT(count.at("total_high") - count.at("total_low"), 0.25);
  // Cancellations never move demand: Jansen's estimator is exactly 0.
  const auto& cancellation = demand.at("demand.lifecycle.cancellation_probability");
  EXPECT_EQ(cancellation.at("total_effect"), 0.0);
  EXPECT_LE(cancellation.at("first_low"), 0.0);
  EXPECT_GE(cancellation.at("first_high"), 0.0);
  // The dossiers' own randomness: small, its interval holding values below 0.05.
  const auto& dossiers = demand.at("dossiers");
  EXPECT_LT(dossiers.at("total_low"), 0.05);
  EXPECT_GE(dossiers.at("total_effect"), 0.0);
  EXPECT_EQ(demand.count("uptake"), 0u);  // known uptake: no such factor
}

TEST(CliSensitivity, TheSameResultsWhateverTheThreadsAndARunFileWithTheAnalysis) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  const std::string common = "sensitivity " + scenario + " -n 64 --seed 9 --group both=demand.arrivals."
                             "expected_dossiers,demand.lifecycle.cancellation_probability --range "
                             "demand.diagnostics.expected_dossiers=0,50";
  const auto one = run_fnesim(common + " -j 1 --csv " + quoted(dir / "one") + " --out " + quoted(dir / "run.h5"));
  ASSERT_EQ(one.exit_code, 0) << one.err;
  const auto two = run_fnesim(common + " -j 2 --csv " + quoted(dir / "two"));
  ASSERT_EQ(two.exit_code, 0) << two.err;
  for (const char* file : {"sobol.csv", "tornado.csv"})
    EXPECT_EQ(read_text((dir / "one" / file).string()), read_text((dir / "two" / file).string())) << file;
  // The group and the range given are there.
  EXPECT_THAT(read_text((dir / "one" / "sobol.csv").string()), HasSubstr(",both,group,"));
  EXPECT_THAT(read_text((dir / "one" / "tornado.csv").string()),
              HasSubstr("demand.diagnostics.expected_dossiers,range given,"));
  // The run file is an ordinary one: its replications are `run`'s.
  const auto inspect = run_fnesim("inspect " + quoted(dir / "run.h5"));
  EXPECT_EQ(inspect.exit_code, 0) << inspect.err;
  const auto run = run_fnesim("run " + scenario + " -n 64 --seed 9 -j 2");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const auto table_of = [](const std::string& out) { return out.substr(out.find("Region")); };
  EXPECT_EQ(table_of(inspect.out).substr(0, 400), table_of(run.out).substr(0, 400));
}

TEST(CliSensitivity, AStatedKeySetToItsOwnValueGivesTheBaselineExactly) {
  // The scenario is read again with the key set: its order (regions, uncertain
  // parameters) must survive, or the replications would draw other numbers.
  const ScratchDirectory dir;
  const auto result = run_fnesim("sensitivity observed-2021-uncertain -n 16 --seed 5 -j 2 --range "
                                 "demand.carryover.mean_fne_eur=10000,10000 --range "
                                 "demand.cost_per_trainee.mean_eur.certifying=2650,2650 --csv " + quoted(dir / "bars"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  std::istringstream csv(read_text((dir / "bars" / "tornado.csv").string()));
  std::string line;
  int checked = 0;
  while (std::getline(csv, line)) {
    if (line.find("range given") == std::string::npos) continue;
    // parameter,source,statistic,baseline,low_value,high_value,at_low,at_low_se,at_high,at_high_se
    std::vector<std::string> cells;
    for (std::stringstream row(line); std::getline(row, line, ',');) cells.push_back(line);
    ASSERT_EQ(cells.size(), 10u);
    EXPECT_EQ(cells[6], cells[3]) << cells[0] << " " << cells[2];
    EXPECT_EQ(cells[8], cells[3]) << cells[0] << " " << cells[2];
    ++checked;
  }
  EXPECT_EQ(checked, 2 * (4 + 2 * 12));
  // The bars' values as a planner writes them: every whole digit, no exponent.
  EXPECT_THAT(result.out, HasSubstr("10000 → 10000"));
  EXPECT_THAT(result.out, ::testing::Not(HasSubstr("e+0")));
}

TEST(CliSensitivity, RefusesWhatItCannotDoNamingIt) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  struct Refusal {
    std::string arguments, message;
  };
  const std::vector<Refusal> refusals{
      {"-n 16 --group costs=demand.nothing", "'demand.nothing' is not a factor"},
      {"-n 16 --range demand.arrivals.expected_dossiers=5", "expected KEY=LOW,HIGH"},
      // A value the scenario refuses: the validator's own message, with the key.
      {"-n 16 --range demand.diagnostics.expected_dossiers=-5,5", "demand.diagnostics.expected_dossiers"},
      // Said of the setting, as typed — not of a line of a merged text the user never sees.
      {"-n 16 --range demand.arrivals.expected_dosiers=5000,9000",
       "fnesim sensitivity: demand.arrivals.expected_dosiers = 5000: unknown key 'expected_dosiers'; did you "
       "mean "
       "'expected_dossiers'?\n"},
      {"-n 16 --range convention.fee_rate=0.1,1.1",
       "convention.fee_rate = 1.1: a rate must be in [0, 1], found 1.1"},
      // No dropout_mean in this scenario: its default 0 has no random share (it stopped on an internal
      // error).
      {"-n 16 --range demand.lifecycle.dropout_sd=0.1,0.2",
       "demand.lifecycle.dropout_sd = 0.2: no Beta distribution has mean 0 (dropout_mean not stated) and sd "
       "0.2"},
      {"-n 16 --range demand.lifecycle.cancellation_probability=0.1,1.5",
       "outside the values it may take, in [0, 1]"},
      {"-n 16 --range demand.diagnostics.expected_dossiers=9,1", "LOW is above HIGH"},
      // Every value refused is said, not the first (the second read as the same problem).
      {"-n 16 --range demand.lifecycle.cancellation_probability=-0.2,1.2",
       "2 settings refused:\n  demand.lifecycle.cancellation_probability = -0.2: outside the values it may "
       "take, "
       "in [0, 1], found -0.2\n  demand.lifecycle.cancellation_probability = 1.2"},
      // A range without a tornado was dropped unread; both its problems are said.
      {"-n 16 --no-tornado --range nonsense=abc",
       "2 problems:\n  --range nonsense=abc: a range is a tornado bar, and --no-tornado asks for "
       "none"},
      {"-n 16 --group costs=nothing,neither", "'nothing', 'neither' are not factors"},
      // A forecast from actuals is not analysed yet: said, not parsed as stray arguments.
      {"-n 16 --actuals actuals.csv --as-of 2021-09-16", "--actuals: sensitivity does not take actuals yet"},
      {"-n 16 --group dossiers=demand.arrivals.expected_dossiers", "already names a factor"},
      {"-n 4", "at least 8 base rows"},
  };
  for (const Refusal& refusal : refusals) {
    SCOPED_TRACE(refusal.arguments);
    const auto refused = run_fnesim("sensitivity " + scenario + " " + refusal.arguments);
    EXPECT_EQ(refused.exit_code, 2);
    EXPECT_THAT(refused.err, HasSubstr(refusal.message));
  }
  EXPECT_FALSE(std::filesystem::exists(dir / "nothing.h5"));
  // An output inside --csv's directory under a CSV's own name: refused before
  // any replication (it ran the analysis, then lost the run file).
  const auto csv = dir / "csv";
  std::filesystem::create_directory(csv);
  const auto clash = run_fnesim("sensitivity " + scenario + " -n 16 --no-tornado --out " +
                                quoted(csv / "tornado.csv") + " --csv " + quoted(csv));
  EXPECT_EQ(clash.exit_code, 2);
  EXPECT_THAT(clash.err, HasSubstr("--out and --csv's tornado.csv name the same file"));
  EXPECT_THAT(clash.err, ::testing::Not(HasSubstr("replications")));
  EXPECT_TRUE(std::filesystem::is_empty(csv));
}

// A key written with a quoted part is the same key: an uncertain parameter's
// value was silently left to its draw (the sweep's points all alike).
TEST(CliSweep, AKeyWithQuotedPartsIsTheSameKey) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  std::vector<std::string> csvs;
  for (const char* key :
       {"demand.arrivals.expected_dossiers", R"(demand.\"arrivals\".\"expected_dossiers\")"}) {
    const auto csv = dir / ("sweep-" + std::to_string(csvs.size()) + ".csv");
    const auto result = run_fnesim("sweep " + scenario + " -n 20 --seed 4 -j 1 --set \"" + key +
                                   "=500,2000\" --csv " + quoted(csv));
    ASSERT_EQ(result.exit_code, 0) << result.err;
    csvs.push_back(read_text(csv.string()));
  }
  EXPECT_EQ(csvs[0], csvs[1]);
  // The two points differ: the value was set, not drawn.
  const std::size_t first = csvs[0].find(",mean_national_demand_eur,");
  const std::size_t second = csvs[0].find(",mean_national_demand_eur,", first + 1);
  ASSERT_NE(second, std::string::npos);
  EXPECT_NE(csvs[0].substr(first + 26, 12), csvs[0].substr(second + 26, 12));
}

// With few rows the first half may give an output one value: no index there,
// shown as "–", never "nan" (16 base rows of the September scenario: P(additional
// allocation needed) is 0 in all of the first 8).
TEST(CliSensitivity, AnIndexWithoutVarianceIsADashNotNan) {
  const auto result = run_fnesim("sensitivity observed-september-2021 -n 16 -j 2");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("– → "));
  EXPECT_THAT(result.out, ::testing::Not(HasSubstr("nan")));
}

// Two stated keys that must agree are set together: the drop-out sd 0.3 needs
// the mean 0.4 given after it (one at a time, the sd met the mean 0.05 and was refused).
TEST(CliSweep, KeysThatMustAgreeAreSetTogetherInAnyOrder) {
  for (const char* order :
       {"--set demand.lifecycle.dropout_sd=0.3 --set demand.lifecycle.dropout_mean=0.4",
        "--set demand.lifecycle.dropout_mean=0.4 --set demand.lifecycle.dropout_sd=0.3"}) {
    SCOPED_TRACE(order);
    const auto result = run_fnesim(std::string("sweep convention-2021 -n 8 -j 2 ") + order);
    EXPECT_EQ(result.exit_code, 0) << result.err;
  }
  const auto refused = run_fnesim(
      "sweep convention-2021 -n 8 --set demand.lifecycle.dropout_sd=0.6 --set "
      "demand.lifecycle.dropout_mean=0.4");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err,
              HasSubstr("demand.lifecycle.dropout_sd = 0.6, demand.lifecycle.dropout_mean = 0.4: "
                        "demand.lifecycle.dropout_sd: no Beta distribution has mean 0.4 and sd 0.6"));
  // One key a number, another below it: said, not followed into the number.
  const auto nested = run_fnesim("sweep convention-2021 -n 8 --set demand.foo=1 --set demand.foo.bar=2");
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_THAT(nested.err, HasSubstr("demand.foo.bar: 'demand.foo' is set as a number by another key given"));
}

TEST(CliSweep, MoreDossiersMeanMoreDemandOnCommonRandomNumbers) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  const auto result = run_fnesim("sweep " + scenario +
                                 " -n 200 --seed 2 -j 2 --set demand.diagnostics.expected_dossiers=0,100,200 "
                                 "--csv " + quoted(dir / "sweep.csv") + " --chart " + quoted(dir / "sweep.svg") + " --json " +
                                 quoted(dir / "sweep.json"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, HasSubstr("3 points × 200 replications"));
  // Mean national demand, per point, from the CSV: strictly increasing, since
  // every point draws the same training dossiers and adds diagnostics.
  std::istringstream csv(read_text((dir / "sweep.csv").string()));
  std::string line;
  std::vector<double> demand;
  while (std::getline(csv, line))
    if (line.find(",mean_national_demand_eur,") != std::string::npos) {
      const std::size_t start = line.find(",mean_national_demand_eur,") + 26;
      demand.push_back(std::stod(line.substr(start, line.find(',', start) - start)));
    }
  ASSERT_EQ(demand.size(), 3u);
  EXPECT_LT(demand[0], demand[1]);
  EXPECT_LT(demand[1], demand[2]);
  const std::string svg = read_text((dir / "sweep.svg").string());
  EXPECT_THAT(svg, HasSubstr("<svg"));
  EXPECT_THAT(svg, HasSubstr("<polyline"));
  EXPECT_THAT(read_text((dir / "sweep.json").string()), HasSubstr("\"keys\""));
}

// A value with a plus sign is the number TOML reads ("+5000" was "not a
// finite number"); one point is "1 point".
TEST(CliSweep, APlusSignedValueIsTheNumberAndOnePointIsSingular) {
  const auto plus = run_fnesim("sweep observed-2021 -n 4 -j 1 --set demand.arrivals.expected_dossiers=+5000");
  ASSERT_EQ(plus.exit_code, 0) << plus.err;
  EXPECT_THAT(plus.out, HasSubstr(": 1 point × 4 replications"));
  const auto plain = run_fnesim("sweep observed-2021 -n 4 -j 1 --set demand.arrivals.expected_dossiers=5000");
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  // The same table, the elapsed time aside.
  const auto table = [](const std::string& out) { return out.substr(out.find('\n')); };
  EXPECT_EQ(table(plus.out), table(plain.out));
  const auto refused = run_fnesim("sweep observed-2021 -n 4 --set demand.arrivals.expected_dossiers=+-5000");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_THAT(refused.err, HasSubstr("'+-5000' is not a finite number"));
}

// The CSV a researcher reads: each value as the shortest text that reads
// back as the same double — 0.03, not 0.029999999999999999.
TEST(CliSweep, TheCsvWritesNumbersAsTypedAndExact) {
  const ScratchDirectory dir;
  const auto result =
      run_fnesim("sweep reference-r1 -n 20 --seed 2 -j 1 --set convention.fee_rate=0.03,0.05 --csv " +
                 quoted(dir / "fees.csv"));
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::string csv = read_text((dir / "fees.csv").string());
  EXPECT_THAT(csv, HasSubstr("\n0.03,"));
  EXPECT_THAT(csv, HasSubstr("\n0.05,"));
  EXPECT_THAT(csv, ::testing::Not(HasSubstr("0.0299999")));
}

// A value swept that looks like a slip of units is warned of, named by the
// --set that wrote it, once however many points hold it; the sweep runs.
TEST(CliSweep, AValueThatLooksTypedInThousandsIsWarnedOfOnce) {
  const auto result = run_fnesim(
      "sweep reference-r1 -n 10 -j 1 --set demand.cost_per_trainee.mean_eur.reconversion=50,6000 "
      "--set demand.lifecycle.cancellation_probability=0,0.1");
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_EQ(
      result.err,
      "--set demand.cost_per_trainee.mean_eur.reconversion=50: warning: 50 EUR a trainee is less than a day "
      "of training: amounts are in euros, so 50 thousand is written 50e3\n");
}

TEST(CliSweep, RefusesABadGridNamingIt) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  const auto none = run_fnesim("sweep " + scenario + " -n 10");
  EXPECT_NE(none.exit_code, 0);
  const auto bad = run_fnesim("sweep " + scenario + " -n 10 --set demand.arrivals.expected_dossiers=1,x");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("'x' is not a finite number"));
  const auto table = run_fnesim("sweep " + scenario + " -n 10 --set demand.arrivals=1,2");
  EXPECT_EQ(table.exit_code, 2);
  EXPECT_THAT(table.err, HasSubstr("demand.arrivals"));
  const auto run_key = run_fnesim("sweep " + scenario + " -n 10 --set run.replications=5");
  EXPECT_EQ(run_key.exit_code, 2);
  EXPECT_THAT(run_key.err, HasSubstr("the [run] settings are the command's own"));
  const auto three = run_fnesim("sweep " + scenario + " -n 10 --set a.b=1 --set c.d=1 --set e.f=1");
  EXPECT_EQ(three.exit_code, 2);
  EXPECT_THAT(three.err, HasSubstr("one or two keys"));
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// A planner writes options before or after the file or scenario: a repeatable
// option takes one value an occurrence, never the positional argument after it.
TEST(CliOptionOrder, ARepeatableOptionBeforeThePositionalArgumentLeavesIt) {
  const ScratchDirectory dir;
  const std::string scenario = one_parameter_matters(dir);
  const std::string run = quoted(dir / "run.h5");
  ASSERT_EQ(run_fnesim("run " + scenario + " -n 40 --seed 3 -j 2 --out " + run).exit_code, 0);

  const auto after = run_fnesim("recommend " + run + " -j 1 --min NOR=1000 --min BRE=1000 --json");
  const auto before = run_fnesim("recommend --min NOR=1000 --min BRE=1000 " + run + " -j 1 --json");
  ASSERT_EQ(after.exit_code, 0) << after.err;
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_EQ(before.out, after.out);
  // --objective takes one or two words: `expected-unmet FILE` leaves the file, `target-probability P FILE`
  // too.
  const auto unmet = run_fnesim("recommend --objective expected-unmet " + run + " -j 1 --json");
  ASSERT_EQ(unmet.exit_code, 0) << unmet.err;
  EXPECT_EQ(unmet.out, run_fnesim("recommend " + run + " -j 1 --json").out);
  const auto target = run_fnesim("recommend --objective target-probability 0.9 " + run + " -j 1 --json");
  ASSERT_EQ(target.exit_code, 0) << target.err;
  EXPECT_THAT(target.out, HasSubstr("target-probability"));
  // Quoted as one word, or with '=': the same request, the same recommendation.
  for (const char* written : {"'target-probability 0.9'", "target-probability=0.9"}) {
    const auto one_word =
        run_fnesim("recommend --objective " + std::string(written) + " " + run + " -j 1 --json");
    ASSERT_EQ(one_word.exit_code, 0) << written << ": " << one_word.err;
    EXPECT_EQ(one_word.out, target.out) << written;
  }
  const auto twice = run_fnesim("recommend " + run + " --min NOR=1000 --min NOR=2000 -j 1");
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_THAT(twice.err, HasSubstr("--min NOR=2000: NOR is bounded by --min twice"));
  const auto no_file = run_fnesim("recommend --objective expected-unmet -j 1");
  EXPECT_EQ(no_file.exit_code, 2);
  EXPECT_THAT(no_file.err, HasSubstr("file is required"));

  const auto group_first = run_fnesim(
      "sensitivity --group "
      "both=demand.arrivals.expected_dossiers,demand.lifecycle.cancellation_probability " +
      scenario + " -n 16 --seed 5 -j 2 --no-tornado");
  ASSERT_EQ(group_first.exit_code, 0) << group_first.err;
  EXPECT_THAT(group_first.out, HasSubstr("one-matters"));
  const auto set_first =
      run_fnesim("sweep --set demand.diagnostics.expected_dossiers=0,100 " + scenario + " -n 10 --seed 2");
  ASSERT_EQ(set_first.exit_code, 0) << set_first.err;
  EXPECT_THAT(set_first.out, HasSubstr("Sweep of one-matters"));
}

TEST(CliRecommend, ASecondSaveIsRefusedBeforeTheReSimulation) {
  const ScratchDirectory dir;
  const std::string run = quoted(dir / "run.h5");
  ASSERT_EQ(run_fnesim("run " + one_parameter_matters(dir) + " -n 40 --seed 3 -j 2 --out " + run).exit_code,
            0);
  ASSERT_EQ(run_fnesim("recommend " + run + " -j 1 --save").exit_code, 0);
  const auto again = run_fnesim("recommend " + run + " -j 1 --save");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("already holds a recommendation; use --force to replace it"));
  EXPECT_EQ(again.out, "");  // nothing computed, nothing printed
  EXPECT_EQ(run_fnesim("recommend " + run + " -j 1 --save --force").exit_code, 0);
}

}  // namespace
}  // namespace fnesim
