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
  for (const double v : {12000.0, 8000.0, 10000.0}) sweep.points.push_back({{v}, {v / 20000}, {0.01}});
  const std::vector<double> xs = line_xs(sweep_svg(sweep));
  ASSERT_EQ(xs.size(), 3u);
  EXPECT_LT(xs[0], xs[1]);
  EXPECT_LT(xs[1], xs[2]);
}

}  // namespace
}  // namespace fnesim
