// STREAM copy and triad, and the read-only sum. VEC (1, 4, 8, 16) is the element width: a float16 load maps to one
// AVX-512 register on a CPU, and wide loads help GPUs coalesce.
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

// Read-only: every work-item sums ITEM_FLOATS floats into one partial. Short sums keep every partial exact on the
// host's grid-valued inputs (see tfb_device_fill_grid), so the check is an equality.
// ITEM_BLOCK (CPUs): item g owns ITEM_FLOATS consecutive floats; a core runs a work-group's items one after another,
// so it walks one long sequential stream. (Measured on PoCL, Zen 4, interleaved runs at 1 GiB: 2 or 4 concurrent
// streams per item and software prefetch into L1 or L2 were 0-15% slower than this.)
// Otherwise (GPUs) a work-group owns a block of ITEM_FLOATS * local size floats and its items read it interleaved,
// so each load instruction of the group is one contiguous segment.
// READ_PREFETCH=bytes (CPUs, used with VEC 16, so one load is one cache line): every load also asks for the line
// that many bytes ahead, into L1. Measured on a 2-core Xeon VM (PoCL 3.1): 30.8 -> 36.6 GB/s, the rate the GEMV
// tuned with the same hint reached there, which the plain sum had put 13% above the read roof; the Zen 4 above lost
// with it, so the stream suite measures both and the read ceiling is the better. A prefetch past the end cannot fault.
#ifdef READ_PREFETCH
#define PREFETCH_AHEAD_OF(q) __builtin_prefetch((const void *)((size_t)(q) + READ_PREFETCH), 0, 3)
#else
#define PREFETCH_AHEAD_OF(q)
#endif
#ifndef ITEM_FLOATS
#define ITEM_FLOATS 16384
#endif
#define ITEM_VECS (ITEM_FLOATS / VEC)

static float lane_sum(VT v)
{
#if VEC == 1
    return v;
#else
    float lanes[VEC];
    CAT(vstore, VEC)(v, 0, lanes);
    float sum = 0.0f;
    for (int l = 0; l < VEC; l++) sum += lanes[l];
    return sum;
#endif
}

__kernel void read_sum(__global const VT *restrict a, __global float *restrict partial)
{
#ifdef ITEM_BLOCK
    const size_t stride = 1;
    const __global VT *p = a + get_global_id(0) * ITEM_VECS;
#else
    const size_t stride = get_local_size(0);
    const __global VT *p = a + get_group_id(0) * ITEM_VECS * stride + get_local_id(0);
#endif
    VT acc0 = (VT)(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
    for (uint i = 0; i < ITEM_VECS; i += 4) {
        PREFETCH_AHEAD_OF(p + (i + 0) * stride);
        PREFETCH_AHEAD_OF(p + (i + 1) * stride);
        PREFETCH_AHEAD_OF(p + (i + 2) * stride);
        PREFETCH_AHEAD_OF(p + (i + 3) * stride);
        acc0 += p[(i + 0) * stride];
        acc1 += p[(i + 1) * stride];
        acc2 += p[(i + 2) * stride];
        acc3 += p[(i + 3) * stride];
    }
    partial[get_global_id(0)] = lane_sum((acc0 + acc1) + (acc2 + acc3));
}
