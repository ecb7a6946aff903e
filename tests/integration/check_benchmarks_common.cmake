# Included by the CHECK scripts: reads ${WORKDIR}/r.json into `json`, fails unless it holds `expected` benchmarks
# (`what` names them in the message), and sets `last` to the index of the last one.
macro(tfb_read_benchmarks expected what)
  file(READ ${WORKDIR}/r.json json)
  string(JSON count LENGTH "${json}" benchmarks)
  if(NOT count EQUAL ${expected})
    message(FATAL_ERROR "expected ${what}, got ${count}")
  endif()
  math(EXPR last "${count} - 1")
endmacro()
