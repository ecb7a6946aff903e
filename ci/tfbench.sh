#!/usr/bin/env bash
# The main job on a fresh Debian machine: install, build, then run tfbench with the given arguments
# (README: ci/tfbench.sh --device 0).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
"$here/ci/build.sh"
exec "$here/${TFB_BUILD_DIR:-build}/tfbench" "$@"
