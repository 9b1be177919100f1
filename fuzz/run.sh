#!/usr/bin/env bash
# Runs every fuzz target for a fixed time on the stable toolchain and reports crashes.
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]   (default 60)
# Needs cargo-fuzz (`cargo install cargo-fuzz`). Not part of .ci/run: too slow.
# Seeds come from fuzz/seeds/<target>/ (committed); a crash found is kept in
# fuzz/artifacts/<target>/ and should become a test in tests/ once fixed.
set -uo pipefail
cd "$(dirname "$0")"
secs=${1:-60}
status=0
# Inputs up to 16 KiB, but 256 KiB for rubrics: long chains of named values (a
# stack-depth finding of the second hardening round) need more than 16 KiB to reach.
max_len() {
  case "$1" in
    rubric_load) echo 262144 ;;
    *) echo 16384 ;;
  esac
}
for target in rubric_load facts_load formula score; do
  mkdir -p "corpus/$target"
  cp -n seeds/"$target"/* "corpus/$target/" 2>/dev/null || true
  echo "== $target ($secs s)"
  if cargo fuzz run --sanitizer none "$target" "corpus/$target" -- \
      -max_total_time="$secs" -max_len="$(max_len "$target")" -print_final_stats=1 > "last-$target.log" 2>&1; then
    grep -E "^stat::number_of_executed_units|^Done" "last-$target.log" | tail -2
  else
    echo "CRASH or failure in $target: see fuzz/last-$target.log and fuzz/artifacts/$target/"
    status=1
  fi
done
exit $status
