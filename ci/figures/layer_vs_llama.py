#!/usr/bin/env python3
"""The layer's decode step at each format beside llama.cpp (ci/figures/issue35.sh step 3): tfbench's layer decode b1
(fp16 cache, context 32) as effective GB/s = the step's exact bytes per layer / time per layer, with its fraction of
the bound of its own read bracket, and llama-bench -p 0 -n 32 -t 2 of the same format in the same minute as
effective GB/s = bytes a token reads / time per token (quant_summary.llama_step_bytes).
   layer_vs_llama.py OUT_DIR LAYERS"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quant_summary import llama_step_bytes  # noqa: E402


def layer_case(path, fmt):
    with open(path) as f:
        doc = json.load(f)
    name = f"/{fmt}-kv-fp16"
    bench = next((b for b in doc["benchmarks"] if b["suite"] == "layer" and b["name"].endswith(name)), None)
    cases = doc["context"].get("ceilings", {}).get("layer", {}).get("cases", [])
    case = next((c for c in cases if c["name"].endswith(name)), {})
    return bench, case


def main():
    out, layers = sys.argv[1], int(sys.argv[2])
    print(f"Layer decode b1, fp16 cache, beside llama.cpp ({layers} layers, llama-bench -p 0 -n 32 -t 2); "
          "effective GB/s = bytes a step reads / time")
    for fmt in ("q8_0", "q4_0"):
        bench, case = layer_case(os.path.join(out, f"layer-{fmt}.json"), fmt)
        with open(os.path.join(out, f"llama-layer-{fmt}.json")) as f:
            runs = json.load(f)
        if bench and bench.get("verified"):
            mine = bench["bytes"] / bench["time_median_s"] / 1e9
            print(f"  {fmt}: tfbench layer {bench['name']}: {bench['bytes']:,.0f} B a layer, "
                  f"{bench['time_median_s'] * 1e3:.2f} ms, {mine:.1f} GB/s, "
                  f"{case.get('fraction_of_bound', 0):.2f}x of its bracketed bound "
                  f"({case.get('layers_in_stack', 0):.0f} layers in the stack)")
        else:
            print(f"  {fmt}: no verified tfbench layer case")
        for run in runs:
            theirs = llama_step_bytes(fmt, layers) * run["avg_ts"] / 1e9
            print(f"  {fmt}: llama.cpp, {run['n_threads']} thread(s): {run['avg_ts']:.2f} tokens/s, "
                  f"{llama_step_bytes(fmt, layers):,} B a token, {theirs:.1f} GB/s")


if __name__ == "__main__":
    main()
