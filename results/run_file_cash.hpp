#pragma once
// The cash forecast in the run file (format 1.4, scenarios with [financing]):
// /financing holds the State's terms and each replication's disbursements,
// /summary/financing the fans (docs/hdf5-format.md). The writer's side is
// RunFileWriter::Impl::create_financing and write_cash_summary.
#include "results/hdf5.hpp"
#include "results/run_summary.hpp"

namespace fnesim {

// Reads the terms from /financing and the fans from /summary/financing;
// hdf5::Error when a documented dataset is missing or misshapen.
CashSummary read_cash_summary(const hdf5::Group& financing, const hdf5::Group& summary);

}  // namespace fnesim
