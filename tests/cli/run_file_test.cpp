// The binary: `run --out`, `inspect`, `export`, their exit codes, --force,
// and what is left on disk after Ctrl-C or a full disk (nothing).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "results/hdf5.hpp"
#include "support/test_files.hpp"

extern char** environ;

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

struct Outcome {
  int exit_code = -1;
  std::string out, err;
};

// Runs `fnesim <arguments>` in `dir` through the shell (arguments are simple words).
Outcome fnesim(const ScratchDirectory& dir, const std::string& arguments,
               const std::string& shell_prefix = "") {
  std::string command = "cd '";
  command += dir.path().string();
  command += "' && ";
  command += shell_prefix;
  command += "'";
  command += FNESIM_BINARY;
  command += "' ";
  command += arguments;
  command += " > .stdout 2> .stderr";
  const int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = testing::read_text(dir / ".stdout");
  outcome.err = testing::read_text(dir / ".stderr");
  std::filesystem::remove(dir / ".stdout");
  std::filesystem::remove(dir / ".stderr");
  return outcome;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(cell);
  if (!line.empty() && line.back() == ',') cells.emplace_back();
  return cells;
}

std::string cell(const std::vector<std::string>& header, const std::vector<std::string>& row,
                 const std::string& name) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return i < row.size() ? row[i] : "";
  ADD_FAILURE() << "no column " << name;
  return "";
}

// The run file names the revision the binary was built from, taken at each
// build: a stamp taken at configure time stayed that of the first build
// after later commits. (Skipped outside a git checkout, where it is `unknown`.)
TEST(CliRunFile, NamesTheRevisionTheBinaryWasBuiltFrom) {
  ScratchDirectory dir;
  std::string head;
  {
    const std::string command =
        std::string("git -C '") + FNESIM_SOURCE_DIR + "' rev-parse --short=12 HEAD 2>/dev/null";
    FILE* git = popen(command.c_str(), "r");
    ASSERT_NE(git, nullptr);
    char line[64] = {};
    if (std::fgets(line, sizeof line, git) != nullptr) head = line;
    if (pclose(git) != 0) GTEST_SKIP() << "the sources are not a git checkout";
  }
  while (!head.empty() && head.back() == '\n') head.pop_back();
  ASSERT_EQ(head.size(), 12U);
  const Outcome run = fnesim(dir, "run -n 10 -j 1 --out run.h5");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const Outcome inspect = fnesim(dir, "inspect run.h5");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  // `-modified` follows when tracked files differed from it at build time.
  // (Fails, rightly, when commits were made since the last build: rebuild.)
  const std::string rebuild = "the binary does not name the tree's revision " + head +
                              ": rebuild it if commits were made since it was built";
  EXPECT_THAT(inspect.out, HasSubstr("(git " + head)) << rebuild;
  const Outcome version = fnesim(dir, "--version");
  EXPECT_THAT(version.out, HasSubstr("(" + head)) << rebuild;
}

