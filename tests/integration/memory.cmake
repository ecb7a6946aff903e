# --quick on a topology whose hwloc reports a 480 MiB L3 (the VMs where 4 x 480 MiB = 1.88 GiB of read ladder made a
# quick run peak at 2.5 GiB): the short ladder (256 MiB, 512 MiB) decides, and the run stays within 1 GiB of RSS.
# Peak RSS comes from /usr/bin/time -v (GNU time); without it the test is skipped.
add_test(NAME cli/quick_ladder_rss
         COMMAND ${CMAKE_COMMAND} -DBIN=${TFB_BIN} -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/cli_quick_ladder_rss
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_quick_rss.cmake)
set_tests_properties(cli/quick_ladder_rss PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77 ENVIRONMENT
  "${TFB_TEST_ENV};HWLOC_SYNTHETIC=pack:1 [numa(memory=16GiB)] l3:1(size=480MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1")
# The whole --quick run on that topology (the layer suite's fp32 prefill layer, 778 MiB of packed weights, is its
# largest case; weights are made and packed a few panels at a time, so no fp32 staging copy of a matrix exists).
add_test(NAME cli/quick_run_rss
         COMMAND ${CMAKE_COMMAND} -DBIN=${TFB_BIN} -DARGS=--quick -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/cli_quick_run_rss
                 -P ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_quick_rss.cmake)
set_tests_properties(cli/quick_run_rss PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77 LABELS "cli;device;slow" COST 100
  ENVIRONMENT "${TFB_TEST_ENV};HWLOC_SYNTHETIC=pack:1 [numa(memory=16GiB)] l3:1(size=480MiB) l2:2(size=1MiB) l1d:1(size=32KiB) core:1 pu:1")
