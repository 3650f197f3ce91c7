#!/usr/bin/env bash
# Builds the release app and serves it on http://127.0.0.1:8080 (installs what is missing first).
# Usage: scripts/serve.sh [ADDR]   e.g. scripts/serve.sh 127.0.0.1:9000
. "$(dirname "$0")/setup.sh"
setup_build
build_app
say "serving dist/ — open http://${1:-127.0.0.1:8080}/ and press \"Try sample data\""
exec cargo run --quiet --release -p headroom-e2e --bin headroom-serve -- dist "${1:-127.0.0.1:8080}"
