#!/usr/bin/env bash
# Times `perfeval score` on the shipped example, process start to exit, and reports its
# peak memory. Usage: [PERFEVAL_BIN=path] bench/score.sh [RUNS]   (default 200)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-200}
# PERFEVAL_BIN times another build of the same sources (the static one in the README).
bin=${PERFEVAL_BIN:-target/release/perfeval}
if [ -z "${PERFEVAL_BIN:-}" ]; then
  cargo build --release --quiet
fi
example=examples/luohu-2023.toml

"$bin" score "$example" --format json > /dev/null   # warm the file cache
start=$(date +%s%N)
for _ in $(seq "$runs"); do
  "$bin" score "$example" --width 120 > /dev/null
done
end=$(date +%s%N)
total_ms=$(( (end - start) / 1000000 ))
per_run_us=$(( (end - start) / 1000 / runs ))

rss_kib=$(/usr/bin/time -f %M "$bin" score "$example" --width 120 2>&1 >/dev/null | tail -n 1)
echo "runs: $runs"
echo "wall time per run (process start to exit): ${per_run_us} µs  (total ${total_ms} ms)"
echo "throughput: $(( runs * 1000 / (total_ms > 0 ? total_ms : 1) )) files/s, one process per file"
echo "peak memory (max RSS): ${rss_kib} KiB"
