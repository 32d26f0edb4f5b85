// Uncertain assumptions and policy events (docs/scenario-format.md,
// "[uncertainty]" and "[events]"): what the reader accepts and refuses, what
// an event does to the expected arrivals, and what the simulator draws.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "sim/engine_limits.hpp"
#include "sim/parameters.hpp"
#include "sim/runner.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/uncertain_parameters.hpp"
#include "sim/simulator.hpp"

namespace fnesim {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::filesystem::path scenarios_dir = std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios";

Scenario load(const std::string& body) {
  return load_scenario_text("extends = \"observed-2021.toml\"\nname = \"t\"\n" + body, "t.toml", scenarios_dir);
}

std::string messages_of(const std::string& body) {
  try {
    load(body);
  } catch (const ScenarioError& e) {
    std::string all;
    for (const Diagnostic& d : e.diagnostics()) all += d.to_string() + "\n";
    return all;
  }
  ADD_FAILURE() << "loaded";
  return "";
}

constexpr const char* widening = R"(
[events.widening]
kind = "new-population"
from = 2021-09-07
expected_dossiers = 700
statuses = { transformation = 2, resumption = 1 }
)";

TEST(UncertaintySection, ReadsEventsParametersAndCorrelations) {
  const Scenario s = load(std::string(widening) + R"(
[events.rush]
kind = "rush"
from = 2021-10-01
share = 0.1
[uncertainty]
monthly_drift = 0.1
profile_concentration = 30
correlations = [{ between = ["events.widening.expected_dossiers", "events.rush.share"], rho = 0.5 }]
[uncertainty.parameters."events.widening.expected_dossiers"]
distribution = "lognormal"
mean = 700
cv = 1
[uncertainty.parameters."events.rush.share"]
distribution = "pert"
min = 0
mode = 0.1
max = 0.3
)");
  ASSERT_EQ(s.events.size(), 2u);
  EXPECT_EQ(s.events[0].kind, PolicyEventKind::NewPopulation);
  EXPECT_DOUBLE_EQ(s.events[0].statuses[static_cast<std::size_t>(Status::Transformation)], 2.0 / 3);
  EXPECT_EQ(s.events[1].days, 21);  // the default
  ASSERT_EQ(s.uncertainty.parameters.size(), 2u);
  EXPECT_EQ(s.uncertainty.parameters[1].distribution.kind, DistributionKind::Pert);
  EXPECT_DOUBLE_EQ(s.uncertainty.correlation(0, 1), 0.5);
  EXPECT_DOUBLE_EQ(s.uncertainty.monthly_drift, 0.1);
}

TEST(UncertaintySection, EveryProblemIsReportedAtOnceWithItsPlace) {
  const std::string messages = messages_of(std::string(widening) + R"(
[events.late]
kind = "step"
from = 2022-03-01
factor = 2
[uncertainty]
correlations = [{ between = ["demand.lifecycle.cancellation_probability", "demand.carryover.expected_dossiers"], rho = 0.9 },
                { between = ["demand.carryover.expected_dossiers", "demand.diagnostics.expected_dossiers"], rho = 0.9 },
                { between = ["demand.lifecycle.cancellation_probability", "demand.diagnostics.expected_dossiers"], rho = -0.9 }]
[uncertainty.parameters."demand.arrivals.expected_dosiers"]
distribution = "lognormal"
mean = 1
cv = 1
[uncertainty.parameters."demand.lifecycle.cancellation_probability"]
distribution = "beta"
alpha = 2
beta = 20
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "normal"
mean = 250
sd = 100
[uncertainty.parameters."demand.diagnostics.expected_dossiers"]
distribution = "triangle"
)");
  EXPECT_THAT(messages, HasSubstr("events.late.from: must fall in the commitment window"));
  EXPECT_THAT(messages, HasSubstr("did you mean 'demand.arrivals.expected_dossiers'?"));
  EXPECT_THAT(messages, HasSubstr("draws values from -250 to 750, but demand.carryover.expected_dossiers must be ≥ 0"));
  EXPECT_THAT(messages, HasSubstr("distribution"));
  EXPECT_THAT(messages, HasSubstr("t.toml:"));  // file and line on every message
}

TEST(UncertaintySection, ACoefficientOfVariationIsBoundedAsEverywhereElse) {
  // cv = 25, meant as 25 %: a lognormal of median 0.04 times its mean, refused as national_uptake_cv = 25 is.
  const std::string messages = messages_of(std::string(widening) + R"(
[uncertainty.parameters."demand.arrivals.expected_dossiers"]
distribution = "lognormal"
mean = 10000
cv = 25
)");
  EXPECT_THAT(messages, HasSubstr("cv"));
  EXPECT_THAT(messages, HasSubstr("in [1e-06, 10]"));
  EXPECT_THAT(messages, HasSubstr("found 25"));
}

