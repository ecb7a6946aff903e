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
tfb_cli_test(attention_naive_skip
  ARGS --device 0 --suite attention,flash --quick --seq 12288 --json @WORKDIR@/r.json
  FAIL_REGEX "CMake Error|FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_attention_skip.cmake TIMEOUT 900)
