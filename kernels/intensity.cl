// Arithmetic-intensity sweep (mixbench-style): every element is read once, goes through a chain of FLOPS
// dependent operations (FLOPS / 2 FMAs, plus one multiply when FLOPS is odd), and is written once. Each chain_F
// kernel has its FLOP count fixed at compile time (a literal argument of the inlined body), so the loop has no
// run-time trip count, while mul and add are kernel arguments the compiler cannot fold.
// TYPE: float, double or half; VEC: vector width; ELEMS: independent vectors per work-item, so the FMA units have
// ELEMS chains in flight at high intensity.
#ifndef VEC
#define VEC 16
#endif
#ifndef ELEMS
#define ELEMS 8
#endif

// A work-group owns get_local_size * ELEMS consecutive vectors starting at `offset` (a vector index). With
// ITEM_BLOCK (CPUs) item l owns vectors l * ELEMS ... l * ELEMS + ELEMS - 1: one thread walks the group's block
// front to back, which keeps a read+write pass at copy speed (the strided order below loses ~15% there). Otherwise
// item l's chain e is vector l + e * local_size, so neighbouring items touch neighbouring addresses (coalesced on
// GPUs).
#ifdef ITEM_BLOCK
#define CHAIN_STRIDE 1
#define ITEM_FIRST (get_local_id(0) * ELEMS)
#else
#define CHAIN_STRIDE get_local_size(0)
#define ITEM_FIRST get_local_id(0)
#endif

inline void chain_body(__global const VT *restrict in, __global VT *restrict out, float mul_f, float add_f,
                       ulong offset, const int flops)
{
    size_t stride = CHAIN_STRIDE;
    size_t base = (size_t)offset + get_group_id(0) * get_local_size(0) * ELEMS + ITEM_FIRST;
    VT mul = (VT)((TYPE)mul_f), add = (VT)((TYPE)add_f);
    VT x[ELEMS];
#pragma unroll
    for (int e = 0; e < ELEMS; e++) x[e] = in[base + e * stride];
    if (flops % 2) {
#pragma unroll
        for (int e = 0; e < ELEMS; e++) x[e] *= mul;
    }
    for (int k = 0; k < flops / 2; k++) {
#pragma unroll
        for (int e = 0; e < ELEMS; e++) x[e] = fma(x[e], mul, add);
    }
#pragma unroll
    for (int e = 0; e < ELEMS; e++) out[base + e * stride] = x[e];
}

#define CHAIN_KERNEL(F)                                                                                        \
    __kernel void chain_##F(__global const VT *restrict in, __global VT *restrict out, float mul, float add,  \
                            ulong offset)                                                                      \
    {                                                                                                          \
        chain_body(in, out, mul, add, offset, F);                                                              \
    }

CHAIN_KERNEL(1)
CHAIN_KERNEL(2)
CHAIN_KERNEL(4)
CHAIN_KERNEL(8)
CHAIN_KERNEL(16)
CHAIN_KERNEL(32)
CHAIN_KERNEL(64)
CHAIN_KERNEL(128)
CHAIN_KERNEL(256)
CHAIN_KERNEL(512)
CHAIN_KERNEL(1024)
CHAIN_KERNEL(2048)
CHAIN_KERNEL(4096)

// Random inputs of TYPE: the float values tfb_device_fill_uniform wrote, converted (exact for double; rounded
// for half).
__kernel void from_float(__global const float *src, __global TYPE *dst, ulong offset, ulong count)
{
    size_t i = get_global_id(0);
    if (i < count) dst[offset + i] = (TYPE)src[i];
}