TEST(UncertaintySection, DistributionsTheQuantileFunctionsCannotTakeAreRefusedWhenRead) {
  // Each drawn at run time by a Boost quantile that threw, or ran for minutes ignoring signals.
  const std::string messages = messages_of(R"(
[uncertainty.parameters."demand.lifecycle.cancellation_probability"]
distribution = "beta"
alpha = 1e308
beta = 2
[uncertainty.parameters."demand.arrivals.expected_dossiers"]
distribution = "gamma"
mean = 10000
cv = 1e-300
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "uniform"
min = -1.5e308
max = 1.5e308
[uncertainty.parameters."demand.diagnostics.expected_dossiers"]
distribution = "normal"
mean = 1e308
sd = 1e308
)");
  EXPECT_THAT(messages, HasSubstr("cancellation_probability.alpha: must be in [0.001, 1e+06], found 1e+308"));
  EXPECT_THAT(messages, HasSubstr("expected_dossiers.cv: must be in [1e-06, 10], found 1e-300"));
  EXPECT_THAT(messages, HasSubstr("carryover.expected_dossiers.max: must exceed min"));
  EXPECT_THAT(messages, HasSubstr("diagnostics.expected_dossiers.sd: reaches beyond the largest number"));
}

TEST(UncertaintySection, RelativeWeightsAsLargeAsADoubleAreTheirProportions) {
  // 1e308 twice summed to infinity: every weight became 0 and every draw the last value.
  const Scenario s = load(R"(
[events.widening]
kind = "new-population"
from = 2021-09-07
expected_dossiers = 700
statuses = { transformation = 1e308, resumption = 1e308 }
[uncertainty.parameters."demand.arrivals.expected_dossiers"]
distribution = "discrete"
values = [8000, 12000]
weights = [1e308, 1e308]
)");
  ASSERT_EQ(s.uncertainty.parameters.size(), 1u);
  EXPECT_EQ(s.uncertainty.parameters[0].distribution.weights, (std::vector<double>{0.5, 0.5}));
  ASSERT_EQ(s.events.size(), 1u);
  double statuses = 0;
  for (double share : s.events[0].statuses) statuses += share;
  EXPECT_DOUBLE_EQ(statuses, 1.0);
}

TEST(UncertaintySection, ACorrelationGivenTwiceAndADiscreteValueOnAnOpenBoundAreRefused) {
  const std::string messages = messages_of(R"(
[uncertainty]
correlations = [{ between = ["demand.carryover.expected_dossiers", "demand.diagnostics.expected_dossiers"], rho = 0.5 },
                { between = ["demand.diagnostics.expected_dossiers", "demand.carryover.expected_dossiers"], rho = -0.5 }]
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "uniform"
min = 100
max = 500
[uncertainty.parameters."demand.diagnostics.expected_dossiers"]
distribution = "uniform"
min = 100
max = 500
[uncertainty.parameters."demand.cost_per_trainee.mean_eur.reconversion"]
distribution = "discrete"
values = [0, 7000]
weights = [1, 1]
)");
  EXPECT_THAT(messages,
              HasSubstr("uncertainty.correlations[1]: gives the correlation of these two parameters "
                        "again (first in uncertainty.correlations[0])"));
  EXPECT_THAT(messages,
              HasSubstr("draws values from 0 to 7000, but demand.cost_per_trainee.mean_eur.reconversion "
                        "must be > 0"));
}

// A parameter refused for its own distribution is said once: the
// correlations naming it do not add that it is missing.
TEST(UncertaintySection, ACorrelationOfARefusedParameterIsNotSaidAgain) {
  const std::string messages = messages_of(R"(
[uncertainty]
correlations = [{ between = ["demand.carryover.expected_dossiers", "demand.diagnostics.expected_dossiers"], rho = 0.5 },
                { between = ["demand.carryover.expected_dossiers", "demand.not_a_parameter"], rho = 0.5 }]
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "normal"
mean = 300
sd = 0
[uncertainty.parameters."demand.diagnostics.expected_dossiers"]
distribution = "uniform"
min = 100
max = 500
)");
  EXPECT_THAT(messages,
              HasSubstr("uncertainty.parameters.demand.carryover.expected_dossiers.sd: must be > 0"));
  EXPECT_THAT(messages, Not(HasSubstr("'demand.carryover.expected_dossiers' is not among")));
  // A name declared nowhere still is.
  EXPECT_THAT(messages, HasSubstr("'demand.not_a_parameter' is not among [uncertainty.parameters]"));
}

