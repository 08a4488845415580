#!/usr/bin/env bash
# Idempotent: checks what the local (container-free) run needs and installs what is missing.
#   .NET SDK 10 (checked), PostgreSQL 15+ (checked; installed from OS packages if absent) with pg_auto_failover
#   (installed), RabbitMQ (installed),
#   the pinned dotnet local tools (dotnet tool restore: Kiota),
#   Chromium (installed from OS packages: the scoreboard's browser test drives /usr/bin/chromium with Playwright; no browser download),
#   Debian's python3 with python3-cryptography (installed from OS packages: the certified copies' offline verifier in docs/integrators.md).
set -euo pipefail

need_root() { if [ "$(id -u)" -ne 0 ]; then echo "sudo"; fi; }
SUDO=$(need_root)
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then $SUDO apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "$@" >/dev/null
}

if ! command -v dotnet >/dev/null 2>&1 || ! dotnet --list-sdks | grep -q '^10\.'; then
  echo "error: the .NET SDK 10 is required (https://dotnet.microsoft.com/download)." >&2
  exit 1
fi
# The pinned local tools (.config/dotnet-tools.json, from NuGet): Kiota, which the build of tests/ApiClients runs to
# generate the API clients from docs/openapi. (That build restores them too; here a missing tool fails early and clearly.)
(cd "$(dirname "$0")/../.." && dotnet tool restore >/dev/null)

pg_bin=$("$(dirname "$0")/pg-bin.sh" 2>/dev/null || true)
if [ -z "$pg_bin" ]; then
  echo "PostgreSQL not found: installing from OS packages…"
  apt_install postgresql
  pg_bin=$("$(dirname "$0")/pg-bin.sh")
fi
pg_major=$("$pg_bin/postgres" --version | sed -E 's/[^0-9]*([0-9]+).*/\1/')
if [ "$pg_major" -lt 15 ]; then
  echo "error: PostgreSQL 15+ is required, found $pg_major at $pg_bin." >&2
  exit 1
fi
# pg_auto_failover runs the cluster topology's failover pair (Infrastructure:Topology=cluster; the clustered fault suite).
if ! command -v pg_autoctl >/dev/null 2>&1; then
  echo "pg_auto_failover not found: installing from OS packages…"
  apt_install "postgresql-$pg_major-auto-failover" pg-auto-failover-cli
fi
id postgres >/dev/null 2>&1 || { echo "error: the 'postgres' OS user is missing." >&2; exit 1; }

if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  echo "RabbitMQ not found: installing from OS packages (≈15 s)…"
  apt_install rabbitmq-server
fi
# kubectl renders deploy/k8s (kustomize) for the manifest tests; no cluster is needed.
if ! command -v kubectl >/dev/null 2>&1; then
  echo "kubectl not found: installing from OS packages…"
  apt_install kubectl || apt_install kubernetes-client
fi
# Node.js runs deploy/k8s/validate (schema checks of the rendered manifests); its packages come from the npm registry.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "Node.js not found: installing from OS packages…"
  apt_install nodejs npm
fi
validate="$(cd "$(dirname "$0")/../k8s/validate" && pwd)"
# Reinstalled only when the lock file changed since the last install (a copy of it is kept as a stamp).
if ! cmp -s "$validate/package-lock.json" "$validate/node_modules/.installed-lock.json" 2>/dev/null; then
  (cd "$validate" && npm ci --no-audit --no-fund --loglevel=error >/dev/null && cp package-lock.json node_modules/.installed-lock.json)
fi
# Debian's python3 with its cryptography package runs docs/integrators.md's offline verifier of certified copies
# (OfflineVerificationTests, CertifiedCopyOfflineTests); no other Python package index is reachable.
if ! /usr/bin/python3 -c 'import cryptography' >/dev/null 2>&1; then
  echo "python3-cryptography not found: installing from OS packages…"
  apt_install python3 python3-cryptography
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "Chromium not found: installing from OS packages (for the scoreboard's browser test)…"
  apt_install chromium
fi
echo "prerequisites ok: dotnet $(dotnet --version), postgres $pg_major ($pg_bin), rabbitmq $(dpkg-query -W -f='${Version}' rabbitmq-server 2>/dev/null || echo '?'), chromium $(dpkg-query -W -f='${Version}' chromium 2>/dev/null || echo '?')"
