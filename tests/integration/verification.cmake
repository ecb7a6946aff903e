# Planted wrong kernels (tests/data/broken-kernels, loaded with --kernel-dir) must FAIL with exit 1, never be reported
# as figures: a triad and a flash kernel right only on their first run (caught by the check after the timed
# repetitions), a GEMM with one wrong row block (caught by the check of every work-item's tile) and a flash kernel
# with 100 wrong query rows of one head (caught by the check of every 32-row block of every head).
set(TFB_BROKEN ${PROJECT_SOURCE_DIR}/tests/data/broken-kernels)
tfb_cli_test(late_wrong_stream
  ARGS --suite stream --quick --kernel-dir ${TFB_BROKEN}/late-stream --json @WORKDIR@/r.json
  EXIT 1 REGEX "triad-float/fp32: verification FAILED: after the timed repetitions: triad output"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(gemm_wrong_row_block
  ARGS --suite gemm --quick --shape 128x1024x512 --kernel-dir ${TFB_BROKEN}/gemm-row-block --json @WORKDIR@/r.json
  EXIT 1 REGEX "gemm/tfbench/128x1024x512/fp32: verification FAILED: row (1[6-9]|2[0-3]), column [0-9]+: C.128x1024."
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake TIMEOUT 600)
tfb_cli_test(late_wrong_flash
  ARGS --suite flash --quick --kernel-dir ${TFB_BROKEN}/late-flash --json @WORKDIR@/r.json
  EXIT 1 REGEX "flash/tfbench/b1-h4-n128-d64/fp32: verification FAILED: after the timed repetitions: flash attention"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(flash_wrong_rows
  ARGS --suite flash --quick --seq 4096 --kernel-dir ${TFB_BROKEN}/flash-rows --json @WORKDIR@/r.json
  EXIT 1 REGEX "flash/tfbench/b1-h4-n4096-d64/fp32: verification FAILED: flash attention output: batch 0, head 0, query (9[0-9][0-9]) of 4096"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
