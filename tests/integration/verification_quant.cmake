# Quantized weights (docs/quantization.md): a kernel that reads the nibbles in the wrong order (the high nibble as
# the block's first half) or that drops the zero point FAILS verification against the dequantized reference.
# Planted with verification.cmake's tfb_planted_kernel (included before this file).
tfb_planted_kernel(quant-nibbles quant.cl [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));     // low nibbles: the first half
        v[c + CHUNKS / 2] = convert_float16(as_char16((q >> (uchar16)(4)) - (uchar16)(8)));  // high: the second half]=]
  [=[        v[c + CHUNKS / 2] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));  // planted: nibbles swapped
        v[c] = convert_float16(as_char16((q >> (uchar16)(4)) - (uchar16)(8)));]=])
tfb_planted_kernel(quant-zero-point quant.cl [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));]=]
  [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(7)));  // planted: zero point off by one]=])
foreach(plant nibbles zero-point)
  foreach(format q4_0 int4-g128)
    tfb_cli_test(quant_wrong_${plant}_${format}
      ARGS --suite gemv --shape 1x512x256 --filter 512x256/${format}$ --kernel-dir ${TFB_BROKEN}/quant-${plant}
           --json @WORKDIR@/r.json
      EXIT 1 REGEX "gemv/tfbench/512x256/${format}: verification FAILED: C.1x512.: "
      CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
  endforeach()
endforeach()
# The formats run and verify through the binary, named and sized as documented: a named gemv and gemm run lists
# every format, exact packed bytes.
tfb_cli_test(quant_gemv_gemm
  ARGS --suite gemv,gemm --shape 1x512x256 --batch 3 --json @WORKDIR@/r.json
  REGEX "gemv/tfbench/512x256/int4-g128 .* ok"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_quant.cmake TIMEOUT 600)
