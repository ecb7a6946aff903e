# The relocatable bundle (ci/bundle.sh) made from this build's binaries, then checked the way a bare node meets it
# (ci/bundle/check.sh): every library resolves inside it or to the C/C++ runtime (ldd), `tfbench --list` and a
# quick suite on PoCL from an empty environment (env -i), the generated NVIDIA vendor file, at most 64 MiB.
set(TFB_BUNDLE_OUT ${CMAKE_CURRENT_BINARY_DIR}/bundle)
add_test(NAME bundle/empty_env
         COMMAND bash -c "\"$0\" --from \"$1\" --out \"$2\" --no-tar && \"$3\" \"$2\"/tfbench-*-linux-* \"$4\""
                 ${PROJECT_SOURCE_DIR}/ci/bundle.sh ${CMAKE_BINARY_DIR} ${TFB_BUNDLE_OUT}
                 ${PROJECT_SOURCE_DIR}/ci/bundle/check.sh ${CMAKE_CURRENT_BINARY_DIR}/bundle_check)
set_tests_properties(bundle/empty_env PROPERTIES TIMEOUT 300 PASS_REGULAR_EXPRESSION "ok: env -i --list")
# The prepared device check (ci/gpu-check.sh) from that bundle on a machine without a GPU: it must say so, run its
# short PoCL part and tfbench-native, let tfbench-native-cuda report no CUDA device, and write its one-screen summary.
add_test(NAME bundle/gpu_check_without_gpu
         COMMAND bash -c "work=$1/work; rm -rf $work; mkdir -p $work; env -i TMPDIR=$work TFB_GPU_CHECK_FALLBACK_SUITES=peak TFB_GPU_CHECK_BUDGET_S=120 $0/tfbench-*-linux-*/gpu-check.sh $1/out && test -s $1/out/summary.txt"
                 ${TFB_BUNDLE_OUT} ${CMAKE_CURRENT_BINARY_DIR}/gpu_check)
set_tests_properties(bundle/empty_env PROPERTIES FIXTURES_SETUP tfb_bundle)
set_tests_properties(bundle/gpu_check_without_gpu PROPERTIES FIXTURES_REQUIRED tfb_bundle TIMEOUT 200
  PASS_REGULAR_EXPRESSION "no GPU among the OpenCL devices.*verification failures: 0")
