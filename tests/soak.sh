#!/usr/bin/env bash
# Soak: carekey-server under mixed load (carekey-load --mix: logins,
# refreshes, backups, samples stored and read, guests) for MINUTES, 30 by
# default, with its memory (RSS), open file descriptors and database size
# sampled all along. It fails when memory or descriptors grow over the
# second half of the run (after warm-up: SQLite's page cache and the
# connection pools fill in the first half), which is what a leak looks like,
# when SQLite's write-ahead log passes 64 MiB, or when calls fail. The
# database itself grows with what is written, and is reported.
#
#   bash tests/soak.sh [MINUTES] [USERS]
#
# CAREKEY_SOAK_PROFILE: release (default) or dev (the test command's short
# run, which reuses its debug build). CAREKEY_SOAK_DATABASE_URL: a
# postgres:// URL to soak on PostgreSQL instead of a fresh SQLite file.
# The samples go to target/soak/samples.tsv, the figures to
# target/soak/report.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
MINUTES=${1:-30}
USERS=${2:-16}
PROFILE=${CAREKEY_SOAK_PROFILE:-release}
case "$PROFILE" in
    release) BIN=target/release ;;
    dev) BIN=target/debug ;;
    *) echo "soak: CAREKEY_SOAK_PROFILE must be release or dev" >&2; exit 2 ;;
esac
cargo build --profile "$PROFILE" --locked -p carekey-server -p carekey-load --bins

OUT=target/soak
mkdir -p "$OUT"
WORK=$(mktemp -d /tmp/carekey-soak.XXXXXX)
SERVER_PID=
# The server's log is kept beside the samples (its warnings say why a
# checkpoint could not start the log over, for one).
trap '[ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; cp "$WORK/server.log" "$OUT/server.log" 2>/dev/null; rm -rf "$WORK"' EXIT
DATABASE_URL=${CAREKEY_SOAK_DATABASE_URL:-sqlite://$WORK/carekey.db}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
CAREKEY_LISTEN="127.0.0.1:$port" \
CAREKEY_DATABASE_URL="$DATABASE_URL" \
CAREKEY_OUTBOX_FILE="$WORK/outbox.jsonl" \
CAREKEY_OPRF_KEY_FILE="$WORK/oprf-keys.json" \
CAREKEY_SEND_LIMIT_PER_IDENTIFIER=1000000000 \
CAREKEY_SEND_LIMIT_PER_IDENTIFIER_TOTAL=1000000000 \
CAREKEY_SEND_LIMIT_PER_IP=1000000000 \
CAREKEY_LOG_LEVEL=warn \
    "$BIN/carekey-server" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 300); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.1
done
curl -sf "http://127.0.0.1:$port/readyz" >/dev/null || {
    echo "soak: the server did not start" >&2
    cat "$WORK/server.log" >&2
    exit 1
}

SECONDS_OF_LOAD=$((MINUTES * 60))
# About 60 samples whatever the length, at least one every 2 s.
INTERVAL=$((SECONDS_OF_LOAD / 60))
((INTERVAL < 2)) && INTERVAL=2

"$BIN/carekey-load" --url "http://127.0.0.1:$port" --outbox "$WORK/outbox.jsonl" \
    --users "$USERS" --duration "$SECONDS_OF_LOAD" --warmup 0 --mix >"$WORK/load.json" &
LOAD_PID=$!

# SQLite: the database file and its write-ahead log, apart (the log grows
# when checkpoints cannot keep up).
file_bytes() { stat -c %s "$1" 2>/dev/null || echo 0; }
printf 'seconds\trss_kib\tfds\tdatabase_bytes\twal_bytes\n' >"$OUT/samples.tsv"
started=$(date +%s)
while kill -0 "$LOAD_PID" 2>/dev/null; do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        echo "soak: the server died under load" >&2
        cat "$WORK/server.log" >&2
        exit 1
    fi
    rss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$SERVER_PID/status")
    fds=$(find "/proc/$SERVER_PID/fd" -mindepth 1 -maxdepth 1 | wc -l)
    printf '%s\t%s\t%s\t%s\t%s\n' "$(($(date +%s) - started))" "$rss" "$fds" \
        "$(file_bytes "$WORK/carekey.db")" "$(file_bytes "$WORK/carekey.db-wal")" >>"$OUT/samples.tsv"
    sleep "$INTERVAL"
