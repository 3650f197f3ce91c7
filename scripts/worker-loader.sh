#!/usr/bin/env bash
# Trunk post-build hook (see Trunk.toml): Trunk's loader shim for the worker starts wasm-bindgen's
# init with a bare path, which wasm-bindgen 0.2.130 accepts but warns about in the console of every
# worker ("using deprecated parameters for the initialization function"). Passes it as an object.
set -euo pipefail
stage="${TRUNK_STAGING_DIR:?this script is run by trunk as a post-build hook}"
loader="$stage/headroom-worker_loader.js"
old='wasm_bindgen("./headroom-worker_bg.wasm")'
new='wasm_bindgen({ module_or_path: "./headroom-worker_bg.wasm" })'
if ! grep -qF "$old" "$loader"; then
  echo "worker-loader.sh: $loader does not start the worker as expected; check Trunk's loader shim" >&2
  exit 1
fi
sed -i "s|wasm_bindgen(\"./headroom-worker_bg.wasm\")|$new|" "$loader"
