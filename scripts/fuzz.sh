#!/usr/bin/env bash
# Fuzzes fnesim's four readers of outside input with libFuzzer, under
# AddressSanitizer and UndefinedBehaviorSanitizer (docs/reliability.md):
#   scenario   scenario TOML text (and one replication of what it accepts)
#   actuals    an actuals CSV (and the posterior of what it accepts)
#   run_file   bytes opened as a run file (and read as every reader reads it)
#   workbench  a request body of `fnesim serve`'s page (JSON values, and the variant they make)
#
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]    (default: 60 s each, all four)
# Builds the `fuzz` preset (clang), seeds each corpus from tests/data,
# scenarios/ and tests/fuzz/regressions/, then runs the targets one after the
# other. The corpora grow in build/fuzz/corpus/ from one call to the next. A
# finding is written to build/fuzz/findings/<target>/ and fails the script:
# once fixed, copy it to tests/fuzz/regressions/<target>/, where the ordinary
# test suite replays it (FuzzRegressions).
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(scenario actuals run_file workbench)

cmake --preset fuzz >/dev/null
cmake --build --preset fuzz

build=build/fuzz
seed_corpus() {
  local target=$1 dir=$build/corpus/$1
  mkdir -p "$dir"
  case $target in
    scenario)
      cp -f scenarios/*.toml tests/data/good/*.toml tests/data/bad/*.toml tests/data/bad/parents/*.toml "$dir"/ ;;
    actuals)
      cp -f scenarios/actuals/*.csv tests/data/actuals/*.csv "$dir"/ ;;
    workbench)
      cp -f tests/data/workbench/* "$dir"/ ;;
    run_file)
      # Small run files of the main layouts: plain, with trajectories, from
      # actuals with uncertain assumptions, with financing.
      local made=$build/seed-run-files
      mkdir -p "$made"
      [[ -f $made/plain.h5 ]] || "$build/fnesim" run tests/data/good/three-regions.toml -n 3 --no-trajectories --out "$made/plain.h5" >/dev/null
      [[ -f $made/trajectories.h5 ]] || "$build/fnesim" run tests/data/good/three-regions.toml -n 2 --out "$made/trajectories.h5" >/dev/null
      [[ -f $made/actuals.h5 ]] || "$build/fnesim" run observed-september-2021 --actuals scenarios/actuals/national-2021-09-15.csv \
          --as-of 2021-09-16 -n 2 --out "$made/actuals.h5" >/dev/null
      [[ -f $made/financing.h5 ]] || "$build/fnesim" run financing-2021 -n 2 --out "$made/financing.h5" >/dev/null
      cp -f "$made"/*.h5 "$dir"/ ;;
  esac
  if compgen -G "tests/fuzz/regressions/$target/*" >/dev/null; then cp -f tests/fuzz/regressions/"$target"/* "$dir"/; fi
}

# HDF5's own leaks on refused files (tests/fuzz/lsan.supp); fnesim's are still found.
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
status=0
for target in "${targets[@]}"; do
  seed_corpus "$target"
  findings=$build/findings/$target
  mkdir -p "$findings"
  log=$build/fuzz-$target.log
  echo "=== $target: ${seconds} s ==="
  # -timeout: an input taking 10 s is a hang (60 s for a run file: a trial
  # reading in a child with its own 30 s limit, then the whole read, under ASan);
  # -rss_limit_mb: a huge allocation.
  # The run file's trial child has no memory limit under ASan (RLIMIT_AS cannot
  # apply there) and HDF5 asks gigabytes for some damaged files before failing:
  # the release binary refuses those within its limit (docs/reliability.md).
  # The run-file target forks its trial child from the fuzzer's process, and a
  # fork while libFuzzer's RSS-watching thread holds an allocator lock leaves
  # the child waiting for its 30 s alarm: under load, a spurious timeout. So
  # that target has no RSS thread, only the limit on one allocation.
  memory_limits=(-rss_limit_mb=2048)
  timeout=10
  [[ $target == run_file ]] && timeout=60 memory_limits=(-rss_limit_mb=0 -malloc_limit_mb=8192)
  if ! "$build/tests/fuzz/${target}_fuzzer" "$build/corpus/$target" -max_total_time="$seconds" \
      -timeout="$timeout" "${memory_limits[@]}" -max_len=262144 -print_final_stats=1 \
      -artifact_prefix="$findings/" >"$log" 2>&1; then
    status=1
    echo "$target: FINDING — see $log and $findings/"
    grep -m5 -E "ERROR|runtime error|invariant broken|Test unit written" "$log" || true
  fi
  # A fault inside the trial reading of a run file (a child process) does not
  # stop the fuzzer but leaves its input here. Replayed in this process
  # without the trial: a fault whose first frame is in libhdf5 is HDF5's own,
  # contained if `fnesim inspect` refuses the file (exit 2); anything else is ours.
  # (Allocator frames are skipped: an allocation HDF5 asks for is HDF5's.)
  for finding in "$findings"/*; do
    [[ -f $finding ]] || continue
    # libFuzzer keeps the slowest inputs (over 10 s under load) as slow-unit-*: for a look, not findings.
    [[ $(basename "$finding") == slow-unit-* ]] && continue
    if [[ $target == run_file ]]; then
      frame=$(FNESIM_FUZZ_WITHOUT_TRIAL=1 "$build/tests/fuzz/run_file_fuzzer" "$finding" 2>&1 |
              grep -E "^ +#[0-9]+ " | grep -vE "__interceptor_|__asan|__sanitizer|libclang_rt| in (malloc|calloc|realloc|free) " | head -1 || true)
      inspect_status=0
      "$build/fnesim" inspect "$finding" >/dev/null 2>&1 || inspect_status=$?
      if [[ $frame == *libhdf5* && $inspect_status == 2 ]]; then
        mkdir -p "$findings/contained-hdf5"
        mv "$finding" "$findings/contained-hdf5/"
        echo "$target: a fault inside HDF5, contained by the trial reading: $findings/contained-hdf5/$(basename "$finding")"
        continue
      fi
    fi
    status=1
    echo "$target: FINDING $finding"
  done
  grep -E "^stat::(number_of_executed_units|peak_rss_mb)" "$log" || true
  grep -E "^#[0-9]+.*(DONE|pulse|NEW)" "$log" | tail -1 || true
done
exit $status
