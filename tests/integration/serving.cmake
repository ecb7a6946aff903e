# --sweep batch|seq (docs/serving.md): the layer suite's serving curves on the tiny Llama-style config, context.serving
# with every field the docs name, the report's charts; bad --sweep values are bad input; --sweep with a suite that
# does not read it warns.
tfb_cli_test(serving_batch_quick
  ARGS --suite layer --quick --sweep batch --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama.json
       --out @WORKDIR@/out
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_serving.cmake TIMEOUT 600)
tfb_cli_test(serving_seq_quick
  ARGS --suite layer --quick --sweep seq --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama.json
       --out @WORKDIR@/out
  REGEX "crossover: measured ([0-9]+ \\(x[0-9.]+ of the bytes' prediction\\)|not within the measured contexts); predicted 258 \\(bytes, fp16 weights, fp32 cache\\); lecture 108 \\(FLOPs, MHA\\)"
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_serving.cmake TIMEOUT 600)
tfb_cli_test(serving_bad_sweep ARGS --suite layer --sweep depth EXIT 2
  REGEX "--sweep: \"depth\" is not batch or seq")
tfb_cli_test(serving_sweep_empty ARGS --suite layer --sweep= EXIT 2 REGEX "--sweep: \"\" is not batch or seq")
tfb_cli_test(serving_sweep_no_value ARGS --suite layer --sweep EXIT 2 REGEX "--sweep needs a value")
tfb_cli_test(serving_sweep_unused ARGS --device 0 --suite peak --quick --sweep seq --filter "^peak/.*/fp32$"
  --json @WORKDIR@/r.json REGEX "warning: --sweep is not used by the selected suites \\(peak\\)")
