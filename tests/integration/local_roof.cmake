# The local roof (docs/compare.md#the-local-roof): each case's samples bracketed by the read bandwidth measured right
# before and after them (extra.local_roof in the JSON), and compare judging the memory-bound ones at it.
tfb_cli_test(local_roof
  ARGS --device 0 --suite stream,gemv --quick --local-roof --filter "stream/tfbench/read-float16/|gemv/tfbench/4096x4096/fp32"
       --json @WORKDIR@/r.json
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_local_roof.cmake)
