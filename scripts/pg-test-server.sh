#!/usr/bin/env bash
# A throwaway PostgreSQL server for the tests (CTest fixture "postgres", tests/CMakeLists.txt).
#   pg-test-server.sh start <dir>  initdb a cluster in <dir>/data, serve it on a Unix socket in <dir>
#                                  (no TCP), trust auth, create the database openset_test and
#                                  write its URI to <dir>/uri
#   pg-test-server.sh stop <dir>   stop the server (pg_ctl stop -m fast) and remove <dir>
# Both are idempotent. As root the server runs as the `postgres` system user (initdb refuses
# root). The Debian binaries are found in /usr/lib/postgresql/<version>/bin, or on the PATH.
set -euo pipefail

cmd=${1:-}
dir=${2:-}
if [[ -z $cmd || -z $dir ]]; then
  echo "usage: $0 start|stop <dir>" >&2
  exit 2
fi

bindir=""
for d in /usr/lib/postgresql/*/bin; do
  [[ -x $d/initdb ]] && bindir=$d
done
if [[ -z $bindir ]]; then
  if command -v initdb >/dev/null 2>&1; then
    bindir=$(dirname "$(command -v initdb)")
  else
    echo "pg-test-server: no PostgreSQL server binaries (initdb) found; install postgresql" >&2
    exit 1
  fi
fi

as_server() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case $cmd in
  start)
    if [[ -f $dir/uri ]] && as_server "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      cat "$dir/uri"
      exit 0
    fi
    rm -rf "$dir"
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [[ $(id -u) -eq 0 ]]; then
      chown postgres: "$dir"
    fi
    as_server "$bindir/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      exit 1
    }
    # No TCP; the socket in <dir>; enough connections for parallel tests.
    as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null || {
      cat "$dir/server.log" >&2
      exit 1
    }
    as_server "$bindir/createdb" -h "$dir" -U postgres openset_test
    uri="postgresql:///openset_test?host=$dir&user=postgres"
    echo "$uri" >"$dir/uri.tmp"
    mv "$dir/uri.tmp" "$dir/uri"
    chmod 0755 "$dir"
    echo "$uri"
    ;;
  stop)
    if [[ -d $dir/data ]]; then
      as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: $0 start|stop <dir>" >&2
    exit 2
    ;;
esac
