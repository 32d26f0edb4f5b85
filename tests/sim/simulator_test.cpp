#include "sim/simulator.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <numeric>
#include <string>

#include "results/run_summary.hpp"
#include "sim/bytes.hpp"
#include "sim/forecast/actuals.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/run_statistics.hpp"
#include "sim/runner.hpp"
#include "sim/workspace.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

// FNV-1a over every field of an outcome: equal digests ⇔ equal outcomes (for our purposes).
class DigestSink : public ReplicationSink {
 public:
  void consume(std::int64_t replication, const ReplicationOutcome& o) override {
    std::uint64_t h = 1469598103934665603ULL;
    auto mix = [&](std::int64_t v) {
      for (int i = 0; i < 8; ++i) {
        h ^= static_cast<std::uint64_t>(v >> (8 * i)) & 0xFF;
        h *= 1099511628211ULL;
      }
    };
    mix(replication);
    for (const RegionOutcome& r : o.regions)
      for (std::int64_t v :
           {std::int64_t{r.exhaustion_day}, r.committed, r.released, r.paid, r.unmet, r.demand,
            r.peak_net_demand, r.dossiers_committed, r.dossiers_unmet, r.trainees_committed})
        mix(v);
    for (Cents c : o.monthly_commitments) mix(c);
    for (Cents c : o.monthly_payments) mix(c);
    for (Cents c : o.committed_by_cell) mix(c);
    mix(o.national.additional_needed);
    mix(o.national.additional_needed_day);
    digests.push_back(h);
  }
  std::vector<std::uint64_t> digests;
};

struct ThreadRun {
  std::vector<std::uint64_t> digests;
  std::string summary;
};

ThreadRun run_with_threads(const Scenario& scenario, int threads, std::int64_t replications) {
  const Simulator simulator(scenario);
  DigestSink digests;
  RunStatistics statistics(simulator);
  ReplicationSink* sinks[] = {&digests, &statistics};
  RunControl control;
  control.seed = 2021;
  control.threads = threads;
  run_replications(simulator, 0, replications, control, sinks);
  return {digests.digests, summary_json(summarise(simulator, statistics, control.seed))};
}

class EveryPolicy : public ::testing::TestWithParam<ExhaustionPolicy> {};

TEST_P(EveryPolicy, OutcomesAreBitIdenticalForOneTwoAndFourThreads) {
  const Scenario scenario = testing::rich_scenario(GetParam());
  const ThreadRun one = run_with_threads(scenario, 1, 150);
  const ThreadRun two = run_with_threads(scenario, 2, 150);
  const ThreadRun four = run_with_threads(scenario, 4, 150);
  EXPECT_EQ(one.digests, two.digests);
  EXPECT_EQ(one.digests, four.digests);
  EXPECT_EQ(one.summary, two.summary);
  EXPECT_EQ(one.summary, four.summary);
}

TEST_P(EveryPolicy, LedgerAddsUpToTheCentInEveryReplication) {
  const Scenario scenario = testing::rich_scenario(GetParam());
  const Simulator simulator(scenario);
  auto workspace = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const double ceiling_factor = GetParam() == ExhaustionPolicy::Overcommit ? 1.05 : 1.0;
  int exhausted = 0, with_releases = 0;
  for (std::int64_t rep = 0; rep < 200; ++rep) {
    simulator.simulate(99, rep, *workspace, o);
    Cents national_committed = 0;
    for (int r = 0; r < o.region_count; ++r) {
      const RegionOutcome& ro = o.regions[static_cast<std::size_t>(r)];
      const auto months = o.monthly_commitments.begin() + r * o.month_count;
      const auto payments = o.monthly_payments.begin() + r * o.month_count;
      const auto cells = o.committed_by_cell.begin() + r * mix_cell_count;
      ASSERT_EQ(std::accumulate(months, months + o.month_count, Cents{0}), ro.committed);
      ASSERT_EQ(std::accumulate(payments, payments + o.month_count, Cents{0}), ro.paid);
      ASSERT_EQ(std::accumulate(cells, cells + mix_cell_count, Cents{0}) + ro.carryover_committed +
                    ro.diagnostics_committed,
                ro.committed);
      // Every commitment is either paid (realised) or released (unrealised).
      ASSERT_EQ(ro.paid + ro.released, ro.committed);
      ASSERT_EQ(ro.demand, ro.committed + ro.unmet);
      ASSERT_LE(
          static_cast<double>(ro.committed - ro.released),
          ceiling_factor * static_cast<double>(scenario.convention.available(static_cast<std::size_t>(r))) +
              1);
      ASSERT_EQ(ro.exhaustion_day != never_exhausted, ro.dossiers_unmet > 0);
      ASSERT_GE(ro.peak_net_demand, 0);
      national_committed += ro.committed;
      exhausted += ro.exhaustion_day != never_exhausted;
      with_releases += ro.released > 0;
    }
    ASSERT_EQ(o.national.committed, national_committed);
    ASSERT_EQ(o.national.additional_needed > 0, o.national.additional_needed_day != never_exhausted);
  }
  // The scenario exercises what it is meant to.
  EXPECT_GT(exhausted, 0);
  EXPECT_GT(with_releases, 0);
}

