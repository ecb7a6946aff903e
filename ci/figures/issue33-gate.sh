#!/usr/bin/env bash
# Issue 33's gate figures, for a quiet rerun (not run by CI): 5 A/A pairs of `tfbench --device 0 --quick` (the same
# build twice, one pair after the other, about 40 s a run on a 2-core VM), then for each pair
#   - false regressions: `tfbench compare A B` (nothing changed, so every REGRESSION is false), with how many
#     benchmarks compare judged at their local roof (docs/compare.md#the-local-roof), and the same pair judged
#     without the local roof (copies with `local_roof` removed: as the files of a build before it would be);
#   - power: `tfbench compare A B*1.15`, B with every sample and time 15% longer (ci/figures/scale-results.py):
#     how many of the benchmarks measured in both are flagged REGRESSION (goal >= 95%).
# Each run's wall time is printed too: the gate's sampling must stay in the budget of the build before it.
# Environment: TFB_BIN [build/tfbench], TFB_GATE_PAIRS [5], TFB_GATE_ARGS [--local-roof: the whole --quick run with the local roof], TFB_FIGURES_DIR [a new mktemp -d folder].
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=${TFB_BIN:-build/tfbench}
PAIRS=${TFB_GATE_PAIRS:-5}
read -r -a EXTRA <<<"${TFB_GATE_ARGS:---local-roof}"  # run options (default --local-roof; a smoke test: --local-roof --suite flash --filter n257)
DIR=${TFB_FIGURES_DIR:-$(mktemp -d)}
[ -x "$BIN" ] || { echo "ci/figures/issue33-gate.sh: no $BIN (build first)" >&2; exit 2; }

# verdicts A.json B.json: "regressions measured" of `tfbench compare` (exit 1 on a regression is expected here)
verdicts() {
  "$BIN" compare "$1" "$2" --json-file "$DIR/cmp.json" >/dev/null || [ $? -eq 1 ]
  python3 - "$DIR/cmp.json" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
measured = sum(s.get(k, 0) for k in ("same", "noise", "regression", "improvement"))
print(s.get("regression", 0), measured, json.load(open(sys.argv[1])).get("local_roof_benchmarks", 0))
PY
}

# without_local_roof IN OUT: a copy of a results file with every benchmark's local_roof removed
without_local_roof() {
  python3 -c 'import json, sys
doc = json.load(open(sys.argv[1]))
for b in doc.get("benchmarks", []): b.pop("local_roof", None)
json.dump(doc, open(sys.argv[2], "w"))' "$1" "$2"
}

false_total=0 flagged_total=0 measured_total=0 plain_false_total=0 plain_flagged_total=0
for i in $(seq 1 "$PAIRS"); do
  echo "pair $i: $(uptime)"
  started=$(date +%s.%N)
  "$BIN" --device 0 --quick --quiet "${EXTRA[@]}" --json "$DIR/a$i.json" >/dev/null
  middle=$(date +%s.%N)
  "$BIN" --device 0 --quick --quiet "${EXTRA[@]}" --json "$DIR/b$i.json" >/dev/null
  echo "  run times: $(python3 -c "import sys; a, b, c = map(float, sys.argv[1:]); print(f'{b - a:.1f} s, {c - b:.1f} s')" \
    "$started" "$middle" "$(date +%s.%N)") (the budget: compare with the same script on the parent commit)"
  python3 ci/figures/scale-results.py "$DIR/b$i.json" 1.15 "$DIR/b$i-x1.15.json"
  read -r false measured local < <(verdicts "$DIR/a$i.json" "$DIR/b$i.json")
  read -r flagged measured_slow _ < <(verdicts "$DIR/a$i.json" "$DIR/b$i-x1.15.json")
  echo "  A/A: $false false regression(s) of $measured ($local judged at their local roof);" \
       "x1.15: $flagged of $measured_slow flagged"
  "$BIN" compare "$DIR/a$i.json" "$DIR/b$i.json" | grep REGRESSION || true
  for f in a$i b$i b$i-x1.15; do without_local_roof "$DIR/$f.json" "$DIR/$f-plain.json"; done
  read -r plain_false _ _ < <(verdicts "$DIR/a$i-plain.json" "$DIR/b$i-plain.json")
  read -r plain_flagged _ _ < <(verdicts "$DIR/a$i-plain.json" "$DIR/b$i-x1.15-plain.json")
  echo "  without the local roof: A/A $plain_false false regression(s); x1.15: $plain_flagged flagged"
  plain_false_total=$((plain_false_total + plain_false)) plain_flagged_total=$((plain_flagged_total + plain_flagged))
  false_total=$((false_total + false)) flagged_total=$((flagged_total + flagged))
  measured_total=$((measured_total + measured_slow))
done
echo "false regressions in $PAIRS A/A pairs: $false_total (goal 0)"
echo "x1.15 flagged: $flagged_total of $measured_total" \
     "($(python3 -c "print(round(100 * $flagged_total / max($measured_total, 1), 1))")%; goal >= 95%)"
echo "without the local roof: $plain_false_total false, $plain_flagged_total of $measured_total flagged"
echo "outputs: $DIR"
