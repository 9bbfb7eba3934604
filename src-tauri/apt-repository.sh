#!/usr/bin/env bash
# Publishes the app's .deb packages as a signed APT repository: what the
# installed app's updates come from (the package installs the repository's
# address and public key, see bundle.sh's --update-source).
#
#   bash src-tauri/apt-repository.sh --key KEY --out DIR PACKAGE.deb...
#
# KEY is the signing key's id or fingerprint in gpg's keyring (GNUPGHOME if
# set). DIR becomes a flat repository (apt's `Suites: ./`): the packages,
# their index (Packages, Packages.gz), and Release, signed twice: inline
# (InRelease) and detached (Release.gpg). apt trusts what Release lists only
# when its signature is by the key the package installed (Signed-By), and
# each package only when its SHA-256 is the one Release's index gives:
# a changed package, a changed index or another key is refused. Serve DIR
# over HTTPS at the address the package names. Needs apt-utils
# (apt-ftparchive) and gpg. Packages already in DIR are kept: apt offers the
# newest.
set -euo pipefail

key=
out=
packages=()
while [ $# -gt 0 ]; do
    case "$1" in
        --key) key=$2; shift ;;
        --out) out=$2; shift ;;
        -*) echo "apt-repository: unknown argument $1" >&2; exit 2 ;;
        *) packages+=("$1") ;;
    esac
    shift
done
[ -n "$key" ] && [ -n "$out" ] || { echo "apt-repository: --key and --out are needed" >&2; exit 2; }
command -v apt-ftparchive >/dev/null || { echo "apt-repository: apt-ftparchive is missing (apt-get install apt-utils)" >&2; exit 1; }
command -v gpg >/dev/null || { echo "apt-repository: gpg is missing (apt-get install gpg)" >&2; exit 1; }

mkdir -p "$out"
for package in "${packages[@]}"; do
    cp "$package" "$out/"
done
cd "$out"
apt-ftparchive packages . >Packages
gzip -9 -n -k -f Packages
apt-ftparchive \
    -o APT::FTPArchive::Release::Origin=CareKey \
    -o APT::FTPArchive::Release::Label=CareKey \
    -o APT::FTPArchive::Release::Description="CareKey's app for Linux desktops" \
    release . >Release
rm -f InRelease Release.gpg
gpg --batch --yes --local-user "$key" --digest-algo SHA512 --clearsign --output InRelease Release
gpg --batch --yes --local-user "$key" --digest-algo SHA512 --armor --detach-sign --output Release.gpg Release
echo "apt-repository: $out: $(grep -c '^Package:' Packages) packages, signed by $key"
