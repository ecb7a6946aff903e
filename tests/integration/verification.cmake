# Planted wrong kernels (tests/data/broken-kernels, loaded with --kernel-dir) must FAIL with exit 1, never be reported
# as figures: a triad and a flash kernel right only on their first run (caught by the check after the timed
# repetitions), a GEMM with one wrong row block (caught by the check of every work-item's tile) and a flash kernel
# with 100 wrong query rows of one head (caught by the check of every 32-row block of every head).
# Each planted kernel is the real one with one edit, made at configure time so it follows every change to it.
set(TFB_BROKEN ${CMAKE_CURRENT_BINARY_DIR}/planted-kernels)
function(tfb_planted_kernel dir file find replace)
  file(READ ${PROJECT_SOURCE_DIR}/kernels/${file} real)
  string(REPLACE "${find}" "${replace}" planted "${real}")
  if(planted STREQUAL real)
    message(FATAL_ERROR "tests/integration/verification.cmake: kernels/${file} changed; update the planted ${dir}")
  endif()
  file(WRITE ${TFB_BROKEN}/${dir}/${file} "${planted}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/kernels/${file})
endfunction()
# The triad is right while its output holds the NaN poison and skips its work once it holds numbers.
tfb_planted_kernel(late-stream stream.cl [=[    a[i] = b[i] + scalar * c[i];]=]
  [=[    if (((const __global float *)a)[i * VEC] == ((const __global float *)a)[i * VEC]) return;  // planted
    a[i] = b[i] + scalar * c[i];]=])
# Rows 16-23 of C doubled: a block the old sampled check (16 spread rows) never read at M = 128.
tfb_planted_kernel(gemm-row-block gemm.cl [=[store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);]=]
  [=[store_row(C + (size_t)(m0 + i) * N, (m0 + i) / 8 == 2 && kend == K ? 2.0f * acc[i][v] : acc[i][v], panel * TN + v * 16, N);]=])
# The plants of every element checked (Freivalds' projections): one row, one column, one element of C, each doubled.
tfb_planted_kernel(gemm-row gemm.cl [=[store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);]=]
  [=[store_row(C + (size_t)(m0 + i) * N, m0 + i == 300 && kend == K ? 2.0f * acc[i][v] : acc[i][v], panel * TN + v * 16, N);]=])
tfb_planted_kernel(gemm-element gemm.cl [=[store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);]=]
  [=[store_row(C + (size_t)(m0 + i) * N, m0 + i == 300 && kend == K && panel * TN + v * 16 == 64 ? (float16)(1.0f, 1.0f, 1.0f, 2.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f) * acc[i][v] : acc[i][v], panel * TN + v * 16, N);]=])
