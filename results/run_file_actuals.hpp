#pragma once
// The run file's record of a forecast from actuals (docs/hdf5-format.md,
// `/actuals`, since format 1.1): the cut-off, which actuals (file name and
// SHA-256 of its bytes), what was observed per region, and what was learnt —
// the uptake posteriors the simulator drew from and the demand parameters
// updated. With the resolved scenario, it is what a rerun needs.
#include <string_view>

#include "sim/forecast/actuals.hpp"

namespace fnesim {

namespace hdf5 {
class File;
}

// Writes the `/actuals` group; throws hdf5::Error.
void write_actuals_group(hdf5::File& file, const ActualsReport& report, std::string_view actuals_sha256);

}  // namespace fnesim
