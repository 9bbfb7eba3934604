# Starts a throwaway PostgreSQL cluster for the tests, from Debian's
# `postgresql` package, and exports CAREKEY_TEST_POSTGRES_URL. Source it; the
# cluster is stopped and deleted when the sourcing shell exits.
# Durability stays on (fsync, synchronous_commit): the tests and benchmarks
# run against PostgreSQL as it is deployed.

carekey_pg_start() {
    local initdb
    initdb=$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1)
    if [ -z "$initdb" ]; then
        echo "tests/postgres.sh: PostgreSQL is not installed (apt-get install postgresql)" >&2
        return 1
    fi
    CAREKEY_PG_BIN=$(dirname "$initdb")
    CAREKEY_PG_DIR=$(mktemp -d /tmp/carekey-pg.XXXXXX)
    CAREKEY_PG_AS=()
    if [ "$(id -u)" = 0 ]; then
        # initdb refuses to run as root.
        chown postgres "$CAREKEY_PG_DIR"
        CAREKEY_PG_AS=(runuser -u postgres --)
    fi
    "${CAREKEY_PG_AS[@]}" "$CAREKEY_PG_BIN/initdb" -D "$CAREKEY_PG_DIR/data" -U postgres \
        --auth=trust -E UTF8 >"$CAREKEY_PG_DIR/initdb.log" 2>&1 || {
        cat "$CAREKEY_PG_DIR/initdb.log" >&2
        return 1
    }
    local port
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    "${CAREKEY_PG_AS[@]}" "$CAREKEY_PG_BIN/pg_ctl" -D "$CAREKEY_PG_DIR/data" -w -l "$CAREKEY_PG_DIR/server.log" \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $CAREKEY_PG_DIR -c max_connections=400 -c shared_buffers=128MB" \
        start >/dev/null || {
        cat "$CAREKEY_PG_DIR/server.log" >&2
        return 1
    }
    export CAREKEY_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    trap carekey_pg_stop EXIT
    echo "PostgreSQL $("$CAREKEY_PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (data in $CAREKEY_PG_DIR)"
}

carekey_pg_stop() {
    if [ -n "${CAREKEY_PG_DIR:-}" ] && [ -d "$CAREKEY_PG_DIR" ]; then
        "${CAREKEY_PG_AS[@]}" "$CAREKEY_PG_BIN/pg_ctl" -D "$CAREKEY_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
        rm -rf "$CAREKEY_PG_DIR"
    fi
}

carekey_pg_start
