// The steering committee inside the replications (models/steering.hpp's
// decisions run by sim/books.cpp): money conserved to the cent, moves that
// replay to the outcome, never a cent a region has already committed, the
// same draws as without a committee, thread invariance — and the [steering]
// section of scenario files, loaded and simulated.
#include "sim/simulator.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

// ---- The simulator with a committee ------------------------------------------------

constexpr std::uint64_t seed = 2021;

// Meetings on 2021-05-31 and 2021-09-30, 5 % held back nationally, at most half
// of a donor's available amount moved per meeting, and a complementary
// allocation of 1 M EUR requested once half the national pool is outstanding,
// arriving 30 days later, split by shortfall.
SteeringPolicy test_policy() {
  SteeringPolicy policy;
  policy.committee_dates = {Date::from_ymd(2021, 5, 31), Date::from_ymd(2021, 9, 30)};
  policy.reallocation = ReallocationRule::RunRate;
  policy.max_share_moved = 0.5;
  policy.reserve_share = 0.05;
  ComplementaryAllocationRule complementary;
  complementary.threshold_share = 0.5;
  complementary.amount = euros(1'000'000);
  complementary.delay_days = 30;
  complementary.split = ComplementarySplit::Shortfall;
  policy.complementary = complementary;
  return policy;
}

Scenario steered(ExhaustionPolicy exhaustion) {
  Scenario s = testing::rich_scenario(exhaustion);
  s.steering = test_policy();
  return s;
}

std::set<std::int32_t> committee_days(const Scenario& s) {
  std::set<std::int32_t> days;
  for (const Date& d : s.steering->committee_dates)
    days.insert(days_between(s.convention.commitment_start, d));
  return days;
}

class SteeringEveryPolicy : public ::testing::TestWithParam<ExhaustionPolicy> {};

