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
cargo test --workspace --all-targets --locked "$@"
