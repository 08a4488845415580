# Sourced by run-postgres.sh and run-pg-node.sh: makes $data a folder the 'postgres' user owns (mode 700). If that user
# cannot reach it (a parent folder without o+x, e.g. a mktemp clone), the data goes under /var/tmp instead and a note
# says so. Needs as_pg (run as the postgres user).
mkdir -p "$data"
if ! as_pg test -x "$data" 2>/dev/null; then
  alt="/var/tmp/procedures-pg-$(echo -n "$(readlink -f "$data")" | cksum | cut -d' ' -f1)"
  echo "note: the postgres user cannot reach $data; using $alt" >&2
  data=$alt; mkdir -p "$data"
fi
chown postgres:postgres "$data" 2>/dev/null || true
chmod 700 "$data"