TEST_P(SteeringEveryPolicy, MoneyIsConservedAndTheMovesReplayToTheOutcome) {
  const Scenario scenario = steered(GetParam());
  const Scenario unsteered = testing::rich_scenario(GetParam());
  const Convention& conv = scenario.convention;
  const Simulator simulator(scenario), plain(unsteered);
  auto ws = simulator.make_workspace();
  auto plain_ws = plain.make_workspace();
  ReplicationOutcome o = simulator.make_outcome(), p = plain.make_outcome();
  const auto R = static_cast<std::size_t>(simulator.region_count());
  const std::set<std::int32_t> meetings = committee_days(scenario);
  const ComplementaryAllocationRule& rule = *scenario.steering->complementary;
  const double margin = GetParam() == ExhaustionPolicy::Overcommit ? scenario.demand.overcommit_margin : 0.0;
  Cents initial_total = 0;
  for (std::size_t r = 0; r < R; ++r) initial_total += conv.available(r);

  int with_region_moves = 0, with_reserve_handed = 0, with_complementary = 0, with_reserve_left = 0;
  for (std::int64_t rep = 0; rep < 200; ++rep) {
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    simulator.simulate(seed, rep, *ws, o);
    plain.simulate(seed, rep, *plain_ws, p);

    // Conservation, to the cent.
    Cents final_total = 0;
    for (const RegionOutcome& ro : o.regions) final_total += ro.available_final;
    ASSERT_EQ(final_total + o.national.reserve_unused, initial_total + o.national.complementary_received);
    // Art. 7's settlement: what was not paid goes back to the State.
    ASSERT_EQ(o.national.unspent + o.national.paid, initial_total + o.national.complementary_received);
    ASSERT_TRUE(o.national.complementary_received == 0 || o.national.complementary_received == rule.amount);

    // Replay the moves from the initial available amounts.
    std::vector<Cents> available(R), received(R, 0), given(R, 0);
    for (std::size_t r = 0; r < R; ++r) available[r] = conv.available(r);
    Cents reserve = 0, from_state = 0;
    std::set<std::int32_t> arrival_days;
    bool region_moves = false, reserve_handed = false;
    for (const SteeringMove& mv : o.moves) {
      ASSERT_GT(mv.amount, 0);
      ASSERT_GE(mv.day, 0);
      ASSERT_LT(mv.day, simulator.window_days());
      ASSERT_NE(mv.from, mv.to);
      ASSERT_TRUE(mv.from >= state_allocation && mv.from < static_cast<int>(R)) << mv.from;
      ASSERT_TRUE(mv.to >= national_reserve && mv.to < static_cast<int>(R)) << mv.to;
      if (mv.to == national_reserve) {
        // The reserve is held back on the first day, from each region's available amount.
        ASSERT_EQ(mv.day, 0);
        ASSERT_GE(mv.from, 0);
        ASSERT_EQ(mv.amount,
                  round_half_away(static_cast<double>(conv.available(static_cast<std::size_t>(mv.from))) *
                                  scenario.steering->reserve_share));
        reserve += mv.amount;
      } else if (mv.from == state_allocation) {
        // Requested at a meeting, it arrives delay_days later.
        ASSERT_TRUE(meetings.count(mv.day - rule.delay_days)) << "state allocation on day " << mv.day;
        arrival_days.insert(mv.day);
        from_state += mv.amount;
      } else {
        ASSERT_TRUE(meetings.count(mv.day)) << "move on day " << mv.day << " is not a committee day";
        if (mv.from == national_reserve) {
          reserve -= mv.amount;
          ASSERT_GE(reserve, 0) << "the reserve handed out more than it held";
          reserve_handed = true;
        } else {
          region_moves = true;
        }
      }
      if (mv.from >= 0) {
        available[static_cast<std::size_t>(mv.from)] -= mv.amount;
        given[static_cast<std::size_t>(mv.from)] += mv.amount;
      }
      if (mv.to >= 0) {
        available[static_cast<std::size_t>(mv.to)] += mv.amount;
        received[static_cast<std::size_t>(mv.to)] += mv.amount;
      }
    }
    ASSERT_LE(arrival_days.size(), 1u);
    ASSERT_EQ(from_state, o.national.complementary_received);
    ASSERT_EQ(reserve, o.national.reserve_unused);
    // Moves are recorded in time order.
    ASSERT_TRUE(std::is_sorted(o.moves.begin(), o.moves.end(),
                               [](const SteeringMove& a, const SteeringMove& b) { return a.day < b.day; }));

    for (std::size_t r = 0; r < R; ++r) {
      SCOPED_TRACE(::testing::Message() << "region " << r);
      const RegionOutcome& ro = o.regions[r];
      const RegionOutcome& po = p.regions[r];
      ASSERT_EQ(ro.available_final, available[r]);
      ASSERT_EQ(ro.received, received[r]);
      ASSERT_EQ(ro.given, given[r]);
      ASSERT_GE(ro.available_final, 0);
      // Every commitment is paid or released; what stays committed fits in
      // what the region holds at the end (its ceiling under overcommit).
      ASSERT_EQ(ro.paid + ro.released, ro.committed);
      ASSERT_LE(static_cast<double>(ro.committed - ro.released),
                static_cast<double>(ro.available_final) * (1 + margin) + 1)
          << "available_final " << ro.available_final << ", initial " << conv.available(r) << ", given "
          << ro.given << ", received " << ro.received;
      ASSERT_EQ(ro.demand, ro.committed + ro.unmet);
      // Common random numbers: the committee changes what is committed, never what is drawn.
      ASSERT_EQ(ro.demand, po.demand);
      ASSERT_EQ(ro.peak_net_demand, po.peak_net_demand);
      ASSERT_EQ(ro.dossiers_committed + ro.dossiers_unmet + ro.dossiers_ineligible,
                po.dossiers_committed + po.dossiers_unmet + po.dossiers_ineligible);
      ASSERT_EQ(ro.dossiers_ineligible, po.dossiers_ineligible);
      ASSERT_EQ(ro.trainees_committed + ro.trainees_unmet, po.trainees_committed + po.trainees_unmet);
    }
    ASSERT_EQ(o.national.additional_needed, p.national.additional_needed);
    ASSERT_EQ(o.national.additional_needed_day, p.national.additional_needed_day);
    with_region_moves += region_moves;
    with_reserve_handed += reserve_handed;
    with_complementary += from_state > 0;
    with_reserve_left += o.national.reserve_unused > 0;
  }
  // The scenario exercises every kind of move.
  EXPECT_GT(with_region_moves, 10);
  EXPECT_GT(with_reserve_handed, 10);
  EXPECT_GT(with_complementary, 10);
  EXPECT_GT(with_reserve_left + with_reserve_handed, 0);
}

