# Hostile neighbours (issue: faults and hostile neighbours): readers that never block on a FIFO, a device or a
# folder; the --out lock; PoCL's environment checked before the driver sees it; caches that must be the caller's
# own; a fleet folder with a planted link and rank files of an earlier job. The bundle launcher's private folders
# are checked by bundle/empty_env (ci/bundle/check.sh).
set(TFB_HOSTILE ${CMAKE_CURRENT_SOURCE_DIR}/integration/hostile_files.sh)
foreach(case fifo lock links pocl_dirs)
  add_test(NAME hostile/${case}
           COMMAND bash ${TFB_HOSTILE} ${case} $<TARGET_FILE:tfbench> ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/hostile_${case})
  set_tests_properties(hostile/${case} PROPERTIES ENVIRONMENT "${TFB_TEST_ENV}" FAIL_REGULAR_EXPRESSION "CMake Error"
                       PASS_REGULAR_EXPRESSION "hostile_files.sh ${case}: passed|skipped")
endforeach()
# a FIFO must be refused at once: the whole case has 30 s, each command 10 s
set_tests_properties(hostile/fifo hostile/lock hostile/links PROPERTIES TIMEOUT 30)
set_tests_properties(hostile/pocl_dirs PROPERTIES TIMEOUT 120)

# PoCL's variables: a value PoCL would crash on (POCL_MAX_PTHREAD_COUNT=-1 segfaults inside clGetDeviceIDs) or that
# would make it show no device (POCL_CACHE_DIR=/proc/x: "install PoCL") is named before the driver starts.
tfb_cli_test(pocl_negative_threads ARGS --list EXIT 2
  REGEX "POCL_MAX_PTHREAD_COUNT=\"-1\": needs a whole number from 1 to 4096")
tfb_cli_test(pocl_affinity_word ARGS --list EXIT 2 REGEX "POCL_AFFINITY=\"yes\": needs a whole number from 0 to 1")
tfb_cli_test(pocl_cache_in_proc ARGS --list EXIT 2 REGEX "POCL_CACHE_DIR /proc/x: cannot create it")
tfb_cli_test(pocl_no_device_named ARGS --list EXIT 2
  REGEX "no OpenCL device found, and PoCL's environment is set \\(POCL_DEVICES=nosuch\\)")
set_property(TEST cli/pocl_negative_threads APPEND PROPERTY ENVIRONMENT POCL_MAX_PTHREAD_COUNT=-1)
set_property(TEST cli/pocl_affinity_word APPEND PROPERTY ENVIRONMENT POCL_AFFINITY=yes)
set_property(TEST cli/pocl_cache_in_proc APPEND PROPERTY ENVIRONMENT POCL_CACHE_DIR=/proc/x)
set_property(TEST cli/pocl_no_device_named APPEND PROPERTY ENVIRONMENT POCL_DEVICES=nosuch)
set_tests_properties(cli/pocl_negative_threads cli/pocl_affinity_word cli/pocl_cache_in_proc cli/pocl_no_device_named
                     PROPERTIES TIMEOUT 30)

if(MPI_C_FOUND AND MPIEXEC_EXECUTABLE)
  add_test(NAME fleet/hostile_folder
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/fleet_hostile.sh $<TARGET_FILE:tfbench>
                   "${MPIEXEC_EXECUTABLE};${TFB_MPIRUN_FLAGS}" ${CMAKE_CURRENT_BINARY_DIR}/fleet_hostile_folder)
  set_tests_properties(fleet/hostile_folder PROPERTIES TIMEOUT 300 ENVIRONMENT "${TFB_TEST_ENV};${TFB_FLEET_ENV}"
                       FAIL_REGULAR_EXPRESSION "CMake Error" PASS_REGULAR_EXPRESSION "both cases passed")
endif()
