#!/usr/bin/env bash
# Runs a private PostgreSQL in the foreground (for the AppHost and the test fixtures).
#   run-postgres.sh DATA_DIR PORT
# Initialises DATA_DIR on first use (owned by 'postgres', mode 700; the server refuses to run as root).
# PROCEDURES_PG_ROLES (optional, set by the AppHost): space-separated "db:owner:owner_password:login:login_password";
# once the server answers, each service's owner role, login and database are provisioned (provision-postgres.sql).
# If the 'postgres' user cannot reach DATA_DIR (a parent folder without o+x, e.g. a mktemp clone), the
# data goes under /var/tmp instead and a note says so.
set -euo pipefail
data=${1:?data dir}; port=${2:?port}
password=${PROCEDURES_PG_PASSWORD:-procedures-dev}
bin=$("$(dirname "$0")/pg-bin.sh")

as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

. "$(dirname "$0")/pg-data-dir.sh"
sock="$data/socket"; mkdir -p "$sock"; chown postgres:postgres "$sock" 2>/dev/null || true

if [ ! -f "$data/db/PG_VERSION" ]; then
  pw=$(mktemp); echo "$password" > "$pw"; chown postgres "$pw" 2>/dev/null || true
  as_pg "$bin/initdb" -D "$data/db" -U postgres --pwfile="$pw" --auth-local=trust --auth-host=scram-sha-256 \
    -E UTF8 --locale=C.UTF-8 >/dev/null
  rm -f "$pw"
fi
# A restart can start us while the previous server is still shutting down: give it time to let go of the data folder.
if [ -f "$data/db/postmaster.pid" ]; then
  for _ in $(seq 1 60); do
    kill -0 "$(head -1 "$data/db/postmaster.pid" 2>/dev/null)" 2>/dev/null || break
    sleep 1
  done
fi
# A stale pid file from a killed run would stop the server from starting.
if [ -f "$data/db/postmaster.pid" ] && ! kill -0 "$(head -1 "$data/db/postmaster.pid")" 2>/dev/null; then
  rm -f "$data/db/postmaster.pid"
fi
# SIGTERM is Postgres's "smart" shutdown, which waits for every client (connection pools never leave) and so never
# ends when the AppHost stops or restarts us: turn a stop into a "fast" shutdown (SIGINT), which ends the sessions.
# pg_stat_statements is loaded (not created: the benchmark creates the extension where it reads it) so the statements each
# service sends can be counted per operation (BENCHMARKS.md); its cost is a hash-table update per statement.
runuser -u postgres -- "$bin/postgres" -D "$data/db" -p "$port" -c listen_addresses=127.0.0.1 \
  -k "$sock" -c max_connections=600 -c shared_buffers=256MB -c fsync=on -c shared_preload_libraries=pg_stat_statements &
server=$!
# A fast shutdown still writes a checkpoint; on a starved machine that can outlast the AppHost's patience, so after
# 10 s it becomes an immediate one (SIGQUIT: the next start replays the WAL, nothing committed is lost).
fast_stop() {
  pkill -INT -P "$server" 2>/dev/null || kill -INT "$server" 2>/dev/null || true
  ( sleep 10; pkill -QUIT -P "$server" 2>/dev/null ) >/dev/null 2>&1 &
}
trap fast_stop TERM INT

if [ -n "${PROCEDURES_PG_ROLES:-}" ]; then
  for _ in $(seq 1 600); do as_pg "$bin/pg_isready" -q -h "$sock" -p "$port" && break; sleep 0.1; done
  "$(dirname "$0")/provision-roles.sh" "$sock" "$port" || fast_stop
fi
wait "$server" || true
wait "$server"