TEST_P(SteeringEveryPolicy, OutcomesAreIdenticalForOneAndTwoThreads) {
  const Scenario scenario = steered(GetParam());
  const Simulator simulator(scenario);
  struct Recorder : ReplicationSink {
    void consume(std::int64_t, const ReplicationOutcome& o) override { outcomes.push_back(o); }
    std::vector<ReplicationOutcome> outcomes;
  };
  auto run = [&](int threads) {
    Recorder recorder;
    ReplicationSink* sinks[] = {&recorder};
    RunControl control;
    control.seed = seed;
    control.threads = threads;
    run_replications(simulator, 0, 100, control, sinks);
    return std::move(recorder.outcomes);
  };
  const std::vector<ReplicationOutcome> one = run(1), two = run(2);
  ASSERT_EQ(one.size(), two.size());
  std::size_t moves = 0;
  for (std::size_t i = 0; i < one.size(); ++i) {
    SCOPED_TRACE(::testing::Message() << "replication " << i);
    ASSERT_EQ(one[i].moves.size(), two[i].moves.size());
    for (std::size_t m = 0; m < one[i].moves.size(); ++m) {
      const SteeringMove &a = one[i].moves[m], &b = two[i].moves[m];
      ASSERT_TRUE(a.day == b.day && a.from == b.from && a.to == b.to && a.amount == b.amount) << "move " << m;
    }
    moves += one[i].moves.size();
    for (std::size_t r = 0; r < one[i].regions.size(); ++r) {
      const RegionOutcome &a = one[i].regions[r], &b = two[i].regions[r];
      ASSERT_EQ(a.exhaustion_day, b.exhaustion_day);
      ASSERT_EQ(a.committed, b.committed);
      ASSERT_EQ(a.released, b.released);
      ASSERT_EQ(a.paid, b.paid);
      ASSERT_EQ(a.unmet, b.unmet);
      ASSERT_EQ(a.received, b.received);
      ASSERT_EQ(a.given, b.given);
      ASSERT_EQ(a.available_final, b.available_final);
      ASSERT_EQ(a.dossiers_committed, b.dossiers_committed);
    }
    ASSERT_EQ(one[i].national.complementary_received, two[i].national.complementary_received);
    ASSERT_EQ(one[i].national.reserve_unused, two[i].national.reserve_unused);
    ASSERT_EQ(one[i].monthly_commitments, two[i].monthly_commitments);
    ASSERT_EQ(one[i].monthly_payments, two[i].monthly_payments);
    ASSERT_EQ(one[i].committed_by_cell, two[i].committed_by_cell);
  }
  EXPECT_GT(moves, one.size());  // the committee did act
}

