// compare_runs: the arithmetic of paired and Welch tests against hand
// computations, Holm's step-down, the false-alarm rate under no difference
// (measured on runs drawn in the test), the medians' bootstrap, and real runs
// of the simulator through `fnesim compare`.
#include "results/analysis/run_comparison.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/random/exponential_distribution.hpp>
#include <boost/random/uniform_01.hpp>
#include <cmath>
#include <numbers>
#include <string>
#include <vector>

#include "results/run_file.hpp"
#include "sim/rng.hpp"
#include "support/command.hpp"
#include "support/test_files.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDirectory;

// Two-sided Student-t p-value by Simpson's rule on the density: an
// implementation independent of the one under test (Boost.Math).
double student_t_p(double t, double df) {
  const double log_constant =
      std::lgamma((df + 1) / 2) - std::lgamma(df / 2) - 0.5 * std::log(df * std::numbers::pi);
  auto density = [&](double x) { return std::exp(log_constant - (df + 1) / 2 * std::log1p(x * x / df)); };
  const int steps = 20000;  // even
  const double h = std::fabs(t) / steps;
  double sum = density(0) + density(std::fabs(t));
  for (int k = 1; k < steps; ++k) sum += density(k * h) * (k % 2 ? 4 : 2);
  return 1 - 2 * sum * h / 3;
}

// A run of `regions` regions built by hand: every region and national series
// empty of events (never exhausted, nothing unmet) unless a test fills it.
RunOutcomes hand_run(std::int64_t n, std::uint64_t seed, int regions = 1) {
  RunOutcomes run;
  run.file = "hand-" + std::to_string(seed) + ".h5";
  run.scenario_name = "hand";
  run.scenario_sha256 = "0";
  run.stream_scheme = "test";
  run.seed = seed;
  run.replications = n;
  run.commitment_start = Date::from_ymd(2021, 1, 1);
  run.window_days = 365;
  for (int r = 0; r < regions; ++r) {
    // Appended rather than `"R" + std::to_string(r)`, which GCC 12 wrongly
    // warns of here (-Wrestrict, a known false positive once inlined).
    std::string code = "R", name = "Region ";
    code += std::to_string(r);
    name += std::to_string(r);
    run.region_codes.push_back(code);
    run.region_names.push_back(name);
  }
  const auto cells = static_cast<std::size_t>(n) * static_cast<std::size_t>(regions);
  run.exhaustion_day.assign(cells, -1);
  run.unmet.assign(cells, 0);
  run.additional_needed_day.assign(static_cast<std::size_t>(n), -1);
  run.national_unmet.assign(static_cast<std::size_t>(n), 0);
  run.additional_needed.assign(static_cast<std::size_t>(n), 0);
  return run;
}

