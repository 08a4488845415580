#!/usr/bin/env bash
# Runs every test: unit, integration (private Postgres + RabbitMQ started by the test fixtures through
# deploy/local scripts) and end-to-end (the real AppHost through Aspire.Hosting.Testing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/local/prerequisites.sh"
dotnet build Procedures.sln -c Debug -nologo -v quiet

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# One test assembly at a time: several start their own servers, and the machine has two cores.
set +e
dotnet test Procedures.sln --no-build -c Debug -nologo -- RunConfiguration.MaxCpuCount=1 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# One closing line for the whole run, summed over the test assemblies.
awk '/(Passed|Failed)!  - /{ for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"
