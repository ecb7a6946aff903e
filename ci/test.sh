#!/usr/bin/env bash
# The tests on a fresh Debian machine: install, build, run every unit and integration test (CTest, on PoCL), side by
# side, one per CPU (TFB_TEST_JOBS to change it): the tests whose verdict depends on measured speed run alone, the
# MPI jobs one at a time (tests/CMakeLists.txt, the labels). Arguments go to ctest: ci/test.sh -L quick is the quick
# edit-compile-test loop, -LE slow everything but the slow tests.
set -euo pipefail
cd "$(dirname "$0")/.."
ci/build.sh
ctest --test-dir "${TFB_BUILD_DIR:-build}" --output-on-failure -j"${TFB_TEST_JOBS:-$(nproc)}" "$@"