# store_row serves GEMM's and GEMV's stores: column 67 of C, element 67 of y.
tfb_planted_kernel(gemm-column gemm.cl [=[        vstore16(v, 0, c + n0);]=]
  [=[        vstore16(n0 == 64 ? (float16)(1.0f, 1.0f, 1.0f, 2.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f) * v : v, 0, c + n0);  // planted]=])
set(TFB_GEMM_WRONG_row "1 row .first 300. and 512 columns .first 0.")
set(TFB_GEMM_WRONG_element "1 row .first 300. and 1 column .first 67.")
set(TFB_GEMM_WRONG_column "320 rows .first 0. and 1 column .first 67.")
foreach(plant row element column)
  tfb_cli_test(gemm_wrong_${plant}
    ARGS --suite gemm --quick --shape 320x512x256 --filter tfbench --kernel-dir ${TFB_BROKEN}/gemm-${plant}
         --json @WORKDIR@/r.json
    EXIT 1 REGEX "gemm/tfbench/320x512x256/fp32: verification FAILED: C.320x512.: wrong in ${TFB_GEMM_WRONG_${plant}}"
    CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
endforeach()
tfb_cli_test(gemv_wrong_element
  ARGS --suite gemv --quick --shape 1x512x256 --kernel-dir ${TFB_BROKEN}/gemm-column --json @WORKDIR@/r.json
  EXIT 1 REGEX "gemv/tfbench/512x256/fp(32|16): verification FAILED: C.1x512.: row 0, column 67 = "
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# Query rows 900-999 of head 0 doubled, which the old check (a spread of 95 rows) passed at n = 4096.
tfb_planted_kernel(flash-rows flash.cl [=[float inv = 1.0f / l[r];]=]
  [=[float inv = (bh == 0 && first + r >= 900 && first + r < 1000 ? 2.0f : 1.0f) / l[r];]=])
# A block of query rows skipped once its output holds numbers (isnan: x == x may be folded under finite math).
tfb_planted_kernel(late-flash flash.cl [=[    const uint offset = n_kv - n_q;]=]
  [=[    if (!isnan(out[((size_t)bh * n_q + block_first) * D])) return;  // planted, uniform in the group
    const uint offset = n_kv - n_q;]=])
tfb_cli_test(late_wrong_stream
  ARGS --suite stream --quick --kernel-dir ${TFB_BROKEN}/late-stream --json @WORKDIR@/r.json
  EXIT 1 REGEX "triad-float/fp32: verification FAILED: after the timed repetitions: triad output"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(gemm_wrong_row_block
  ARGS --suite gemm --quick --shape 128x1024x512 --kernel-dir ${TFB_BROKEN}/gemm-row-block --json @WORKDIR@/r.json
  EXIT 1 REGEX "gemm/tfbench/128x1024x512/fp32: verification FAILED: C.128x1024.: wrong in 8 rows .first 16."
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake TIMEOUT 600)
tfb_cli_test(late_wrong_flash
  ARGS --suite flash --quick --kernel-dir ${TFB_BROKEN}/late-flash --json @WORKDIR@/r.json
  EXIT 1 REGEX "flash/tfbench/b1-h4-n128-d64/fp32: verification FAILED: after the timed repetitions: flash attention"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(flash_wrong_rows
  ARGS --suite flash --quick --seq 4096 --kernel-dir ${TFB_BROKEN}/flash-rows --json @WORKDIR@/r.json
  EXIT 1 REGEX "flash/tfbench/b1-h4-n4096-d64/fp32: verification FAILED: flash attention output: batch 0, head 0, query (9[0-9][0-9]) of 4096"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# Every row checked: one token of a prefill, one head, one sequence of a batch, in each attention kernel family.
tfb_planted_kernel(flash-token flash.cl [=[float inv = 1.0f / l[r];]=]
  [=[float inv = (bh == 2 && first + r == 200 ? 1.01f : 1.0f) / l[r];]=])
tfb_planted_kernel(flash-head flash.cl [=[float inv = 1.0f / l[r];]=] [=[float inv = (bh == 3 ? 2.0f : 1.0f) / l[r];]=])
tfb_planted_kernel(attention-token attention.cl [=[DSTORE(o[c], c, orow);]=]
  [=[DSTORE(bh == 1 && i == 100 ? 2.0f * o[c] : o[c], c, orow);]=])
tfb_planted_kernel(decode-sequence decode.cl [=[float inv = 1.0f / l_all;]=]
  [=[float inv = (row >= rows / 2 ? 2.0f : 1.0f) / l_all;]=])
tfb_planted_kernel(decode-head decode.cl [=[float inv = 1.0f / l_all;]=] [=[float inv = (row == 5 ? 1.01f : 1.0f) / l_all;]=])
set(TFB_PLANT_flash-token "flash --seq 257 --filter n257-d64/")
set(TFB_WRONG_flash-token "flash/tfbench/b1-h4-n257-d64/fp32: verification FAILED: flash attention output: batch 0, head 2, query 200 of 257")
set(TFB_PLANT_flash-head "flash --seq 257 --filter n257-d64/")
set(TFB_WRONG_flash-head "flash/tfbench/b1-h4-n257-d64/fp32: verification FAILED: flash attention output: batch 0, head 3, query 0 of 257")
set(TFB_PLANT_attention-token "attention --seq 257 --filter n257-d64-causal")
set(TFB_WRONG_attention-token "attention/tfbench/b1-h4-n257-d64-causal/fp32: verification FAILED: .*batch 0, head 1, query 100 of 257")
set(TFB_PLANT_decode-sequence "decode --filter b2-h8-n1000")
set(TFB_WRONG_decode-sequence "decode/tfbench/b2-h8-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 1, head 0, query 0 of 1")
set(TFB_PLANT_decode-head "decode --filter b2-h8-n1000")
set(TFB_WRONG_decode-head "decode/tfbench/b2-h8-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 0, head 5, query 0 of 1")
# One element and one column of every attention family (one lane of one output row, one lane of every row).
tfb_planted_kernel(flash-element flash.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[r][c] * inv, c, orow);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[r][c] * inv, c, orow);
        if (bh == 1 && first + r == 100) orow[5] *= 1.01f;  // planted]=])
tfb_planted_kernel(flash-column flash.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[r][c] * inv, c, orow);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[r][c] * inv, c, orow);
        orow[7] *= 1.01f;  // planted]=])
tfb_planted_kernel(attention-element attention.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[c], c, orow);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[c], c, orow);
    if (bh == 1 && i == 100) orow[5] *= 1.01f;  // planted]=])
tfb_planted_kernel(attention-column attention.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[c], c, orow);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[c], c, orow);
    orow[7] *= 1.01f;  // planted]=])
tfb_planted_kernel(decode-element decode.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[c] * inv, c, out + (size_t)row * D);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[c] * inv, c, out + (size_t)row * D);
    if (row == 5) out[(size_t)row * D + 5] *= 1.01f;  // planted]=])
tfb_planted_kernel(decode-column decode.cl [=[for (uint c = 0; c < NV; c++) DSTORE(o[c] * inv, c, out + (size_t)row * D);]=]
  [=[for (uint c = 0; c < NV; c++) DSTORE(o[c] * inv, c, out + (size_t)row * D);
    out[(size_t)row * D + 7] *= 1.01f;  // planted]=])
set(TFB_PLANT_flash-element "flash --seq 257 --filter n257-d64/")
set(TFB_WRONG_flash-element "flash/tfbench/b1-h4-n257-d64/fp32: verification FAILED: flash attention output: batch 0, head 1, query 100 of 257: attention output\\[5\\]")
set(TFB_PLANT_flash-column "flash --seq 257 --filter n257-d64/")
set(TFB_WRONG_flash-column "flash/tfbench/b1-h4-n257-d64/fp32: verification FAILED: flash attention output: batch 0, head 0, query 0 of 257: attention output\\[7\\]")
set(TFB_PLANT_attention-element "attention --seq 257 --filter n257-d64-causal")
set(TFB_WRONG_attention-element "attention/tfbench/b1-h4-n257-d64-causal/fp32: verification FAILED: .*batch 0, head 1, query 100 of 257: attention output\\[5\\]")
set(TFB_PLANT_attention-column "attention --seq 257 --filter n257-d64-causal")
set(TFB_WRONG_attention-column "attention/tfbench/b1-h4-n257-d64-causal/fp32: verification FAILED: .*batch 0, head 0, query 0 of 257: attention output\\[7\\]")
set(TFB_PLANT_decode-element "decode --filter b2-h8-n1000")
set(TFB_WRONG_decode-element "decode/tfbench/b2-h8-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 0, head 5, query 0 of 1: attention output\\[5\\]")
set(TFB_PLANT_decode-column "decode --filter b2-h8-n1000")
set(TFB_WRONG_decode-column "decode/tfbench/b2-h8-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 0, head 0, query 0 of 1: attention output\\[7\\]")
foreach(plant flash-token flash-head attention-token decode-sequence decode-head flash-element flash-column
               attention-element attention-column decode-element decode-column)
  separate_arguments(suite_args UNIX_COMMAND "${TFB_PLANT_${plant}}")
  tfb_cli_test(wrong_${plant}
    ARGS --suite ${suite_args} --quick --kernel-dir ${TFB_BROKEN}/${plant} --json @WORKDIR@/r.json
    EXIT 1 REGEX "${TFB_WRONG_${plant}}"
    CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
endforeach()
# Grouped and multi-query decode: the check multiplies a group's query heads at once; a head, a sequence still named.
tfb_cli_test(wrong_decode-head-gqa
  ARGS --suite decode --quick --filter b2-h8-kv2 --kernel-dir ${TFB_BROKEN}/decode-head --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode/tfbench/b2-h8-kv2-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 0, head 5, query 0 of 1"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(wrong_decode-sequence-mqa
  ARGS --suite decode --quick --filter b2-h8-kv1 --kernel-dir ${TFB_BROKEN}/decode-sequence --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode/tfbench/b2-h8-kv1-n1000-d64/fp32: verification FAILED: decode output .KV cache 1 of [0-9]+.: batch 1, head 0, query 0 of 1"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# The layer suite, on the tiny Llama-style config of layer.cmake.
set(TFB_TINY_LLAMA ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-llama.json)
# One element of SiLU(gate) x up off by 0.1%: the check of that step names it.
tfb_planted_kernel(layer-silu layer.cl [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u;]=]
  [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u * (i == 7 ? 1.001f : 1.0f);  // planted]=])
tfb_cli_test(layer_wrong_silu
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --kernel-dir ${TFB_BROKEN}/layer-silu
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/decode-b1-n37/fp16: verification FAILED: layer 1 of [0-9]+, sequence 0: SiLU\\(gate\\) x up\\[7\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# Every row of the layer: one token of a prefill (SiLU), one sequence of a decode batch (SiLU), one token's row of
# every GEMM projection (gemm.cl's store, as the layer's prefill projections run it).
tfb_planted_kernel(layer-token layer.cl [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u;]=]
  [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u * (row == 29 ? 2.0f : 1.0f);  // planted]=])
tfb_planted_kernel(layer-sequence layer.cl [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u;]=]
  [=[a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u * (row == 1 ? 2.0f : 1.0f);  // planted]=])
tfb_planted_kernel(gemm-row-20 gemm.cl [=[store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);]=]
  [=[store_row(C + (size_t)(m0 + i) * N, m0 + i == 20 && kend == K ? 2.0f * acc[i][v] : acc[i][v], panel * TN + v * 16, N);]=])
tfb_cli_test(layer_wrong_prefill_token
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --filter prefill --kernel-dir ${TFB_BROKEN}/layer-token
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/prefill-n37/fp16: verification FAILED: layer 1 of [0-9]+, token 29: SiLU\\(gate\\) x up\\[0\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(layer_wrong_decode_sequence
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --batch 2 --filter decode
       --kernel-dir ${TFB_BROKEN}/layer-sequence --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/decode-b2-n37/fp16: verification FAILED: layer 1 of [0-9]+, sequence 1: SiLU\\(gate\\) x up\\[0\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_cli_test(layer_wrong_projection_row
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --filter prefill --kernel-dir ${TFB_BROKEN}/gemm-row-20
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/prefill-n37/fp16: verification FAILED: layer 1 of [0-9]+, fused QKV projection .rows are tokens.: wrong in 1 row .first 20."
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# The V append skipped once the cache slot holds a number: right on the first run, caught after the timed ones.
tfb_planted_kernel(layer-late-append layer.cl [=[        copy_head(src, v_dst + cache_block(slice, n_pad, pos) + 16 * D + pos % 16 * D);]=]
  [=[        if (!isnan(v_dst[cache_block(slice, n_pad, pos) + 16 * D + pos % 16 * D])) return;  // planted
        copy_head(src, v_dst + cache_block(slice, n_pad, pos) + 16 * D + pos % 16 * D);]=])
tfb_cli_test(layer_late_append
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --kernel-dir ${TFB_BROKEN}/layer-late-append
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode-b1-n37/fp16: verification FAILED: after the timed repetitions: layer 1 of [0-9]+, sequence 0: rotary embedding and cache append"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# The layer's own attention step: one token of a prefill (flash), one head of a decode.
tfb_planted_kernel(flash-token-20 flash.cl [=[float inv = 1.0f / l[r];]=]
  [=[float inv = (bh == 1 && first + r == 20 ? 1.01f : 1.0f) / l[r];]=])
tfb_cli_test(layer_wrong_attention_token
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --filter prefill --kernel-dir ${TFB_BROKEN}/flash-token-20
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/prefill-n37/fp16: verification FAILED: layer 1 of [0-9]+, token 20: attention output\\[16\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# (the combine row the plant picks is head 3 in the layer decode's row order: its 16 outputs from [48] on)
tfb_cli_test(layer_wrong_attention_head
  ARGS --suite layer --quick --config ${TFB_TINY_LLAMA} --seq 37 --filter decode --kernel-dir ${TFB_BROKEN}/decode-head
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/decode-b1-n37/fp16: verification FAILED: layer 1 of [0-9]+, sequence 0: attention output\\[48\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# The classic block (tiny GPT config): one element of GELU loses its bias; the check of that step names it.
tfb_planted_kernel(layer-classic-gelu layer_classic.cl [=[    const float g = up[(size_t)row * f + i] + bias[i];]=]
  [=[    const float g = up[(size_t)row * f + i] + (i == 5 ? 0.0f : bias[i]);  // planted]=])
tfb_cli_test(layer_wrong_classic_gelu
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-gpt.json --seq 37 --filter decode
       --kernel-dir ${TFB_BROKEN}/layer-classic-gelu --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/decode-b1-n37/fp16: verification FAILED: layer 1 of [0-9]+, sequence 0: GELU\\(up \\+ bias\\)\\[5\\]"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# The MoE block (tiny MoE config): the last routing slot takes the expert after the right one; and the down pass
# skipped once its output holds a number (right on the first run, caught after the timed ones).
tfb_planted_kernel(moe-route moe.cl [=[        chosen[t * K + j] = best;]=]
  [=[        chosen[t * K + j] = j == K - 1 ? (best + 1) % E : best;  // planted]=])
tfb_cli_test(layer_wrong_moe_route
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 37 --filter decode
       --kernel-dir ${TFB_BROKEN}/moe-route --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/decode-b1-n37/fp16: verification FAILED: layer 1, sequence 0: routing slot 1 chose expert [0-9]+; the top-2 of the device's own logits"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
tfb_planted_kernel(moe-late-down moe.cl [=[    for (uint e = 0; e < E; e++)
        expert_panel(w, e, panel, panels, f, a, 1, chosen, weight, dn, d, rows * K LOCAL_PART);]=]
  [=[    if (!isnan(dn[panel * 16])) return;  // planted
    for (uint e = 0; e < E; e++)
        expert_panel(w, e, panel, panels, f, a, 1, chosen, weight, dn, d, rows * K LOCAL_PART);]=])
tfb_cli_test(layer_late_moe_down
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 37 --filter decode
       --kernel-dir ${TFB_BROKEN}/moe-late-down --json @WORKDIR@/r.json
  EXIT 1 REGEX "decode-b1-n37/fp16: verification FAILED: after the timed repetitions: layer 1 of [0-9]+, expert [0-9]+: expert down x routing weight \\(row i: the i-th slot routed to it[^)]*\\): row 0, column [0-9]+ = "
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# MoE prefill (tiny MoE config, 37 tokens, about 18 slots per expert: Freivalds' projections): each pass of the
# grouped GEMM takes its second slot's input from the third (the right expert, the wrong token).
tfb_planted_kernel(moe-gemm-input moe.cl [=[        for (int i = 0; i < 8; i++) x[i] = x_base + (size_t)(order[b + min(i, count - 1)] / per_row) * n;]=]
  [=[        for (int i = 0; i < 8; i++) x[i] = x_base + (size_t)(order[b + min(i == 1 ? 2 : i, count - 1)] / per_row) * n;  // planted]=])
tfb_cli_test(layer_wrong_moe_prefill_gemm
  ARGS --suite layer --quick --config ${PROJECT_SOURCE_DIR}/tests/data/model-tiny-moe.json --seq 37 --filter prefill
       --kernel-dir ${TFB_BROKEN}/moe-gemm-input --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/prefill-n37/fp16: verification FAILED: layer 1 of 1, expert [0-9]+: expert gate/up \\(row i: the i-th slot routed to it[^)]*\\): wrong in [0-9]+ rows? \\(first 1\\)"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
# --quick stores the prefill's weights in fp16 (its 1 GiB budget); the default run's fp32 prefill, verified and with
# a planted wrong row caught, on the tiny config.
tfb_cli_test(layer_prefill_fp32
  ARGS --suite layer --config ${TFB_TINY_LLAMA} --seq 37 --filter prefill --max-time 0.1 --json @WORKDIR@/r.json
  FAIL_REGEX "FAILED" REGEX "layer/tfbench/prefill-n37/fp32 .* ok")
tfb_cli_test(layer_wrong_projection_row_fp32
  ARGS --suite layer --config ${TFB_TINY_LLAMA} --seq 37 --filter prefill --max-time 0.1
       --kernel-dir ${TFB_BROKEN}/gemm-row-20 --json @WORKDIR@/r.json
  EXIT 1 REGEX "layer/tfbench/prefill-n37/fp32: verification FAILED: layer 1 of [0-9]+, fused QKV projection .rows are tokens.: wrong in 1 row .first 20."
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
