#pragma once
// What a forecast learnt from the actuals, as `fnesim run --actuals` prints it
// before the run's table: each region's uptake, prior against posterior, and
// the demand parameters updated (docs/forecasting.md).
#include <string>

#include "sim/forecast/actuals.hpp"

namespace fnesim {

std::string render_actuals_report(const ActualsReport& report, const Scenario& scenario);

}  // namespace fnesim
