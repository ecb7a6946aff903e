/* tfbench-native-cuda's own kernels: the fills of its inputs, the read sum and the triad. CUDA C++ only because
 * kernels need it; everything else of the binary is C11 (tfbench_native_cuda.c). */
#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include "cuda_kernels.h"

namespace {

const unsigned FILL_THREADS = 256, FILL_BLOCKS = 4096;

/* 32 well-spread bits of (seed, index): the high half of a 64-bit multiplicative hash (Fibonacci hashing). The
 * checks read the inputs back, so they need not match the OpenCL fill's generator. */
__device__ uint32_t mix(uint32_t seed, uint64_t index)
{
    return (uint32_t)(((index + 1) ^ ((uint64_t)seed << 40)) * 0x9e3779b97f4a7c15ull >> 32);
}

__device__ void store(float *out, size_t i, float x) { out[i] = x; }
__device__ void store(__half *out, size_t i, float x) { out[i] = __float2half_rn(x); }
__device__ void store(__nv_bfloat16 *out, size_t i, float x) { out[i] = __float2bfloat16_rn(x); }

template <typename T> __global__ void fill_uniform(T *out, size_t count, uint32_t seed, float lo, float hi)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x)
        store(out, i, lo + (hi - lo) * (float)(mix(seed, i) >> 8) * (1.0f / 16777216.0f));
}

__global__ void fill_grid(float *out, size_t count, uint32_t seed)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x)
        out[i] = 0.5f + (float)(mix(seed, i) & 255u) * (1.0f / 256.0f);
}

/* Thread t of block b sums float4 number b * (threads x item vectors) + i * threads + t over i: each load of a
 * warp is one contiguous 512-byte segment. Four accumulators keep four loads in flight. */
__global__ void read_sum(const float4 *data, float *partial)
{
    const unsigned vectors = TFB_CUDA_ITEM_FLOATS / 4, threads = TFB_CUDA_READ_THREADS;
    const float4 *p = data + (size_t)blockIdx.x * vectors * threads + threadIdx.x;
    float4 acc[4] = {};
#pragma unroll 4
    for (unsigned i = 0; i < vectors; i++) {
        float4 v = p[(size_t)i * threads];
        acc[i % 4].x += v.x, acc[i % 4].y += v.y, acc[i % 4].z += v.z, acc[i % 4].w += v.w;
    }
    float sum = 0.0f;
    for (unsigned a = 0; a < 4; a++) sum += (acc[a].x + acc[a].y) + (acc[a].z + acc[a].w);
    partial[(size_t)blockIdx.x * threads + threadIdx.x] = sum;
}

__global__ void triad(float4 *a, const float4 *b, const float4 *c, float scalar, size_t count)
{
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < count; i += (size_t)gridDim.x * blockDim.x) {
        float4 x = b[i], y = c[i];
        a[i] = make_float4(x.x + scalar * y.x, x.y + scalar * y.y, x.z + scalar * y.z, x.w + scalar * y.w);
    }
}

unsigned blocks_for(size_t count)
{
    size_t blocks = (count + FILL_THREADS - 1) / FILL_THREADS;
    return blocks < FILL_BLOCKS ? (unsigned)(blocks ? blocks : 1) : FILL_BLOCKS;
}

}  // namespace

extern "C" cudaError_t tfb_cuda_fill(void *out, int dtype, size_t count, uint32_t seed, float lo, float hi,
                                     cudaStream_t stream)
{
    unsigned blocks = blocks_for(count);
    if (dtype == TFB_CUDA_FP16)
        fill_uniform<<<blocks, FILL_THREADS, 0, stream>>>(static_cast<__half *>(out), count, seed, lo, hi);
    else if (dtype == TFB_CUDA_BF16)
        fill_uniform<<<blocks, FILL_THREADS, 0, stream>>>(static_cast<__nv_bfloat16 *>(out), count, seed, lo, hi);
    else
        fill_uniform<<<blocks, FILL_THREADS, 0, stream>>>(static_cast<float *>(out), count, seed, lo, hi);
    return cudaGetLastError();
}

extern "C" cudaError_t tfb_cuda_fill_grid(float *out, size_t count, uint32_t seed, cudaStream_t stream)
{
    fill_grid<<<blocks_for(count), FILL_THREADS, 0, stream>>>(out, count, seed);
    return cudaGetLastError();
}

extern "C" cudaError_t tfb_cuda_read_sum(const float *data, float *partial, size_t count, cudaStream_t stream)
{
    size_t blocks = count / ((size_t)TFB_CUDA_READ_THREADS * TFB_CUDA_ITEM_FLOATS);
    read_sum<<<(unsigned)blocks, TFB_CUDA_READ_THREADS, 0, stream>>>(reinterpret_cast<const float4 *>(data), partial);
    return cudaGetLastError();
}

extern "C" cudaError_t tfb_cuda_triad(float *a, const float *b, const float *c, float scalar, size_t count,
                                      cudaStream_t stream)
{
    size_t vectors = count / 4, blocks = (vectors + FILL_THREADS - 1) / FILL_THREADS;
    triad<<<(unsigned)(blocks ? blocks : 1), FILL_THREADS, 0, stream>>>(
        reinterpret_cast<float4 *>(a), reinterpret_cast<const float4 *>(b), reinterpret_cast<const float4 *>(c),
        scalar, vectors);
    return cudaGetLastError();
}
