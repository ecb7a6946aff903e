#!/usr/bin/env bash
# Compares tfbench's stream triad on the OpenCL device with a native C/OpenMP STREAM triad on the same machine,
# measured one after the other in the same invocation. usage: ci/native-stream.sh  (after ci/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_BUILD_DIR:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BUILD_DIR/tfbench-native" --stream-only --json "$tmp/native.json" >/dev/null
"$BUILD_DIR/tfbench" --device "${TFB_DEVICE:-0}" --suite stream --quiet --json "$tmp/stream.json"
python3 - "$tmp/native.json" "$tmp/stream.json" <<'PY'
import json, sys
native = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}["native/stream/triad"]
ours = [b for b in json.load(open(sys.argv[2]))["benchmarks"]
        if b["name"].startswith("stream/tfbench/triad") and b.get("verified") and not b.get("cache_resident")]
best = max(ours, key=lambda b: b["gbytes_per_second"])
ratio = best["gbytes_per_second"] / native["gbytes_per_second"]
print(f"native OpenMP triad  {native['gbytes_per_second']:.1f} GB/s")
for b in ours:
    print(f"{b['name']:<34} {b['gbytes_per_second']:.1f} GB/s")
print(f"best tfbench triad / native triad = {ratio:.2f}")
PY
