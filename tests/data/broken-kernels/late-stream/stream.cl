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

// The read sum as in kernels/stream.cl (only the triad is planted).
// Read-only: every work-item sums ITEM_FLOATS floats into one partial. Short sums keep every partial exact on the
// host's grid-valued inputs (see tfb_device_fill_grid), so the check is an equality.
// ITEM_BLOCK (CPUs): item g owns ITEM_FLOATS consecutive floats; a core runs a work-group's items one after another,
// so it walks one long sequential stream. (Measured on PoCL, Zen 4, interleaved runs at 1 GiB: 2 or 4 concurrent
// streams per item and software prefetch into L1 or L2 were 0-15% slower than this.)
// Otherwise (GPUs) a work-group owns a block of ITEM_FLOATS * local size floats and its items read it interleaved,
// so each load instruction of the group is one contiguous segment.
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
        acc0 += p[(i + 0) * stride];
        acc1 += p[(i + 1) * stride];
        acc2 += p[(i + 2) * stride];
        acc3 += p[(i + 3) * stride];
    }
    partial[get_global_id(0)] = lane_sum((acc0 + acc1) + (acc2 + acc3));
}
