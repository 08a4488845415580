#!/usr/bin/env bash
# Rewrites docs/openapi/*.json from what the services serve now (after an intended API change; review the diff).
# Builds the end-to-end tests without the generated-client tests, which may not compile against the old documents,
# starts the system once and runs OpenApiDocumentTests with UPDATE_OPENAPI=1; then builds everything again.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
"$root/deploy/local/prerequisites.sh"
dotnet build tests/EndToEnd.Tests -c Debug -nologo -v quiet -p:WithoutGeneratedClients=true
UPDATE_OPENAPI=1 dotnet test tests/EndToEnd.Tests --no-build -c Debug -nologo --filter "FullyQualifiedName~OpenApiDocumentTests"
dotnet build Procedures.sln -c Debug -nologo -v quiet
git -C "$root" status --short docs/openapi