TEST(UncertaintySection, ADrawBeyondTheEnginesLimitsIsBadInput) {
  // A lognormal's upper end cannot be checked when the scenario is read; the value drawn is.
  Scenario s =
      load_scenario_text("extends = \"convention-2021.toml\"\nname = \"t\"\n", "t.toml", scenarios_dir);
  EXPECT_THROW(set_uncertain_parameter(s, "demand.trainees.mean", 1e9), limits::EngineLimitError);
  set_uncertain_parameter(s, "demand.trainees.mean", 3);
  EXPECT_EQ(s.demand.trainees.mean, 3);
  const std::string messages = messages_of(R"(
[events.late]
kind = "rush"
from = 2021-10-01
share = 1e308
)");
  EXPECT_THAT(messages, HasSubstr("events.late.share: must be in [0, 1000], found 1e+308"));
}

TEST(UncertaintySection, AnEventFromTheCloseOfIntakeWouldChangeNothingAndIsRefused) {
  // observed-2021 closes intake 17 days before 31 December: 14 December is its last filing day.
  const std::string messages = messages_of(R"(
[events.too-late]
kind = "new-population"
from = 2021-12-15
expected_dossiers = 5000
statuses = { transformation = 1 }
)");
  EXPECT_THAT(messages,
              HasSubstr("t.toml:6:1: events.too-late.from: must fall on or before 2021-12-14, the last "
                        "filing day ([demand.arrivals] intake_closes_days_before_end = 17)"));
  const Scenario last_day = load(R"(
[events.last-day]
kind = "rush"
from = 2021-12-14
share = 0.1
days = 1
)");
  ASSERT_EQ(last_day.events.size(), 1u);
}

TEST(UncertaintySection, AParameterThisScenarioCannotVarySaysWhy) {
  // observed-2021's trainee count is categorical: its mean is no parameter of it.
  const std::string messages = messages_of(R"(
[uncertainty.parameters."demand.trainees.mean"]
distribution = "normal"
mean = 10
sd = 2
)");
  EXPECT_THAT(messages,
              HasSubstr("'demand.trainees.mean' is not a parameter that can be uncertain in this scenario: "
                        "it can be uncertain only for a shifted-Poisson count, and [demand.trainees] is "
                        "categorical here"));
  EXPECT_THAT(messages, Not(HasSubstr("did you mean")));
}

// An event's key of another kind is no parameter of it: the one it has is
// named, not a look-alike key of another event.
TEST(UncertaintySection, AnEventsKeyOfAnotherKindNamesItsOwn) {
  const std::string messages = messages_of(R"(
[events.s]
kind = "step"
from = 2021-09-01
factor = 1.2
[events.r]
kind = "rush"
from = 2021-11-01
share = 0.1
[uncertainty.parameters."events.s.share"]
distribution = "uniform"
min = 0
max = 0.2
)");
  EXPECT_THAT(messages,
              HasSubstr("'events.s.share' is not a parameter that can be uncertain in this scenario: "
                        "event s is a step event: its uncertain value is 'events.s.factor'"));
  EXPECT_THAT(messages, Not(HasSubstr("events.r.share")));
}

// A drawn count of carried-over dossiers with no amount stated would carry
// dossiers of 0 EUR: refused, with the key to state.
TEST(UncertaintySection, AnUncertainCarryOverNeedsItsAmount) {
  try {
    load_scenario_text(R"(extends = "three-regions.toml"
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "uniform"
min = 10
max = 20
)",
                       "t.toml", std::filesystem::path(FNESIM_SOURCE_DIR) / "tests" / "data" / "good");
    ADD_FAILURE() << "loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_THAT(
        e.diagnostics()[0].to_string(),
        HasSubstr("t.toml:2:1: uncertainty.parameters.demand.carryover.expected_dossiers: "
                  "'demand.carryover.expected_dossiers' is not a parameter that can be uncertain in this "
                  "scenario: a drawn count of carried-over dossiers needs their amount: state "
                  "[demand.carryover] mean_fne_eur"));
  }
}

// A new population whose status no rule funds would file only ineligible
// dossiers (the signed convention covers no company "in transformation").
TEST(UncertaintySection, ANewPopulationNoRuleFundsIsRefused) {
  try {
    load_scenario_text(R"(extends = "convention-2021.toml"
[events.widening]
kind = "new-population"
from = 2021-09-07
expected_dossiers = 700
statuses = { transformation = 2, AP = 1 }
)",
                       "t.toml", scenarios_dir);
    ADD_FAILURE() << "loaded";
  } catch (const ScenarioError& e) {
    ASSERT_EQ(e.diagnostics().size(), 1u);
    EXPECT_THAT(
        e.diagnostics()[0].to_string(),
        HasSubstr("t.toml:6:14: events.widening.statuses.transformation: no rule of regime convention "
                  "covers status transformation from 2021-09-07 to the close of intake"));
  }
  // observed-2021 funds the widened statuses from 1 July: the same event loads.
  EXPECT_EQ(load(widening).events.size(), 1u);
}

