// The runs of a sensitivity analysis (sim/sensitivity.hpp): a design row takes
// each kind of draw exactly as its source replication drew it, the factors of
// a scenario, and rows that are bit-identical whatever the threads.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "sim/errors.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/sensitivity.hpp"
#include "sim/simulator.hpp"

namespace fnesim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

Scenario september() { return load_scenario_argument("observed-september-2021"); }

std::vector<double> outputs_of(const Simulator& simulator, const ReplicationOutcome& outcome) {
  std::vector<double> row(analysed_output_names(simulator.scenario()).size());
  analysed_outputs(outcome, simulator.window_days(), row);
  return row;
}

TEST(SensitivityDesign, EveryDrawFromOneReplicationIsThatReplication) {
  for (const char* name : {"observed-september-2021", "convention-2021"}) {
    const Simulator simulator(load_scenario_argument(name));
    auto ws = simulator.make_workspace();
    ReplicationOutcome plain = simulator.make_outcome(), designed = simulator.make_outcome();
    for (std::int64_t rep : {0, 7}) {
      simulator.simulate(42, rep, *ws, plain);
      simulator.simulate(42, DrawSources::all_from(rep, simulator.scenario().uncertainty.parameters.size()), *ws,
                         designed);
      EXPECT_EQ(outputs_of(simulator, plain), outputs_of(simulator, designed)) << name << " replication " << rep;
      EXPECT_EQ(plain.parameter_values, designed.parameter_values);
      EXPECT_EQ(plain.profile, designed.profile);
      EXPECT_EQ(plain.drift, designed.drift);
      EXPECT_EQ(plain.uptake, designed.uptake);
    }
  }
}

TEST(SensitivityDesign, FactorsOfTheSeptemberScenario) {
  const std::vector<SensitivityFactor> factors = sensitivity_factors(september());
  std::vector<std::string> names;
  for (const SensitivityFactor& f : factors) names.push_back(f.name);
  // The two costs are tied by the copula (rho 0.8): one factor.
  EXPECT_THAT(names, ElementsAre("events.widening.expected_dossiers", "events.deadline-rush.share",
                                 "demand.cost_per_trainee.mean_eur.covid_specific", "profile", "uptake", "drift",
                                 "dossiers"));
  EXPECT_THAT(factors[2].members, ElementsAre("demand.cost_per_trainee.mean_eur.covid_specific",
                                              "demand.cost_per_trainee.mean_eur.anticipation"));
  EXPECT_THAT(factors[2].parameters, ElementsAre(2, 3));
}

TEST(SensitivityDesign, AMovedFactorTakesItsDrawsFromTheOtherReplication) {
  const Simulator simulator(september());
  const std::vector<SensitivityFactor> factors = sensitivity_factors(simulator.scenario());
  const std::size_t parameters = simulator.scenario().uncertainty.parameters.size();
  auto ws = simulator.make_workspace();
  ReplicationOutcome a = simulator.make_outcome(), b = simulator.make_outcome(), ab = simulator.make_outcome();
  const std::int64_t rows = 10, row = 3;
  simulator.simulate(5, row, *ws, a);
  simulator.simulate(5, rows + row, *ws, b);
  // The costs (parameters 2 and 3) from B, everything else from A.
  simulator.simulate(5, pick_freeze_sources(&factors[2], row, rows, parameters), *ws, ab);
  EXPECT_EQ(ab.parameter_values[0], a.parameter_values[0]);
  EXPECT_EQ(ab.parameter_values[1], a.parameter_values[1]);
  EXPECT_EQ(ab.parameter_values[2], b.parameter_values[2]);
  EXPECT_EQ(ab.parameter_values[3], b.parameter_values[3]);
  EXPECT_EQ(ab.profile, a.profile);
  EXPECT_EQ(ab.drift, a.drift);
  EXPECT_EQ(ab.uptake, a.uptake);
  // The profile from B: only the profile moves.
  simulator.simulate(5, pick_freeze_sources(&factors[3], row, rows, parameters), *ws, ab);
  EXPECT_EQ(ab.parameter_values, a.parameter_values);
  EXPECT_EQ(ab.profile, b.profile);
  EXPECT_EQ(ab.uptake, a.uptake);
  // The dossiers from B: the assumptions stay A's, the outputs move.
  simulator.simulate(5, pick_freeze_sources(&factors.back(), row, rows, parameters), *ws, ab);
  EXPECT_EQ(ab.parameter_values, a.parameter_values);
  EXPECT_EQ(ab.uptake, a.uptake);
  EXPECT_NE(ab.national.demand, a.national.demand);
}

TEST(SensitivityDesign, AFixedValueReplacesTheDraw) {
  const Simulator simulator(september());
  const std::size_t parameters = simulator.scenario().uncertainty.parameters.size();
  auto ws = simulator.make_workspace();
  ReplicationOutcome plain = simulator.make_outcome(), fixed = simulator.make_outcome();
  simulator.simulate(5, 2, *ws, plain);
  DrawSources sources = DrawSources::all_from(2, parameters);
  sources.fixed.assign(parameters, std::nan(""));
  sources.fixed[1] = 0.25;
  simulator.simulate(5, sources, *ws, fixed);
  EXPECT_EQ(fixed.parameter_values[0], plain.parameter_values[0]);
  EXPECT_EQ(fixed.parameter_values[1], 0.25);
  EXPECT_EQ(fixed.profile, plain.profile);
}

TEST(SensitivityDesign, RowsAreTheSameWhateverTheThreads) {
  const Simulator simulator(september());
  const std::vector<SensitivityFactor> factors = sensitivity_factors(simulator.scenario());
  const std::size_t parameters = simulator.scenario().uncertainty.parameters.size();
  const std::int64_t rows = 40;
  const std::size_t width = analysed_output_names(simulator.scenario()).size();
  const auto sources_of = [&](std::int64_t row, DrawSources& s) {
    s = pick_freeze_sources(&factors[static_cast<std::size_t>(row) % factors.size()], row, rows, parameters);
  };
  std::vector<double> one(static_cast<std::size_t>(rows) * width), two(one.size());
  RunControl control;
  control.threads = 1;
  ASSERT_TRUE(run_design_rows(simulator, 9, rows, sources_of, control, one));
  control.threads = 2;
  ASSERT_TRUE(run_design_rows(simulator, 9, rows, sources_of, control, two));
  EXPECT_EQ(one, two);
}

TEST(SensitivityDesign, AGroupNamesKnownFactorsOnly) {
  const std::vector<SensitivityFactor> factors = sensitivity_factors(september());
  const SensitivityFactor timing = factor_group("timing", {"profile", "drift", "events.deadline-rush.share"}, factors);
  EXPECT_TRUE(timing.profile);
  EXPECT_TRUE(timing.drift);
  EXPECT_FALSE(timing.uptake);
  EXPECT_THAT(timing.parameters, ElementsAre(1));
  // A member named by a parameter of a tied factor moves the whole factor.
  const SensitivityFactor costs =
      factor_group("costs", {"demand.cost_per_trainee.mean_eur.anticipation"}, factors);
  EXPECT_THAT(costs.parameters, ElementsAre(2, 3));
  try {
    factor_group("bad", {"demand.nothing"}, factors);
    FAIL() << "accepted an unknown member";
  } catch (const BadRequest& e) {
    EXPECT_THAT(e.what(), HasSubstr("'demand.nothing' is not a factor"));
    EXPECT_THAT(e.what(), HasSubstr("profile, uptake, drift, dossiers"));
  }
}

}  // namespace
}  // namespace fnesim
