#!/usr/bin/env bash
# Headroom's trend models against Python peers — statsmodels ExponentialSmoothing, statsforecast AutoETS
# and MSTL, Prophet — in one run: speed on synthetic series, accuracy on real NAB series (issue 4).
# A benchmark, not a test: it is not run by CI.
#
#   bench/peers/run.sh [peers.py options, e.g. --skip-speed, --only nyc_taxi, --repeats 1, --timeout 1800]
#   target/peer-venv/bin/python bench/peers/peers.py --from-json target/peers/results.json   # re-print a report
#   bench/peers/run.sh --skip-speed --days 5 --peers-from target/peers/results-earlier.json   # Headroom again, the peers' accuracy kept
#
# Makes a throwaway venv in target/peer-venv (kept and reused) with the pinned peers from PyPI
# (bench/peers/requirements.txt), builds the release CLI (in $CARGO_TARGET_DIR, default target/),
# writes the synthetic series with the forecast_series example, and runs peers.py. Report: stdout and
# target/peers/report.md; JSON: target/peers/results.json. Slow peers take minutes on the 1-year series.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/target/peer-venv"
OUT="$ROOT/target/peers"
DATA="$ROOT/../shared/data/nab"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'bench/peers: %s\n' "$*" >&2; exit 1; }

command -v "$PYTHON" >/dev/null || die "no '$PYTHON' on PATH: install Python 3.11 (Debian: apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.11"
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' ||
    die "$("$PYTHON" --version 2>&1) is too old: the pinned peers (numpy 2.4) need Python >= 3.11; set PYTHON=/path/to/python3.11"
"$PYTHON" -c 'import venv, ensurepip' 2>/dev/null ||
    die "$PYTHON has no working venv module (Debian: apt-get install python3-venv)"
command -v cargo >/dev/null || die "no cargo on PATH (see scripts/setup.sh)"
[ -d "$DATA" ] || die "$DATA is missing: the real series come from ../shared/data (see its README.md)"

if [ ! -x "$VENV/bin/python" ]; then
    say "python venv: $VENV"
    "$PYTHON" -m venv "$VENV" || die "could not create a venv at $VENV with $PYTHON"
fi
say "pip install -r bench/peers/requirements.txt (PyPI)"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r bench/peers/requirements.txt

say "cargo build --release -p headroom-cli (target: $CARGO_TARGET_DIR)"
cargo build --quiet --release -p headroom-cli
say "synthetic series: cargo run --release -p headroom-core --example forecast_series"
mkdir -p "$OUT/series"
cargo run --quiet --release -p headroom-core --example forecast_series -- "$OUT/series"

say "peers.py (minutes: the slowest peers run once on the 1-year series)"
"$VENV/bin/python" bench/peers/peers.py \
    --headroom "$CARGO_TARGET_DIR/release/headroom" \
    --synthetic "$OUT/series" \
    --data "$DATA" \
    --out "$OUT/results.json" \
    "$@" | tee "$OUT/report.md"
