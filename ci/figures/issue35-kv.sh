#!/bin/sh
# Figures of the decode KV-cache formats (--kv-dtype) and of the fp32 MHA decode fraction, for a quiet machine:
#   1. decode attention at the default MHA shape (b4-h32-n8192-d128) with an fp32, fp16 and q8_0 cache, in one run
#      with the read ceiling: the time ratios fp32/fp16 and fp32/q8_0 (bytes ratio 2 and 3.76) and each format's
#      fraction of the read roof;
#   2. the fp32 MHA decode fraction of the read roof in RUNS default runs (`tfbench --device 0`), beside GEMV fp32
#      at the same bytes;
#   3. MHA decode variants timed alternately with the read kernel (ci/figures/decode_ab.c): today's kernel, one
#      stream per work-item (K and V in 16-key blocks), no software prefetch, 2 and 4 splits per head, groups of 1
#      and 16, and the fp16 and q8_0 caches.
# Not run by CI. Usage: ci/figures/issue35-kv.sh [OUT_DIR] (default: a fresh folder under /tmp); RUNS=3 by default.
set -eu
cd "$(dirname "$0")/../.."
BIN=${BIN:-build/tfbench}
RUNS=${RUNS:-3}
OUT=${1:-$(mktemp -d /tmp/tfbench-issue35-kv.XXXXXX)}
mkdir -p "$OUT"
uptime
"$BIN" --device 0 --suite stream,decode --kv-dtype fp32,fp16,q8_0 \
    --filter 'stream/tfbench/read-|decode/tfbench/b4-h32-n8192-d128/' --out "$OUT/kv" | tee "$OUT/kv.txt"
python3 - "$OUT/kv/results.json" <<'PY'
import json, sys
runs = {b["name"]: b for b in json.load(open(sys.argv[1]))["benchmarks"]}
base = "decode/tfbench/b4-h32-n8192-d128/"
fp32 = runs[base + "fp32"]
for fmt in ("kv-fp16", "kv-q8_0"):
    b = runs[base + fmt]
    print("%s: time %.2f ms, fp32/%s time ratio %.2f (bytes ratio %.2f), %s of the read roof"
          % (b["name"], b["time_median_s"] * 1e3, fmt, fp32["time_median_s"] / b["time_median_s"],
             fp32["bytes"] / b["bytes"], b.get("roofline_fraction")))
print("%s: time %.2f ms, %s of the read roof" % (fp32["name"], fp32["time_median_s"] * 1e3,
                                                 fp32.get("roofline_fraction")))
PY
i=1
while [ "$i" -le "$RUNS" ]; do
    uptime
    "$BIN" --device 0 --out "$OUT/default-$i" > "$OUT/default-$i.txt"
    python3 - "$OUT/default-$i/results.json" <<'PY'
import json, sys
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    if b["name"] in ("decode/tfbench/b4-h32-n8192-d128/fp32", "gemv/tfbench/11008x4096/fp32"):
        print("%s: %.1f GB/s, %s of the read roof" % (b["name"], b["gbytes_per_second"], b.get("roofline_fraction")))
PY
    i=$((i + 1))
done
uptime
cc -std=c11 -O2 -o "$OUT/decode_ab" ci/figures/decode_ab.c -lOpenCL
"$OUT/decode_ab" kernels "${ROUNDS:-15}" "8192 4 -DPREFETCH=2" "8192 4 -DPREFETCH=2 -DKV_BLOCKED" "8192 4" \
    "4096 4 -DPREFETCH=2" "2048 4 -DPREFETCH=2" "8192 1 -DPREFETCH=2" "8192 16 -DPREFETCH=2" \
    "8192 4 -DPREFETCH=2 -DKV_BLOCKED -DKV_FORMAT=1" "8192 4 -DPREFETCH=2 -DKV_BLOCKED -DKV_FORMAT=2" \
    | tee "$OUT/ab.txt"
echo "results: $OUT"
