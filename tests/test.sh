#!/usr/bin/env bash
# Runs every test of AnnotateHub: Core unit tests, bUnit component tests, integration tests against real SQLite
# files and Playwright tests in headless Chromium; then the integration suite (without the browser and the SQLite-only
# tests) again on PostgreSQL. Installs what is missing from Debian first (Chromium, PostgreSQL, Redis) and starts
# PostgreSQL and Redis on 127.0.0.1 for the run (build/services.sh), stopping them at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
command -v redis-server >/dev/null || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} for the browser and scale-out tests (apt-get)..."
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q "${missing[@]}"
fi

# axe-core for the accessibility browser tests, from npm at the version the lock file pins (docs/decisions/0088).
npm ci --prefix tests/AnnotateHub.IntegrationTests/axe --no-audit --no-fund

eval "$(bash build/services.sh start)"
trap 'bash build/services.sh stop' EXIT
postgres="$ANNOTATEHUB_TEST_POSTGRES"
unset ANNOTATEHUB_TEST_POSTGRES

# Build the whole solution first: the soak smoke test runs the load tool's build output, which no test project
# references, so a plain `dotnet test` may start the tests before that project is built.
dotnet build AnnotateHub.sln -c Release

# Runs one pass with its output kept; when it fails, the failed tests' names and messages are printed again last, so
# the end of a long log (servers' logs run between the results) says what failed.
log_dir="$(mktemp -d)"
pass() {
  local name="$1"; shift
  if "$@" 2>&1 | tee "$log_dir/$name.log"; then return 0; fi
  echo
  echo "=== The $name pass failed; its failed tests: ==="
  grep -E -A 14 "^\s+Failed AnnotateHub" "$log_dir/$name.log" | cut -c1-400 | head -300 || true
  return 1
}

pass main dotnet test AnnotateHub.sln -c Release --no-build --logger "console;verbosity=normal" "$@"

echo "The integration suite on PostgreSQL (${postgres})..."
pass postgres env ANNOTATEHUB_TEST_POSTGRES="$postgres" dotnet test tests/AnnotateHub.IntegrationTests -c Release --no-build \
  --filter "FullyQualifiedName!~.Browser.&Database!=SqliteOnly" --logger "console;verbosity=normal"