TEST(UncertaintySection, CorrelationsMustBePositiveSemidefinite) {
  const std::string parameters = R"(
[uncertainty.parameters."demand.lifecycle.cancellation_probability"]
distribution = "uniform"
min = 0
max = 0.1
[uncertainty.parameters."demand.carryover.expected_dossiers"]
distribution = "gamma"
mean = 250
cv = 0.5
[uncertainty.parameters."demand.diagnostics.expected_dossiers"]
distribution = "gamma"
mean = 300
cv = 0.5
[events."late rush"]
kind = "step"
from = 2021-10-01
factor = 1.5
[uncertainty.parameters."events.\"late rush\".factor"]
distribution = "uniform"
min = 1
max = 2
)";
  const std::string messages = messages_of(R"(
[uncertainty]
correlations = [{ between = ["demand.lifecycle.cancellation_probability", "demand.carryover.expected_dossiers"], rho = 0.9 },
                { between = ["demand.carryover.expected_dossiers", "demand.diagnostics.expected_dossiers"], rho = 0.9 },
                { between = ["demand.lifecycle.cancellation_probability", "demand.diagnostics.expected_dossiers"], rho = -0.9 },
                { between = ["demand.carryover.expected_dossiers", "events.\"late rush\".factor"], rho = 0.5 }]
)" + parameters);
  EXPECT_THAT(messages, HasSubstr("not positive semidefinite"));
  EXPECT_THAT(messages, HasSubstr("nearest valid correlation matrix"));
  // The suggestion is in the section's own form: pasted in place of the pairs, it loads.
  const std::size_t from = messages.find("correlations = [\n"), to = messages.find("\n]", from);
  ASSERT_NE(from, std::string::npos) << messages;
  ASSERT_NE(to, std::string::npos) << messages;
  const std::string suggestion = messages.substr(from, to + 2 - from);
  EXPECT_THAT(suggestion, HasSubstr(R"({ between = ["demand.lifecycle.cancellation_probability", )"
                                    R"("demand.carryover.expected_dossiers"], rho = )"));
  EXPECT_THAT(suggestion,
              HasSubstr(R"("events.\"late rush\".factor"], rho = )"));  // a quoted event name, escaped
  const Scenario pasted = load("[uncertainty]\n" + suggestion + "\n" + parameters);
  EXPECT_GT(pasted.uncertainty.correlation(0, 1), 0);
  EXPECT_LT(pasted.uncertainty.correlation(0, 2), 0);
}

double own_expected_between(const Plan& plan, int first, int end) {
  double total = 0;
  for (const RegionPlan& r : plan.regions)
    for (int d = first; d < end; ++d) total += r.own_daily_expected[static_cast<std::size_t>(d)];
  return total;
}

TEST(PolicyEvents, ChangeTheExpectedArrivalsAsDeclared) {
  const Scenario base = load("");
  const Plan without(base);
  const int july = days_between(base.convention.commitment_start, Date::from_ymd(2021, 7, 1));
  const int open = without.window_days - base.demand.intake_closes_days_before_end;

  // A new population: its dossiers add up to its expected volume, none before its date.
  const Plan with_population(load(widening));
  const int sept7 = days_between(base.convention.commitment_start, Date::from_ymd(2021, 9, 7));
  double population = 0, before = 0;
  for (const RegionPlan& r : with_population.regions)
    for (int d = 0; d < with_population.window_days; ++d) {
      population += r.populations.at(0).daily_expected[static_cast<std::size_t>(d)];
      if (d < sept7) before += r.populations.at(0).daily_expected[static_cast<std::size_t>(d)];
    }
  EXPECT_NEAR(population, 700, 1e-9);
  EXPECT_EQ(before, 0.0);
  // The scenario's own regions expecting none: spread by available amount, not lost.
  const Plan alone(load(std::string("[demand.arrivals]\nexpected_dossiers = 0\n") + widening));
  double alone_population = 0;
  for (const RegionPlan& r : alone.regions)
    for (double expected : r.populations.at(0).daily_expected) alone_population += expected;
  EXPECT_NEAR(alone_population, 700, 1e-9);

  // A step: the same before its date, twice as much after.
  const Plan stepped(load("[events.double]\nkind = \"step\"\nfrom = 2021-07-01\nfactor = 2\n"));
  EXPECT_NEAR(own_expected_between(stepped, 0, july), own_expected_between(without, 0, july), 1e-9);
  EXPECT_NEAR(own_expected_between(stepped, july, open), 2 * own_expected_between(without, july, open), 1e-9);

  // A rush: share × what was still to come from its date, in its last days before intake closes.
  const Plan rushed(load("[events.rush]\nkind = \"rush\"\nfrom = 2021-10-01\nshare = 0.2\ndays = 14\n"));
  const int october = days_between(base.convention.commitment_start, Date::from_ymd(2021, 10, 1));
  EXPECT_NEAR(own_expected_between(rushed, 0, open - 14), own_expected_between(without, 0, open - 14), 1e-9);
  EXPECT_NEAR(own_expected_between(rushed, open - 14, open) - own_expected_between(without, open - 14, open),
              0.2 * own_expected_between(without, october, open), 1e-9);
}

