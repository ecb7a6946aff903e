# The fleet's commands that need no MPI: compare against the fleet on a fixture (tests/data/fleet: four ranks,
# rank 2 50% slower on decode, rank 3 killed), and the fleet flags' bad input, refused before MPI starts.
set(TFB_FLEET_FIXTURE ${PROJECT_SOURCE_DIR}/tests/data/fleet/fleet-slow-rank.json)
tfb_cli_test(compare_fleet ARGS compare ${TFB_FLEET_FIXTURE} EXIT 1
  REGEX "rank 2 [^\n]* 1 regression\\(s\\)[^\n]*\n +decode/tfbench/b1-h8-n1000-d64/fp32 [^\n]* +\\+50\\.[0-9]%  REGRESSION  \\(u-test[^\n]*\nrank 3 [^\n]*FAILED: no results: killed by signal 9 \\(SIGKILL\\)")
tfb_cli_test(compare_fleet_json ARGS compare ${TFB_FLEET_FIXTURE} --json EXIT 1
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_compare_fleet_json.cmake)
tfb_cli_test(compare_fleet_strict ARGS compare ${TFB_FLEET_FIXTURE} --strict EXIT 2 REGEX "need two files, not one")
tfb_cli_test(fleet_json_refused ARGS --fleet --suite peak --json r.json EXIT 2 REGEX "a fleet run writes")
tfb_cli_test(fleet_bad_option ARGS --fleet --suite nosuch EXIT 2 REGEX "unknown suite \"nosuch\"")
tfb_cli_test(fleet_bad_threshold ARGS --fleet --fleet-threshold lots EXIT 2 REGEX "--fleet-threshold needs a number")
tfb_cli_test(fleet_report_no_folder ARGS fleet-report /nonexistent-fleet EXIT 2 REGEX "cannot open the fleet folder")
tfb_cli_test(fleet_report_not_fleet ARGS fleet-report ${PROJECT_SOURCE_DIR}/tests/data EXIT 2
  REGEX "holds no rank-<R>.state.json: not a fleet folder")