// A committee that meets but may move nothing (no reallocation, no reserve, no
// complementary allocation) changes nothing at all, to the cent.
TEST_P(SteeringEveryPolicy, ACommitteeThatMovesNothingChangesNothing) {
  Scenario idle = testing::rich_scenario(GetParam());
  SteeringPolicy policy;
  policy.committee_dates = {Date::from_ymd(2021, 3, 31), Date::from_ymd(2021, 6, 30),
                            Date::from_ymd(2021, 12, 15)};
  policy.reallocation = ReallocationRule::None;
  idle.steering = policy;
  const Scenario plain_scenario = testing::rich_scenario(GetParam());
  const Simulator steered_sim(idle), plain(plain_scenario);
  auto ws = steered_sim.make_workspace();
  auto plain_ws = plain.make_workspace();
  ReplicationOutcome o = steered_sim.make_outcome(), p = plain.make_outcome();
  for (std::int64_t rep = 0; rep < 200; ++rep) {
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    steered_sim.simulate(seed, rep, *ws, o);
    plain.simulate(seed, rep, *plain_ws, p);
    ASSERT_TRUE(o.moves.empty());
    for (std::size_t r = 0; r < o.regions.size(); ++r) {
      const RegionOutcome &a = o.regions[r], &b = p.regions[r];
      SCOPED_TRACE(::testing::Message() << "region " << r);
      ASSERT_EQ(a.exhaustion_day, b.exhaustion_day);
      ASSERT_EQ(a.committed, b.committed);
      ASSERT_EQ(a.released, b.released);
      ASSERT_EQ(a.paid, b.paid);
      ASSERT_EQ(a.unmet, b.unmet);
      ASSERT_EQ(a.demand, b.demand);
      ASSERT_EQ(a.peak_net_demand, b.peak_net_demand);
      ASSERT_EQ(a.carryover_committed, b.carryover_committed);
      ASSERT_EQ(a.diagnostics_committed, b.diagnostics_committed);
      ASSERT_EQ(a.dossiers_committed, b.dossiers_committed);
      ASSERT_EQ(a.dossiers_unmet, b.dossiers_unmet);
      ASSERT_EQ(a.dossiers_ineligible, b.dossiers_ineligible);
      ASSERT_EQ(a.trainees_committed, b.trainees_committed);
      ASSERT_EQ(a.trainees_unmet, b.trainees_unmet);
      ASSERT_EQ(a.received, 0);
      ASSERT_EQ(a.given, 0);
      ASSERT_EQ(a.available_final, b.available_final);
      ASSERT_EQ(a.available_final, idle.convention.available(r));
    }
    ASSERT_EQ(o.national.committed, p.national.committed);
    ASSERT_EQ(o.national.unmet, p.national.unmet);
    ASSERT_EQ(o.national.additional_needed, p.national.additional_needed);
    ASSERT_EQ(o.national.additional_needed_day, p.national.additional_needed_day);
    ASSERT_EQ(o.national.complementary_received, 0);
    ASSERT_EQ(o.national.reserve_unused, 0);
    ASSERT_EQ(o.monthly_commitments, p.monthly_commitments);
    ASSERT_EQ(o.monthly_payments, p.monthly_payments);
    ASSERT_EQ(o.committed_by_cell, p.committed_by_cell);
    ASSERT_EQ(o.trainees_by_cell, p.trainees_by_cell);
  }
}

INSTANTIATE_TEST_SUITE_P(Steering, SteeringEveryPolicy,
                         ::testing::Values(ExhaustionPolicy::Stop, ExhaustionPolicy::Fill,
                                           ExhaustionPolicy::Overcommit),
                         [](const auto& info) {
                           switch (info.param) {
                             case ExhaustionPolicy::Stop:
                               return std::string("Stop");
                             case ExhaustionPolicy::Fill:
                               return std::string("Fill");
                             default:
                               return std::string("Overcommit");
                           }
                         });

