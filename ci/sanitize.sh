#!/usr/bin/env bash
# The sanitizer build (gcc's ASan, UBSan and float-cast-overflow) and the tests of everything that reads untrusted
# files or converts their numbers: report, model, compare, history, the fleet's files and the core unit tests, plus the
# planted-bug runs. A finding fails the test that hit it (the sanitizers do not recover).
#   ci/sanitize.sh [CTEST ARGS...]   (env TFB_ASAN_BUILD_DIR, default build-asan)
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh
BUILD_DIR=${TFB_ASAN_BUILD_DIR:-build-asan}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTFB_SANITIZE=ON >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
# In parallel where the tests allow it: the ones that time something are RUN_SERIAL (tests/CMakeLists.txt).
ctest --test-dir "$BUILD_DIR" --output-on-failure -j"$(nproc)" \
  -R "report|model|compare|history|unit/test_core|unit/test_fleet|late_wrong|overflowing" "$@"
