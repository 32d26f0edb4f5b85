#include "models/demand.hpp"

#include <algorithm>

namespace fnesim {

double TraineeCount::expected() const {
  switch (kind) {
    case Kind::ShiftedPoisson:
      return mean;
    case Kind::Fixed:
      return fixed;
    case Kind::Categorical:
      break;
  }
  double sum = 0;
  for (std::size_t i = 0; i < values.size(); ++i) sum += values[i] * weights[i];
  return sum;
}

CostComponents split_cost_components(Cents total, double pedagogical_share, double ancillary_share,
                                     double remuneration_share) {
  CostComponents parts;
  // All-pedagogical and no-remuneration splits are exact without any rounding.
  parts.pedagogical = remuneration_share == 0 && ancillary_share == 0
                          ? total
                          : round_half_away(static_cast<double>(total) * pedagogical_share);
  parts.ancillary = remuneration_share == 0
                        ? total - parts.pedagogical
                        : std::min(total - parts.pedagogical,
                                   round_half_away(static_cast<double>(total) * ancillary_share));
  parts.remuneration = total - parts.pedagogical - parts.ancillary;
  return parts;
}

}  // namespace fnesim
