#!/usr/bin/env bash
# The performance gate. CI machines change from run to run, so the reference is measured here, now: the reference
# commit is built beside this one and the two are run alternately on this machine (A B, B A, A B, ...), the rounds
# are pooled per side and compared (`tfbench compare A1,A2,.. B1,B2,..`: Mann-Whitney U, the change and its interval
# beyond the threshold, and every round showing it). Whatever that flags is measured again, alone and alternately,
# and only what is flagged both times is a regression.
#
#   ci/perf-regression.sh              gate this checkout against its reference commit
#   ci/perf-regression.sh --aa         the current build against itself (what the gate flags when nothing changed)
#   ci/perf-regression.sh --baseline   report against the committed baseline (another machine: normalized by roof);
#                                      never fails
#   ci/perf-regression.sh --refresh    rewrite the committed baseline (reports/baselines/README.md)
# Exit: 0 no regression, 1 regression (flagged twice), 2 could not decide (no reference commit, a build failed,
# unreadable results), anything else: the benchmark run itself failed.
# Environment [defaults]: TFB_BUILD_DIR [build], TFB_SKIP_BUILD [0: run ci/build.sh first], TFB_PERF_DEVICE [0],
#   TFB_PERF_SUITES [the default run's], TFB_PERF_ROUNDS [3], TFB_PERF_RETRY_ROUNDS [7], TFB_PERF_THRESHOLD [10 (%)],
#   TFB_GATE_BASE [HEAD~1: the parent, i.e. main before a merge], TFB_PERF_RETRY [1: re-measure what is flagged],
#   TFB_BASELINE [reports/baselines/pocl-ci.json], TFB_PERF_CURRENT_ARGS [extra options for this build's runs only]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_BUILD_DIR:-build}
DEVICE=${TFB_PERF_DEVICE:-0}
SUITES=${TFB_PERF_SUITES:-}
ROUNDS=${TFB_PERF_ROUNDS:-3}
# The retry runs only the flagged benchmarks (seconds a process), so it affords more processes: one process of a
# kernel can land 40% slower than the next for the whole run (physical placement): with 3 a side, all 3 current
# processes slow and all 3 reference ones fast is 1 in 64 per flagged benchmark (an A/A gate failed so, once in 3);
# with 7 a side, 1 in 16384.
RETRY_ROUNDS=${TFB_PERF_RETRY_ROUNDS:-7}
for n in "$ROUNDS" "$RETRY_ROUNDS"; do  # compare takes at most 16 files a side
  if ! [[ "$n" =~ ^[0-9]+$ ]] || ((n < 1 || n > 16)); then
    echo "ci/perf-regression.sh: rounds must be 1 to 16, got '$n'" >&2; exit 2
  fi
done
THRESHOLD=${TFB_PERF_THRESHOLD:-10}
BASELINE=${TFB_BASELINE:-reports/baselines/pocl-ci.json}
GATE_DIR="$BUILD_DIR/perf-gate"
CURRENT_ARGS=${TFB_PERF_CURRENT_ARGS:-}  # extra options for this build's runs only (a planted slowdown: --kernel-dir)
CODE_PATHS=(CMakeLists.txt cmake host include kernels suites)

say() { echo "ci/perf-regression.sh: $*" >&2; }

mode=gate
case "${1:-}" in
  --aa) mode=aa ;;
  --baseline) mode=baseline ;;
  --refresh) mode=refresh ;;
  "") ;;
  *) echo "usage: ci/perf-regression.sh [--aa | --baseline | --refresh]" >&2; exit 2 ;;
esac

if [ "${TFB_SKIP_BUILD:-0}" != 1 ]; then TFB_BUILD_DIR="$BUILD_DIR" ci/build.sh; fi
CURRENT_BIN="$BUILD_DIR/tfbench"
if [ ! -x "$CURRENT_BIN" ]; then say "no $CURRENT_BIN (build first, or unset TFB_SKIP_BUILD)"; exit 2; fi
suite_args=(--quick)
if [ -n "$SUITES" ]; then suite_args+=(--suite "$SUITES"); fi

