#!/usr/bin/env bash
# Runs every *_bench program in BUILD_DIR/bench. Each program measures OpenSET against a baseline
# (usually OpenSSL) in the same run and prints its own ratio table after the Google Benchmark
# output.
#
# Usage: scripts/run-benchmarks.sh BUILD_DIR [--quick] [-- extra Google Benchmark flags]
#   --quick   a short minimum time per benchmark and per paired comparison (for CI: checks that
#             the benchmarks run and prints rough ratios; use the default for numbers to quote)
set -uo pipefail

usage() {
  echo "usage: $0 BUILD_DIR [--quick] [-- benchmark flags...]" >&2
  exit 2
}

BUILD_DIR=""
QUICK=0
EXTRA=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) QUICK=1 ;;
    --) shift; EXTRA=("$@"); break ;;
    -h|--help) usage ;;
    -*) echo "run-benchmarks: unknown option $1" >&2; usage ;;
    *) [[ -z "$BUILD_DIR" ]] || usage; BUILD_DIR=$1 ;;
  esac
  shift
done
[[ -n "$BUILD_DIR" ]] || usage

BENCH_DIR="$BUILD_DIR/bench"
if [[ ! -d "$BENCH_DIR" ]]; then
  echo "run-benchmarks: no $BENCH_DIR (configure a preset with OPENSET_BENCH=ON, e.g. release)" >&2
  exit 1
fi
mapfile -t benches < <(find "$BENCH_DIR" -maxdepth 1 -type f -name '*_bench' -perm -u+x | sort)
if [[ ${#benches[@]} -eq 0 ]]; then
  echo "run-benchmarks: no *_bench programs in $BENCH_DIR" >&2
  exit 1
fi

FLAGS=()
if [[ $QUICK -eq 1 ]]; then
  FLAGS+=(--benchmark_min_time=0.05)
  # Programs that also alternate the contenders (paired ratios) spend this long per pair.
  export OPENSET_BENCH_PAIR_SECONDS=${OPENSET_BENCH_PAIR_SECONDS:-0.1}
fi
FLAGS+=("${EXTRA[@]}")

failed=()
for bin in "${benches[@]}"; do
  name=$(basename "$bin")
  echo "=== $name"
  if ! "$bin" "${FLAGS[@]}"; then
    echo "run-benchmarks: $name FAILED" >&2
    failed+=("$name")
  fi
  echo
done

# The whole purchase, every party in one process (openset bench purchase), in both suites.
OPENSET_BIN="$BUILD_DIR/src/app/openset"
if [[ -x "$OPENSET_BIN" ]]; then
  N=200
  [[ $QUICK -eq 1 ]] && N=20
  for suite in modern set1; do
    echo "=== openset bench purchase -n $N --suite $suite"
    if ! "$OPENSET_BIN" bench purchase -n "$N" --suite "$suite"; then
      failed+=("bench purchase $suite")
    fi
    echo
  done
fi

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "run-benchmarks: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "run-benchmarks: ${#benches[@]} program(s) ok"
