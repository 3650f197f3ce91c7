#!/usr/bin/env bash
# Runs fuzz targets for RUNS executions each (default 10 million), niced, one after the other;
# each run's log goes to fuzz/logs/<target>-<unix time>.log (its last lines hold executions and
# exec/s). An interrupted run (SIGINT to the target's process) prints its totals too; a later run
# resumes from the corpus. Exits non-zero if any target found a crash, hang or leak (or did not
# build); the failing input is left in fuzz/artifacts/<target>/.
# Usage: bash fuzz/run.sh [target...]   (from the repository root; needs `cargo install cargo-fuzz`)
# The nightly toolchain is used when rustup has it; otherwise stable (`-s none` asks for no
# sanitizer, so cargo-fuzz passes no nightly-only flag). FUZZ_TOOLCHAIN=+name chooses one.
# New corpus entries go to fuzz/corpus/<target> (not committed); the committed seeds are read
# from fuzz/seeds/<target>.
set -u
cd "$(dirname "$0")/.."
RUNS=${RUNS:-10000000}
if [ -z "${FUZZ_TOOLCHAIN+set}" ]; then
    FUZZ_TOOLCHAIN=$(rustup toolchain list 2>/dev/null | grep -q '^nightly' && echo +nightly || true)
fi
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(parse delimited influx json share_decode policy_json policy_yaml)
mkdir -p fuzz/logs
failed=0
for t in "${targets[@]}"; do
    mkdir -p "fuzz/corpus/$t"
    log="fuzz/logs/$t-$(date +%s).log"
    # shellcheck disable=SC2086 # FUZZ_TOOLCHAIN is empty or one word
    nice -n 19 cargo $FUZZ_TOOLCHAIN fuzz run -s none "$t" "fuzz/corpus/$t" "fuzz/seeds/$t" -- \
        -runs="$RUNS" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        > "$log" 2>&1
    status=$?
    echo "$t exit $status $(grep -E '^Done' "$log") $(grep -E 'number_of_executed_units|average_exec_per_sec' "$log" | tr '\n' ' ')"
    if [ $status -ne 0 ]; then
        failed=$((failed + 1))
        echo "$t: failed; the end of $log:" >&2
        tail -n 30 "$log" >&2
    fi
done
exit $((failed > 0))
