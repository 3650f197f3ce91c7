#!/usr/bin/env bash
# Runs every check and test (installs what is missing first):
# formatting, clippy (native and wasm32), native tests of core and CLI, component tests in headless
# Chromium (wasm-bindgen-test), and end-to-end tests of the release build in real Chromium.
. "$(dirname "$0")/setup.sh"
setup_build browser

say "cargo fmt --check"
cargo fmt --all --check

say "cargo clippy (native crates, then the app for wasm32)"
cargo clippy --all-targets --quiet -- -D warnings
cargo clippy -p headroom --target wasm32-unknown-unknown --all-targets --quiet -- -D warnings

build_app

say "component tests in headless Chromium (wasm-bindgen-test)"
CHROMEDRIVER="$(command -v chromedriver)" \
CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
    cargo test -p headroom --target wasm32-unknown-unknown

say "native tests: core, CLI, end-to-end in Chromium against dist/"
cargo test
