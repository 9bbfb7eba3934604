#!/usr/bin/env bash
# The server's Debian package, tested the way it is used: built with
# cargo-deb, installed with apt (pulling what it declares), its unit checked
# by systemd-analyze, the server started exactly as the unit starts it (the
# unit's ExecStartPre and ExecStart lines, as its user, in its working
# directory), a person registered and logged in through it, stopped with
# SIGTERM (it must exit 0), then the package removed (its settings and the
# data stay) and purged (the settings go, the data stays).
#
#   bash tests/package.sh            uses the debug binary of the last build
#   CAREKEY_PACKAGE_PROFILE=release  builds and packages the release binary
#
# Needs root (dpkg), cargo-deb (installed when missing) and systemd-analyze
# (Debian's systemd package); a machine where carekey-server is installed
# already is refused rather than overwritten.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

fail() { echo "package: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || fail "needs root (dpkg -i); CI runs as root"
command -v systemd-analyze >/dev/null || fail "systemd-analyze is missing (apt-get install systemd)"
if dpkg-query -W -f='${Status}' carekey-server 2>/dev/null | grep -q "install ok installed"; then
    fail "carekey-server is installed on this machine already; this test installs and removes its own"
fi
[ ! -e /var/lib/carekey ] || fail "/var/lib/carekey exists: a real installation's data? This test makes and deletes its own"
[ ! -e /etc/carekey ] || fail "/etc/carekey exists: a real installation's settings? This test makes and deletes its own"
if ! cargo deb --version 2>/dev/null | grep -q '^cargo-deb 3\.8\.0$'; then
    echo "package: installing cargo-deb"
    cargo install cargo-deb --version 3.8.0 --locked
fi

profile=${CAREKEY_PACKAGE_PROFILE:-dev}
out=$(mktemp -d /tmp/carekey-package.XXXXXX)
server_pid=
cleanup() {
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    dpkg -P carekey-server >/dev/null 2>&1 || true
    rm -rf /var/lib/carekey "$out"
}
trap cleanup EXIT

case "$profile" in
    # The test command's run packages the binary its build made (a
    # release build would take minutes more); cargo-deb warns that it is
    # meant for releases, which this is not.
    dev)
        cargo build -p carekey-server --bin carekey-server --locked
        cargo deb -p carekey-server --profile dev --no-build --fast -o "$out/" 2>&1 | grep -v "dev profile\|debug symbols\|custom profiles" || true
        ;;
    release) cargo deb -p carekey-server --locked -o "$out/" ;;
    *) fail "CAREKEY_PACKAGE_PROFILE is dev or release" ;;
esac
deb=$(ls "$out"/carekey-server_*.deb)
echo "package: built $(basename "$deb") ($(du -h "$deb" | cut -f1))"

# Installed as an operator installs it: apt resolves what it depends on.
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" </dev/null >"$out/install.log" 2>&1 \
    || { cat "$out/install.log"; fail "apt-get install failed"; }
[ -x /usr/bin/carekey-server ] || fail "no /usr/bin/carekey-server"
unit=/usr/lib/systemd/system/carekey-server.service
[ -f "$unit" ] || fail "no $unit"
getent passwd carekey >/dev/null || fail "no carekey system user"
[ "$(stat -c '%U:%G %a' /etc/carekey/carekey.toml)" = "root:carekey 640" ] \
    || fail "/etc/carekey/carekey.toml is $(stat -c '%U:%G %a' /etc/carekey/carekey.toml), not root:carekey 640"
dpkg-query -W -f='${Conffiles}\n' carekey-server | grep -q "/etc/carekey/carekey.toml" \
    || fail "the settings are not a conffile"
/usr/bin/carekey-server --config /etc/carekey/carekey.toml check-config >/dev/null \
    || fail "the installed settings do not pass check-config"

# The unit: valid, and its hardening as systemd rates it.
systemd-analyze verify "$unit" || fail "systemd-analyze verify refused the unit"
systemd-analyze security --offline=yes "$unit" >"$out/security.txt" 2>&1 || true
echo "package: $(grep -o 'Overall exposure level.*' "$out/security.txt" || echo 'no exposure rating')"