INSTANTIATE_TEST_SUITE_P(Policies, EveryPolicy,
                         ::testing::Values(ExhaustionPolicy::Stop, ExhaustionPolicy::Fill,
                                           ExhaustionPolicy::Overcommit));

TEST(Simulator, StopRefusesEverythingAfterTheFirstRefusalWhileFillKeepsCommitting) {
  // Identical random numbers (same seed): fill commits at least as much as stop.
  Scenario stop = testing::rich_scenario(ExhaustionPolicy::Stop);
  Scenario fill = testing::rich_scenario(ExhaustionPolicy::Fill);
  const Simulator s_stop(stop), s_fill(fill);
  auto ws = s_stop.make_workspace();
  ReplicationOutcome a = s_stop.make_outcome(), b = s_fill.make_outcome();
  for (std::int64_t rep = 0; rep < 50; ++rep) {
    s_stop.simulate(5, rep, *ws, a);
    s_fill.simulate(5, rep, *ws, b);
    for (int r = 0; r < a.region_count; ++r) {
      const auto& x = a.regions[static_cast<std::size_t>(r)];
      const auto& y = b.regions[static_cast<std::size_t>(r)];
      EXPECT_EQ(x.exhaustion_day, y.exhaustion_day);  // the first refusal is the same dossier
      EXPECT_GE(y.committed, x.committed);
      EXPECT_EQ(x.demand, y.demand);  // demand does not depend on the policy
    }
  }
}

