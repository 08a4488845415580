#!/usr/bin/env bash
# Runs a private RabbitMQ node in the foreground (for the AppHost and the test fixtures).
#   run-rabbitmq.sh DATA_DIR AMQP_PORT [MANAGEMENT_PORT] [DISTRIBUTION_PORT]
# Everything (config, mnesia, logs, Erlang cookie) lives under DATA_DIR; the node listens on 127.0.0.1 only.
# PROCEDURES_MQ_DEFINITIONS (optional): RabbitMQ definitions JSON (users, permissions) loaded at every boot, so the
# per-service users exist before the node accepts a connection (the AppHost sets it; without it only 'guest' exists).
set -euo pipefail
dir=${1:?data dir}; port=${2:?amqp port}; mgmt=${3:-$((port + 1))}; dist=${4:-$((port + 2))}
dir=$(mkdir -p "$dir" && cd "$dir" && pwd)
mkdir -p "$dir/mnesia" "$dir/log"
cat > "$dir/rabbitmq.conf" <<CONF
listeners.tcp.default = 127.0.0.1:$port
management.tcp.ip = 127.0.0.1
management.tcp.port = $mgmt
loopback_users = none
CONF
if [ -n "${PROCEDURES_MQ_DEFINITIONS:-}" ]; then
  ( umask 077; printf '%s' "$PROCEDURES_MQ_DEFINITIONS" > "$dir/definitions.json" )
  echo "load_definitions = $dir/definitions.json" >> "$dir/rabbitmq.conf"
fi
echo '[rabbitmq_management].' > "$dir/enabled_plugins"
: > "$dir/rabbitmq-env.conf"

export RABBITMQ_NODENAME="procedures-$port@localhost"
export RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT=$port RABBITMQ_DIST_PORT=$dist
export RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" RABBITMQ_PID_FILE="$dir/rabbit.pid"
export RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq"
export RABBITMQ_CONF_ENV_FILE="$dir/rabbitmq-env.conf" ERL_EPMD_ADDRESS=127.0.0.1 HOME="$dir"
export RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}"
exec /usr/lib/rabbitmq/bin/rabbitmq-server
