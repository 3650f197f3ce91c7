#!/usr/bin/env bash
# Runs every check and test (installs what is missing first):
# formatting, clippy (native and wasm32), native tests of core and CLI, component tests in headless
# Chromium (wasm-bindgen-test), and end-to-end tests of the release build in real Chromium.
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

awk '/^test result:/ { for (i = 2; i <= NF; i++) { if ($i ~ /^passed/) p += $(i-1); if ($i ~ /^failed/) f += $(i-1) } }
     END { printf "total: %d passed, %d failed\n", p, f }' "$LOG"