// A scenario no file of which writes [run]: the scenario printed gets one, with the run's count and seed.
// A run of one replication has no standard error: the CSV leaves its cells
// empty (a value that does not exist), as docs/csv-format.md says, not "nan".
TEST(CliRunFile, TheCsvOfOneReplicationLeavesItsStandardErrorsEmpty) {
  ScratchDirectory dir;
  ASSERT_EQ(fnesim(dir, "run -n 1 -s 3 --no-trajectories --out one.h5").exit_code, 0);
  const Outcome csv = fnesim(dir, "export one.h5 --csv csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const std::string regions = testing::read_text(dir / "csv/regions.csv");
  EXPECT_EQ(regions.find("nan"), std::string::npos) << regions;
  const auto rows = lines(regions);
  ASSERT_GE(rows.size(), 2U);
  // p_exhausted_mean, _se, _ci_low, _ci_high: the 6th to 9th columns.
  std::vector<std::string> cells;
  std::stringstream row(rows[1]);
  for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
  ASSERT_GE(cells.size(), 9U);
  EXPECT_FALSE(cells[5].empty());
  EXPECT_EQ(cells[6], "");
  EXPECT_EQ(cells[7], "");
  EXPECT_EQ(cells[8], "");
}

TEST(CliRunFile, InspectScenarioAddsTheRunSectionNoFileWrote) {
  ScratchDirectory dir;
  std::string text =
      testing::read_text(std::string(FNESIM_SOURCE_DIR) + "/tests/data/good/three-regions.toml");
  const std::size_t run = text.find("\n[run]\n");
  ASSERT_NE(run, std::string::npos);
  const std::size_t next = text.find("\n[", run + 1);
  text.erase(run + 1, next == std::string::npos ? std::string::npos : next - run);
  ASSERT_EQ(text.find("[run]"), std::string::npos);
  testing::write_text(dir / "no-run.toml", text);
  ASSERT_EQ(fnesim(dir, "run no-run.toml -n 30 -s 5 -j 1 --out run.h5 --summary-json run.json").exit_code, 0);
  const Outcome scenario = fnesim(dir, "inspect run.h5 --scenario");
  ASSERT_EQ(scenario.exit_code, 0) << scenario.err;
  EXPECT_THAT(scenario.out, HasSubstr("[run]\nreplications = 30  # as run\nseed = 5  # as run\n"));
  testing::write_text(dir / "as-run.toml", scenario.out);
  ASSERT_EQ(fnesim(dir, "run as-run.toml -j 1 --summary-json rerun.json").exit_code, 0);
  const std::string original = testing::read_text(dir / "run.json"),
                    rerun = testing::read_text(dir / "rerun.json");
  EXPECT_EQ(original.substr(original.find("\"regions\"")), rerun.substr(rerun.find("\"regions\"")));
  // A seed TOML cannot hold is said, so that the printed text still loads.
  ASSERT_EQ(
      fnesim(dir, "run no-run.toml -n 5 -s 18446744073709551615 -j 1 --out big.h5 --summary-json big.json")
          .exit_code,
      0);
  // The JSON gives it whole, as --seed takes it back (not as a signed -1).
  EXPECT_THAT(testing::read_text(dir / "big.json"), HasSubstr("\"seed\": 18446744073709551615,"));
  EXPECT_THAT(fnesim(dir, "recommend big.h5 --json").out, HasSubstr("\"seed\": 18446744073709551615"));
  EXPECT_THAT(fnesim(dir, "compare big.h5 big.h5 --json").out, HasSubstr("\"seed\": 18446744073709551615"));
  const Outcome big = fnesim(dir, "inspect big.h5 --scenario");
  EXPECT_THAT(big.out, HasSubstr("# the run used --seed 18446744073709551615, beyond TOML's integers"));
  testing::write_text(dir / "big.toml", big.out);
  EXPECT_EQ(fnesim(dir, "validate big.toml --quiet").exit_code, 0);
}

// The scenario a run file records is printed to be run again: text that is
// not TOML is damage and is refused, printing nothing; TOML this fnesim does
// not read as a scenario (a file of an older one) is printed, with a warning.
TEST(CliRunFile, InspectScenarioRefusesTextThatIsNotTomlAndWarnsOfOneItCannotRun) {
  ScratchDirectory dir;
  ASSERT_EQ(fnesim(dir, "run -n 5 -s 5 -j 1 --no-trajectories --out run.h5").exit_code, 0);
  const auto with_scenario = [&](const std::string& name, const std::string& text) {
    std::filesystem::copy_file(dir / "run.h5", dir / name);
    hdf5::File file = hdf5::File::open_read_write(dir / name);
    hdf5::Group scenario = file.open_group("scenario");
    scenario.remove("resolved_toml");
    scenario.write_string("resolved_toml", text, {});
    file.close();
  };
  with_scenario("garbled.h5", "this = = not toml\n");
  const Outcome garbled = fnesim(dir, "inspect garbled.h5 --scenario");
  EXPECT_EQ(garbled.exit_code, 2);
  EXPECT_THAT(garbled.err, HasSubstr("garbled.h5: /scenario/resolved_toml: is not TOML (line 1: "));
  EXPECT_EQ(garbled.out, "");
  with_scenario("older.h5", "name = \"older\"\n[convention]\nsome_key_of_old = 1\n");
  const Outcome older = fnesim(dir, "inspect older.h5 --scenario");
  EXPECT_EQ(older.exit_code, 0) << older.err;
  EXPECT_THAT(older.out, HasSubstr("some_key_of_old = 1"));
  EXPECT_THAT(older.err, HasSubstr("warning: this fnesim does not read the run's scenario ("));
  EXPECT_THAT(older.err, HasSubstr("printed as it was run, it may not run again"));
}

// Every match of `pattern`'s first group in `text`, in order.
std::vector<std::string> all_of(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  const std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator(); ++it)
    out.push_back((*it)[1].str());
  return out;
}

