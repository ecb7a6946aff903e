# tfbench compare: exit codes, verdicts, provenance warnings and the JSON report, on the fixtures in
# tests/data/compare (no OpenCL device needed). PASS_REGULAR_EXPRESSION overrides the exit status, so every
# test with REGEX also fails on run_cli.cmake's exit-code message.
set(TFB_CMP ${PROJECT_SOURCE_DIR}/tests/data/compare)
set(TFB_EXIT_CHECK "exit code [0-9]+, expected")
tfb_cli_test(compare_self ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json
  REGEX "0 regression.s., 0 improvement.s., 6 unchanged" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_regression EXIT 1 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/current-regression.json
  REGEX "stream/tight-slowdown +100.00 ms +2.0% +120.00 ms +1.7% +\\+20.0% +REGRESSION.*stream/noisy-slowdown .* within noise.*stream/removed .* missing.*stream/added .* new.*1 regression"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_noise_only ARGS compare ${TFB_CMP}/base-noise.json ${TFB_CMP}/current-noise.json
  REGEX "\\+20.0% +within noise" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_wide_threshold ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/current-regression.json --threshold 25
  REGEX "threshold 25.0%.*0 regression" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_gflops EXIT 1 ARGS compare ${TFB_CMP}/current-regression.json ${TFB_CMP}/base.json --metric=gflops
  REGEX "peak/tight-speedup +125 GFLOP/s .* 100 GFLOP/s .* -20.0% +REGRESSION" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_google ARGS compare ${TFB_CMP}/google-repetitions.json ${TFB_CMP}/google-aggregates-only.json
  REGEX "BM_Sum/1024 +1.05 us +9.5% +1.05 us +9.5% +\\+0.0% +same" FAIL_REGEX "${TFB_EXIT_CHECK}|warning")
tfb_cli_test(compare_other_device ARGS compare ${TFB_CMP}/base-noise.json ${TFB_CMP}/other-device.json
  REGEX "warning: the files come from different devices: baseline .Test CPU., current .Other GPU."
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_strict EXIT 2 ARGS compare ${TFB_CMP}/base-noise.json ${TFB_CMP}/other-device.json --strict
  REGEX "refusing .--strict.: the files come from different devices" FAIL_REGEX "${TFB_EXIT_CHECK}|benchmark +baseline")
tfb_cli_test(compare_json EXIT 1 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/current-regression.json --json
  --json-file @WORKDIR@/report.json CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_compare_json.cmake)
tfb_cli_test(compare_truncated EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/truncated.json
  REGEX "truncated.json: not valid JSON .error at byte [0-9]+, line [0-9]+" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_wrong_type EXIT 2 ARGS compare ${TFB_CMP}/wrong-type.json ${TFB_CMP}/base.json
  REGEX "benchmark .stream/tight-slowdown.: field .time_median_s. must be a number" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_deep EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/deep.json
  REGEX "nested deeper than 64 levels" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_no_file EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/no-such-file.json
  REGEX "no-such-file.json: cannot open" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_nothing_in_common EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/disjoint.json
  REGEX "nothing to compare" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_one_file EXIT 2 ARGS compare ${TFB_CMP}/base.json
  REGEX "needs BASELINE.json and CURRENT.json" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_bad_threshold EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --threshold ten
  REGEX "--threshold needs a percentage" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_bad_metric EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --metric latency
  REGEX "unknown metric .latency." FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_unknown_option EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --fast
  REGEX "unknown option --fast" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_help ARGS compare --help REGEX "usage: tfbench compare" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_wrong_result EXIT 1 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/current-wrong-result.json
  REGEX "stream/unchanged .*REGRESSION: wrong result now.*1 regression" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_wrong_in_both ARGS compare ${TFB_CMP}/current-wrong-result.json
  ${TFB_CMP}/current-wrong-result.json REGEX "stream/unchanged .*wrong result in both.*0 regression"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_samples EXIT 1 ARGS compare ${TFB_CMP}/samples-base.json ${TFB_CMP}/samples-current.json
  REGEX "u-test .6 benchmark.s., samples in both files.*kernel/outlier-slower .*REGRESSION +.u-test p=[0-9.e-]+, change .*kernel/samples-in-baseline-only .* REGRESSION +.spread."
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_bad_alpha EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --alpha 1
  REGEX "--alpha needs a significance level" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_normalize_roof EXIT 1 ARGS compare ${TFB_CMP}/roof-base.json ${TFB_CMP}/roof-slower-machine.json
  --normalize roof
  REGEX "the device's ceilings moved by bandwidth r.w -20.0% / read -20.0% / peak fp32 -20.0%.*gemv/drift-only .* same .*gemm/real-regression .*REGRESSION.*stream/copy-no-roof .* same .*1 regression"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_bad_normalize EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --normalize time
  REGEX "--normalize takes .roof." FAIL_REGEX "${TFB_EXIT_CHECK}")
