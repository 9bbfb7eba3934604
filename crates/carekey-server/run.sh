#!/usr/bin/env bash
# Sets up what is missing (a C compiler, Rust) and runs CareKey Server on its
# embedded defaults: 127.0.0.1:8080, SQLite in ./carekey.db, codes written to
# ./carekey-outbox.jsonl. Extra arguments go to the server (try --help).
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
bash "$root/tests/setup.sh" server
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked --manifest-path "$root/Cargo.toml" -p carekey-server
exec "$root/target/release/carekey-server" "$@"
