#!/usr/bin/env bash
# Builds the CareKey app and the Tauri hello-world the same way (release) and
# compares their start-up time and memory (startup.py), under Xvfb with a
# D-Bus session and gnome-keyring as the tests use. Extra argument: rounds.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash tests/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p carekey-app -p carekey-bench-hello
scratch=$(mktemp -d /tmp/carekey-bench.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/keyring"
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" dbus-run-session -- bash -c '
    printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec python3 tests/bench/startup.py "$@"
' bench "$@"
