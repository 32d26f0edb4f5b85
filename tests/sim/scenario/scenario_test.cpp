// The scenario loader: shipped scenarios, `extends`, merge rules, exact values.
#include "sim/scenario/scenario.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numeric>

#include "models/demand.hpp"
#include "sim/plan.hpp"
#include "sim/scenario/correlation.hpp"
#include "sim/scenario/reader.hpp"
#include "sim/utf8.hpp"

namespace fnesim {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path source_dir = FNESIM_SOURCE_DIR;
const fs::path good_dir = source_dir / "tests" / "data" / "good";
const fs::path bad_dir = source_dir / "tests" / "data" / "bad";

// Every diagnostic of a scenario that should not load; fails the test if it loads.
std::vector<Diagnostic> diagnostics_of(const std::function<Scenario()>& load) {
  try {
    load();
  } catch (const ScenarioError& e) {
    return e.diagnostics();
  }
  ADD_FAILURE() << "the scenario loaded without error";
  return {};
}

std::string messages_of(const std::vector<Diagnostic>& diagnostics) {
  std::string out;
  for (const auto& d : diagnostics) out += d.to_string() + "\n";
  return out;
}

// A scenario given as text, resolving `extends` against the test data.
Scenario load_text(const std::string& text, const fs::path& base = good_dir) {
  return load_scenario_text(text, "inline.toml", base);
}

std::vector<std::string> region_codes(const Scenario& s) {
  std::vector<std::string> codes;
  for (const Region& r : s.convention.regions) codes.push_back(r.code);
  return codes;
}

double total_expected(const Scenario& s) {
  double sum = 0;
  for (const RegionalDemand& r : s.demand.regions) sum += r.expected_dossiers;
  return sum;
}

// A fresh directory under the system's temporary directory, removed at the end.
class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() /
            ("fnesim-scenario-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path_ / name) << text; }

 private:
  fs::path path_;
  static inline int counter_ = 0;
};

TEST(ScenarioDefault, HasTheConventionsFigures) {
  const Scenario s = load_default_scenario();
  EXPECT_EQ(s.name, "convention-2021");
  EXPECT_THAT(s.source_files, ElementsAre("<builtin>/convention-2021.toml"));
  const Convention& c = s.convention;
  EXPECT_EQ(c.total_envelope, euros(150'000'000));
  EXPECT_EQ(c.fee_rate, Rate{500});
  EXPECT_EQ(c.fee_mode, FeeMode::ProRata);
  EXPECT_EQ(c.commitment_start, Date::from_ymd(2021, 1, 1));
  EXPECT_EQ(c.commitment_end, Date::from_ymd(2021, 12, 31));
  EXPECT_EQ(c.training_end, Date::from_ymd(2022, 4, 30));
  // Art. 7: training past 30 April 2022 is paid for its days done; the
  // financial review before 1 March 2022.
  EXPECT_EQ(c.past_deadline, PastDeadline::ProRata);
  EXPECT_EQ(c.financial_review, Date::from_ymd(2022, 2, 28));
  EXPECT_THAT(c.steering_committee_dates,
              ElementsAre(Date::from_ymd(2021, 6, 30), Date::from_ymd(2021, 12, 15)));
  // The annex's order, not TOML's alphabetical one (NOR comes before NAQ in the annex).
  EXPECT_THAT(region_codes(s), ElementsAre("ARA", "BFC", "BRE", "CVL", "GES", "HDF", "IDF", "NOR", "NAQ",
                                           "OCC", "PAC", "PDL"));
  EXPECT_EQ(c.regions[6].name, "Île-de-France");
  EXPECT_EQ(c.regions[6].envelope, euros(28'500'000));
  Cents sum = 0;
  for (const Region& r : c.regions) sum += r.envelope;
  EXPECT_EQ(sum, c.total_envelope);
  EXPECT_EQ(c.national_fees(), euros(7'500'000));
  EXPECT_EQ(c.total_available(), euros(142'500'000));

  ASSERT_EQ(s.coverage.rules.size(), 9u);
  EXPECT_EQ(s.coverage.rules.front().id, "art6-lt300-AP");
  EXPECT_EQ(s.coverage.rules.back().id, "art6-gt1000-difficulty");
  EXPECT_EQ(s.coverage.rules[4].rate, Rate{8000});  // 300–1000, APLD
  EXPECT_EQ(s.coverage.rules[8].rate, Rate{4000});  // > 1000, difficulty
  EXPECT_EQ(s.coverage.rules[8].headcount_min, 1001);
  EXPECT_EQ(s.coverage.rules[8].headcount_max, 1'000'000'000);
  EXPECT_EQ(s.coverage.diagnostic_day_rate, euros(1000));

  const DemandModel& d = s.demand;
  ASSERT_EQ(d.regions.size(), 12u);
  EXPECT_NEAR(total_expected(s), 10'000, 1e-9);
  // Spread by available envelope: IDF has 28.5 / 150 of the dossiers.
  EXPECT_NEAR(d.regions[6].expected_dossiers, 10'000 * 28.5 / 150, 1e-9);
  EXPECT_EQ(d.intake_closes_days_before_end, 14);
  EXPECT_DOUBLE_EQ(d.regional_correlation(0, 1), 0.3);
  EXPECT_DOUBLE_EQ(d.regional_correlation(11, 11), 1.0);
  EXPECT_NEAR(std::accumulate(d.regions[0].mix.begin(), d.regions[0].mix.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(d.regions[0].mix[mix_cell(SizeClass::Under50, Status::AP, Pathway::Reconversion)],
              0.35 * 0.4 * 0.15, 1e-15);
  EXPECT_NEAR(std::accumulate(d.regions[0].monthly_profile.begin(), d.regions[0].monthly_profile.end(), 0.0),
              1.0, 1e-12);
  EXPECT_DOUBLE_EQ(d.cost_per_trainee[0].mean_eur, 12'000);
  EXPECT_EQ(d.duration_days[0].max, 365);
  EXPECT_EQ(s.run.replications, 2000);
}

// What a scenario plans nationally, from its expected dossiers, trainees, mix
// and mean costs: pathways (one per trainee), their mean gross cost, and the
// envelope's share of them at the rates of the window's first day.
struct PlannedDemand {
  double pathways = 0;
  double mean_pathway_cost_eur = 0;
  double fne_eur = 0;
};

PlannedDemand planned_demand(const Scenario& s) {
  const Plan plan(s);
  const DemandModel& d = s.demand;
  const double eligible_share = d.pedagogical_share + (s.coverage.ancillary_eligible ? d.ancillary_share : 0);
  PlannedDemand out;
  double gross_eur = 0;
  for (const RegionalDemand& rd : d.regions) {
    const double pathways = rd.expected_dossiers * d.trainees.expected();
    out.pathways += pathways;
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      const auto c = static_cast<std::size_t>(cell);
      const auto pathway = static_cast<std::size_t>(cell % pathway_count);  // the last index of mix_cell
      const double cost = d.cost_per_trainee[pathway].mean_eur;
      gross_eur += pathways * rd.mix[c] * cost;
      out.fne_eur += pathways * rd.mix[c] * cost * eligible_share * plan.epochs.front().rate[c].as_fraction();
    }
  }
  out.mean_pathway_cost_eur = gross_eur / out.pathways;
  return out;
}

// Art. 6's "25 000 parcours (6000 € en moyenne)" is read one way
// (models/demand.hpp): a scenario that states no demand plans what the default
// scenario plans, 25 000 pathways at 6 000 EUR gross on average, and the
// envelope pays the coverage rate of that (docs/model.md).
TEST(ScenarioArt6Plan, WithoutDemandAScenarioPlansWhatTheDefaultScenarioPlans) {
  const Scenario default_scenario = load_default_scenario();
  std::string text;
  for (const BuiltinScenario& b : builtin_scenarios())
    if (b.file_name == default_scenario_file) text = b.text;
  const std::size_t demand = text.find("\n[demand]");
  ASSERT_NE(demand, std::string::npos);
  const Scenario without_demand = load_text(text.substr(0, demand + 1));  // its convention and coverage
  ASSERT_FALSE(without_demand.convention.regions.empty());

  const PlannedDemand by_default = planned_demand(default_scenario);
  const PlannedDemand fallback = planned_demand(without_demand);
  EXPECT_NEAR(by_default.pathways, art6_planned_pathways, 1e-9);
  EXPECT_NEAR(fallback.pathways, art6_planned_pathways, 1e-9);
  EXPECT_NEAR(by_default.mean_pathway_cost_eur, art6_mean_pathway_cost_eur, 1e-9);
  EXPECT_NEAR(fallback.mean_pathway_cost_eur, art6_mean_pathway_cost_eur, 1e-9);
  // The default mix's mean rate is 0.887: 25 000 × 6 000 × 0.887 = 133.05 M EUR,
  // against 142.5 M EUR available. The fallback's even mix pays less (0.842).
  EXPECT_NEAR(by_default.fne_eur, 133'050'000, 1e-3);
  EXPECT_NEAR(fallback.fne_eur, 150'000'000 * (0.5 + 0.25 * 2.2 / 3 + 0.25 * 1.9 / 3), 1e-3);
  // In proportion to the envelope for another one.
  EXPECT_DOUBLE_EQ(art6_planned_dossiers(euros(75'000'000), 2.5), 5'000);
}

TEST(ScenarioReferenceR1, ExpectedDossiersFollowTheAvailableEnvelopes) {
  const Scenario s = load_scenario_argument("reference-r1");
  EXPECT_EQ(s.name, "reference-r1");
  EXPECT_THAT(s.source_files, ElementsAre("<builtin>/reference-r1.toml", "<builtin>/convention-2021.toml"));
  ASSERT_EQ(s.demand.regions.size(), 12u);
  for (std::size_t r = 0; r < 12; ++r) {
    const double envelope_eur = static_cast<double>(s.convention.regions[r].envelope) / 100;
    EXPECT_EQ(s.convention.available(r), s.convention.regions[r].envelope * 95 / 100);
    const double expected = 1.05 * (0.95 * envelope_eur) / 13'305;
    EXPECT_NEAR(s.demand.regions[r].expected_dossiers, expected, 1e-9 * expected)
        << s.convention.regions[r].code;
    EXPECT_DOUBLE_EQ(s.demand.regions[r].mix[mix_cell(SizeClass::Under50, Status::AP, Pathway::Anticipation)],
                     0.0);
    EXPECT_DOUBLE_EQ(s.demand.regions[r].monthly_profile[0], 31.0 / 365);
  }
  EXPECT_TRUE(s.demand.regional_correlation.isIdentity());
  EXPECT_DOUBLE_EQ(s.demand.regional_uptake_cv, 0.2);
  EXPECT_DOUBLE_EQ(s.demand.national_uptake_cv, 0.0);
  EXPECT_DOUBLE_EQ(s.demand.carryover_expected_dossiers, 0.0);
  EXPECT_DOUBLE_EQ(s.demand.pedagogical_share, 1.0);
  EXPECT_EQ(s.demand.duration_days[0].max, 0);
  EXPECT_EQ(s.run.replications, 10'000);
  EXPECT_EQ(s.run.seed, 1u);
  EXPECT_DOUBLE_EQ(s.run.confidence_level, 0.90);  // inherited
}

TEST(ScenarioShipped, EveryFileAndBuiltinLoads) {
  int files = 0;
  for (const auto& entry : fs::directory_iterator(source_dir / "scenarios")) {
    if (entry.path().extension() != ".toml") continue;
    ++files;
    EXPECT_NO_THROW(EXPECT_THAT(load_scenario_file(entry.path()).warnings, ::testing::IsEmpty()))
        << entry.path();
  }
  EXPECT_GE(files, 2);
  EXPECT_EQ(builtin_scenarios().size(), static_cast<std::size_t>(files));
  for (const BuiltinScenario& b : builtin_scenarios())
    EXPECT_NO_THROW(load_scenario_argument(std::string(b.file_name)));
}

// The truth families of `backtest --truth` are not built in: a member that no
// longer loads would only show when a backtest is run on its directory.
TEST(ScenarioShipped, EveryTruthFamilyMemberLoads) {
  for (const char* family : {"backtest", "backtest-holdout", "backtest-varied", "backtest-changes"}) {
    int members = 0;
    for (const auto& entry : fs::directory_iterator(source_dir / "scenarios" / family)) {
      if (entry.path().extension() != ".toml") continue;
      ++members;
      EXPECT_NO_THROW(load_scenario_file(entry.path())) << entry.path();
    }
    EXPECT_EQ(members, 4) << family;
  }
}

TEST(ScenarioShipped, FileExtendsTheFileBesideIt) {
  const Scenario s = load_scenario_file(source_dir / "scenarios" / "reference-r1.toml");
  ASSERT_EQ(s.source_files.size(), 2u);
  EXPECT_THAT(s.source_files[1], HasSubstr("scenarios/convention-2021.toml"));
  EXPECT_EQ(s.source_files[1].find("<builtin>"), std::string::npos);
}

TEST(ScenarioExtends, ThreeLevelChainMergesTablesAndReplacesValues) {
  const Scenario s = load_scenario_file(good_dir / "chain-child.toml");
  ASSERT_EQ(s.source_files.size(), 3u);
  EXPECT_THAT(s.source_files[0], HasSubstr("chain-child.toml"));
  EXPECT_THAT(s.source_files[2], HasSubstr("three-regions.toml"));
  // name and description are not inherited.
  EXPECT_EQ(s.name, "chain-child");
  EXPECT_EQ(s.description, "");
  // Grandparent, parent, child, each contributing one key of [convention].
  EXPECT_EQ(s.convention.commitment_end, Date::from_ymd(2021, 12, 31));
  EXPECT_EQ(s.convention.fee_mode, FeeMode::National);
  EXPECT_EQ(s.convention.total_envelope, 1'157'894'737);
  // Regions: the root-most file's order, then those new in the child.
  EXPECT_THAT(region_codes(s), ElementsAre("NOR", "BRE", "ARA", "BFC"));
  EXPECT_EQ(s.convention.regions[0].name, "Normandie");  // [convention.regions.NOR] merged key by key
  // The child's number replaces the parent's inline table whole; BFC has its own count.
  EXPECT_NEAR(s.demand.regions[0].expected_dossiers, 400.0 * 3 / 11, 1e-9);  // NOR: 3 of 11 M EUR
  EXPECT_DOUBLE_EQ(s.demand.regions[3].expected_dossiers, 50);
  EXPECT_DOUBLE_EQ(s.demand.cost_per_trainee[0].mean_eur, 9'000);
  EXPECT_DOUBLE_EQ(s.demand.cost_per_trainee[0].sigma, std::sqrt(std::log(1.25)));  // cv 0.5 inherited
  EXPECT_DOUBLE_EQ(s.demand.regional_correlation(0, 3), 0.25);
  EXPECT_EQ(s.run.replications, 200);
  EXPECT_EQ(s.run.seed, 11u);
}

TEST(ScenarioExtends, InlineTableIsNotMergedKeyByKey) {
  // The parent gives mean_eur for all four pathways; a child's inline table with one
  // key replaces it, so the three others are missing rather than inherited.
  const auto diagnostics = diagnostics_of([] {
    return load_text(
        "extends = \"chain-parent.toml\"\n[demand.cost_per_trainee]\nmean_eur = { reconversion = 9_000 }\n");
  });
  ASSERT_EQ(diagnostics.size(), 3u) << messages_of(diagnostics);
  EXPECT_EQ(diagnostics[0].key, "demand.cost_per_trainee.mean_eur.certifying");
  EXPECT_EQ(diagnostics[0].message, "missing required key");
  EXPECT_EQ(diagnostics[0].file, "inline.toml");
  EXPECT_EQ(diagnostics[0].line, 3);
}

TEST(ScenarioExtends, ResolvedTomlLoadsBackToTheSameScenario) {
  const Scenario s = load_scenario_file(good_dir / "chain-child.toml");
  EXPECT_EQ(s.resolved_toml.find("\nextends"), std::string::npos);
  const Scenario again = load_scenario_text(s.resolved_toml, "resolved.toml", fs::temp_directory_path());
  EXPECT_EQ(again.name, s.name);
  EXPECT_EQ(region_codes(again), region_codes(s));
  EXPECT_EQ(again.convention.total_envelope, s.convention.total_envelope);
  EXPECT_EQ(again.convention.fee_mode, s.convention.fee_mode);
  ASSERT_EQ(again.demand.regions.size(), s.demand.regions.size());
  for (std::size_t r = 0; r < s.demand.regions.size(); ++r)
    EXPECT_DOUBLE_EQ(again.demand.regions[r].expected_dossiers, s.demand.regions[r].expected_dossiers);
  EXPECT_EQ(again.demand.regional_correlation, s.demand.regional_correlation);
  EXPECT_EQ(again.run.seed, s.run.seed);

  const Scenario r1 = load_scenario_argument("reference-r1");
  const Scenario r1_again = load_scenario_text(r1.resolved_toml, "r1.toml", fs::temp_directory_path());
  EXPECT_EQ(region_codes(r1_again), region_codes(r1));
  EXPECT_EQ(r1_again.coverage.rules.size(), r1.coverage.rules.size());
  EXPECT_EQ(r1_again.coverage.rules[3].id, r1.coverage.rules[3].id);
  EXPECT_EQ(r1_again.demand.regions[5].mix, r1.demand.regions[5].mix);
  EXPECT_EQ(r1_again.demand.regions[5].expected_dossiers, r1.demand.regions[5].expected_dossiers);
}

// Monthly weights near the largest double sum to infinity: their shares are
// still theirs (weight / sum gave every month 0, and the year no dossier).
TEST(ScenarioProfile, WeightsWhoseSumOverflowsKeepTheirShares) {
  const Scenario s = load_text(
      "extends = \"convention-2021\"\n[demand.arrivals]\n"
      "monthly_profile = [1e308, 1e308, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]\n");
  for (const RegionalDemand& region : s.demand.regions) {
    EXPECT_EQ(region.monthly_profile[0], 0.5);
    EXPECT_EQ(region.monthly_profile[1], 0.5);
    EXPECT_EQ(region.monthly_profile[2], 0.0);
  }
}

// A scenario's identity (what scenario_sha256 hashes) leaves out the files it
// was read from and its [run] table, and keeps every other line as it was.
TEST(ScenarioIdentity, LeavesOutTheProvenanceAndTheRunTableOnly) {
  const std::string resolved =
      "# Resolved scenario (extends applied) from: a.toml\n"
      "name = \"x\"\n\n[run]\nreplications = 60\nseed = 5\n\n[run.extra]\nk = 1\n\n"
      "[convention]\ntotal_envelope_eur = 1\n[running]\nkept = true\n";
  EXPECT_EQ(scenario_identity(resolved),
            "name = \"x\"\n[convention]\ntotal_envelope_eur = 1\n[running]\nkept = true\n");
  std::string other_run = resolved;
  other_run.replace(other_run.find("replications = 60"), 17, "replications = 2000");
  EXPECT_EQ(scenario_identity(other_run), scenario_identity(resolved));
  std::string other_envelope = resolved;
  other_envelope.replace(other_envelope.find("total_envelope_eur = 1"), 22, "total_envelope_eur = 2");
  EXPECT_NE(scenario_identity(other_envelope), scenario_identity(resolved));
  // [run] written inline in the root table: left out as well; a key named so in a table is kept.
  EXPECT_EQ(scenario_identity("name = \"x\"\nrun = { seed = 7 }\n[t]\nrun = 1\n"),
            "name = \"x\"\n[t]\nrun = 1\n");
}

// A variant that switches a setting its parent also wrote another way (observed-2021
// gives `cv` where convention-2021 gives `sigma`, and a categorical trainee count
// where the parent has a mean) must still resolve to one loadable file: the
// inherited values that gave way are left out.
TEST(ScenarioExtends, EveryBuiltinScenarioResolvesToTomlThatLoadsBackIdentically) {
  for (const BuiltinScenario& b : builtin_scenarios()) {
    SCOPED_TRACE(std::string(b.file_name));
    const Scenario s = load_scenario_argument(std::string(b.file_name));
    Scenario again;
    ASSERT_NO_THROW(again = load_scenario_text(s.resolved_toml, "resolved.toml", fs::temp_directory_path()));
    EXPECT_EQ(again.demand.trainees.kind, s.demand.trainees.kind);
    for (std::size_t p = 0; p < s.demand.cost_per_trainee.size(); ++p)
      EXPECT_DOUBLE_EQ(again.demand.cost_per_trainee[p].sigma, s.demand.cost_per_trainee[p].sigma);
    EXPECT_EQ(again.steering.has_value(), s.steering.has_value());
    // Resolving is idempotent apart from the provenance comment naming the files.
    EXPECT_EQ(again.resolved_toml.substr(again.resolved_toml.find('\n')),
              s.resolved_toml.substr(s.resolved_toml.find('\n')));
  }
}

// A file name in another encoding (Latin-1's é) gave a resolved TOML that was
// not UTF-8 — its provenance comment and its name, the file's stem — which
// `recommend` then could not read back from the run file.
TEST(ScenarioExtends, AFileNameThatIsNotUtf8ResolvesToTomlThatLoadsBack) {
  const TempDir dir;
  dir.write("l\xE9.toml", "extends = \"reference-r1.toml\"\n");
  const Scenario s = load_scenario_file(dir.path() / "l\xE9.toml");
  EXPECT_EQ(s.name, "l\uFFFD");
  EXPECT_EQ(first_invalid_utf8(s.resolved_toml), std::string::npos);
  EXPECT_THAT(s.source_files[0], HasSubstr("l\xE9.toml"));  // the run file keeps the bytes
  Scenario again;
  ASSERT_NO_THROW(again = load_scenario_text(s.resolved_toml, "resolved.toml", fs::temp_directory_path()));
  EXPECT_EQ(again.name, s.name);
}

TEST(ScenarioExtends, CycleNamesTheChain) {
  const auto diagnostics = diagnostics_of([] { return load_scenario_file(bad_dir / "cycle-a.toml"); });
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_EQ(diagnostics[0].key, "extends");
  EXPECT_THAT(diagnostics[0].file, HasSubstr("cycle-b.toml"));
  EXPECT_THAT(diagnostics[0].message,
              ::testing::MatchesRegex("cycle: .*cycle-a.toml -> .*cycle-b.toml -> .*cycle-a.toml"));
}

TEST(ScenarioExtends, DiagnosticsPointAtTheParentFile) {
  const auto diagnostics =
      diagnostics_of([] { return load_scenario_file(bad_dir / "error-in-parent.toml"); });
  ASSERT_EQ(diagnostics.size(), 2u) << messages_of(diagnostics);
  // The user's own file first, then its ancestors.
  EXPECT_THAT(diagnostics[0].file, HasSubstr("error-in-parent.toml"));
  EXPECT_EQ(diagnostics[0].key, "run.replications");
  EXPECT_THAT(diagnostics[1].file, HasSubstr("parents/broken-parent.toml"));
  EXPECT_EQ(diagnostics[1].line, 5);
  EXPECT_EQ(diagnostics[1].column, 1);
}

TEST(ScenarioExtends, BuiltinUsedWhenNoFileHasTheName) {
  TempDir dir;
  const Scenario s =
      load_scenario_text("extends = \"reference-r1.toml\"\n[run]\nseed = 3\n", "mine.toml", dir.path());
  EXPECT_EQ(s.name, "mine");
  EXPECT_THAT(s.source_files,
              ElementsAre("mine.toml", "<builtin>/reference-r1.toml", "<builtin>/convention-2021.toml"));
  EXPECT_EQ(s.run.seed, 3u);
  EXPECT_EQ(s.run.replications, 10'000);

  // A file of that name beside the scenario takes precedence over the built-in.
  std::ifstream three(good_dir / "three-regions.toml");
  dir.write("reference-r1.toml", std::string(std::istreambuf_iterator<char>(three), {}));
  const Scenario local = load_scenario_text("extends = \"reference-r1.toml\"\n", "mine.toml", dir.path());
  EXPECT_EQ(local.convention.regions.size(), 3u);
}

TEST(ScenarioArgument, PathOrBuiltinName) {
  EXPECT_EQ(load_scenario_argument("reference-r1").name, "reference-r1");
  EXPECT_EQ(load_scenario_argument("reference-r1.toml").name, "reference-r1");
  EXPECT_EQ(load_scenario_argument((good_dir / "three-regions.toml").string()).convention.regions.size(), 3u);
  const auto diagnostics = diagnostics_of([] { return load_scenario_argument("no-such-scenario"); });
  ASSERT_EQ(diagnostics.size(), 1u);
  EXPECT_THAT(
      diagnostics[0].to_string(),
      ::testing::StartsWith("no-such-scenario: cannot read: No such file or directory; it is not a built-in "
                            "scenario either (built-in: "));
  for (const BuiltinScenario& b : builtin_scenarios())
    EXPECT_THAT(diagnostics[0].message,
                HasSubstr(std::string(b.file_name.substr(0, b.file_name.size() - 5))));
}

TEST(ScenarioFiles, UnreadableFileIsReportedWithTheSystemReason) {
  const auto missing = diagnostics_of([] { return load_scenario_file("/nonexistent/dir/x.toml"); });
  ASSERT_EQ(missing.size(), 1u);
  EXPECT_EQ(missing[0].to_string(), "/nonexistent/dir/x.toml: cannot read: No such file or directory");
  TempDir dir;
  const auto directory = diagnostics_of([&] { return load_scenario_file(dir.path()); });
  ASSERT_EQ(directory.size(), 1u);
  EXPECT_THAT(directory[0].message, HasSubstr("Is a directory"));
}

TEST(Diagnostic, FormatsFileLineColumnKeyMessage) {
  Diagnostic d{"bad.toml", 12, 3, "demand.regions.IDF.monthly_profile", "has 11 values, needs 12"};
  EXPECT_EQ(d.to_string(), "bad.toml:12:3: demand.regions.IDF.monthly_profile: has 11 values, needs 12");
  const ScenarioError error({d, Diagnostic{"b.toml", 0, 0, "", "cannot read: Permission denied"}});
  EXPECT_STREQ(error.what(),
               "bad.toml:12:3: demand.regions.IDF.monthly_profile: has 11 values, needs 12\n"
               "b.toml: cannot read: Permission denied");
}

TEST(ScenarioValues, MoneyAndRatesAreExact) {
  const Scenario s = load_text(
      "extends = \"three-regions.toml\"\n"
      "[convention]\ntotal_envelope_eur = 10_000_000.29\n"
      "[convention.regions.NOR]\nenvelope_eur = 3_000_000.29\n"
      "[coverage.rules.300to1000]\nrate = 0.7\n"
      "[coverage.rules.gt1000]\nrate = 0.1234\ncap_per_dossier_eur = 0.1\n");
  EXPECT_EQ(s.convention.total_envelope, 1'000'000'029);
  EXPECT_EQ(s.convention.regions[0].envelope, 300'000'029);
  EXPECT_EQ(s.coverage.rules[1].rate, Rate{7000});
  EXPECT_EQ(s.coverage.rules[2].rate, Rate{1234});
  EXPECT_EQ(s.coverage.rules[2].cap_per_dossier, Cents{10});
  EXPECT_EQ(s.convention.fee_rate, Rate{500});
}

// Bounds derived from the cents arithmetic (models/money.hpp's max_amount) and
// from what has a meaning: every amount within 10^12 EUR, fees below 100 %
// (otherwise nothing is available and every share of it divides by 0), an
// overcommit margin of at most 100 %.
TEST(ScenarioValues, AmountsFeesAndMarginsOutsideTheirRangeAreRefused) {
  const auto diagnostics = diagnostics_of([] {
    return load_text(
        "extends = \"three-regions.toml\"\n"
        "[convention]\ntotal_envelope_eur = 1_000_000_000_000.01\nfee_rate = 1.0\n"
        "[demand]\nexhaustion_policy = \"overcommit\"\novercommit_margin = 1.5\n");
  });
  const std::string messages = messages_of(diagnostics);
  EXPECT_THAT(messages, HasSubstr("convention.total_envelope_eur: amount 1000000000000.01 EUR is beyond the "
                                  "1 000 000 000 000.00 EUR this tool handles"));
  EXPECT_THAT(
      messages,
      HasSubstr("convention.fee_rate: must be below 1 (100 %): the fees would leave nothing for dossiers"));
  EXPECT_THAT(messages, HasSubstr("demand.overcommit_margin: must be in [0, 1], found 1.5"));
  // The largest amount is itself accepted.
  EXPECT_NO_THROW(
      load_text("extends = \"three-regions.toml\"\n[coverage.rules.gt1000]\n"
                "cap_per_dossier_eur = 1_000_000_000_000\n"));
}

// Amounts typed in millions or thousands of euros load (a small test scenario
// is legitimate), with a warning at each that says how the amount is written.
TEST(ScenarioValues, AmountsTypedInMillionsOrThousandsAreWarnedOf) {
  const Scenario typed = load_text(
      "extends = \"three-regions.toml\"\n"
      "[convention]\ntotal_envelope_eur = 10\n"
      "[convention.regions.NOR]\nname = \"Normandie\"\nenvelope_eur = 3\n"
      "[convention.regions.BRE]\nname = \"Bretagne\"\nenvelope_eur = 2\n"
      "[convention.regions.ARA]\nname = \"Auvergne-Rhône-Alpes\"\nenvelope_eur = 5\n"
      "[demand.cost_per_trainee]\nmean_eur = { reconversion = 12, certifying = 7_000, covid_specific = "
      "4_000, "
      "anticipation = 99.99 }\n");
  EXPECT_EQ(typed.convention.total_envelope, euros(10));
  EXPECT_EQ(
      messages_of(typed.warnings),
      "inline.toml:3:1: convention.total_envelope_eur: warning: 10.00 EUR pays no training: amounts are in "
      "euros, so an envelope of 10 million is written 10e6\n"
      "inline.toml:6:1: convention.regions.NOR.envelope_eur: warning: 3.00 EUR pays no training: amounts "
      "are in euros, so an envelope of 3 million is written 3e6\n"
      "inline.toml:9:1: convention.regions.BRE.envelope_eur: warning: 2.00 EUR pays no training: amounts "
      "are in euros, so an envelope of 2 million is written 2e6\n"
      "inline.toml:12:1: convention.regions.ARA.envelope_eur: warning: 5.00 EUR pays no training: amounts "
      "are in euros, so an envelope of 5 million is written 5e6\n"
      "inline.toml:14:14: demand.cost_per_trainee.mean_eur.reconversion: warning: 12 EUR a trainee is less "
      "than a day of training: amounts are in euros, so 12 thousand is written 12e3\n"
      "inline.toml:14:77: demand.cost_per_trainee.mean_eur.anticipation: warning: 99.99 EUR a trainee is "
      "less than a day of training: amounts are in euros, so 99.99 thousand is written 99.99e3\n");
  // At the thresholds, nothing is said.
  EXPECT_THAT(
      load_text("extends = \"three-regions.toml\"\n[demand.cost_per_trainee]\nmean_eur = 100\n").warnings,
      ::testing::IsEmpty());

  // When the slip also causes errors, it is said among them, in file order.
  const std::string messages = messages_of(diagnostics_of(
      [] { return load_text("extends = \"three-regions.toml\"\n[convention]\ntotal_envelope_eur = 10\n"); }));
  EXPECT_THAT(messages,
              HasSubstr("inline.toml:3:1: convention.total_envelope_eur: warning: 10.00 EUR pays no "
                        "training"));
  EXPECT_THAT(messages, HasSubstr("regional envelopes sum to"));
}

TEST(ScenarioValues, DidYouMeanUsesEditDistance) {
  using scenario_detail::closest_match;
  using scenario_detail::edit_distance;
  EXPECT_EQ(edit_distance("envelop_eur", "envelope_eur"), 1);
  EXPECT_EQ(edit_distance("sede", "seed"), 1);  // a transposition counts once
  EXPECT_EQ(closest_match("envelop_eur", {"name", "envelope_eur"}), "envelope_eur");
  EXPECT_EQ(closest_match("IDX", {"ARA", "IDF"}), "IDF");
  EXPECT_EQ(closest_match("replications", {"seed", "threads"}), "");
}

TEST(ScenarioDemand, JointMixReplacesInheritedMarginals) {
  const Scenario s = load_text(
      "extends = \"three-regions.toml\"\n"
      "[demand.mix]\n"
      "joint = [ { size = \"lt50\", status = \"AP\", pathway = \"certifying\", share = 0.75 },\n"
      "          { size = \"gt1000\", status = \"APLD\", pathway = \"anticipation\", share = 0.25 } ]\n");
  const AttributeMix& mix = s.demand.regions[1].mix;
  EXPECT_DOUBLE_EQ(mix[mix_cell(SizeClass::Under50, Status::AP, Pathway::Certifying)], 0.75);
  EXPECT_DOUBLE_EQ(mix[mix_cell(SizeClass::Over1000, Status::APLD, Pathway::Anticipation)], 0.25);
  EXPECT_DOUBLE_EQ(mix[mix_cell(SizeClass::Under50, Status::APLD, Pathway::Certifying)], 0.0);

  const auto both = diagnostics_of([] {
    return load_text(
        "extends = \"three-regions.toml\"\n"
        "[demand.mix]\n"
        "joint = [ { size = \"lt50\", status = \"AP\", pathway = \"certifying\", share = 1 } ]\n"
        "status = { AP = 1 }\n");
  });
  ASSERT_EQ(both.size(), 1u) << messages_of(both);
  EXPECT_THAT(both[0].message, HasSubstr("not both"));
}

TEST(ScenarioDemand, RegionalMarginalOverridesOnlyThatMarginal) {
  const Scenario s = load_text(
      "extends = \"three-regions.toml\"\n"
      "[demand.regions.BRE.mix.size]\n"
      "gt1000 = 1.0\n"
      "[demand.regions.BRE]\nmonthly_profile = [1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0]\n");
  const AttributeMix& bre = s.demand.regions[1].mix;
  const AttributeMix& nor = s.demand.regions[0].mix;
  // Status (AP 0.5, APLD 0.5) and pathway (uniform) still national; size all gt1000.
  EXPECT_DOUBLE_EQ(bre[mix_cell(SizeClass::Over1000, Status::AP, Pathway::Reconversion)], 0.5 * 0.25);
  EXPECT_DOUBLE_EQ(bre[mix_cell(SizeClass::Under50, Status::AP, Pathway::Reconversion)], 0.0);
  EXPECT_DOUBLE_EQ(nor[mix_cell(SizeClass::Under50, Status::AP, Pathway::Reconversion)], 0.25 * 0.5 * 0.25);
  EXPECT_DOUBLE_EQ(s.demand.regions[1].monthly_profile[0], 1.0 / 6);
  EXPECT_DOUBLE_EQ(s.demand.regions[1].monthly_profile[11], 0.0);
  EXPECT_DOUBLE_EQ(s.demand.regions[0].monthly_profile[1], 28.0 / 365);
}

TEST(ScenarioDemand, StatusCoveredByARuleFromJulyIsAccepted) {
  // The 7 September 2021 instruction, retroactive to 1 July: a rule valid for part of
  // the commitment window covers the status.
  const std::string rules =
      "extends = \"three-regions.toml\"\n"
      "[demand.mix.status]\nAP = 0.4\nAPLD = 0.4\ntransformation = 0.2\n"
      "[coverage.rules.transformation]\nstatuses = [\"transformation\"]\nheadcount_min = 1\nrate = 1.0\n";
  EXPECT_NO_THROW(load_text(rules + "valid_from = 2021-07-01\n"));
  const auto late = diagnostics_of([&] { return load_text(rules + "valid_from = 2022-01-01\n"); });
  ASSERT_EQ(late.size(), 1u) << messages_of(late);
  EXPECT_THAT(late[0].message, HasSubstr("status transformation has a positive share"));
}

TEST(ScenarioDemand, SwitchingPolicyIgnoresAnInheritedMargin) {
  TempDir dir;
  dir.write("over.toml", "extends = \"" + (good_dir / "three-regions.toml").string() +
                             "\"\n[demand]\nexhaustion_policy = \"overcommit\"\novercommit_margin = 0.1\n");
  const Scenario over = load_scenario_file(dir.path() / "over.toml");
  EXPECT_EQ(over.demand.exhaustion_policy, ExhaustionPolicy::Overcommit);
  EXPECT_DOUBLE_EQ(over.demand.overcommit_margin, 0.1);
  const Scenario stop = load_scenario_text(
      "extends = \"over.toml\"\n[demand]\nexhaustion_policy = \"stop\"\n", "stop.toml", dir.path());
  EXPECT_EQ(stop.demand.exhaustion_policy, ExhaustionPolicy::Stop);
  EXPECT_DOUBLE_EQ(stop.demand.overcommit_margin, 0.0);
}

// The one diagnostic loading `text` gives, as printed; a failure (and "")
// when it loads or gives several.
std::string only_diagnostic(const std::string& text, const std::string& name, const fs::path& dir) {
  try {
    load_scenario_text(text, name, dir);
  } catch (const ScenarioError& e) {
    if (e.diagnostics().size() == 1) return e.diagnostics()[0].to_string();
    ADD_FAILURE() << e.diagnostics().size() << " diagnostics";
    return "";
  }
  ADD_FAILURE() << "loaded";
  return "";
}

// A child may change an inherited event's kind: the parent's keys of the
// other kind are ignored, as an inherited margin is; beside the kind they
// belong to, written in the same file as another kind, they are an error
// that says which kind they belong to.
TEST(ScenarioEvents, AChildMayChangeAnEventsKind) {
  TempDir dir;
  dir.write("step.toml", "extends = \"" + (good_dir / "three-regions.toml").string() +
                             "\"\n[events.widening]\nkind = \"step\"\nfrom = 2021-09-01\nfactor = 1.5\n");
  const Scenario rush = load_scenario_text(
      "extends = \"step.toml\"\n[events.widening]\nkind = \"rush\"\nshare = 0.3\n", "rush.toml", dir.path());
  ASSERT_EQ(rush.events.size(), 1u);
  EXPECT_EQ(rush.events[0].kind, PolicyEventKind::Rush);
  EXPECT_DOUBLE_EQ(rush.events[0].share, 0.3);
  EXPECT_EQ(only_diagnostic(
                "extends = \"step.toml\"\n[events.widening]\nkind = \"rush\"\nshare = 0.3\nramp_days = 5\n",
                "both.toml", dir.path()),
            "both.toml:5:1: events.widening.ramp_days: applies only to a step event, and this one's kind is "
            "\"rush\"");
}

// PDC-50's headcount limit where PDC-50 funds nothing: refused beside the
// switch, ignored when inherited (convention-2021 states 49).
TEST(ScenarioCoverage, APdc50LimitWithoutPdc50IsRefused) {
  const fs::path scenarios = source_dir / "scenarios";
  const Scenario off =
      load_scenario_text("extends = \"convention-2021.toml\"\n[coverage]\npdc50_funds_remuneration = false\n",
                         "off.toml", scenarios);
  EXPECT_FALSE(off.coverage.pdc50_funds_remuneration);
  EXPECT_EQ(
      only_diagnostic("extends = \"convention-2021.toml\"\n[coverage]\npdc50_funds_remuneration = false\n"
                      "pdc50_max_headcount = 20\n",
                      "both.toml", scenarios),
      "both.toml:4:1: coverage.pdc50_max_headcount: applies only while pdc50_funds_remuneration = true: with "
      "false, no remuneration is funded by PDC-50 at any headcount");
}

// The former kind's keys written as a standard table: ignored when
// inherited, and left out of the resolved scenario, which loads back (a run
// file's scenario is read again by recommend); beside the new kind, refused.
TEST(ScenarioEvents, AFormerKindsTableIsLeftOutOrRefused) {
  TempDir dir;
  dir.write("population.toml",
            "extends = \"" + (source_dir / "scenarios" / "observed-2021.toml").string() +
                "\"\n[events.pop]\nkind = \"new-population\"\nfrom = 2021-09-07\n"
                "expected_dossiers = 500\n[events.pop.statuses]\ntransformation = 2\nresumption = 1\n");
  const Scenario step =
      load_scenario_text("extends = \"population.toml\"\n[events.pop]\nkind = \"step\"\nfactor = 1.2\n",
                         "step.toml", dir.path());
  EXPECT_EQ(step.resolved_toml.find("[events.pop.statuses]"), std::string::npos);
  const Scenario again = load_scenario_text(step.resolved_toml, "resolved.toml", dir.path());
  ASSERT_EQ(again.events.size(), 1u);
  EXPECT_EQ(again.events[0].kind, PolicyEventKind::Step);
  EXPECT_EQ(
      only_diagnostic("extends = \"population.toml\"\n[events.pop]\nkind = \"step\"\nfactor = 1.2\n"
                      "[events.pop.statuses]\nAP = 1\n",
                      "both.toml", dir.path()),
      "both.toml:5:1: events.pop.statuses: applies only to a new-population event, and this one's kind is "
      "\"step\"");
}

// A child that states a value its parent draws in every replication moves
// nothing: warned of where it is written. Beside a change of the
// distribution, or in the file that draws it, it is the planner's choice.
TEST(ScenarioUncertainty, AStatedValueAnAncestorDrawsIsWarnedOf) {
  TempDir dir;
  dir.write("drawn.toml", "extends = \"" + (good_dir / "three-regions.toml").string() +
                              "\"\n[demand.arrivals]\nexpected_dossiers = 900\n"
                              "[uncertainty.parameters.\"demand.arrivals.expected_dossiers\"]\n"
                              "distribution = \"lognormal\"\nmean = 900\ncv = 0.2\n");
  EXPECT_TRUE(load_scenario_file(dir.path() / "drawn.toml").warnings.empty());
  const Scenario child = load_scenario_text(
      "extends = \"drawn.toml\"\n[demand.arrivals]\nexpected_dossiers = 1900\n", "child.toml", dir.path());
  ASSERT_EQ(child.warnings.size(), 1u);
  EXPECT_EQ(child.warnings[0].to_string(),
            "child.toml:3:1: demand.arrivals.expected_dossiers: warning: stated here, but drawn in every "
            "replication "
            "from [uncertainty.parameters.\"demand.arrivals.expected_dossiers\"] (drawn.toml:4), of mean "
            "900, which "
            "replaces the stated value: to move this assumption, change that distribution");
  // The distribution's own mean, stated again, moves nothing and is no slip.
  EXPECT_TRUE(load_scenario_text("extends = \"drawn.toml\"\n[demand.arrivals]\nexpected_dossiers = 900\n",
                                 "same.toml", dir.path())
                  .warnings.empty());
  const Scenario both = load_scenario_text(
      "extends = \"drawn.toml\"\n[demand.arrivals]\nexpected_dossiers = 1900\n"
      "[uncertainty.parameters.\"demand.arrivals.expected_dossiers\"]\nmean = 1900\n",
      "both.toml", dir.path());
  EXPECT_TRUE(both.warnings.empty());
}

// Costs are written as an inline table, whole: the pathway whose cost is
// drawn is warned of when its stated cost moves, the others are not.
TEST(ScenarioUncertainty, AStatedCostInAnInlineTableAnAncestorDrawsIsWarnedOf) {
  const Scenario september =
      load_scenario_text("extends = \"observed-september-2021.toml\"\n", "s.toml", source_dir / "scenarios");
  std::string pathway;
  for (const UncertainParameter& p : september.uncertainty.parameters)
    if (pathway.empty() && p.path.starts_with("demand.cost_per_trainee.mean_eur."))
      pathway = p.path.substr(p.path.rfind('.') + 1);
  ASSERT_FALSE(pathway.empty());
  std::string costs;
  for (std::size_t p = 0; p < pathway_count; ++p) {
    const std::string key(pathway_keys[p]);
    const double mean = september.demand.cost_per_trainee[p].mean_eur;
    if (!costs.empty()) costs += ", ";
    costs += key + " = " + scenario_detail::format_number(key == pathway ? mean * 2 : mean);
  }
  const Scenario child = load_scenario_text(
      "extends = \"observed-september-2021.toml\"\n[demand.cost_per_trainee]\nmean_eur = { " + costs + " }\n",
      "child.toml", source_dir / "scenarios");
  ASSERT_EQ(child.warnings.size(), 1u) << costs;
  EXPECT_THAT(child.warnings[0].to_string(),
              ::testing::HasSubstr("demand.cost_per_trainee.mean_eur." + pathway +
                                   ": warning: stated here, but drawn"));
  EXPECT_THAT(
      child.warnings[0].to_string(),
      ::testing::HasSubstr("a forecast from actuals still weighs the costs observed against the stated one"));
}

TEST(ScenarioCorrelation, NearestCorrelationMatrixOfHighamsExample) {
  // Higham (2002), section 4: the nearest correlation matrix to tridiag(−1, 2, −1).
  Eigen::Matrix4d a;
  a << 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2, -1, 0, 0, -1, 2;
  const Eigen::MatrixXd x = nearest_correlation_matrix(a);
  Eigen::Matrix4d expected;
  expected << 1, -0.8084, 0.1916, 0.1068, -0.8084, 1, -0.6562, 0.1916, 0.1916, -0.6562, 1, -0.8084, 0.1068,
      0.1916, -0.8084, 1;
  EXPECT_LT((x - expected).cwiseAbs().maxCoeff(), 1e-4) << x;
  EXPECT_GE(smallest_eigenvalue(x), -1e-10);
}

TEST(ScenarioCorrelation, SuggestedMatrixCanBePasted) {
  const auto diagnostics =
      diagnostics_of([] { return load_scenario_file(bad_dir / "correlation-not-psd.toml"); });
  ASSERT_EQ(diagnostics.size(), 1u);
  const std::string& message = diagnostics[0].message;
  EXPECT_THAT(message, HasSubstr("smallest eigenvalue -0.8"));
  const auto start = message.find("regional_correlation = [");
  ASSERT_NE(start, std::string::npos);
  const Scenario fixed =
      load_text("extends = \"three-regions.toml\"\n[demand.arrivals]\n" + message.substr(start) + "\n");
  EXPECT_GE(smallest_eigenvalue(fixed.demand.regional_correlation), -1e-10);
  EXPECT_NEAR(fixed.demand.regional_correlation(0, 2), -0.5, 1e-3);
}

TEST(ScenarioCorrelation, EquicorrelationBoundDependsOnTheNumberOfRegions) {
  // Three regions: ρ must exceed −1/2.
  EXPECT_NO_THROW(
      load_text("extends = \"three-regions.toml\"\n[demand.arrivals]\nregional_correlation = -0.4\n"));
  const auto low = diagnostics_of([] {
    return load_text("extends = \"three-regions.toml\"\n[demand.arrivals]\nregional_correlation = -0.5\n");
  });
  ASSERT_EQ(low.size(), 1u);
  EXPECT_EQ(low[0].message, "must be in (-0.5, 1], found -0.5");
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

TEST(ScenarioConvention, TheDeadlineRuleAndTheReviewDateAreReadAndChecked) {
  const Scenario s = load_text(
      "extends = \"three-regions.toml\"\n[convention]\ntraining_past_deadline = \"refuse\"\n"
      "financial_review = 2022-01-31\n");
  EXPECT_EQ(s.convention.past_deadline, PastDeadline::Refuse);
  EXPECT_EQ(s.convention.financial_review, Date::from_ymd(2022, 1, 31));
  const std::string messages = messages_of(diagnostics_of([] {
    return load_text(
        "extends = \"three-regions.toml\"\n[convention]\ntraining_past_deadline = \"pay-later\"\n"
        "financial_review = 2020-06-30\n");
  }));
  EXPECT_THAT(messages, HasSubstr("inline.toml:3"));
  EXPECT_THAT(messages, HasSubstr("training_past_deadline"));
  EXPECT_THAT(messages, HasSubstr("pro-rata"));
  EXPECT_THAT(messages, HasSubstr("inline.toml:4"));
  EXPECT_THAT(messages, HasSubstr("financial_review 2020-06-30 is outside"));
  // A training end so early that the default review, two months before it, comes before anything was
  // committed: said at training_end, not run with a review of nothing.
  const std::string one_day =
      "extends = \"three-regions.toml\"\n[convention]\ncommitment_end = 2021-01-01\n"
      "training_end = 2021-01-01\nsteering_committee_dates = []\n";
  const std::string early = messages_of(diagnostics_of([&] { return load_text(one_day); }));
  EXPECT_THAT(early, HasSubstr("inline.toml:4:1: convention.training_end:"));
  EXPECT_THAT(early, HasSubstr("training_end 2021-01-01 puts the default financial review"));
  EXPECT_THAT(early, HasSubstr("2020-11-30) before commitment_start 2021-01-01: set financial_review"));
  // Stated, it is accepted.
  const Scenario stated = load_text(one_day + "financial_review = 2021-01-01\n");
  EXPECT_EQ(stated.convention.financial_review, Date::from_ymd(2021, 1, 1));
}

}  // namespace
}  // namespace fnesim
