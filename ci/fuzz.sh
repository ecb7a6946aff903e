#!/usr/bin/env bash
# Fuzzes the results reader of `tfbench compare` with libFuzzer (clang, ASan + UBSan) for a bounded time.
#   ci/fuzz.sh [SECONDS]   (default 30; env TFB_FUZZ_BUILD_DIR, default build-fuzz)
# The seed corpus is every JSON file under tests/data; new inputs the fuzzer finds go to fuzz-corpus/ (ignored by
# git), so later runs start from there. A crash leaves crash-* in the current folder and a non-zero exit.
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
cmake --build "$BUILD_DIR" --target fuzz_compare_reader -j2 >/dev/null
mkdir -p fuzz-corpus
seeds=$(mktemp -d)
trap 'rm -rf "$seeds"' EXIT
find tests/data -name '*.json' -size -64k -exec cp {} "$seeds/" \;
# -max_len covers the real fixtures; -rss_limit_mb keeps the run polite on a shared machine.
status=0
"$BUILD_DIR/tests/fuzz_compare_reader" fuzz-corpus "$seeds" -max_total_time="$SECONDS_TO_RUN" -max_len=65536 \
  -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$BUILD_DIR/fuzz.log" 2>&1 || status=$?
grep -E "^(Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR)" "$BUILD_DIR/fuzz.log" || true
if [ "$status" -ne 0 ]; then
  echo "ci/fuzz.sh: the fuzzer failed (exit $status); see $BUILD_DIR/fuzz.log" >&2
  tail -n 40 "$BUILD_DIR/fuzz.log" >&2
fi
exit "$status"