# Rounds: comma-separated files per side are pooled; a regression must show in every round; the regressed names
# come back as a --filter pattern (what ci/perf-regression.sh re-measures).
tfb_cli_test(compare_rounds EXIT 1 ARGS compare ${TFB_CMP}/samples-base.json,${TFB_CMP}/samples-base.json
  ${TFB_CMP}/samples-current.json,${TFB_CMP}/samples-current.json --regressions-filter @WORKDIR@/flagged.txt
  REGEX "rounds: 2 per side, samples pooled.*kernel/slower .*REGRESSION .*2 of 2 rounds agree"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_rounds_mixed ARGS compare ${TFB_CMP}/samples-base.json,${TFB_CMP}/samples-base.json
  ${TFB_CMP}/samples-current.json,${TFB_CMP}/samples-base.json
  REGEX "kernel/slower .*within noise .*1 of 2 rounds agree" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_rounds_bad_list EXIT 2 ARGS compare ${TFB_CMP}/base.json,,${TFB_CMP}/base.json ${TFB_CMP}/base.json
  REGEX "bad file list" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_rounds_missing EXIT 2 ARGS compare ${TFB_CMP}/base.json,${TFB_CMP}/no-such-file.json
  ${TFB_CMP}/base.json REGEX "no-such-file.json: cannot open" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(compare_regressions_filter EXIT 1 ARGS compare ${TFB_CMP}/samples-base.json
  ${TFB_CMP}/samples-current.json --regressions-filter @WORKDIR@/flagged.txt
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_regressions_filter.cmake)
tfb_cli_test(compare_filter ARGS compare ${TFB_CMP}/samples-base.json ${TFB_CMP}/samples-current.json
  --filter "^kernel/(same|faster)$" REGEX "0 regression.s., 1 improvement.s., 1 unchanged, 0 within noise"
  FAIL_REGEX "kernel/slower|${TFB_EXIT_CHECK}")
tfb_cli_test(compare_bad_filter EXIT 2 ARGS compare ${TFB_CMP}/base.json ${TFB_CMP}/base.json --filter "a("
  REGEX "--filter: .a\\(. is not a POSIX extended" FAIL_REGEX "${TFB_EXIT_CHECK}")
# A file that contradicts itself is bad input, named with the benchmark and the field (issue 32's reproductions:
# the doubled median read as -50% improvement, the doubled samples as +100% of equal medians, the second copy of a
# name hid behind the first).
tfb_cli_test(compare_contradicting_median EXIT 2 ARGS compare ${TFB_CMP}/samples-base.json
  ${TFB_CMP}/contradict-median.json
  REGEX "contradict-median.json: benchmark .kernel/outlier-slower.: field .time_median_s. .0.002 s. contradicts the median of samples_s"
  FAIL_REGEX "${TFB_EXIT_CHECK}|improvement")
tfb_cli_test(compare_contradicting_samples EXIT 2 ARGS compare ${TFB_CMP}/contradict-samples.json
  ${TFB_CMP}/samples-base.json
  REGEX "contradict-samples.json: benchmark .kernel/slower.: field .time_median_s. .0.001 s. contradicts the median of samples_s .0.002 s."
  FAIL_REGEX "${TFB_EXIT_CHECK}|REGRESSION")
tfb_cli_test(compare_duplicate_name EXIT 2 ARGS compare ${TFB_CMP}/samples-base.json ${TFB_CMP}/duplicate-name.json
  REGEX "duplicate-name.json: benchmark .kernel/slower. appears twice .benchmarks #0 and #7." FAIL_REGEX "${TFB_EXIT_CHECK}")
