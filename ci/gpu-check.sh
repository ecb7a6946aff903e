#!/usr/bin/env bash
# The prepared device check for a GPU node, in one call of at most 6 minutes on an H200 (docs/gpu.md):
#   1. what the machine is (nvidia-smi, the launcher's ICDs, tfbench --list)               env.txt, list.txt
#   2. tfbench-native-cuda: CUDA copy/read/triad, cuBLAS SGEMV/SGEMM, tensor-core GEMM      native-cuda.json/.log
#   3. the default run on the GPU's OpenCL device, the CUDA points on the same chart        run/ (results.json,
#      (--native); the layer suite after it when this tfbench has one                      report.html, ...), run.log
#   4. tfbench-native --quick (OpenMP, OpenBLAS on the node's CPU)                          native.json/.log
#   5. a one-screen summary: OpenCL vs CUDA bandwidth vs the datasheet, peak vs theory,     summary.txt (also on
#      our SGEMM vs cuBLAS, GEMV and decode vs the read roof, flash vs naive                 stdout)
# Without an OpenCL GPU it says so and runs a short OpenCL part on device 0 (PoCL: --quick --suite stream,peak, or
# TFB_GPU_CHECK_FALLBACK_SUITES); without a CUDA device tfbench-native-cuda says "no CUDA device". Each step has a
# time limit (TFB_GPU_CHECK_*_S) so the whole stays within TFB_GPU_CHECK_BUDGET_S (360 s); a step that runs out is
# reported, and the next one runs.
# Runs from a bundle (ci/bundle.sh: the launchers beside this script) or from a checkout with a build (build/).
#   ci/gpu-check.sh OUTDIR
set -uo pipefail
if [ $# -ne 1 ] || [ "$1" = --help ]; then
  echo "usage: ci/gpu-check.sh OUTDIR   (from a bundle: ./gpu-check.sh OUTDIR)" >&2
  exit 2
fi
out=$1
mkdir -p "$out/run" || { echo "gpu-check: cannot create $out" >&2; exit 2; }
out=$(cd "$out" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/tfbench" ] && [ -d "$here/lib" ]; then            # inside a bundle: the launchers
  tfbench=$here/tfbench native=$here/tfbench-native cuda=$here/tfbench-native-cuda summary=$here/gpu_summary.py
elif [ -x "$here/../${TFB_BUILD_DIR:-build}/tfbench" ]; then     # a checkout with a build
  build=$(cd "$here/../${TFB_BUILD_DIR:-build}" && pwd)
  tfbench=$build/tfbench native=$build/tfbench-native cuda=$build/tfbench-native-cuda summary=$here/gpu_summary.py
else
  echo "gpu-check: no tfbench here: run it from a bundle (ci/bundle.sh) or build first (ci/build.sh)" >&2
  exit 2
fi
started=$(date +%s)
budget=${TFB_GPU_CHECK_BUDGET_S:-360}
steps=$out/steps.txt
: >"$steps"

# Runs a step under its own limit and what is left of the budget; its exit code and seconds go to steps.txt.
step() {
  local name=$1 limit=$2 log=$3
  shift 3
  local left=$((budget - ($(date +%s) - started) - 10))
  [ "$limit" -le "$left" ] || limit=$left
  if [ "$limit" -le 5 ]; then
    echo "$name: skipped, the budget of ${budget} s is spent" | tee -a "$steps"
    return 0
  fi
  local t0 rc
  t0=$(date +%s)
  timeout --kill-after=10 "$limit" "$@" >"$log" 2>&1
  rc=$?
  local note=""
  [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ] && note=" (ran out of its ${limit} s)"
  echo "$name: exit $rc after $(($(date +%s) - t0)) s$note" | tee -a "$steps"
}

{
  echo "gpu-check $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm)"
  [ -f "$here/MANIFEST.txt" ] && head -n 3 "$here/MANIFEST.txt"
  if command -v nvidia-smi >/dev/null; then nvidia-smi; else echo "nvidia-smi: not found"; fi
} >"$out/env.txt" 2>&1
step list 30 "$out/list.txt" "$tfbench" --list
device=$(sed -n 's/^  \[\([0-9]*\)\] .*/\1 &/p' "$out/list.txt" | while read -r index line; do
  grep -A1 -F "$line" "$out/list.txt" | grep -q "type GPU" && { echo "$index"; break; }
done)
quick=()
if [ -z "$device" ]; then
  fallback=${TFB_GPU_CHECK_FALLBACK_SUITES:-stream,peak}
  echo "gpu-check: no GPU among the OpenCL devices: device 0 runs --quick --suite $fallback instead" | tee -a "$steps"
  device=0 quick=(--quick --suite "$fallback")
fi
cuda_args=()
[ ${#quick[@]} -eq 0 ] || cuda_args=(--quick)
layer_args=("${quick[@]:0:1}")
if [ -x "$cuda" ]; then
  step native-cuda "${TFB_GPU_CHECK_CUDA_S:-90}" "$out/native-cuda.log" "$cuda" "${cuda_args[@]}" --json "$out/native-cuda.json"
else
  echo "native-cuda: not built (no CUDA toolkit where this tfbench was built)" | tee -a "$steps"
fi
with_native=()
grep -q '"name":[[:space:]]*"native/' "$out/native-cuda.json" 2>/dev/null && with_native=(--native "$out/native-cuda.json")
step run "${TFB_GPU_CHECK_RUN_S:-210}" "$out/run.log" "$tfbench" --device "$device" "${quick[@]}" "${with_native[@]}" --out "$out/run"
suites=$("$tfbench" --list-suites 2>/dev/null || true)  # read whole: grep -q under pipefail can fail the pipe
if grep -q '^ *layer ' <<<"$suites"; then
  step layer "${TFB_GPU_CHECK_LAYER_S:-40}" "$out/layer.log" "$tfbench" --device "$device" "${layer_args[@]}" --suite layer \
    --json "$out/layer.json"
fi
if [ -x "$native" ]; then
  step native "${TFB_GPU_CHECK_NATIVE_S:-30}" "$out/native.log" "$native" --quick --json "$out/native.json"
fi
if command -v python3 >/dev/null && [ -f "$summary" ]; then
  python3 "$summary" "$out" >"$out/summary.txt" 2>&1 || echo "gpu-check: the summary failed (see summary.txt)" >&2
else
  { echo "no python3 here: the run's own table and ceilings:"; tail -n 40 "$out/run.log"; } >"$out/summary.txt"
fi
echo "total: $(($(date +%s) - started)) s" >>"$out/summary.txt"
cat "$out/summary.txt"
