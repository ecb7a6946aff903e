#!/usr/bin/env bash
# Figure of docs/history.md (not run by CI): `tfbench history add`, `changes` and `report` on 1,000 runs x 60
# benchmarks (synthetic results files: 20 samples each, 3% noise, one 10% step in 3 benchmarks at run 700), each
# timed. usage: ci/figures/issue38-scale.sh [BUILD_DIR]  (default build; needs python3)
set -euo pipefail
cd "$(dirname "$0")/../.."
bin=${1:-build}/tfbench
work=$(mktemp -d "${TMPDIR:-/tmp}/tfbench-scale.XXXXXX")
trap 'rm -rf "$work"' EXIT
python3 - "$work" <<'PY'
import json, math, random, sys
random.seed(38)
out = sys.argv[1]
names = [f"suite{s}/tfbench/shape{i}/fp32" for s in range(6) for i in range(10)]
for run in range(1000):
    bench = []
    for k, name in enumerate(names):
        base = 1e-3 * (1 + k)
        level = base * (1.10 if run >= 700 and k < 3 else 1.0)
        median = level * math.exp(random.gauss(0, 0.03))
        samples = sorted(median * math.exp(random.gauss(0, 0.01)) for _ in range(20))
        bench.append({"name": name, "time_median_s": median, "time_median_ci_low_s": samples[5],
                      "time_median_ci_high_s": samples[14], "sample_count": 20, "samples_s": samples,
                      "verified": True, "roof_gflops": 100.0})
    doc = {"context": {"device": {"name": "scale-device", "driver": "1"}, "host": {"cpu_model": "scale CPU"},
                       "ceilings": {"bandwidth_gbps": 40.0, "peak_gflops_fp32": 200.0}},
           "benchmarks": bench}
    with open(f"{out}/run-{run:04d}.json", "w") as f:
        json.dump(doc, f)
PY
db="$work/history.db"
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
TIMEFORMAT='%R s wall, %U s user + %S s system'
files=("$work"/run-*.json)
echo "history add: 1000 runs x 60 benchmarks, 100 calls of 10 files (one commit each):"
time for ((c = 0; c < 100; c++)); do
  "$bin" history add "${files[@]:$((c * 10)):10}" --commit "c$c" --db "$db" >/dev/null
done
echo "history changes (exit 1: the planted step):"
time "$bin" history changes --db "$db" >"$work/changes.txt" || true
tail -n 1 "$work/changes.txt"
echo "history report:"
time "$bin" history report --db "$db" --out "$work/report" >/dev/null
echo "report.html: $(du -k "$work/report/report.html" | cut -f1) KiB; database: $(du -k "$db" | cut -f1) KiB"
rm -f "$db" "$db"-wal "$db"-shm
echo "history add: the same 1000 runs in one call:"
time "$bin" history add "${files[@]}" --db "$db" >/dev/null
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