// A run drawn with known distributions: each of 12 regions is exhausted with
// probability `p`, on a day uniform over the last quarter, and then has an
// exponential unmet demand of mean 500 000 EUR; the national pool falls short
// (by half the unmet total, on the earliest exhaustion day) when three or more are.
RunOutcomes drawn_run(std::int64_t n, std::uint64_t seed, double p) {
  constexpr int regions = 12;
  RunOutcomes run = hand_run(n, seed, regions);
  Engine engine(splitmix64(seed));
  boost::random::uniform_01<double> uniform;
  boost::random::exponential_distribution<double> unmet_eur(1.0 / 500'000);
  for (std::int64_t i = 0; i < n; ++i) {
    int exhausted = 0;
    std::int32_t first_day = 365;
    Cents total = 0;
    for (int r = 0; r < regions; ++r) {
      const auto cell = static_cast<std::size_t>(i * regions + r);
      if (uniform(engine) >= p) continue;
      ++exhausted;
      run.exhaustion_day[cell] = 273 + static_cast<std::int32_t>(uniform(engine) * 92);
      run.unmet[cell] = round_to_cents(unmet_eur(engine));
      total += run.unmet[cell];
      first_day = std::min(first_day, run.exhaustion_day[cell]);
    }
    const auto row = static_cast<std::size_t>(i);
    run.national_unmet[row] = total;
    if (exhausted >= 3) {
      run.additional_needed[row] = total / 2;
      run.additional_needed_day[row] = first_day;
    }
  }
  return run;
}

// A paired twin of `a` under no difference: each replication is kept or
// redrawn with equal chances, so (A_i, B_i) and (B_i, A_i) are equally likely.
RunOutcomes paired_twin(const RunOutcomes& a, std::uint64_t seed, double p) {
  RunOutcomes b = a;
  const RunOutcomes fresh = drawn_run(a.replications, seed, p);
  Engine engine(splitmix64(seed ^ 0xABCDEF));
  boost::random::uniform_01<double> uniform;
  const std::size_t regions = a.region_codes.size();
  for (std::size_t i = 0; i < static_cast<std::size_t>(a.replications); ++i) {
    if (uniform(engine) < 0.5) continue;
    for (std::size_t r = 0; r < regions; ++r) {
      b.exhaustion_day[i * regions + r] = fresh.exhaustion_day[i * regions + r];
      b.unmet[i * regions + r] = fresh.unmet[i * regions + r];
    }
    b.national_unmet[i] = fresh.national_unmet[i];
    b.additional_needed[i] = fresh.additional_needed[i];
    b.additional_needed_day[i] = fresh.additional_needed_day[i];
  }
  return b;
}

TEST(RunComparison, PairedDifferenceIsTheMeanOfPerReplicationDifferences) {
  // Differences 1, 2, 3, 6 EUR: mean 3, variance 14/3, standard error sqrt(14/12).
  RunOutcomes a = hand_run(4, 1), b = hand_run(4, 1);
  const Cents extra[] = {100, 200, 300, 600};
  for (std::size_t i = 0; i < 4; ++i) {
    a.unmet[i] = 1'000'00;
    b.unmet[i] = 1'000'00 + extra[i];
  }
  const RunComparison c = compare_runs(a, b);
  EXPECT_EQ(c.design, PairingDesign::Paired);
  const MeanComparison& unmet = c.regions[0].unmet_eur;
  EXPECT_DOUBLE_EQ(unmet.a, 1000);
  EXPECT_DOUBLE_EQ(unmet.b, 1003);
  EXPECT_NEAR(unmet.difference, 3, 1e-12);
  EXPECT_NEAR(unmet.standard_error, std::sqrt(14.0 / 12), 1e-12);
  ASSERT_TRUE(unmet.p_value);
  // df = 3: the t distribution's CDF in closed form, x = t / sqrt(3).
  const double x = 3 / std::sqrt(14.0 / 12) / std::sqrt(3.0);
  EXPECT_NEAR(*unmet.p_value, 1 - 2 / std::numbers::pi * (x / (1 + x * x) + std::atan(x)), 1e-10);
  // Nothing else varies: nothing else is tested.
  EXPECT_FALSE(c.regions[0].p_exhausted.p_value);
  EXPECT_FALSE(c.national.unmet_eur.p_value);
  EXPECT_EQ(c.tests, 1);
}

TEST(RunComparison, UnpairedDifferenceUsesWelchStandardErrorAndDegreesOfFreedom) {
  // A: 1, 2, 3, 4 EUR (variance 5/3); B: 2, 4, 6, 8, 10 EUR (variance 10). Different
  // replication counts: unpaired.
  RunOutcomes a = hand_run(4, 1), b = hand_run(5, 1);
  for (std::size_t i = 0; i < 4; ++i) a.unmet[i] = static_cast<Cents>(i + 1) * 100;
  for (std::size_t i = 0; i < 5; ++i) b.unmet[i] = static_cast<Cents>(2 * (i + 1)) * 100;
  const RunComparison c = compare_runs(a, b);
  EXPECT_EQ(c.design, PairingDesign::Unpaired);
  EXPECT_THAT(c.design_reason, HasSubstr("different replication counts (4 and 5)"));
  const MeanComparison& unmet = c.regions[0].unmet_eur;
  const double va = 5.0 / 3 / 4, vb = 10.0 / 5;
  EXPECT_NEAR(unmet.difference, 3.5, 1e-12);
  EXPECT_NEAR(unmet.standard_error, std::sqrt(va + vb), 1e-12);
  const double df = (va + vb) * (va + vb) / (va * va / 3 + vb * vb / 4);
  ASSERT_TRUE(unmet.p_value);
  EXPECT_NEAR(*unmet.p_value, student_t_p(3.5 / std::sqrt(va + vb), df), 1e-8);
}

// Forecasts whose replications share prior draws (format 1.9's clusters):
// each run's standard error is clustered by draw. A: 1, 1, 3, 3 EUR in draws
// {0, 0, 1, 1}: cluster residuals −2 and +2, SE² = 2/1 · 8 / 16 = 1 (the plain
// SE would be sqrt(1/3)). B: 2, 2, 4, 4 in draws {5, 5, 7, 7}: SE² = 1.
// Unpaired: SE sqrt(2), Welch's df (1 + 1)² / (1/1 + 1/1) = 2. Paired, with
// the same draws: differences 1, 1, 2, 2, cluster residuals ∓1, SE² = 2 · 2 / 16.
TEST(RunComparison, ForecastsSharingDrawsAreClusteredByThem) {
  const auto fill = [](RunOutcomes& run, std::initializer_list<Cents> euros,
                       std::vector<std::int64_t> draws) {
    std::size_t i = 0;
    for (Cents e : euros) run.unmet[i++] = e * 100;
    run.cluster = std::move(draws);
  };
  RunOutcomes a = hand_run(4, 1), b = hand_run(4, 2);
  fill(a, {1, 1, 3, 3}, {0, 0, 1, 1});
  fill(b, {2, 2, 4, 4}, {5, 5, 7, 7});
  const RunComparison unpaired = compare_runs(a, b);
  EXPECT_EQ(unpaired.design, PairingDesign::Unpaired);
  EXPECT_EQ(unpaired.clusters_a, 2);
  EXPECT_EQ(unpaired.clusters_b, 2);
  const MeanComparison& u = unpaired.regions[0].unmet_eur;
  EXPECT_NEAR(u.standard_error, std::sqrt(2.0), 1e-12);
  ASSERT_TRUE(u.p_value);
  EXPECT_NEAR(*u.p_value, student_t_p(1 / std::sqrt(2.0), 2), 1e-8);
  EXPECT_THAT(render_comparison_table(unpaired), HasSubstr("4 replications on 2 prior draws"));

  RunOutcomes same_seed = hand_run(4, 1);
  fill(same_seed, {2, 2, 5, 5}, {0, 0, 1, 1});
  const RunComparison paired = compare_runs(a, same_seed);
  EXPECT_EQ(paired.design, PairingDesign::Paired);
  const MeanComparison& p = paired.regions[0].unmet_eur;
  EXPECT_NEAR(p.difference, 1.5, 1e-12);
  EXPECT_NEAR(p.standard_error, 0.5, 1e-12);
  ASSERT_TRUE(p.p_value);
  EXPECT_NEAR(*p.p_value, student_t_p(3.0, 1), 1e-8);
}

// Years that all share one prior draw have no standard error: a difference
// between two such runs is not tested (it was "significant" at p = 0).
TEST(RunComparison, RunsOnOneDrawAreNotTested) {
  RunOutcomes a = hand_run(4, 1), b = hand_run(4, 2);
  for (std::size_t i = 0; i < 4; ++i) {
    a.unmet[i] = 100;
    b.unmet[i] = 300;
  }
  a.cluster = {7, 7, 7, 7};
  b.cluster = {3, 3, 3, 3};
  const RunComparison c = compare_runs(a, b);
  EXPECT_FALSE(c.regions[0].unmet_eur.p_value);
  EXPECT_FALSE(c.regions[0].unmet_eur.significant);
  EXPECT_EQ(c.tests, 0);
}

// Two forecasts from different priors, paired: A's draws cross B's. Every
// one of A's 20 draws holds one replication of each of B's 20, and B's
// median date moves with B's draws (3 days apart): resampling A's draws
// alone never changed B's median (an interval of no width); resampling both
// (the pigeonhole bootstrap) gives B's draws their weight.
TEST(RunComparison, CrossedDrawsAreBothResampledForAMedianDate) {
  RunOutcomes a = hand_run(400, 1), b = hand_run(400, 1);
  for (std::int64_t i = 0; i < 400; ++i) {
    const auto k = static_cast<std::size_t>(i);
    a.cluster.push_back(i % 20);
    b.cluster.push_back(i / 20);
    a.exhaustion_day[k] = 200;
    b.exhaustion_day[k] = static_cast<std::int32_t>(200 + 3 * (i / 20) - 28);
  }
  const RunComparison crossed = compare_runs(a, b);
  ASSERT_EQ(crossed.design, PairingDesign::Paired);
  const MedianDayComparison& m = crossed.regions[0].median_exhaustion_day;
  ASSERT_TRUE(m.interval_low && m.interval_high);
  // B's median over 20 draws 3 days apart, each of weight 1/20: resampled,
  // its 95 % interval spans about a third of the 57 days they cover.
  EXPECT_GE(*m.interval_high - *m.interval_low, 12) << *m.interval_low << " " << *m.interval_high;
  EXPECT_LE(*m.interval_low, *m.difference);
  EXPECT_GE(*m.interval_high, *m.difference);
}

// A run of one replication has no standard error either: its difference
// from another is not tested, and the table says so rather than "identical".
TEST(RunComparison, ARunOfOneReplicationIsNotTested) {
  RunOutcomes a = hand_run(1, 1), b = hand_run(5, 2);
  a.unmet[0] = 100;
  for (std::size_t i = 0; i < 5; ++i) b.unmet[i] = 300 + static_cast<Cents>(i);
  const RunComparison c = compare_runs(a, b);
  EXPECT_FALSE(c.regions[0].unmet_eur.p_value);
  EXPECT_TRUE(std::isnan(c.regions[0].unmet_eur.standard_error));
  EXPECT_EQ(c.tests, 0);
  // Nor has a median date's difference an interval: resampling one year gives itself.
  RunOutcomes early = hand_run(1, 1), late = hand_run(5, 2);
  early.exhaustion_day[0] = 100;
  for (std::size_t i = 0; i < 5; ++i) late.exhaustion_day[i] = static_cast<std::int32_t>(150 + i);
  const RunComparison by_date = compare_runs(early, late);
  const MedianDayComparison& dates = by_date.regions[0].median_exhaustion_day;
  ASSERT_TRUE(dates.difference);
  EXPECT_FALSE(dates.has_interval);
  const std::string table = render_comparison_table(c);
  EXPECT_NE(table.find("has no standard error to test a difference with"), std::string::npos) << table;
  EXPECT_NE(table.find("no test"), std::string::npos) << table;
  EXPECT_EQ(table.find("identical"), std::string::npos) << table;
  EXPECT_EQ(table.find("agree in every replication"), std::string::npos) << table;
}

// A run's line names its file, scenario, replications and seed however long
// the path or the name (a 256-byte buffer cut them, and the next line with them).
TEST(RunComparison, TheHeaderNamesLongPathsAndNamesWhole) {
  RunOutcomes a = hand_run(3, 1), b = hand_run(3, 2);
  a.file = "/tmp/" + std::string(240, 'd') + "/a.h5";
  a.scenario_name = std::string(30, 'v') + "-variant";
  const std::string table = render_comparison_table(compare_runs(a, b));
  EXPECT_NE(table.find("  A: " + a.file + " — " + a.scenario_name +
                       ", 3 replications, seed 1\n"
                       "  B: hand-2.h5 — hand, 3 replications, seed 2\n"),
            std::string::npos)
      << table;
}

// Two regions whose paired unmet differences have p-values p1 < p2 (and
// nothing else varies): differences c + (±1 EUR alternately) over 10
// replications have a standard error of 1/3 EUR, so t = 3c with 9 degrees of freedom.
RunComparison two_tests(double c1, double c2) {
  RunOutcomes a = hand_run(10, 1, 2), b = hand_run(10, 1, 2);
  for (std::size_t i = 0; i < 10; ++i) {
    const double wiggle = i % 2 ? -1.0 : 1.0;
    for (std::size_t r = 0; r < 2; ++r) a.unmet[i * 2 + r] = 1'000'00;
    b.unmet[i * 2 + 0] = 1'000'00 + round_to_cents(c1 + wiggle);
    b.unmet[i * 2 + 1] = 1'000'00 + round_to_cents(c2 + wiggle);
  }
  return compare_runs(a, b);
}

TEST(RunComparison, HolmStepsDownFromTheSmallestPValue) {
  // p1 = 0.019 <= 0.05 / 2 and p2 = 0.040 <= 0.05 / 1: Holm flags both
  // (Bonferroni would flag only the first).
  const RunComparison both = two_tests(0.95, 0.80);
  ASSERT_EQ(both.tests, 2);
  EXPECT_LT(*both.regions[0].unmet_eur.p_value, 0.025);
  EXPECT_GT(*both.regions[1].unmet_eur.p_value, 0.025);
  EXPECT_LT(*both.regions[1].unmet_eur.p_value, 0.05);
  EXPECT_TRUE(both.regions[0].unmet_eur.significant);
  EXPECT_TRUE(both.regions[1].unmet_eur.significant);
  // p1 = 0.031 > 0.05 / 2: Holm stops at once, though p2 = 0.040 <= 0.05
  // (a step-up procedure would flag both).
  const RunComparison none = two_tests(0.85, 0.80);
  EXPECT_GT(*none.regions[0].unmet_eur.p_value, 0.025);
  EXPECT_LT(*none.regions[1].unmet_eur.p_value, 0.05);
  EXPECT_FALSE(none.regions[0].unmet_eur.significant);
  EXPECT_FALSE(none.regions[1].unmet_eur.significant);
}

TEST(RunComparison, FalseAlarmsUnderNoDifferenceStayWithinTheFamilyWiseLevel) {
  // 400 comparisons of runs with the same distributions, unpaired (independent
  // seeds) and paired (exchangeable twins), 27 tests each. The share of
  // comparisons with any false alarm must not exceed the 5 % family-wise
  // level by more than three binomial standard errors (0.033); and each raw
  // p-value must fall below 5 % about 5 % of the time (calibrated p-values;
  // the 27 tests of a comparison are correlated, hence a tolerance of about
  // four standard errors of 7 500 effectively independent tests).
  constexpr int comparisons = 400;
  ComparisonOptions options;
  options.bootstrap_resamples = 0;  // the medians' intervals are not under test here
  int alarms = 0, tests = 0, raw_rejections = 0;
  for (int k = 0; k < comparisons; ++k) {
    const RunOutcomes a = drawn_run(200, 1000 + 2 * static_cast<std::uint64_t>(k), 0.3);
    const RunOutcomes b = k % 2 ? drawn_run(200, 1001 + 2 * static_cast<std::uint64_t>(k), 0.3)
                                : paired_twin(a, 1001 + 2 * static_cast<std::uint64_t>(k), 0.3);
    const RunComparison c = compare_runs(a, b, options);
    ASSERT_EQ(c.design, k % 2 ? PairingDesign::Unpaired : PairingDesign::Paired);
    bool alarm = false;
    auto count = [&](const MeanComparison& m) {
      if (!m.p_value) return;
      ++tests;
      raw_rejections += *m.p_value < 0.05;
      alarm = alarm || m.significant;
    };
    for (const RegionComparison& r : c.regions) {
      count(r.p_exhausted);
      count(r.unmet_eur);
    }
    count(c.national.p_additional_needed);
    count(c.national.additional_needed_eur);
    count(c.national.unmet_eur);
    alarms += alarm;
  }
  EXPECT_LE(static_cast<double>(alarms) / comparisons, 0.05 + 0.033);
  EXPECT_NEAR(static_cast<double>(raw_rejections) / tests, 0.05, 0.01);
}

TEST(RunComparison, MedianDayDifferenceAndItsPairedBootstrapInterval) {
  // B exhausts every region five days before A in every year: the median moves
  // by exactly five days, and every paired resample says so.
  const RunOutcomes a = drawn_run(300, 5, 0.8);
  RunOutcomes b = a;
  for (std::int32_t& day : b.exhaustion_day)
    if (day >= 0) day -= 5;
  const RunComparison c = compare_runs(a, b);
  for (const RegionComparison& r : c.regions) {
    ASSERT_TRUE(r.median_exhaustion_day.a) << r.code;
    EXPECT_EQ(*r.median_exhaustion_day.b, *r.median_exhaustion_day.a - 5);
    EXPECT_EQ(r.median_exhaustion_day.difference, -5);
    EXPECT_EQ(r.median_exhaustion_day.interval_low, -5);
    EXPECT_EQ(r.median_exhaustion_day.interval_high, -5);
  }
  // The same dates counted from a commitment start one day later: no change.
  RunOutcomes later = a;
  later.commitment_start = a.commitment_start.plus_days(1);
  for (std::int32_t& day : later.exhaustion_day)
    if (day >= 0) day -= 1;
  EXPECT_EQ(compare_runs(a, later).regions[0].median_exhaustion_day.difference, 0);
}

TEST(RunComparison, MedianBeyondTheWindowHasNoDifference) {
  const RunOutcomes a = drawn_run(200, 6, 0.2), b = drawn_run(200, 7, 0.9);
  const RunComparison c = compare_runs(a, b);
  const MedianDayComparison& m = c.regions[0].median_exhaustion_day;
  EXPECT_FALSE(m.a);  // exhausted in about a fifth of the years only
  EXPECT_TRUE(m.b);
  EXPECT_FALSE(m.difference);
  EXPECT_FALSE(m.interval_low);
}

TEST(RunComparison, RegionsAreMatchedByCodeAndMustBeTheSame) {
  const RunOutcomes a = drawn_run(50, 8, 0.5);
  RunOutcomes reordered = a;
  std::swap(reordered.region_codes[0], reordered.region_codes[1]);
  std::swap(reordered.region_names[0], reordered.region_names[1]);
  for (std::size_t i = 0; i < 50; ++i) {
    std::swap(reordered.exhaustion_day[i * 12], reordered.exhaustion_day[i * 12 + 1]);
    std::swap(reordered.unmet[i * 12], reordered.unmet[i * 12 + 1]);
  }
  const RunComparison same = compare_runs(a, reordered);
  EXPECT_EQ(same.tests, 0);  // region by region, the same numbers
  for (const RegionComparison& r : same.regions) EXPECT_EQ(r.unmet_eur.difference, 0) << r.code;

  RunOutcomes other = a;
  other.region_codes[3] = "XYZ";
  try {
    compare_runs(a, other);
    FAIL() << "regions differ";
  } catch (const IncomparableRunsError& e) {
    EXPECT_THAT(e.what(), HasSubstr("has R3"));
    EXPECT_THAT(e.what(), HasSubstr("has XYZ"));
  }
}

// ---- Real runs of the simulator ------------------------------------------------------

class RealRuns : public ::testing::Test {
 protected:
  // `fnesim run ARGUMENTS --out NAME`, in the scratch directory.
  std::string run(const std::string& name, const std::string& arguments) {
    const std::string path = (dir / name).string();
    const auto result = testing::run_fnesim("run " + arguments + " -j 2 --out '" + path + "'");
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return path;
  }
  std::string variant(const std::string& name, const std::string& body) {
    const std::string path = (dir / name).string();
    testing::write_text(path, "extends = \"convention-2021.toml\"\nname = \"" + name + "\"\n" + body);
    return path;
  }
  static RunOutcomes outcomes(const std::string& path) { return read_run_outcomes(RunFileReader(path)); }
  ScratchDirectory dir;
};

TEST_F(RealRuns, ARunComparedWithItselfIsPairedWithNothingToTest) {
  const std::string file = run("a.h5", "-n 60");
  const RunComparison c = compare_runs(outcomes(file), outcomes(file));
  EXPECT_EQ(c.design, PairingDesign::Paired);
  EXPECT_EQ(c.tests, 0);
  for (const RegionComparison& r : c.regions) {
    for (const MeanComparison* m : {&r.p_exhausted, &r.unmet_eur}) {
      EXPECT_EQ(m->difference, 0) << r.code;
      EXPECT_EQ(m->standard_error, 0) << r.code;
      EXPECT_FALSE(m->p_value) << r.code;
      EXPECT_FALSE(m->significant) << r.code;
    }
    EXPECT_EQ(r.median_exhaustion_day.a, r.median_exhaustion_day.b);
  }
  const auto text = testing::run_fnesim("compare '" + file + "' '" + file + "'");
  EXPECT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("Design: PAIRED"));
  EXPECT_THAT(text.out, HasSubstr("identical"));
  const auto json = testing::run_fnesim("compare --json '" + file + "' '" + file + "'");
  EXPECT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"design\": \"paired\""));
  EXPECT_THAT(json.out, HasSubstr("\"p_value\": null"));
}

