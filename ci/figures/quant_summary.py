#!/usr/bin/env python3
"""Summarizes ci/figures/issue35.sh's files: each format's GEMV fraction of the run's read roof, its dequantization-only
rate, the layer's seven projections composed (bytes over summed GEMV times), and llama-bench's effective GB/s.
   quant_summary.py OUT_DIR [LAYERS]"""
import json
import os
import sys

D, FF, VOCAB, HEADS = 4096, 11008, 32000, 32
BLOCK = {"q8_0": (32, 34), "q4_0": (32, 18), "int4-g128": (128, 66), "fp16": (1, 2), "fp32": (1, 4)}
LAYER = [("4096x4096", 4), ("11008x4096", 2), ("4096x11008", 1)]  # q, k, v, o; gate, up; down


def matrix_bytes(fmt, elements):
    block, size = BLOCK[fmt]
    return elements // block * size


def load(path):
    with open(path) as f:
        return json.load(f)["benchmarks"]


def gemv_table(benchmarks):
    rows = {}
    for b in benchmarks:
        if b.get("verified") and b["suite"] == "gemv":
            rows[(b["shape"], b["dtype"])] = b
    return rows


def composed_layer(rows, fmt):
    """Bytes a decode step's seven projections read over the sum of their GEMV times (exact bytes: gemm_case_bytes)."""
    total_bytes = total_time = 0.0
    for shape, count in LAYER:
        b = rows.get((shape, fmt))
        if not b:
            return None
        total_bytes += count * b["bytes"]
        total_time += count * b["time_median_s"]
    return total_bytes / total_time / 1e9


def llama_step_bytes(fmt, layers):
    """What one token of llama-bench -p 0 -n 32 must read (--pure: every matrix in the format): every layer's
    matrices, the output head, one embedding row, the fp32 norms; the KV cache (f16, at most 32 tokens) is left
    out (< 0.1%)."""
    matrices = layers * (4 * D * D + 3 * D * FF) + VOCAB * D + D
    return matrix_bytes(fmt, matrices) + 4 * (2 * layers + 1) * D


def print_gemvs(rows):
    for (shape, fmt), b in sorted(rows.items()):
        fraction = b.get("roofline_fraction")
        best = b["bytes"] / b["time_min_s"] / 1e9
        activations = " int8 act." if b.get("activations", "").startswith("int8") else ""
        where = ("in cache: the arithmetic's own rate" if b.get("cache_resident")
                 else f"{fraction:5.2f}x of the read roof" if fraction else "out of cache")
        print(f"  {fmt:10} {shape:28} {b['gbytes_per_second']:7.1f} GB/s ({best:5.1f})  {where}{activations}")


def main():
    out = sys.argv[1]
    layers = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    rows = gemv_table(load(os.path.join(out, "gemv.json")))
    print("GEMV (one run): format, shape, GB/s at the median (and at the fastest sample), fraction of the read roof")
    print_gemvs(rows)
    fp32_activations = os.path.join(out, "gemv-fp32-activations.json")
    if os.path.exists(fp32_activations):
        print("The quantized GEMVs with fp32 activations (TFB_GPU_KERNELS=1, the next run, no roof of its own)")
        print_gemvs(gemv_table(load(fp32_activations)))
    for fmt in ("fp32", "fp16", "q8_0", "q4_0", "int4-g128"):
        rate = composed_layer(rows, fmt)
        if rate:
            print(f"  layer's 7 projections composed, {fmt}: {rate:.1f} GB/s")
    if not layers:
        return
    print(f"Beside llama.cpp ({layers} layers, llama-bench -p 0 -n 32), effective GB/s = bytes a step reads / time")
    for fmt in ("q8_0", "q4_0"):
        mine = composed_layer(gemv_table(load(os.path.join(out, f"gemv-{fmt}.json"))), fmt)
        with open(os.path.join(out, f"llama-{fmt}.json")) as f:
            runs = json.load(f)
        for bench in runs:
            theirs = llama_step_bytes(fmt, layers) * bench["avg_ts"] / 1e9
            print(f"  {fmt}: llama.cpp, {bench['n_threads']} thread(s): {bench['avg_ts']:.2f} tokens/s, "
                  f"{llama_step_bytes(fmt, layers):,} B a token, {theirs:.1f} GB/s")
        print(f"  {fmt}: tfbench's GEMVs composed {mine:.1f} GB/s" if mine else f"  {fmt}: no tfbench run")


if __name__ == "__main__":
    main()
