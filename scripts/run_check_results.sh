#!/bin/bash
# Writes fresh run files and checks each with scripts/check_results.py, an
# independent h5py client: layout, invariants, and the summary recomputed
# from the replications; and the summary JSON of the runs that write one
# (the default scenario, steering, financing, the September forecast, …)
# against its run file and docs/summary-json.md. Covers the default scenario with trajectories, and
# variants under the `fill` and `overcommit` policies (whose ledger bounds differ),
# the steering committee's scenario (its moves), a saved recommendation, and the
# mid-September 2021 forecast from actuals, whose uncertain assumptions, policy
# events and particles fill /uncertainty and /actuals/prior_predictive (format 1.2),
# a variant of it whose uptake jumps without drifting (format 1.6's jumps), and
# the same prior from a December cut-off, when no month is left for a jump, and
# a scenario that loads with a warning (format 1.7's /scenario/warnings), a run of one replication
# (no standard error: NaN), and a recommendation with fees withheld nationally.
# The recommendation's envelopes and national figures, spoilt, must fail; a damaged compressed chunk is
# refused (exit 2), not a traceback.
# Format 1.5's /sensitivity is checked on what `fnesim sensitivity` writes
# (the uncertain example scenario, with a group and a range given), on a
# synthetic copy of the default run (tests/scripts/add_sensitivity_group.py),
# and on spoilt copies of it — an index, a base row, the tornado's baseline, an
# interval — must fail the check, so that its passing means something.
# Usage: run_check_results.sh FNESIM_BINARY SOURCE_DIR
# Registered in tests/CMakeLists.txt as the ctest `run_file_check_results`.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 FNESIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
binary=$1
source_dir=$2
python=/usr/bin/python3   # Debian's Python, which has h5py and numpy

if ! "$python" -c 'import h5py, numpy' 2>/dev/null; then
  echo "run_check_results: $python cannot import h5py and numpy (apt-get install python3-h5py python3-numpy)" >&2
  exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/check_results.XXXXXX")
keep=0
trap '[ "$keep" -eq 1 ] || rm -rf "$tmp"' EXIT

for policy in fill overcommit; do
  {
    echo 'extends = "convention-2021.toml"'
    echo "name = \"convention-2021-$policy\""
    echo '[demand]'
    echo "exhaustion_policy = \"$policy\""
    if [ "$policy" = overcommit ]; then echo 'overcommit_margin = 0.05'; fi
  } > "$tmp/$policy.toml"
done

status=0
# A spoilt copy must fail the check: exit status 1 (not 0, nor 2), and never a traceback.
expect_check_failure() {
  local file=$1 what=$2 spoilt=0
  "$python" "$source_dir/scripts/check_results.py" "$file" > "$file.out" 2>&1 || spoilt=$?
  if [ "$spoilt" -ne 1 ] || grep -q Traceback "$file.out"; then
    echo "run_check_results: check_results.py gave exit status $spoilt on $what, not 1" >&2
    status=1
  fi
}
# The run file, and the summary JSON the same run wrote against it and docs/summary-json.md.
check() {
  local file=$1
  shift
  "$binary" run "$@" --threads 2 --out "$tmp/$file" --summary-json "$tmp/$file.json" > /dev/null
  "$python" "$source_dir/scripts/check_results.py" "$tmp/$file" --summary-json "$tmp/$file.json" || status=1
}
"$binary" run --replications 300 --seed 11 --threads 2 --out "$tmp/default.h5" --summary-json "$tmp/default.json" \
  > /dev/null
"$binary" recommend "$tmp/default.h5" --save --threads 2 > /dev/null   # adds /recommendation
"$python" "$source_dir/scripts/check_results.py" "$tmp/default.h5" --summary-json "$tmp/default.json" || status=1
# A summary JSON spoilt must fail against its run file: a figure off by a cent, a key the page does not
# list, a key it lists taken out.
for spoil in cent undocumented missing; do
  "$python" - "$tmp/default.json" "$tmp/spoilt-$spoil.json" "$spoil" <<'EOF'
