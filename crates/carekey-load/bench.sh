#!/usr/bin/env bash
# The server benchmark: N concurrent users through start -> code from the
# outbox -> complete, against a release build of carekey-server on this
# machine, first on SQLite, then on a throwaway PostgreSQL (durable commits:
# fsync and synchronous_commit on). Prints flows/s, latency of complete, the
# server's memory idle and at its peak, and CPU per flow.
#
#   bash crates/carekey-load/bench.sh [users] [seconds]
#
# Limits are set high so they do not throttle the load; logs at warn.
set -euo pipefail
cd "$(dirname "$0")/../.."
USERS=${1:-16}
SECONDS_OF_LOAD=${2:-15}
cargo build --release --locked -p carekey-server -p carekey-load
SERVER=target/release/carekey-server
LOAD=target/release/carekey-load
WORK=$(mktemp -d /tmp/carekey-bench.XXXXXX)
trap 'rm -rf "$WORK"' EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

run() {
    local name=$1 database_url=$2
    local dir="$WORK/$name"
    mkdir -p "$dir"
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    CAREKEY_LISTEN="127.0.0.1:$port" \
    CAREKEY_DATABASE_URL="$database_url" \
    CAREKEY_OUTBOX_FILE="$dir/outbox.jsonl" \
    CAREKEY_SEND_LIMIT_PER_IDENTIFIER=1000000000 \
    CAREKEY_SEND_LIMIT_PER_IDENTIFIER_TOTAL=1000000000 \
    CAREKEY_SEND_LIMIT_PER_IP=1000000000 \
    CAREKEY_SEND_LIMIT_PER_PHONE_PREFIX=1000000000 \
    CAREKEY_LOG_LEVEL=warn \
        "$SERVER" >"$dir/server.log" 2>&1 &
    local pid=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 0.1
    done
    sleep 1
    local idle
    idle=$(kib "$pid" VmRSS)
    local before
    before=$(cpu_ticks "$pid")
    "$LOAD" --url "http://127.0.0.1:$port" --outbox "$dir/outbox.jsonl" \
        --users "$USERS" --duration "$SECONDS_OF_LOAD" --warmup 2 --json >"$dir/load.json"
    local after peak
    after=$(cpu_ticks "$pid")
    peak=$(kib "$pid" VmHWM)
    kill "$pid"
    wait "$pid" 2>/dev/null || true
    python3 - "$name" "$dir/load.json" "$idle" "$peak" "$before" "$after" "$(getconf CLK_TCK)" <<'PY'
import json, sys
name, path, idle, peak, before, after, hz = sys.argv[1:]
report = json.load(open(path))
flows = max(report["flows"], 1)
# Server CPU over warm-up and measurement; flows counted over measurement only.
cpu_ms = (int(after) - int(before)) * 1000 / int(hz)
print(f"{name:10} {report['flowsPerSecond']:7.0f} flows/s  complete p50 {report['completeMs']['p50']:.2f} ms "
      f"p99 {report['completeMs']['p99']:.2f} ms  flow p99 {report['flowMs']['p99']:.2f} ms  "
      f"errors {report['errors']}  RSS idle {int(idle) / 1024:.1f} MiB, peak {int(peak) / 1024:.1f} MiB  "
      f"server CPU <= {cpu_ms / flows:.2f} ms/flow")
PY
}

echo "$USERS users, $SECONDS_OF_LOAD s measured after 2 s of warm-up, on $(nproc) cores"
run sqlite "sqlite://$WORK/sqlite/carekey.db"
# shellcheck source=tests/postgres.sh
source tests/postgres.sh
run postgres "$CAREKEY_TEST_POSTGRES_URL"

alone="${CAREKEY_TEST_POSTGRES_URL%/*}/pgbench"
psql -q "$CAREKEY_TEST_POSTGRES_URL" -c "CREATE DATABASE pgbench"
psql -q "$alone" -f crates/carekey-server/migrations/postgres/0001_auth.sql
psql -q "$alone" -c "INSERT INTO users (id, group_id, role, first_name, last_name, email, created_at, updated_at)
    SELECT 'u' || n, 'g', 'clinician', 'Load', 'Test', 'u' || n || '@bench.test', 0, 0 FROM generate_series(1, 16) AS n"
rate=$("$CAREKEY_PG_BIN/pgbench" -n -M prepared -c "$USERS" -j 2 -T "$SECONDS_OF_LOAD" \
    -f crates/carekey-load/postgres-flow.sql "$alone" 2>/dev/null | awk '/^tps/ {print int($3)}')
echo "postgres alone (pgbench, same work per login, nothing else running): $rate logins/s"
