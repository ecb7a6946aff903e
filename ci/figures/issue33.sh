#!/usr/bin/env bash
# Issue 33's figures, for a quiet rerun (not run by CI): the default run's wall time and the summed
# verification.seconds of its results (per suite too), and the peak RSS (GNU time) of `--quick` and of the default
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

# timed NAME [env...] -- tfbench arguments: one run under GNU time into $DIR/NAME.{txt,time}, results in $DIR/NAME/
timed() {
  local name=$1; shift
  local env=()
  while [ "$1" != -- ]; do env+=("$1"); shift; done
  shift
  echo "$name: $(uptime)"
  env "${env[@]}" /usr/bin/time -v "$BIN" --device 0 "$@" --out "$DIR/$name" >"$DIR/$name.txt" 2>"$DIR/$name.time" ||
    echo "$name: tfbench exited $? (see $DIR/$name.txt)"
  sed -n -e 's/^\tElapsed (wall clock) time (h:mm:ss or m:ss): /  wall: /p' \
         -e 's/^\tMaximum resident set size (kbytes): \(.*\)/  peak RSS: \1 KiB/p' "$DIR/$name.time"
}

timed default --
python3 - "$DIR/default/results.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
per_suite = {}
for b in doc.get("benchmarks", []):
    v = b.get("verification") or {}
    per_suite[b["name"].split("/")[0]] = per_suite.get(b["name"].split("/")[0], 0.0) + v.get("seconds", 0.0)
print("  verification.seconds: %.1f s in all; " % sum(per_suite.values()) +
      ", ".join("%s %.1f" % kv for kv in per_suite.items()))
PY
timed quick-480MiB "HWLOC_SYNTHETIC=$SYNTHETIC" -- --quick
timed default-480MiB "HWLOC_SYNTHETIC=$SYNTHETIC" --
echo "outputs: $DIR"
