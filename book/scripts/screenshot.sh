#!/usr/bin/env bash
# Render the book and take screenshots of chapter pages in headless Chromium,
# to check that traces, tables and figures are whole (or scroll in their own
# box) at the widths readers use.
#
#   book/scripts/screenshot.sh            # chapters 01 and 02, at 1280 and 1920 px
#   book/scripts/screenshot.sh 03 04      # other chapters
#   WIDTHS="1280" HEIGHT=6000 book/scripts/screenshot.sh 02
#
# Writes target/screenshots/chNN-<width>.png (and prints the paths). Needs a
# chromium binary (Debian: `apt-get install -y chromium`); CI does not run
# this. Nothing leaves the machine: the pages are file:// URLs, and the flags
# below turn off Chromium's background network traffic.
set -euo pipefail
cd "$(dirname "$0")/../.."

CHROMIUM=${CHROMIUM:-$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)}
if [ -z "$CHROMIUM" ]; then
  echo "no chromium found: install it (Debian: apt-get install -y chromium) or set CHROMIUM=/path" >&2
  exit 1
fi
WIDTHS=${WIDTHS:-"1280 1920"}
HEIGHT=${HEIGHT:-2400}
CHAPTERS=("$@")
[ ${#CHAPTERS[@]} -eq 0 ] && CHAPTERS=(01 02)

cargo xtask book >&2
OUT=target/screenshots
mkdir -p "$OUT"
PROFILE=$(mktemp -d)
trap 'rm -rf "$PROFILE"' EXIT

for nn in "${CHAPTERS[@]}"; do
  page=$(find book/book -name "ch${nn}-*.html" | head -n 1)
  if [ -z "$page" ]; then
    echo "no rendered page for chapter $nn under book/book/" >&2
    exit 1
  fi
  for width in $WIDTHS; do
    png="$OUT/ch${nn}-${width}.png"
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
      --disable-background-networking --disable-component-update --disable-sync \
      --hide-scrollbars --user-data-dir="$PROFILE" --window-size="${width},${HEIGHT}" \
      --virtual-time-budget=3000 --screenshot="$png" "file://$PWD/$page" >/dev/null 2>&1
    echo "$png"
  done
done
