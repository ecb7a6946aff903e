#!/usr/bin/env bash
# The sanitizer build (ASan, UBSan and float-cast-overflow) and the tests of everything that reads untrusted files
# or converts their numbers: report, model, compare and the core unit tests, plus one planted-bug run.
#   ci/sanitize.sh [CTEST ARGS...]   (env TFB_ASAN_BUILD_DIR, default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${TFB_ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFB_SANITIZE=ON >/dev/null
cmake --build "$BUILD_DIR" -j2 >/dev/null
ctest --test-dir "$BUILD_DIR" --output-on-failure -R "report|model|compare|unit/test_core|late_wrong|overflowing" "$@"
