#!/usr/bin/env bash
# Benchmarks (figures are ratios against peers measured in the same run; machines are noisy):
#   ingest, native: headroom-core vs the csv crate on ~100 MB (criterion)
#   ingest, browser: Headroom's wasm worker vs Papa Parse vs d3-dsv on the same ~100 MB, one Chromium run
#   forecast, peers: `headroom forecast` vs statsmodels, statsforecast, Prophet (speed and accuracy; Python venv)
. "$(dirname "$0")/setup.sh"
setup_build browser
build_app
say "npm ci (benchmark peers: papaparse, d3-dsv)"
npm ci --prefix "$ROOT/bench/browser" --no-audit --no-fund --silent
say "criterion: ingest (native)"
cargo bench -p headroom-core --bench ingest
say "browser: ingest in headless Chromium"
cargo run --quiet --release -p headroom-e2e --bin bench-browser
say "peers: trend models vs statsmodels, statsforecast and Prophet (a Python venv from PyPI)"
bash "$ROOT/bench/peers/run.sh"
