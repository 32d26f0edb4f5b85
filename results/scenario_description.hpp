#pragma once
// A one-screen description of a loaded scenario (`fnesim validate`): what the
// convention, the coverage rules, the demand model and the run settings are
// after `extends` and defaults have been applied.
#include <string>

#include "sim/scenario/scenario.hpp"

namespace fnesim {

std::string describe_scenario(const Scenario& scenario);

}  // namespace fnesim
