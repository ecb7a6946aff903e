# tfbench history (docs/history.md): bad input refused (exit 2), then the scripts: changes and report end to end on
# tests/data/history/, a writer killed mid-way and concurrent writers (SQLite), and the PostgreSQL path against a
# real local server the test starts and stops (skipped with its reason where none can start).
set(TFB_HISTORY_RUN ${PROJECT_SOURCE_DIR}/reports/measurements/amd-epyc-zen4-2core-vm/2026-12-06/quick.json)
tfb_cli_test(history_no_subcommand ARGS history EXIT 2 REGEX "no subcommand given")
tfb_cli_test(history_unknown ARGS history frobnicate EXIT 2 REGEX "unknown subcommand \"frobnicate\"")
tfb_cli_test(history_no_database ARGS history list --db @WORKDIR@/none.db EXIT 2 REGEX "no history database at")
tfb_cli_test(history_bad_threshold ARGS history changes --threshold lots EXIT 2 REGEX "--threshold needs a number")
tfb_cli_test(history_bad_commit ARGS history add x.json --commit "a b" EXIT 2 REGEX "only letters, digits")
tfb_cli_test(history_not_results ARGS history add ${PROJECT_SOURCE_DIR}/tests/data/model-not-json.json
  --db @WORKDIR@/h.db EXIT 2 REGEX "not valid JSON")
tfb_cli_test(history_link_refused ARGS history add ${TFB_HISTORY_RUN} --db /dev/null EXIT 2
  REGEX "not a regular file")

foreach(script changes killed pg)
  add_test(NAME cli/history_${script}
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/integration/history_${script}.sh ${TFB_BIN}
                   $<IF:$<STREQUAL:${script},changes>,${PROJECT_SOURCE_DIR}/tests/data/history,${TFB_HISTORY_RUN}>
                   ${CMAKE_CURRENT_BINARY_DIR}/cli_history_${script})
  set_tests_properties(cli/history_${script} PROPERTIES TIMEOUT 300 ENVIRONMENT "${TFB_TEST_ENV}" LABELS cli
                       FAIL_REGULAR_EXPRESSION "CMake Error" SKIP_RETURN_CODE 77)
endforeach()
