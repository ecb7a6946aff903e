# Planted wrong kernels (tests/data/broken-kernels, loaded with --kernel-dir) must FAIL with exit 1, never be reported
# as figures: a triad right only on its first run (caught by the check after the timed repetitions) and a GEMM with
# one wrong row block (caught by the check of every work-item's tile).
set(TFB_BROKEN ${PROJECT_SOURCE_DIR}/tests/data/broken-kernels)
tfb_cli_test(late_wrong_stream
  ARGS --suite stream --quick --kernel-dir ${TFB_BROKEN}/late-stream --json @WORKDIR@/r.json
  EXIT 1 REGEX "triad-float/fp32: verification FAILED: after the timed repetitions: triad output"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(gemm_wrong_row_block
  ARGS --suite gemm --quick --shape 128x1024x512 --kernel-dir ${TFB_BROKEN}/gemm-row-block --json @WORKDIR@/r.json
  EXIT 1 REGEX "gemm/tfbench/128x1024x512/fp32: verification FAILED: row (1[6-9]|2[0-3]), column [0-9]+: C.128x1024."
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake TIMEOUT 600)