TEST_F(RealRuns, PairedOnlyWithTheSameSeedReplicationCountAndStreams) {
  const std::string base = run("base.h5", "-n 60");
  const std::string fees =
      run("fees.h5", "'" + variant("fees.toml", "[convention]\nfee_rate = 0.04\n") + "' -n 60");
  const std::string seed = run("seed.h5", "-n 60 --seed 7");
  const std::string count = run("count.h5", "-n 80");
  const RunOutcomes a = outcomes(base);

  // Another envelope, the same random numbers: paired, and the difference is real.
  const RunComparison envelope = compare_runs(a, outcomes(fees));
  EXPECT_EQ(envelope.design, PairingDesign::Paired);
  EXPECT_THAT(envelope.design_reason, HasSubstr("same seed (20210118), replication count (60)"));
  EXPECT_LE(envelope.national.unmet_eur.difference, 0);  // 4 % fees leave more to commit than 5 %

  const RunComparison seeds = compare_runs(a, outcomes(seed));
  EXPECT_EQ(seeds.design, PairingDesign::Unpaired);
  EXPECT_THAT(seeds.design_reason, HasSubstr("different seeds (20210118 and 7)"));
  EXPECT_EQ(seeds.shared_replications, 0);
  const RunComparison counts = compare_runs(a, outcomes(count));
  EXPECT_EQ(counts.design, PairingDesign::Unpaired);
  EXPECT_THAT(counts.design_reason, HasSubstr("different replication counts (60 and 80)"));
  // Not independent samples: the first 60 replications of each are the same draws.
  EXPECT_EQ(counts.shared_replications, 60);
  EXPECT_THAT(render_comparison_table(counts),
              HasSubstr("the first 60 replications of each drew the same random numbers"));
}

