#!/usr/bin/env bash
# Compares tfbench's PoCL fp32 peak with the CPU's theoretical FMA peak (ci/cpu_peak.c), in one run.
# usage: ci/cpu-peak.sh [FMA_UNITS_PER_CORE (default 2)] ; needs an AVX-512 CPU and a built tfbench (ci/build.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_BUILD_DIR:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O3 -funroll-loops -mavx512f -fopenmp ci/cpu_peak.c -o "$tmp/cpu_peak"
"$tmp/cpu_peak" "${1:-2}" | tee "$tmp/native.txt"
"$BUILD_DIR/tfbench" --device 0 --suite peak --quiet --json "$tmp/peak.json"
python3 - "$tmp/peak.json" "$tmp/native.txt" <<'PY'
import json, re, sys
peak = json.load(open(sys.argv[1]))["context"]["ceilings"]["peak_gflops_fp32"]
theory = float(re.search(r"theoretical fp32 ([0-9.]+)", open(sys.argv[2]).read()).group(1))
print(f"tfbench peak fp32 on PoCL {peak:.1f} GFLOP/s = {100 * peak / theory:.0f}% of theoretical")
PY
