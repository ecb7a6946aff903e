# The empirical roofline suites on the default device (PoCL in CI).
tfb_cli_test(intensity_cache_quick
  ARGS --device 0 --suite stream,peak,intensity,cache --quick --json @WORKDIR@/r.json
  REGEX "ridge fp32: [0-9.]+ FLOP/byte \\(peak/stream [0-9.]+\\).*Memory levels.*DRAM"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_intensity.cmake TIMEOUT 600)
# A chain one FMA short must fail verification against the float64 host chain (and say where). The wrong kernel is
# made from the real one at configure time, so it follows every change to it.
set(TFB_WRONG_KERNELS ${CMAKE_CURRENT_BINARY_DIR}/wrong-kernels)
file(READ ${PROJECT_SOURCE_DIR}/kernels/intensity.cl TFB_INTENSITY_CL)
string(REPLACE "for (int k = 0; k < flops / 2; k++)" "for (int k = 1; k < flops / 2; k++)" TFB_WRONG_CL
       "${TFB_INTENSITY_CL}")
if(TFB_WRONG_CL STREQUAL TFB_INTENSITY_CL)
  message(FATAL_ERROR "tests/integration/intensity.cmake: the FMA loop of kernels/intensity.cl changed; update the test")
endif()
file(WRITE ${TFB_WRONG_KERNELS}/intensity.cl "${TFB_WRONG_CL}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/intensity.cl)
tfb_cli_test(intensity_wrong_chain
  ARGS --device 0 --suite intensity --quick --kernel-dir ${TFB_WRONG_KERNELS}
  EXIT 1 REGEX "intensity/tfbench/I0.25/fp32: verification FAILED: element [0-9]+ of the ring: FMA chain output")
tfb_cli_test(intensity_listed ARGS --list-suites REGEX "intensity.*empirical roofline.*cache.*working set")