TEST_F(RealRuns, TenPerCentMoreDossiersIsDetectedAndPairingSharpensIt) {
  const std::string more = variant("more.toml", "[demand.arrivals]\nexpected_dossiers = 11_000\n");
  const RunOutcomes base = outcomes(run("base.h5", "-n 300"));
  const RunComparison paired = compare_runs(base, outcomes(run("more.h5", "'" + more + "' -n 300")));
  ASSERT_EQ(paired.design, PairingDesign::Paired);
  EXPECT_GT(paired.national.unmet_eur.difference, 0);
  EXPECT_TRUE(paired.national.unmet_eur.significant);
  EXPECT_GT(paired.national.p_additional_needed.difference, 0);
  EXPECT_TRUE(paired.national.p_additional_needed.significant);
  // About 30 % more exhaustion in every region: each difference is several
  // paired standard errors away from Holm's threshold (about 3.3 of them).
  int flagged = 0;
  for (const RegionComparison& r : paired.regions)
    flagged += r.p_exhausted.significant && r.p_exhausted.difference > 0;
  EXPECT_GE(flagged, 10);

  // The same two scenarios with independent random numbers: the standard
  // error of the difference is far larger without common random numbers.
  const RunComparison unpaired =
      compare_runs(base, outcomes(run("more-seed7.h5", "'" + more + "' -n 300 --seed 7")));
  ASSERT_EQ(unpaired.design, PairingDesign::Unpaired);
  EXPECT_LT(1.5 * paired.national.unmet_eur.standard_error, unpaired.national.unmet_eur.standard_error);
}

