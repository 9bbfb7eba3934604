"""Checks tauri.conf.json and its Windows and macOS overlays against the
schema of the pinned Tauri CLI (tests/bundle), merged the way Tauri merges
them (JSON merge patch). Those bundles cannot be built on this machine, so
this is what keeps their settings valid until a release machine builds
them.

    target/test-python/bin/python tests/bundle/check-config.py
"""

import copy
import json
import sys

import jsonschema_rs

SCHEMA = "tests/bundle/node_modules/@tauri-apps/cli/config.schema.json"


def merge(target, patch):
    """RFC 7386: objects merge, null removes, anything else replaces."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge(result.get(key), value)
    return result


def main():
    validator = jsonschema_rs.validator_for(json.load(open(SCHEMA)))
    base = json.load(open("tauri.conf.json"))
    failed = False
    for name, config in [
        ("tauri.conf.json", base),
        ("tauri.windows.conf.json", merge(base, json.load(open("tauri.windows.conf.json")))),
        ("tauri.macos.conf.json", merge(base, json.load(open("tauri.macos.conf.json")))),
    ]:
        errors = list(validator.iter_errors(config))
        for error in errors:
            print(f"{name}: {error.message} at {list(error.instance_path)}", file=sys.stderr)
        failed = failed or bool(errors)
        if not errors:
            print(f"bundle config: {name} is valid; bundles {config['bundle']['targets']}")
    # A broken overlay must fail: the check itself is checked.
    broken = merge(base, {"bundle": {"windows": {"nsis": {"installMode": "nobody"}}}})
    if validator.is_valid(broken):
        print("bundle config: the schema accepted an invalid setting", file=sys.stderr)
        failed = True
    sys.exit(1 if failed else 0)


main()