import json, sys
source, target, spoil = sys.argv[1:4]
with open(source) as f:
    data = json.load(f)
if spoil == "cent":
    data["regions"][3]["unmet_q90_eur"] = round(data["regions"][3]["unmet_q90_eur"] + 0.01, 2)
elif spoil == "undocumented":
    data["national"]["demand_mean"] = data["national"]["demand_mean_eur"]
elif spoil == "missing":
    del data["settlement"]["national"]["review_paid_se_eur"]
with open(target, "w") as f:
    json.dump(data, f)
EOF
  spoilt=0
  "$python" "$source_dir/scripts/check_results.py" "$tmp/default.h5" --summary-json "$tmp/spoilt-$spoil.json" \
    > "$tmp/spoilt-$spoil.out" 2>&1 || spoilt=$?
  if [ "$spoilt" -ne 1 ] || grep -q Traceback "$tmp/spoilt-$spoil.out"; then
    echo "run_check_results: check_results.py gave exit status $spoilt on a summary JSON spoilt ($spoil), not 1" >&2
    status=1
  fi
done
# A high target on the same run: its level is raised near the top of the regions' peaks by cents that
# are not simulated again (0.99 at seed 11 did), and what is saved must still be what was simulated.
cp "$tmp/default.h5" "$tmp/target.h5"
"$binary" recommend "$tmp/target.h5" --objective target-probability 0.99 --save --force --threads 2 > /dev/null \
  || status=1
"$python" "$source_dir/scripts/check_results.py" "$tmp/target.h5" > /dev/null || status=1
check steering.h5 steering-2021 --replications 200 --seed 14
# One replication: no standard error and no interval (NaN in the file, null in the JSON).
check one-year.h5 --replications 1 --seed 15
# A forecast whose two years share one prior draw (100 particles, seed 7): no standard error either, and a
# recommendation saved on it (whose change then has none) leaves the file readable.
printf 'extends = "observed-september-2021.toml"\nname = "one-draw"\n[uncertainty]\nparticles = 100\n' \
  > "$tmp/one-draw.toml"
check one-draw.h5 "$tmp/one-draw.toml" --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --as-of 2021-09-16 --replications 2 --seed 7
"$binary" recommend "$tmp/one-draw.h5" --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --save --threads 2 > /dev/null || status=1
"$binary" inspect "$tmp/one-draw.h5" > /dev/null || status=1
"$python" "$source_dir/scripts/check_results.py" "$tmp/one-draw.h5" > /dev/null || status=1
check financing.h5 financing-2021 --replications 200 --seed 16
# Fees withheld nationally: a complementary allocation raises the total by what leaves the regions their
# sum once its fee is withheld — the saved recommendation checked, and its scenario valid.
{
  printf 'extends = "convention-2021.toml"\nname = "national-fees"\n[convention]\nfee_mode = "national"\n'
  for region in ARA:26_125_000 BFC:7_600_000 BRE:5_700_000 CVL:7_600_000 GES:12_350_000 HDF:13_300_000 \
                IDF:27_075_000 NOR:8_550_000 NAQ:9_500_000 OCC:8_550_000 PAC:6_650_000 PDL:9_500_000; do
    printf '[convention.regions.%s]\nenvelope_eur = %s\n' "${region%%:*}" "${region#*:}"
  done
} > "$tmp/national-fees.toml"
check national-fees.h5 "$tmp/national-fees.toml" --replications 200 --seed 17
"$binary" recommend "$tmp/national-fees.h5" --objective target-probability 0.9 --save --threads 2 > /dev/null \
  || status=1
"$python" "$source_dir/scripts/check_results.py" "$tmp/national-fees.h5" > /dev/null || status=1
(cd "$tmp" && "$binary" inspect national-fees.h5 --scenario > as-run.toml &&
  "$binary" recommend national-fees.h5 --objective target-probability 0.9 --toml > recommended.toml &&
  "$binary" validate recommended.toml > /dev/null) || status=1
