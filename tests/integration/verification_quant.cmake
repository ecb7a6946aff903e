# Quantized weights (docs/quantization.md): a kernel that reads the nibbles in the wrong order (the high nibble as
# the block's first half) or that drops the zero point FAILS verification against the dequantized reference.
# Planted with verification.cmake's tfb_planted_kernel (included before this file).
tfb_planted_kernel(quant-nibbles quant.cl [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));     // low nibbles: the first half
        v[c + CHUNKS / 2] = convert_float16(as_char16((q >> (uchar16)(4)) - (uchar16)(8)));  // high: the second half]=]
  [=[        v[c + CHUNKS / 2] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));  // planted: nibbles swapped
        v[c] = convert_float16(as_char16((q >> (uchar16)(4)) - (uchar16)(8)));]=])
tfb_planted_kernel(quant-zero-point quant.cl [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));]=]
  [=[        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(7)));  // planted: zero point off by one]=])
# The GEMV on a CPU runs on int8 activations (gemv_quant under ACT_INT8): its own plants, the same two faults.
tfb_planted_kernel(quant-i8-nibbles quant.cl [=[    return join16(lo, hi);]=]
  [=[    return join16(hi, lo);  /* planted: swapped */]=])
# q4_0 takes its nibbles apart on a path of its own where the CPU has AVX-512 BW/VL: planted in the same copy.
file(READ ${TFB_BROKEN}/quant-i8-nibbles/quant.cl swapped)
string(REPLACE "{0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4};"
  "{4, 4, 4, 4, 4, 4, 4, 4, 0, 0, 0, 0, 0, 0, 0, 0};  /* planted: swapped */" swapped_both "${swapped}")
if(swapped_both STREQUAL swapped)
  message(FATAL_ERROR "tests/integration/verification_quant.cmake: kernels/quant.cl changed; update quant-i8-nibbles")
endif()
file(WRITE ${TFB_BROKEN}/quant-i8-nibbles/quant.cl "${swapped_both}")
tfb_planted_kernel(quant-i8-zero-point quant.cl [=[convert_short8((int8)(-8) *]=] [=[convert_short8((int8)(-7) * /* planted */]=])
# The same kernel on the portable path (no x86 builtins): it must verify too.
tfb_planted_kernel(quant-portable quant.cl [=[#define X86_INTEGER_DOT 1]=]
  [=[#define X86_INTEGER_DOT 0  /* planted: the portable path */]=])
foreach(plant nibbles zero-point)
  foreach(format q4_0 int4-g128)
    # the fp32-activation kernels: the GEMM (M = 3) reads the blocks through block_values
    tfb_cli_test(quant_wrong_${plant}_${format}
      ARGS --suite gemm --shape 3x512x256 --filter 3x512x256/${format}$ --kernel-dir ${TFB_BROKEN}/quant-${plant}
           --json @WORKDIR@/r.json
      EXIT 1 REGEX "gemm/tfbench/3x512x256/${format}: verification FAILED: C.3x512.: "
      CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
    tfb_cli_test(quant_wrong_i8_${plant}_${format}
      ARGS --suite gemv --shape 1x512x256 --filter 512x256/${format}$ --kernel-dir ${TFB_BROKEN}/quant-i8-${plant}
           --json @WORKDIR@/r.json
      EXIT 1 REGEX "gemv/tfbench/512x256/${format}: verification FAILED: C.1x512.: "
      CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_wrong_result.cmake)
  endforeach()
endforeach()
tfb_cli_test(quant_portable_gemv
  ARGS --suite gemv --shape 1x512x256 --filter 512x256/[qi] --kernel-dir ${TFB_BROKEN}/quant-portable
       --json @WORKDIR@/r.json
  REGEX "gemv/tfbench/512x256/q8_0 .* ok.*gemv/tfbench/512x256/q4_0 .* ok.*gemv/tfbench/512x256/int4-g128 .* ok")
# The formats run and verify through the binary, named and sized as documented: a named gemv and gemm run lists
# every format, exact packed bytes.
tfb_cli_test(quant_gemv_gemm
  ARGS --suite gemv,gemm --shape 1x512x256 --batch 3 --json @WORKDIR@/r.json
  REGEX "gemv/tfbench/512x256/int4-g128 .* ok"
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_quant.cmake TIMEOUT 600)
