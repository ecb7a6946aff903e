#!/usr/bin/env bash
# The tests on a fresh Debian machine: install, build, run every unit and integration test (CTest, on PoCL).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/build.sh
ctest --test-dir "${TFB_BUILD_DIR:-build}" --output-on-failure "$@"
