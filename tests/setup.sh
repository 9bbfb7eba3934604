#!/usr/bin/env bash
# Installs what CareKey needs, where it is missing:
#   tests/setup.sh server to build and run the server: a C compiler and Rust
#   tests/setup.sh run    to build and run the app: also WebKitGTK and the
#                         other libraries Tauri builds on, gnome-keyring
#   tests/setup.sh test   (the default) also PostgreSQL, a Python virtualenv
#                         with the test SMTP server (aiosmtpd) and the
#                         Standard Webhooks reference library, the test FHIR
#                         server (Medplum's, from npm, on Node.js), Xvfb,
#                         WebKitWebDriver and tauri-driver, headless Chromium
#                         with chromedriver, ESLint for the UI modules, and
#                         the reference tools the benchmarks compare with
#                         (openssl, argon2), Rust's nightly toolchain
#                         for the fuzz targets, cargo-deb with
#                         systemd-analyze for the server's package test,
#                         and Tauri's CLI (npm) with rpm for the app's
#                         package test, and mingw-w64 with Rust's Windows
#                         target for the Windows build check
# Safe to run again: it only installs what is absent. Works as root (CI) or as
# a user with sudo; never asks questions.
set -euo pipefail
cd "$(dirname "$0")/.."
PROFILE=${1:-test}

APT_PACKAGES=(build-essential pkg-config curl ca-certificates git)
if [ "$PROFILE" = run ] || [ "$PROFILE" = test ]; then
    # Tauri on Linux (its documented prerequisites), the Secret Service
    # keychain, and what registers the carekey: scheme with the desktop.
    APT_PACKAGES+=(libwebkit2gtk-4.1-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
        dbus dbus-x11 gnome-keyring desktop-file-utils xdg-utils libglib2.0-bin)
fi
if [ "$PROFILE" = test ]; then
    # Chromium and its driver: the phone's browser that approves a login
    # from a message's landing page in the window test.
    APT_PACKAGES+=(python3 python3-venv postgresql xvfb webkit2gtk-driver at-spi2-core openssl argon2
        chromium chromium-driver)
    # The server's package test: installs the .deb (which needs adduser)
    # and checks its unit with systemd-analyze.
    APT_PACKAGES+=(systemd adduser)
    # The app's package test reads the .rpm with rpm's query tool.
    APT_PACKAGES+=(rpm)
    # The window test reads back what "Copy diagnostics" put on the clipboard,
    # and answers the system's save dialog (GTK's own window) with the keyboard.
    APT_PACKAGES+=(xclip xdotool)
    # The app's update test publishes a signed APT repository.
    APT_PACKAGES+=(apt-utils gpg)
    # The Windows build is checked here (tests/windows-check.sh): some
    # dependencies compile C for their target in their build scripts.
    APT_PACKAGES+=(gcc-mingw-w64-x86-64)
fi

as_root() {
    if [ "$(id -u)" = 0 ]; then
        "$@"
    elif command -v sudo >/dev/null; then
        sudo -n "$@" 2>/dev/null || sudo "$@"
    else
        echo "setup: need root (or sudo) to run: $*" >&2
        return 1
    fi
}

missing=()
for package in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    # The postgresql package would start a system cluster; the tests run their own.
    as_root apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null
fi

if ! command -v cargo >/dev/null; then
    if [ -x "$HOME/.cargo/bin/cargo" ]; then
        export PATH="$HOME/.cargo/bin:$PATH"
    else
        echo "setup: installing Rust (rustup, stable)"
        curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal --component rustfmt,clippy
        export PATH="$HOME/.cargo/bin:$PATH"
    fi
fi
for component in rustfmt clippy; do
    if ! cargo "${component/rustfmt/fmt}" --version >/dev/null 2>&1 && command -v rustup >/dev/null; then
        rustup component add "$component"
    fi
done

[ "$PROFILE" = test ] || exit 0

