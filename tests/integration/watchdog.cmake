# Supervised runs: a planted peak kernel that never ends, or that writes far out of bounds, after the stream suite
# finished. The bad case is recorded as failed with its reason (timed out / crashed), the stream suite's results and
# ceilings and the case after it (fp64, a fresh worker's) are in the results, exit 1; the watchdog ends the hang at
# --case-timeout (30 s: a stream case on a loaded 2-core machine took over 5; the test's TIMEOUT bounds the run).
# The crash is named with the code it hit: the driver's compiled kernel (PoCL names it after the kernel). Planted in the fp32 kernel only (TYPE float), so the
# fp64 case after it is the real one. Uses tfb_planted_kernel (verification.cmake).
set(TFB_PEAK_FP32_LOOP [=[    for (uint i = 0; i < iterations; i++) {]=])
set(TFB_PEAK_FP32_ONLY "#if !defined(USE_FP64) && !defined(USE_FP16)")
tfb_planted_kernel(peak-hang peak.cl "${TFB_PEAK_FP32_LOOP}" "${TFB_PEAK_FP32_ONLY}
    while (((volatile __global const float *)start)[0] > 0.0f) {}  // planted: never ends
#endif
${TFB_PEAK_FP32_LOOP}")
tfb_planted_kernel(peak-crash peak.cl "${TFB_PEAK_FP32_LOOP}" "${TFB_PEAK_FP32_ONLY}
    out[(size_t)g + ((size_t)1 << 40)] = (TYPE)0;  // planted: a write 4 TiB past the buffer
#endif
${TFB_PEAK_FP32_LOOP}")
set(TFB_WATCHDOG_FILTER "stream/tfbench/(copy|read)-float16/|peak/")

tfb_cli_test(watchdog_hang
  ARGS --suite stream,peak --quick --filter ${TFB_WATCHDOG_FILTER} --kernel-dir ${TFB_BROKEN}/peak-hang
       --case-timeout 30 --json @WORKDIR@/r.json
  EXIT 1 TIMEOUT 180
  REGEX "peak/tfbench/fma-chains/fp32: timed out after 30 s; lost, the run goes on in a fresh worker"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_lost_case.cmake)
tfb_cli_test(watchdog_crash
  ARGS --suite stream,peak --quick --filter ${TFB_WATCHDOG_FILTER} --kernel-dir ${TFB_BROKEN}/peak-crash
       --out @WORKDIR@/out
  EXIT 1 TIMEOUT 180
  REGEX "peak/tfbench/fma-chains/fp32: crashed: SIG(SEGV|BUS) in the driver \\(fma_chains[^)]*\\); lost, the run goes on in a fresh worker"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_lost_case.cmake)
# The worker's own entry refuses to run when tfbench did not start it (no supervisor socket).
tfb_cli_test(worker_not_started_by_tfbench
  ARGS --run-worker 1 --suite peak --quick
  EXIT 2 REGEX "--run-worker is the supervised run's own worker, started by tfbench")
# Under ASan its own SEGV handler would report the crash and exit 1 before the worker's handler names the place.
set_property(TEST cli/watchdog_crash APPEND PROPERTY ENVIRONMENT "ASAN_OPTIONS=handle_segv=0")
# The read ladder is measured once, before the suites, and carried to the fresh worker over the supervisor's
# channel: after the lost peak case the stream suite runs under the same sizing, and the ladder is in the file.
tfb_cli_test(watchdog_ladder_carried
  ARGS --suite peak,stream --quick --filter "peak/|read-float16/" --kernel-dir ${TFB_BROKEN}/peak-crash --verbose
       --json @WORKDIR@/r.json
  EXIT 1 TIMEOUT 180 CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_ladder_carried.cmake)
set_property(TEST cli/watchdog_ladder_carried APPEND PROPERTY ENVIRONMENT "ASAN_OPTIONS=handle_segv=0"
  "HWLOC_SYNTHETIC=pack:1 [numa(memory=16GiB)] l3:1(size=256MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1")
