// The engine under art. 7's training deadline (models/convention.hpp,
// PastDeadline): every training dossier filed in December 2021, starting 125
// days later and lasting 20, so that some end before 30 April 2022, some cross
// it and some start after it. Each staged dossier's paid part is recomputed by
// hand from its filing day, to the cent, under the three rules; and the money
// adds up in every replication of a scenario with the whole life cycle.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "sim/simulator.hpp"
#include "sim/workspace.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

constexpr int start_lag = 125, duration = 20;

Scenario december_scenario(PastDeadline rule) {
  // 1 000.01 EUR a dossier, so that the pro rata parts need rounding.
  Scenario s = testing::simple_scenario(1, 400, 1'000'000'000, 1000.01);
  s.convention.past_deadline = rule;
  DemandModel& d = s.demand;
  d.regions[0].monthly_profile.fill(0.0);
  d.regions[0].monthly_profile[11] = 1.0;
  for (DayRange& r : d.start_lag_days) r = {start_lag, start_lag};
  for (DayRange& r : d.duration_days) r = {duration, duration};
  d.invoicing_lag_days = {30, 30};
  return s;
}

// One simulated year of december_scenario under `rule`, its staged dossiers kept.
struct DecemberYear {
  explicit DecemberYear(PastDeadline rule)
      : simulator(december_scenario(rule)), ws(simulator.make_workspace()), outcome(simulator.make_outcome()) {
    ws->keep_dossiers = true;  // without a committee they are filed as drawn, not queued, unless kept
    simulator.simulate(2021, 0, *ws, outcome);
  }
  const std::vector<StagedDossier>& staged() const { return ws->staged[0]; }
  const RegionOutcome& region() const { return outcome.regions[0]; }
  std::int32_t deadline() const { return simulator.plan().last_training_day; }

  const Simulator simulator;
  decltype(simulator.make_workspace()) ws;
  ReplicationOutcome outcome;
};

// The days of a December dossier's training done by the deadline.
std::int64_t days_done(std::int32_t filing_day, std::int32_t deadline) {
  return std::clamp<std::int64_t>(std::int64_t{deadline} - (filing_day + start_lag) + 1, 0, duration);
}

TEST(DeadlineSimulation, EachDossierIsPaidExactlyItsDaysDoneUnderProRata) {
  const DecemberYear year(PastDeadline::ProRata);
  const std::int32_t deadline = year.deadline();
  Cents paid = 0, lapsed = 0;
  int crossing = 0, after = 0, before = 0;
  for (const StagedDossier& d : year.staged()) {
    ASSERT_EQ(d.kind, DossierKind::Training);
    ASSERT_EQ(d.amount, 100'001);
    const std::int64_t done = days_done(d.day, deadline);
    // amount × done / duration, rounded half away from zero, by hand.
    const Cents expected = (d.amount * done * 2 + duration) / (2 * duration);
    ASSERT_EQ(d.realised, expected) << "filed on day " << d.day;
    (done == duration ? before : done == 0 ? after : crossing) += 1;
    paid += d.realised;
    lapsed += d.amount - d.realised;
  }
  EXPECT_GT(before, 0);
  EXPECT_GT(crossing, 0);
  EXPECT_GT(after, 0);
  const RegionOutcome& r = year.region();
  EXPECT_EQ(r.paid, paid);
  // Released after the commitment deadline: all of it lapses.
  EXPECT_EQ(r.lapsed, lapsed);
  EXPECT_EQ(r.released, lapsed);
  EXPECT_EQ(r.committed, r.paid + r.released);
  // Payments 30 days after the training's end, the end cut at the deadline.
  EXPECT_EQ(r.last_payment_day, deadline + 30);
}

TEST(DeadlineSimulation, RefusingAtFilingCommitsOnlyTrainingsThatEndInTime) {
  const DecemberYear year(PastDeadline::Refuse);
  const std::int32_t deadline = year.deadline();
  Cents refused = 0, committed = 0;
  std::int64_t refused_dossiers = 0;
  for (const StagedDossier& d : year.staged()) {
    const bool past = days_done(d.day, deadline) < duration;
    ASSERT_EQ(d.kind, past ? DossierKind::PastDeadline : DossierKind::Training) << "filed on day " << d.day;
    if (past) {
      refused += 100'001;
      ++refused_dossiers;
    } else {
      ASSERT_EQ(d.realised, d.amount);
      committed += d.amount;
    }
  }
  EXPECT_GT(refused_dossiers, 0);
  const RegionOutcome& r = year.region();
  EXPECT_EQ(r.refused_past_deadline, refused);
  EXPECT_EQ(r.dossiers_refused_past_deadline, refused_dossiers);
  EXPECT_EQ(r.committed, committed);
  EXPECT_EQ(r.paid, committed);
  EXPECT_EQ(r.lapsed, 0);
  // A refusal for the deadline is not demand, nor unmet demand.
  EXPECT_EQ(r.demand, committed);
  EXPECT_EQ(r.unmet, 0);
}

TEST(DeadlineSimulation, PayingInFullPaysEveryCommitment) {
  const DecemberYear year(PastDeadline::PayInFull);
  const RegionOutcome& r = year.region();
  EXPECT_GT(r.dossiers_committed, 0);
  EXPECT_EQ(r.paid, r.dossiers_committed * 100'001);
  EXPECT_EQ(r.released, 0);
  EXPECT_EQ(r.lapsed, 0);
}

TEST(DeadlineSimulation, TheMoneyAddsUpToTheCentInEveryReplication) {
  for (PastDeadline rule : {PastDeadline::ProRata, PastDeadline::Refuse, PastDeadline::PayInFull}) {
    Scenario s = testing::rich_scenario(ExhaustionPolicy::Fill);
    s.convention.past_deadline = rule;
    // Long trainings late in the year, so that many cross the deadline.
    for (RegionalDemand& rd : s.demand.regions) rd.monthly_profile = {1, 1, 1, 1, 1, 1, 1, 1, 2, 3, 4, 5};
    for (DayRange& dr : s.demand.duration_days) dr = {30, 365};
    const Simulator simulator(s);
    auto ws = simulator.make_workspace();
    ReplicationOutcome o = simulator.make_outcome();
    Cents available = 0;
    for (std::size_t r = 0; r < s.convention.regions.size(); ++r) available += s.convention.available(r);
    int with_lapsed = 0, with_refused = 0;
    for (std::int64_t rep = 0; rep < 100; ++rep) {
      SCOPED_TRACE(::testing::Message() << "rule " << static_cast<int>(rule) << ", replication " << rep);
      simulator.simulate(7, rep, *ws, o);
      Cents lapsed = 0, paid = 0;
      for (const RegionOutcome& ro : o.regions) {
        ASSERT_EQ(ro.committed, ro.paid + ro.released);
        ASSERT_GE(ro.lapsed, 0);
        ASSERT_LE(ro.lapsed, ro.released);  // released = back in time + lapsed
        lapsed += ro.lapsed;
        paid += ro.paid;
      }
      ASSERT_EQ(o.national.lapsed, lapsed);
      ASSERT_EQ(o.national.paid, paid);
      ASSERT_EQ(o.national.unspent + o.national.paid, available + o.national.complementary_received);
      ASSERT_LE(o.national.review_paid, o.national.review_realised);
      ASSERT_LE(o.national.review_realised, o.national.review_committed);
      ASSERT_LE(o.national.review_committed, o.national.committed);
      with_lapsed += o.national.lapsed > 0;
      with_refused += o.national.refused_past_deadline > 0;
    }
    EXPECT_GT(with_lapsed, 0);
    if (rule == PastDeadline::Refuse) {
      EXPECT_EQ(with_refused, 100);
    }
  }
}

}  // namespace
}  // namespace fnesim
