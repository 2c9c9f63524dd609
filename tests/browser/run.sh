#!/usr/bin/env bash
# OpenSET in a real browser (issue 7): provisions a deployment, starts every party with
# `openset up`, and drives Debian's Chromium through it with playwright-core (e2e.test.mjs):
# shop, pay with SET in the wallet, ship and capture in the back office, read the protocol
# explorer. Screenshots of the main pages go to <work>/screenshots.
# Usage: tests/browser/run.sh <openset binary> <work dir (under the build folder)>
set -euo pipefail
OPENSET=$(realpath "$1")
WORK=$(mkdir -p "$2" && realpath "$2")
HERE=$(cd "$(dirname "$0")" && pwd)
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}

if [[ ! -x "$CHROMIUM" ]]; then
  echo "browser tests: no Chromium at $CHROMIUM; run scripts/setup-deps.sh (it installs Debian's chromium)" >&2
  exit 1
fi
if ! command -v npm >/dev/null; then
  echo "browser tests: npm is missing; run scripts/setup-deps.sh (it installs nodejs and npm)" >&2
  exit 1
fi

# playwright-core from the npm registry, pinned by package-lock.json; installed into the build
# folder (never the source tree), again only when the lock file changed.
if ! cmp -s "$HERE/package-lock.json" "$WORK/package-lock.json" || [[ ! -d "$WORK/node_modules/playwright-core" ]]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" "$WORK/"
  (cd "$WORK" && npm ci --no-audit --no-fund --loglevel=error)
fi

DEPLOY=$(mktemp -d /tmp/openset-browser-XXXXXX)
UP_PID=""
cleanup() {
  if [[ -n "$UP_PID" ]] && kill -0 "$UP_PID" 2>/dev/null; then
    kill -INT "$UP_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$UP_PID" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$UP_PID" 2>/dev/null || true
  fi
  rm -rf "$DEPLOY"
}
trap cleanup EXIT

# A port base with the deployment's ports free (base+1 .. base+19).
port_free() { ! (echo >"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
BASE=""
for _ in $(seq 1 100); do
  b=$(( 30000 + (RANDOM % 1500) * 20 ))
  ok=1
  for p in $(seq 1 19); do port_free $((b + p)) || { ok=0; break; }; done
  if [[ $ok == 1 ]]; then BASE=$b; break; fi
done
[[ -n "$BASE" ]] || { echo "browser tests: no free ports" >&2; exit 1; }

"$OPENSET" up --dir "$DEPLOY/dep" --port-base "$BASE" >"$DEPLOY/up.log" 2>&1 &
UP_PID=$!
for _ in $(seq 1 240); do
  grep -q "The ecosystem is up" "$DEPLOY/up.log" 2>/dev/null && break
  kill -0 "$UP_PID" 2>/dev/null || { cat "$DEPLOY/up.log" >&2; exit 1; }
  sleep 0.5
done
grep -q "The ecosystem is up" "$DEPLOY/up.log" || { echo "browser tests: the services did not start" >&2; cat "$DEPLOY/up.log" >&2; exit 1; }

mkdir -p "$WORK/screenshots" && rm -f "$WORK"/screenshots/*.png
export OPENSET_DEPLOYMENT="$DEPLOY/dep" OPENSET_SCREENSHOTS="$WORK/screenshots" CHROMIUM
status=0
cp "$HERE/e2e.test.mjs" "$WORK/"   # imports resolve from node_modules beside it
# OPENSET_BROWSER_ONLY=<regex>: only the tests whose names match (when working on one page).
filter=()
[[ -n "${OPENSET_BROWSER_ONLY:-}" ]] && filter=(--test-name-pattern "$OPENSET_BROWSER_ONLY")
(cd "$WORK" && node --test --test-reporter=spec "${filter[@]}" e2e.test.mjs) || status=$?
if [[ $status != 0 ]]; then
  echo "---- the services' logs (last lines) ----" >&2
  tail -n 5 "$DEPLOY"/dep/logs/*.log >&2 || true
fi
exit $status
