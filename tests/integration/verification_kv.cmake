# The decode suite's KV-cache formats (--kv-dtype): fp16 and q8_0 caches are checked against the float64 reference
# computed from the cache as stored (dequantized), with exact bytes (scales included); a wrong dequantization
# planted in the kernel FAILS. Read after verification.cmake (its tfb_planted_kernel and TFB_BROKEN).
tfb_cli_test(kv_dtype_decode
  ARGS --device 0 --suite decode --quick --seq 100 --kv-heads 8,2 --kv-dtype fp32,fp16,q8_0 --json @WORKDIR@/r.json
  FAIL_REGEX "FAILED" CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_kv_dtype.cmake)
tfb_cli_test(kv_dtype_bad ARGS --suite decode --kv-dtype fp32,int4 EXIT 2
  REGEX "--kv-dtype: \"int4\" is not a KV-cache format")
tfb_cli_test(kv_dtype_twice ARGS --suite decode --kv-dtype fp16,fp16 EXIT 2 REGEX "--kv-dtype: fp16 is named twice")
tfb_cli_test(kv_dtype_unused ARGS --suite peak --quick --kv-dtype fp16 --repetitions 2
  REGEX "warning: --kv-dtype is not used by the selected suites")
# q8_0 keys: every scale group read with group 0's scale; their int8 codes read as unsigned (the inputs' keys are
# negative). fp16 keys: each value 1% too large.
tfb_planted_kernel(decode-q8-scale decode.cl [=[return sum * vload_half16(g, ]=] [=[return sum * vload_half16(0, ]=])
tfb_planted_kernel(decode-q8-sign decode.cl [=[convert_float16(vload16(d, (__global const char *)kb))]=]
  [=[convert_float16(vload16(d, (__global const uchar *)kb))]=])
tfb_planted_kernel(decode-fp16 decode.cl [=[return vload_half16(d, (__global const half *)kb);]=]
  [=[return vload_half16(d, (__global const half *)kb) * 1.01f;]=])
foreach(plant q8-scale:q8_0 q8-sign:q8_0 fp16:fp16)
  string(REPLACE ":" ";" parts ${plant})
  list(GET parts 0 dir)
  list(GET parts 1 format)
  tfb_cli_test(wrong_decode-${dir}
    ARGS --suite decode --quick --seq 100 --kv-heads 8 --kv-dtype ${format} --kernel-dir ${TFB_BROKEN}/decode-${dir}
         --json @WORKDIR@/r.json
    EXIT 1 REGEX "decode/tfbench/b2-h8-n100-d64/kv-${format}: verification FAILED: decode output .KV cache [0-9]+ of [0-9]+.: batch [0-9]+, head [0-9]+, query 0 of 1"
    CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
endforeach()
# The conversion itself: q8_0 scales stored 127/120 too large. The check compares every stored value with its input
# (within the format's rounding) before the reference uses it, so the cache is named, not just the output.
tfb_planted_kernel(decode-q8-pack decode.cl [=[vstore_half_rte(amax / 127.0f,]=] [=[vstore_half_rte(amax / 120.0f,]=])
tfb_cli_test(wrong_decode-q8-pack
  ARGS --suite decode --quick --seq 100 --kv-heads 8 --kv-dtype q8_0 --kernel-dir ${TFB_BROKEN}/decode-q8-pack
       --json @WORKDIR@/r.json
  EXIT 1 REGEX "kv-q8_0: verification FAILED: decode output .KV cache 1 of [0-9]+.: K cache .q8_0. of slice 0, key 0, dim [0-9]+ holds"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