# Started as the unit starts it: its lines, its user, its directory (which
# systemd makes from StateDirectory=), on a port of our own.
state=/var/lib/carekey
install -d -o carekey -g carekey -m 0750 "$state"
line() { sed -n "s/^$1=//p" "$unit"; }
[ "$(line User)" = carekey ] && [ "$(line WorkingDirectory)" = "$state" ] \
    || fail "the unit runs as $(line User) in $(line WorkingDirectory)"
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# setpriv executes the command itself (runuser would stay as its parent and
# take the signals meant for the server), so the server is the process
# started here, as it is systemd's.
as_unit=(setpriv --reuid carekey --regid carekey --init-groups --reset-env env CAREKEY_LISTEN="127.0.0.1:$port")
# shellcheck disable=SC2046 # the unit's command line, split as systemd splits it
(cd "$state" && exec "${as_unit[@]}" $(line ExecStartPre)) >"$out/migrate.log" 2>&1 \
    || { cat "$out/migrate.log"; fail "ExecStartPre failed"; }
# shellcheck disable=SC2046
(cd "$state" && exec "${as_unit[@]}" $(line ExecStart)) >"$out/server.log" 2>&1 &
server_pid=$!

python3 - "$port" "$state/carekey-outbox.jsonl" <<'PY' || { cat "$out/server.log"; fail "logging in through the packaged server failed"; }
import base64, hashlib, json, os, re, sys, time, urllib.request
port, outbox = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
def call(path, body=None):
    request = urllib.request.Request(base + path, data=None if body is None else json.dumps(body).encode(),
                                     headers={"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)
for _ in range(200):
    try:
        call("/readyz"); break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the packaged server did not become ready")
verifier = base64.urlsafe_b64encode(os.urandom(32)).rstrip(b"=").decode()
challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
email = f"clinic-{os.getpid()}@carekey.test"
started = call("/v1/auth/start", {"email": email, "firstName": "Ada", "lastName": "Lovelace",
                                  "role": "clinician", "deviceChallenge": challenge})
for _ in range(100):
    lines = [json.loads(line) for line in open(outbox)] if os.path.exists(outbox) else []
    mine = [message for message in lines if message["to"] == email]
    if mine: break
    time.sleep(0.1)
else:
    sys.exit("no code in the outbox")
code = re.search(r"\b(\d{6})\b", mine[0]["body"]).group(1)
session = call("/v1/auth/complete", {"requestId": started["requestId"], "code": code, "deviceVerifier": verifier})
request = urllib.request.Request(base + "/v1/me", headers={"authorization": "Bearer " + session["accessToken"]})
with urllib.request.urlopen(request, timeout=10) as answer:
    assert json.load(answer)["email"] == email
print("package: registered and logged in through the packaged server")
PY

kill -TERM "$server_pid"
status=0
wait "$server_pid" || status=$?
server_pid=
[ "$status" = 0 ] || { cat "$out/server.log"; fail "the server exited $status on SIGTERM, not 0"; }
[ "$(stat -c %U "$state/carekey.db")" = carekey ] || fail "the database is not the service user's"
echo "package: SIGTERM stopped it cleanly (exit 0); its database is $state/carekey.db"
# The operator's commands find that database from anywhere, as its user,
# reading the installed settings without being told.
(cd / && setpriv --reuid carekey --regid carekey --init-groups \
    carekey-server --json users list) >"$out/users.json" \
    || fail "users list as the carekey user failed"
grep -q '"clinician"' "$out/users.json" || fail "users list does not show the account: $(cat "$out/users.json")"
echo "package: carekey-server users list (no --config), run from /, shows the account"

# Removed: the program and the unit go, the settings and the data stay.
dpkg -r carekey-server >"$out/remove.log" 2>&1 || { cat "$out/remove.log"; fail "dpkg -r failed"; }
[ ! -e /usr/bin/carekey-server ] && [ ! -e "$unit" ] || fail "dpkg -r left the program or the unit"
[ -f /etc/carekey/carekey.toml ] || fail "dpkg -r removed the settings"
[ -f "$state/carekey.db" ] || fail "dpkg -r removed the data"
dpkg -P carekey-server >"$out/purge.log" 2>&1 || { cat "$out/purge.log"; fail "dpkg -P failed"; }
[ ! -e /etc/carekey ] || fail "purging left /etc/carekey"
[ -f "$state/carekey.db" ] || fail "purging removed the people's data"
echo "package: removed (settings and data kept), purged (settings gone, data kept)"
