#!/usr/bin/env bash
# The app's updates, tested end to end the way a Debian desktop gets them:
# version N's .deb, which installs CareKey's APT repository and its key,
# is installed; N+1 is published in that repository (src-tauri/
# apt-repository.sh, a throwaway GPG key) on a local web server; apt brings
# the update in, and the app, relaunched, is N+1 with the person's session
# and key as they were. Before that, three forged updates are refused and
# leave N installed and working:
#   - N+1 signed by another key (apt: not signed by the key the package
#     trusts),
#   - a changed index (Packages differs from what the signed Release says;
#     and a changed InRelease, whose signature then fails),
#   - a changed package (its SHA-256 differs from the signed index).
#
#   bash tests/desktop-update.sh
#
# Needs root (apt), gpg and apt-ftparchive (apt-utils), and the test
# script's display, D-Bus and keyring (tests/run.sh runs it inside them).
# N+1 is the same source built with another version (TAURI_CONFIG); the
# test build of N is made again at the end, so later tests run N.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

fail() { echo "desktop-update: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (apt-get install); CI runs as root"
for tool in gpg apt-ftparchive; do
    command -v "$tool" >/dev/null || fail "$tool is missing (tests/setup.sh installs it)"
done
[ -n "${DISPLAY:-}" ] || fail "no X display: run it from tests/run.sh, or inside xvfb-run dbus-run-session"
if dpkg-query -W -f='${Status}' carekey 2>/dev/null | grep -q "install ok"; then
    fail "the carekey package is installed on this machine already; this test installs and removes its own"
fi

version=$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')
next=$(python3 -c 'import sys; a, b, c = sys.argv[1].split("."); print(f"{a}.{b}.{int(c) + 1}")' "$version")

work=$(mktemp -d /tmp/carekey-desktop-update.XXXXXX)
server_pid=
rebuilt=no
cleanup() {
    pkill -f '^/usr/bin/carekey' 2>/dev/null || true
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    dpkg -P carekey >/dev/null 2>&1 || true
    rm -f /var/lib/apt/lists/127.0.0.1:*
    # Later tests run version N: the test build goes back to it.
    if [ "$rebuilt" = yes ]; then
        cargo test --test installed --no-run --locked >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Two throwaway signing keys: CareKey's (the package trusts it) and
# someone else's.
export GNUPGHOME="$work/gnupg"
mkdir -m 700 "$GNUPGHOME"
for who in archive other; do
    gpg --batch --quiet --passphrase '' --quick-gen-key "CareKey test $who <$who@carekey.invalid>" ed25519 sign never
done
fingerprint() { gpg --with-colons --list-keys "$1@carekey.invalid" | awk -F: '/^fpr/ { print $10; exit }'; }
good=$(fingerprint archive)
other=$(fingerprint other)
gpg --export "$good" >"$work/carekey-archive-keyring.gpg"

# The repository's web server (a plain one: what apt trusts is the
# signatures, not the transport; a release serves it over HTTPS).
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
source="http://127.0.0.1:$port/"
mkdir -p "$work/served"
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$work/served" >"$work/http.log" 2>&1 &
server_pid=$!

# Version N, from the test build; then N+1 from the same source.
cargo test --test installed --no-run --locked
bash src-tauri/bundle.sh --bundles deb --out "$work/n" --update-source "$source" --update-keyring "$work/carekey-archive-keyring.gpg"
rebuilt=yes
TAURI_CONFIG="{\"version\":\"$next\"}" cargo test --test installed --no-run --locked
bash src-tauri/bundle.sh --bundles deb --version "$next" --out "$work/next" --update-source "$source" --update-keyring "$work/carekey-archive-keyring.gpg"
cargo test --test installed --no-run --locked
rebuilt=no
deb_n="$work/n/carekey_${version}_amd64.deb"
deb_next="$work/next/carekey_${next}_amd64.deb"
[ -f "$deb_n" ] && [ -f "$deb_next" ] || fail "the packages were not made: $(ls "$work"/n "$work"/next)"

# N, as a person installs it: the package brings its update source and key.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb_n" </dev/null >"$work/install.log" 2>&1 \
    || { cat "$work/install.log"; fail "apt-get install of $version failed"; }
sources=/etc/apt/sources.list.d/carekey.sources
[ -f "$sources" ] || fail "the package did not install $sources"
grep -qx "URIs: $source" "$sources" || fail "$sources does not name $source"
grep -qx "Signed-By: /usr/share/keyrings/carekey-archive-keyring.gpg" "$sources" || fail "$sources trusts no key of its own"
cmp -s /usr/share/keyrings/carekey-archive-keyring.gpg "$work/carekey-archive-keyring.gpg" \
    || fail "the package's keyring is not the archive key"

home=$(mktemp -d "$work/home.XXXXXX")
run_app() { # step, expected version, [update the app should offer]
    local log="$work/installed-$1-$2.log"
    if ! env CAREKEY_INSTALLED_HOME="$home" CAREKEY_UPDATE_STEP="$1" CAREKEY_EXPECTED_VERSION="$2" \
        ${3:+CAREKEY_EXPECTED_UPDATE="$3"} \
        cargo test --test installed --locked -- --exact an_account_and_its_key_outlive_an_update >"$log" 2>&1; then
        grep -v "^dbus-daemon" "$log" | tail -n 40
        pkill -f '^/usr/bin/carekey' || true
        fail "the installed app ($1, $2) failed (above)"
    fi
}
installed() { dpkg-query -W -f='${Version}' carekey; }
candidate() { LC_ALL=C apt-cache policy carekey | awk '/Candidate:/ { print $2 }'; }
# apt, reading only CareKey's source (the test needs no other). Its lists
# of that source go first: a repository republished within the second
# would otherwise answer "not modified" to apt's If-Modified-Since, and
# apt would keep what it had.
apt_update() {
    rm -f /var/lib/apt/lists/127.0.0.1:* /var/lib/apt/lists/partial/127.0.0.1:*
    LC_ALL=C apt-get update -q -o Dir::Etc::sourcelist="$sources" -o Dir::Etc::sourceparts=- \
        -o APT::Get::List-Cleanup=0 </dev/null >"$work/update.log" 2>&1
}
apt_upgrade() {
    LC_ALL=C DEBIAN_FRONTEND=noninteractive apt-get install -y -q --only-upgrade carekey \
        </dev/null >"$work/upgrade.log" 2>&1
}
publish() { # key, package...
    rm -rf "$work/served" && mkdir -p "$work/served"
    local key=$1
    shift
    bash src-tauri/apt-repository.sh --key "$key" --out "$work/served" "$@" >/dev/null
}
still_n() { # why
    [ "$(installed)" = "$version" ] || fail "$1: $(installed) is installed, not $version"
}

run_app before "$version"
publish "$good" "$deb_n"
apt_update || { cat "$work/update.log"; fail "apt-get update of the genuine repository (N only) failed"; }
[ "$(candidate)" = "$version" ] || fail "the repository of N offers $(candidate)"
echo "desktop-update: $version installed from its package; its repository trusted"

# 1. N+1 signed by another key.
publish "$other" "$deb_n" "$deb_next"
if apt_update; then
    grep -q "NO_PUBKEY\|not signed" "$work/update.log" || { cat "$work/update.log"; fail "apt accepted a repository signed by another key"; }
fi
grep -q "NO_PUBKEY\|not signed\|EXPKEYSIG\|BADSIG" "$work/update.log" \
    || { cat "$work/update.log"; fail "apt did not say the signature is not CareKey's"; }
[ "$(candidate)" = "$version" ] || fail "another key's $next became the candidate"
apt_upgrade || true
still_n "another key"
echo "desktop-update: refused: $next signed by another key ($(grep -o 'NO_PUBKEY [0-9A-F]*\|not signed' "$work/update.log" | head -n 1))"

# 2. A changed index: Packages edited after Release was signed; then
# InRelease itself edited.
publish "$good" "$deb_n" "$deb_next"
sed -i "s/^Version: $next\$/Version: ${next}9/" "$work/served/Packages"
gzip -9 -n -k -f "$work/served/Packages"
apt_update && fail "apt accepted an index that differs from the signed Release"
grep -qi "hash sum mismatch\|unexpected size\|Hashes of expected file" "$work/update.log" \
    || { cat "$work/update.log"; fail "apt did not say the index differs from the signed Release"; }
[ "$(candidate)" = "$version" ] || fail "a changed index made $(candidate) the candidate"
publish "$good" "$deb_n" "$deb_next"
python3 - "$work/served/InRelease" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
# One hex digit of the first SHA256 line of the signed text.
head, sep, rest = text.partition("SHA256:\n ")
assert sep, "no SHA256 in InRelease"
digit = "0" if rest[0] != "0" else "1"
open(path, "w").write(head + sep + digit + rest[1:])
PY
rm -f "$work/served/Release.gpg" "$work/served/Release"
apt_update && fail "apt accepted an InRelease changed after it was signed"
grep -q "BADSIG\|signatures were invalid\|not signed" "$work/update.log" \
    || { cat "$work/update.log"; fail "apt did not say the InRelease signature is bad"; }
[ "$(candidate)" = "$version" ] || fail "a changed InRelease made $(candidate) the candidate"
apt_upgrade || true
still_n "a changed index"
echo "desktop-update: refused: an index changed after signing, and a signed Release changed"

# 3. A changed package: the signed index is genuine, the .deb is not.
publish "$good" "$deb_n" "$deb_next"
printf 'x' >>"$work/served/carekey_${next}_amd64.deb"
apt_update || { cat "$work/update.log"; fail "apt-get update of a genuine index failed"; }
[ "$(candidate)" = "$next" ] || fail "the genuine index does not offer $next"
apt_upgrade && fail "apt installed a package whose hash is not the signed one"
grep -qi "hash sum mismatch\|unexpected size\|size mismatch\|Hashes of expected file" "$work/upgrade.log" \
    || { cat "$work/upgrade.log"; fail "apt did not say the package differs from the signed index"; }
still_n "a changed package"
echo "desktop-update: refused: a package that differs from the signed index"
# N still works, the session and key as they were, and it says that N+1
# (which apt knows of now) is ready.
run_app after "$version" "$next"
echo "desktop-update: $version still runs, with the person's session and key; it says $next is ready"

# The genuine update.
publish "$good" "$deb_n" "$deb_next"
apt_update || { cat "$work/update.log"; fail "apt-get update of the genuine repository failed"; }
apt_upgrade || { cat "$work/upgrade.log"; fail "apt could not install the genuine $next"; }
[ "$(installed)" = "$next" ] || fail "$(installed) is installed after the update, not $next"
run_app after "$next"
size=$(stat -c %s "$deb_next")
echo "desktop-update: updated to $next (a download of $((size / 1024)) KiB); the app is $next with the same session and key"

# Removing the package takes its update source and key with it.
DEBIAN_FRONTEND=noninteractive apt-get remove -y -q carekey </dev/null >"$work/remove.log" 2>&1 \
    || { cat "$work/remove.log"; fail "apt-get remove failed"; }
[ ! -e "$sources" ] || fail "$sources is left after the removal"
[ ! -e /usr/share/keyrings/carekey-archive-keyring.gpg ] || fail "the archive key is left after the removal"
echo "desktop-update: removed, with its update source and key"
