#!/usr/bin/env bash
# The project's everyday commands in one place: bash build/tasks.sh TASK [ARGS]. Run without a task for the list.
set -euo pipefail
cd "$(dirname "$0")/.."
web=src/AnnotateHub.Web

case "${1:-help}" in
  run)        shift; dotnet run --project "$web" -- "$@" ;;                    # the app on SQLite with the demo corpus
  build)      dotnet build AnnotateHub.sln -c Release ;;
  test-fast)  shift; dotnet test tests/AnnotateHub.Tests -c Release "$@" ;;     # Core and bUnit tests (about a minute)
  test)       shift; bash tests/test.sh "$@" ;;                                # everything CI runs (installs Chromium if missing)
  migration)  [ $# -ge 2 ] || { echo "usage: bash build/tasks.sh migration NAME" >&2; exit 2; }
              dotnet tool restore >/dev/null \
                && dotnet tool run dotnet-ef migrations add "$2" --project "$web" --context SqliteDbContext --output-dir Data/Migrations \
                && dotnet tool run dotnet-ef migrations add "$2" --project "$web" --context PostgresDbContext --output-dir Data/Migrations/Postgres ;;
  bench)      shift; dotnet build AnnotateHub.sln -c Release >/dev/null && dotnet tests/AnnotateHub.Benchmarks/bin/Release/net10.0/AnnotateHub.Benchmarks.dll "$@" ;;
  load)       shift; dotnet build AnnotateHub.sln -c Release >/dev/null && dotnet tests/AnnotateHub.LoadTest/bin/Release/net10.0/AnnotateHub.LoadTest.dll "$@" ;;
  soak)       dotnet build AnnotateHub.sln -c Release >/dev/null && dotnet tests/AnnotateHub.LoadTest/bin/Release/net10.0/AnnotateHub.LoadTest.dll --soak --clients 200 --pages 20 --minutes 10 --strict ;;
  help|*)
    cat <<'USAGE'
bash build/tasks.sh TASK
  run [ARGS]        start the app (SQLite, demo corpus); ARGS go to the app, e.g. "users list" or "backup --output F"
  build             build the solution (Release)
  test-fast         Core and bUnit tests only
  test              every test, as CI runs them (tests/test.sh)
  migration NAME    add an EF Core migration for each provider (Data/Migrations: SQLite, Data/Migrations/Postgres)
  bench [ARGS]      the benchmarks (no ARGS: document view; "scale", "agreement", ...: see tests/AnnotateHub.Benchmarks/Program.cs)
  load [ARGS]       the hub load test (options in tests/AnnotateHub.LoadTest/Program.cs)
  soak              the 10-minute soak: 200 hub clients, 20 Chromium pages (docs/benchmarks.md "Soak")
USAGE
    [ "${1:-help}" = help ] || exit 2 ;;
esac