# What the retry runs: just the flagged benchmarks where the reference knows --filter, else their whole suites
# (compare then judges only the flagged ones either way).
retry_selection() {
  local help
  help=$("$REFERENCE_BIN" --help)  # not piped into grep -q: under pipefail an early grep exit fails the pipe
  if [[ "$help" == *--filter* ]]; then echo "$1"; return; fi
  echo "$1" | sed -e 's/^\^(//' -e 's/)\$$//' | tr '|' '\n' | sed -e 's,/.*,,' | sort -u | paste -sd, |
    sed -e 's/^/suites:/'
}

# run BIN OUT.json [SELECTION [EXTRA]]: SELECTION a --filter pattern or suites:a,b: one quick measurement; a failed benchmark still leaves its JSON for compare.
run() {
  local filter=() extra=()
  case "${3:-}" in
    "") ;;
    suites:*) filter=(--suite "${3#suites:}") ;;  # the later --suite wins
    *) filter=(--filter "$3") ;;
  esac
  if [ -n "${4:-}" ]; then read -r -a extra <<<"$4"; fi
  rm -f "$2"
  "$1" --device "$DEVICE" "${suite_args[@]}" "${filter[@]}" "${extra[@]}" --quiet --json "$2" || [ -s "$2" ] ||
    { say "$1 wrote no results ($2)"; exit 3; }
}

# build_reference REV DIR: the reference commit's tfbench, from `git archive` (no work tree, no submodules needed).
build_reference() {
  local rev dir=$2
  rev=$(git rev-parse "$1^{commit}")
  if [ -x "$dir/build/tfbench" ] && [ "$(cat "$dir/commit" 2>/dev/null)" = "$rev" ]; then return 0; fi  # a rerun
  rm -rf "$dir" && mkdir -p "$dir/src"
  git archive "$rev" | tar -x -C "$dir/src"
  cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null &&
    cmake --build "$dir/build" --target tfbench -j"$(nproc)" >/dev/null && echo "$rev" >"$dir/commit"
}

rounds_for() { if [ "$1" = retry ]; then echo "$RETRY_ROUNDS"; else echo "$ROUNDS"; fi; }

# measure A_BIN B_BIN TAG [FILTER]: ROUNDS rounds (the retry: RETRY_ROUNDS), the order alternating so a drift in
# time hits both alike.
measure() {
  local a=$1 b=$2 tag=$3 filter=${4:-} round
  local rounds
  rounds=$(rounds_for "$tag")
  for ((round = 1; round <= rounds; round++)); do
    if ((round % 2)); then
      run "$a" "$GATE_DIR/$tag-ref-$round.json" "$filter"
      run "$b" "$GATE_DIR/$tag-cur-$round.json" "$filter" "$CURRENT_ARGS"
    else
      run "$b" "$GATE_DIR/$tag-cur-$round.json" "$filter" "$CURRENT_ARGS"
      run "$a" "$GATE_DIR/$tag-ref-$round.json" "$filter"
    fi
  done
}

rounds_of() {
  local tag=$1 side=$2 round list=""
  for ((round = 1; round <= $(rounds_for "$tag"); round++)); do list+="${list:+,}$GATE_DIR/$tag-$side-$round.json"; done
  echo "$list"
}

