# Asserts on the JSON of `--suite attention,flash,decode --quick --seq 127 --head-dim 80 --kv-heads 2`: naive and
# flash (both masks) and decode ran, verified, every one with head dim 80 and 2 KV heads.
include(${CMAKE_CURRENT_LIST_DIR}/check_benchmarks_common.cmake)
tfb_read_benchmarks(5 "2 naive + 2 flash + 1 decode benchmarks")
foreach(i RANGE ${last})
  string(JSON name GET "${json}" benchmarks ${i} name)
  string(JSON verified GET "${json}" benchmarks ${i} verified)
  string(JSON head_dim GET "${json}" benchmarks ${i} head_dim)
  string(JSON kv_heads GET "${json}" benchmarks ${i} kv_heads)
  if(NOT verified OR NOT head_dim EQUAL 80 OR NOT kv_heads EQUAL 2)
    message(FATAL_ERROR "${name}: verified ${verified}, head_dim ${head_dim}, kv_heads ${kv_heads}")
  endif()
endforeach()
