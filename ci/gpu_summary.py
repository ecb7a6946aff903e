#!/usr/bin/env python3
"""One screen from a gpu-check folder (ci/gpu-check.sh): OpenCL bandwidth against the CUDA copy and the datasheet,
the fp32 peak against theory, our SGEMM against cuBLAS SGEMM, GEMV and decode against the read roof, flash against
naive attention, and what failed. usage: gpu_summary.py OUTDIR"""
import json
import os
import sys

# Datasheet figures of the SXM parts (bandwidth GB/s, dense fp32 GFLOP/s without tensor cores).
DATASHEETS = {"H200": (4800.0, 67000.0), "H100": (3350.0, 67000.0)}


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def points(doc):
    return {b["name"]: b for b in (doc or {}).get("benchmarks", []) if b.get("verified") and b.get("time_median_s")}


def best(pts, prefix, key):
    values = [(b.get(key) or 0, n) for n, b in pts.items() if n.startswith(prefix) and not b.get("cache_resident")]
    return max(values) if values else (0.0, "")


def ratio(a, b):
    return f"{a / b:.2f}x" if a and b else "n/a"


def bandwidth_lines(ours, cuda, sheet):
    read, _ = best(ours, "stream/tfbench/read", "gbytes_per_second")
    copy = max(best(ours, "stream/tfbench/copy", "gbytes_per_second")[0],
               best(ours, "stream/tfbench/triad", "gbytes_per_second")[0])
    cuda_copy = (cuda.get("native/cuda/stream/copy") or {}).get("gbytes_per_second", 0)
    cuda_read = (cuda.get("native/cuda/stream/read-float4") or {}).get("gbytes_per_second", 0)
    yield f"Bandwidth GB/s: OpenCL read {read:.0f}, read+write {copy:.0f}; CUDA copy {cuda_copy:.0f}, read {cuda_read:.0f}"
    yield (f"  OpenCL read / CUDA read {ratio(read, cuda_read)}, OpenCL r+w / CUDA copy {ratio(copy, cuda_copy)}; "
           f"of the datasheet {sheet[0]:.0f}: read {ratio(read, sheet[0])}, CUDA copy {ratio(cuda_copy, sheet[0])}"
           if sheet else "  (no datasheet for this device)")


def compute_lines(doc, ours, cuda, sheet):
    peak = ((doc or {}).get("context", {}).get("ceilings", {}) or {}).get("peak_gflops_fp32", 0) or 0
    theory = sheet[1] if sheet else 0
    yield f"Peak fp32: {peak:.0f} GFLOP/s, theory {theory:.0f}: {ratio(peak, theory)}"
    sgemm = (ours.get("gemm/tfbench/2048x2048x2048/fp32") or {}).get("gflops", 0)
    cublas = (cuda.get("native/cublas/gemm/2048x2048x2048/fp32") or {}).get("gflops", 0)
    yield f"SGEMM 2048^3: ours {sgemm:.0f} vs cuBLAS {cublas:.0f} GFLOP/s = {ratio(sgemm, cublas)}"
    for dtype in ("fp16", "bf16"):
        rates = [(b.get("gflops", 0), n) for n, b in cuda.items() if n.endswith("/" + dtype)]
        if rates:
            yield "  cuBLAS tensor cores %s: %.0f GFLOP/s (%s)" % (dtype, *max(rates))


def roof_lines(ours):
    for label, prefix in (("GEMV fp32", "gemv/tfbench/"), ("decode", "decode/tfbench/")):
        fractions = [b["roofline_fraction"] for n, b in ours.items()
                     if n.startswith(prefix) and b.get("roofline_fraction") and n.endswith("/fp32")]
        if fractions:
            yield f"{label} vs its roof: {min(fractions):.0%} - {max(fractions):.0%} ({len(fractions)} points)"
    pairs = []
    for n, b in ours.items():
        if n.startswith("flash/tfbench/"):
            naive = ours.get(n.replace("flash/", "attention/", 1))
            if naive:
                pairs.append((naive["time_median_s"] / b["time_median_s"], b.get("shape", n)))
    if pairs:
        yield "flash vs naive: " + ", ".join(f"{s:.1f}x {shape}" for s, shape in sorted(pairs, key=lambda p: p[1]))


def failures(*docs):
    bad = [b["name"] for doc in docs for b in (doc or {}).get("benchmarks", [])
           if b.get("verified") is False or str(b.get("error_message", "")).startswith("verification failed")]
    return bad


def main(out):
    doc, cuda_doc = load(os.path.join(out, "run", "results.json")), load(os.path.join(out, "native-cuda.json"))
    ours, cuda = points(doc), points(cuda_doc)
    device = ((doc or {}).get("context", {}).get("device", {}) or {})
    name = device.get("name", "?")
    sheet = next((v for k, v in DATASHEETS.items() if k in name.upper()), None)
    if doc is None:
        print("the OpenCL run wrote no results.json: see run.log")
    print(f"gpu-check: {name} ({device.get('driver', '?')}); CUDA: "
          f"{((cuda_doc or {}).get('context', {}).get('device', {}) or {}).get('name', 'no file')}")
    with open(os.path.join(out, "steps.txt")) as f:
        print("steps: " + "; ".join(line.strip() for line in f if line.strip()))
    for line in [*bandwidth_lines(ours, cuda, sheet), *compute_lines(doc, ours, cuda, sheet), *roof_lines(ours)]:
        print(line)
    bad = failures(doc, cuda_doc, load(os.path.join(out, "layer.json")), load(os.path.join(out, "native.json")))
    print(f"verification failures: {len(bad)}" + (": " + ", ".join(bad[:8]) if bad else ""))
    print(f"points: {len(ours)} OpenCL, {len(cuda)} CUDA; report: {os.path.join(out, 'run', 'report.html')}")


if __name__ == "__main__":
    main(sys.argv[1])
