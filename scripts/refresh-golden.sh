#!/usr/bin/env bash
# Re-records the golden summaries of the shipped scenarios (tests/data/golden/)
# after a change that is meant to alter results. Review the diff before committing.
# tests/sim/golden_test.cpp compares them by value (counts, days and cents
# exactly, real numbers to 1e-12 relative), so a refresh is needed only when
# results really change, not when another compiler rounds the last bits.
#
# Usage: scripts/refresh-golden.sh [BUILD_DIR]
#   BUILD_DIR: an already configured build tree (e.g. /work/build-tests); by
#   default the `release` preset's build/release, configured if needed.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/data/golden
if [[ $# -ge 1 ]]; then
  build_dir=$1
  cmake --build "$build_dir" --target fnesim_tests
else
  build_dir=build/release
  [[ -f $build_dir/CMakeCache.txt ]] || cmake --preset release
  cmake --build --preset release
fi
# Only the golden comparisons write (FNESIM_REFRESH_GOLDEN); the headline checks
# (GoldenHeadline) read the refreshed files afterwards.
FNESIM_REFRESH_GOLDEN=1 "$build_dir/tests/fnesim_tests" --gtest_filter='Golden/*'
"$build_dir/tests/fnesim_tests" --gtest_filter='Golden/*:Shipped/GoldenHeadline.*'
git --no-pager diff --stat -- tests/data/golden
