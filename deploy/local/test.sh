#!/usr/bin/env bash
# Runs every test: unit, integration (private Postgres + RabbitMQ started by the test fixtures through
# deploy/local scripts) and end-to-end (the real AppHost through Aspire.Hosting.Testing).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/local/prerequisites.sh"
dotnet build Procedures.sln -c Debug -nologo -v quiet

logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
# The contract check (tests/TestInfrastructure/Contract): every test process appends the answers it checked against the
# committed OpenAPI documents, and any violation, to this folder; the summary before the closing line merges them.
# CONTRACT_CHECK=report records violations instead of failing tests (set CONTRACT_REPORT_DIR to keep the files).
export CONTRACT_REPORT_DIR=${CONTRACT_REPORT_DIR:-$logs/contract}
run() { dotnet test "$1" --no-build -c Debug -nologo -- RunConfiguration.MaxCpuCount=1 > "$logs/$(basename "$1").log" 2>&1; }

# Every test project under tests/ (a new one cannot be left out). `dotnet test` on the solution would run them all at
# once; the end-to-end suite then starts the whole system, again and again, while the integration suites load both
# cores, and a start could outlast its budget. So: the other suites side by side (each starts its own servers), then
# the end-to-end suite with the machine to itself.
mapfile -t projects < <(grep -l "Microsoft.NET.Test.Sdk" tests/*/*.csproj | xargs -n1 dirname | sort)
status=0
pids=()
for project in "${projects[@]}"; do
  [ "$(basename "$project")" = EndToEnd.Tests ] && continue
  run "$project" & pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid" || status=1; done
for project in "${projects[@]}"; do
  [ "$(basename "$project")" = EndToEnd.Tests ] || cat "$logs/$(basename "$project").log"
done
if [ -d tests/EndToEnd.Tests ]; then
  # Shown as it runs (the longest suite).
  # In an `if`, so that a failing suite (pipefail) sets the status instead of ending the script before the summary.
  # The soak (Category=Soak) is left out: its full form runs 30 minutes, beyond CI's budget (README, "The soak").
  if ! dotnet test tests/EndToEnd.Tests --no-build -c Debug -nologo --filter "Category!=Soak" -- RunConfiguration.MaxCpuCount=1 2>&1 | tee "$logs/EndToEnd.Tests.log"; then
    status=1
  fi
fi

# Answers checked, documented operations reached and not, violations grouped (tests/ContractSummary).
dotnet tests/ContractSummary/bin/Debug/net10.0/Procedures.ContractSummary.dll "$CONTRACT_REPORT_DIR" \
  || echo "The contract check's summary could not be printed."

# One closing line for the whole run, summed over the test assemblies.
cat "$logs"/*.log | awk '/(Passed|Failed)!  - /{ for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) } }
     END { gsub(",", "", p); printf "%d passed, %d failed, %d skipped\n", p, f, s }'
exit "$status"
