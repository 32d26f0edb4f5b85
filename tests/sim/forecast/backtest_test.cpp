// Backtests on the shipped synthetic actuals: what is compared, the same
// result whatever the number of threads, and forecasts narrowing as the
// cut-off advances.
#include "sim/forecast/backtest.hpp"

#include <gtest/gtest.h>

#include <limits>

namespace fnesim {
namespace {

const std::string data = std::string(FNESIM_SOURCE_DIR) + "/tests/data/actuals/";

struct Synthetic {
  Scenario scenario = load_scenario_file(data + "synthetic.toml");
  Actuals actuals = read_actuals(data + "synthetic-dossiers.csv", scenario);
};

BacktestResult backtest(const Synthetic& s, const std::vector<Date>& cut_offs, int threads) {
  RunControl control;
  control.seed = 11;
  control.threads = threads;
  return run_backtest(s.scenario, s.actuals, cut_offs, 120, control);
}

TEST(Backtest, ComparesEveryRegionAndTheNationAtEveryMonthEndFromTheCutOffsMonth) {
  const Synthetic s;
  const BacktestResult result = backtest(s, {Date::from_ymd(2021, 9, 15)}, 2);
  ASSERT_EQ(result.cut_offs.size(), 1u);
  const BacktestCutOff& c = result.cut_offs[0];
  EXPECT_EQ(c.months, 4);  // September (partly observed) to December
  ASSERT_EQ(c.comparisons.size(), 13u * 4);
  EXPECT_EQ(c.comparisons[0].region, 0);
  EXPECT_EQ(c.comparisons[0].month_end, Date::from_ymd(2021, 9, 30));
  const BacktestComparison& national = c.comparisons.back();
  EXPECT_EQ(national.region, national_region);
  EXPECT_EQ(national.month_end, Date::from_ymd(2021, 12, 31));
  // The outcome is the actuals' total commitments, carry-over included.
  Cents total = 0;
  for (const ActualDossier& d : s.actuals.dossiers) total += d.committed;
  EXPECT_EQ(national.actual, total);
  for (const BacktestComparison& comparison : c.comparisons) {
    EXPECT_LE(comparison.q05, comparison.q25);
    EXPECT_LE(comparison.q25, comparison.q50);
    EXPECT_LE(comparison.q50, comparison.q75);
    EXPECT_LE(comparison.q75, comparison.q95);
    EXPECT_TRUE(!comparison.inside50() || comparison.inside90());
  }
}

TEST(Backtest, IsTheSameForOneAndTwoThreads) {
  const Synthetic s;
  const std::vector<Date> cut_offs = {Date::from_ymd(2021, 5, 1), Date::from_ymd(2021, 11, 1)};
  const BacktestResult one = backtest(s, cut_offs, 1), two = backtest(s, cut_offs, 2);
  ASSERT_EQ(one.cut_offs.size(), two.cut_offs.size());
  for (std::size_t i = 0; i < one.cut_offs.size(); ++i) {
    const auto& a = one.cut_offs[i].comparisons;
    const auto& b = two.cut_offs[i].comparisons;
    ASSERT_EQ(a.size(), b.size());
    for (std::size_t k = 0; k < a.size(); ++k) {
      EXPECT_EQ(a[k].q05, b[k].q05);
      EXPECT_EQ(a[k].q50, b[k].q50);
      EXPECT_EQ(a[k].q95, b[k].q95);
    }
  }
}

TEST(Backtest, ForecastsOfTheYearEndNarrowAsTheCutOffAdvances) {
  const Synthetic s;
  const BacktestResult result =
      backtest(s, {Date::from_ymd(2021, 3, 1), Date::from_ymd(2021, 7, 1), Date::from_ymd(2021, 11, 1)}, 2);
  Cents previous = std::numeric_limits<Cents>::max();
  for (const BacktestCutOff& c : result.cut_offs) {
    const BacktestComparison& national = c.comparisons.back();
    // Four months more of actuals each time: the remaining uncertainty drops
    // by far more than the Monte-Carlo noise of a 5 % quantile of 120 replications.
    EXPECT_LT(national.q95 - national.q05, previous * 0.8) << c.as_of.iso();
    previous = national.q95 - national.q05;
  }
}

}  // namespace
}  // namespace fnesim
