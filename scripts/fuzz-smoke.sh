#!/usr/bin/env bash
# Short libFuzzer run of every *_fuzz executable in BUILD_DIR/fuzz.
#
# Usage: scripts/fuzz-smoke.sh BUILD_DIR [SECONDS]      (SECONDS per target, default 20)
#
# Each target starts from a scratch copy of fuzz/corpus/<target>/ (or fuzz/corpus/<target
# without _fuzz>/) when one exists, so runs never write into the repository. Prints one line
# per target (executions, units added to the corpus, coverage) and exits non-zero if any
# target crashed, leaked, timed out or hit a sanitizer report. Crash inputs and logs are kept
# in BUILD_DIR/fuzz-smoke/<target>/.
set -uo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 BUILD_DIR [SECONDS]" >&2
  exit 2
fi
BUILD_DIR=$1
SECONDS_PER_TARGET=${2:-20}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ_BIN_DIR="$BUILD_DIR/fuzz"
KEEP_DIR="$BUILD_DIR/fuzz-smoke"

if ! [[ "$SECONDS_PER_TARGET" =~ ^[0-9]+$ ]] || [[ "$SECONDS_PER_TARGET" -eq 0 ]]; then
  echo "fuzz-smoke: SECONDS must be a positive integer, got '$SECONDS_PER_TARGET'" >&2
  exit 2
fi
if [[ ! -d "$FUZZ_BIN_DIR" ]]; then
  echo "fuzz-smoke: no $FUZZ_BIN_DIR (build with: cmake --preset fuzz && cmake --build --preset fuzz)" >&2
  exit 1
fi

mapfile -t targets < <(find "$FUZZ_BIN_DIR" -maxdepth 1 -type f -name '*_fuzz' -perm -u+x | sort)
if [[ ${#targets[@]} -eq 0 ]]; then
  echo "fuzz-smoke: no *_fuzz executables in $FUZZ_BIN_DIR" >&2
  exit 1
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/openset-fuzz-smoke.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
rm -rf "$KEEP_DIR"
mkdir -p "$KEEP_DIR"

# UBSan in the fuzz preset recovers by default; make any report a failure.
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"

echo "fuzz-smoke: ${#targets[@]} target(s), ${SECONDS_PER_TARGET}s each"
failed=()
for bin in "${targets[@]}"; do
  name=$(basename "$bin")
  corpus="$WORK/$name/corpus"
  artifacts="$WORK/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  seeds=0
  for src in "$ROOT/fuzz/corpus/$name" "$ROOT/fuzz/corpus/${name%_fuzz}"; do
    if [[ -d "$src" ]]; then
      find "$src" -maxdepth 1 -type f ! -name '*.md' -exec cp {} "$corpus/" \;
      seeds=$(find "$corpus" -type f | wc -l)
      break
    fi
  done

  log="$WORK/$name/log"
  "$bin" "$corpus" \
    -max_total_time="$SECONDS_PER_TARGET" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" >"$log" 2>&1
  rc=$?

  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  added=$(sed -n 's/^stat::new_units_added: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
  units=$(find "$corpus" -type f | wc -l)
  crashes=$(find "$artifacts" -type f | wc -l)

  if [[ $rc -eq 0 && $crashes -eq 0 ]]; then
    status=ok
  else
    status="FAILED (exit $rc)"
    failed+=("$name")
    mkdir -p "$KEEP_DIR/$name"
    cp "$log" "$KEEP_DIR/$name/log"
    find "$artifacts" -type f -exec cp {} "$KEEP_DIR/$name/" \;
  fi
  printf '%-28s %-18s execs=%-10s new_units=%-6s cov=%-6s ft=%-6s seeds=%s corpus=%s\n' \
    "$name" "$status" "${execs:-?}" "${added:-?}" "${cov:-?}" "${ft:-?}" "$seeds" "$units"
  if [[ $status != ok ]]; then
    echo "---- $name: last lines of the log (full log and inputs in $KEEP_DIR/$name/) ----"
    grep -E 'ERROR|SUMMARY|runtime error|Test unit written|deadly signal|==[0-9]+==' "$log" | head -20
    tail -n 25 "$log"
    echo "----"
  fi
done

if [[ ${#failed[@]} -ne 0 ]]; then
  echo "fuzz-smoke: FAILED: ${failed[*]}"
  exit 1
fi
echo "fuzz-smoke: all ${#targets[@]} target(s) ok"