check fill.h5 "$tmp/fill.toml" --replications 200 --seed 12
check overcommit.h5 "$tmp/overcommit.toml" --replications 200 --seed 13 --no-trajectories
check september.h5 observed-september-2021 --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --as-of 2021-09-16 --replications 200 --seed 15
# Few particles: few prior draws shared by the years, so the clustered standard errors' Student-t intervals
# rest on few degrees of freedom, and the run's effective number of draws is below the caution's fifty.
printf 'extends = "observed-september-2021.toml"\nname = "few-particles"\n[uncertainty]\nparticles = 200\n' \
  > "$tmp/few-particles.toml"
check few-particles.h5 "$tmp/few-particles.toml" --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --as-of 2021-09-16 --replications 300 --seed 21
# Jumps without a normal drift: each jump counted (format 1.6) is a month whose drift factor moved.
printf 'extends = "observed-september-2021.toml"\nname = "jumps-only"\n[uncertainty]\nmonthly_drift = 0\n' \
  > "$tmp/jumps-only.toml"
check jumps-only.h5 "$tmp/jumps-only.toml" --actuals "$source_dir/scenarios/actuals/national-2021-09-15.csv" \
  --as-of 2021-09-16 --replications 200 --seed 18
# A cut-off in December, a whole year observed: no filing month is left for a jump (no split by jumps), and
# demand is the same in every replication (its sd is rounding noise).
"$binary" synthesize-actuals observed-2021 --seed 3 --replication 1 --layout national --out "$tmp/year.csv" > /dev/null
check december.h5 observed-september-2021 --actuals "$tmp/year.csv" --as-of 2021-12-16 --replications 100 --seed 19
# A likely slip of units loads with a warning, which the file keeps (format 1.7); a warning not in the shape
# the command says it must fail.
printf 'extends = "convention-2021.toml"\nname = "slip"\n[demand.cost_per_trainee]\nmean_eur = 45\n' > "$tmp/slip.toml"
"$binary" run "$tmp/slip.toml" --replications 50 --seed 20 --no-trajectories --out "$tmp/slip.h5" > /dev/null 2>&1
"$python" - "$tmp/slip.h5" <<'EOF' || status=1
import sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    warnings = list(f["scenario/warnings"].asstr()[()])
if len(warnings) != 1 or "demand.cost_per_trainee.mean_eur: warning: 45 EUR a trainee" not in warnings[0]:
    sys.exit(f"run_check_results: the slip's run file keeps {warnings!r}, not its one warning")
EOF
"$python" "$source_dir/scripts/check_results.py" "$tmp/slip.h5" || status=1
"$python" - "$tmp/slip.h5" "$tmp/spoilt-warning.h5" <<'EOF'
import shutil, sys
import h5py
shutil.copyfile(sys.argv[1], sys.argv[2])
with h5py.File(sys.argv[2], "r+") as f:
    f["scenario/warnings"][0] = "45 EUR a trainee"  # no file, line, key
EOF
expect_check_failure "$tmp/spoilt-warning.h5" "a warning without its place"

# /sensitivity (format 1.5): a real analysis passes, so does the fixture; each spoilt copy must fail (exit 1, not 0, nor 2).
"$binary" sensitivity observed-2021-uncertain --replications 64 --seed 17 --threads 2 --out "$tmp/analysis.h5" \
  --group take-up=demand.arrivals.expected_dossiers,uptake --range demand.diagnostics.expected_dossiers=0,2000 > /dev/null
"$python" "$source_dir/scripts/check_results.py" "$tmp/analysis.h5" || status=1
"$python" "$source_dir/tests/scripts/add_sensitivity_group.py" "$tmp/default.h5" "$tmp/sensitivity.h5" > /dev/null
"$python" "$source_dir/scripts/check_results.py" "$tmp/sensitivity.h5" || status=1
for spoil in first_order f_a baseline interval; do
  "$python" - "$tmp/sensitivity.h5" "$tmp/spoilt-$spoil.h5" "$spoil" <<'EOF'
