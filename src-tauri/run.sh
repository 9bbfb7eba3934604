#!/usr/bin/env bash
# Command 1 of the README: installs what is missing (a C compiler, Rust,
# WebKitGTK and Tauri's other Linux libraries, gnome-keyring), builds the
# app and starts it on its embedded server: SQLite in the app's data folder,
# messages shown in its Dev inbox. Nothing to configure, no account anywhere.
#
# CAREKEY_SERVER_URL=https://... points it at a standalone server instead.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/tests/setup.sh" run
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked --manifest-path "$root/Cargo.toml" -p carekey-app
app="$root/target/release/carekey"

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    echo "run: no desktop to open a window on (DISPLAY and WAYLAND_DISPLAY are unset)." >&2
    echo "run: start it from a desktop session, or under Xvfb: xvfb-run bash $0" >&2
    exit 1
fi

# The app keeps its session and private key in the desktop's keychain (the
# Secret Service). A desktop session normally runs one; without it (a bare
# X server, ssh -X), start a D-Bus session with gnome-keyring for this run.
# Its "login" keyring lives in ~/.local/share/keyrings; with no desktop to
# ask for a password it is unlocked with CAREKEY_KEYRING_PASSWORD (empty by
# default: then the keyring file is not encrypted, fine for trying it out).
has_secret_service() {
    [ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ] || return 1
    local names
    names=$(for method in ListNames ListActivatableNames; do
        dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
            "org.freedesktop.DBus.$method" 2>/dev/null || true
    done)
    grep -q '"org.freedesktop.secrets"' <<<"$names"
}
if has_secret_service; then
    exec "$app" "$@"
fi
echo "run: no keychain service in this session; starting gnome-keyring for this run"
export CAREKEY_APP="$app"
exec dbus-run-session -- bash -c '
    printf %s "${CAREKEY_KEYRING_PASSWORD:-}" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec "$CAREKEY_APP" "$@"
' run "$@"
