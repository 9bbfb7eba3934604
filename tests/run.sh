#!/usr/bin/env bash
# The test command: sets up what is missing, starts a throwaway PostgreSQL,
# then checks formatting and lints and runs every test of the workspace
# (unit, integration on SQLite and PostgreSQL, SMTP, provider wire formats,
# the OS keychain, and the app in a real window under Xvfb).
# Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

bash tests/setup.sh

# A whole run leaves about 9 GB under target/ (the debug build and its tests
# 6.8, the fuzz targets' sanitized build 1.7, the Windows check 0.4; measured
# in a fresh clone on 4 December). A full disk shows up as a compiler or
# linker crash far from its cause (CI once died building the fuzz targets
# after 27 minutes), so say it first. Only a warning: a checkout that built
# before needs far less.
free_kb=$(df -Pk . | awk 'NR == 2 { print $4 }')
if (( free_kb < 10 * 1024 * 1024 )); then
    echo "warning: $((free_kb / 1024)) MB free here; a whole run from a fresh clone needs about 9 GB" >&2
fi
export PATH="$HOME/.cargo/bin:$PATH"

export CAREKEY_TEST_PYTHON="$PWD/target/test-python/bin/python"
# shellcheck source=tests/postgres.sh
source tests/postgres.sh

cargo fmt --all -- --check
# The default members: all but the start-up benchmark's Tauri hello-world,
# which only tests/bench/startup.sh builds.
cargo clippy --all-targets --locked -- -D warnings
# The installed-package test is not among --all-targets (`test = false`:
# only tests/desktop-package.sh runs it, on the installed .deb).
cargo clippy --locked --test installed -- -D warnings
# The Windows build (its updater and everything under cfg(windows)),
# compiled and linted for that target: nothing else here runs that code.
bash tests/windows-check.sh
# The UI's ES modules: every name defined or imported, nothing left unused.
node tests/ui-lint/node_modules/eslint/bin/eslint.js --config tests/ui-lint/eslint.config.mjs ui/
# ...and the JavaScript vendored beside them is its npm tarball's, unedited.
bash tests/ui-vendor.sh

# The whole run (no test-name filter) also checks the supply chain: licences,
# sources, yanked crates and RustSec advisories (offline, against the
# vendored copy), and the SBOMs.
if [ $# -eq 0 ]; then
    bash tests/supply-chain.sh
fi

# Built first, so that the window tests do not wait on the compiler.
cargo test --all-targets --locked --no-run

# The tests get an X display of their own (Xvfb: the app's window), a D-Bus
# session with gnome-keyring unlocked (the OS keychain the app uses), and
# throwaway data folders, so that a developer's own keyring, settings and
# desktop are never touched. Screenshots of the window tests are kept in
# target/tmp/screenshots/.
scratch=$(mktemp -d /tmp/carekey-tests.XXXXXX)
trap 'carekey_pg_stop; rm -rf "$scratch"' EXIT
export XDG_DATA_HOME="$scratch/data" XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache"
export XDG_RUNTIME_DIR="$scratch/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME"
mkdir -m 700 "$XDG_RUNTIME_DIR"
xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" dbus-run-session -- bash -c '
    set -euo pipefail
    printf %s carekey-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec cargo test --all-targets --locked "$@"
' tests "$@"

# On the whole run: the server's Debian package, built, installed, run as
# its systemd unit runs it, and removed (tests/package.sh).
if [ $# -eq 0 ]; then
    bash tests/package.sh
fi

# On the whole run: the app's .deb and .rpm, built by Tauri's bundler; the
# .deb installed, its app launched from /usr/bin in a window and reached by
# a link the desktop opens, then removed (tests/desktop-package.sh).
if [ $# -eq 0 ]; then
    xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" dbus-run-session -- bash -c '
        set -euo pipefail
        printf %s carekey-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec bash tests/desktop-package.sh
    '
fi

# On the whole run: the app's updates from its signed APT repository,
# version N to N+1, with three forged updates refused first
# (tests/desktop-update.sh).
if [ $# -eq 0 ]; then
    xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" dbus-run-session -- bash -c '
        set -euo pipefail
        printf %s carekey-tests | gnome-keyring-daemon --unlock --components=secrets >/dev/null
        exec bash tests/desktop-update.sh
    '
fi

# On the whole run: a minute of soak (mixed load on the debug build just
# made; memory, descriptors and SQLite's log must stay flat). The 30-minute
# run is `bash tests/soak.sh` (README, "Soak").
if [ $# -eq 0 ]; then
    CAREKEY_SOAK_PROFILE=dev bash tests/soak.sh 1 8
fi

# Last, on the whole run: every fuzz target for a short while (an
# unoptimised build, which takes a third of the time of an optimised one);
# longer runs are `bash fuzz/run.sh SECONDS` (README, "Fuzzing").
if [ $# -eq 0 ]; then
    CAREKEY_FUZZ_PROFILE=dev bash fuzz/run.sh "${CAREKEY_FUZZ_SECONDS:-20}"
fi
