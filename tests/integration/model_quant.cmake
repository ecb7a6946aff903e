# tfbench model with the block formats (docs/quantization.md): exact bytes per decode step, scales included, and the
# bound from them, with a datasheet and with --measured; formats that do not fit are usage errors.
set(TFB_EXIT_CHECK "exit code [0-9]+, expected")
# 206,471,296 q4_0 blocks x 18 + 266,240 fp32 norms x 4 + 536,870,912 fp16 KV values x 2 (tests/test_model.c)
tfb_cli_test(model_q4_0_fp16_kv ARGS model llama2-7b --weights q4_0 --kv-dtype fp16
  REGEX "Memory \\(q4_0 weights, fp16 KV cache\\).*bytes per decode step \\(weights \\+ KV cache read\\): 4,791,290,112. 4.5 bits a weight, 16 a cached value.*699\\.2 tokens/s per sequence"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
# int4-g128: 51,617,824 blocks x 66 + norms; a q8_0 KV cache: 536,870,912 / 32 blocks x 34; 1000 GB/s measured
tfb_cli_test(model_int4_g128_measured
  ARGS model llama2-7b --weights int4-g128 --kv-dtype q8_0 --measured ${PROJECT_SOURCE_DIR}/tests/data/model-measured.json --json
  REGEX "\"bits_per_weight\":.4\\.125,.*\"bytes_per_step\":.3978266688,.*\"tokens_per_second_bound\":.251\\.36" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_q4_0_kv EXIT 2 ARGS model llama2-7b --kv-dtype q4_0 REGEX "the KV cache takes fp32, fp16, bf16, int8, int4 or q8_0")
tfb_cli_test(model_bad_weights EXIT 2 ARGS model llama2-7b --weights q5_k REGEX "unknown weight format \"q5_k\"")