done
wait "$LOAD_PID" || {
    echo "soak: the load tool failed" >&2
    exit 1
}
cp "$WORK/load.json" "$OUT/load.json"

python3 - "$OUT/samples.tsv" "$OUT/load.json" "$MINUTES" "$USERS" "$PROFILE" <<'PY' | tee "$OUT/report.txt"
import json, statistics, sys
samples_path, load_path, minutes, users, profile = sys.argv[1:]
rows = [line.split("\t") for line in open(samples_path).read().splitlines()[1:]]
rows = [tuple(int(v) for v in row) for row in rows if len(row) == 5]
if len(rows) < 4:
    sys.exit(f"soak: only {len(rows)} samples")
load = json.load(open(load_path))
mix = load["mix"]
calls = sum(kind["ok"] for kind in mix.values())
errors = sum(kind["errors"] for kind in mix.values())
start, middle, end = rows[0], rows[len(rows) // 2], rows[-1]
print(f"soak: {minutes} min, {users} users, {profile} build: {calls} calls, {errors} errors")
for name, kind in sorted(mix.items()):
    print(f"  {name:8} {kind['ok']:>9} ok {kind['errors']:>6} errors")
print(f"  {'':8} {'seconds':>8} {'RSS MiB':>8} {'fds':>5} {'DB MiB':>8} {'WAL MiB':>8}")
for label, row in (("start", start), ("middle", middle), ("end", end)):
    print(f"  {label:8} {row[0]:>8} {row[1] / 1024:>8.1f} {row[2]:>5} {row[3] / 1048576:>8.1f} {row[4] / 1048576:>8.1f}")
print(f"  largest write-ahead log: {max(r[4] for r in rows) / 1048576:.1f} MiB")
second_half = rows[len(rows) // 2:]
fds_growth = max(r[2] for r in second_half) - middle[2]
# RSS moves by 10 to 20 MiB between samples (the allocator hands memory
# back and takes it again), so one sample is no baseline: a 2-hour run
# failed on a middle sample that happened to be 14 MiB low. The median of
# the last quarter against that of the third compares two half-hours of a
# 2-hour run, and the slope over the second half says where it is heading.
third = statistics.median(r[1] for r in rows[len(rows) // 2:(3 * len(rows)) // 4])
last = statistics.median(r[1] for r in rows[(3 * len(rows)) // 4:])
rss_growth = last - third
times = [r[0] for r in second_half]
sizes = [r[1] / 1024 for r in second_half]
mean_t, mean_s = sum(times) / len(times), sum(sizes) / len(sizes)
spread = sum((t - mean_t) ** 2 for t in times)
slope = sum((t - mean_t) * (s - mean_s) for t, s in zip(times, sizes)) / spread * 3600 if spread else 0.0
print(f"  RSS median, third quarter {third / 1024:.1f} MiB, last quarter {last / 1024:.1f} MiB; "
      f"second half's trend {slope:+.1f} MiB an hour")
problems = []
# A leak grows with the calls made; 10% of the RSS (plus 16 MiB of
# allocator slack) is far above the noise of a flat process.
if rss_growth > third * 0.10 + 16 * 1024:
    problems.append(f"memory grew {rss_growth / 1024:.1f} MiB (medians) over the second half")
# Descriptors: the load's connections and the pool come and go; a leak
# adds one per call or per connection and would pass this in seconds.
if fds_growth > 32:
    problems.append(f"{fds_growth} more open descriptors over the second half")
# SQLite's log starts over at 16 MiB (Database::checkpoint); without that it
# grew by hundreds of MiB a minute under this load.
largest_wal = max(r[4] for r in rows)
if largest_wal > 64 * 1048576:
    problems.append(f"the write-ahead log reached {largest_wal / 1048576:.0f} MiB")
if errors > calls * 0.001:
    problems.append(f"{errors} calls failed")
if calls == 0:
    problems.append("no call succeeded")
for problem in problems:
    print(f"soak: FAILED: {problem}")
sys.exit(1 if problems else 0)
PY
