#!/usr/bin/env python3
"""The op breakdown of every layer case in tfbench JSON files, kernel by kernel: time per layer, its share of the
layer's span (first start to last end on the device), and the launch gaps as the rest. Usage:
layer_kernels.py RESULT.json ...  (for the issue-36 figures; not run by CI)."""
import json
import sys


def show(path):
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    for b in doc.get("benchmarks", []):
        kernels, breakdown = b.get("kernels"), b.get("breakdown")
        if not kernels or not breakdown:
            continue
        span = breakdown.get("span_s", 0.0)
        print(f"{b['name']}  ({path}; {breakdown.get('source', '')})")
        print(f"  {'kernel':<24} {'group':<12} {'us/layer':>10} {'share':>7}")
        busy = 0.0
        for k in kernels:
            seconds = k.get("seconds", 0.0)
            busy += seconds
            share = seconds / span if span > 0 else 0.0
            print(f"  {k['name']:<24} {k['group']:<12} {seconds * 1e6:10.1f} {share:7.1%}")
        gaps = span - busy
        print(f"  {'(launch gaps)':<24} {'other':<12} {gaps * 1e6:10.1f} {gaps / span if span > 0 else 0:7.1%}")
        print(f"  {'span':<24} {'':<12} {span * 1e6:10.1f}")


for name in sys.argv[1:]:
    show(name)
