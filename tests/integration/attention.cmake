# The attention suites (naive, flash, decode) through the real binary on the default device (PoCL in CI).
# No REGEX on tests with a CHECK: ctest's PASS_REGULAR_EXPRESSION would override the exit code of a failed check,
# so FAIL_REGEX catches the check's error message as well.
tfb_cli_test(attention_quick
  ARGS --device 0 --suite attention,flash,decode --quick --json @WORKDIR@/r.json
  FAIL_REGEX "CMake Error|FAILED"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_attention.cmake)
# A length whose naive score matrices (4 heads x 12288^2 floats = 2.25 GiB) exceed PoCL's allocation limit (1 or
# 2 GiB, from the host's memory): naive is skipped with the memory it needs, flash still runs and verifies. The
# check reads the device's limit from the JSON, so a device that can hold the matrix gets a measured naive case.
# Causal cases only, at 2 timed repetitions: the skip and one verified flash case are what it checks, at half the time.
tfb_cli_test(attention_naive_skip
  ARGS --device 0 --suite attention,flash --quick --seq 12288 --filter causal --repetitions 2 --json @WORKDIR@/r.json
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_attention_skip.cmake TIMEOUT 900)
# --head-dim and --kv-heads reach all three suites (an odd head dim: vector width 16 along d, then a tail).
tfb_cli_test(attention_head_dim
  ARGS --device 0 --suite attention,flash,decode --quick --seq 127 --head-dim 80 --kv-heads 2 --json @WORKDIR@/r.json
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_attention_axes.cmake)
# --model gives the attention suites the model's heads, KV heads and head dim (Llama 2 70B: 64, 8, 128).
tfb_cli_test(attention_model
  ARGS --device 0 --suite decode --quick --seq 100 --model llama2-70b
  REGEX "decode/tfbench/b2-h64-kv8-n100-d128/fp32 .* ok" FAIL_REGEX "FAILED")
tfb_cli_test(attention_bad_head_dim ARGS --suite decode --head-dim 1024 EXIT 2 REGEX "--head-dim: 1024 is larger than 512")
# n = 2^40: the n^2 score matrices saturate instead of wrapping (the skip names them; issue 19).
tfb_cli_test(attention_overflowing_seq
  ARGS --suite attention,flash --quick --seq 1099511627776 --json @WORKDIR@/r.json
  REGEX "score matrices of 4 heads take more than 16 EiB.*flash/tfbench/b1-h4-n1099511627776-d64/fp32: skipped: needs [0-9.]+ [KMGTP]iB")
