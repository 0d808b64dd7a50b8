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

dotnet test AnnotateHub.sln -c Release --logger "console;verbosity=normal" "$@"
