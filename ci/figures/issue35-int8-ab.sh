#!/usr/bin/env bash
# What the CPU GEMV's int8 activations buy (docs/quantization.md), robust to a shared machine: the quantized GEMVs
# with int8 activations (the CPU default) and with fp32 activations (TFB_GPU_KERNELS=1 selects that kernel) run
# alternately, REPS times each, and the summary gives each case's fastest time per variant and their ratio.
#   ci/figures/issue35-int8-ab.sh OUT_DIR [REPS]
# Needs a build ($TFB_BUILD_DIR, default build/). Not run by CI.
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: ci/figures/issue35-int8-ab.sh OUT_DIR [REPS]}"
reps="${2:-3}"
tfbench="${TFB_BUILD_DIR:-build}/tfbench"
[ -x "$tfbench" ] || { echo "issue35-int8-ab.sh: $tfbench not found: build first (ci/build.sh)" >&2; exit 2; }
case "$reps" in ''|*[!0-9]*) echo "issue35-int8-ab.sh: REPS must be a whole number" >&2; exit 2;; esac
mkdir -p "$out"
filter='gemv/tfbench/(4096x4096|11008x4096|4096x11008)(-dequant-only)?/(q8_0|q4_0|int4-g128)$'
for rep in $(seq 1 "$reps"); do
  uptime | tee -a "$out/load.txt"
  "$tfbench" --suite gemv --filter "$filter" --json "$out/int8-$rep.json" > "$out/int8-$rep.txt"
  TFB_GPU_KERNELS=1 "$tfbench" --suite gemv --filter "$filter" --json "$out/fp32-$rep.json" > "$out/fp32-$rep.txt"
done
uptime | tee -a "$out/load.txt"
python3 - "$out" "$reps" <<'PY' | tee "$out/summary.txt"
import json, os, sys
out, reps = sys.argv[1], int(sys.argv[2])
best = {}
for variant in ("int8", "fp32"):
    for rep in range(1, reps + 1):
        with open(os.path.join(out, f"{variant}-{rep}.json")) as f:
            for b in json.load(f)["benchmarks"]:
                if b.get("verified") and b["suite"] == "gemv":
                    key = (b["shape"], b["dtype"])
                    t = b["time_min_s"]
                    slot = best.setdefault(key, {})
                    if variant not in slot or t < slot[variant][0]:
                        slot[variant] = (t, b["bytes"])
print(f"{reps} alternated runs of each; fastest sample per case; GB/s = bytes / that time")
print("  format     shape                          int8 activations   fp32 activations   time ratio fp32/int8")
for (shape, fmt), slot in sorted(best.items()):
    if "int8" in slot and "fp32" in slot:
        (ti, nb), (tf, _) = slot["int8"], slot["fp32"]
        print(f"  {fmt:10} {shape:28} {nb / ti / 1e9:10.1f} GB/s {nb / tf / 1e9:13.1f} GB/s {tf / ti:14.2f}")
PY
