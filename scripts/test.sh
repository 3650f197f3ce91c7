#!/usr/bin/env bash
# Runs every check and test (installs what is missing first):
# formatting, clippy (native and wasm32), native tests of core and CLI, component tests in headless
# Chromium (wasm-bindgen-test), end-to-end tests of the release build in real Chromium, and a short
# run of every fuzz target.
. "$(dirname "$0")/setup.sh"
setup_build browser

# Every cargo test's output is also kept, to close with one total line.
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
tests() { "$@" 2>&1 | tee -a "$LOG"; }

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (native crates, then the app for wasm32)"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy -p headroom --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

build_app

say "component tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER="$(command -v chromedriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    tests cargo test -p headroom --target wasm32-unknown-unknown

say "native tests: core, CLI, app logic, end-to-end in Chromium against dist/"
tests cargo test

say "fuzz smoke: every fuzz target for 20,000 executions from its committed seeds (the long runs are outside CI: fuzz/README.md)"
setup_fuzz
fuzz_status=0
RUNS=20000 bash fuzz/run.sh || fuzz_status=$?

awk '/^test result:/ { for (i = 2; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "total: %d passed, %d failed\n", p, f }' "$LOG"
[ "$fuzz_status" -eq 0 ] || { echo "fuzz smoke: a target failed (see above)" >&2; exit "$fuzz_status"; }
