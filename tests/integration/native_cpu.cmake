# tfbench-native (built when CMake finds OpenMP and OpenBLAS) samples its host work with the suites' own policy:
# with --quick at least the suites' --quick minimum of samples (tfb_timing_default), each recorded in samples_s.
if(TARGET tfbench-native)
  add_test(NAME native/cpu_quick_stream
           COMMAND ${CMAKE_COMMAND} -DBIN=$<TARGET_FILE:tfbench-native>
                   "-DARGS=--quick;--stream-only;--json;@WORKDIR@/r.json" -DEXIT=0
                   -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/native_cpu_quick_stream
                   -DCHECK=${CMAKE_CURRENT_SOURCE_DIR}/integration/check_native_cpu.cmake
                   -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  # Sanitizer builds: hwloc's plugins leak, then are unloaded, so LSan cannot name them (no suppression matches);
  # without plugins the topology is read all the same.
  set(env "${TFB_TEST_ENV}")
  if(TFB_SANITIZE)
    list(APPEND env "HWLOC_PLUGINS_PATH=${CMAKE_CURRENT_BINARY_DIR}/no-hwloc-plugins")
  endif()
  set_tests_properties(native/cpu_quick_stream PROPERTIES TIMEOUT 120 FAIL_REGULAR_EXPRESSION "CMake Error"
                       ENVIRONMENT "${env}")
endif()
