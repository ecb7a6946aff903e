# The libFuzzer build (-DTFB_FUZZ=ON, clang only; ci/fuzz.sh makes it in its own tree). Every target in it,
# tfbench_core included, is compiled with the fuzzer's coverage and ASan, UBSan and float-cast-overflow, so the fuzz
# targets (tests/fuzz/fuzz_*.c) link the very library the program links: a reader's new dependency cannot leave
# them behind. Included before the targets are made, since compile options apply to the targets made after them.
option(TFB_FUZZ "Build the libFuzzer targets of tests/fuzz (needs clang and its libFuzzer runtime)" OFF)
if(TFB_FUZZ)
  if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
    message(FATAL_ERROR "TFB_FUZZ needs clang (configure with CC=clang)")
  endif()
  # float-cast-overflow is not part of -fsanitize=undefined: a double too large for its integer type is UB too.
  set(TFB_FUZZ_SANITIZERS address,undefined,float-cast-overflow)
  add_compile_options(-fsanitize=fuzzer-no-link,${TFB_FUZZ_SANITIZERS} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${TFB_FUZZ_SANITIZERS})
endif()
