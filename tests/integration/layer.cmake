# The layer suite through the real binary on the default device (PoCL in CI), on a tiny Llama-style config (GQA:
# 6 heads over 2 KV heads, head dim 16, d_ff 200: no dimension a multiple of the kernels' tiles), and a model the
# suite does not build. Its planted wrong kernels are in verification.cmake with the others.
tfb_cli_test(layer_tiny
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama.json --seq 37,100 --batch 1,3 --json @WORKDIR@/r.json
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_layer.cmake TIMEOUT 600)
# A GELU FFN with RMSNorm and RoPE is neither family: its cases are skipped with the reason, its output head still
# runs.
tfb_cli_test(layer_gelu_skip
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-gelu-rms.json --seq 37
  REGEX "layer/tfbench/decode-b1-n37/fp16: skipped: the layer suite builds the Llama-style block \\(RMSNorm, SwiGLU, RoPE\\) and the classic one \\(LayerNorm, GELU, learned positions\\); tiny-gelu-rms mixes them"
  FAIL_REGEX "FAILED")
# The classic block (LayerNorm, biases, GELU tanh, learned positions) on a tiny config, decode and prefill, every
# step of every row against float64; BERT's form (post-norm, GELU erf) on its own config.
tfb_cli_test(layer_tiny_classic
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-gpt.json --seq 37 --batch 1,3
  REGEX "classic block; fusions: QKV one product; Q/K/V biases with the KV append"
  FAIL_REGEX "FAILED|skipped|mismatch|exceeds" TIMEOUT 600)
tfb_cli_test(layer_tiny_classic_post_norm
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-bert.json --seq 20 --batch 2
  REGEX "decode-b2-n20 +fp16"
  FAIL_REGEX "FAILED|skipped|mismatch|exceeds" TIMEOUT 600)
# A cache too big for one allocation: the case is skipped with the sizes, the run goes on (exit 0).
tfb_cli_test(layer_too_big_skip
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama.json --seq 100000000
       --batch 1
  REGEX "layer/tfbench/decode-b1-n100000000/fp16: skipped: one layer \\([0-9.]+ [GT]iB\\) needs a [0-9.]+ [GT]iB buffer; the device allows [0-9.]+ [GM]iB per allocation"
  FAIL_REGEX "FAILED")
# The Mixtral-style block on a tiny config (4 experts, 2 per token): decode at B = 1 and 3, routing and every routed
# element against float64, experts_touched and the batch curve in the results, its chart in the report.
tfb_cli_test(layer_tiny_moe
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 37 --batch 1,3
       --json @WORKDIR@/r.json
  REGEX "Mixture of experts by batch"
  FAIL_REGEX "FAILED|decode-b[0-9]+-n37/fp16: skipped|mismatch" TIMEOUT 600)
# MoE prefill on the tiny config: the slots grouped by expert on the device, each expert a GEMM over its slots,
# routing and every expert's product against float64 (Freivalds past a handful of slots), kernels and breakdown named.
tfb_cli_test(layer_tiny_moe_prefill
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 37,64 --filter prefill
       --json @WORKDIR@/r.json
  REGEX "prefill-n64 +fp16 +1 .*%"
  FAIL_REGEX "FAILED|skipped|mismatch" TIMEOUT 600
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_layer_moe_prefill.cmake)
# The experts' GPU shape (a work-group per panel, partial sums reduced in local memory), verified on PoCL; and
# prefill's grouped GEMMs with the driver's work-group size.
tfb_cli_test(layer_tiny_moe_gpu_shape
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 20 --batch 3
       --filter "decode|prefill" --json @WORKDIR@/r.json
  REGEX "decode-b3-n20 +fp16.*prefill-n20 +fp16"
  FAIL_REGEX "FAILED|skipped|mismatch" TIMEOUT 600)
set_tests_properties(cli/layer_tiny_moe_gpu_shape PROPERTIES ENVIRONMENT
  "${TFB_TEST_ENV};TFB_GPU_KERNELS=1;TFB_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/cli_layer_tiny_moe_gpu_shape/cache")
