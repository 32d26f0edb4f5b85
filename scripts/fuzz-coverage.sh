#!/usr/bin/env bash
# The source coverage the fuzzers' corpora reach (docs/reliability.md): replays
# each corpus grown by scripts/fuzz.sh (build/fuzz/corpus/<target>) through the
# targets built with clang's source-based coverage, and reports the lines and
# branches covered in the code each target exists to exercise.
# Usage: scripts/fuzz-coverage.sh [TARGET...]    (default: all three)
set -euo pipefail
cd "$(dirname "$0")/.."

targets=("$@")
((${#targets[@]})) || targets=(scenario actuals run_file)

cmake --preset fuzz-coverage >/dev/null
cmake --build --preset fuzz-coverage
build=build/fuzz-coverage
export LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp"

for target in "${targets[@]}"; do
  corpus=build/fuzz/corpus/$target
  [[ -d $corpus ]] || { echo "$target: no corpus in $corpus (run scripts/fuzz.sh first)"; exit 2; }
  case $target in
    scenario) sources=(sim/scenario/*.cpp) ;;
    actuals) sources=(sim/forecast/actuals_reader.cpp sim/forecast/actuals_conditioning.cpp) ;;
    run_file) sources=(results/run_file_reader.cpp results/run_file_checks.cpp results/hdf5*.cpp) ;;
  esac
  profiles=$build/profiles/$target
  rm -rf "$profiles" && mkdir -p "$profiles"
  # -runs=0: each input of the corpus once, nothing new.
  LLVM_PROFILE_FILE="$profiles/%p.profraw" "$build/tests/fuzz/${target}_fuzzer" -runs=0 -timeout=30 \
      -rss_limit_mb=4096 "$corpus" >"$build/replay-$target.log" 2>&1
  llvm-profdata-14 merge -sparse "$profiles"/*.profraw -o "$profiles/merged.profdata"
  echo "=== $target: $(ls "$corpus" | wc -l) inputs ==="
  llvm-cov-14 report "$build/tests/fuzz/${target}_fuzzer" -instr-profile="$profiles/merged.profdata" \
      "${sources[@]}" | tail -n +1
done
