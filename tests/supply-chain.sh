#!/usr/bin/env bash
# Supply chain, checked offline: cargo-deny over every crate in Cargo.lock
# (licences, bans, sources, and advisories against the RustSec database),
# then a CycloneDX SBOM of the app and the server, and a check that the
# app's licences page (ui/licences.html) is what Cargo.lock gives.
#
#   bash tests/supply-chain.sh        (tests/run.sh runs it)
#
# The advisory database cannot be fetched here: a copy of its crates/
# folder of 2026-08-21 (commit bf5c0d2) is vendored in
# tests/supply-chain/rustsec-advisory-db-2026-08-21.tar.gz. Advisories
# published after that date are missing. To refresh it on a connected
# machine: clone github.com/rustsec/advisory-db, tar its crates/, LICENSE.txt
# and README.md the same way, replace the file and its date in ADVISORY_DB.
# The SBOMs land in target/sbom/ (src-tauri/sbom.sh, which a release runs
# through src-tauri/bundle.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

ADVISORY_DB=tests/supply-chain/rustsec-advisory-db-2026-08-21.tar.gz
ADVISORY_DATE=2026-08-21T00:00:00Z
DENY_VERSION=0.20.2

if ! cargo deny --version 2>/dev/null | grep -q " $DENY_VERSION"; then
    echo "supply-chain: installing cargo-deny $DENY_VERSION"
    cargo install cargo-deny --locked --version "$DENY_VERSION"
fi

# cargo-deny looks for the default database in a folder named after its URL
# (this name is cargo-deny's, for https://github.com/RustSec/advisory-db);
# it must be a git repository, whose commit date is the database's date.
dbs="$PWD/target/advisory-dbs"
repo="$dbs/advisory-db-3157b0e258782691"
stamp="$repo/.vendored-from"
if [ "$(cat "$stamp" 2>/dev/null)" != "$(sha256sum "$ADVISORY_DB")" ]; then
    rm -rf "$repo"
    mkdir -p "$repo"
    tar -xzf "$ADVISORY_DB" -C "$repo"
    git -C "$repo" init -q -b main
    git -C "$repo" add -A
    GIT_AUTHOR_DATE="$ADVISORY_DATE" GIT_COMMITTER_DATE="$ADVISORY_DATE" \
        git -C "$repo" -c user.name=carekey -c user.email=carekey@localhost \
        commit -q -m "RustSec advisory-db crates/ of ${ADVISORY_DATE%%T*}"
    sha256sum "$ADVISORY_DB" > "$stamp"
fi
export CAREKEY_ADVISORY_DBS="$dbs"

# RUSTSEC-2023-0071 (Marvin) is accepted in deny.toml only because rsa 0.10
# fixed it after the vendored database was taken: an older rsa must not
# come back under that acceptance.
old_rsa=$(awk '/^name = "rsa"$/ { getline; print $3 }' Cargo.lock | tr -d '"' | grep -Ev '^0\.(1[0-9]|[1-9][0-9])\.|^[1-9]' || true)
if [ -n "$old_rsa" ]; then
    echo "supply-chain: rsa $old_rsa is in Cargo.lock; RUSTSEC-2023-0071 is accepted only for rsa 0.10 and later" >&2
    exit 1
fi

# The app embeds the server on SQLite only: no PostgreSQL driver in its
# binary (carekey-server's `postgres` feature, on for the server's own build).
if cargo tree --locked --offline --target all -p carekey-app -e normal -i sqlx-postgres 2>/dev/null | grep -q sqlx-postgres; then
    echo "supply-chain: the app's build has sqlx-postgres; carekey-server's postgres feature must stay off for it:" >&2
    cargo tree --locked --offline --target all -p carekey-app -e features -i sqlx-postgres >&2
    exit 1
fi
if ! cargo tree --locked --offline -p carekey-server -e normal -i sqlx-postgres 2>/dev/null | grep -q sqlx-postgres; then
    echo "supply-chain: the server's build has no PostgreSQL driver" >&2
    exit 1
fi

# Every crate of every target, so that cargo-deny can run offline.
cargo fetch --locked --quiet
cargo deny --offline --log-level error check --show-stats

# The SBOMs a release publishes, made and checked the release's way.
rm -rf target/sbom
bash src-tauri/sbom.sh --out target/sbom
# The licences page the app shows is made from the same Cargo.lock.
bash src-tauri/licences.sh --check
echo "supply-chain: ok (advisories as of ${ADVISORY_DATE%%T*})"
