#!/usr/bin/env bash
# The app as people install it: builds the release .deb, installs it, and
# reports its download and installed sizes, then the start-up and memory of
# /usr/bin/carekey against the Tauri hello-world (tests/bench/startup.py,
# the same comparison as tests/bench/startup.sh), and removes the package.
#
#   sudo bash tests/bench/installed-startup.sh [rounds]
#
# A benchmark to run and report (README, "Benchmarks"), not part of the test
# command: the release build takes 12-15 minutes on 2 cores. Needs root
# (apt-get install) and a machine where carekey is not installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
[ "$(id -u)" = 0 ] || { echo "installed-startup: needs root (apt-get install)" >&2; exit 1; }
if dpkg-query -W -f='${Status}' carekey 2>/dev/null | grep -q "install ok installed"; then
    echo "installed-startup: carekey is installed here already; this installs and removes its own" >&2
    exit 1
fi
bash tests/setup.sh test
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release --locked -p carekey-app -p carekey-bench-hello

out=$(mktemp -d /tmp/carekey-installed-bench.XXXXXX)
trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q carekey </dev/null >/dev/null 2>&1 || true; rm -rf "$out"' EXIT
bash src-tauri/bundle.sh --release --bundles deb --out "$out" >/dev/null
deb=$(ls "$out"/carekey_*.deb)
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$deb" </dev/null >"$out/install.log" 2>&1 \
    || { cat "$out/install.log"; exit 1; }
echo "package: $(basename "$deb"): download $(stat -c %s "$deb" | awk '{ printf "%.1f MiB", $1 / 1048576 }'),"\
" installed $(dpkg-query -W -f='${Installed-Size}' carekey) KiB (Installed-Size);"\
" /usr/bin/carekey $(stat -c %s /usr/bin/carekey | awk '{ printf "%.1f MiB", $1 / 1048576 }')"

scratch=$(mktemp -d /tmp/carekey-bench.XXXXXX)
trap 'DEBIAN_FRONTEND=noninteractive apt-get remove -y -q carekey </dev/null >/dev/null 2>&1 || true; rm -rf "$out" "$scratch"' EXIT
export XDG_RUNTIME_DIR="$scratch/runtime" XDG_DATA_HOME="$scratch/keyring"
mkdir -m 700 "$XDG_RUNTIME_DIR"
CAREKEY_BENCH_APP=/usr/bin/carekey xvfb-run --auto-servernum --server-args="-screen 0 1280x900x24" dbus-run-session -- bash -c '
    printf %s bench | gnome-keyring-daemon --unlock --components=secrets >/dev/null
    exec python3 tests/bench/startup.py "$@"
' bench "$@"
