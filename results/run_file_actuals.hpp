#pragma once
// The run file's record of a forecast from actuals (docs/hdf5-format.md,
// `/actuals`, since format 1.1): the cut-off, which actuals (file name and
// SHA-256 of its bytes), what was observed per region, and what was learnt —
// the uptake posteriors the simulator drew from and the demand parameters
// updated — and, since format 1.2, the prior-predictive check of the observed
// monthly counts and how many weighed draws of the uncertain assumptions the
// counts left in effect. With the resolved scenario, it is what a rerun needs.
#include <string_view>

#include "sim/forecast/actuals.hpp"

namespace fnesim {

namespace hdf5 {
class File;
}

// Writes the `/actuals` group; throws hdf5::Error. `commitment_start`: month
// 0 of the prior-predictive check's month indices.
void write_actuals_group(hdf5::File& file, const ActualsReport& report, std::string_view actuals_sha256,
                         Date commitment_start);

}  // namespace fnesim
