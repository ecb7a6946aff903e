#!/usr/bin/env python3
"""Writes a copy of a tfbench results file in which every benchmark ran FACTOR times slower: each sample, the time
statistics and the rates scaled alike, so the copy still agrees with itself (tfbench compare refuses a file whose
figures contradict each other). For the gate's power figure (ci/figures/issue33-gate.sh).
usage: scale-results.py IN.json FACTOR OUT.json"""
import json
import sys

TIMES = ("time_median_s", "time_min_s", "time_max_s", "time_mean_s", "time_stddev_s", "time_median_ci_low_s",
         "time_median_ci_high_s", "time_q1_s", "time_q3_s", "time_iqr_s", "time_mad_s", "real_time", "cpu_time")
RATES = ("gflops", "gbytes_per_second", "bytes_per_second", "items_per_second")


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    factor = float(sys.argv[2])
    with open(sys.argv[1]) as f:
        doc = json.load(f)
    for b in doc.get("benchmarks", []):
        for key in TIMES:
            if isinstance(b.get(key), (int, float)):
                b[key] *= factor
        for key in RATES:
            if isinstance(b.get(key), (int, float)):
                b[key] /= factor
        if isinstance(b.get("samples_s"), list):
            b["samples_s"] = [s * factor for s in b["samples_s"]]
    with open(sys.argv[3], "w") as f:
        json.dump(doc, f)


main()
