#!/usr/bin/env bash
# Runs fuzz targets for RUNS executions each (default 10 million), niced, one after the other;
# each target's log goes to fuzz/logs/<target>.log (its last lines hold executions and exec/s).
# Usage: bash fuzz/run.sh [target...]   (from the repository root; needs `cargo install cargo-fuzz`
# and a nightly toolchain). New corpus entries go to fuzz/corpus/<target> (not committed); the
# committed seeds are read from fuzz/seeds/<target>. A crash stops that target and leaves the
# input in fuzz/artifacts/<target>/.
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse delimited influx json share_decode policy_json policy_yaml)
mkdir -p fuzz/logs
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    nice -n 19 cargo +nightly fuzz run -s none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -runs="$RUNS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        > "fuzz/logs/$t.log" 2>&1
    echo "$t exit $? $(grep -E '^Done' "fuzz/logs/$t.log") $(grep -E 'average_exec_per_sec' "fuzz/logs/$t.log")"
done
