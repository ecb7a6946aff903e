#!/usr/bin/env bash
# Performance regression check for CI: runs the quick suite on the CI device and compares it against the
# committed baseline with `tfbench compare`. Exit 0 = no regression, 1 = regression, 2 = unusable input
# (no baseline, unreadable results, ...), anything else = the benchmark run itself failed.
#   ci/perf-regression.sh            check against the baseline
#   ci/perf-regression.sh --refresh  measure and overwrite the baseline (see reports/baselines/README.md)
# Environment (defaults in brackets):
#   TFB_BUILD_DIR [build]   TFB_SKIP_BUILD [0: run ci/build.sh first]   TFB_PERF_DEVICE [0]
#   TFB_PERF_SUITES [stream,peak]   TFB_PERF_THRESHOLD [35 (%): wide, for a shared 2-core machine]
#   TFB_BASELINE [reports/baselines/pocl-ci.json]   TFB_PERF_STRICT [0: 1 refuses a baseline from another
#   device, driver or tfbench version instead of warning]   TFB_PERF_ATTEMPTS [2: a regression must show
#   in every attempt; the first clean run passes]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_BUILD_DIR:-build}
DEVICE=${TFB_PERF_DEVICE:-0}
SUITES=${TFB_PERF_SUITES:-stream,peak}
THRESHOLD=${TFB_PERF_THRESHOLD:-35}
BASELINE=${TFB_BASELINE:-reports/baselines/pocl-ci.json}
CURRENT="$BUILD_DIR/perf-current.json"
REPORT="$BUILD_DIR/perf-compare.json"

refresh=0
case "${1:-}" in
  --refresh) refresh=1 ;;
  "") ;;
  *) echo "usage: ci/perf-regression.sh [--refresh]" >&2; exit 2 ;;
esac

if [ "${TFB_SKIP_BUILD:-0}" != 1 ]; then
  TFB_BUILD_DIR="$BUILD_DIR" ci/build.sh
fi
TFBENCH="$BUILD_DIR/tfbench"
if [ ! -x "$TFBENCH" ]; then
  echo "ci/perf-regression.sh: no $TFBENCH (build first, or unset TFB_SKIP_BUILD)" >&2
  exit 2
fi

if [ "$refresh" = 1 ]; then
  mkdir -p "$(dirname "$BASELINE")"
  # tfbench writes its JSON through a temporary file and a rename: an interrupted run leaves the old baseline.
  "$TFBENCH" --device "$DEVICE" --quick --suite "$SUITES" --json "$BASELINE"
  echo "ci/perf-regression.sh: wrote $BASELINE; check it against a second run before committing it:"
  echo "  $TFBENCH --device $DEVICE --quick --suite $SUITES --json /tmp/check.json && $TFBENCH compare $BASELINE /tmp/check.json"
  exit 0
fi

if [ ! -f "$BASELINE" ]; then
  echo "ci/perf-regression.sh: no baseline $BASELINE; create one with: ci/perf-regression.sh --refresh" >&2
  exit 2
fi
strict=()
if [ "${TFB_PERF_STRICT:-0}" = 1 ]; then strict=(--strict); fi
# Load from other jobs only ever slows a run down, so a run within the threshold clears the build; a real
# regression fails every attempt.
attempts=${TFB_PERF_ATTEMPTS:-2}
for ((attempt = 1; attempt <= attempts; attempt++)); do
  "$TFBENCH" --device "$DEVICE" --quick --suite "$SUITES" --json "$CURRENT"
  status=0
  # Time catches memory-bound kernels; GFLOP/s catches compute-bound ones whose repetition length is calibrated
  # (peak runs ~20 ms whatever its rate, so its time alone would never move).
  time_status=0
  gflops_status=0
  "$TFBENCH" compare "$BASELINE" "$CURRENT" --threshold "$THRESHOLD" --json-file "$REPORT" "${strict[@]}" ||
    time_status=$?
  "$TFBENCH" compare "$BASELINE" "$CURRENT" --metric gflops --threshold "$THRESHOLD" \
    --json-file "${REPORT%.json}-gflops.json" "${strict[@]}" || gflops_status=$?
  if [ "$time_status" -ge 2 ] || [ "$gflops_status" -ge 2 ]; then status=2
  elif [ "$time_status" -eq 1 ] || [ "$gflops_status" -eq 1 ]; then status=1
  fi
  if [ "$status" -ne 1 ] || [ "$attempt" -eq "$attempts" ]; then break; fi
  echo "ci/perf-regression.sh: attempt $attempt of $attempts shows a regression; measuring again" >&2
done
case "$status" in
  0) echo "ci/perf-regression.sh: no regression beyond ${THRESHOLD}% (report: $REPORT)" ;;
  1) echo "ci/perf-regression.sh: REGRESSION beyond ${THRESHOLD}% with non-overlapping spreads (report: $REPORT)" >&2 ;;
  *) echo "ci/perf-regression.sh: could not compare (exit $status)" >&2 ;;
esac
exit "$status"
