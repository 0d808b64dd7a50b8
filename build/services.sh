#!/usr/bin/env bash
# Starts PostgreSQL and Redis on loopback for the scale-out tests (after `apt-get install -y postgresql redis-server`),
# each in a folder of its own under ${SERVICES_DIR:-/tmp/annotatehub-services}, and prints the settings the tests read:
#   eval "$(bash build/services.sh start)"   exports ANNOTATEHUB_TEST_POSTGRES and ANNOTATEHUB_TEST_REDIS
#   bash build/services.sh stop
# Ports: PostgreSQL 55432, Redis 56379 (not the defaults, so a server already on the machine is left alone).
set -euo pipefail
dir="${SERVICES_DIR:-/tmp/annotatehub-services}"
pg_port="${PG_PORT:-55432}"
redis_port="${REDIS_PORT:-56379}"
pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"

as_postgres() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }

case "${1:-start}" in
  start)
    [ -n "$pg_bin" ] || { echo "PostgreSQL is not installed (apt-get install -y postgresql)" >&2; exit 1; }
    command -v redis-server >/dev/null || { echo "Redis is not installed (apt-get install -y redis-server)" >&2; exit 1; }
    mkdir -p "$dir"
    if [ ! -s "$dir/pg/PG_VERSION" ]; then
      mkdir -p "$dir/pg"
      [ "$(id -u)" = 0 ] && chown postgres "$dir/pg"
      as_postgres "'$pg_bin/initdb' -D '$dir/pg' -A trust -U postgres -E UTF8 --locale=C.UTF-8" >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    if ! as_postgres "'$pg_bin/pg_ctl' -D '$dir/pg' status" >/dev/null 2>&1; then
      as_postgres "'$pg_bin/pg_ctl' -D '$dir/pg' -l '$dir/pg/server.log' -w -o \"-c listen_addresses=127.0.0.1 -p $pg_port -k /tmp -c max_connections=300 -c fsync=on\" start" >/dev/null \
        || { cat "$dir/pg/server.log" >&2; exit 1; }
    fi
    if ! redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1; then
      mkdir -p "$dir/redis"
      redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$dir/redis" --save "" --appendonly no --daemonize yes \
        --logfile "$dir/redis/server.log" --pidfile "$dir/redis/redis.pid" >/dev/null
      for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    fi
    echo "export ANNOTATEHUB_TEST_POSTGRES='Host=127.0.0.1;Port=$pg_port;Username=postgres'"
    echo "export ANNOTATEHUB_TEST_REDIS='127.0.0.1:$redis_port'"
    ;;
  stop)
    [ -n "$pg_bin" ] && as_postgres "'$pg_bin/pg_ctl' -D '$dir/pg' -m fast stop" >/dev/null 2>&1 || true
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
    ;;
  *) echo "usage: bash build/services.sh start|stop" >&2; exit 2 ;;
esac
