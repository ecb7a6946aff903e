# tfbench-native-cuda (built when CMake finds the CUDA toolkit): on a machine without a CUDA device it must say
# "no CUDA device" and exit 0 with an empty list; with one, every point it writes must be verified and carry
# tfbench's layout. Bad options are usage errors.
if(TARGET tfbench-native-cuda)
  set(TFB_NATIVE_CUDA_BIN $<TARGET_FILE:tfbench-native-cuda>)
  add_test(NAME native/cuda_quick
           COMMAND ${CMAKE_COMMAND} -DBIN=${TFB_NATIVE_CUDA_BIN} "-DARGS=--quick;--json;@WORKDIR@/r.json" -DEXIT=0
                   -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/native_cuda_quick
                   -DCHECK=${CMAKE_CURRENT_SOURCE_DIR}/integration/check_native_cuda.cmake
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(native/cuda_quick PROPERTIES TIMEOUT 300 FAIL_REGULAR_EXPRESSION "CMake Error")
  add_test(NAME native/cuda_bad_option
           COMMAND ${CMAKE_COMMAND} -DBIN=${TFB_NATIVE_CUDA_BIN} "-DARGS=--batch;1,x" -DEXIT=2
                   -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/native_cuda_bad_option -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(native/cuda_bad_option PROPERTIES PASS_REGULAR_EXPRESSION "tfbench-native-cuda: \"1,x\": expected positive integers"
                       FAIL_REGULAR_EXPRESSION "CMake Error")
endif()

# tfbench-native-cuda's layout (native/cuda/..., native/cublas/..., bf16 among the dtypes) on tfbench's chart, from a
# synthetic file: built or not, `tfbench --native` must draw its points.
tfb_cli_test(report_native_cuda
  ARGS report ${PROJECT_SOURCE_DIR}/tests/data/report-synthetic.json
       --native ${PROJECT_SOURCE_DIR}/tests/data/report-native-cuda.json --out @WORKDIR@/r
  REGEX "report: .*/r/report.html" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_report.cmake)
