# No silent truncation and no ignored input (issue 32): a path that does not fit a buffer fails with a message,
# options that no selected suite reads are named on stderr.
set(TFB_EXIT_CHECK "exit code [0-9]+, expected")

# A --kernel-dir that exists (under PATH_MAX, "/." steps) but whose kernel paths pass it: the cut path used to miss,
# and the embedded kernel ran in its place (exit 0). Now the kernel load fails naming the limit.
set(TFB_DEEP_KERNELS ${PROJECT_SOURCE_DIR}/kernels)
string(LENGTH "${TFB_DEEP_KERNELS}" TFB_DEEP_LENGTH)
math(EXPR TFB_DEEP_STEPS "(4090 - ${TFB_DEEP_LENGTH}) / 2")
string(REPEAT "/." ${TFB_DEEP_STEPS} TFB_DEEP_PAD)
tfb_cli_test(kernel_dir_path_too_long ARGS --suite peak --quick --kernel-dir ${TFB_DEEP_KERNELS}${TFB_DEEP_PAD}
  --json @WORKDIR@/r.json EXIT 1 REGEX "--kernel-dir: the path of [a-z_]+\\.cl would be 4[0-9]+ bytes, over the limit of 4095")

# Options that no selected suite reads are named (they were ignored without a word); the run goes on.
tfb_cli_test(unused_option_warned ARGS --device 0 --suite peak --quick --batch 8 --filter "^peak/.*/fp32$"
  --json @WORKDIR@/r.json REGEX "warning: --batch is not used by the selected suites \\(peak\\)"
  FAIL_REGEX "${TFB_EXIT_CHECK}")

# Paths past the buffers that hold them are refused by name, never cut to another file or folder.
string(REPEAT "x" 5000 TFB_LONG_PATH)
tfb_cli_test(report_path_too_long EXIT 2 ARGS report ${TFB_LONG_PATH}.json REGEX "results file path too long")
tfb_cli_test(compare_round_path_too_long EXIT 2
  ARGS compare ${PROJECT_SOURCE_DIR}/tests/data/compare/base.json,${TFB_LONG_PATH}.json
       ${PROJECT_SOURCE_DIR}/tests/data/compare/base.json
  REGEX "a file name in .* passes 4095 bytes")
# A measured device name past the model's field: refused (it was cut to 127 bytes in the prediction).
tfb_cli_test(model_measured_name_too_long EXIT 2 ARGS model llama2-7b --measured
  ${PROJECT_SOURCE_DIR}/tests/data/model-measured-long-name.json REGEX "context.device.name is too long")
