#!/bin/sh
# The figures of issue 36 (the classic block and the mixture-of-experts block), for a quiet rerun; not run by CI.
# Usage: ci/figures/issue36.sh [BUILD_DIR [OUT_DIR]]. Each command writes its JSON and text into OUT_DIR.
set -eu
build=${1:-build}
out=${2:-$(mktemp -d)}
run() {
    name=$1
    shift
    uptime >"$out/$name.txt"
    "$build/tfbench" --device 0 "$@" --json "$out/$name.json" >>"$out/$name.txt" 2>&1
    uptime >>"$out/$name.txt"
    echo "$out/$name.txt"
}
# classic decode B = 1 (GPT-2 XL shapes, fp16 weights): fraction of its bracketed bound (goal >= 0.85)
run gpt2xl-decode --suite layer --quick --model gpt2-xl --seq 1024 --batch 1
# classic prefill n = 512 (fp32 weights) against the roofline of the same run's peak (goal >= 0.5)
run gpt2xl-prefill --suite stream,peak,layer --quick --model gpt2-xl --seq 512 --batch 1
# MoE decode B = 1 (Mixtral 8x7B shapes, fp16): fraction of the bound from the experts touched (goal >= 0.80)
# (--filter: --seq also sets the prompt length, and a Mixtral prefill of 4096 tokens takes minutes per execution here)
run mixtral-decode --suite layer --quick --model mixtral-8x7b --seq 4096 --batch 1 --filter 'decode|head'
# the MoE batch curve B = 1 .. 32 (tokens/s, bytes per token, both bounds), and its chart in the report
run mixtral-curve --suite layer --quick --model mixtral-8x7b --seq 4096 --batch 1,2,4,8,16,32 --filter 'decode|head'
# MoE prefill n = 512 (fp32, the slots grouped by expert, each expert a GEMM over its slots) against the roofline of
# the same run's measured peak
run mixtral-prefill --suite peak,layer --quick --model mixtral-8x7b --seq 512 --filter 'peak/|prefill'
# the op breakdown kernel by kernel (time per layer, share of the span, launch gaps) of every layer case above
python3 "$(dirname "$0")/layer_kernels.py" "$out"/gpt2xl-*.json "$out"/mixtral-*.json >"$out/kernels.txt"
echo "$out/kernels.txt"
"$build/tfbench" report "$out/mixtral-curve.json" --out "$out/mixtral-curve-report"
# the analytical side: parameter counts and the expected-experts curve
"$build/tfbench" model gpt2-xl >"$out/model-gpt2xl.txt"
"$build/tfbench" model mixtral-8x7b --seq 4096 --kv-dtype fp32 >"$out/model-mixtral.txt"
echo "figures in $out"