// The plan spreads each month's weight over its days in runs (a month's open
// days, then its closed ones): the same values, to the bit, as the day-by-day
// walk it replaced — with intake closing inside a month, an event from inside
// one, and a window that does not start on the first of a month.
TEST(PolicyEvents, TheDailyWeightsAreTheMonthsOverItsLengthToTheBit) {
  for (const std::string& body :
       {std::string(widening) + "[demand.arrivals]\nintake_closes_days_before_end = 10\n",
        std::string(widening) + "[convention]\ncommitment_start = 2021-03-15\nsteering_committee_dates = []\n"
                                "[demand.arrivals]\nintake_closes_days_before_end = 0\n"}) {
    const Scenario s = load(body);
    const Plan plan(s);
    const int open = plan.window_days - s.demand.intake_closes_days_before_end;
    const int from = days_between(s.convention.commitment_start, Date::from_ymd(2021, 9, 7));
    for (std::size_t r = 0; r < plan.regions.size(); ++r) {
      const RegionPlan& region = plan.regions[r];
      for (int d = 0; d < plan.window_days; ++d) {
        const auto i = static_cast<std::size_t>(d);
        const double weight =
            d < open ? s.demand.regions[r]
                               .monthly_profile[static_cast<std::size_t>(plan.calendar_month_of_day[i])] /
                           plan.days_in_month_of_day[i]
                     : 0.0;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(region.profile_weight[i]),
                  std::bit_cast<std::uint64_t>(weight))
            << body << "region " << r << ", day " << d;
        // Within a run of one weight, one value a day: the run's first day's.
        const bool same_run = d > 0 && plan.calendar_month_of_day[i] == plan.calendar_month_of_day[i - 1] &&
                              (d < open) == (d - 1 < open);
        if (same_run) {
          ASSERT_EQ(std::bit_cast<std::uint64_t>(region.own_daily_expected[i]),
                    std::bit_cast<std::uint64_t>(region.own_daily_expected[i - 1]))
              << "region " << r << ", day " << d;
        }
        const double population = region.populations.at(0).daily_expected[i];
        if (d < from || d >= open) {
          ASSERT_EQ(population, 0.0) << "region " << r << ", day " << d;
        } else if (same_run && d > from) {
          ASSERT_EQ(std::bit_cast<std::uint64_t>(population),
                    std::bit_cast<std::uint64_t>(region.populations.at(0).daily_expected[i - 1]))
              << "region " << r << ", day " << d;
        }
      }
    }
  }
}

