# Fleet runs under MPI (Debian's Open MPI): mpirun starts the ranks as root in CI (--allow-run-as-root), two on
# this 2-core machine (--oversubscribe); ob1 over shared memory skips the network transports' start-up probes.
# POCL_DEVICES gives PoCL two devices, so each rank gets its own (its node-local rank's). The suites are small
# (peak, one decode case): a few seconds per rank.
target_sources(test_fleet PRIVATE ${PROJECT_SOURCE_DIR}/host/fleet/fleet_nompi.c)  # it links cli/cmd_fleet.c
if(NOT MPI_C_FOUND OR NOT MPIEXEC_EXECUTABLE)
  message(STATUS "fleet tests left out: no MPI (Debian: libopenmpi-dev openmpi-bin)")
  return()
endif()
set(TFB_MPIRUN_FLAGS --allow-run-as-root --oversubscribe --mca pml ob1 --mca btl self,vader -x POCL_DEVICES)
if(TFB_SANITIZE)  # the slow unwinder: Open MPI's plug-ins have no frame pointers to walk
  list(APPEND TFB_MPIRUN_FLAGS -x LSAN_OPTIONS)
  set(TFB_FLEET_LSAN
      "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp:print_suppressions=0:fast_unwind_on_malloc=0")
endif()
# OMPI_MCA_mca_base_component_disable_dlclose: Open MPI's plug-ins stay loaded, so LeakSanitizer (TFB_SANITIZE
# builds) can name the frames of their leaks at exit and tests/lsan.supp can suppress them.
set(TFB_FLEET_ENV "POCL_DEVICES=pthread pthread" OMPI_MCA_mca_base_component_disable_dlclose=1 ${TFB_FLEET_LSAN})
# A copy of the decode kernel that loops extra (a dependent FMA chain whose result it never uses, the output
# unchanged and still verified), for the rank that must come out as the outlier on decode and only there.
set(TFB_SLOWED ${CMAKE_CURRENT_BINARY_DIR}/slowed-kernels)
file(READ ${PROJECT_SOURCE_DIR}/kernels/decode.cl decode)
set(anchor "    for (uint g = 0; g < G; g++) {\n        size_t slot =")
string(FIND "${decode}" "${anchor}" at)
if(at LESS 0)
  message(FATAL_ERROR "tests/integration/fleet.cmake: kernels/decode.cl changed; update the slowed copy's anchor")
endif()
string(REPLACE "${anchor}" "    float burn = m[0];  // slowed by tests/integration/fleet.cmake
    for (uint i = 0; i < 300000u; i++) burn = fma(burn, 0.999999f, 1e-7f);
    if (burn == 12345.0f) part_ml[0] = burn;
${anchor}" slowed "${decode}")
file(WRITE ${TFB_SLOWED}/decode.cl "${slowed}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/decode.cl)

function(tfb_fleet_test name)
  cmake_parse_arguments(T "" "EXIT;REGEX;CHECK" "ARGS" ${ARGN})
  if(NOT DEFINED T_EXIT)
    set(T_EXIT 0)
  endif()
  add_test(NAME fleet/${name}
           COMMAND ${CMAKE_COMMAND} -DBIN=${MPIEXEC_EXECUTABLE} "-DARGS=${TFB_MPIRUN_FLAGS};${T_ARGS}" -DEXIT=${T_EXIT}
                   -DWORKDIR=${CMAKE_CURRENT_BINARY_DIR}/fleet_${name} "-DCHECK=${T_CHECK}"
                   -DTFBENCH=$<TARGET_FILE:tfbench> -P ${CMAKE_CURRENT_SOURCE_DIR}/run_cli.cmake)
  set_tests_properties(fleet/${name} PROPERTIES TIMEOUT 300 ENVIRONMENT "${TFB_TEST_ENV};${TFB_FLEET_ENV}"
                       PASS_REGULAR_EXPRESSION "${T_REGEX}" FAIL_REGULAR_EXPRESSION "CMake Error")
endfunction()

set(TFB_FLEET_QUICK --suite peak,decode --quick --kv-heads 2 --out @WORKDIR@/fleet)
# Two ranks, one device each, one fleet file with both.
tfb_fleet_test(two_ranks ARGS -np 2 $<TARGET_FILE:tfbench> --fleet --suite peak --quick --out @WORKDIR@/fleet
  REGEX "Fleet: 2 rank\\(s\\) on 1 host\\(s\\): 2 ok, 0 partial, 0 failed"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_fleet_two.cmake)
# MPMD: rank 1 loads the slowed decode kernel (~30x slower: 94% below the median of two). One after the other
# (--fleet-serial: they share the 2 cores) and a 75% threshold, since other jobs share this machine: they have
# halved a short peak run of one rank against the other's (40% below the median), never more than that.
tfb_fleet_test(mpmd_outlier
  ARGS -np 1 $<TARGET_FILE:tfbench> --fleet-serial --fleet-threshold 75 ${TFB_FLEET_QUICK}
       : -np 1 $<TARGET_FILE:tfbench> --fleet-serial --fleet-threshold 75 ${TFB_FLEET_QUICK} --kernel-dir ${TFB_SLOWED}
  REGEX "Outliers, slowest first [^\n]*\n  rank 1 +[^ ]+ +decode/tfbench/b2-h8-kv2-n1000-d64/fp32 "
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_fleet_outlier.cmake)
# A rank's worker killed mid-run, then a rank process itself (MPI aborts the job): tests/integration/fleet_killed.sh.
add_test(NAME fleet/killed_rank
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fleet_killed.sh $<TARGET_FILE:tfbench>
                 "${MPIEXEC_EXECUTABLE};${TFB_MPIRUN_FLAGS}" ${CMAKE_CURRENT_BINARY_DIR}/fleet_killed_rank)
set_tests_properties(fleet/killed_rank PROPERTIES TIMEOUT 300 ENVIRONMENT "${TFB_TEST_ENV};${TFB_FLEET_ENV}")