// Two regions with the same envelope for 300 dossiers of 5 000 EUR: region 0
// expects 600, region 1 100. Cancellations, drop-outs and trainings ending
// within the window release money along the way, so that what a region has
// committed differs from what it has filed. Monthly meetings, everything
// movable at once.
Scenario lopsided(ExhaustionPolicy exhaustion) {
  Scenario s = testing::simple_scenario(2, 0, 1'500'000, 5'000);
  s.demand.regions[0].expected_dossiers = 600;
  s.demand.regions[1].expected_dossiers = 100;
  s.demand.exhaustion_policy = exhaustion;
  s.demand.overcommit_margin = exhaustion == ExhaustionPolicy::Overcommit ? 0.1 : 0.0;
  s.demand.cancellation_probability = 0.2;
  s.demand.dropout_mean = 0.1;
  for (DayRange& d : s.demand.start_lag_days) d = {0, 30};
  for (DayRange& d : s.demand.duration_days) d = {5, 120};
  s.demand.invoicing_lag_days = {0, 30};
  SteeringPolicy policy;
  for (int month = 1; month <= 11; ++month)
    policy.committee_dates.push_back(Date::from_ymd(2021, month + 1, 1).plus_days(-1));
  policy.reallocation = ReallocationRule::RunRate;
  policy.max_share_moved = 1.0;
  policy.reserve_share = 0.1;
  s.steering = policy;
  return s;
}

// A donor's available amount after each of its moves still covers what it had
// committed and not released that morning. (Under the run-rate rule the
// projected need is at least the filed amount net of releases, which is at
// least the outstanding, so the projected surplus already keeps the donor
// above its commitments; decide_meeting's own cap on the uncommitted amount is
// exercised directly by SteeringMeeting.RandomPositionsKeepEveryRuleOfTheCommittee.)
TEST_P(SteeringEveryPolicy, NeverMovesMoneyARegionHasAlreadyCommitted) {
  const Scenario scenario = lopsided(GetParam());
  const Simulator simulator(scenario);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const auto R = static_cast<std::size_t>(simulator.region_count());
  const std::int32_t last_commitment_day = simulator.window_days() - 1;
  int between_regions = 0;
  for (std::int64_t rep = 0; rep < 40; ++rep) {
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    simulator.simulate(seed, rep, *ws, o);
    const std::vector<SimulatedDossier> dossiers = simulator.dossiers(seed, rep);
    // A region's outstanding commitments on the morning of `day`, before the
    // meeting: the ledger has filed every dossier of earlier days and taken
    // back the unrealised parts of trainings that ended by the eve
    // (Simulator::file_until); releases after the deadline never come back in time.
    auto outstanding_on_morning = [&](std::size_t region, std::int32_t day) {
      Cents outstanding = 0;
      for (const SimulatedDossier& d : dossiers) {
        if (static_cast<std::size_t>(d.region) != region || !d.committed || d.filing_day >= day) continue;
        outstanding += d.amount;
        if (d.amount > d.realised && d.end_day <= day - 1 && d.end_day <= last_commitment_day)
          outstanding -= d.amount - d.realised;
      }
      return outstanding;
    };
    // The reconstruction agrees with the ledger's totals.
    for (std::size_t r = 0; r < R; ++r) {
      Cents committed = 0;
      for (const SimulatedDossier& d : dossiers)
        if (static_cast<std::size_t>(d.region) == r && d.committed) committed += d.amount;
      ASSERT_EQ(committed, o.regions[r].committed);
    }
    std::vector<Cents> available(R);
    for (std::size_t r = 0; r < R; ++r) available[r] = scenario.convention.available(r);
    for (const SteeringMove& mv : o.moves) {
      if (mv.to >= 0) available[static_cast<std::size_t>(mv.to)] += mv.amount;
      if (mv.from < 0) continue;
      const auto donor = static_cast<std::size_t>(mv.from);
      const Cents uncommitted_before = available[donor] - outstanding_on_morning(donor, mv.day);
      available[donor] -= mv.amount;
      const Cents outstanding = outstanding_on_morning(donor, mv.day);
      ASSERT_GE(available[donor], outstanding)
          << "region " << donor << " gave " << mv.amount << " on day " << mv.day << " with only "
          << uncommitted_before << " uncommitted";
      between_regions += mv.to >= 0;
    }
  }
  // Besides the reserve held back on day 0 (nothing is committed yet), region 1
  // gives at several meetings of every replication (about 5 on average).
  EXPECT_GT(between_regions, 40 * 3);
}

// At every commitment, what the region has outstanding fits in what it holds
// at that moment — its available amount after the committee's moves so far,
// times (1 + margin) under overcommit, as docs/scenario-format.md defines the
// ceiling ("commit against available × (1 + margin)"). Reconstructed dossier
// by dossier from Simulator::dossiers, with the ledger's timing: the releases
// due by a dossier's filing day come back before it is filed; moves dated a
// day happen before that day's filings.
void expect_every_commitment_fits(const Scenario& scenario, std::int64_t replications) {
  const Simulator simulator(scenario);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const auto R = static_cast<std::size_t>(simulator.region_count());
  const std::int32_t last_commitment_day = simulator.window_days() - 1;
  const double margin = scenario.demand.exhaustion_policy == ExhaustionPolicy::Overcommit
                            ? scenario.demand.overcommit_margin
                            : 0.0;
  for (std::int64_t rep = 0; rep < replications; ++rep) {
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    simulator.simulate(seed, rep, *ws, o);
    const std::vector<SimulatedDossier> dossiers = simulator.dossiers(seed, rep);
    for (std::size_t r = 0; r < R; ++r) {
      Cents outstanding = 0, available = scenario.convention.available(r);
      std::size_t next_move = 0;
      std::vector<std::pair<std::int32_t, Cents>> pending;  // releases (day, amount)
      for (const SimulatedDossier& d : dossiers) {
        if (static_cast<std::size_t>(d.region) != r || !d.eligible) continue;
        for (; next_move < o.moves.size() && o.moves[next_move].day <= d.filing_day; ++next_move) {
          const SteeringMove& mv = o.moves[next_move];
          if (mv.from == static_cast<int>(r)) available -= mv.amount;
          if (mv.to == static_cast<int>(r)) available += mv.amount;
        }
        for (auto it = pending.begin(); it != pending.end();) {
          if (it->first <= d.filing_day) {
            outstanding -= it->second;
            it = pending.erase(it);
          } else {
            ++it;
          }
        }
        if (!d.committed) continue;
        outstanding += d.amount;
        if (d.amount > d.realised && d.end_day <= last_commitment_day)
          pending.emplace_back(d.end_day, d.amount - d.realised);
        const double ceiling = static_cast<double>(available) * (1 + margin);
        ASSERT_LE(static_cast<double>(outstanding), ceiling + 1)
            << "region " << r << " on day " << d.filing_day << ": outstanding " << outstanding
            << " against available " << available << " (initially " << scenario.convention.available(r)
            << "; given " << o.regions[r].given << ", received " << o.regions[r].received << ")";
      }
    }
  }
}

TEST_P(SteeringEveryPolicy, EveryCommitmentFitsWhatTheRegionHoldsThen) {
  // Monthly meetings, as above.
  expect_every_commitment_fits(lopsided(GetParam()), 40);
  // One early meeting, when a region's run-rate projection is still noisy:
  // the donor often keeps less than it will need, and is then refused (or,
  // under overcommit, runs into its margin) for the rest of the year.
  Scenario early = lopsided(GetParam());
  early.steering->committee_dates = {Date::from_ymd(2021, 2, 28)};
  expect_every_commitment_fits(early, 40);
}

// ---- The [steering] section --------------------------------------------------------

Scenario load(const std::string& text) {
  return load_scenario_text(text, "steering.toml",
                            std::filesystem::path(FNESIM_SOURCE_DIR) / "tests" / "data" / "good");
}

TEST(SteeringScenario, AValidSectionLoadsToThePolicy) {
  const Scenario s = load(R"(extends = "convention-2021.toml"

[steering]
reallocation = "run-rate"
committee_dates = [2021-04-30, 2021-09-30, 2021-12-31]
max_share_moved = 0.4
reserve_share = 0.02

[steering.complementary]
threshold_share = 0.8
amount_eur = 20_000_000.50
delay_days = 45
split = "fixed"

[steering.complementary.weights]
ARA = 0.25
BFC = 0.05
BRE = 0.05
CVL = 0.05
GES = 0.05
HDF = 0.05
IDF = 0.25
NOR = 0.05
NAQ = 0.05
OCC = 0.05
PAC = 0.05
PDL = 0.05
)");
  ASSERT_TRUE(s.steering.has_value());
  const SteeringPolicy& p = *s.steering;
  EXPECT_EQ(p.reallocation, ReallocationRule::RunRate);
  EXPECT_EQ(p.committee_dates, (std::vector<Date>{Date::from_ymd(2021, 4, 30), Date::from_ymd(2021, 9, 30),
                                                  Date::from_ymd(2021, 12, 31)}));
  EXPECT_EQ(p.max_share_moved, 0.4);
  EXPECT_EQ(p.reserve_share, 0.02);
  ASSERT_TRUE(p.complementary.has_value());
  const ComplementaryAllocationRule& c = *p.complementary;
  EXPECT_EQ(c.threshold_share, 0.8);
  EXPECT_EQ(c.amount, 2'000'000'050);
  EXPECT_EQ(c.delay_days, 45);
  EXPECT_EQ(c.split, ComplementarySplit::Fixed);
  // Per region in the convention's order, whatever the order in the file.
  ASSERT_EQ(s.convention.regions.size(), 12u);
  ASSERT_EQ(c.weights.size(), 12u);
  for (std::size_t r = 0; r < 12; ++r) {
    const std::string& code = s.convention.regions[r].code;
    EXPECT_EQ(c.weights[r], code == "ARA" || code == "IDF" ? 0.25 : 0.05) << code;
  }
}

// A donor's cap where no region gives: refused beside "none" (a sweep of it
// would give the same points), ignored when inherited from a run-rate parent.
TEST(SteeringScenario, ADonorsCapAppliesOnlyToRunRate) {
  try {
    load("extends = \"convention-2021.toml\"\n[steering]\nreallocation = \"none\"\nmax_share_moved = 0.5\n");
    ADD_FAILURE() << "loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_NE(e.diagnostics()[0].to_string().find(
                  "steering.max_share_moved: applies only with reallocation = \"run-rate\""),
              std::string::npos)
        << e.diagnostics()[0].to_string();
  }
  const Scenario none = load("extends = \"steering-2021.toml\"\n[steering]\nreallocation = \"none\"\n");
  EXPECT_EQ(none.steering->reallocation, ReallocationRule::None);
}

