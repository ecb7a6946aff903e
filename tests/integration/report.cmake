# The report: a real run writes the whole folder; `tfbench report` redraws it from saved (here synthetic) results;
# both are checked by xmllint (libxml2-utils) as well-formed XML/HTML with one chart point per measured benchmark.
tfb_cli_test(report_stream_peak
  ARGS --device 0 --suite stream,peak --quick --out @WORKDIR@/r
  REGEX "report: .*/r/report.html" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_report.cmake)
tfb_cli_test(report_rerender_synthetic
  ARGS report ${PROJECT_SOURCE_DIR}/tests/data/report-synthetic.json
       --native ${PROJECT_SOURCE_DIR}/tests/data/report-native.json --out @WORKDIR@/r
  REGEX "report: .*/r/report.html" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_report.cmake)
tfb_cli_test(report_default_folder
  ARGS --device 0 --suite peak --quick --quiet
  REGEX "report: tfbench-results/[a-z0-9-]+-[0-9]+-[0-9]+/report.html"
  FAIL_REGEX "benchmark +median")
tfb_cli_test(report_help ARGS report --help REGEX "usage: tfbench report RESULTS.json")
tfb_cli_test(report_missing_file ARGS report @WORKDIR@/none.json EXIT 2 REGEX "cannot open .*none.json")
tfb_cli_test(report_not_results ARGS report ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json EXIT 2
  REGEX "not a tfbench results file")
tfb_cli_test(report_not_json ARGS report ${PROJECT_SOURCE_DIR}/tests/data/model-not-json.json EXIT 2
  REGEX "not valid JSON")
tfb_cli_test(report_no_file ARGS report EXIT 2 REGEX "no results file given")
tfb_cli_test(report_bad_flag ARGS report x.json --frobnicate EXIT 2 REGEX "unknown option --frobnicate")
tfb_cli_test(run_bad_native ARGS --suite peak --quick --native @WORKDIR@/none.json EXIT 2 REGEX "--native: cannot open")
