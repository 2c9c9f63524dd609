#!/bin/sh
# `openset demo --db <PostgreSQL URI>` on the test server of the CTest fixture "postgres": the
# demo succeeds on fresh schemas, a second run on the same schemas is refused clearly, and after
# the schemas are dropped it succeeds again.
#   pg_demo_test.sh <openset binary>   (OPENSET_TEST_POSTGRES_DIR names the server's directory)
set -u
openset=$1
uri=$(cat "$OPENSET_TEST_POSTGRES_DIR/uri") || exit 1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
drop() { psql -q "$uri" -c "DROP SCHEMA IF EXISTS issuer, acquirer, merchant, gateway CASCADE" >/dev/null 2>&1; }

drop
"$openset" demo --out "$out/a" --db "$uri" >"$out/a.log" 2>&1 || { echo "first demo failed"; tail -40 "$out/a.log"; exit 1; }
if "$openset" demo --out "$out/b" --db "$uri" >"$out/b.log" 2>&1; then
  echo "the second demo on the same schemas was not refused"; exit 1
fi
grep -q "already exists" "$out/b.log" || { echo "no clear refusal:"; tail -20 "$out/b.log"; exit 1; }
drop
"$openset" demo --out "$out/c" --db "$uri" >"$out/c.log" 2>&1 || { echo "demo on fresh schemas failed"; tail -40 "$out/c.log"; exit 1; }
drop
echo "pg demo: ok"
