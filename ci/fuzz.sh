#!/usr/bin/env bash
# Fuzzes every reader of untrusted files with libFuzzer (clang; ASan, UBSan and float-cast-overflow) for a bounded
# time each: compare's results reader, the shared results reader of report/--native/model --measured (drawing the
# chart and HTML of what it accepts), and model configs.
#   ci/fuzz.sh [SECONDS]   (per target, default 30; env TFB_FUZZ_BUILD_DIR, default build-fuzz)
# The seed corpus is every JSON file under tests/data; new inputs the fuzzer finds go to fuzz-corpus/<target>/
# (ignored by git), so later runs start from there. A crash leaves crash-* in the current folder and a non-zero exit.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN=${1:-30}
BUILD_DIR=${TFB_FUZZ_BUILD_DIR:-build-fuzz}
CLANG=${TFB_CLANG:-$(command -v clang || command -v clang-14 || true)}
if [ -z "$CLANG" ]; then
  echo "ci/fuzz.sh: clang not found (apt-get install clang)" >&2
  exit 2
fi
CC="$CLANG" cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFB_FUZZ=ON >/dev/null
TARGETS="compare_reader results_reader model_config"
for target in $TARGETS; do cmake --build "$BUILD_DIR" --target "fuzz_$target" -j2 >/dev/null; done
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
find tests/data -name '*.json' -size -64k -exec cp {} "$seeds/" \;
# -max_len covers the real fixtures; -rss_limit_mb keeps the run polite on a shared machine.
status=0
for target in $TARGETS; do
  mkdir -p "fuzz-corpus/$target"
  log="$BUILD_DIR/fuzz-$target.log"
  echo "fuzz_$target:"
  "$BUILD_DIR/tests/fuzz_$target" "fuzz-corpus/$target" "$seeds" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1 || status=$?
  grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR)" "$log" || true
  if [ "$status" -ne 0 ]; then
    echo "ci/fuzz.sh: fuzz_$target failed (exit $status); see $log" >&2
    tail -n 40 "$log" >&2
    exit "$status"
  fi
done
exit 0
