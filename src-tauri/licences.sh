#!/usr/bin/env bash
# Writes ui/licences.html, the page Settings → Licences shows: the licence of
# every crate the app ships, from Cargo.lock, by cargo-about (installed from
# crates.io when missing). With --check it writes nothing and fails when the
# page in the repository is not what Cargo.lock gives today (tests/
# supply-chain.sh runs it so: a dependency added or upgraded without the
# page made again fails the tests).
#
#   bash src-tauri/licences.sh [--check]
set -euo pipefail
cd "$(dirname "$0")/.."

ABOUT_VERSION=0.9.3
if ! cargo about --version 2>/dev/null | grep -q " $ABOUT_VERSION"; then
    echo "licences: installing cargo-about $ABOUT_VERSION"
    cargo install cargo-about --locked --features cli --version "$ABOUT_VERSION"
fi

# cargo-about reads the licence files in the crates' sources; --offline
# keeps it from asking clearlydefined.io, so the page depends on Cargo.lock
# and the crates alone.
cargo fetch --locked --quiet
mkdir -p target/licences
cargo about generate --locked --offline --fail \
    --manifest-path src-tauri/Cargo.toml \
    --config src-tauri/licences/about.toml \
    --output-file target/licences/licences.html \
    src-tauri/licences/about.hbs

if [ "${1:-}" = --check ]; then
    if ! cmp -s target/licences/licences.html ui/licences.html; then
        diff -u ui/licences.html target/licences/licences.html | head -n 40 >&2 || true
        echo "licences: ui/licences.html is not what Cargo.lock gives; run bash src-tauri/licences.sh and commit it" >&2
        exit 1
    fi
    echo "licences: ui/licences.html is up to date ($(grep -c '<section class="licence">' ui/licences.html) licences)"
else
    cp target/licences/licences.html ui/licences.html
    echo "licences: wrote ui/licences.html ($(grep -c '<section class="licence">' ui/licences.html) licences)"
fi
