#!/usr/bin/env bash
# Redraws the README's roofline picture (docs/images/roofline.svg) from a committed results file with
# `tfbench report`, so the picture is always a drawing of data in reports/measurements/, never edited by hand.
#   ci/readme-figure.sh [RESULTS.json]     (default: the run the README quotes)
# Needs a build (ci/build.sh; $TFB_BUILD_DIR, default build/).
set -euo pipefail
cd "$(dirname "$0")/.."
results="${1:-reports/measurements/amd-epyc-zen4-2core-vm/readme-sample/quick.json}"
tfbench="${TFB_BUILD_DIR:-build}/tfbench"
if [ ! -x "$tfbench" ]; then
  echo "readme-figure.sh: $tfbench not found: build first (ci/build.sh)" >&2
  exit 2
fi
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
"$tfbench" report "$results" --out "$scratch" >/dev/null
mkdir -p docs/images
cp "$scratch/roofline.svg" docs/images/roofline.svg
echo "docs/images/roofline.svg redrawn from $results"
