#!/usr/bin/env bash
# Installs Debian's chromium for the browser tests of the HTML reports (test/browser.test.ts).
# For .ci/run, before `npm test`:   bash scripts/ci-install-chromium.sh
# Quiet unless something fails; does nothing when chromium is already there.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >"$log" 2>&1; then
  cat "$log" >&2
  echo "ci-install-chromium: installing chromium failed" >&2
  exit 1
fi
/usr/bin/chromium --version 2>/dev/null | head -1 || true
