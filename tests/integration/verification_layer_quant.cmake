# The layer with quantized weights and converted KV caches (docs/quantization.md), on a tiny Llama-style config whose
# K (128, 256) suits every block and whose head dim (32) suits a q8_0 cache: every weight format at every cache
# format verifies step by step against float64 from the dequantized weights and cache, with exact bytes. Read after
# verification.cmake (its tfb_planted_kernel and TFB_BROKEN) and beside verification_quant.cmake (quant-nibbles).
set(TFB_TINY_Q ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama-q.json)
tfb_cli_test(layer_quant_formats
  ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 3 --weights fp16,q8_0,q4_0,int4-g128
       --kv-dtype fp32,fp16,q8_0 --json @WORKDIR@/r.json
  FAIL_REGEX "FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_layer_quant.cmake TIMEOUT 600)
# The append into a converted cache stores the new key one slot late: the check names the cache and the key.
tfb_planted_kernel(decode-append decode.cl [=[const uint slice = get_global_id(0), j = pos % BLOCK;]=]
  [=[const uint slice = get_global_id(0), j = (pos + 1) % BLOCK;  // planted]=])
foreach(format fp16 q8_0)
  tfb_cli_test(layer_wrong_append_${format}
    ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 1 --weights fp16 --kv-dtype ${format}
         --kernel-dir ${TFB_BROKEN}/decode-append --json @WORKDIR@/r.json
    EXIT 1 REGEX "decode-b1-n37/fp16-kv-${format}: verification FAILED: K cache .${format}. of slice 0, key 36, dim 0 holds"
    CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
endforeach()
# At batch 1 the projections are the GEMV, which on a CPU runs on int8 activations: every format verified
# against the reference that quantizes the same input rows.
tfb_cli_test(layer_quant_b1
  ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 1 --weights q8_0,q4_0,int4-g128 --kv-dtype fp16
       --filter decode --json @WORKDIR@/r.json
  FAIL_REGEX "FAILED" REGEX "decode-b1-n37/int4-g128-kv-fp.* ok")
# q4_0 weights read with the nibbles swapped: the first projection fails against the dequantized weights, in the
# int8-activation GEMV (batch 1) and in the GEMM (batch 3).
tfb_cli_test(layer_wrong_quant_weights
  ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 1 --weights q4_0
       --kernel-dir ${TFB_BROKEN}/quant-i8-nibbles --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode-b1-n37/q4_0: verification FAILED: layer 1 of [0-9]+, fused QKV projection"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(layer_wrong_quant_weights_gemm
  ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 3 --weights q4_0 --filter decode
       --kernel-dir ${TFB_BROKEN}/quant-nibbles --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode-b3-n37/q4_0: verification FAILED: layer 1 of [0-9]+, fused QKV projection"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(layer_weights_bad ARGS --suite layer --weights fp16,q5_0 EXIT 2
  REGEX "--weights: \"q5_0\" is not a weight format \\(fp32, fp16, q8_0, q4_0, int4-g128\\)")
tfb_cli_test(layer_weights_twice ARGS --suite layer --weights q4_0,q4_0 EXIT 2 REGEX "--weights: q4_0 is named twice")
tfb_cli_test(layer_weights_unused ARGS --suite peak --quick --weights q4_0 --repetitions 2
  REGEX "warning: --weights is not used by the selected suites")
# The gate/up projection's check runs on a thread of its own beside the others (layer_check.c): a GEMV that doubles
# 16 outputs of the 512-row gate/up product alone fails there, and is named.
tfb_planted_kernel(layer-gate-up gemm.cl [=[        vstore16(v, 0, c + n0);]=]
  [=[        vstore16(N == 512 && n0 == 64 ? 2.0f * v : v, 0, c + n0);  // planted]=])
tfb_cli_test(layer_wrong_gate_up
  ARGS --suite layer --quick --config ${TFB_TINY_Q} --seq 37 --batch 1 --weights fp16
       --kernel-dir ${TFB_BROKEN}/layer-gate-up --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode-b1-n37/fp16: verification FAILED: layer 1 of [0-9]+, fused gate/up projection"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