// A run's financial review moved by --review-date is in the scenario `inspect
// --scenario` prints, so that the file alone reruns it: the same review
// figures. The scenario's own date is not written out.
TEST(CliRunFile, TheScenarioAsRunKeepsAReviewDateGivenOnTheCommandLine) {
  ScratchDirectory dir;
  ASSERT_EQ(
      fnesim(dir, "run -n 40 -j 2 --review-date 2021-06-30 --out run.h5 --summary-json run.json").exit_code,
      0);
  const Outcome as_run = fnesim(dir, "inspect run.h5 --scenario");
  ASSERT_EQ(as_run.exit_code, 0) << as_run.err;
  EXPECT_THAT(as_run.out,
              HasSubstr("[convention]\nfinancial_review = 2021-06-30  # as run (--review-date)\n"));
  testing::write_text(dir / "as-run.toml", as_run.out);
  ASSERT_EQ(fnesim(dir, "run as-run.toml -j 2 --summary-json again.json").exit_code, 0);
  const std::string first = testing::read_text(dir / "run.json"),
                    again = testing::read_text(dir / "again.json");
  const auto review = [](const std::string& json) { return json.substr(json.find("\"review_date\"")); };
  EXPECT_EQ(review(first).substr(0, 400), review(again).substr(0, 400));
  ASSERT_EQ(fnesim(dir, "run -n 40 -j 2 --out plain.h5").exit_code, 0);
  EXPECT_THAT(fnesim(dir, "inspect plain.h5 --scenario").out, ::testing::Not(HasSubstr("financial_review")));
}

