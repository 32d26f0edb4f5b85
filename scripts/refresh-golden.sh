#!/usr/bin/env bash
# Re-records the golden summaries of the shipped scenarios (tests/data/golden/)
# after a change that is meant to alter results. Review the diff before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p tests/data/golden
cmake --build --preset release
FNESIM_REFRESH_GOLDEN=1 ./build/release/tests/fnesim_tests --gtest_filter='Golden/*'
git --no-pager diff --stat -- tests/data/golden
