#!/bin/bash
# The committee's report end to end: fresh run files (with and without
# trajectories, a copy with the optional groups of format 1.1, and copies with
# a synthetic /sensitivity group of format 1.5, converged or not), the
# report's own tests (tests/scripts/report_test.py: formats, refusals, page
# content), then the French and English pages opened in headless Chromium
# (tests/scripts/check_report_page.py: every image loaded, no console error,
# nothing fetched, fits, prints on A4). Two spoilt copies of the page — an
# image that cannot be decoded, a script that logs an error — must fail that
# check, so that a passing check means something.
# A forecast from actuals gives the pages its own headline and section (ForecastFromActuals).
# Usage: run_report_test.sh FNESIM_BINARY SOURCE_DIR OUT_DIR
# OUT_DIR keeps the pages, their PNG charts, screenshots and the A4 print.
# Registered in tests/CMakeLists.txt as the ctest `report_pages`.
set -euo pipefail
if [ $# -ne 3 ]; then
  echo "usage: $0 FNESIM_BINARY SOURCE_DIR OUT_DIR" >&2
  exit 2
fi
binary=$1
source_dir=$2
out=$3
python=/usr/bin/python3   # Debian's Python, which has numpy, h5py and matplotlib
chromium=/usr/bin/chromium

if ! "$python" -c 'import numpy, h5py, matplotlib' 2>/dev/null; then
  echo "run_report_test: $python cannot import numpy, h5py and matplotlib (scripts/install-deps.sh)" >&2
  exit 2
fi
if [ ! -x "$chromium" ]; then
  echo "run_report_test: $chromium is missing (scripts/install-deps.sh installs Debian's chromium)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/report_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out"

"$binary" run --replications 300 --seed 11 --threads 2 --out "$tmp/run.h5" > /dev/null
"$binary" run --replications 100 --seed 12 --threads 2 --no-trajectories --out "$tmp/flat.h5" > /dev/null
"$binary" run financing-2021 --replications 100 --seed 13 --threads 2 --out "$tmp/cash.h5" > /dev/null
"$binary" run observed-september-2021 --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --as-of 2021-09-16 --replications 100 --seed 14 --threads 2 --out "$tmp/forecast.h5" > /dev/null
"$binary" run --replications 100 --seed 15 --threads 2 --review-date 2022-06-30 --out "$tmp/review.h5" > /dev/null
"$python" "$source_dir/tests/scripts/add_optional_groups.py" "$tmp/run.h5" "$tmp/full.h5"
# Recommendations as `fnesim recommend --save` writes them, for both objectives.
cp "$tmp/run.h5" "$tmp/unmet.h5"
"$binary" recommend "$tmp/unmet.h5" --threads 2 --save > /dev/null
cp "$tmp/run.h5" "$tmp/target.h5"
"$binary" recommend "$tmp/target.h5" --objective target-probability 0.9 --threads 2 --save > /dev/null
"$python" "$source_dir/tests/scripts/add_sensitivity_group.py" "$tmp/run.h5" "$tmp/sensitivity.h5" > /dev/null
"$python" "$source_dir/tests/scripts/add_sensitivity_group.py" "$tmp/run.h5" "$tmp/unconverged.h5" --unconverged \
  > /dev/null

FNESIM_BINARY=$binary SOURCE_DIR=$source_dir OUT_DIR=$out RUN_FILE=$tmp/run.h5 FULL_RUN_FILE=$tmp/full.h5 \
  FLAT_RUN_FILE=$tmp/flat.h5 CASH_RUN_FILE=$tmp/cash.h5 SENSITIVITY_RUN_FILE=$tmp/sensitivity.h5 \
  UNCONVERGED_RUN_FILE=$tmp/unconverged.h5 FORECAST_RUN_FILE=$tmp/forecast.h5 REVIEW_RUN_FILE=$tmp/review.h5 \
  UNMET_RECOMMENDATION_FILE=$tmp/unmet.h5 TARGET_RECOMMENDATION_FILE=$tmp/target.h5 "$python" "$source_dir/tests/scripts/report_test.py"

check="$python $source_dir/tests/scripts/check_report_page.py"
$check "$out/report-fr.html" --screenshot "$out/report-screenshot.png" --pdf "$out/report-fr.pdf"
$check "$out/report-en.html" --screenshot "$out/report-en-screenshot.png"
$check "$out/report-sensitivity-fr.html" --screenshot "$out/report-sensitivity-screenshot.png" \
  --pdf "$out/report-sensitivity-fr.pdf"

# Spoilt copies: each must fail the check (exit status 1, not 0, nor 2 for "could not check").
expect_failure() {
  local page=$1 what=$2 status=0
  $check "$page" --screenshot "$tmp/spoilt.png" 2> "$tmp/spoilt.err" || status=$?
  if [ "$status" -ne 1 ]; then
    echo "run_report_test: the page check passed a page with $what (exit status $status)" >&2
    cat "$tmp/spoilt.err" >&2
    exit 1
  fi
}
sed '0,/base64,iVBOR/s//base64,AAAAA/' "$out/report-fr.html" > "$tmp/broken-image.html"
expect_failure "$tmp/broken-image.html" "an image that cannot be decoded"
sed 's|</body>|<script>console.error("spoilt")</script></body>|' "$out/report-fr.html" > "$tmp/console-error.html"
expect_failure "$tmp/console-error.html" "a console error"
# A header that may not wrap, wider than A4's printable width: the print would be shrunk.
wide=$(printf 'Libéré%.0s' $(seq 40))
sed "s|</body>|<table><tr><th class=\"n\" style=\"white-space: nowrap\">$wide</th></tr></table></body>|" \
  "$out/report-fr.html" > "$tmp/too-wide.html"
expect_failure "$tmp/too-wide.html" "a table wider than A4"
echo "run_report_test: pages, screenshots and the A4 print in $out"
