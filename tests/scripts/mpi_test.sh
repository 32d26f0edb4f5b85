#!/bin/bash
# A cluster run gives the single process's results, byte for byte, and fails
# cleanly (docs/cluster.md). On localhost, with 1, 2 and 3 ranks of one
# thread (2 and 3 on two cores: oversubscribed, as a cluster never is, which
# also shuffles the order the chunks arrive in):
#   - `run --out --summary-json` (the default scenario, and the September
#     forecast from national totals, whose years share the nation's past),
#     truth backtests (--json; the years seen one
#     row per dossier, and as national totals), a sensitivity
#     analysis (--out, --json, --csv), a sweep (--csv) and a recommendation
#     re-simulated (--json) are compared with
#     the same commands in one process (two threads) by same_outputs.py,
#     which is first shown to tell two different runs apart;
#   - ranks that read different files under one name: refused, exit 2;
#   - rank 1 killed mid-run (SIGKILL), and mpirun stopped by SIGTERM: exit
#     status not 0, nothing under the target name nor beside it, no fnesim
#     process left; rank 0 — the writer — killed: the same, but its
#     temporary file may stay (nothing can remove it after a SIGKILL).
# Usage: mpi_test.sh FNESIM_BINARY SOURCE_DIR   (needs mpirun: Debian's openmpi-bin)
# Registered in tests/CMakeLists.txt as the ctest `mpi_same_results`.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 FNESIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
binary=$(realpath "$1")
source_dir=$(realpath "$2")
python=/usr/bin/python3   # Debian's Python, which has h5py and numpy
same="$python $source_dir/tests/scripts/same_outputs.py"
# As root in CI; --bind-to none: one rank's threads are not pinned to one core.
mpirun=(mpirun --allow-run-as-root --oversubscribe --bind-to none)
# Ranks on one machine copy messages through shared memory; the kernel's
# cross-memory attach may be refused in containers (ptrace restrictions).
export OMPI_MCA_btl_vader_single_copy_mechanism=none

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mpi_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# recommend re-simulates the steering committee's scenario from a run file.
"$binary" run steering-2021 -n 100 --out steering.h5 > /dev/null
# Each job: a name, then fnesim's arguments; the outputs it writes, by name.
# OUT is replaced by the output directory of each way of running it.
jobs=(
  "run|run -n 150 --out OUT/run.h5 --summary-json OUT/run.json|run.h5 run.json"
  "run-national|run observed-september-2021 --actuals $source_dir/scenarios/actuals/national-2021-09-15.csv --as-of 2021-09-16 -n 40 --out OUT/sept.h5 --summary-json OUT/sept.json|sept.h5 sept.json"
  "backtest|backtest $source_dir/scenarios/observed-september-2021.toml --truth $source_dir/scenarios/backtest/ --truths 5 --cutoffs 2021-07-01,2021-11-01 -n 12 --json|stdout"
  "backtest-national|backtest $source_dir/scenarios/observed-september-2021.toml --truth $source_dir/scenarios/backtest/ --truths 4 --cutoffs 2021-07-01 -n 12 --layout national --json|stdout"
  "sensitivity|sensitivity observed-2021-uncertain -n 12 --resamples 100 --out OUT/sens.h5 --json OUT/sens.json --csv OUT/csv|sens.h5 sens.json csv/sobol.csv csv/tornado.csv"
  "sweep|sweep --set demand.arrivals.expected_dossiers=7000,9000 -n 40 --csv OUT/sweep.csv|sweep.csv"
  "recommend|recommend $tmp/steering.h5 --json|stdout"
)

