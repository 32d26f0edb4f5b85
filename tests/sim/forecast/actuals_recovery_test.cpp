// The posterior recovers the rates that generated the actuals. Synthetic
// actuals are written from replications of observed-2021 (whose uptake
// multipliers are known: Simulator::uptake_factors), read back, and learnt
// from at a mid-year cut-off; each region's multiplier must fall inside its
// 90 % credible interval about 90 % of the time.
#include <gtest/gtest.h>

#include "sim/forecast/actuals.hpp"
#include "sim/forecast/synthetic_actuals.hpp"

namespace fnesim {
namespace {

constexpr std::uint64_t seed = 20210901;
constexpr int replications = 8;

TEST(ActualsRecovery, TheGeneratingMultipliersFallInsideTheirCredibleIntervalsAtTheNominalRate) {
  const Scenario scenario = load_scenario_argument("observed-2021");
  const Simulator simulator(scenario);
  const Date cut_off = Date::from_ymd(2021, 7, 1);
  int comparisons = 0, outside = 0;
  double prior_cv = 0, posterior_cv = 0;
  for (int rep = 0; rep < replications; ++rep) {
    const std::string csv = synthetic_actuals_csv(simulator, seed, rep, SyntheticLayout::Dossiers);
    const Actuals actuals = parse_actuals(csv, "synthetic.csv", scenario);
    const ConditionedScenario c = condition_on_actuals(scenario, actuals, cut_off);
    const std::vector<double> truth = simulator.uptake_factors(seed, rep);
    for (std::size_t r = 0; r < truth.size(); ++r) {
      const RegionLearning& l = c.report.regions[r];
      ++comparisons;
      outside += truth[r] < l.posterior_quantile(0.05) || truth[r] > l.posterior_quantile(0.95);
      prior_cv += l.prior_cv;
      posterior_cv += l.posterior_cv();
    }
  }
  // 96 comparisons; if the intervals are calibrated the misses are about
  // Binomial(96, 0.1): mean 9.6, and P(≤ 1) and P(≥ 21) are both under 5e-4.
  // (Regions of one replication share the common factor's error, which widens
  // the spread somewhat: the bounds leave room for it.) Too many misses: the
  // intervals are too narrow or biased; too few: they are too wide to be useful.
  EXPECT_EQ(comparisons, 96);
  EXPECT_GE(outside, 2);
  EXPECT_LE(outside, 20);
  // And something was learnt: half a year of dossiers narrows the intervals.
  EXPECT_LT(posterior_cv, 0.5 * prior_cv);
}

}  // namespace
}  // namespace fnesim
