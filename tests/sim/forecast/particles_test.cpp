// Learning uncertain assumptions from actuals (sim/forecast/particles.hpp):
// in the well-specified case, the draws weighed against the counts recover
// the timing and the level that generated them; and the prior-predictive
// check flags counts the prior cannot explain, and only those.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <numeric>

#include "sim/forecast/actuals.hpp"
#include "sim/forecast/synthetic_actuals.hpp"
#include "sim/simulator.hpp"

namespace fnesim {
namespace {

const std::filesystem::path scenarios_dir = std::filesystem::path(FNESIM_SOURCE_DIR) / "scenarios";

// observed-2021 with its level and timing uncertain: what the forecaster
// believes, and what generates the truths (well specified).
Scenario uncertain_timing_and_level() {
  Scenario s = load_scenario_text(R"(extends = "observed-2021.toml"
name = "uncertain"
[demand.arrivals]
national_uptake_cv = 0.5
[uncertainty]
profile_concentration = 15
particles = 1000
)",
                                  "uncertain.toml", scenarios_dir);
  return s;
}

// The weighted quantile of `values` under the particles' weights.
double weighted_quantile(const std::vector<double>& values, const std::vector<double>& cumulative_weight,
                         double probability) {
  std::vector<std::size_t> order(values.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return values[a] < values[b]; });
  double cumulative = 0;
  for (std::size_t i : order) {
    cumulative += cumulative_weight[i] - (i > 0 ? cumulative_weight[i - 1] : 0.0);
    if (cumulative >= probability) return values[i];
  }
  return values[order.back()];
}

TEST(ParticlesStatistical, PosteriorRecoversTheGeneratingTimingAndLevel) {
  const Scenario scenario = uncertain_timing_and_level();
  const Simulator truth(scenario);
  const Date cut_off = Date::from_ymd(2021, 7, 1);
  constexpr std::uint64_t seed = 20210701;
  constexpr int truths = 40;
  int timing_inside = 0, level_inside = 0;
  for (int t = 0; t < truths; ++t) {
    auto ws = truth.make_workspace();
    ReplicationOutcome year = truth.make_outcome();
    truth.simulate(seed, t, *ws, year);
    // The share of the year's dossiers due in the first half, and the national uptake, as drawn.
    const double first_half = std::accumulate(year.profile.begin(), year.profile.begin() + 6, 0.0);
    const double level = std::accumulate(year.uptake.begin(), year.uptake.end(), 0.0) /
                         static_cast<double>(year.uptake.size());

    const Actuals actuals = parse_actuals(filed_dossiers_csv(truth, seed, t), "truth.csv", scenario);
    const ConditionedScenario c = condition_on_actuals(scenario, actuals, cut_off);
    const ForecastStart& start = *c.scenario.forecast_start;
    ASSERT_EQ(start.particles.size(), 1000u);
    EXPECT_GT(start.effective_particles, 100) << "truth " << t;
    std::vector<double> half;
    for (const ForecastStart::Particle& p : start.particles)
      half.push_back(std::accumulate(p.profile->begin(), p.profile->begin() + 6, 0.0));
    timing_inside += weighted_quantile(half, start.particle_cumulative_weight, 0.05) <= first_half &&
                     first_half <= weighted_quantile(half, start.particle_cumulative_weight, 0.95);

    // The level: the mean uptake the forecast draws, over its replications.
    const Simulator forecast(c.scenario);
    std::vector<double> levels;
    for (int rep = 0; rep < 200; ++rep) {
      const std::vector<double> u = forecast.uptake_factors(seed + 1, rep);
      levels.push_back(std::accumulate(u.begin(), u.end(), 0.0) / static_cast<double>(u.size()));
    }
    std::sort(levels.begin(), levels.end());
    level_inside += levels[10] <= level && level <= levels[189];
  }
  // Calibrated 90 % intervals hold the truth Binomial(40, 0.9) times: mean 36,
  // P(≤ 30) = 0.006. (The level's interval is an empirical one over 200 draws,
  // its ends uncertain by about ±2 %: the bound leaves room for it.)
  EXPECT_GE(timing_inside, 31);
  EXPECT_GE(level_inside, 31);
}

TEST(PriorPredictiveCheck, FlagsOnlyTheMonthTheScenarioCannotExplain) {
  const Scenario scenario = load_scenario_argument("observed-september-2021");
  const std::filesystem::path file = scenarios_dir / "actuals" / "national-2021-09-15.csv";
  const Actuals as_published = read_actuals(file, scenario);
  const Date cut_off = Date::from_ymd(2021, 9, 16);
  const ActualsReport published = condition_on_actuals(scenario, as_published, cut_off).report;
  ASSERT_EQ(published.prior_predictive.size(), 10u);  // January to September, then all together
  for (const PriorPredictiveMonth& m : published.prior_predictive) {
    EXPECT_FALSE(m.outside()) << m.month;
    EXPECT_LE(m.low, m.high);
  }

  // Ten times as many dossiers in March as published: far beyond what any draw allows.
  Actuals march = as_published;
  for (MonthlyActual& m : march.months)
    if (m.month == Date::from_ymd(2021, 3, 1)) m.dossiers *= 10;
  const ActualsReport report = condition_on_actuals(scenario, march, cut_off).report;
  const auto flagged = std::count_if(report.prior_predictive.begin(), report.prior_predictive.end(),
                                     [](const PriorPredictiveMonth& m) { return m.outside() && !m.cumulative; });
  EXPECT_EQ(flagged, 1);
  EXPECT_TRUE(report.prior_predictive[2].outside());
  EXPECT_GT(report.prior_predictive[2].observed, report.prior_predictive[2].high);
}

}  // namespace
}  // namespace fnesim
