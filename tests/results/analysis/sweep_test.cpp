#include "results/analysis/sweep.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <vector>

namespace fnesim {
namespace {

// The x coordinates of the chart's line, in the order drawn.
std::vector<double> line_xs(const std::string& svg) {
  std::smatch found;
  std::regex_search(svg, found, std::regex(R"re(<polyline points="([^"]*)")re"));
  std::vector<double> xs;
  const std::string points = found[1];
  for (std::size_t at = 0; at < points.size();) {
    const std::size_t comma = points.find(',', at), space = points.find(' ', comma);
    xs.push_back(std::stod(points.substr(at, comma - at)));
    at = space + 1;
  }
  return xs;
}

// Values given out of order (12000,8000,10000) are kept in that order in the
// table but drawn from left to right: the line zigzagged back over itself.
TEST(SweepChart, DrawsThePointsFromLeftToRightWhateverTheirOrder) {
  Sweep sweep;
  sweep.scenario_name = "observed-2021";
  sweep.keys = {"demand.arrivals.expected_dossiers"};
  for (const double v : {12000.0, 8000.0, 10000.0}) sweep.points.push_back({{v}, {v / 20000}, {0.01}, {}});
  const std::vector<double> xs = line_xs(sweep_svg(sweep));
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_LT(xs[0], xs[1]);
  EXPECT_LT(xs[1], xs[2]);
}

// A point's change from the first is paired replication by replication: the
// same years with 1 000 EUR more demand each change by exactly that, with no
// standard error, whatever the years' own spread.
TEST(SweepPoint, ItsChangeFromTheFirstIsPairedReplicationByReplication) {
  constexpr int regions = 1;
  constexpr std::int64_t rows = 40;
  constexpr std::size_t width = 6;  // the nation's four outputs, then the region's two
  std::vector<double> first(rows * width, 0.0);
  for (std::int64_t i = 0; i < rows; ++i)
    first[static_cast<std::size_t>(i) * width + 3] = 1e8 + 1e6 * static_cast<double>((i * 17) % 23);
  std::vector<double> more = first;
  for (std::int64_t i = 0; i < rows; ++i) more[static_cast<std::size_t>(i) * width + 3] += 1000;
  const SweepPoint base = sweep_point({1}, first, first, rows, regions);
  const SweepPoint moved = sweep_point({2}, more, first, rows, regions);
  constexpr std::size_t demand = 3;  // mean_national_demand_eur
  EXPECT_EQ(base.from_first[demand].difference, 0.0);
  EXPECT_EQ(moved.from_first[demand].difference, 1000.0);
  EXPECT_EQ(moved.from_first[demand].standard_error, 0.0);
  EXPECT_GT(moved.standard_errors[demand], 1e5);  // each point's own: the years' spread / √40
}

// The second key heads the legend, cut after its dots to fit the margin (a
// whole key ran past the chart's edge), each line then a value.
TEST(SweepChart, TheLegendNamesTheSecondKeyWithinTheMargin) {
  Sweep sweep;
  sweep.scenario_name = "convention-2021";
  sweep.keys = {"demand.arrivals.expected_dossiers", "demand.arrivals.national_uptake_cv"};
  for (const double v : {8000.0, 12000.0})
    for (const double cv : {0.1, 0.3}) sweep.points.push_back({{v, cv}, {v / 20000}, {0.01}, {}});
  const std::string svg = sweep_svg(sweep);
  std::vector<std::string> legend;
  const std::regex text(R"re(<text x="480" y="[0-9.]+" fill="[^"]*">([^<]*)</text>)re");
  for (auto it = std::sregex_iterator(svg.begin(), svg.end(), text); it != std::sregex_iterator(); ++it)
    legend.push_back((*it)[1]);
  EXPECT_EQ(legend, (std::vector<std::string>{"demand.arrivals.", "national_uptake_cv", "= 0.1", "= 0.3"}));
}

}  // namespace
}  // namespace fnesim
