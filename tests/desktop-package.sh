#!/usr/bin/env bash
# The app's packages, tested the way people get them: the .deb and .rpm made
# by Tauri's bundler (src-tauri/bundle.sh) from the binary the build made;
# the .deb installed with apt (pulling what it declares), its files and
# desktop entry checked, the installed app launched from /usr/bin in a real
# window with a carekey: link opened by the desktop reaching it
# (tests/app/installed.rs), then removed: nothing of the package is left,
# and the person's data stays. The .rpm's files and requirements are
# checked with rpm's own query tool (this is a Debian machine).
#
#   bash tests/desktop-package.sh
#
# Needs root (apt), rpm (Debian's package, for rpm -qp), and the test
# script's display, D-Bus and keyring (tests/run.sh runs it inside them).
# A machine where the carekey package is installed already is refused
# rather than overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

fail() { echo "desktop-package: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (apt-get install); CI runs as root"
command -v rpm >/dev/null || fail "rpm is missing (apt-get install rpm), which reads the .rpm"
[ -n "${DISPLAY:-}" ] || fail "no X display: run it from tests/run.sh, or inside xvfb-run dbus-run-session"
if dpkg-query -W -f='${Status}' carekey 2>/dev/null | grep -q "install ok"; then
    fail "the carekey package is installed on this machine already; this test installs and removes its own"
fi

# The Windows and macOS bundles' settings (tauri.windows.conf.json,
# tauri.macos.conf.json), which only those systems build, against the
# pinned CLI's schema.
[ -x target/test-python/bin/python ] || fail "the test virtualenv is missing (bash tests/setup.sh)"
[ -f tests/bundle/node_modules/@tauri-apps/cli/config.schema.json ] \
    || (cd tests/bundle && npm ci --no-audit --no-fund --loglevel=error)
target/test-python/bin/python tests/bundle/check-config.py || fail "a bundle configuration is not valid (above)"

out=$(mktemp -d /tmp/carekey-desktop-package.XXXXXX)
cleanup() {
    pkill -f '^/usr/bin/carekey' 2>/dev/null || true
    dpkg -P carekey >/dev/null 2>&1 || true
    rm -rf "$out"
}
trap cleanup EXIT

# The binary the test build made (the same features as the whole workspace's
# test build, so nothing is built again after tests/run.sh's).
cargo test --test installed --no-run --locked
bash src-tauri/bundle.sh --out "$out"
version=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
deb="$out/carekey_${version}_amd64.deb"
rpm="$out/carekey-${version}-1.x86_64.rpm"
[ -f "$deb" ] || fail "no $deb"
[ -f "$rpm" ] || fail "no $rpm"
for sbom in carekey-app carekey-server; do
    [ -s "$out/$sbom.cdx.json" ] || fail "no SBOM $sbom.cdx.json beside the packages"
done
echo "desktop-package: built $(basename "$deb") ($(du -h "$deb" | cut -f1)), $(basename "$rpm") ($(du -h "$rpm" | cut -f1))"

# What the package declares.
control=$(dpkg-deb -f "$deb")
grep -qx "Package: carekey" <<<"$control" || fail "the package is not named carekey: $control"
for needed in libwebkit2gtk-4.1-0 gnome-keyring; do
    dpkg-deb -f "$deb" Depends | grep -q "$needed" || fail "the .deb does not depend on $needed"
done

# Installed as a person installs it: apt resolves what it depends on.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" </dev/null >"$out/install.log" 2>&1 \
    || { cat "$out/install.log"; fail "apt-get install failed"; }
dpkg -L carekey | sort >"$out/files"
[ -x /usr/bin/carekey ] || fail "no /usr/bin/carekey"
entry=/usr/share/applications/carekey.desktop
[ -f "$entry" ] || fail "no $entry"
desktop-file-validate "$entry" || fail "$entry is not a valid desktop entry"
grep -qx "Name=CareKey" "$entry" || fail "$entry: Name is not CareKey"
grep -qx "Icon=carekey" "$entry" || fail "$entry: Icon is not carekey"
grep -qx "MimeType=x-scheme-handler/carekey;" "$entry" || fail "$entry: it does not declare the carekey: scheme"
# The link reaches the app only if the desktop passes it on.
grep -qx "Exec=carekey %u" "$entry" || fail "$entry: Exec does not pass the link (%u)"
for size in 32x32 128x128 512x512; do
    [ -f "/usr/share/icons/hicolor/$size/apps/carekey.png" ] || fail "no $size icon"
done
grep -q "x-scheme-handler/carekey=carekey.desktop" /usr/share/applications/mimeinfo.cache \
    || fail "the desktop's database does not know the package's handler of carekey: links"
echo "desktop-package: installed $(wc -l <"$out/files") paths; the desktop entry declares carekey: links"

# The installed app in a window, and a link the desktop opens.
home=$(mktemp -d "$out/home.XXXXXX")
# Into a file, not a pipe: an app left running by a failed test would hold
# a pipe open, and the script would wait for it.
if ! CAREKEY_INSTALLED_HOME=$home cargo test --test installed --locked -- --exact \
    the_installed_app_starts_and_a_link_the_desktop_opens_reaches_it >"$out/installed.log" 2>&1; then
    grep -v "^dbus-daemon" "$out/installed.log" | tail -n 40
    pkill -f '^/usr/bin/carekey' || true
    fail "the installed app's test failed (above)"
fi
grep "test result" "$out/installed.log"
data="$home/data/app.carekey.desktop"
[ -n "$(ls -A "$data" 2>/dev/null)" ] || fail "the installed app made no data folder at $data"
find "$data" -type f | sort >"$out/data-files"
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q carekey </dev/null >"$out/remove.log" 2>&1 \
    || { cat "$out/remove.log"; fail "apt-get remove failed"; }
left=()
while read -r path; do
    [ -d "$path" ] && continue
    [ -e "$path" ] && left+=("$path")
done <"$out/files"
[ ${#left[@]} -eq 0 ] || fail "files left after removal: ${left[*]}"
[ -z "$(dpkg-query -W -f='${Status}' carekey 2>/dev/null | grep 'install ok' || true)" ] \
    || fail "the package is still installed"
grep -q "x-scheme-handler/carekey=" /usr/share/applications/mimeinfo.cache \
    && fail "the desktop's database still sends carekey: links to the removed app"
find "$data" -type f | sort | cmp -s - "$out/data-files" || fail "the person's data changed with the removal"
echo "desktop-package: removed; nothing of the package is left, the person's data is"

# The .rpm: the same files, and what it requires.
rpm -qpl "$rpm" 2>/dev/null | sort >"$out/rpm-files"
for path in /usr/bin/carekey /usr/share/applications/carekey.desktop /usr/share/icons/hicolor/128x128/apps/carekey.png; do
    grep -qx "$path" "$out/rpm-files" || fail "the .rpm lacks $path"
done
rpm -qpR "$rpm" 2>/dev/null | grep -q gnome-keyring || fail "the .rpm does not require gnome-keyring"
rpm -qp --queryformat '%{NAME} %{VERSION}\n' "$rpm" 2>/dev/null | grep -qx "carekey $version" \
    || fail "the .rpm is not carekey $version"
echo "desktop-package: the .rpm holds the same app and requires what it needs"
