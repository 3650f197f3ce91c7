#!/usr/bin/env bash
# Benchmarks (figures are ratios against peers measured in the same run; machines are noisy):
#   ingest, native: headroom-core vs the csv crate on ~100 MB (criterion)
#   ingest, browser: Headroom's wasm worker vs Papa Parse vs d3-dsv on the same ~100 MB, one Chromium run
. "$(dirname "$0")/setup.sh"
setup_build browser
build_app
say "npm ci (benchmark peers: papaparse, d3-dsv)"
npm ci --prefix "$ROOT/bench/browser" --no-audit --no-fund --silent
say "criterion: ingest (native)"
cargo bench -p headroom-core --bench ingest
say "browser: ingest in headless Chromium"
cargo run --quiet --release -p headroom-e2e --bin bench-browser
