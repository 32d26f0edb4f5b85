#pragma once
// What RunFileReader checks when it opens a file, before any command reads
// from it (docs/hdf5-format.md, "What readers check on open"): every root
// attribute within its bounds and consistent with the shapes of the datasets
// present, every dataset a reader reads of the documented type and shape.
// Shared by the reader's sources only.
#include <cstdint>
#include <string>

#include "results/hdf5.hpp"
#include "results/run_file.hpp"

namespace fnesim::run_checks {

// Sane maxima, whatever a file says: the largest run `fnesim run -n` makes,
// far more regions than a convention has, a century of commitment window,
// and its months with ten years of payments after it.
inline constexpr std::int64_t max_replications = 1'000'000'000;
inline constexpr std::size_t max_regions = 1000;
inline constexpr int max_window_days = 36'525;
inline constexpr std::size_t max_months = 1320;

// Checks the root attributes already read into `info` (replications,
// window_days, regions, months…) against the datasets of `file`, and the
// type and shape of every dataset the reader's accessors read. Throws
// RunFileError (or hdf5::Error) naming the file and the path inside it.
void check_structure(const hdf5::File& file, const RunFileInfo& info);

// Days from the commitment start to the first day after the last month of
// /summary/month: every day a run file counts is below it.
int calendar_days(const RunFileInfo& info);

}  // namespace fnesim::run_checks
