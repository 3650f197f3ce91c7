#!/usr/bin/env bash
# Trunk post-build hook (see Trunk.toml): writes sw.js into the staged build from
# web/sw.template.js, listing every built file and a version that changes when any of them does.
set -euo pipefail
stage="${TRUNK_STAGING_DIR:?this script is run by trunk as a post-build hook}"
root="$(pwd)"
cd "$stage"
assets='"./"'
: > "$stage/.sw-sums"
while IFS= read -r f; do
  assets="$assets, \"$f\""
  sha256sum -- "$f" >> "$stage/.sw-sums"
done < <(find . -type f ! -name sw.js ! -name .sw-sums | sed 's|^\./||' | LC_ALL=C sort)
version="$(sha256sum < "$stage/.sw-sums" | cut -c1-16)"
rm -f "$stage/.sw-sums"
sed -e "s|__VERSION__|$version|" -e "s|__ASSETS__|[$assets]|" "$root/web/sw.template.js" > "$stage/sw.js"
