#!/usr/bin/env bash
# Installs the Debian 12 packages OpenSET needs to build, test and run.
# A no-op when everything is present (it only calls apt-get for what is missing).
# Usage: scripts/setup-deps.sh [--check]   (--check: list what is missing, install nothing)
set -euo pipefail

PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  clang lld libclang-rt-14-dev          # libFuzzer and sanitizer runtimes
  libssl-dev openssl                    # OpenSSL 3: crypto + the `openssl` cross-check tool
  gnutls-bin                            # certtool: independent certificate checks
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libsqlite3-dev sqlite3
  libboost-dev                          # Boost.Asio and Beast (header-only): the net layer
  postgresql libpq-dev                  # the PostgreSQL back end and its tests (a throwaway server)
  chromium                              # the browser tests (tests/browser: playwright-core drives it)
)
# Node.js and npm run the browser tests (playwright-core from the npm registry). A machine that
# already has a Node.js with npm (e.g. from NodeSource) keeps it: Debian's npm package would
# conflict with it.
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  PACKAGES+=(nodejs npm)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi
if [[ "${1:-}" == "--check" ]]; then
  echo "setup-deps: missing: ${missing[*]}"
  exit 1
fi

echo "setup-deps: installing ${missing[*]}"
SUDO=""
if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null; then SUDO=sudo; else
    echo "setup-deps: not root and no sudo; install these packages by hand: ${missing[*]}" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup-deps: done"
