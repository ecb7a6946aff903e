# The foundation, through the real binary on the default device (PoCL in CI).
tfb_cli_test(list ARGS --list REGEX "\\[0\\] .*compute units")
tfb_cli_test(list_suites ARGS --list-suites REGEX "stream.*peak")
tfb_cli_test(help ARGS --help REGEX "usage: tfbench")
tfb_cli_test(bad_device ARGS --device 99 --suite stream EXIT 2 REGEX "no OpenCL device 99 \\(run tfbench --list\\)")
tfb_cli_test(bad_device_name ARGS --device no-such-gpu EXIT 2 REGEX "no OpenCL device matching")
tfb_cli_test(bad_flag ARGS --frobnicate EXIT 2 REGEX "unknown option")
tfb_cli_test(bad_suite ARGS --suite stream,nosuch EXIT 2 REGEX "unknown suite \"nosuch\"")
tfb_cli_test(unwritable_json ARGS --suite stream --json /nonexistent-dir/r.json EXIT 2 REGEX "not writable or missing")
tfb_cli_test(broken_kernel
  ARGS --suite stream --quick --kernel-dir ${PROJECT_SOURCE_DIR}/tests/data/broken-kernels
  EXIT 1 REGEX "clBuildProgram failed for stream.cl.*build log.*undefined_symbol_in_tfbench_test")
tfb_cli_test(stream_peak_quick
  ARGS --device 0 --suite stream,peak --quick --json @WORKDIR@/r.json --csv @WORKDIR@/r.csv
  REGEX "ridge point fp32" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_stream_peak.cmake)
tfb_cli_test(kernel_dir_override
  ARGS --suite peak --quick --kernel-dir ${PROJECT_SOURCE_DIR}/kernels REGEX "peak/tfbench/fma-chains/fp32")
# A topology with a 1 GiB L3 (hwloc's own override; PoCL reads it too, so the device has 3 GiB): 4 x 1 GiB is out of
# reach, the plateau check at 2.25 GiB and half of it decides, and the run still has a bandwidth ceiling and a ridge.
tfb_cli_test(huge_llc_plateau
  ARGS --device 0 --suite stream,peak --quick --json @WORKDIR@/r.json
  REGEX "out of cache +plateau_check" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_plateau.cmake)
set_property(TEST cli/huge_llc_plateau APPEND PROPERTY ENVIRONMENT
  "HWLOC_SYNTHETIC=pack:1 [numa(memory=4GiB)] l3:1(size=1GiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1")
