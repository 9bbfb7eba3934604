#!/usr/bin/env bash
# CycloneDX SBOMs (cargo-cyclonedx, JSON, spec 1.5) of the app and of the
# server, made from Cargo.lock, each checked to name its own package and to
# hold crates every build of it has. A release publishes them beside its
# packages: src-tauri/bundle.sh writes them beside the .deb and .rpm, and
# tests/supply-chain.sh into target/sbom/ on every test run.
#
#   bash src-tauri/sbom.sh [--out DIR] [--version X.Y.Z]
#
# DIR (default target/sbom) gets carekey-app.cdx.json and
# carekey-server.cdx.json. --version states the app packages' version
# when a release stamps another than Cargo's (bundle.sh --version); the
# server's SBOM keeps the server's.
#
# Installs cargo-cyclonedx from crates.io when missing.
set -euo pipefail
cd "$(dirname "$0")/.."

CYCLONEDX_VERSION=0.5.9
out=target/sbom
version=
while [ $# -gt 0 ]; do
    case "$1" in
        --out) out=$2; shift ;;
        --version) version=$2; shift ;;
        *) echo "sbom: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

if ! cargo cyclonedx --version 2>/dev/null | grep -q " $CYCLONEDX_VERSION"; then
    echo "sbom: installing cargo-cyclonedx $CYCLONEDX_VERSION"
    cargo install cargo-cyclonedx --locked --version "$CYCLONEDX_VERSION"
fi

# cargo-cyclonedx writes <package>.cdx.json beside each package's manifest
# (it has no output folder); they are moved out at once, so that a run
# leaves no file in the source tree.
made=$(mktemp -d)
trap 'rm -rf "$made"' EXIT
cargo cyclonedx --format json --spec-version 1.5 --quiet
find . -path ./target -prune -o -name '*.cdx.json' -print0 | xargs -0 -I{} mv {} "$made/"
mkdir -p "$out"
for package in carekey-app carekey-server; do
    python3 - "$made/$package.cdx.json" "$package" "$version" "$out/$package.cdx.json" <<'PY'
import json, sys
made, package, version, out = sys.argv[1:5]
sbom = json.load(open(made))
names = {c["name"] for c in sbom.get("components", [])}
assert sbom["bomFormat"] == "CycloneDX", sbom.get("bomFormat")
assert sbom["metadata"]["component"]["name"] == package, sbom["metadata"]["component"]
for expected in ("tokio", "serde", "rsa"):
    assert expected in names, f"{expected} missing from the SBOM of {package}"
# The packages carry the app's version; the server keeps its own.
if version and package == "carekey-app":
    sbom["metadata"]["component"]["version"] = version
with open(out, "w") as file:
    json.dump(sbom, file, indent=2)
    file.write("\n")
print(f"sbom: {out}: {len(names)} components")
PY
done
