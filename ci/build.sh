#!/usr/bin/env bash
# Installs dependencies and builds tfbench into build/ (or $TFB_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh
BUILD_DIR=${TFB_BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${TFB_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
