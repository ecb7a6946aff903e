# tfbench-native-cuda: the CUDA and cuBLAS reference beside our OpenCL (host/native/tfbench_native_cuda.c), built
# only when CMake finds nvcc and the CUDA toolkit with cuBLAS, so a machine without CUDA builds and runs the rest.
# The CUDA runtime is linked statically (it travels in the binary); cuBLAS dynamically (the GPU node's own: it is
# larger than a bundle may be). Not in sanitizer or fuzz builds (their flags are for the C compiler).
option(TFB_CUDA "Build tfbench-native-cuda when the CUDA toolkit is found" ON)
set(TFB_CUDA_BUILT OFF)
if(TFB_CUDA AND NOT TFB_SANITIZE AND NOT TFB_FUZZ)
  include(CheckLanguage)
  check_language(CUDA)
endif()
if(CMAKE_CUDA_COMPILER)
  # Machine code for Ampere and Hopper (sm_90: what an H100/H200 runs natively), PTX for anything newer or older
  # down to Turing, which the driver compiles when the program starts.
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80-real 90-real 75-virtual)
  endif()
  enable_language(CUDA)
  find_package(CUDAToolkit)
endif()
if(CMAKE_CUDA_COMPILER AND TARGET CUDA::cublas AND TARGET CUDA::cudart_static)
  add_executable(tfbench-native-cuda host/native/tfbench_native_cuda.c host/native/native_common.c
                                     host/native/cuda_kernels.cu)
  string(REPLACE ";" " " TFB_CUDA_ARCH_TEXT "${CMAKE_CUDA_ARCHITECTURES}")
  target_compile_definitions(tfbench-native-cuda PRIVATE TFB_CUDA_ARCHITECTURES="${TFB_CUDA_ARCH_TEXT}")
  target_link_libraries(tfbench-native-cuda PRIVATE tfbench_core CUDA::cudart_static CUDA::cublas)
  install(TARGETS tfbench-native-cuda RUNTIME DESTINATION bin)
  set(TFB_CUDA_BUILT ON)
  # read by ci/bundle/manifest.sh
  set(TFB_CUDA_BUILT_WITH "CUDA ${CUDAToolkit_VERSION}, architectures ${TFB_CUDA_ARCH_TEXT}" CACHE INTERNAL "")
  message(STATUS "tfbench-native-cuda: CUDA ${CUDAToolkit_VERSION}, architectures ${TFB_CUDA_ARCH_TEXT}")
else()
  message(STATUS "tfbench-native-cuda not built: needs nvcc and the CUDA toolkit with cuBLAS (TFB_CUDA=${TFB_CUDA})")
endif()
