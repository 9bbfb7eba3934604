#!/usr/bin/env bash
# Compiles and lints the app for Windows (x86_64-pc-windows-gnu), so that
# the code only Windows builds (the updater in src-tauri/src/updates/signed.rs,
# everything under cfg(windows)) cannot rot unseen on a Linux machine. It
# checks; it does not link or run anything (that needs Windows).
#
# Needs the target's standard library (rustup target add
# x86_64-pc-windows-gnu) and mingw-w64's C compiler, which some
# dependencies' build scripts use; tests/setup.sh installs both. Missing
# either fails the check rather than skipping it.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "windows-check: the x86_64-pc-windows-gnu target is missing (bash tests/setup.sh test)" >&2
    exit 1
fi
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
    echo "windows-check: x86_64-w64-mingw32-gcc is missing (apt install gcc-mingw-w64-x86-64)" >&2
    exit 1
fi
cargo clippy --locked --target x86_64-pc-windows-gnu -p carekey-app -- -D warnings
echo "windows-check: the app compiles and passes clippy for Windows"
