"""Fails when a locked dependency needs a newer Rust than the package's rust-version.

Reads `cargo metadata --format-version 1` on standard input.
"""
import json
import sys


def version(text):
    return tuple(int(part) for part in text.split("."))


meta = json.load(sys.stdin)
root_id = meta["resolve"]["root"]
root = next(p for p in meta["packages"] if p["id"] == root_id)
declared = root["rust_version"]
needs = [
    (version(p["rust_version"]), p["name"], p["rust_version"])
    for p in meta["packages"]
    if p.get("rust_version") and p["id"] != root_id
]
need, name, text = max(needs)
if need > version(declared) + (0,) * (len(need) - len(version(declared))):
    sys.exit(
        f"rust-version {declared} in Cargo.toml is lower than {name} needs ({text}): raise it"
    )
print(f"MSRV {declared}: every locked dependency builds with it (highest: {name} {text})")
