#!/bin/bash
# The revision a binary is stamped with (cmake/git_revision.cmake), on a
# scratch checkout: the commit's own when the tree is the commit's, with
# `-modified` when a tracked file changed or when a file the build reads is
# new and untracked (a source the globs compile, a built-in scenario), and
# not for other untracked files (a run file written in the checkout, a
# scenario in a subdirectory, which is not built in).
# Usage: git_revision_test.sh SOURCE_DIR   (needs git)
# Registered in tests/CMakeLists.txt as the ctest `git_revision_stamp`.
set -euo pipefail
if [ $# -ne 1 ]; then
  echo "usage: $0 SOURCE_DIR" >&2
  exit 2
fi
script="$(cd "$1" && pwd)/cmake/git_revision.cmake"
# Run from a git hook, GIT_DIR and its kind would point git at the caller's repository.
unset $(git rev-parse --local-env-vars)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
checkout="$scratch/checkout"
mkdir -p "$checkout/sim" "$checkout/scenarios/backtest"
cd "$checkout"
git init -q .
echo "int main() {}" > sim/engine.cpp
echo 'name = "default"' > scenarios/default.toml
git add .
git -c user.name=test -c user.email=test@example.org -c commit.gpgsign=false commit -qm "scratch"
head=$(git rev-parse --short=12 HEAD)
failures=0
# expect WHAT SUFFIX: the stamp is the head's, then SUFFIX ("" or "-modified").
expect() {
  cmake -DSOURCE_DIR="$checkout" -DOUTPUT="$scratch/revision.hpp" -P "$script"
  if grep -q "git_revision = \"$head$2\";" "$scratch/revision.hpp"; then
    echo "ok: $1"
  else
    echo "FAILED: $1: expected \"$head$2\", got: $(grep git_revision "$scratch/revision.hpp")"
    failures=$((failures + 1))
  fi
}
expect "the commit itself" ""
touch run.h5
expect "a run file written in the checkout" ""
echo 'name = "held out"' > scenarios/backtest/member.toml
expect "a scenario in a subdirectory (not built in)" ""
echo "int helper() { return 1; }" > sim/helper.cpp
expect "a new source the globs compile" "-modified"
rm sim/helper.cpp
echo 'name = "new"' > scenarios/new.toml
expect "a new built-in scenario" "-modified"
rm scenarios/new.toml
echo "// changed" >> sim/engine.cpp
expect "a tracked source changed" "-modified"
git checkout -q sim/engine.cpp
expect "the commit again" ""
[ "$failures" -eq 0 ]
