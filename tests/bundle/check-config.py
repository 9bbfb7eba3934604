"""Checks tauri.conf.json and its Windows and macOS overlays against the
schema of the pinned Tauri CLI (tests/bundle), merged the way Tauri merges
them (JSON merge patch). Those bundles cannot be built on this machine, so
this is what keeps their settings valid until a release machine builds
them.

Tauri's schema leaves plugins' settings free, so the updater's are checked
here too (src-tauri/src/updates/signed.rs relies on them): HTTPS endpoints,
the signed version required, no downgrades, nothing "dangerous", updater
artifacts made, and a public key that is empty (a build without updates)
or a minisign public key, never a secret one.

    target/test-python/bin/python tests/bundle/check-config.py
"""

import base64
import binascii
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


def updater_problems(config):
    """What is wrong with the updater settings of a Windows or macOS config."""
    problems = []
    updater = config.get("plugins", {}).get("updater")
    if not isinstance(updater, dict):
        return ["no plugins.updater"]
    endpoints = updater.get("endpoints") or []
    if not endpoints:
        problems.append("no update endpoint")
    problems += [f"endpoint not https: {url}" for url in endpoints if not url.startswith("https://")]
    if updater.get("requireSignedVersion") is not True:
        problems.append("requireSignedVersion is not true")
    if updater.get("allowDowngrades"):
        problems.append("allowDowngrades is on")
    problems += [f"{key} is on" for key, value in updater.items() if key.startswith("dangerous") and value]
    if config.get("bundle", {}).get("createUpdaterArtifacts") is not True:
        problems.append("bundle.createUpdaterArtifacts is not true")
    key = updater.get("pubkey")
    if not isinstance(key, str):
        problems.append("no pubkey setting")
    elif key:
        try:
            text = base64.b64decode(key, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            text = ""
        lines = text.splitlines()
        if "secret key" in text:
            problems.append("pubkey holds a SECRET key")
        elif len(lines) != 2 or "public key" not in lines[0] or not lines[1].startswith("RW"):
            problems.append("pubkey is not a minisign public key")
    return problems


def main():
    validator = jsonschema_rs.validator_for(json.load(open(SCHEMA)))
    base = json.load(open("tauri.conf.json"))
    failed = False
    for name, config in [
        ("tauri.conf.json", base),
        ("tauri.windows.conf.json", merge(base, json.load(open("tauri.windows.conf.json")))),
        ("tauri.macos.conf.json", merge(base, json.load(open("tauri.macos.conf.json")))),
    ]:
        errors = [f"{error.message} at {list(error.instance_path)}" for error in validator.iter_errors(config)]
        if name != "tauri.conf.json":
            errors += updater_problems(config)
        for error in errors:
            print(f"{name}: {error}", file=sys.stderr)
        failed = failed or bool(errors)
        if not errors:
            print(f"bundle config: {name} is valid; bundles {config['bundle']['targets']}")
    # A broken overlay must fail: the check itself is checked.
    broken = merge(base, {"bundle": {"windows": {"nsis": {"installMode": "nobody"}}}})
    if validator.is_valid(broken):
        print("bundle config: the schema accepted an invalid setting", file=sys.stderr)
        failed = True
    windows = merge(base, json.load(open("tauri.windows.conf.json")))
    for patch in [
        {"plugins": {"updater": {"endpoints": ["http://updates.carekey.example.org/latest.json"]}}},
        {"plugins": {"updater": {"requireSignedVersion": None}}},
        {"plugins": {"updater": {"pubkey": "dW50cnVzdGVkIGNvbW1lbnQ6IHJzaWduIGVuY3J5cHRlZCBzZWNyZXQga2V5Cg=="}}},
    ]:
        if not updater_problems(merge(windows, patch)):
            print(f"bundle config: the updater check accepted {patch}", file=sys.stderr)
            failed = True
    sys.exit(1 if failed else 0)


main()
