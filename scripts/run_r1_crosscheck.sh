#!/bin/bash
# Cross-check fnesim on the reference model R1 against the independent Python
# implementation (scripts/r1_reference.py), within Monte-Carlo error.
# Usage: run_r1_crosscheck.sh FNESIM_BINARY SOURCE_DIR
# Registered in tests/CMakeLists.txt as the ctest `r1_crosscheck` (label statistical).
# The two sides use different seeds (and different generators): independent samples.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 FNESIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
binary=$1
source_dir=$2
python=/usr/bin/python3   # Debian's Python, which has numpy
replications=4000

if ! "$python" -c 'import numpy' 2>/dev/null; then
  echo "run_r1_crosscheck: $python cannot import numpy (apt-get install python3-numpy)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/r1_crosscheck.XXXXXX")
keep=0
trap '[ "$keep" -eq 1 ] || rm -rf "$tmp"' EXIT

"$binary" run reference-r1 --replications "$replications" --seed 7 --threads 2 \
  --summary-json "$tmp/f.json"
status=0
"$python" "$source_dir/scripts/crosscheck_r1.py" --fnesim-summary "$tmp/f.json" \
  --replications "$replications" --seed 8 --jobs 2 || status=$?
if [ "$status" -ne 0 ]; then
  keep=1
  echo "run_r1_crosscheck: simulator summary kept in $tmp/f.json" >&2
fi
exit "$status"