// A particle's redraw computes only the days before its cut-off, and shares
// a profile's weights between the regions that have it: those days get the
// bits of a full redraw, whether the cut-off is before a rush (which it then
// leaves out) or after its start, or inside a ramp, with a new population,
// and one region's profile its own (the regions after it summing theirs
// again). One particle's plan is redrawn at cut-offs up and down, as the
// particles' plans are, so that what a redraw leaves is stale.
TEST(PolicyEvents, AParticlesRedrawGivesTheDaysBeforeItsCutOffTheBitsOfAFullOne) {
  const Scenario s = load(std::string(widening) + R"(
[events.ramp]
kind = "step"
from = 2021-06-10
factor = 1.7
ramp_days = 40
[events.rush]
kind = "rush"
from = 2021-10-01
share = 0.2
days = 14
[demand.regions.BRE]
monthly_profile = [0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.05, 0.05, 0.10, 0.10, 0.05, 0.05]
)");
  const Plan full(s);
  const int open = full.window_days - s.demand.intake_closes_days_before_end;
  ASSERT_NE(s.demand.regions.front().monthly_profile, s.demand.regions[2].monthly_profile);
  ASSERT_EQ(s.convention.regions[2].code, "BRE");
  // Each region's weights are its own profile's, its own dossiers spread by
  // its own profile's sum, and its part of the new population over them:
  // none taken from the region before.
  const Plan without_events(load(R"(
[demand.regions.BRE]
monthly_profile = [0.10, 0.10, 0.10, 0.10, 0.10, 0.10, 0.05, 0.05, 0.10, 0.10, 0.05, 0.05]
)"));
  for (const RegionPlan& region : without_events.regions)
    EXPECT_NEAR(std::accumulate(region.own_daily_expected.begin(), region.own_daily_expected.end(), 0.0),
                region.expected_arrivals, 1e-9 * region.expected_arrivals);
  double own_total = 0;
  for (const RegionalDemand& rd : s.demand.regions) own_total += rd.expected_dossiers;
  for (std::size_t r = 0; r < full.regions.size(); ++r) {
    double population = 0;
    for (int d = 0; d < full.window_days; ++d) {
      const auto i = static_cast<std::size_t>(d);
      const double weight =
          d < open
              ? s.demand.regions[r].monthly_profile[static_cast<std::size_t>(full.calendar_month_of_day[i])] /
                    full.days_in_month_of_day[i]
              : 0.0;
      ASSERT_EQ(std::bit_cast<std::uint64_t>(full.regions[r].profile_weight[i]),
                std::bit_cast<std::uint64_t>(weight))
          << "region " << r << ", day " << d;
      population += full.regions[r].populations.at(0).daily_expected[i];
    }
    EXPECT_NEAR(population, 700 * s.demand.regions[r].expected_dossiers / own_total, 1e-9) << "region " << r;
  }
  Plan particle(load(""));  // another scenario's days first
  for (const int cut_off : {full.window_days, 100, 300, 0, 180, open - 5, 250}) {
    particle.redraw_expectations_before(s, cut_off);
    for (std::size_t r = 0; r < full.regions.size(); ++r) {
      const RegionPlan& expected = full.regions[r];
      const RegionPlan& got = particle.regions[r];
      ASSERT_EQ(got.populations.size(), 1u);
      for (std::size_t e = 0; e < full.epochs.size(); ++e)
        ASSERT_EQ(std::bit_cast<std::uint64_t>(got.eligible_share[e]),
                  std::bit_cast<std::uint64_t>(expected.eligible_share[e]));
      for (int d = 0; d < cut_off; ++d) {
        const auto i = static_cast<std::size_t>(d);
        ASSERT_EQ(std::bit_cast<std::uint64_t>(got.own_daily_expected[i]),
                  std::bit_cast<std::uint64_t>(expected.own_daily_expected[i]))
            << "cut-off " << cut_off << ", region " << r << ", day " << d;
        ASSERT_EQ(std::bit_cast<std::uint64_t>(got.populations[0].daily_expected[i]),
                  std::bit_cast<std::uint64_t>(expected.populations[0].daily_expected[i]))
            << "cut-off " << cut_off << ", region " << r << ", day " << d;
        ASSERT_EQ(full.expected_eligible_arrivals(static_cast<int>(r), d, full.epoch_index_on(d)),
                  particle.expected_eligible_arrivals(static_cast<int>(r), d, particle.epoch_index_on(d)));
      }
    }
  }
}

// Monte-Carlo mean and its standard error over `n` values.
struct Mean {
  double mean = 0, se = 0;
};
Mean mean_of(const std::vector<double>& v) {
  const double n = static_cast<double>(v.size());
  const double m = std::accumulate(v.begin(), v.end(), 0.0) / n;
  double ss = 0;
  for (double x : v) ss += (x - m) * (x - m);
  return {m, std::sqrt(ss / (n - 1) / n)};
}

TEST(UncertainSimulation, DrawsFollowTheirDistributionsAndTheEventFilesItsDossiers) {
  Scenario s = load(std::string(widening) + R"(
[uncertainty]
monthly_drift = 0.1
profile_concentration = 30
[uncertainty.parameters."events.widening.expected_dossiers"]
distribution = "lognormal"
mean = 700
cv = 1
)");
  s.demand.national_uptake_cv = 0;  // the new population's count then has mean E[volume]
  s.demand.regional_uptake_cv = 0;
  const Simulator simulator(s);
  auto ws = simulator.make_workspace();
  ReplicationOutcome out = simulator.make_outcome();
  std::vector<double> volume, transformation, profile_sum, drift;
  constexpr int replications = 400;
  for (int i = 0; i < replications; ++i) {
    simulator.simulate(7, i, *ws, out);
    ASSERT_EQ(out.parameter_values.size(), 1u);
    volume.push_back(out.parameter_values[0]);
    ASSERT_EQ(out.profile.size(), 12u);
    profile_sum.push_back(std::accumulate(out.profile.begin(), out.profile.end(), 0.0));
    drift.push_back(out.drift.back());
    double filed = 0;
    for (int r = 0; r < out.region_count; ++r)
      for (int size = 0; size < size_class_count; ++size)
        for (int p = 0; p < pathway_count; ++p) {
          const auto cell = static_cast<std::size_t>(
              r * mix_cell_count + mix_cell(static_cast<SizeClass>(size), Status::Transformation,
                                            static_cast<Pathway>(p)));
          filed += out.committed_by_cell[cell] > 0 ? 1 : 0;
        }
    transformation.push_back(filed);
  }
  // The lognormal's mean, within 4 Monte-Carlo standard errors.
  const Mean v = mean_of(volume);
  EXPECT_NEAR(v.mean, 700, 4 * v.se);
  for (double sum : profile_sum) EXPECT_NEAR(sum, 1.0, 1e-12);
  // The drift is a mean-one multiplier, whatever the month.
  const Mean d = mean_of(drift);
  EXPECT_NEAR(d.mean, 1.0, 4 * d.se);
  // Transformation companies file only through the event: some cell of theirs is committed in most years.
  EXPECT_GT(mean_of(transformation).mean, 0);
}

TEST(ProfileTilt, TiltsTheSharesByTheirPlaceInTheYear) {
  // Equal shares tilted by β: share_m ∝ e^{β t_m}, t_m = (m − 5.5) / 5.5, by hand.
  std::array<double, 12> equal{};
  equal.fill(1.0 / 12);
  const double beta = 0.8;
  double sum = 0;
  for (int m = 0; m < 12; ++m) sum += std::exp(beta * (m - 5.5) / 5.5);
  const std::array<double, 12> tilted = tilted_profile(equal, beta);
  for (int m = 0; m < 12; ++m)
    EXPECT_NEAR(tilted[static_cast<std::size_t>(m)], std::exp(beta * (m - 5.5) / 5.5) / sum, 1e-15) << m;
  // No tilt: the shares as stated (renormalised).
  const std::array<double, 12> stated = {0.03, 0.04, 0.05, 0.06, 0.06, 0.07, 0.08, 0.04, 0.12, 0.14, 0.16, 0.15};
  const std::array<double, 12> same = tilted_profile(stated, 0.0);
  for (std::size_t m = 0; m < 12; ++m) EXPECT_NEAR(same[m], stated[m], 1e-15);
}

TEST(ProfileTilt, IsDrawnWithItsStandardDeviationAroundTheStatedProfile) {
  // Without a Dirichlet, a drawn profile is the stated one tilted by β, so
  // β = ln(share_Dec p_Jan / (share_Jan p_Dec)) / 2 exactly; its draws have
  // mean 0 and sd τ (within 4 Monte-Carlo standard errors: the sd of a
  // normal's sample sd is τ / √(2(n − 1))).
  const Scenario s = load("[uncertainty]\nprofile_tilt = 0.6\n");
  EXPECT_TRUE(s.uncertainty.profile_uncertain());
  const std::array<double, 12> stated = stated_monthly_profile(s);
  const Eigen::MatrixXd no_parameters;
  Engine engine;
  std::vector<double> betas;
  constexpr int draws = 2000;
  for (int i = 0; i < draws; ++i) {
    reseed(engine, 5, static_cast<std::uint64_t>(i), StreamPurpose::Parameters, national_stream);
    const ParameterDraw draw = draw_parameters(s, no_parameters, engine);
    ASSERT_TRUE(draw.profile);
    const std::array<double, 12>& p = *draw.profile;
    betas.push_back(std::log(p[11] * stated[0] / (p[0] * stated[11])) / 2);
    EXPECT_NEAR(std::accumulate(p.begin(), p.end(), 0.0), 1.0, 1e-12);
  }
  const Mean b = mean_of(betas);
  EXPECT_NEAR(b.mean, 0.0, 4 * b.se);
  const double sd = b.se * std::sqrt(static_cast<double>(draws));
  EXPECT_NEAR(sd, 0.6, 4 * 0.6 / std::sqrt(2.0 * (draws - 1)));
}

TEST(ProfileTilt, IsRefusedBeyondTwo) {
  EXPECT_THAT(messages_of("[uncertainty]\nprofile_tilt = 2.5\n"),
              HasSubstr("t.toml:4:16: uncertainty.profile_tilt: must be in [0, 2], found 2.5"));
}

TEST(Jumps, HappenWithTheirProbabilityTheirSizeAndKeepUptakeMeanOne) {
  UncertaintyModel model;
  model.jump_probability = 0.2;
  model.jump_sd = 0.7;
  Engine engine;
  std::vector<double> multipliers(12), last, jumped, sizes;
  constexpr int draws = 4000;
  for (int i = 0; i < draws; ++i) {
    reseed(engine, 9, static_cast<std::uint64_t>(i), StreamPurpose::Drift, national_stream);
    // Jumps counted through month 9, as if the window ended there.
    const int counted = draw_drift(model, 2, 9, engine, multipliers);
    EXPECT_EQ(multipliers[0], 1.0);  // before the first month drawn
    EXPECT_EQ(multipliers[1], 1.0);
    double previous = 1.0;
    int seen = 0;
    for (std::size_t m = 2; m < 12; ++m) {
      const double step = std::log(multipliers[m] / previous);
      jumped.push_back(step != 0 ? 1.0 : 0.0);
      if (step != 0) sizes.push_back(step);
      if (step != 0 && m <= 9) ++seen;
      previous = multipliers[m];
    }
    EXPECT_EQ(counted, seen) << "draw " << i;
    last.push_back(multipliers[11]);
  }
  // Each within 4 Monte-Carlo standard errors: the share of months with a
  // jump, the jumps' mean −s²/2 and sd s (a sample sd's own sd is about
  // s / √(2n)), and the multiplier's mean one after ten months.
  const Mean share = mean_of(jumped);
  EXPECT_NEAR(share.mean, 0.2, 4 * share.se);
  const Mean size = mean_of(sizes);
  EXPECT_NEAR(size.mean, -0.7 * 0.7 / 2, 4 * size.se);
  const double sd = size.se * std::sqrt(static_cast<double>(sizes.size()));
  EXPECT_NEAR(sd, 0.7, 4 * 0.7 / std::sqrt(2.0 * static_cast<double>(sizes.size())));
  const Mean level = mean_of(last);
  EXPECT_NEAR(level.mean, 1.0, 4 * level.se);
}

TEST(Jumps, NeedTheirChanceAndTheirSizeTogether) {
  EXPECT_THAT(messages_of("[uncertainty]\njump_probability = 0.2\n"),
              HasSubstr("t.toml:4:1: uncertainty.jump_probability: a jump needs its size too"));
  EXPECT_THAT(messages_of("[uncertainty]\njump_sd = 0.7\n"),
              HasSubstr("t.toml:4:1: uncertainty.jump_sd: a jump needs its chance too"));
  EXPECT_THAT(messages_of("[uncertainty]\njump_probability = 0.2\njump_sd = 0\n"),
              HasSubstr("uncertainty.jump_sd: must be in (0, 2], found 0"));
  // One given but refused is one problem, not two: its partner is not "missing".
  const std::string refused_chance = messages_of("[uncertainty]\njump_probability = 1.5\njump_sd = 0.7\n");
  EXPECT_THAT(refused_chance, HasSubstr("uncertainty.jump_probability: must be in [0, 1], found 1.5"));
  EXPECT_THAT(refused_chance, Not(HasSubstr("needs its chance too")));
  const std::string refused_size = messages_of("[uncertainty]\njump_probability = 0.2\njump_sd = 3\n");
  EXPECT_THAT(refused_size, HasSubstr("uncertainty.jump_sd: must be in (0, 2], found 3"));
  EXPECT_THAT(refused_size, Not(HasSubstr("needs its size too")));
}

TEST(UncertainSimulation, ResultsAreBitIdenticalWhateverTheThreads) {
  const Scenario s = load_scenario_argument("observed-september-2021");
  const Simulator simulator(s);
  auto demand_with = [&](int threads) {
    struct Demand : ReplicationSink {
      std::vector<Cents> values;
      std::vector<double> draws;
      void consume(std::int64_t, const ReplicationOutcome& o) override {
        values.push_back(o.national.demand);
        draws.insert(draws.end(), o.parameter_values.begin(), o.parameter_values.end());
      }
    } sink;
    ReplicationSink* sinks[] = {&sink};
    RunControl control;
    control.seed = 11;
    control.threads = threads;
    run_replications(simulator, 0, 40, control, sinks);
    return std::pair(sink.values, sink.draws);
  };
  EXPECT_EQ(demand_with(1), demand_with(2));
}

}  // namespace
}  // namespace fnesim

