#!/usr/bin/env bash
# Runs the whole system on this machine: installs what is missing, builds, starts the AppHost
# (dashboard, Postgres, RabbitMQ, every service). Ctrl+C stops everything it started.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/local/prerequisites.sh"
# PROCEDURES_CONFIGURATION=Release runs every service as a Release build (the benchmark's measured runs); Aspire starts
# each project in the configuration the AppHost was built in.
configuration=${PROCEDURES_CONFIGURATION:-Debug}
dotnet build AppHost -c "$configuration" -nologo -v quiet

cat <<'TXT'

Procedures is starting (healthy in about 30 s):
  Aspire dashboard  http://localhost:18888   (resources, traces, logs, metrics)
  Intake            http://localhost:5101/scalar
  Processing        http://localhost:5102/scalar
  Payment           http://localhost:5103/scalar
  PortalSync        http://localhost:5104/scalar
  Reporting         http://localhost:5105/scalar   (KPI summary: /api/v1/kpi/summary)
  Notifications     http://localhost:5106/scalar
  Sandbox           http://localhost:5109/scalar   (national portal stand-in: /portal/dossiers/{code})
Press Ctrl+C to stop everything.

TXT
exec dotnet run --project AppHost -c "$configuration" --no-build --launch-profile http -- "$@"