TEST_F(RealRuns, TwoSeedsOfTheSameScenarioAreNotFlagged) {
  // Nothing differs but the random numbers: a false alarm has a chance of at
  // most 5 % (the family-wise level, Holm) for any pair of seeds. These seeds
  // were fixed before the test was first run; were a change of the simulator
  // to make it fail, it is that 1-in-20 chance or a miscalibrated test — the
  // calibration is checked above on drawn runs.
  const RunOutcomes a = outcomes(run("a.h5", "-n 150 --seed 20210118"));
  const RunOutcomes b = outcomes(run("b.h5", "-n 150 --seed 20210119"));
  const RunComparison c = compare_runs(a, b);
  EXPECT_EQ(c.design, PairingDesign::Unpaired);
  EXPECT_EQ(c.tests, 27);
  for (const RegionComparison& r : c.regions) {
    EXPECT_FALSE(r.p_exhausted.significant) << r.code << " p " << *r.p_exhausted.p_value;
    EXPECT_FALSE(r.unmet_eur.significant) << r.code << " p " << *r.unmet_eur.p_value;
  }
  EXPECT_FALSE(c.national.p_additional_needed.significant);
  EXPECT_FALSE(c.national.additional_needed_eur.significant);
  EXPECT_FALSE(c.national.unmet_eur.significant);
}

