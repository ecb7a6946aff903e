#!/usr/bin/env python3
"""How well the local roof follows the machine, from the A/A pairs of ci/figures/issue33-gate.sh: for every
benchmark measured in both runs of a pair (aN.json, bN.json in DIR), the log of its median time ratio B/A against the
log of its local roof's ratio A/B (read GB/s for memory-bound benchmarks, fp32 GFLOP/s for compute-bound ones; each
side the geometric mean of before and after). Prints, per kind, the correlation and the spread (standard deviation)
of the log time ratio before and after scaling by the roof: scaling helps where the spread after is the smaller.
usage: local-roof-tracking.py DIR"""
import json
import math
import sys


def median(values):
    v = sorted(values)
    n = len(v)
    return v[n // 2] if n % 2 else 0.5 * (v[n // 2 - 1] + v[n // 2])


def spread(values):
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values))


def pairs(folder):
    for i in range(1, 100):
        try:
            with open(f"{folder}/a{i}.json") as fa, open(f"{folder}/b{i}.json") as fb:
                yield json.load(fa), json.load(fb)
        except FileNotFoundError:
            return


def points(folder):
    """(memory_bound, log time ratio B/A, log roof ratio A/B) per benchmark of every pair"""
    for a, b in pairs(folder):
        peak = a["context"].get("ceilings", {}).get("peak_gflops_fp32", 0) or 0
        current = {x["name"]: x for x in b["benchmarks"]}
        for x in a["benchmarks"]:
            y = current.get(x["name"])
            if not y or "samples_s" not in x or "samples_s" not in y or "local_roof" not in x or "local_roof" not in y:
                continue
            memory = not x.get("gflops") or (x.get("roof_gflops") or 0) < peak * (1 - 1e-6)
            unit = "gbps" if memory else "gflops"
            ra, rb = x["local_roof"], y["local_roof"]
            if f"before_{unit}" not in ra or f"before_{unit}" not in rb:
                continue
            then = math.sqrt(ra[f"before_{unit}"] * ra[f"after_{unit}"])
            now = math.sqrt(rb[f"before_{unit}"] * rb[f"after_{unit}"])
            yield memory, math.log(median(y["samples_s"]) / median(x["samples_s"])), math.log(then / now)


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    found = list(points(sys.argv[1]))
    for memory in (True, False):
        rows = [(t, r) for m, t, r in found if m == memory]
        if len(rows) < 3:
            continue
        times, roofs = [t for t, _ in rows], [r for _, r in rows]
        mt, mr = sum(times) / len(times), sum(roofs) / len(roofs)
        covariance = sum((t - mt) * (r - mr) for t, r in rows)
        scale = math.sqrt(sum((t - mt) ** 2 for t in times) * sum((r - mr) ** 2 for r in roofs)) or 1.0
        print(f"{'memory' if memory else 'compute'}-bound: {len(rows)} benchmark pairs, correlation "
              f"{covariance / scale:.2f}, spread of log(B/A) {spread(times):.3f}, after scaling by the local roof "
              f"{spread([t - r for t, r in rows]):.3f}")


main()
