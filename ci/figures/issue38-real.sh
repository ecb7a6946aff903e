#!/usr/bin/env bash
# Figure of docs/history.md (not run by CI): 20 runs of the default `--quick` suite across the last 4 commits of
# this repository (5 runs each, built from `git archive` like ci/perf-regression.sh's reference), with one planted
# 10% regression: from the third commit on, the results files of one kernel (PLANT, default
# decode/tfbench/b2-h8-n1000-d64/fp32) are scaled by 1.10 (every time field and sample: a slowed kernel as the
# results file shows it). The runs go into a fresh history (`history add --commit`), then `history changes`: the
# change must be PLANT's, at the third commit, and nothing else flagged.
# usage: ci/figures/issue38-real.sh [OUT_DIR]   (default: a temporary folder, kept; needs python3)
# Environment: TFB_FIGURE_BUILD [1; 0: measure every commit with build/tfbench, labelled with the 4 commits],
#   TFB_FIGURE_RUNS [5 per commit], PLANT [above], TFB_FIGURE_SUITES [the default run's].
set -euo pipefail
cd "$(dirname "$0")/../.."
out=${1:-$(mktemp -d "${TMPDIR:-/tmp}/tfbench-issue38.XXXXXX")}
mkdir -p "$out"
plant=${PLANT:-decode/tfbench/b2-h8-n1000-d64/fp32}
runs=${TFB_FIGURE_RUNS:-5}
suites=()
if [ -n "${TFB_FIGURE_SUITES:-}" ]; then suites=(--suite "$TFB_FIGURE_SUITES"); fi
mapfile -t commits < <(git rev-list --max-count=4 HEAD | tac)
[ "${#commits[@]}" -eq 4 ] || { echo "issue38-real.sh: needs 4 commits of history" >&2; exit 2; }
ci/build.sh >/dev/null
history_bin=$PWD/build/tfbench
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"

binary_of() { # COMMIT: a tfbench built at COMMIT
  if [ "${TFB_FIGURE_BUILD:-1}" = 0 ]; then echo "$history_bin"; return; fi
  local dir=$out/build-${1:0:12}
  if [ ! -x "$dir/build/tfbench" ]; then
    rm -rf "$dir" && mkdir -p "$dir/src"
    git archive "$1" | tar -x -C "$dir/src"
    cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    cmake --build "$dir/build" --target tfbench -j"$(nproc)" >/dev/null
  fi
  echo "$dir/build/tfbench"
}

scale() { # FILE: PLANT's times x 1.10, in place
  python3 - "$1" "$plant" <<'PY'
import json, sys
path, name = sys.argv[1], sys.argv[2]
doc = json.load(open(path))
hit = 0
for b in doc["benchmarks"]:
    if b.get("name") != name:
        continue
    hit = 1
    for key, value in list(b.items()):
        if key.startswith("time_") and key.endswith("_s") and isinstance(value, (int, float)):
            b[key] = value * 1.10
        if key in ("real_time", "cpu_time") and isinstance(value, (int, float)):
            b[key] = value * 1.10
    if isinstance(b.get("samples_s"), list):
        b["samples_s"] = [x * 1.10 for x in b["samples_s"]]
if not hit:
    sys.exit(f"no benchmark {name} in {path}")
json.dump(doc, open(path, "w"), indent=1)
PY
}

db=$out/history.db
rm -f "$db" "$db-wal" "$db-shm"
for ((c = 0; c < 4; c++)); do
  bin=$(binary_of "${commits[$c]}")
  for ((r = 1; r <= runs; r++)); do
    file=$out/run-$c-$r.json
    "$bin" --device 0 --quick "${suites[@]}" --quiet --json "$file" >"$out/run-$c-$r.log" 2>&1 || [ -s "$file" ]
    if ((c >= 2)); then scale "$file"; fi
    "$history_bin" history add "$file" --commit "${commits[$c]}" --db "$db" >/dev/null
    echo "commit $((c + 1)) ${commits[$c]:0:12} run $r done (load $(cut -d' ' -f1 /proc/loadavg))"
  done
done
rc=0
"$history_bin" history changes --db "$db" | tee "$out/changes.txt" || rc=$?
"$history_bin" history report --db "$db" --out "$out/report" >/dev/null
echo "changes exit $rc (1: a change); planted: $plant x 1.10 from commit 3 (${commits[2]:0:12})"
if grep -q " -> ${commits[2]:0:12}" "$out/changes.txt" && grep -q " slower  $plant\$" "$out/changes.txt" &&
  [ "$(grep -Ec ' (slower|faster) ' "$out/changes.txt")" -eq 1 ]; then
  echo "RESULT: the planted regression found at the right commit, nothing else flagged"
else
  echo "RESULT: not as planted (see $out/changes.txt)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg); files in $out"
