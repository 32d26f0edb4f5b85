// Property: the envelope's share the engine gives a training dossier
// (Simulator::envelope_share, through the plan's coverage epochs) is, to the
// cent, what `fnesim quote` gives the same dossier (split_dossier on the
// scenario's rules), and the cells the plan marks ineligible on a day are
// exactly those for which `quote` finds no rule (NoCoverageRule).
//
// The dossiers are exhaustive in (cell, day) — every size × status × pathway
// cell on every day of the commitment window, so every coverage epoch and
// every boundary between two epochs is hit — with a random total cost drawn
// log-uniformly over [1 cent, max_amount], plus the edge amounts 0,
// 1 cent and the largest amount accepted.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <random>
#include <sstream>
#include <string>

#include "models/coverage.hpp"
#include "models/demand.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/simulator.hpp"

namespace fnesim {
namespace {

// What the test saw, so that it can insist every branch was exercised.
struct Coverage {
  long compared = 0, ineligible = 0, capped = 0, uncapped = 0, zero_cost = 0, largest_cost = 0;
  long with_ancillary_paid = 0, with_remuneration = 0;
};

// `quote`'s request for the dossier the engine simulates: the size class's
// representative headcount, the cell's status and pathway, the convention
// regime, the filing date, and the cost split by the scenario's shares.
DossierRequest request_for(const Scenario& scenario, int cell, std::int32_t day, Cents total_cost) {
  const int size = cell / (status_count * pathway_count);
  const int status = (cell / pathway_count) % status_count;
  const int pathway = cell % pathway_count;
  const DemandModel& demand = scenario.demand;
  const CostComponents parts = split_cost_components(total_cost, demand.pedagogical_share,
                                                     demand.ancillary_share, demand.remuneration_share);
  DossierRequest request;
  request.headcount = demand.representative_headcount[static_cast<std::size_t>(size)];
  request.status = static_cast<Status>(status);
  request.pathway = static_cast<Pathway>(pathway);
  request.regime = Regime::Convention;
  request.trainees = 1;
  request.pedagogical = parts.pedagogical;
  request.ancillary = parts.ancillary;
  request.remuneration = parts.remuneration;
  request.filing_date = scenario.convention.commitment_start.plus_days(day);
  return request;
}

std::string describe(const Scenario& scenario, int cell, std::int32_t day, Cents cost) {
  const int size = cell / (status_count * pathway_count);
  const int status = (cell / pathway_count) % status_count;
  const int pathway = cell % pathway_count;
  std::ostringstream out;
  out << scenario.name << ": cell " << cell << " (" << size_class_keys[static_cast<std::size_t>(size)] << ", "
      << status_keys[static_cast<std::size_t>(status)] << ", "
      << pathway_keys[static_cast<std::size_t>(pathway)] << "), day " << day << " ("
      << scenario.convention.commitment_start.plus_days(day).iso() << "), total cost " << cost << " cents";
  return out.str();
}

// Checks one dossier; returns false (after reporting) on the first mismatch so
// that a broken engine does not print thousands of lines.
bool check_one(const Scenario& scenario, const Simulator& simulator, int cell, std::int32_t day, Cents cost,
               Coverage& seen) {
  const DossierRequest request = request_for(scenario, cell, day, cost);
  const bool engine_eligible = simulator.plan().epoch_on(day).eligible[static_cast<std::size_t>(cell)];
  CostSplit split;
  try {
    split = split_dossier(scenario.coverage, request);
  } catch (const NoCoverageRule&) {
    ++seen.ineligible;
    if (engine_eligible) {
      ADD_FAILURE() << describe(scenario, cell, day, cost)
                    << ": quote finds no rule but the engine's plan marks the cell eligible";
      return false;
    }
    return true;
  }
  if (!engine_eligible) {
    ADD_FAILURE() << describe(scenario, cell, day, cost) << ": quote applies rule " << split.rule_id
                  << " but the engine's plan marks the cell ineligible";
    return false;
  }
  const Cents expected = split.fne;
  const Cents engine = simulator.envelope_share(cell, day, cost);
  ++seen.compared;
  seen.capped += split.capped;
  seen.uncapped += !split.capped;
  seen.zero_cost += cost == 0;
  seen.largest_cost += cost == max_amount;
  seen.with_ancillary_paid += !scenario.coverage.ancillary_eligible && request.ancillary > 0;
  seen.with_remuneration += request.remuneration > 0;
  if (engine != expected) {
    ADD_FAILURE() << describe(scenario, cell, day, cost) << ": engine " << engine << " cents, quote "
                  << expected << " cents (rule " << split.rule_id << ")";
    return false;
  }
  return true;
}

// Log-uniform over [1 cent, max_amount]: every magnitude equally likely.
Cents random_cost(std::mt19937_64& engine) {
  const double top = std::log(static_cast<double>(max_amount));
  const double x = std::exp(std::uniform_real_distribution<double>(0.0, top)(engine));
  const auto cost = static_cast<Cents>(x);
  return std::clamp<Cents>(cost, 1, max_amount);
}

Coverage check_scenario(const Scenario& scenario, std::uint64_t seed) {
  const Simulator simulator(scenario);
  std::mt19937_64 engine(seed);
  Coverage seen;
  const Cents edges[] = {0, 1, max_amount - 1, max_amount};
  for (std::int32_t day = 0; day < simulator.window_days(); ++day)
    for (int cell = 0; cell < mix_cell_count; ++cell) {
      if (!check_one(scenario, simulator, cell, day, random_cost(engine), seen)) return seen;
      // The edge amounts on a few days only (the first, and every tenth).
      if (day % 10 == 0)
        for (Cents cost : edges)
          if (!check_one(scenario, simulator, cell, day, cost, seen)) return seen;
    }
  return seen;
}

TEST(EnvelopeShareProperty, EngineEqualsQuoteOnTheConvention) {
  const Scenario scenario = load_scenario_argument("convention-2021");
  const Coverage seen = check_scenario(scenario, 1);
  // 365 days × 80 cells; transformation and resumption have no rule at all.
  EXPECT_GT(seen.compared, 20'000);
  EXPECT_GT(seen.ineligible, 0);
  EXPECT_GT(seen.zero_cost, 0);
  EXPECT_GT(seen.largest_cost, 0);
}

TEST(EnvelopeShareProperty, EngineEqualsQuoteOnObserved2021WithItsJulyWidening) {
  const Scenario scenario = load_scenario_argument("observed-2021");
  ASSERT_EQ(scenario.demand.pedagogical_share, 0.92);  // inherited from the convention
  ASSERT_EQ(scenario.demand.ancillary_share, 0.08);
  const Coverage seen = check_scenario(scenario, 2);
  EXPECT_GT(seen.compared, 20'000);
  EXPECT_GT(seen.ineligible, 0);  // transformation and resumption before 2021-07-01

  // The widening of 7 September 2021 (retroactive to 1 July) and the block
  // exemption rules (another regime, never the engine's) both start on
  // 2021-07-01: the day before, transformation is ineligible; on the day, eligible.
  const Simulator simulator(scenario);
  const std::int32_t july_1 = days_between(scenario.convention.commitment_start, Date::from_ymd(2021, 7, 1));
  const int cell = mix_cell(SizeClass::Under50, Status::Transformation, Pathway::Anticipation);
  EXPECT_FALSE(simulator.plan().epoch_on(july_1 - 1).eligible[static_cast<std::size_t>(cell)]);
  EXPECT_TRUE(simulator.plan().epoch_on(july_1).eligible[static_cast<std::size_t>(cell)]);
  EXPECT_EQ(simulator.envelope_share(cell, july_1, euros(1'000)), euros(1'000));  // 100 %, no cap
}

// Every branch of the formula: a cap per dossier that binds and one that does
// not, ancillary costs not eligible, a remuneration share that never reaches
// the envelope, rules with a start and an end inside the window, and
// representative headcounts that are not the classes' lower bounds (250 sits
// in "50-299" but in the ≥ 250 band of the transformation rules).
constexpr const char* branches_toml = R"(
extends = "convention-2021.toml"
name = "envelope-share-branches"

[coverage]
ancillary_eligible = false

[coverage.rules.transformation-small]
statuses = ["transformation", "resumption"]
headcount_min = 1
headcount_max = 249
rate = 0.60
valid_from = 2021-03-15
valid_until = 2021-09-30
cap_per_dossier_eur = 1_500

[coverage.rules.transformation-large]
statuses = ["transformation"]
headcount_min = 250
rate = 0.45
valid_from = 2021-07-01
cap_per_dossier_eur = 2_000_000

[demand]
representative_headcount = { lt50 = 10, "50-299" = 250, "300-1000" = 1000, gt1000 = 20000 }

[demand.mix.status]
AP = 0.40
APLD = 0.30
difficulty = 0.10
transformation = 0.20
resumption = 0.0

[demand.cost_components]
pedagogical = 0.61
ancillary = 0.13
remuneration = 0.26
)";

TEST(EnvelopeShareProperty, EngineEqualsQuoteWithCapsIneligibleAncillaryAndRemuneration) {
  const Scenario scenario = load_scenario_text(branches_toml, "envelope-share-branches.toml",
                                               std::filesystem::temp_directory_path());
  ASSERT_FALSE(scenario.coverage.ancillary_eligible);
  ASSERT_GT(scenario.demand.remuneration_share, 0);
  const Coverage seen = check_scenario(scenario, 3);
  EXPECT_GT(seen.compared, 20'000);
  EXPECT_GT(seen.ineligible, 0);
  EXPECT_GT(seen.capped, 0);
  EXPECT_GT(seen.uncapped, 0);
  EXPECT_GT(seen.with_ancillary_paid, 0);
  EXPECT_GT(seen.with_remuneration, 0);
  EXPECT_GT(seen.zero_cost, 0);
  EXPECT_GT(seen.largest_cost, 0);

  // A few shares by hand, independent of both implementations: 10 000.00 EUR
  // split 61 / 13 / 26 %: 6 100 EUR pedagogical is the eligible cost.
  const Simulator simulator(scenario);
  const Date start = scenario.convention.commitment_start;
  auto day_of = [&](int m, int d) { return days_between(start, Date::from_ymd(2021, m, d)); };
  const Cents cost = euros(10'000);
  // AP, 50-299 at headcount 250: 100 % of 6 100.
  EXPECT_EQ(simulator.envelope_share(mix_cell(SizeClass::From50To299, Status::AP, Pathway::Certifying),
                                     day_of(2, 1), cost),
            euros(6'100));
  // APLD, gt1000: 80 % of 6 100 = 4 880.
  EXPECT_EQ(simulator.envelope_share(mix_cell(SizeClass::Over1000, Status::APLD, Pathway::Reconversion),
                                     day_of(2, 1), cost),
            euros(4'880));
  // Transformation under 250 in May: 60 % of 6 100 = 3 660, capped at 1 500.
  EXPECT_EQ(
      simulator.envelope_share(mix_cell(SizeClass::Under50, Status::Transformation, Pathway::Anticipation),
                               day_of(5, 1), cost),
      euros(1'500));
  // Transformation at 250 (50-299) in August: 45 % of 6 100 = 2 745, under its 2 M cap.
  EXPECT_EQ(simulator.envelope_share(
                mix_cell(SizeClass::From50To299, Status::Transformation, Pathway::Anticipation), day_of(8, 1),
                cost),
            274'500);
  // Resumption under 250: eligible from 15 March to 30 September only.
  const auto resumption =
      static_cast<std::size_t>(mix_cell(SizeClass::Under50, Status::Resumption, Pathway::Anticipation));
  EXPECT_FALSE(simulator.plan().epoch_on(day_of(3, 14)).eligible[resumption]);
  EXPECT_TRUE(simulator.plan().epoch_on(day_of(3, 15)).eligible[resumption]);
  EXPECT_TRUE(simulator.plan().epoch_on(day_of(9, 30)).eligible[resumption]);
  EXPECT_FALSE(simulator.plan().epoch_on(day_of(10, 1)).eligible[resumption]);
}

}  // namespace
}  // namespace fnesim
