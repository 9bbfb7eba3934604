#!/usr/bin/env bash
# Builds the app's Linux packages (.deb and .rpm) with Tauri's bundler from
# the binary cargo already built, without building it again.
#
#   bash src-tauri/bundle.sh [--release] [--version X.Y.Z] [--out DIR] [--bundles deb,rpm]
#                            [--update-source URL --update-keyring FILE]
#
# --release packages target/release/carekey (a release machine's
# `cargo build --release -p carekey-app` first); the default packages
# target/debug/carekey, which the test command has just built.
# --version stamps the packages with another version than tauri.conf.json's
# (the update test's N+1); the binary must have been built with the same
# (TAURI_CONFIG='{"version":"X.Y.Z"}' at build time), or it reports the
# other. The packages are copied to DIR (default target/bundle), with the
# CycloneDX SBOMs of the app and the server (src-tauri/sbom.sh).
# --bundles: deb,rpm by default; a release machine that can download
# linuxdeploy adds appimage.
# --update-source and --update-keyring make the .deb install its updates'
# source: the APT repository at URL (made by src-tauri/apt-repository.sh),
# as /etc/apt/sources.list.d/carekey.sources, trusted only for what the key
# in FILE (a binary OpenPGP keyring: gpg --export KEY) signed, installed
# as /usr/share/keyrings/carekey-archive-keyring.gpg. Both go with the
# package when it is removed. A release gives CareKey's repository and key;
# the update test a local one and a throwaway key.
#
# Tauri's CLI is the prebuilt one from npm (tests/bundle/package-lock.json
# pins it and its checksums): a cargo install of tauri-cli takes longer on
# 2 cores than the whole package test.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

profile=debug
version=
out=target/bundle
bundles=deb,rpm
update_source=
update_keyring=
while [ $# -gt 0 ]; do
    case "$1" in
        --release) profile=release ;;
        --version) version=$2; shift ;;
        --out) out=$2; shift ;;
        --bundles) bundles=$2; shift ;;
        --update-source) update_source=$2; shift ;;
        --update-keyring) update_keyring=$2; shift ;;
        *) echo "bundle: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

if [ -n "$update_source" ] || [ -n "$update_keyring" ]; then
    [ -n "$update_source" ] && [ -n "$update_keyring" ] \
        || { echo "bundle: --update-source and --update-keyring go together" >&2; exit 2; }
    [ -s "$update_keyring" ] || { echo "bundle: no keyring at $update_keyring" >&2; exit 1; }
    case "$update_source" in
        https://*|http://127.0.0.1*|http://localhost*) ;;
        *) echo "bundle: the update source must be https (or a local test server)" >&2; exit 2 ;;
    esac
    update_keyring=$(realpath "$update_keyring")
    sources=$(mktemp -d)/carekey.sources
    cat >"$sources" <<SOURCES
# CareKey's updates: its signed APT repository. Installed and removed with
# the carekey package; apt trusts only what the key beside it signed.
Types: deb
URIs: $update_source
Suites: ./
Signed-By: /usr/share/keyrings/carekey-archive-keyring.gpg
SOURCES
fi

TAURI=tests/bundle/node_modules/.bin/tauri
if [ ! -x "$TAURI" ]; then
    (cd tests/bundle && npm ci --no-audit --no-fund --loglevel=error)
fi
binary=target/$profile/carekey
if [ ! -x "$binary" ]; then
    echo "bundle: $binary is missing: build it first (cargo build -p carekey-app${profile/debug/})" >&2
    exit 1
fi

# The config lives at the top of the repository, where tauri-build reads it,
# and its paths are relative to it; the CLI looks for it beside the app's
# Cargo.toml (src-tauri/tauri.conf.json links to it) and would resolve them
# from there, so they are given whole.
overrides=$(python3 - "$ROOT" "$version" "${sources:-}" "$update_keyring" <<'PY'
import json, sys
root, version, sources, keyring = sys.argv[1:5]
config = json.load(open(f"{root}/tauri.conf.json"))
linux = config["bundle"]["linux"]
patch = {
    "build": {"frontendDist": f"{root}/{config['build']['frontendDist']}"},
    "bundle": {
        "icon": [f"{root}/{icon}" for icon in config["bundle"]["icon"]],
        "linux": {
            kind: {"desktopTemplate": f"{root}/{linux[kind]['desktopTemplate']}"}
            for kind in ("deb", "rpm")
        },
    },
    # Debian and RPM names are lower case; the bundler would make
    # "care-key" of "CareKey". The menu shows "CareKey" (the desktop entry).
    "productName": "carekey",
}
if version:
    patch["version"] = version
if sources:
    patch["bundle"]["linux"]["deb"]["files"] = {
        "/etc/apt/sources.list.d/carekey.sources": sources,
        "/usr/share/keyrings/carekey-archive-keyring.gpg": keyring,
    }
print(json.dumps(patch))
PY
)
flags=()
[ "$profile" = debug ] && flags=(--debug)
TAURI_APP_PATH=src-tauri TAURI_FRONTEND_PATH=. CI=true \
    "$TAURI" bundle "${flags[@]}" --bundles "$bundles" --config "$overrides"

mkdir -p "$out"
shopt -s nullglob
produced=(target/"$profile"/bundle/*/*.{deb,rpm,AppImage})
want=${version:-$(python3 -c 'import json; print(json.load(open("tauri.conf.json"))["version"])')}
for package in "${produced[@]}"; do
    case "$package" in
        *"_${want}_"*|*"-${want}-"*) cp "$package" "$out/" ; echo "bundle: $out/$(basename "$package")" ;;
    esac
done
# What the packages are made of, published beside them.
bash src-tauri/sbom.sh --out "$out" --version "$want"
