// The cash forecast in the engine ([financing]; models/financing.hpp): in
// every replication the State disburses exactly what was paid, the position is
// disbursements less payments month by month, and the advance and the tranche
// arrive when the terms say; the summary is the same for any thread count.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>

#include "results/run_summary.hpp"
#include "sim/runner.hpp"
#include "sim/simulator.hpp"
#include "support/test_scenarios.hpp"

namespace fnesim {
namespace {

Scenario financed_scenario() {
  Scenario s = testing::rich_scenario(ExhaustionPolicy::Fill);
  FinancingTerms terms;
  terms.advance_share = Rate{3000};
  terms.advance_date = Date::from_ymd(2021, 1, 15);
  FinancingTranche second;
  second.name = "second";
  second.share = Rate{4000};
  second.commitment_level = Rate{5000};
  second.lag_days = 20;
  terms.tranches.push_back(second);
  terms.settlement_lag_days = 75;
  s.financing = terms;
  return s;
}

TEST(FinancingSimulation, TheCashAddsUpInEveryReplication) {
  const Scenario s = financed_scenario();
  const Simulator simulator(s);
  const Plan& plan = simulator.plan();
  const auto months = static_cast<std::size_t>(plan.month_count);
  const auto cash_months = static_cast<std::size_t>(plan.cash_month_count);
  ASSERT_GT(cash_months, months);  // the balance may come after the trajectories' horizon
  const Cents basis = s.convention.total_available();
  const Cents advance = apply_rate(basis, Rate{3000}), tranche = apply_rate(basis, Rate{4000});
  const Cents level = apply_rate(basis, Rate{5000});
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  int reached = 0, pre_financed = 0;
  for (std::int64_t rep = 0; rep < 100; ++rep) {
    SCOPED_TRACE(::testing::Message() << "replication " << rep);
    simulator.simulate(11, rep, *ws, o);
    ASSERT_EQ(o.monthly_disbursements.size(), cash_months);
    ASSERT_EQ(std::accumulate(o.monthly_disbursements.begin(), o.monthly_disbursements.end(), Cents{0}),
              o.national.paid);
    // The advance in January; the tranche 20 days after the end of the month
    // national commitments reach half the basis, if they do.
    std::vector<Cents> expected(cash_months, 0);
    expected[0] += advance;
    Cents committed = 0;
    for (std::size_t m = 0; m < months; ++m) {
      for (int r = 0; r < o.region_count; ++r) committed += o.monthly_commitments[static_cast<std::size_t>(r) * months + m];
      if (committed >= level) {
        const Date arrival = last_of_month(simulator.month_start(static_cast<int>(m))).plus_days(20);
        expected[static_cast<std::size_t>(month_index(s.convention.commitment_start, arrival))] += tranche;
        ++reached;
        break;
      }
    }
    // The balance 75 days after the last payment.
    ASSERT_NE(o.national.last_payment_day, never_paid);
    const Date balance =
        s.convention.commitment_start.plus_days(static_cast<std::int32_t>(o.national.last_payment_day) + 75);
    const Cents disbursed_before = std::accumulate(expected.begin(), expected.end(), Cents{0});
    expected[static_cast<std::size_t>(month_index(s.convention.commitment_start, balance))] +=
        o.national.paid - disbursed_before;
    ASSERT_EQ(o.monthly_disbursements, expected);
    // Position = cumulative disbursements − cumulative payments, each month.
    Cents disbursed = 0, paid = 0, lowest = 0;
    for (std::size_t m = 0; m < cash_months; ++m) {
      disbursed += o.monthly_disbursements[m];
      if (m < months)
        for (int r = 0; r < o.region_count; ++r) paid += o.monthly_payments[static_cast<std::size_t>(r) * months + m];
      ASSERT_EQ(o.cash_position[m], disbursed - paid) << "month " << m;
      lowest = m == 0 ? o.cash_position[m] : std::min(lowest, o.cash_position[m]);
    }
    ASSERT_EQ(o.cash_position.back(), 0);  // settled
    ASSERT_EQ(o.cash_minimum, lowest);
    ASSERT_EQ(o.cash_position[static_cast<std::size_t>(o.cash_minimum_month)], lowest);
    ASSERT_TRUE(std::find(o.cash_position.begin(), o.cash_position.begin() + o.cash_minimum_month, lowest) ==
                o.cash_position.begin() + o.cash_minimum_month);  // its first month
    pre_financed += lowest < 0;
  }
  // The test exercises both branches: the level reached, and pre-financing.
  EXPECT_GT(reached, 0);
  EXPECT_GT(pre_financed, 0);
}

TEST(FinancingSimulation, WithoutTheSectionThereIsNoCash) {
  const Scenario s = testing::rich_scenario(ExhaustionPolicy::Fill);
  const Simulator simulator(s);
  EXPECT_EQ(simulator.plan().cash_month_count, 0);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  simulator.simulate(11, 0, *ws, o);
  EXPECT_TRUE(o.monthly_disbursements.empty());
  RunStatistics statistics(simulator);
  statistics.consume(0, o);
  EXPECT_FALSE(summarise(simulator, statistics, 11).cash.has_value());
}

std::string cash_summary_json(int threads) {
  const Scenario s = financed_scenario();
  const Simulator simulator(s);
  RunStatistics statistics(simulator);
  RunControl control;
  control.seed = 5;
  control.threads = threads;
  std::vector<ReplicationSink*> sinks = {&statistics};
  run_replications(simulator, 0, 200, control, sinks);
  const RunSummary summary = summarise(simulator, statistics, 5);
  EXPECT_TRUE(summary.cash.has_value());
  return summary_json(summary);
}

TEST(FinancingSimulation, TheSummaryIsBitIdenticalForAnyThreadCount) {
  const std::string one = cash_summary_json(1);
  EXPECT_NE(one.find("\"financing\""), std::string::npos);
  EXPECT_EQ(one, cash_summary_json(2));
  EXPECT_EQ(one, cash_summary_json(3));
}

TEST(FinancingSimulation, TheFansAreTheReplicationsOrderStatistics) {
  const Scenario s = financed_scenario();
  const Simulator simulator(s);
  RunStatistics statistics(simulator);
  auto ws = simulator.make_workspace();
  ReplicationOutcome o = simulator.make_outcome();
  const auto cash_months = static_cast<std::size_t>(simulator.plan().cash_month_count);
  std::vector<std::vector<Cents>> position(cash_months);
  std::vector<Cents> lowest;
  int negative = 0;
  constexpr int n = 150;
  for (std::int64_t rep = 0; rep < n; ++rep) {
    simulator.simulate(3, rep, *ws, o);
    statistics.consume(rep, o);
    for (std::size_t m = 0; m < cash_months; ++m) position[m].push_back(o.cash_position[m]);
    lowest.push_back(o.cash_minimum);
    negative += o.cash_minimum < 0;
  }
  const CashSummary c = *summarise(simulator, statistics, 3).cash;
  ASSERT_EQ(c.months.size(), cash_months);
  const auto series = static_cast<std::size_t>(CashSeries::Position);
  for (std::size_t m = 0; m < cash_months; ++m) {
    std::sort(position[m].begin(), position[m].end());
    for (int p : reported_percentiles) {
      // Inverted CDF: the ⌈p n / 100⌉-th smallest.
      const auto k = static_cast<std::size_t>((p * n + 99) / 100);
      ASSERT_EQ(c.quantile[series].at(p)[m], position[m][k - 1]) << "month " << m << ", q" << p;
    }
  }
  std::sort(lowest.begin(), lowest.end());
  EXPECT_EQ(c.minimum_quantile.at(50), lowest[(50 * n + 99) / 100 - 1]);
  EXPECT_DOUBLE_EQ(c.p_pre_financing.mean, static_cast<double>(negative) / n);
}

}  // namespace
}  // namespace fnesim