import shutil, sys
import h5py
source, target, spoil = sys.argv[1:4]
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    g = f["sensitivity"]
    demand = list(g["outputs/name"].asstr()[()]).index("national_demand_eur")
    if spoil == "first_order":  # one index, off by 0.01
        g["sobol/first_order"][0, demand] += 0.01
    elif spoil == "f_a":  # a base row that is not its replication
        g["design/f_a"][5, demand] += 100.0
    elif spoil == "baseline":  # P(additional needed) on the base rows, off by half a point
        g["tornado/baseline"][0] += 0.005
    elif spoil == "interval":  # an interval whose ends are swapped
        g["sobol/total_high"][0, demand] = g["sobol/total_low"][0, demand] - 0.01
EOF
  expect_check_failure "$tmp/spoilt-$spoil.h5" "/sensitivity spoilt ($spoil)"
done

# The forecast's own datasets and the self-description: each spoilt copy must fail (exit 1), never pass nor
# stop on a traceback.
for spoil in scale posterior dimensions description attribute jumps split; do
  "$python" - "$tmp/september.h5" "$tmp/spoilt-$spoil.h5" "$spoil" <<'EOF'
import shutil, sys
import h5py
source, target, spoil = sys.argv[1:4]
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    if spoil == "scale":  # a learnt cost's distribution not moved with it
        f["uncertainty/parameter_scales"][-1] = 1.0
    elif spoil == "posterior":  # a posterior mean that is not its Gamma's
        f["actuals/uptake_posterior_mean"][0] *= 3
    elif spoil == "dimensions":
        del f["replications/exhaustion_day"].attrs["dimensions"]
    elif spoil == "description":
        del f["actuals/parameters"].attrs["description"]
    elif spoil == "attribute":  # a group attribute the checks read
        del f["uncertainty"].attrs["monthly_drift"]
    elif spoil == "jumps":  # a year with a change of rules recorded as one without
        jumps = f["uncertainty/jumps"]
        jumps[int((jumps[()] > 0).argmax())] = 0
    elif spoil == "split":  # P(additional needed) without jumps off by a point
        f["summary/spread/p_additional_needed_without_jumps"][()] += 0.01
EOF
  expect_check_failure "$tmp/spoilt-$spoil.h5" "a forecast spoilt ($spoil)"
done

# The saved recommendation: each spoilt copy must fail (exit 1).
for spoil in envelope change never; do
  "$python" - "$tmp/default.h5" "$tmp/spoilt-$spoil.h5" "$spoil" <<'EOF'
import shutil, sys
import h5py
source, target, spoil = sys.argv[1:4]
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    g = f["recommendation"]
    if spoil == "envelope":  # envelopes that no longer add up to the total and the complement
        g["recommended_envelope_cents"][0] += 1
    elif spoil == "change":  # a national change that is not after - before
        g.attrs["national_expected_unmet_change_eur"] = g.attrs["national_expected_unmet_change_eur"] + 1000.0
    elif spoil == "never":  # P(no region exhausted) before that is not the replications'
        g.attrs["p_no_region_exhausted_before"] = min(1.0, g.attrs["p_no_region_exhausted_before"] + 0.01)
EOF
  expect_check_failure "$tmp/spoilt-$spoil.h5" "a recommendation spoilt ($spoil)"
done

# Damaged bytes in a compressed chunk: refused (exit 2) with the file named, never a traceback.
"$python" - "$tmp/default.h5" "$tmp/damaged-chunk.h5" <<'EOF'
import shutil, sys
import h5py
source, target = sys.argv[1:3]
shutil.copyfile(source, target)
with h5py.File(target, "r") as f:
    chunk = f["replications/unmet_cents"].id.get_chunk_info(0)
