# gemv/gemm through the real binary: every point carries the issue's fields, bad shapes are usage errors.
tfb_cli_test(gemv_gemm_quick
  ARGS --device 0 --suite gemv,gemm --quick --shape 1x1000x777 --batch 1,7,130 --json @WORKDIR@/r.json
  REGEX "gemm/tfbench/130x1000x777/fp32.*no prediction: no device ridge was measured" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_gemm.cmake TIMEOUT 600)
tfb_cli_test(gemm_bad_shape ARGS --suite gemm --shape 12x34 EXIT 2 REGEX "--shape \"12x34\": expected MxNxK")
tfb_cli_test(gemm_zero_shape ARGS --suite gemv --shape 0x4096x4096 EXIT 2 REGEX "expected MxNxK")
tfb_cli_test(gemm_bad_batch ARGS --suite gemm --batch 1,x EXIT 2 REGEX "--batch")
tfb_cli_test(gemm_unknown_model ARGS --suite gemv --quick --model no-such-model EXIT 2 REGEX "no such built-in model")
# Byte counts that overflow 64 bits saturate: the case is a skip that says so, not a driver abort (issue 19).
tfb_cli_test(gemm_overflowing_shape
  ARGS --suite gemm --quick --shape 2147483648x2147483648x2147483648 --json @WORKDIR@/r.json
  REGEX "gemm/tfbench/2147483648x2147483648x2147483648/fp32: skipped: A needs more than 16 EiB in one buffer; the device allows [0-9.]+ GiB per allocation")