# The fuzz targets need the nightly toolchain (libFuzzer's instrumentation
# and AddressSanitizer are nightly-only); fuzz/run.sh installs cargo-fuzz.
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    echo "setup: installing the nightly toolchain (for the fuzz targets)"
    rustup toolchain install nightly --profile minimal
fi

# The Windows standard library, for tests/windows-check.sh.
if ! rustup target list --installed | grep -qx x86_64-pc-windows-gnu; then
    echo "setup: adding the x86_64-pc-windows-gnu target (the Windows build check)"
    rustup target add x86_64-pc-windows-gnu
fi

# cargo-deb builds the server's Debian package (tests/package.sh).
if ! cargo deb --version 2>/dev/null | grep -q '^cargo-deb 3\.8\.0$'; then
    echo "setup: installing cargo-deb"
    cargo install cargo-deb --version 3.8.0 --locked
fi

# tauri-driver drives the app's window through WebKitWebDriver.
if ! command -v tauri-driver >/dev/null; then
    echo "setup: installing tauri-driver"
    cargo install tauri-driver --version '^2' --locked
fi

# The test SMTP server, the webhook receiver, the writer of the test places
# database (mmdb-writer) and Schemathesis (the API conformance test) run in
# their own virtualenv, so neither the system Python
# (PEP 668) nor pyenv's needs touching. Schemathesis is pinned: a new release
# brings new checks, which land as a change of their own.
VENV=target/test-python
SCHEMATHESIS_VERSION=4.32.5
if ! "$VENV/bin/python" -c "import aiosmtpd, standardwebhooks, mmdb_writer" 2>/dev/null \
    || [ "$("$VENV/bin/schemathesis" --version 2>/dev/null)" != "schemathesis, version $SCHEMATHESIS_VERSION" ]; then
    echo "setup: creating $VENV with aiosmtpd, standardwebhooks, mmdb-writer and schemathesis"
    mkdir -p target
    rm -rf "$VENV"
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q --disable-pip-version-check aiosmtpd standardwebhooks mmdb-writer \
        "schemathesis==$SCHEMATHESIS_VERSION"
fi

# The test FHIR server: Medplum's FHIR router from npm (the versions in its
# package-lock.json), on Node.js 20 or later.
if ! command -v node >/dev/null; then
    echo "setup: installing Node.js"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -q
    as_root apt-get install -y -q --no-install-recommends nodejs npm </dev/null
fi
node_major=$(node -p 'process.versions.node.split(".")[0]')
if (( node_major < 20 )); then
    echo "setup: the test FHIR server needs Node.js 20 or later; this machine has $(node --version)" >&2
    exit 1
fi
FHIR_SERVER=crates/carekey-server/tests/support/fhir
if [ ! -f "$FHIR_SERVER/node_modules/@medplum/fhir-router/package.json" ]; then
    echo "setup: installing the test FHIR server's packages"
    (cd "$FHIR_SERVER" && npm ci --no-audit --no-fund --loglevel=error)
fi

# Tauri's CLI, whose bundler makes the app's .deb and .rpm
# (src-tauri/bundle.sh): the prebuilt one from npm, at the version and
# checksums in its package-lock.json.
BUNDLE_TOOLS=tests/bundle
if [ ! -x "$BUNDLE_TOOLS/node_modules/.bin/tauri" ]; then
    echo "setup: installing Tauri's CLI (the bundler)"
    (cd "$BUNDLE_TOOLS" && npm ci --no-audit --no-fund --loglevel=error)
fi

# The UI modules' check (ESLint: undefined names, missing imports), the
# versions in its package-lock.json.
UI_LINT=tests/ui-lint
if [ ! -f "$UI_LINT/node_modules/eslint/bin/eslint.js" ]; then
    echo "setup: installing the UI check's packages"
    (cd "$UI_LINT" && npm ci --no-audit --no-fund --loglevel=error)
fi
