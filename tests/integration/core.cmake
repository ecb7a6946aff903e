# The foundation, through the real binary on the default device (PoCL in CI).
tfb_cli_test(list ARGS --list REGEX "\\[0\\] .*compute units")
tfb_cli_test(list_suites ARGS --list-suites REGEX "stream.*peak")
# --verbose adds each suite's declared sweep: its axes with the default run's and --quick's values.
tfb_cli_test(list_suites_verbose ARGS --list-suites --verbose
  REGEX "gemm [^\n]*\n +batch +default 1,8,32,128,512 \\| --quick 1,16,128 [^\n]*\n.*layer [^\n]*\n +batch +default 1 \\| --quick 1 \\| --suite 1,8,32")
tfb_cli_test(help ARGS --help REGEX "usage: tfbench")
tfb_cli_test(bad_device ARGS --device 99 --suite stream EXIT 2 REGEX "no OpenCL device 99 \\(run tfbench --list\\)")
tfb_cli_test(bad_device_name ARGS --device no-such-gpu EXIT 2 REGEX "no OpenCL device matching")
tfb_cli_test(bad_flag ARGS --frobnicate EXIT 2 REGEX "unknown option")
tfb_cli_test(bad_max_noise ARGS --max-noise lots EXIT 2 REGEX "--max-noise: .lots. is not a percentage")
tfb_cli_test(repetitions_fixed ARGS --device 0 --suite peak --quick --repetitions 3 --max-noise 0.0001
  --json @WORKDIR@/r.json CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_repetitions.cmake)
# +-0.0001% is beyond any real timing: the budget runs out and the table marks the benchmarks unstable.
tfb_cli_test(noise_budget_runs_out ARGS --device 0 --suite peak --quick --max-noise 0.0001 --max-time 0.05
  REGEX "~ unstable: the median's 95% interval stayed wider")
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
# A topology with a 256 MiB L3: 4 x 256 MiB = 1 GiB is above the floor, so the read ladder runs before the suites
# (512 MiB and 1 GiB) and the stream cases follow its rule (measured_plateau or 4x_llc).
tfb_cli_test(read_ladder
  ARGS --device 0 --suite stream --quick --filter "read-float16" --json @WORKDIR@/r.json
  REGEX "out of cache +(measured_plateau|4x_llc): .*read" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_ladder.cmake)
set_property(TEST cli/read_ladder APPEND PROPERTY ENVIRONMENT
  "HWLOC_SYNTHETIC=pack:1 [numa(memory=16GiB)] l3:1(size=256MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1")
# After suites judged against it, the read ceiling is measured again and the better figure kept.
tfb_cli_test(read_ceiling_recheck
  ARGS --device 0 --suite stream,gemv --quick --filter "read-float16|gemv/tfbench/4096x4096/fp32" --json @WORKDIR@/r.json
  REGEX "bandwidth read" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_recheck.cmake)
# Outputs that cannot be written are bad input found before the run (exit 2), not after it (issue 19).
tfb_cli_test(json_is_folder ARGS --suite stream --quick --json @WORKDIR@ EXIT 2 REGEX "cannot write .*: it is a folder")
tfb_cli_test(json_in_proc ARGS --suite stream --quick --json /proc/forbidden/r.json EXIT 2
  REGEX "cannot write /proc/forbidden/r.json: folder /proc/forbidden is not writable or missing")
string(REPEAT "n" 100000 TFB_LONG_NAME)
tfb_cli_test(csv_name_too_long ARGS --suite stream --quick --csv @WORKDIR@/${TFB_LONG_NAME} EXIT 2 REGEX "path too long")
tfb_cli_test(out_in_proc ARGS --suite stream --quick --out /proc/zz EXIT 2 REGEX "/proc/zz: cannot create it")
tfb_cli_test(report_out_in_proc ARGS report ${PROJECT_SOURCE_DIR}/tests/data/report-synthetic.json --out /proc/zz
  EXIT 2 REGEX "/proc/zz: cannot create it")
# Ignored input is never silent (issue 19): a missing --kernel-dir is an error, not the embedded kernels; a suite
# named twice runs once; --kv-heads values that leave no case say why (exit 2); --suite has no length limit.
tfb_cli_test(kernel_dir_missing ARGS --suite stream --quick --kernel-dir /nonexistent-tfb-kernels EXIT 2
  REGEX "--kernel-dir /nonexistent-tfb-kernels: No such file or directory")
tfb_cli_test(suite_named_twice ARGS --suite peak,peak --quick --json @WORKDIR@/r.json
  REGEX "warning: --suite names peak more than once; it runs once"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_unique_names.cmake)
tfb_cli_test(kv_heads_leave_nothing ARGS --suite decode --quick --kv-heads 3 --json @WORKDIR@/r.json EXIT 2
  REGEX "decode: --kv-heads 3 left out: a KV-head count must divide the 8 query heads; no case is left.*no benchmark to run")
string(REPEAT "peak," 200 TFB_LONG_SUITES)
tfb_cli_test(suite_list_not_cut ARGS --suite ${TFB_LONG_SUITES}nosuch EXIT 2 REGEX "unknown suite \"nosuch\"")
# --filter: only the benchmarks whose name matches run; a pattern that is not a regex is refused before any runs.
tfb_cli_test(filter_one_benchmark ARGS --device 0 --suite peak --quick --filter "^peak/.*/fp32$" --json @WORKDIR@/r.json
  REGEX "peak/tfbench/fma-chains/fp32" FAIL_REGEX "fma-chains/fp64|fma-chains/fp16|exit code [0-9]+, expected")
tfb_cli_test(filter_bad_pattern EXIT 2 ARGS --device 0 --filter "(" REGEX "--filter: .\\(. is not a POSIX extended")
