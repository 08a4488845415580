#!/usr/bin/env bash
# Provisions each service's owner role, login and database (provision-postgres.sql) on a running server; idempotent.
#   provision-roles.sh HOST_OR_SOCKET_DIR PORT
# PROCEDURES_PG_ROLES: space-separated "db:owner:owner_password:login:login_password" (set by the AppHost).
# Used by run-postgres.sh (one server) and run-pg-node.sh (the primary of a failover pair).
set -euo pipefail
host=${1:?host or socket dir}; port=${2:?port}
bin=$("$(dirname "$0")/pg-bin.sh")
as_pg() { if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi; }
for entry in ${PROCEDURES_PG_ROLES:-}; do
  IFS=: read -r db owner owner_pw login login_pw <<< "$entry"
  if ! as_pg "$bin/psql" -X -q -h "$host" -p "$port" -U postgres -d postgres -v db="$db" -v owner="$owner" \
      -v owner_password="$owner_pw" -v login="$login" -v login_password="$login_pw" \
      < "$(dirname "$0")/provision-postgres.sql" >/dev/null; then # stdin: the postgres user may not reach this folder
    echo "error: provisioning the roles of database $db failed" >&2
    exit 1
  fi
done
