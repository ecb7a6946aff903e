#!/usr/bin/env bash
# The figures of issue 35 (docs/quantization.md), for a quiet machine: the quantized GEMVs against the read roof of
# the same run, their dequantization-only variants, and, when a llama.cpp build is given, llama-bench's token
# generation at Q8_0 and Q4_0 in the same minute as tfbench's GEMVs at the same format, both as effective GB/s;
# then the layer's decode step b1 at each format with an fp16 cache (its fraction of the bracketed bound, the goal
# figure at q4_0) and llama-bench -t 2 right after it.
#   ci/figures/issue35.sh OUT_DIR [LLAMA_BIN_DIR GGUF_Q8_0 GGUF_Q4_0 LAYERS]
# LLAMA_BIN_DIR holds llama-bench; the GGUFs are the random-weight Llama-2-7B-shaped models of LAYERS layers that
# docs/quantization.md's recipe writes (never part of this repository). Needs a build ($TFB_BUILD_DIR, default build/).
set -euo pipefail
cd "$(dirname "$0")/../.."
out="${1:?usage: ci/figures/issue35.sh OUT_DIR [LLAMA_BIN_DIR GGUF_Q8_0 GGUF_Q4_0 LAYERS]}"
tfbench="${TFB_BUILD_DIR:-build}/tfbench"
[ -x "$tfbench" ] || { echo "issue35.sh: $tfbench not found: build first (ci/build.sh)" >&2; exit 2; }
mkdir -p "$out"
uptime | tee "$out/load.txt"
shapes='(4096x4096|11008x4096|4096x11008)'
# The read roof (stream's read cases) and the fp32 peak in the same run, so each GEMV has its roof fraction.
ceilings='^stream/tfbench/read-|^peak/tfbench/fma-chains/fp32'
# 1. Every format's GEMV on the layer's shapes, out of cache, and the dequantization-only variants, in one run.
#    On a CPU the quantized GEMVs run on int8 activations (JSON "activations"; docs/quantization.md).
"$tfbench" --suite stream,peak,gemv \
  --filter "${ceilings}|gemv/tfbench/${shapes}(-dequant-only)?/(fp32|fp16|q8_0|q4_0|int4-g128)\$" \
  --json "$out/gemv.json" | tee "$out/gemv.txt"
# 1b. The same quantized GEMVs with fp32 activations (the kernel GPUs run; TFB_GPU_KERNELS=1 selects it on a CPU):
#     what the int8 activations buy, and what limits the fp32 kernel. No roof in this run (TFB_GPU_KERNELS=1 gives
#     the stream suite its GPU kernels too): GB/s only, to read beside run 1's.
uptime | tee -a "$out/load.txt"
TFB_GPU_KERNELS=1 "$tfbench" --suite gemv \
  --filter "gemv/tfbench/${shapes}(-dequant-only)?/(q8_0|q4_0|int4-g128)\$" \
  --json "$out/gemv-fp32-activations.json" | tee "$out/gemv-fp32-activations.txt"
# 1b. The layer's formats table: the whole decode step at b1 n512 in fp16, q8_0 and q4_0 weights, fp32 and fp16
# caches, each a stack out of cache, with the fp16 head for the whole model's tokens/s (docs/layer.md).
"$tfbench" --suite layer --weights fp16,q8_0,q4_0 --kv-dtype fp32,fp16 --batch 1 --seq 512 \
  --filter '^layer/tfbench/(decode-b1-n512/|head-b1-32000x4096/fp16$)' --json "$out/layer-formats.json" \
  | tee "$out/layer-formats.txt"
# 2. Beside llama.cpp: each format's llama-bench run right after tfbench's GEMVs of the same format.
if [ $# -ge 5 ]; then
  bin="$2" layers="$5"
  for pair in "q8_0:$3" "q4_0:$4"; do
    format="${pair%%:*}" gguf="${pair#*:}"
    uptime | tee -a "$out/load.txt"
    "$tfbench" --suite stream,peak,gemv --filter "${ceilings}|gemv/tfbench/${shapes}/${format}\$" \
      --json "$out/gemv-$format.json" \
      | tee "$out/gemv-$format.txt"
    # one thread and every core: on a loaded machine its spinning threads collapse at full width (the summary
    # takes the faster)
    "$bin/llama-bench" -m "$gguf" -p 0 -n 32 -t "1,$(nproc)" -o json > "$out/llama-$format.json"
  done
  python3 ci/figures/quant_summary.py "$out" "$layers" | tee "$out/summary.txt"
  # 3. The layer's decode step (context 32, as llama-bench's 32 tokens; a stack of layers out of cache) beside
  # llama-bench at two threads, the same minute, each format.
  for pair in "q8_0:$3" "q4_0:$4"; do
    format="${pair%%:*}" gguf="${pair#*:}"
    uptime | tee -a "$out/load.txt"
    "$tfbench" --suite layer --weights "$format" --kv-dtype fp16 --batch 1 --seq 32 \
      --filter "^layer/tfbench/decode-b1-n32/${format}-kv-fp16\$" --json "$out/layer-$format.json" \
      | tee "$out/layer-$format.txt"
    "$bin/llama-bench" -m "$gguf" -p 0 -n 32 -t 2 -o json > "$out/llama-layer-$format.json"
  done
  python3 ci/figures/layer_vs_llama.py "$out" "$layers" | tee "$out/layer-summary.txt"
else
  python3 ci/figures/quant_summary.py "$out" | tee "$out/summary.txt"
fi
