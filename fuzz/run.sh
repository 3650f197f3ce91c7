#!/usr/bin/env bash
# Runs fuzz targets for RUNS executions each (default 10 million), niced, one after the other;
# each run's log goes to fuzz/logs/<target>-<unix time>.log (its last lines hold executions and
# exec/s). An interrupted run (SIGINT to the target's process) prints its totals too; a later run
# resumes from the corpus.
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
    log="fuzz/logs/$t-$(date +%s).log"
    nice -n 19 cargo +nightly fuzz run -s none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -runs="$RUNS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        > "$log" 2>&1
    echo "$t exit $? $(grep -E '^Done' "$log") $(grep -E 'number_of_executed_units|average_exec_per_sec' "$log" | tr '\n' ' ')"
done
