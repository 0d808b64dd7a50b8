#!/usr/bin/env bash
# Runs every test of AnnotateHub: Core unit tests, bUnit component tests, integration tests against real SQLite
# files and Playwright tests in headless Chromium. Installs Debian's Chromium first where it is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Chromium for the browser tests (apt-get)..."
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q chromium
fi

# Build the whole solution first: the soak smoke test runs the load tool's build output, which no test project
# references, so a plain `dotnet test` may start the tests before that project is built.
dotnet build AnnotateHub.sln -c Release
dotnet test AnnotateHub.sln -c Release --no-build --logger "console;verbosity=normal" "$@"
