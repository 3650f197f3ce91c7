#!/usr/bin/env bash
# Trunk post-build hook (see Trunk.toml): inserts the page's Content-Security-Policy into the staged
# index.html as a <meta http-equiv> right after <meta charset>. Scripts run only from the page's
# own origin, plus the inline module script Trunk emits to start the app, allowed by its SHA-256
# (it names the hashed wasm-bindgen files, so its hash changes with every build and is computed
# here). WebAssembly compiles under 'wasm-unsafe-eval'; nothing may use eval. Style attributes are
# allowed (ECharts' tooltips are HTML with style attributes); style sheets only from the origin.
# The same policy is sent as an HTTP header by the test server (tests/e2e/src/serve.rs), which reads
# it back from this meta element.
set -euo pipefail
stage="${TRUNK_STAGING_DIR:?this script is run by trunk as a post-build hook}"
node - "$stage/index.html" <<'JS'
const fs = require("fs");
const crypto = require("crypto");
const file = process.argv[2];
let html = fs.readFileSync(file, "utf8");
if (html.includes('http-equiv="Content-Security-Policy"')) {
  throw new Error(`${file} already has a Content-Security-Policy`);
}
// Every inline <script> (one without src): its exact text, as the browser hashes it.
const hashes = [];
for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
  if (/\bsrc\s*=/i.test(m[1])) continue;
  hashes.push(`'sha256-${crypto.createHash("sha256").update(m[2], "utf8").digest("base64")}'`);
}
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(" ")}`.trim(),
  "worker-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self'",
  "style-src-attr 'unsafe-inline'",
  "font-src 'self'",
  "manifest-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join("; ");
const charset = /<meta charset="utf-8"\s*\/?>/i;
if (!charset.test(html)) throw new Error(`${file}: no <meta charset="utf-8"> to put the policy after`);
html = html.replace(charset, (m) => `${m}\n  <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
fs.writeFileSync(file, html);
console.error(`csp.sh: ${hashes.length} inline script hash(es): ${policy}`);
JS
