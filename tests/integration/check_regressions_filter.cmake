# --regressions-filter wrote the regressed benchmarks, in the baseline's order, as one anchored --filter pattern.
file(READ ${WORKDIR}/flagged.txt pattern)
set(expected "^(kernel/slower|kernel/outlier-slower|kernel/samples-in-baseline-only)$\n")
if(NOT pattern STREQUAL expected)
  message(FATAL_ERROR "regressions filter: got \"${pattern}\", expected \"${expected}\"")
endif()