TEST(Simulator, AllDemandIsCommittedWhenTheEnvelopeIsAmple) {
  Scenario s = testing::simple_scenario(2, 100, 1'000'000'000, 1000);
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  simulator.simulate(1, 0, *ws, o);
  for (const RegionOutcome& r : o.regions) {
    EXPECT_EQ(r.exhaustion_day, never_exhausted);
    EXPECT_EQ(r.unmet, 0);
    EXPECT_EQ(r.committed, r.dossiers_committed * euros(1000));
  }
}

TEST(Simulator, RateOfTheRuleAppliesToTheCent) {
  // 70 % of 1 000.01 EUR = 700.007 → 700.01 EUR per dossier.
  Scenario s = testing::simple_scenario(1, 50, 1'000'000'000, 1000.01, Rate{7000});
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  simulator.simulate(3, 0, *ws, o);
  const RegionOutcome& r = o.regions[0];
  ASSERT_GT(r.dossiers_committed, 0);
  EXPECT_EQ(r.committed, r.dossiers_committed * 70001);
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// Two outcomes are the same to the bit: their bytes (sim/outcome.hpp), but
// for the steering moves, whose bytes include a struct's padding, compared
// field by field.
void expect_same_outcome(ReplicationOutcome a, ReplicationOutcome b) {
  ASSERT_EQ(a.moves.size(), b.moves.size());
  for (std::size_t m = 0; m < a.moves.size(); ++m) {
    const SteeringMove &x = a.moves[m], &y = b.moves[m];
    EXPECT_TRUE(x.day == y.day && x.from == y.from && x.to == y.to && x.amount == y.amount) << "move " << m;
  }
  a.moves.clear();
  b.moves.clear();
  Bytes bytes_a, bytes_b;
  ByteWriter writer_a(bytes_a), writer_b(bytes_b);
  append_outcome(a, writer_a);
  append_outcome(b, writer_b);
  EXPECT_EQ(bytes_a, bytes_b);
}

// Each scenario's replications take a first pass compiled for the features
// it uses (FirstPassShape); a replication whose dossiers are listed takes the
// general one. Both record the same outcome, to the bit, and draw what the
// floor draws.
struct ShapedScenario {
  const char* name;
  const char* extension;  // TOML extending `name`; empty: the shipped scenario itself
  FirstPassShape shape;   // the pass it must be drawn with
};

class FirstPassShapes : public ::testing::TestWithParam<ShapedScenario> {};

// The scenario's own pass and the general one record the same outcomes, and the floor draws what they draw.
void expect_passes_agree(const Simulator& simulator, std::int64_t replications) {
  auto shaped = simulator.make_workspace();
  auto general = simulator.make_workspace();
  general->keep_dossiers = true;
  auto floor = simulator.make_workspace();
  ReplicationOutcome by_shape = simulator.make_outcome(), by_general = simulator.make_outcome();
  for (std::int64_t rep = 0; rep < replications; ++rep) {
    simulator.simulate(8, rep, *shaped, by_shape);
    simulator.simulate(8, rep, *general, by_general);
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    expect_same_outcome(by_shape, by_general);
    simulator.draw_variates_only(8, rep, *floor);
    EXPECT_EQ(Simulator::stream_digest(*shaped), Simulator::stream_digest(*floor));
  }
}

TEST_P(FirstPassShapes, RecordWhatTheGeneralPassRecords) {
  const ShapedScenario& param = GetParam();
  const std::string extension = param.extension;
  const Simulator simulator(
      extension.empty()
          ? load_scenario_argument(param.name)
          : load_scenario_text("extends = \"" + std::string(param.name) + ".toml\"\n" + extension,
                               "shaped.toml", std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios"));
  const FirstPassShape& shape = simulator.first_pass_shape();
  EXPECT_EQ(shape, param.shape) << "plain " << shape.plain << ", instant " << shape.instant << ", at once "
                                << shape.file_at_once;
  expect_passes_agree(simulator, 4);
}

// Shapes {plain, instant, filed at once}: R1 all three; with a drift, instant
// but not plain; with a committee, instant but queued; the default scenario
// plain and at once; a committee, plain only; two coverage epochs, at once
// only; drawn assumptions, the same.
INSTANTIATE_TEST_SUITE_P(
    Scenarios, FirstPassShapes,
    ::testing::Values(ShapedScenario{"reference-r1", "", {true, true, true}},
                      ShapedScenario{
                          "reference-r1", "[uncertainty]\nmonthly_drift = 0.2\n", {false, true, true}},
                      ShapedScenario{"reference-r1",
                                     "[steering]\nreallocation = \"run-rate\"\n"
                                     "committee_dates = [2021-04-30, 2021-09-30]\nmax_share_moved = 0.5\n",
                                     {true, true, false}},
                      ShapedScenario{"convention-2021", "", {true, false, true}},
                      ShapedScenario{"steering-2021", "", {true, false, false}},
                      ShapedScenario{"observed-2021", "", {false, false, true}},
                      ShapedScenario{"observed-2021-uncertain", "", {false, false, true}}));

// The same of forecasts from actuals, whose observed dossiers are filed before
// the simulated ones: one row per dossier (their life cycles), monthly totals
// by region (each month's dossiers one by one) and national monthly totals
// (a region can get a national row's money without a dossier).
TEST(FirstPassShapesOfForecasts, RecordWhatTheGeneralPassRecordsAndDrawWhatTheFloorDraws) {
  const Scenario observed = load_scenario_argument("observed-2021");
  const Simulator truth(observed);
  struct Case {
    const char* name;
    Scenario scenario;
    Actuals actuals;
    Date cut_off;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"dossiers", observed,
       parse_actuals(synthetic_actuals_csv(truth, 7, 3, SyntheticLayout::Dossiers), "d.csv", observed),
       Date::from_ymd(2021, 11, 1)});
  cases.push_back(
      {"monthly", observed,
       parse_actuals(synthetic_actuals_csv(truth, 7, 3, SyntheticLayout::Monthly), "m.csv", observed),
       Date::from_ymd(2021, 9, 1)});
  const Scenario september = load_scenario_argument("observed-september-2021");
  cases.push_back(
      {"national, few dossiers", september,
       parse_actuals("month,region,dossiers,trainees,committed_eur\n2020-12,national,250,2500,2500000.00\n"
                     "2021-01,national,3,30,36000.00\n2021-02,national,400,4000,5000000.00\n",
                     "n.csv", september),
       Date::from_ymd(2021, 3, 1)});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    expect_passes_agree(Simulator(condition_on_actuals(c.scenario, c.actuals, c.cut_off).scenario), 3);
  }
}

// A planner comparing a fixed lag with a range of lags, or a diagnostic of
// a fixed length with one of varied length, must see the same demand: the
// carry-over draws its amount and its lag on one stream, a dossier's
// attributes include a diagnostic's days, and every life cycle shares one
// stream, so a range of one day must draw the word a wider one draws.
TEST(Simulator, ARangeOfOneDayDrawsAsAWiderOneDoes) {
  Scenario wide = testing::rich_scenario(ExhaustionPolicy::Fill);
  wide.demand.invoicing_lag_days = {30, 31};
  wide.demand.diagnostic_days = {2, 3};
  Scenario fixed = wide;
  fixed.demand.invoicing_lag_days = {30, 30};
  fixed.demand.diagnostic_days = {2, 2};
  const Simulator with_wide(wide), with_fixed(fixed);
  int carried_over = 0, diagnostics = 0, trainings = 0;
  for (std::int64_t rep = 0; rep < 5; ++rep) {
    const std::vector<SimulatedDossier> a = with_wide.dossiers(4, rep), b = with_fixed.dossiers(4, rep);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      SCOPED_TRACE("replication " + std::to_string(rep) + ", dossier " + std::to_string(i));
      ASSERT_EQ(a[i].region, b[i].region);
      ASSERT_EQ(a[i].filing_day, b[i].filing_day);
      ASSERT_EQ(a[i].diagnostic, b[i].diagnostic);
      ASSERT_EQ(a[i].end_day, b[i].end_day);
      if (a[i].diagnostic) {  // 2 or 3 days against 2: its amount may differ, nothing after it
        ++diagnostics;
        continue;
      }
      ASSERT_EQ(a[i].cell, b[i].cell);
      ASSERT_EQ(a[i].trainees, b[i].trainees);
      ASSERT_EQ(a[i].amount, b[i].amount);
      ASSERT_EQ(a[i].realised, b[i].realised);  // the same cancellations and drop-outs
      carried_over += a[i].carryover;
      trainings += !a[i].carryover;
    }
  }
  // The scenario has what the test is about.
  EXPECT_GT(carried_over, 0);
  EXPECT_GT(diagnostics, 0);
  EXPECT_GT(trainings, 1000);
}

// An instant life cycle draws nothing, but the carry-over's lag shares the
// stream of its amounts: it is drawn all the same, so that switching a life
// cycle on (rare cancellations) moves no carried-over amount.
TEST(Simulator, ALifeCycleSwitchedOnMovesNoCarriedOverAmount) {
  Scenario instant = testing::rich_scenario(ExhaustionPolicy::Fill);
  DemandModel& d = instant.demand;
  for (DayRange& range : d.start_lag_days) range = {0, 0};
  for (DayRange& range : d.duration_days) range = {0, 0};
  d.invoicing_lag_days = {0, 0};
  d.cancellation_probability = 0;
  d.dropout_mean = d.dropout_sd = 0;
  Scenario cancelling = instant;
  cancelling.demand.cancellation_probability = 1e-4;
  const Simulator with_instant(instant), with_cancelling(cancelling);
  int carried_over = 0;
  for (std::int64_t rep = 0; rep < 5; ++rep) {
    const std::vector<SimulatedDossier> a = with_instant.dossiers(4, rep),
                                        b = with_cancelling.dossiers(4, rep);
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t i = 0; i < a.size(); ++i) {
      ASSERT_EQ(a[i].carryover, b[i].carryover);
      ASSERT_EQ(a[i].amount, b[i].amount) << "replication " << rep << ", dossier " << i;
      carried_over += a[i].carryover;
    }
  }
  EXPECT_GT(carried_over, 0);
}

// The benchmark's floor must draw exactly what a replication draws, no more, no less.
TEST(Simulator, TheRandomNumberFloorDrawsExactlyTheSameVariates) {
  for (ExhaustionPolicy policy : {ExhaustionPolicy::Stop, ExhaustionPolicy::Fill}) {
    const Scenario scenario = testing::rich_scenario(policy);
    const Simulator simulator(scenario);
    auto full = simulator.make_workspace();
    auto floor = simulator.make_workspace();
    ReplicationOutcome o = simulator.make_outcome();
    for (std::int64_t rep = 0; rep < 20; ++rep) {
      simulator.simulate(8, rep, *full, o);
      simulator.draw_variates_only(8, rep, *floor);
      ASSERT_EQ(Simulator::stream_digest(*full), Simulator::stream_digest(*floor)) << "replication " << rep;
    }
    // And the digest does see a difference in what is drawn.
    simulator.draw_variates_only(8, 0, *floor);
    simulator.simulate(8, 1, *full, o);
    EXPECT_NE(Simulator::stream_digest(*full), Simulator::stream_digest(*floor));
  }
}

}  // namespace
}  // namespace fnesim