run_job() {  # way job-spec: runs it, stdout to OUT/stdout
  local way=$1 spec=$2 prefix=("${@:3}")
  local arguments=${spec#*|}
  arguments=${arguments%|*}
  mkdir -p "$way"
  # shellcheck disable=SC2086  # the arguments are words
  if ! "${prefix[@]}" "$binary" ${arguments//OUT/$way} > "$way/stdout" 2> "$way/stderr"; then
    fail "$way: fnesim ${arguments//OUT/$way}"
    cat "$way/stderr" >&2
    return 1
  fi
}

for spec in "${jobs[@]}"; do
  name=${spec%%|*}
  outputs=${spec##*|}
  run_job "$name-single" "$spec" env || continue
  for ranks in 1 2 3; do
    run_job "$name-np$ranks" "$spec" "${mpirun[@]}" -np "$ranks" || continue
    for output in $outputs; do
      if [ "$output" = stdout ] || [ "${output##*.}" = csv ] || [ "${output##*.}" = h5 ] || [ "${output##*.}" = json ]; then
        if ! $same "$name-single/$output" "$name-np$ranks/$output"; then
          fail "$name with $ranks ranks: $output differs from the single process's"
        fi
      fi
    done
    echo "$name: $ranks rank(s) give the single process's $outputs"
  done
done

# The comparison can fail: another seed's run file is not the same.
"$binary" run -n 150 --seed 7 --out other.h5 > /dev/null
if $same run-single/run.h5 other.h5 2> /dev/null; then fail "same_outputs.py finds two seeds' run files the same"; fi

# A run to precision decides when to stop from its statistics: every rank alike.
run_job "precision-single" "precision|run reference-r1 --precision 0.05 --min-replications 100 --max-replications 2000 --summary-json OUT/p.json|" env
run_job "precision-np3" "precision|run reference-r1 --precision 0.05 --min-replications 100 --max-replications 2000 --summary-json OUT/p.json|" "${mpirun[@]}" -np 3
$same precision-single/p.json precision-np3/p.json || fail "a run to precision differs with 3 ranks"

# A command with no loop to split runs on rank 0 alone (bench also runs replications).
"${mpirun[@]}" -np 2 "$binary" bench -n 20 --rounds 1 --skip-default > bench.out 2> bench.err ||
  fail "bench under mpirun: $(cat bench.err)"

# Rank 0 refuses an output the others do not check: they end with it, at once.
touch exists.h5
status=0
timeout 60 "${mpirun[@]}" -np 3 "$binary" run -n 100 --out exists.h5 > refused.out 2> refused.err || status=$?
[ "$status" -eq 2 ] || fail "an existing --out under mpirun: exit status $status, not 2"
grep -q "exists already" refused.err || fail "an existing --out under mpirun: no message"

# Ranks that read different files under one name (a node's own copy, an edit
# while the job starts) refuse to mix them: each rank's scenario.toml here has
# another seed, then another number of replications. Before, the first wrote
# a run file claiming a seed it could not be reproduced from, exit 0; the
# second ended in an "internal error".
for rank in 0 1; do mkdir -p "rank$rank"; done
cat > rank-dir.sh << EOF
#!/bin/bash
cd "$tmp/rank\${OMPI_COMM_WORLD_RANK}" && exec "$binary" "\$@"
EOF
chmod +x rank-dir.sh
for differing in "seed = 1|seed = 2" "replications = 100|replications = 300"; do
  printf 'extends = "convention-2021"\n[run]\n%s\n' "${differing%|*}" > rank0/scenario.toml
  printf 'extends = "convention-2021"\n[run]\n%s\n' "${differing#*|}" > rank1/scenario.toml
  status=0
  timeout 60 "${mpirun[@]}" -np 2 ./rank-dir.sh run scenario.toml -j 1 --out "$tmp/mixed.h5" \
    > mixed.out 2> mixed.err || status=$?
  [ "$status" -eq 2 ] || fail "ranks reading '${differing%|*}' and '${differing#*|}': exit status $status, not 2"
  grep -q "the ranks of this job read different inputs" mixed.err ||
    fail "ranks reading different inputs: no message ($(head -c 300 mixed.err))"
  [ ! -e "$tmp/mixed.h5" ] || fail "ranks reading different inputs: a run file was written"
  echo "ranks reading '${differing%|*}' and '${differing#*|}': refused, exit 2, nothing written"
done

# ---- Faults --------------------------------------------------------------------------
fnesim_processes() { pgrep -f "$binary run -n 100000000" || true; }

rank_pid() {  # rank: the pid of that rank of the run
  local pid
  for pid in $(fnesim_processes); do
    if tr '\0' '\n' < "/proc/$pid/environ" 2> /dev/null | grep -qx "OMPI_COMM_WORLD_RANK=$1"; then
      echo "$pid"
      return
    fi
  done
}

stop_midway() {  # how: kill-rank-1 | kill-rank-0 | term-mpirun
  local how=$1 target="$tmp/$1.h5"
  "${mpirun[@]}" -np 2 "$binary" run -n 100000000 -j 1 --out "$target" > "$how.out" 2> "$how.err" &
  local launcher=$!
  # Until the run file's temporary exists: rank 0 is writing replications.
  for _ in $(seq 300); do
    compgen -G "$target.tmp.*" > /dev/null && break
    sleep 0.1
  done
  sleep 1
  local victim=""
  case $how in
    kill-rank-1) victim=$(rank_pid 1) ;;
    kill-rank-0) victim=$(rank_pid 0) ;;
  esac
  if [ "$how" = term-mpirun ]; then
    kill -TERM "$launcher"
  elif [ -n "$victim" ]; then
    kill -KILL "$victim"
  else
    fail "$how: no such rank running"
    kill -KILL "$launcher"
  fi
  local status=0
  wait "$launcher" || status=$?
  sleep 1
  [ "$status" -ne 0 ] || fail "$how: mpirun exited 0"
  [ ! -e "$target" ] || fail "$how: $target exists"
  if [ "$how" != kill-rank-0 ] && compgen -G "$target.tmp.*" > /dev/null; then
    fail "$how: a temporary file was left: $(compgen -G "$target.tmp.*")"
  fi
  [ -z "$(fnesim_processes)" ] || fail "$how: fnesim processes left: $(fnesim_processes)"
  echo "$how: exit status $status, nothing written, no process left"
}
stop_midway kill-rank-1
stop_midway kill-rank-0
stop_midway term-mpirun

if ((failures > 0)); then
  echo "mpi_test: $failures failure(s)" >&2
  exit 1
fi
echo "mpi_test: every output the same with 1, 2 and 3 ranks; every fault clean"