# judge TAG [FILTER]: both metrics (time catches memory-bound kernels; GFLOP/s the compute-bound ones whose repetition length
# is calibrated, so their time never moves); the regressed names of either go to TAG-flagged.txt as one --filter.
judge() {
  local tag=$1 status=0 metric only=()
  if [ -n "${2:-}" ]; then only=(--filter "$2"); fi
  : >"$GATE_DIR/$tag-flagged.txt"
  for metric in time gflops; do
    local rc=0
    "$CURRENT_BIN" compare "$(rounds_of "$tag" ref)" "$(rounds_of "$tag" cur)" --metric "$metric" "${only[@]}" \
      --threshold "$THRESHOLD" --json-file "$GATE_DIR/$tag-$metric.json" \
      --regressions-filter "$GATE_DIR/$tag-$metric-flagged.txt" >"$GATE_DIR/$tag-$metric.txt" || rc=$?
    if [ "$rc" -ge 2 ] && [ "$metric" = time ]; then cat "$GATE_DIR/$tag-$metric.txt"; return 2; fi
    grep -E "REGRESSION|regression\(s\)|^rounds|^metric" "$GATE_DIR/$tag-$metric.txt" >&2 || true
    if [ -s "$GATE_DIR/$tag-$metric-flagged.txt" ]; then status=1; fi
  done
  # one pattern for both metrics: ^(a|b)$ and ^(c)$ become ^(a|b|c)$
  cat "$GATE_DIR/$tag-time-flagged.txt" "$GATE_DIR/$tag-gflops-flagged.txt" | sed -e 's/^\^(//' -e 's/)\$$//' |
    tr '|' '\n' | awk 'NF && !seen[$0]++' | paste -sd'|' | sed -e 's/^\(..*\)$/^(\1)$/' >"$GATE_DIR/$tag-flagged.txt"
  return "$status"
}

if [ "$mode" = refresh ]; then
  mkdir -p "$(dirname "$BASELINE")"
  "$CURRENT_BIN" --device "$DEVICE" "${suite_args[@]}" --json "$BASELINE"
  say "wrote $BASELINE (a quick run with samples, on this machine)"
  exit 0
fi
mkdir -p "$GATE_DIR"
if [ "$mode" = baseline ]; then
  if [ ! -f "$BASELINE" ]; then say "no baseline $BASELINE (ci/perf-regression.sh --refresh)"; exit 2; fi
  current="$GATE_DIR/first-cur-1.json"  # the gate's first round of this build, when it just ran
  if [ ! -s "$current" ] || [ "$current" -ot "$CURRENT_BIN" ]; then
    current="$GATE_DIR/baseline-cur.json"
    run "$CURRENT_BIN" "$current"
  fi
  "$CURRENT_BIN" compare "$BASELINE" "$current" --normalize roof --threshold "$THRESHOLD" || true
  exit 0
fi

REFERENCE_BIN="$CURRENT_BIN"
if [ "$mode" = gate ]; then
  rev=${TFB_GATE_BASE:-HEAD~1}
  if ! git rev-parse --verify --quiet "$rev^{commit}" >/dev/null; then
    say "no reference commit $rev (a shallow clone? git fetch --deepen=1); nothing to gate against"; exit 2
  fi
  if git diff --quiet "$rev" HEAD -- "${CODE_PATHS[@]}"; then
    say "no code changed since $(git rev-parse --short "$rev") (${CODE_PATHS[*]}): nothing to measure"; exit 0
  fi
  say "building the reference $(git rev-parse --short "$rev") beside $(git rev-parse --short HEAD)"
  if ! build_reference "$rev" "$GATE_DIR/reference"; then say "the reference $rev does not build"; exit 2; fi
  REFERENCE_BIN="$GATE_DIR/reference/build/tfbench"
fi

started=$SECONDS
measure "$REFERENCE_BIN" "$CURRENT_BIN" first
status=0
judge first || status=$?
if [ "$status" = 1 ] && [ "${TFB_PERF_RETRY:-1}" = 1 ]; then
  flagged=$(cat "$GATE_DIR/first-flagged.txt")
  say "flagged: $flagged; measuring only those again, alternately"
  measure "$REFERENCE_BIN" "$CURRENT_BIN" retry "$(retry_selection "$flagged")"
  status=0
  judge retry "$flagged" || status=$?
  if [ "$status" = 1 ]; then say "flagged again: $(cat "$GATE_DIR/retry-flagged.txt")"; fi
fi
say "$ROUNDS rounds per side ($RETRY_ROUNDS in a retry), $((SECONDS - started)) s of measuring (reports in $GATE_DIR)"
case "$status" in
  0) say "no regression beyond ${THRESHOLD}% (${mode})" ;;
  1) say "REGRESSION beyond ${THRESHOLD}%, flagged in the rounds and again when measured alone (${mode})" ;;
  *) say "could not compare (exit $status)" ;;
esac
exit "$status"
