# The empirical roofline suites on the default device (PoCL in CI).
tfb_cli_test(intensity_cache_quick
  ARGS --device 0 --suite stream,peak,intensity,cache --quick --json @WORKDIR@/r.json
  REGEX "ridge fp32: [0-9.]+ FLOP/byte \\(peak/stream [0-9.]+\\).*Memory levels.*DRAM"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_intensity.cmake TIMEOUT 600)
# A chain one FMA short must fail verification against the float64 host chain (and say where).
tfb_cli_test(intensity_wrong_chain
  ARGS --device 0 --suite intensity --quick --kernel-dir ${PROJECT_SOURCE_DIR}/tests/data/wrong-kernels
  EXIT 1 REGEX "intensity/tfbench/I0.25/fp32: FMA chain output")
tfb_cli_test(intensity_listed ARGS --list-suites REGEX "intensity.*empirical roofline.*cache.*working set")
