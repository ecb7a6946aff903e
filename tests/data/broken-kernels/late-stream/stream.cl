// Planted bug for the tests (--kernel-dir): the triad is right while its output holds the NaN poison and skips the
// work once it holds numbers, so the first (checked) run passes and every timed run afterwards is too fast. The
// check after the timed runs, on outputs poisoned with finite numbers, must fail it.
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
    const __global float *first = (const __global float *)a + i * VEC;
    if (*first == *first) return;  // not NaN: "already computed"
    a[i] = b[i] + scalar * c[i];
}