with open(target, "r+b") as out:
    out.seek(chunk.byte_offset + chunk.size // 2)
    out.write(bytes(64))
EOF
damaged=0
"$python" "$source_dir/scripts/check_results.py" "$tmp/damaged-chunk.h5" > "$tmp/damaged-chunk.out" 2>&1 || damaged=$?
if [ "$damaged" -ne 2 ] || grep -q Traceback "$tmp/damaged-chunk.out" ||
   ! grep -q "damaged-chunk.h5: cannot read it whole" "$tmp/damaged-chunk.out"; then
  echo "run_check_results: check_results.py gave exit status $damaged on a damaged chunk, not 2 with the file named" >&2
  status=1
fi

# A NaN where a number is recomputed compares false with everything: it must fail, not pass.
"$python" - "$tmp/default.h5" "$tmp/nan-mean.h5" <<'EOF'
import shutil, sys
import h5py
import numpy as np
source, target = sys.argv[1:3]
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    f["summary/national/committed_mean_eur"][()] = np.nan
EOF
expect_check_failure "$tmp/nan-mean.h5" "a NaN national committed mean"

# A value of another kind or shape than fnesim writes (a list made a scalar, text for a number):
# refused (exit 2) in one line, never a traceback.
"$python" - "$tmp/default.h5" "$tmp/scalar-codes.h5" "$tmp/text-window.h5" <<'EOF'
import shutil, sys
import h5py
source, scalar_codes, text_window = sys.argv[1:4]
shutil.copyfile(source, scalar_codes)
with h5py.File(scalar_codes, "r+") as f:
    attributes = dict(f["regions/code"].attrs)
    del f["regions/code"]
    f.create_dataset("regions/code", data="ARA")
    for key, value in attributes.items():
        f["regions/code"].attrs[key] = value
shutil.copyfile(source, text_window)
with h5py.File(text_window, "r+") as f:
    f.attrs["window_days"] = "x"
EOF
for edited in scalar-codes text-window; do
  refused=0
  "$python" "$source_dir/scripts/check_results.py" "$tmp/$edited.h5" > "$tmp/$edited.out" 2>&1 || refused=$?
  if [ "$refused" -ne 2 ] || grep -q Traceback "$tmp/$edited.out" || ! grep -q "not as fnesim writes it" "$tmp/$edited.out"; then
    echo "run_check_results: check_results.py gave exit status $refused on $edited.h5, not 2 in one line" >&2
    status=1
  fi
done

# Strings rewritten fixed-length and null-padded (NumPy's bytes, as h5py writes them) read whole:
# the reader dropped the last character of a string that filled its width ("AR", "… et Cors").
"$python" - "$tmp/default.h5" "$tmp/fixed-strings.h5" <<'EOF'
import shutil, sys
import h5py
import numpy as np
source, target = sys.argv[1:3]
shutil.copyfile(source, target)
with h5py.File(target, "r+") as f:
    for path in ("regions/code", "regions/name"):
        attributes = dict(f[path].attrs)
        values = [s.encode() for s in f[path].asstr()[()]]
        del f[path]
        f.create_dataset(path, data=np.array(values))
        for key, value in attributes.items():
            f[path].attrs[key] = value
EOF
"$binary" export "$tmp/fixed-strings.h5" --summary-json "$tmp/fixed-strings.json" > /dev/null || status=1
"$python" - "$tmp/default.h5" "$tmp/fixed-strings.json" <<'EOF' || status=1
import json, sys
import h5py
with h5py.File(sys.argv[1], "r") as f:
    codes = list(f["regions/code"].asstr()[()])
    names = list(f["regions/name"].asstr()[()])
summary = json.load(open(sys.argv[2], encoding="utf-8"))
read = [(r["code"], r["name"]) for r in summary["regions"]]
if read != list(zip(codes, names)):
    sys.exit(f"run_check_results: fixed-length strings read as {read[:3]}…, not {list(zip(codes, names))[:3]}…")
EOF

if [ "$status" -ne 0 ]; then
  keep=1
  echo "run_check_results: run files kept in $tmp" >&2
fi
exit "$status"
