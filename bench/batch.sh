#!/usr/bin/env bash
# Benchmarks `perfeval batch` on synthetic archives of 10,000 and 100,000 facts files:
# files per second, the floor measured in the same run (reading and parsing the same
# files as TOML, with the same threads), the ratio of the two, and peak memory.
#
# Usage: bench/batch.sh [N ...]   (default: 10000 100000)
# Archives are generated once under ${BENCH_DIR:-target/bench-archives}.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("${@:-10000 100000}")
# shellcheck disable=SC2206
sizes=(${sizes[*]})
root=${BENCH_DIR:-target/bench-archives}

cargo build --release --quiet --bin perfeval --example gen_archive
bin=target/release/perfeval
gen=target/release/examples/gen_archive

runs=${BENCH_RUNS:-3}
# Prints "<seconds> <max RSS KiB>" of a command, its output discarded: the fastest of
# $runs runs, and the largest peak memory seen.
measure() {
  local best="" peak=0 s k
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o /tmp/perfeval-bench-time "$@" > /dev/null 2> /dev/null || true
    read -r s k < /tmp/perfeval-bench-time
    if [ -z "$best" ] || awk -v a="$s" -v b="$best" 'BEGIN { exit !(a < b) }'; then best=$s; fi
    if [ "$k" -gt "$peak" ]; then peak=$k; fi
  done
  echo "$best $peak"
}

printf '%-8s %12s %12s %8s %12s %10s\n' files "batch f/s" "floor f/s" ratio "batch time" "peak RSS"
for n in "${sizes[@]}"; do
  dir="$root/$n"
  if [ ! -f "$dir/.complete" ]; then
    rm -rf "$dir"
    "$gen" "$dir" "$n" 2> /dev/null
    touch "$dir/.complete"
  fi
  find "$dir" -name "*.toml" -exec cat {} + > /dev/null   # warm the page cache for both runs
  read -r floor_s _ < <(measure "$bin" batch "$dir" --parse-only)
  read -r batch_s batch_kib < <(measure "$bin" batch "$dir" --format csv)
  awk -v n="$n" -v b="$batch_s" -v f="$floor_s" -v k="$batch_kib" 'BEGIN {
    bs = (b > 0) ? n / b : 0; fs = (f > 0) ? n / f : 0;
    printf "%-8d %12.0f %12.0f %7.0f%% %11.2fs %8.1f MiB\n", n, bs, fs, (fs > 0) ? 100 * bs / fs : 0, b, k / 1024
  }'
done
