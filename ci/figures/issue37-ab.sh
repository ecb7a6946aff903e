#!/usr/bin/env bash
# A/B of the layer's batched decode step between two tfbench binaries (e.g. main's and this branch's, to see what the
# blocked KV cache gives), run alternately so the VM's bandwidth phases fall on both. Per run: the step, its read
# bracket, and each op's bytes / profiled time (attention: the KV cache read; FFN and projections: their fp16
# weights), with attention / FFN rate, which cancels what the machine's state does to both.
# Not run by CI. Usage: ci/figures/issue37-ab.sh BIN_A BIN_B [MODEL [BATCH [PAIRS]]]  (mistral-7b, 4, 4)
set -euo pipefail
[[ $# -ge 2 && -x $1 && -x $2 ]] || { echo "usage: $0 BIN_A BIN_B [MODEL [BATCH [PAIRS]]]" >&2; exit 2; }
a=$1 b=$2 model=${3:-mistral-7b} batch=${4:-4} pairs=${5:-4}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for ((i = 1; i <= pairs; i++)); do
    for side in A B; do
        bin=$a
        [[ $side == B ]] && bin=$b
        "$bin" --device 0 --suite layer --sweep batch --batch "$batch" --model "$model" --quick --filter decode \
            --out "$work/$side$i" >/dev/null 2>&1 || { echo "$side: $bin failed" >&2; continue; }
        python3 - "$work/$side$i/results.json" "$side" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["benchmarks"]:
    if r.get("phase") != "decode":
        continue
    b, m, br, rows = r["breakdown"], r["layer_model"], r["read_bracket"], r["rows"]
    w = (br["before_gbps"] + br["after_gbps"]) / 2
    projection_bytes = m["flops_projections"] / rows  # fp16: 2 bytes and 2 FLOPs per weight and row
    attn = m["kv_read_bytes"] / b["attention_s"] / 1e9
    ffn = (m["weight_bytes"] - projection_bytes) / b["ffn_s"] / 1e9
    proj = projection_bytes / b["projections_s"] / 1e9
    print(f"{sys.argv[2]} {r['name']}: {r['time_median_s'] * 1e3:.1f} ms, bracket {w:.1f} GB/s; attention {attn:.1f}, "
          f"FFN {ffn:.1f}, projections {proj:.1f} GB/s; attention / FFN {attn / ffn:.2f}")
PY
    done
done
