#!/usr/bin/env bash
# Installs dependencies and builds tfbench into build/ (or $TFB_BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
ci/deps.sh
BUILD_DIR=${TFB_BUILD_DIR:-build}
# tfbench-native-cuda is built when CMake finds nvcc (cmake/cuda.cmake); the toolkit's own folder is not always on PATH.
if [ -z "${CUDACXX:-}" ] && ! command -v nvcc >/dev/null && [ -x /usr/local/cuda/bin/nvcc ]; then
  export CUDACXX=/usr/local/cuda/bin/nvcc
fi
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo ${TFB_CMAKE_ARGS:-} >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
