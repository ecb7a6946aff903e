// STREAM copy and triad. VEC (1, 4, 8, 16) is the element width: a float16 load maps to one AVX-512 register on a
// CPU, and wide loads help GPUs coalesce.
#ifndef VEC
#define VEC 1
#endif

__kernel void copy(__global const VT *restrict a, __global VT *restrict c)
{
    size_t i = get_global_id(0);
    c[i] = a[i];
}

__kernel void triad(__global VT *restrict a, __global const VT *restrict b, __global const VT *restrict c,
                    float scalar)
{
    size_t i = get_global_id(0);
    a[i] = b[i] + scalar * c[i];
}
