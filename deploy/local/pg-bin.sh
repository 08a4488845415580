#!/usr/bin/env bash
# Prints the folder holding the newest installed PostgreSQL server binaries (initdb, postgres, pg_ctl).
set -euo pipefail
for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
  [ -x "$d/postgres" ] && [ -x "$d/initdb" ] && { echo "$d"; exit 0; }
done
if command -v initdb >/dev/null 2>&1 && command -v postgres >/dev/null 2>&1; then
  dirname "$(readlink -f "$(command -v postgres)")"; exit 0
fi
exit 1
