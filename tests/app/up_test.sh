#!/bin/sh
# `openset up` as the README shows it: provisions a deployment, starts one process per party,
# prints where each listens; `openset wallet buy` pays over HTTP; `openset wallet history` shows
# the purchase; Ctrl-C (SIGINT) stops every service.
#   up_test.sh <openset binary> <work dir>
set -u
openset=$1
dir=$2/up-test
rm -rf "$dir"
mkdir -p "$2"
base=$(( 61000 + ($$ % 200) * 20 ))  # apart from the ranges the C++ service tests draw from
"$openset" up --dir "$dir" --suite set1 --port-base $base > "$2/up-test.out" 2>&1 &
up=$!
i=0
until grep -q "The ecosystem is up" "$2/up-test.out" 2>/dev/null; do
  i=$((i + 1))
  if [ $i -gt 600 ] || ! kill -0 $up 2>/dev/null; then echo "openset up did not come up:"; cat "$2/up-test.out"; kill $up 2>/dev/null; exit 1; fi
  sleep 0.2
done
for name in issuer acquirer ca gateway carrier merchant; do
  grep -q "^  $name " "$2/up-test.out" || { echo "no line for $name"; cat "$2/up-test.out"; kill -INT $up; exit 1; }
done
store=http://127.0.0.1:$((base + 5))
"$openset" wallet buy --wallet "$dir/wallet/config.json" --store $store --item BK-SET:1 --place "1 Main Street" > "$2/up-buy.out" 2>&1
rc=$?
"$openset" wallet history --db "$dir/data/wallet.db" > "$2/up-history.out" 2>&1
# A merchant registers (again) with the MCA of the CA service, over HTTP.
rm -rf "$2/up-register"
"$openset" merchant register --ca-dir "$dir/ca" --ca-url http://127.0.0.1:$((base + 3)) --out "$2/up-register" \
  --passphrase-file "$dir/passphrase" --id MER-0001 --answer "name=Harbour Street Bookshop" \
  --answer "address=1 Harbour Street, Springfield" > "$2/up-register.out" 2>&1
reg_rc=$?
kill -INT $up
wait $up
up_rc=$?
cat "$2/up-buy.out" "$2/up-history.out"
[ $rc -eq 0 ] || { echo "wallet buy failed"; exit 1; }
cat "$2/up-register.out"
[ $reg_rc -eq 0 ] && grep -q "registered" "$2/up-register.out" || { echo "registration over HTTP failed"; exit 1; }
ls "$2/up-register"/*-CertRes.der >/dev/null || { echo "no CertRes saved"; exit 1; }
grep -q "authorized" "$2/up-buy.out" || { echo "the purchase is not authorized"; exit 1; }
grep -q "1 purchase(s)" "$2/up-history.out" || { echo "the history does not show it"; exit 1; }
grep -q "merchant stopped" "$2/up-test.out" || { echo "the services were not stopped"; cat "$2/up-test.out"; exit 1; }
[ $up_rc -eq 0 ] || { echo "openset up exited $up_rc"; exit 1; }
if pgrep -f "serve .* --config $dir/" >/dev/null; then echo "a service is still running"; exit 1; fi
grep -q "4111111111111111" "$dir"/logs/*.jsonl && { echo "a PAN in the logs"; exit 1; }
rm -rf "$dir"
echo "openset up: ok"
