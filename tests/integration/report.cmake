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
# The reproductions of issue 19: a context member of the wrong type crashed the report; an absurd figure reached
# the SVG as -inf. Both are bad input now (exit 2, the field named), as for `--native` and `model --measured`.
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/hostile/device-array.json "{\"context\":{\"device\":[1]},\"benchmarks\":[]}")
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/hostile/huge-gflops.json
     "{\"benchmarks\":[{\"name\":\"x\",\"gflops\":1e308,\"time_median_s\":1,\"flops\":1e9}]}")
tfb_cli_test(report_context_array ARGS report ${CMAKE_CURRENT_BINARY_DIR}/hostile/device-array.json --out @WORKDIR@/r
  EXIT 2 REGEX "device-array.json: context.device must be an object")
tfb_cli_test(report_absurd_figure ARGS report ${CMAKE_CURRENT_BINARY_DIR}/hostile/huge-gflops.json --out @WORKDIR@/r
  EXIT 2 REGEX "benchmark #0 .\"x\".: field \"gflops\" = 1e\\+308 is out of range")
tfb_cli_test(run_native_context_array ARGS --suite peak --quick --native ${CMAKE_CURRENT_BINARY_DIR}/hostile/device-array.json
  EXIT 2 REGEX "--native: .*context.device must be an object")
tfb_cli_test(model_measured_context_array ARGS model llama2-7b --measured ${CMAKE_CURRENT_BINARY_DIR}/hostile/device-array.json
  EXIT 2 REGEX "--measured: .*context.device must be an object")
