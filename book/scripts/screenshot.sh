#!/usr/bin/env bash
# Render the book and take screenshots of chapter pages in headless Chromium,
# to check that traces, tables and figures are whole (or scroll in their own
# box) at the widths readers use.
#
#   book/scripts/screenshot.sh            # chapters 01 and 02, at 1280 and 1920 px
#   book/scripts/screenshot.sh 03 04      # other chapters
#   WIDTHS="1280" HEIGHT=6000 book/scripts/screenshot.sh 02
#
# Writes target/screenshots/chNN-<width>.png and prints, for each, the code
# blocks, tables and figures wider than their box (they scroll inside it);
# exits non-zero when there is any, so "everything fits" is checked, not
# eyeballed. (The full diff under "What changed" is collapsed, and scrolls
# in its own box when opened, so it does not count.) Needs a
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

chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$PROFILE" --virtual-time-budget=3000 "$@" 2>/dev/null
}

# The measuring script: after the page has loaded, list every code block,
# table and figure that is wider than its box (it would scroll inside
# itself) and append the list to the page, where --dump-dom shows it. It is
# put on one line and through sed before it goes into the page, so: no //
# comments, no backslashes, no ampersands. The marker is built at run time so it never matches itself.
PROBE='<script>
window.addEventListener("load", function () {
  var wide = [];
  document.querySelectorAll(".content pre > code, .content table, .content figure img")
    .forEach(function (el) {
      if (el.offsetParent === null) { return; }
      if (el.closest("details")) { return; }
      if (el.scrollWidth > el.clientWidth + 1) {
        wide.push(el.tagName.toLowerCase() + " " + el.scrollWidth + "px in " + el.clientWidth +
          "px: " + (el.textContent || el.getAttribute("src") || "").trim()
            .split(String.fromCharCode(10))[0].slice(0, 50));
      }
    });
  var out = document.createElement("div");
  out.id = "workbook-overflow";
  out.textContent = ["WORKBOOK", "WIDE", wide.length].join("-") + ": " + wide.join(" | ");
  document.body.appendChild(out);
});
</script>'

status=0
for nn in "${CHAPTERS[@]}"; do
  page=$(find book/book -name "ch${nn}-*.html" | head -n 1)
  if [ -z "$page" ]; then
    echo "no rendered page for chapter $nn under book/book/" >&2
    exit 1
  fi
  # A copy beside the page, so its relative links (CSS, figures) still work.
  probe="${page%.html}.probe.html"
  sed "s#</body>#${PROBE//$'\n'/ }</body>#" "$page" > "$probe"
  for width in $WIDTHS; do
    png="$OUT/ch${nn}-${width}.png"
    chrome --window-size="${width},${HEIGHT}" --screenshot="$png" "file://$PWD/$page" >/dev/null
    wide=$(chrome --window-size="${width},${HEIGHT}" --dump-dom "file://$PWD/$probe" \
      | grep -o 'WORKBOOK-WIDE-[0-9]*: [^<]*' || echo "WORKBOOK-WIDE-?: the probe did not run")
    case "$wide" in
      "WORKBOOK-WIDE-0: ") echo "$png  (everything fits)" ;;
      *) echo "$png  wider than its box (scrolls inside it): ${wide#WORKBOOK-WIDE-}"; status=1 ;;
    esac
  done
  rm -f "$probe"
done
exit $status
