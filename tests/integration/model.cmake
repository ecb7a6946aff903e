# tfbench model: the analytical model through the real binary (no OpenCL device needed).
# Regexes avoid ";" and "[": both break the argument list tfb_cli_test receives (CMake list splitting).
set(TFB_MODEL_DATA ${PROJECT_SOURCE_DIR}/tests/data)
set(TFB_EXIT_CHECK "exit code [0-9]+, expected")
tfb_cli_test(model_list ARGS model --list REGEX "llama2-70b +Llama 2 70B +8192 +80 +64 +8 " FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_json ARGS model llama2-7b --json
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_model_json.cmake FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_human_70b ARGS model "Llama 2 70B"
  REGEX "total +68,976,648,192 +\\(69\\.0 B\\).*24\\.[0-9] tokens/s per sequence" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_mha_70b ARGS model llama2-70b --mha
  REGEX "total +78,371,889,152 +\\(78\\.4 B\\).*batch needed to reach the ridge: 148" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_user_moe ARGS model --config ${TFB_MODEL_DATA}/model-tiny-moe.json --device-spec a100
  REGEX "tiny-moe: 4 layers.*4 experts \\(2 per token\\).*Decode on A100" FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_measured ARGS model llama2-7b --measured ${TFB_MODEL_DATA}/model-measured.json
  REGEX "Test GPU 24GB .measured.*no fp16 peak known. the ridge uses the fp32 peak.*largest batch in memory at context 2048: 9"
  FAIL_REGEX "${TFB_EXIT_CHECK}")
tfb_cli_test(model_measured_missing EXIT 2 ARGS model llama2-7b --measured ${TFB_MODEL_DATA}/model-measured-no-ceilings.json
  REGEX "bandwidth_gbps")
tfb_cli_test(model_bad_kv_heads EXIT 2 ARGS model --config ${TFB_MODEL_DATA}/model-bad-kv-heads.json
  REGEX "\"n_kv_heads\" \\(3\\) must divide n_heads \\(8\\)")
tfb_cli_test(model_missing_key EXIT 2 ARGS model --config ${TFB_MODEL_DATA}/model-missing-dff.json
  REGEX "config key \"d_ff\" is missing")
tfb_cli_test(model_negative EXIT 2 ARGS model --config ${TFB_MODEL_DATA}/model-negative-layers.json
  REGEX "config key \"n_layers\" must be a positive integer, got -4")
tfb_cli_test(model_not_json EXIT 2 ARGS model --config ${TFB_MODEL_DATA}/model-not-json.json REGEX "not valid JSON")
tfb_cli_test(model_no_file EXIT 2 ARGS model --config ${TFB_MODEL_DATA}/no-such-file.json REGEX "cannot open")
tfb_cli_test(model_unknown EXIT 2 ARGS model llama9-1t REGEX "unknown model \"llama9-1t\"")
tfb_cli_test(model_bad_seq EXIT 2 ARGS model llama2-7b --seq 0 REGEX "--seq needs a positive integer")
# A blank before a sign was read by strtoull as 2^64 - 5 ("too large to count exactly"): a sign is refused as one.
tfb_cli_test(model_signed_seq EXIT 2 ARGS model llama2-7b --seq " -5" REGEX "--seq needs a positive integer"
  FAIL_REGEX "too large")
tfb_cli_test(model_bad_dtype EXIT 2 ARGS model llama2-7b --dtype fp8 REGEX "unknown dtype \"fp8\"")
tfb_cli_test(model_bad_device EXIT 2 ARGS model llama2-7b --device-spec v100 REGEX "unknown device \"v100\"")
tfb_cli_test(model_no_name EXIT 2 ARGS model --seq 10 REGEX "name one built-in model")
tfb_cli_test(model_huge_seq EXIT 2 ARGS model llama3-405b --seq 1099511627776 --batch 1048576 REGEX "too large")
tfb_cli_test(model_bad_flag EXIT 2 ARGS model llama2-7b --frobnicate REGEX "unknown option --frobnicate")
tfb_cli_test(model_missing_value EXIT 2 ARGS model llama2-7b --batch REGEX "--batch needs a value")
# --kv-dtype: the cache in its own type (the layer suite's fp32 cache beside fp16 weights): Llama 2 7B at 4096,
# 32 layers x 2 x 4096 x 4096 x 4 bytes.
tfb_cli_test(model_kv_dtype ARGS model llama2-7b --seq 4096 --kv-dtype fp32 --json
  REGEX "\"kv_cache_bytes\":[ \t]*4294967296,.*\"weight_bytes\":[ \t]*13476831232")
tfb_cli_test(model_bad_kv_dtype ARGS model llama2-7b --kv-dtype fp8 EXIT 2 REGEX "unknown dtype \"fp8\"")
