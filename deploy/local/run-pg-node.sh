#!/usr/bin/env bash
# One member of the failover topology (Infrastructure:Topology=cluster), in the foreground under pg_auto_failover:
#   run-pg-node.sh monitor DATA_DIR PORT                 the monitor: a small Postgres holding the formation's state,
#                                                        which decides which node is primary
#   run-pg-node.sh node DATA_DIR PORT MONITOR_PORT NAME  a data node: the first to register becomes the primary, the
#                                                        next a streaming standby (synchronous: see docs/operations.md)
# A node keeps its role across restarts; a killed primary comes back as the standby (pg_rewind), never as a second
# primary. Whichever node is primary provisions the services' roles and databases (provision-roles.sh, idempotent);
# the standby receives them by replication. Data lives under DATA_DIR (or /var/tmp, as run-postgres.sh explains).
set -euo pipefail
kind=${1:?monitor|node}; data=${2:?data dir}; port=${3:?port}
here=$(cd "$(dirname "$0")" && pwd)
bin=$("$here/pg-bin.sh")
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }

. "$(dirname "$0")/pg-data-dir.sh"
# pg_autoctl keeps its configuration and state under XDG folders: keep them with the data, not in the user's home.
autoctl() {
  as_pg env PATH="$bin:$PATH" XDG_CONFIG_HOME="$data/xdg/config" XDG_DATA_HOME="$data/xdg/data" \
    XDG_RUNTIME_DIR="$data/xdg/run" pg_autoctl "$@"
}
as_pg mkdir -p "$data/xdg/config" "$data/xdg/data" "$data/xdg/run"
# One statement as postgres on the node listening on port $1 (every node's socket is in /var/run/postgresql).
sql() { as_pg "$bin/psql" -X -Atq -p "$1" -h /var/run/postgresql -U postgres -d postgres -c "$2" 2>/dev/null; }
# An immediate checkpoint on the formation's primary if a pg_basebackup there is waiting for one.
# Best effort (under set -e, a failed look must not end the script): the next second tries again.
checkpoint_for_basebackup() {
  local primary
  primary=$(as_pg "$bin/psql" -X -Atq -h 127.0.0.1 -p "$monitor_port" -U autoctl_node -d pg_auto_failover -c \
    "select node_port from pgautofailover.get_nodes('default') where node_is_primary and node_port <> $port limit 1" 2>/dev/null) || return 0
  [ -n "$primary" ] || return 0
  if [ "$(sql "$primary" "select count(*) from pg_stat_progress_basebackup where phase = 'waiting for checkpoint to finish'")" != 0 ]; then
    sql "$primary" 'checkpoint' >/dev/null
  fi
}

if [ "$kind" = monitor ]; then
  if [ ! -f "$data/db/PG_VERSION" ]; then
    autoctl create monitor --pgdata "$data/db" --pgport "$port" --hostname 127.0.0.1 --listen 127.0.0.1 \
      --auth trust --no-ssl --pgctl "$bin/pg_ctl" >/dev/null
  fi
else
  monitor_port=${4:?monitor port}; name=${5:?node name}
  monitor="postgres://autoctl_node@127.0.0.1:$monitor_port/pg_auto_failover?sslmode=disable"
  if [ ! -f "$data/db/PG_VERSION" ]; then
    # --skip-pg-hba: the rules are ours (below): trust only for pg_auto_failover's own roles on loopback, passwords
    # (scram) for every service login. A standby copies them with the rest of the primary's data folder.
    for _ in $(seq 1 300); do
      autoctl create postgres --pgdata "$data/db" --pgport "$port" --hostname 127.0.0.1 --listen 127.0.0.1 \
        --name "$name" --skip-pg-hba --no-ssl --monitor "$monitor" --pgctl "$bin/pg_ctl" >"$data/create.log" 2>&1 &
      create=$!
      # Joining as the standby, this node is built by pg_basebackup, which waits for a checkpoint on the primary, by
      # default a spread one lasting minutes: while the build runs (and only then), ask the primary for an immediate one.
      while kill -0 "$create" 2>/dev/null; do checkpoint_for_basebackup || true; sleep 1; done
      wait "$create" && break
      sleep 1 # the monitor is not up yet, or the primary is still being created
    done
    [ -f "$data/db/PG_VERSION" ] || { cat "$data/create.log" >&2; exit 1; }
    as_pg tee "$data/db/pg_hba.conf" >/dev/null <<'HBA'
local all all trust
host replication pgautofailover_replicator 127.0.0.1/32 trust
host all pgautofailover_replicator 127.0.0.1/32 trust
host all pgautofailover_monitor 127.0.0.1/32 trust
host all all 127.0.0.1/32 scram-sha-256
HBA
    as_pg tee -a "$data/db/postgresql.conf" >/dev/null <<'CONF'
# Procedures: the same server settings as the single-node topology (run-postgres.sh).
max_connections = 600
shared_buffers = 256MB
fsync = on
password_encryption = scram-sha-256
CONF
  fi
fi

# The keeper reaches its own server through the default socket folder.
mkdir -p /var/run/postgresql && chown postgres:postgres /var/run/postgresql 2>/dev/null || true
# Failover in about 32 s instead of 52 (measured; docs/operations.md): the monitor counts a node failed 10 s after its last report
# (default 20) and promotes the standby 15 s after deciding (primary_demote_timeout, default 30), which stays longer than
# a primary cut off from the monitor keeps serving before it demotes itself (network_partition_timeout, 10 s here,
# default 20), so two primaries never take writes at once.
if [ "$kind" = node ]; then autoctl config set --pgdata "$data/db" timeout.network_partition_timeout 10 >/dev/null; fi
autoctl run --pgdata "$data/db" &
keeper=$!
stop() { kill -TERM "$keeper" 2>/dev/null || true; }
trap stop TERM INT

if [ "$kind" = monitor ]; then
  until sql "$port" 'select 1' >/dev/null; do kill -0 "$keeper" 2>/dev/null || break; sleep 1; done
  sql "$port" "alter system set pgautofailover.node_considered_unhealthy_timeout = 10000" >/dev/null || true
  sql "$port" "alter system set pgautofailover.primary_demote_timeout = 15000" >/dev/null || true
  sql "$port" "select pg_reload_conf()" >/dev/null || true
fi

# The primary provisions the services' roles and databases once per start (the standby gets them by replication, and a
# standby promoted later already has them): wait until this node serves, then provision if it is the primary.
while [ "$kind" = node ] && kill -0 "$keeper" 2>/dev/null; do
  case "$(sql "$port" 'select pg_is_in_recovery()')" in
    f) "$here/provision-roles.sh" /var/run/postgresql "$port" && break ;;
    t) break ;;
  esac
  sleep 1
done
wait "$keeper" || true