namespace fnesim {
namespace {

// A child scenario may change an inherited distribution whole, and an event
// that does not load is reported once, not again through its parameters.
TEST(UncertaintySection, OneMistakeOneMessage) {
  const auto diagnostics_of = [](const std::string& body) {
    try {
      load_scenario_text("extends = \"observed-september-2021.toml\"\nname = \"t\"\n" + body, "t.toml",
                         scenarios_dir);
    } catch (const ScenarioError& e) {
      return e.diagnostics();
    }
    return std::vector<Diagnostic>{};
  };
  // lognormal (mean, cv) in the parent, gamma (mean, cv) → normal (mean, sd) here: cv is dropped.
  EXPECT_TRUE(diagnostics_of(R"([uncertainty.parameters."events.deadline-rush.share"]
distribution = "normal"
mean = 0.5
sd = 0.05
)")
                  .empty());
  const std::vector<Diagnostic> mistyped = diagnostics_of("[events.widening]\nkind = \"new-populaton\"\n");
  ASSERT_EQ(mistyped.size(), 1u);
  EXPECT_THAT(mistyped[0].message, HasSubstr("did you mean \"new-population\"?"));
  // Written beside its distribution, a key of another one is an error.
  const std::vector<Diagnostic> mixed = diagnostics_of(R"([uncertainty.parameters."events.deadline-rush.share"]
distribution = "uniform"
min = 0
max = 0.3
cv = 1
)");
  ASSERT_EQ(mixed.size(), 1u);
  EXPECT_EQ(mixed[0].key, "uncertainty.parameters.events.deadline-rush.share.cv");
}

}  // namespace
}  // namespace fnesim