TEST(SteeringScenario, DefaultsAndAbsence) {
  // Only the required key: the convention's meetings, everything movable, no reserve, no allocation.
  const Scenario s = load("extends = \"convention-2021.toml\"\n[steering]\nreallocation = \"none\"\n");
  ASSERT_TRUE(s.steering.has_value());
  EXPECT_EQ(s.steering->reallocation, ReallocationRule::None);
  EXPECT_EQ(s.steering->committee_dates, s.convention.steering_committee_dates);
  EXPECT_EQ(s.steering->committee_dates,
            (std::vector<Date>{Date::from_ymd(2021, 6, 30), Date::from_ymd(2021, 12, 15)}));
  EXPECT_EQ(s.steering->max_share_moved, 1.0);
  EXPECT_EQ(s.steering->reserve_share, 0.0);
  EXPECT_FALSE(s.steering->complementary.has_value());

  // A complementary table with its required keys only: the defaults of the rest.
  const Scenario c = load(
      "extends = \"convention-2021.toml\"\n[steering]\nreallocation = \"run-rate\"\n"
      "[steering.complementary]\nthreshold_share = 0.75\namount_eur = 1_000_000\n");
  ASSERT_TRUE(c.steering && c.steering->complementary);
  EXPECT_EQ(c.steering->complementary->amount, euros(1'000'000));
  EXPECT_EQ(c.steering->complementary->threshold_share, 0.75);
  EXPECT_EQ(c.steering->complementary->delay_days, 0);
  EXPECT_EQ(c.steering->complementary->split, ComplementarySplit::Shortfall);
  EXPECT_TRUE(c.steering->complementary->weights.empty());

  // No section: no committee inside the replications.
  EXPECT_FALSE(load("extends = \"convention-2021.toml\"\n").steering.has_value());
  EXPECT_FALSE(load_default_scenario().steering.has_value());
}

TEST(SteeringScenario, ASteeredScenarioFromAFileRunsAndConserves) {
  // The parsed policy drives the simulator: the whole chain from TOML.
  Scenario s = load(R"(extends = "convention-2021.toml"
[demand]
exhaustion_policy = "fill"
[demand.arrivals]
expected_dossiers = 1_000
[steering]
reallocation = "run-rate"
reserve_share = 0.05
[steering.complementary]
threshold_share = 0.01
amount_eur = 1_000_000
delay_days = 10
split = "envelope"
)");
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  for (std::int64_t rep = 0; rep < 5; ++rep) {
    simulator.simulate(seed, rep, *ws, o);
    Cents total = 0;
    for (const RegionOutcome& ro : o.regions) total += ro.available_final;
    EXPECT_EQ(total + o.national.reserve_unused, s.convention.total_available() + euros(1'000'000));
    EXPECT_EQ(o.national.complementary_received,
              euros(1'000'000));  // 1 % of the pool is outstanding by the first meeting
  }
}

}  // namespace
}  // namespace fnesim
