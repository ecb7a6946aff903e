# The GPU-shaped kernels on PoCL (TFB_GPU_KERNELS=1 forces the GPU layouts on any device): every suite that has
# GPU paths runs and verifies them through the real binary (stream's interleaved read, GEMV/GEMM groups and tiles,
# flash tiles sized from local memory, decode's short splits), in a tuning cache of the test's own.
tfb_cli_test(gpu_kernels_on_pocl
  ARGS --device 0 --suite stream,gemv,gemm,flash,decode --quick --shape 1x1000x777 --batch 1,9 --seq 300
       --json @WORKDIR@/r.json
  CHECK ${CMAKE_CURRENT_SOURCE_DIR}/integration/check_gpu_kernels.cmake TIMEOUT 600)
set_tests_properties(cli/gpu_kernels_on_pocl PROPERTIES ENVIRONMENT
  "${TFB_TEST_ENV};TFB_GPU_KERNELS=1;TFB_CACHE_DIR=${CMAKE_CURRENT_BINARY_DIR}/cli_gpu_kernels_on_pocl/cache")
