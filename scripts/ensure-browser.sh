#!/usr/bin/env bash
# The browser tests drive Debian's Chromium with Playwright (never a browser
# downloaded by a test tool). Install it, and a font with Chinese glyphs for
# legible screenshots, when missing and we may; otherwise say how.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
fc-list :lang=zh 2>/dev/null | grep -q . || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "Installing ${need[*]} from Debian's packages for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
  echo "The browser tests need: ${need[*]} (Debian: sudo apt-get install ${need[*]})." >&2
  echo "Or point CHROMIUM at a Chromium binary." >&2
  exit 1
fi