TEST_F(RealRuns, CompareRefusesOtherRegionsAndBadFiles) {
  const std::string base = run("base.h5", "-n 20");
  const std::string three =
      run("three.h5", "'" + std::string(FNESIM_SOURCE_DIR) + "/tests/data/good/three-regions.toml' -n 20");
  const auto regions = testing::run_fnesim("compare '" + base + "' '" + three + "'");
  EXPECT_EQ(regions.exit_code, 2);
  EXPECT_THAT(regions.err, HasSubstr("fnesim compare: the runs' regions differ"));
  EXPECT_EQ(regions.out, "");

  const std::string text = (dir / "not-a-run.h5").string();
  testing::write_text(text, "not HDF5");
  const auto bad = testing::run_fnesim("compare '" + base + "' '" + text + "'");
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_THAT(bad.err, HasSubstr("not-a-run.h5"));
  const auto missing = testing::run_fnesim("compare '" + base + "' '" + (dir / "missing.h5").string() + "'");
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_THAT(missing.err, HasSubstr("missing.h5"));
  // Two bad files: both said.
  const auto two = testing::run_fnesim("compare '" + text + "' '" + (dir / "missing.h5").string() + "'");
  EXPECT_EQ(two.exit_code, 2);
  EXPECT_THAT(two.err, HasSubstr("not-a-run.h5"));
  EXPECT_THAT(two.err, HasSubstr("missing.h5"));
  EXPECT_EQ(std::count(two.err.begin(), two.err.end(), '\n'), 2) << two.err;
  EXPECT_EQ(testing::run_fnesim("compare '" + base + "' '" + base + "' --level 0.7").exit_code, 2);
  // NaN passes a range check (every comparison with it is false): it flagged every difference.
  std::string arguments = "compare '" + base + "' '" + base + "'";
  arguments += " --level nan";
  const auto nan_level = testing::run_fnesim(arguments);
  EXPECT_EQ(nan_level.exit_code, 2);
  EXPECT_THAT(nan_level.err, HasSubstr("--level: 'nan' is not a finite number"));
}

}  // namespace
}  // namespace fnesim