// `recommend --toml` writes the scenario the recommendation was evaluated on:
// run on the run's seed, it gives every region the P(exhausted) recommend
// gave "after". Without the regions' demand pinned, the default scenario's
// demand (stated nationally) would follow the envelopes, and would not.
TEST(CliRunFile, RecommendTomlIsTheScenarioTheRecommendationWasEvaluatedOn) {
  ScratchDirectory dir;
  ASSERT_EQ(fnesim(dir, "run -n 200 -s 3 -j 2 --out run.h5").exit_code, 0);
  const Outcome as_run = fnesim(dir, "inspect run.h5 --scenario");
  ASSERT_EQ(as_run.exit_code, 0) << as_run.err;
  testing::write_text(dir / "as-run.toml", as_run.out);
  const Outcome toml = fnesim(dir, "recommend run.h5 --min IDF=40000000 --toml");
  ASSERT_EQ(toml.exit_code, 0) << toml.err;
  EXPECT_THAT(toml.out, HasSubstr("extends = \"as-run.toml\"\n"));
  EXPECT_THAT(toml.out, HasSubstr("[demand.regions.IDF]\nexpected_dossiers = "));
  testing::write_text(dir / "recommended.toml", toml.out);
  const Outcome json = fnesim(dir, "recommend run.h5 --min IDF=40000000 --json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  ASSERT_EQ(fnesim(dir, "run recommended.toml -j 2 --summary-json after.json").exit_code, 0);
  const std::vector<std::string> recommended = all_of(json.out, R"("p_exhausted_after": ([0-9.e-]+))");
  ASSERT_EQ(recommended.size(), 12u);
  const std::string after = testing::read_text(dir / "after.json");
  const std::vector<std::string> simulated =
      all_of(after.substr(after.find("\"regions\"")), R"("p_exhausted": ([0-9.e-]+))");
  ASSERT_GE(simulated.size(), 12u);
  EXPECT_EQ(std::vector<std::string>(simulated.begin(), simulated.begin() + 12), recommended);
  // --toml prints instead of the tables, and not with --json.
  EXPECT_EQ(fnesim(dir, "recommend run.h5 --toml --json").exit_code, 2);
  // A bound typed in millions is said, as a scenario's envelope would be.
  const Outcome millions = fnesim(dir, "recommend run.h5 --min IDF=30 --json");
  EXPECT_EQ(millions.exit_code, 0);
  EXPECT_THAT(millions.err,
              HasSubstr("warning: --min IDF=30: 30.00 EUR is no envelope: amounts are in euros, so 30 "
                        "million is written IDF=30000000\n"));
}

// One scenario, one hash: the same file read from two directories (or the
// built-in one) is the same scenario, and `compare` says so.
TEST(CliRunFile, TheScenarioHashDoesNotDependOnWhereItsFileWas) {
  ScratchDirectory dir;
  const std::string source =
      testing::read_text(std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios/convention-2021.toml");
  std::filesystem::create_directories(dir / "a");
  std::filesystem::create_directories(dir / "b");
  testing::write_text(dir / "a/convention-2021.toml", source);
  testing::write_text(dir / "b/convention-2021.toml", source);
  ASSERT_EQ(fnesim(dir, "run a/convention-2021.toml -n 20 -j 1 --out a.h5").exit_code, 0);
  ASSERT_EQ(fnesim(dir, "run b/convention-2021.toml -n 20 -j 1 -s 4 --out b.h5").exit_code, 0);
  ASSERT_EQ(fnesim(dir, "run convention-2021 -n 20 -j 1 --out builtin.h5").exit_code, 0);
  auto hash = [&](const char* file) {
    return hdf5::File::open_read_only((dir / file).string()).string_attribute("scenario_sha256");
  };
  EXPECT_EQ(hash("a.h5"), hash("b.h5"));
  EXPECT_EQ(hash("a.h5"), hash("builtin.h5"));
  EXPECT_THAT(fnesim(dir, "compare a.h5 b.h5").out, HasSubstr("(the same scenario: equal SHA-256)"));
  // A run file given as a scenario is said to be one.
  const Outcome wrong = fnesim(dir, "run a.h5 -n 5");
  EXPECT_EQ(wrong.exit_code, 2);
  EXPECT_THAT(wrong.err,
              HasSubstr("a.h5: is an HDF5 file (a run file?), not a scenario: `fnesim inspect a.h5 "
                        "--scenario` prints the scenario a run file was made from"));
}

// A forecast from actuals run with its own --seed: recommend re-weighs the
// particles from that seed (it used the scenario's and refused the file as
// not reproduced); --toml, which a scenario cannot honour there, is refused.
TEST(CliRunFile, RecommendReproducesAForecastRunWithItsOwnSeed) {
  ScratchDirectory dir;
  const std::string actuals = std::string(FNESIM_SOURCE_DIR) + "/scenarios/actuals/national-2021-09-15.csv";
  ASSERT_EQ(fnesim(dir, "run observed-september-2021 --actuals '" + actuals +
                            "' --as-of 2021-09-16 -n 5 -s 7 -j 2 --out x.h5")
                .exit_code,
            0);
  const Outcome recommended = fnesim(dir, "recommend x.h5 --actuals '" + actuals + "' --json");
  EXPECT_EQ(recommended.exit_code, 0) << recommended.err;
  const Outcome toml = fnesim(dir, "recommend x.h5 --actuals '" + actuals + "' --toml");
  EXPECT_EQ(toml.exit_code, 2);
  EXPECT_THAT(toml.err,
              HasSubstr("--toml: x.h5 is a forecast from actuals, which a scenario file cannot reproduce"));
}

TEST(CliRunFile, InspectAndExportShowWhatRunShowed) {
  ScratchDirectory dir;
  const Outcome run = fnesim(dir, "run -n 60 -j 2 --out run.h5 --summary-json run.json");
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(dir.listing(), "run.h5 run.json");

  const Outcome inspect = fnesim(dir, "inspect run.h5");
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  EXPECT_THAT(inspect.out, HasSubstr("(fnesim-results, format 1.13)"));
  EXPECT_THAT(inspect.out, HasSubstr("60 replications, seed 20210118"));
  EXPECT_THAT(inspect.out, HasSubstr("<builtin>/convention-2021.toml"));
  // The same table, timing line included, as the run printed.
  ASSERT_GE(inspect.out.size(), run.out.size());
  EXPECT_EQ(inspect.out.substr(inspect.out.size() - run.out.size()), run.out);

  const Outcome scenario = fnesim(dir, "inspect run.h5 --scenario");
  EXPECT_EQ(scenario.exit_code, 0);
  EXPECT_THAT(scenario.out, HasSubstr("[convention]"));
  // The scenario as run: -n 60 replaced the scenario's replications, and a rerun of it is the same run.
  EXPECT_THAT(scenario.out, HasSubstr("replications = 60  # as run"));
  EXPECT_THAT(scenario.out, HasSubstr("seed = 20210118  # as run"));
  testing::write_text(dir / "as-run.toml", scenario.out);
  const Outcome rerun = fnesim(dir, "run as-run.toml -j 1 --summary-json rerun.json --out rerun.h5");
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  // Its [run] now says 60 replications where the scenario said 2 000: the same scenario, the same hash.
  EXPECT_EQ(hdf5::File::open_read_only(dir / "rerun.h5").string_attribute("scenario_sha256"),
            hdf5::File::open_read_only(dir / "run.h5").string_attribute("scenario_sha256"));
  std::filesystem::remove(dir / "rerun.h5");
  // [run] written inline: inspect --scenario makes it a table (one beside it would not parse), the same hash.
  testing::write_text(dir / "inline.toml",
                      "extends = \"convention-2021\"\nrun = { seed = 7, threads = 1 }\n");
  ASSERT_EQ(fnesim(dir, "run inline.toml -n 8 --no-trajectories --out inline.h5").exit_code, 0);
  const Outcome inline_as_run = fnesim(dir, "inspect inline.h5 --scenario");
  EXPECT_THAT(inline_as_run.out,
              HasSubstr("\n[run]\nreplications = 8  # as run\nseed = 7  # as run\nthreads = 1\n"));
  testing::write_text(dir / "inline-as-run.toml", inline_as_run.out);
  const Outcome inline_rerun = fnesim(dir, "run inline-as-run.toml --no-trajectories --out inline-rerun.h5");
  ASSERT_EQ(inline_rerun.exit_code, 0) << inline_rerun.err;
  EXPECT_EQ(hdf5::File::open_read_only(dir / "inline-rerun.h5").string_attribute("scenario_sha256"),
            hdf5::File::open_read_only(dir / "inline.h5").string_attribute("scenario_sha256"));
  for (const char* name : {"inline.toml", "inline.h5", "inline-as-run.toml", "inline-rerun.h5"})
    std::filesystem::remove(dir / name);
  const std::string original = testing::read_text(dir / "run.json"),
                    rerun_json = testing::read_text(dir / "rerun.json");
  // The same results; only the scenario's provenance (its name, file and hash) differs.
  EXPECT_EQ(original.substr(original.find("\"regions\"")), rerun_json.substr(rerun_json.find("\"regions\"")));
  std::filesystem::remove(dir / "as-run.toml");
  std::filesystem::remove(dir / "rerun.json");

  const Outcome json = fnesim(dir, "export run.h5 --summary-json again.json");
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_EQ(testing::read_text(dir / "again.json"), testing::read_text(dir / "run.json"));

  const Outcome csv = fnesim(dir, "export run.h5 --csv csv");
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  const auto regions = lines(testing::read_text(dir / "csv/regions.csv"));
  const auto replications = lines(testing::read_text(dir / "csv/replications.csv"));
  const auto national = lines(testing::read_text(dir / "csv/national_replications.csv"));
  const auto fan = lines(testing::read_text(dir / "csv/monthly_fan.csv"));
  const auto by_month = lines(testing::read_text(dir / "csv/exhaustion_by_month.csv"));
  const hdf5::File file = hdf5::File::open_read_only(dir / "run.h5");
  const std::size_t months = file.open_dataset("summary/month").element_count();
  EXPECT_EQ(regions.size(), 1u + 12 + 1);
  EXPECT_EQ(replications.size(), 1u + 60 * 12);
  EXPECT_EQ(national.size(), 1u + 60);
  EXPECT_EQ(fan.size(), 1u + 13 * 2 * months);
  EXPECT_EQ(by_month.size(), 1u + 12 * months);
  EXPECT_EQ(replications[0].substr(0, 45), "replication,region,exhaustion_day,committed_c");
  EXPECT_EQ(fan[0], "region,month,measure,mean_eur,q05_eur,q10_eur,q25_eur,q50_eur,q75_eur,q90_eur,q95_eur");

  // Cross-checks between files: the national row of regions.csv and the last
  // month of the national cumulative commitments describe the same amounts.
  const auto header = split(regions[0]);
  const auto national_row = split(regions.back());
  EXPECT_EQ(cell(header, national_row, "code"), "national");
  EXPECT_EQ(cell(header, national_row, "p_exhausted_mean"), "");                 // a regional figure
  EXPECT_EQ(cell(header, split(regions[1]), "additional_needed_mean_eur"), "");  // a national one
  EXPECT_EQ(cell(header, split(regions[1]), "name"), "Auvergne-Rhône-Alpes");
  const double committed = std::stod(cell(header, national_row, "committed_mean_eur"));
  const auto fan_header = split(fan[0]);
  std::string last_national;
  for (const auto& line : fan)
    if (line.rfind("national,", 0) == 0 && line.find(",cumulative_commitments,") != std::string::npos)
      last_national = line;
  const double fan_committed = std::stod(cell(fan_header, split(last_national), "mean_eur"));
  EXPECT_NEAR(fan_committed, committed, 1e-9 * committed);
  // Replication 0, region ARA: the same committed amount in cents as the HDF5 file.
  const auto rep_header = split(replications[0]);
  const auto first = split(replications[1]);
  EXPECT_EQ(cell(rep_header, first, "region"), "ARA");
  EXPECT_EQ(std::stoll(cell(rep_header, first, "committed_cents")),
            file.open_dataset("replications/committed_cents").read_rows<std::int64_t>(0, 1)[0]);
}

TEST(CliRunFile, ExitCodesAndForce) {
  ScratchDirectory dir;
  ASSERT_EQ(fnesim(dir, "run -n 8 --out run.h5").exit_code, 0);
  const std::string original = testing::read_text(dir / "run.h5");

  // An existing target: refused before the run (2) and left alone; --force replaces it.
  Outcome again = fnesim(dir, "run -n 9 --out run.h5");
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_THAT(again.err, HasSubstr("run.h5: exists already (use --force to overwrite)"));
  EXPECT_EQ(testing::read_text(dir / "run.h5"), original);
  EXPECT_EQ(fnesim(dir, "run -n 9 --out run.h5 --force").exit_code, 0);
  EXPECT_THAT(fnesim(dir, "inspect run.h5").out, HasSubstr("9 replications"));

  // An unwritable place: a failure of the job (1), with the path named.
  const Outcome nowhere = fnesim(dir, "run -n 8 --out missing-dir/run.h5");
  EXPECT_EQ(nowhere.exit_code, 1);
  EXPECT_THAT(nowhere.err, HasSubstr("missing-dir/run.h5: directory missing-dir does not exist"));

  // Reading: anything but a readable fnesim file of a known major version is bad input (2).
  EXPECT_EQ(fnesim(dir, "inspect absent.h5").exit_code, 2);
  testing::write_text(dir / "notes.h5", "not HDF5");
  const Outcome text = fnesim(dir, "inspect notes.h5");
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_THAT(text.err, HasSubstr("notes.h5: not an HDF5 file"));
  {
    hdf5::File other = hdf5::File::create(dir / "other.h5");
    other.set_string_attribute("filetype", "something-else");
    other.close();
  }
  const Outcome other = fnesim(dir, "inspect other.h5");
  EXPECT_EQ(other.exit_code, 2);
  EXPECT_THAT(other.err, HasSubstr("is a 'something-else' file, not an fnesim results file"));
  {
    hdf5::File future = hdf5::File::open_read_write(dir / "run.h5");
    const std::int32_t version[] = {3, 1};
    future.set_attribute<std::int32_t>("format_version", version);
    future.close();
  }
  const Outcome future = fnesim(dir, "export run.h5 --summary-json s.json");
  EXPECT_EQ(future.exit_code, 2);
  EXPECT_THAT(future.err, HasSubstr("format version 3.1, but this fnesim reads format 1.x only"));
  EXPECT_FALSE(std::filesystem::exists(dir / "s.json"));

  // export: nothing asked, existing outputs without --force.
  ASSERT_EQ(fnesim(dir, "run -n 8 --no-trajectories --out small.h5").exit_code, 0);
  EXPECT_EQ(fnesim(dir, "export small.h5").exit_code, 2);
  const Outcome first = fnesim(dir, "export small.h5 --csv out");
  EXPECT_EQ(first.exit_code, 0);
  EXPECT_THAT(first.err, HasSubstr("monthly_fan.csv not written: the run was made with --no-trajectories"));
  testing::write_text(dir / "out/regions.csv", "mine");
  const Outcome refused = fnesim(dir, "export small.h5 --csv out");
  EXPECT_EQ(refused.exit_code, 2);
  // Every existing target at once, in one line (no monthly_fan.csv: --no-trajectories).
  EXPECT_EQ(refused.err,
            "fnesim export: out/regions.csv, out/exhaustion_by_month.csv, out/replications.csv, "
            "out/national_replications.csv, out/settlement.csv: exist already (use --force to overwrite)\n");
  EXPECT_EQ(testing::read_text(dir / "out/regions.csv"), "mine");
  EXPECT_EQ(fnesim(dir, "export small.h5 --csv out --force").exit_code, 0);
  EXPECT_NE(testing::read_text(dir / "out/regions.csv"), "mine");
  // A file named as the directory (the run file itself, by a slip) is the
  // user's mistake, as `sensitivity --csv` says: exit status 2, not 1.
  const Outcome not_a_directory = fnesim(dir, "export small.h5 --csv small.h5 --force");
  EXPECT_EQ(not_a_directory.exit_code, 2);
  EXPECT_THAT(not_a_directory.err, HasSubstr("--csv small.h5: exists and is not a directory"));
  EXPECT_EQ(fnesim(dir, "run -n 8 --no-trajectories").exit_code, 2);  // --no-trajectories needs --out
}

TEST(CliRunFile, CtrlCLeavesNoFile) {
  ScratchDirectory dir;
  const std::string binary = FNESIM_BINARY;
  const std::string target = (dir / "run.h5").string();
  std::vector<std::string> args{binary, "run", "-n", "100000000", "-j", "1", "--out", target};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  // Wait until the run is under way (its temporary file exists), then Ctrl-C.
  const std::string temporary = target + ".tmp." + std::to_string(pid);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (!std::filesystem::exists(temporary) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_TRUE(std::filesystem::exists(temporary));
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // some replications written
  ASSERT_EQ(::kill(pid, SIGINT), 0);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "killed by signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 130);
  EXPECT_EQ(dir.listing(), "");
}

TEST(CliRunFile, AFullDiskFailsCleanly) {
  // RLIMIT_FSIZE stands in for a full disk: with SIGXFSZ ignored, writes
  // beyond 40 KiB fail with EFBIG, as they would with ENOSPC.
  ScratchDirectory dir;
  const Outcome full = fnesim(dir, "run -n 100 -j 2 --out run.h5", "trap '' XFSZ; ulimit -f 40; exec ");
  EXPECT_EQ(full.exit_code, 1);
  EXPECT_THAT(full.err, HasSubstr("run.h5: cannot write the run file"));
  EXPECT_THAT(full.err, HasSubstr("nothing written"));
  EXPECT_EQ(dir.listing(), "");
}

}  // namespace
}  // namespace fnesim
