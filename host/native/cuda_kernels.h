/* The kernels of tfbench-native-cuda (cuda_kernels.cu), callable from C: fills, the read sum and the triad. Each
 * launcher enqueues on `stream` and returns the launch's error (cudaGetLastError), so the caller checks every one.
 * Private to host/native. */
#ifndef TFBENCH_CUDA_KERNELS_H
#define TFBENCH_CUDA_KERNELS_H

#include <stddef.h>
#include <stdint.h>
#include <cuda_runtime_api.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Element types of the GEMM inputs. */
enum { TFB_CUDA_FP32, TFB_CUDA_FP16, TFB_CUDA_BF16 };

/* The read sum's layout: a block of TFB_CUDA_READ_THREADS threads owns TFB_CUDA_READ_THREADS x
 * TFB_CUDA_ITEM_FLOATS floats, its threads read them interleaved as float4 (coalesced), and each thread writes the sum
 * of its own TFB_CUDA_ITEM_FLOATS floats (exact on grid values: see tfb_cuda_fill_grid), as kernels/stream.cl does on
 * a GPU. */
#define TFB_CUDA_READ_THREADS 256u
#define TFB_CUDA_ITEM_FLOATS 256u

/* Uniform values in [lo, hi) from a hash of (seed, index), stored as `dtype` (round to nearest). */
cudaError_t tfb_cuda_fill(void *out, int dtype, size_t count, uint32_t seed, float lo, float hi, cudaStream_t stream);
/* Values on a 1/256 grid in [0.5, 1.5): sums of up to 2^14 of them are exact in fp32. */
cudaError_t tfb_cuda_fill_grid(float *out, size_t count, uint32_t seed, cudaStream_t stream);
/* partial[t] = the sum of thread t's floats; count a multiple of threads x item floats. */
cudaError_t tfb_cuda_read_sum(const float *data, float *partial, size_t count, cudaStream_t stream);
/* a = b + scalar c, as float4; count a multiple of 4. */
cudaError_t tfb_cuda_triad(float *a, const float *b, const float *c, float scalar, size_t count, cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif
