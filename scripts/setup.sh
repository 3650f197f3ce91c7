# Installs what building and testing Headroom needs, at pinned versions, skipping what is present.
# Sourced by scripts/serve.sh and scripts/test.sh:  . scripts/setup.sh; setup_build [browser]
# Only package registries are used: crates.io (cargo), the npm registry, Debian's packages.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TRUNK_VERSION=0.21.14
# Must equal the `wasm-bindgen` crate pinned with `=` in Cargo.toml (and Trunk.toml's [tools]).
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132.0.0   # wasm-opt version_132, from the npm package `binaryen`
CARGO_FUZZ_VERSION=0.13.1  # the fuzz smoke run (fuzz/run.sh)

export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$ROOT/.tools/node_modules/.bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    say "apt-get install $*"
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        say "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

# ensure_cargo_tool BINARY VERSION CRATE: installs CRATE@VERSION unless BINARY --version says VERSION.
ensure_cargo_tool() {
    local bin=$1 version=$2 crate=$3
    if command -v "$bin" >/dev/null && "$bin" --version 2>/dev/null | grep -qF "$version"; then
        return
    fi
    say "cargo install $crate $version"
    # --locked can fail when the registry mirror lags behind the release's lock file; retry unlocked.
    cargo install "$crate" --version "$version" --locked || cargo install "$crate" --version "$version"
}

ensure_wasm_opt() {
    if command -v wasm-opt >/dev/null && wasm-opt --version | grep -q "version_${BINARYEN_VERSION%%.*}"; then
        return
    fi
    command -v npm >/dev/null || apt_install nodejs npm
    say "npm install binaryen@$BINARYEN_VERSION (into .tools/)"
    npm install --prefix "$ROOT/.tools" --no-audit --no-fund --silent "binaryen@$BINARYEN_VERSION"
}

ensure_browser() {
    if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
        return
    fi
    apt_install chromium chromium-driver
}

check_pins() {
    local locked
    locked=$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')
    if [ "$locked" != "$WASM_BINDGEN_VERSION" ]; then
        echo "Cargo.lock has wasm-bindgen $locked but scripts/setup.sh pins $WASM_BINDGEN_VERSION: keep them equal" >&2
        exit 1
    fi
}

# setup_build [browser]: everything to build the app; with `browser`, also Chromium + chromedriver.
setup_build() {
    cd "$ROOT"
    check_pins
    ensure_wasm_target
    ensure_cargo_tool trunk "$TRUNK_VERSION" trunk
    ensure_cargo_tool wasm-bindgen "$WASM_BINDGEN_VERSION" wasm-bindgen-cli
    ensure_wasm_opt
    if [ "${1:-}" = browser ]; then ensure_browser; fi
    say "cargo fetch (Trunk itself runs offline)"
    cargo fetch --quiet
}

# setup_fuzz: cargo-fuzz for fuzz/run.sh (libFuzzer is built from its crate; no other download).
setup_fuzz() {
    ensure_cargo_tool cargo-fuzz "$CARGO_FUZZ_VERSION" cargo-fuzz
}

build_app() {
    say "trunk build --release"
    trunk build --release
}
