#!/usr/bin/env bash
# The test command: sets up what is missing, starts a throwaway PostgreSQL,
# then checks formatting and lints and runs every test of the workspace
# (unit, integration on SQLite and PostgreSQL, SMTP, provider wire formats).
# Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"

export CAREKEY_TEST_PYTHON="$PWD/target/test-python/bin/python"
# shellcheck source=tests/postgres.sh
source tests/postgres.sh

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

# The tests get a D-Bus session of their own with gnome-keyring unlocked (the
# OS keychain the app uses), keeping its keyrings in a throwaway data folder
# so that a developer's own keyring is never touched.
scratch=$(mktemp -d /tmp/carekey-tests.XXXXXX)
trap 'carekey_pg_stop; rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
dbus-run-session -- bash -c '
    set -euo pipefail
    printf %s carekey-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec cargo test --workspace --all-targets --locked "$@"
' tests "$@"
