#!/usr/bin/env bash
# Runs a private RabbitMQ node in the foreground (for the AppHost and the test fixtures).
#   run-rabbitmq.sh DATA_DIR AMQP_PORT [MANAGEMENT_PORT] [DISTRIBUTION_PORT]
# Everything (config, mnesia, logs, Erlang cookie) lives under DATA_DIR; the node listens on 127.0.0.1 only.
# PROCEDURES_MQ_DEFINITIONS (optional): RabbitMQ definitions JSON (users, permissions) loaded at every boot, so the
# per-service users exist before the node accepts a connection (the AppHost sets it; without it only 'guest' exists).
# PROCEDURES_MQ_CLUSTER (optional, Infrastructure:Topology=cluster): the AMQP ports of every node of the cluster, this one
# included ("55672 55682 55692"); the nodes find each other at boot (classic peer discovery) and share an Erlang cookie
# (PROCEDURES_MQ_COOKIE), so a node that restarts rejoins by itself.
set -euo pipefail
dir=${1:?data dir}; port=${2:?amqp port}; mgmt=${3:-$((port + 1))}; dist=${4:-$((port + 2))}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
mkdir -p "$dir/mnesia" "$dir/log"
cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
loopback_users = none
# Quorum queues keep what their write-ahead log holds in memory until the log is rolled over into segment files, which
# by default happens at 512 MB: the soak saw each node grow ~14 MB a minute for half an hour and drop at the rollover
# (RELIABILITY.md). 64 MB bounds that memory for these single-machine nodes.
raft.wal_max_size_bytes = 67108864
CONF
if [ -n "${PROCEDURES_MQ_DEFINITIONS:-}" ]; then
  ( umask 077; printf '%s' "$PROCEDURES_MQ_DEFINITIONS" > "$dir/definitions.json" )
  echo "load_definitions = $dir/definitions.json" >> "$dir/rabbitmq.conf"
fi
if [ -n "${PROCEDURES_MQ_CLUSTER:-}" ]; then
  echo "cluster_formation.peer_discovery_backend = classic_config" >> "$dir/rabbitmq.conf"
  i=0; for peer in $PROCEDURES_MQ_CLUSTER; do
    i=$((i + 1)); echo "cluster_formation.classic_config.nodes.$i = procedures-$peer@localhost" >> "$dir/rabbitmq.conf"
  done
  # Quorum queues get a member on every node (MassTransit declares them; see docs/operations.md).
  echo "cluster_partition_handling = pause_minority" >> "$dir/rabbitmq.conf"
  ( umask 077; rm -f "$dir/.erlang.cookie"; printf '%s' "${PROCEDURES_MQ_COOKIE:?Erlang cookie of the cluster}" > "$dir/.erlang.cookie"; chmod 400 "$dir/.erlang.cookie" )
fi
echo '[rabbitmq_management].' > "$dir/enabled_plugins"
: > "$dir/rabbitmq-env.conf"

export RABBITMQ_NODENAME="procedures-$port@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dist
export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" ERL_EPMD_ADDRESS=127.0.0.1 HOME="$dir"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
# Erlang writes crash dumps (erl_crash.dump, MnesiaCore.*) to its working directory: keep them in the node's own.
cd "$dir"
exec /usr/lib/rabbitmq/bin/rabbitmq-server
