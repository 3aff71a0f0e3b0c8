#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL server on a loopback port, then stop it.
# Usage: scripts/with-postgres.sh COMMAND [ARGS...]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
pgbin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$pgbin" ]; then
  echo "PostgreSQL is not installed; run scripts/ensure-test-deps.sh" >&2
  exit 1
fi
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# One folder per run, so two suites can run side by side.
dir="$root/var/pgtest-$$"
rm -rf "$dir"
mkdir -p "$dir"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  # PostgreSQL refuses to run as root: run it as the postgres user, in var/ when that
  # user can reach it, else in a private temporary folder.
  chown postgres "$dir"
  if ! runuser -u postgres -- test -w "$dir"; then
    rm -rf "$dir"
    dir="$(mktemp -d /tmp/minga-pgtest.XXXXXX)"
    chown postgres "$dir"
  fi
  as_pg=(runuser -u postgres --)
fi
"${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -U minga --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
stop() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
# Durability is pointless for a throwaway test server; speed is not.
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=100" \
  start >/dev/null
"$pgbin/createdb" -h 127.0.0.1 -p "$port" -U minga minga
echo "PostgreSQL $("$pgbin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port"
MINGA_DATABASE_URL="postgres://minga@127.0.0.1:$port/minga" "$@"
