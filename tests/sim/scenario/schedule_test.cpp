// Start lags and durations by pathway (issue: "start lag and duration by pathway").
#include <gtest/gtest.h>

#include "sim/scenario/scenario.hpp"

namespace fnesim {
namespace {

TEST(ScenarioSchedule, StartLagAndDurationMayBeGivenByPathwayOrForAll) {
  const std::string text = R"(extends = "convention-2021.toml"
[demand.schedule]
start_lag_days = { reconversion = [30, 90], certifying = [14, 60], covid_specific = [1, 7], anticipation = [2, 20] }
duration_days = [5, 10]
)";
  const Scenario s = load_scenario_text(text, "schedule.toml", ".");
  EXPECT_EQ(s.demand.start_lag_days[static_cast<int>(Pathway::Reconversion)].min, 30);
  EXPECT_EQ(s.demand.start_lag_days[static_cast<int>(Pathway::Reconversion)].max, 90);
  EXPECT_EQ(s.demand.start_lag_days[static_cast<int>(Pathway::CovidSpecific)].max, 7);
  EXPECT_EQ(s.demand.start_lag_days[static_cast<int>(Pathway::Anticipation)].min, 2);
  for (const DayRange& d : s.demand.duration_days) {
    EXPECT_EQ(d.min, 5);
    EXPECT_EQ(d.max, 10);
  }
}

TEST(ScenarioSchedule, AMissingPathwayIsReported) {
  const std::string text = R"(extends = "convention-2021.toml"
[demand.schedule]
start_lag_days = { reconversion = [30, 90], certifying = [14, 60], covid_specific = [1, 7] }
)";
  try {
    load_scenario_text(text, "schedule.toml", ".");
    FAIL() << "accepted a start lag without the anticipation pathway";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_EQ(e.diagnostics()[0].key, "demand.schedule.start_lag_days.anticipation");
  }
}

}  // namespace
}  // namespace fnesim
