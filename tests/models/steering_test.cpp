// The steering committee's decisions (models/steering.hpp), pure functions
// tested on random inputs; the committee inside the simulation is
// tests/sim/steering_simulation_test.cpp, its scenario section
// tests/sim/scenario/steering_section_test.cpp.
#include "models/steering.hpp"

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

// ---- decide_meeting ----------------------------------------------------------------

struct MeetingCase {
  SteeringPolicy policy;
  std::vector<RegionPosition> regions;
  Cents reserve = 0;
};

MeetingCase random_meeting(std::mt19937_64& rng) {
  MeetingCase c;
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  c.policy.reallocation = unit(rng) < 0.25 ? ReallocationRule::None : ReallocationRule::RunRate;
  c.policy.max_share_moved = unit(rng) < 0.3 ? 1.0 : std::max(1e-3, unit(rng));
  const int n = std::uniform_int_distribution<int>(1, 10)(rng);
  for (int r = 0; r < n; ++r) {
    RegionPosition p;
    p.available = unit(rng) < 0.05 ? 0 : std::uniform_int_distribution<Cents>(0, 3'000'000'000)(rng);
    // Outstanding up to 110 % of the available amount (overcommitting regions).
    p.outstanding = static_cast<Cents>(unit(rng) * 1.1 * static_cast<double>(p.available));
    p.projectable = unit(rng) < 0.85;
    // Needs from a fraction to twice the available amount; some exactly equal.
    p.projected_need = unit(rng) < 0.1
                           ? p.available
                           : static_cast<Cents>(unit(rng) * 2.0 * static_cast<double>(p.available)) +
                                 std::uniform_int_distribution<Cents>(0, 1000)(rng);
    if (!p.projectable && unit(rng) < 0.5) p.projected_need = 0;
    c.regions.push_back(p);
  }
  const double r = unit(rng);
  c.reserve = r < 0.3   ? 0
              : r < 0.6 ? std::uniform_int_distribution<Cents>(1, 1000)(rng)
                        : std::uniform_int_distribution<Cents>(1, 2'000'000'000)(rng);
  return c;
}

Cents shortfall_of(const RegionPosition& p) {
  return p.projectable ? std::max<Cents>(0, p.projected_need - p.available) : 0;
}

// What a donor may give at most: its projected surplus, its uncommitted amount
// and max_share_moved of its available amount.
Cents donor_limit(const SteeringPolicy& policy, const RegionPosition& p) {
  const auto cap = static_cast<Cents>(std::floor(static_cast<double>(p.available) * policy.max_share_moved));
  return std::max<Cents>(0, std::min({p.available - p.projected_need, p.available - p.outstanding, cap}));
}

TEST(SteeringMeeting, RandomPositionsKeepEveryRuleOfTheCommittee) {
  std::mt19937_64 rng(7);
  int with_region_moves = 0, with_reserve_moves = 0, without_moves = 0;
  for (int trial = 0; trial < 20'000; ++trial) {
    const MeetingCase c = random_meeting(rng);
    const auto n = c.regions.size();
    Cents reserve = c.reserve;
    std::vector<SteeringMove> moves = {{0, national_reserve, 0, 12345}};  // appended to, never touched
    constexpr std::int32_t day = 180;
    decide_meeting(c.policy, day, c.regions, reserve, moves);
    SCOPED_TRACE(::testing::Message() << "trial " << trial);
    ASSERT_GE(moves.size(), 1u);
    ASSERT_EQ(moves.front().amount, 12345);

    std::vector<Cents> given(n, 0), received(n, 0);
    Cents from_reserve = 0;
    for (std::size_t m = 1; m < moves.size(); ++m) {
      const SteeringMove& mv = moves[m];
      ASSERT_EQ(mv.day, day);
      ASSERT_GT(mv.amount, 0);
      ASSERT_TRUE(mv.to >= 0 && mv.to < static_cast<int>(n)) << "to " << mv.to;
      ASSERT_TRUE(mv.from == national_reserve || (mv.from >= 0 && mv.from < static_cast<int>(n)))
          << "from " << mv.from;
      ASSERT_NE(mv.from, mv.to);
      received[static_cast<std::size_t>(mv.to)] += mv.amount;
      if (mv.from == national_reserve)
        from_reserve += mv.amount;
      else
        given[static_cast<std::size_t>(mv.from)] += mv.amount;
    }
    // Conservation: what the receivers got is what the donors gave plus what the reserve handed out.
    const Cents total_given = std::accumulate(given.begin(), given.end(), Cents{0});
    const Cents total_received = std::accumulate(received.begin(), received.end(), Cents{0});
    ASSERT_EQ(total_received, total_given + from_reserve);
    ASSERT_EQ(reserve, c.reserve - from_reserve);
    ASSERT_GE(reserve, 0);

    Cents total_shortfall = 0;
    for (const RegionPosition& p : c.regions) total_shortfall += shortfall_of(p);
    // The reserve goes first and as far as it can.
    ASSERT_EQ(from_reserve, std::min(c.reserve, total_shortfall));

    Cents movable = 0, still_short = 0;
    for (std::size_t r = 0; r < n; ++r) {
      const RegionPosition& p = c.regions[r];
      SCOPED_TRACE(::testing::Message() << "region " << r);
      ASSERT_FALSE(given[r] > 0 && received[r] > 0) << "a donor is also a receiver";
      ASSERT_LE(received[r], shortfall_of(p));
      ASSERT_LE(given[r], donor_limit(c.policy, p));
      if (!p.projectable) {
        ASSERT_EQ(given[r], 0);
        ASSERT_EQ(received[r], 0);
      }
      if (c.policy.reallocation == ReallocationRule::None) {
        ASSERT_EQ(given[r], 0);
      }
      if (shortfall_of(p) == 0 && p.projectable) movable += donor_limit(c.policy, p);
    }
    // Between regions, the committee moves as much as it can: all the donors
    // can give, or all the shortfall left after the reserve.
    still_short = total_shortfall - from_reserve;
    const Cents expected_moved = c.policy.reallocation == ReallocationRule::RunRate && total_shortfall > 0
                                     ? std::min(movable, still_short)
                                     : 0;
    ASSERT_EQ(total_given, expected_moved);
    with_region_moves += total_given > 0;
    with_reserve_moves += from_reserve > 0;
    without_moves += moves.size() == 1;
  }
  // The random cases exercise every branch.
  EXPECT_GT(with_region_moves, 1000);
  EXPECT_GT(with_reserve_moves, 1000);
  EXPECT_GT(without_moves, 1000);
}

TEST(SteeringMeeting, WorkedExample) {
  // Region 0 projects 150 for 100 available (short 50), region 1 projects 60
  // for 100 (surplus 40, uncommitted 70, cap 50), region 2 projects 95 for 100
  // but only 3 are uncommitted, region 3 is short 30 but not projectable.
  SteeringPolicy policy;
  policy.max_share_moved = 0.5;
  const std::vector<RegionPosition> regions = {
      {100, 80, 150, true}, {100, 30, 60, true}, {100, 97, 95, true}, {100, 10, 130, false}};
  Cents reserve = 20;
  std::vector<SteeringMove> moves;
  decide_meeting(policy, 42, regions, reserve, moves);
  // The reserve's 20 to region 0; its remaining 30 from the donors pro rata
  // what they may give — region 1: 40 (its surplus), region 2: 3 (uncommitted)
  // — quotas 27.9 and 2.1, so 28 and 2.
  ASSERT_EQ(moves.size(), 3u);
  EXPECT_EQ(moves[0].from, national_reserve);
  EXPECT_EQ(moves[0].to, 0);
  EXPECT_EQ(moves[0].amount, 20);
  EXPECT_EQ(moves[1].from, 1);
  EXPECT_EQ(moves[1].to, 0);
  EXPECT_EQ(moves[1].amount, 28);
  EXPECT_EQ(moves[2].from, 2);
  EXPECT_EQ(moves[2].to, 0);
  EXPECT_EQ(moves[2].amount, 2);
  for (const SteeringMove& m : moves) EXPECT_EQ(m.day, 42);
  EXPECT_EQ(reserve, 0);

  // Nobody short: nothing moves, the reserve stays.
  reserve = 20;
  moves.clear();
  const std::vector<RegionPosition> fine = {{100, 80, 100, true}, {100, 0, 10, true}};
  decide_meeting(policy, 42, fine, reserve, moves);
  EXPECT_TRUE(moves.empty());
  EXPECT_EQ(reserve, 20);
}

// ---- split_complementary ----------------------------------------------------------

TEST(SteeringComplementary, SplitsByFixedWeightsEnvelopeOrShortfallToTheCent) {
  ComplementaryAllocationRule rule;
  const std::vector<Cents> initial = {100'000, 300'000, 600'000};
  // Regions 1 and 2 short by 200 and 600; region 0 unprojectable with a large "need".
  const std::vector<RegionPosition> short_regions = {
      {100, 0, 10'000, false}, {100, 0, 300, true}, {100, 0, 700, true}};
  const std::vector<RegionPosition> nobody_short = {
      {100, 0, 10'000, false}, {100, 0, 50, true}, {100, 0, 100, true}};

  rule.split = ComplementarySplit::Fixed;
  rule.weights = {0.5, 0.3, 0.2};
  // Quotas 500 000.5, 300 000.3, 200 000.2: the odd cent to the largest remainder.
  EXPECT_EQ(split_complementary(rule, 1'000'001, short_regions, initial),
            (std::vector<Cents>{500'001, 300'000, 200'000}));

  rule.split = ComplementarySplit::Envelope;
  rule.weights.clear();
  EXPECT_EQ(split_complementary(rule, 1'000, short_regions, initial), (std::vector<Cents>{100, 300, 600}));

  rule.split = ComplementarySplit::Shortfall;
  EXPECT_EQ(split_complementary(rule, 1'000, short_regions, initial), (std::vector<Cents>{0, 250, 750}));
  // Nobody (projectable) short: by envelope.
  EXPECT_EQ(split_complementary(rule, 1'000, nobody_short, initial), (std::vector<Cents>{100, 300, 600}));

  // Random amounts and positions: always exactly the amount, whatever the key.
  std::mt19937_64 rng(11);
  for (int trial = 0; trial < 5'000; ++trial) {
    const MeetingCase c = random_meeting(rng);
    std::vector<Cents> available(c.regions.size());
    for (std::size_t r = 0; r < available.size(); ++r)
      available[r] = std::uniform_int_distribution<Cents>(1, 3'000'000'000)(rng);
    ComplementaryAllocationRule random_rule;
    random_rule.split = static_cast<ComplementarySplit>(trial % 3);
    if (random_rule.split == ComplementarySplit::Fixed) {
      random_rule.weights.resize(c.regions.size());
      for (double& w : random_rule.weights) w = std::uniform_real_distribution<double>(0.0, 1.0)(rng);
      if (std::accumulate(random_rule.weights.begin(), random_rule.weights.end(), 0.0) == 0)
        random_rule.weights[0] = 1;
    }
    const Cents amount = std::uniform_int_distribution<Cents>(0, 10'000'000'000)(rng);
    const std::vector<Cents> parts = split_complementary(random_rule, amount, c.regions, available);
    ASSERT_EQ(parts.size(), c.regions.size());
    ASSERT_EQ(std::accumulate(parts.begin(), parts.end(), Cents{0}), amount) << "trial " << trial;
    for (Cents p : parts) ASSERT_GE(p, 0);
  }
}

}  // namespace
}  // namespace fnesim
