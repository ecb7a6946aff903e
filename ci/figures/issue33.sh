#!/usr/bin/env bash
# Issue 33's figures, for a quiet rerun (not run by CI): the default run's wall time, its wall clock per suite and the
# summed verification.seconds of its results (per suite too), and the peak RSS (GNU time) of `--quick` and of the default
# run on a topology whose hwloc reports a 480 MiB L3 (HWLOC_SYNTHETIC, as tests/integration/memory.cmake).
#   ci/figures/issue33.sh            all three runs (about 5 minutes on a quiet 2-core VM)
# Environment: TFB_BIN [build/tfbench], TFB_FIGURES_DIR [a new mktemp -d folder; the runs' outputs stay there].
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TFB_BIN:-build/tfbench}
DIR=${TFB_FIGURES_DIR:-$(mktemp -d)}
SYNTHETIC='pack:1 [numa(memory=16GiB)] l3:1(size=480MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:2 pu:1'
[ -x "$BIN" ] || { echo "ci/figures/issue33.sh: no $BIN (build first)" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "ci/figures/issue33.sh: needs GNU time (/usr/bin/time)" >&2; exit 2; }

# timed NAME [env...] -- tfbench arguments: one run under GNU time into $DIR/NAME.{txt,time}, results in $DIR/NAME/,
# and its --verbose progress lines, each with the seconds since the start, in $DIR/NAME.log
timed() {
  local name=$1; shift
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  echo "$name: $(uptime)"
  local start rc=0
  start=$(date +%s.%N)
  env "${env[@]}" /usr/bin/time -v -o "$DIR/$name.time" "$BIN" --device 0 --verbose "$@" --out "$DIR/$name" \
    >"$DIR/$name.txt" 2> >(while IFS= read -r line; do
                             printf '%.1f %s\n' "$(echo "$(date +%s.%N) - $start" | bc)" "${line##*$'\e'\[K}"
                           done >"$DIR/$name.log") || rc=$?
  [ "$rc" = 0 ] || echo "$name: tfbench exited $rc (see $DIR/$name.txt)"
  sed -n -e 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): /  wall: /p' \
         -e 's/^\tMaximum resident set size (kbytes): \(.*\)/  peak RSS: \1 KiB/p' "$DIR/$name.time"
}

timed default --
sleep 1  # the progress log's last lines
python3 - "$DIR/default/results.json" "$DIR/default.log" <<'PY'
import json, re, sys
doc = json.load(open(sys.argv[1]))
per_suite = {}
for b in doc.get("benchmarks", []):
    v = b.get("verification") or {}
    per_suite[b["name"].split("/")[0]] = per_suite.get(b["name"].split("/")[0], 0.0) + v.get("seconds", 0.0)
print("  verification.seconds: %.1f s in all; " % sum(per_suite.values()) +
      ", ".join("%s %.1f" % kv for kv in per_suite.items()))
# Wall clock per suite: from the previous suite's last result line to this suite's last one (its setup, tuning,
# fills, checks and samples; the read ladder and the device's opening count to the first suite).
last, ends = 0.0, {}
for line in open(sys.argv[2]):
    m = re.match(r"([0-9.]+) ([a-z]+)/[^ ]+: [0-9.e+]+ ms \(median", line)
    if m: ends[m.group(2)] = float(m.group(1))
spans = []
for suite, end in ends.items():
    spans.append("%s %.1f" % (suite, end - last))
    last = end
print("  wall clock per suite (s): " + ", ".join(spans))
PY
timed quick-480MiB "HWLOC_SYNTHETIC=$SYNTHETIC" -- --quick
timed default-480MiB "HWLOC_SYNTHETIC=$SYNTHETIC" --
echo "outputs: $DIR"
