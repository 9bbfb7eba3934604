#!/usr/bin/env bash
# Checks that the JavaScript vendored in ui/vendor/ is exactly what its npm
# tarball holds (tests/run.sh runs it): a vendored file edited by hand, or a
# version bumped without copying the files again, fails.
#
#   bash tests/ui-vendor.sh
set -euo pipefail
cd "$(dirname "$0")/.."

FLUENT_BUNDLE_VERSION=0.19.1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "@fluent/bundle@$FLUENT_BUNDLE_VERSION" >/dev/null)
tar -xzf "$work"/fluent-bundle-"$FLUENT_BUNDLE_VERSION".tgz -C "$work"
vendored=$(cd ui/vendor/fluent-bundle && ls)
packed=$(cd "$work/package/esm" && ls ./*.js | sed 's|^\./||')
if [ "$vendored" != "$packed" ]; then
    echo "ui-vendor: ui/vendor/fluent-bundle/ holds other files than @fluent/bundle $FLUENT_BUNDLE_VERSION's esm/*.js" >&2
    exit 1
fi
for file in $packed; do
    if ! cmp -s "$work/package/esm/$file" "ui/vendor/fluent-bundle/$file"; then
        echo "ui-vendor: ui/vendor/fluent-bundle/$file differs from @fluent/bundle $FLUENT_BUNDLE_VERSION's" >&2
        exit 1
    fi
done
echo "ui-vendor: @fluent/bundle $FLUENT_BUNDLE_VERSION as published ($(echo "$packed" | wc -w) files)"
