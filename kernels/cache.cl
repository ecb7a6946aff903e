// Bandwidth versus working-set size (ERT-style): every work-item goes `passes` times over its share of the working
// set, so a set that fits a cache level is served from it after the first pass.
// VEC: float vector width. INTERLEAVED: item g's i-th vector is g + i * items (coalesced, for GPUs); otherwise
// each item owns a contiguous chunk (one prefetchable stream per item, for CPUs).
#ifndef VEC
#define VEC 16
#endif
#ifdef INTERLEAVED
#define AT(i) ((size_t)offset + (size_t)(i) * get_global_size(0) + get_global_id(0))
#else
#define AT(i) ((size_t)offset + get_global_id(0) * per_item + (size_t)(i))
#endif

// Read-only: four independent sums (per_item is a multiple of 4), one float per item so no load is dead. The sums
// restart every BLOCK vectors and are added to the total, so the rounding error stays bounded (and checkable) when
// one item reads hundreds of MiB.
#define BLOCK 1024u
__kernel void read_sum(__global const VT *restrict data, __global float *restrict sums, ulong offset, uint per_item,
                       uint passes)
{
    VT total = (VT)(0.0f);
    for (uint p = 0; p < passes; p++) {
        for (uint b = 0; b < per_item; b += BLOCK) {
            VT acc0 = (VT)(0.0f), acc1 = acc0, acc2 = acc0, acc3 = acc0;
            const uint end = min(per_item, b + BLOCK);
            for (uint i = b; i < end; i += 4) {
                acc0 += data[AT(i)];
                acc1 += data[AT(i + 1)];
                acc2 += data[AT(i + 2)];
                acc3 += data[AT(i + 3)];
            }
            total += (acc0 + acc1) + (acc2 + acc3);
        }
    }
    float sum = 0.0f;
#if VEC == 1
    sum = total;
#else
    float lanes[VEC];
    CAT(vstore, VEC)(total, 0, lanes);
    for (int l = 0; l < VEC; l++) sum += lanes[l];
#endif
    sums[get_global_id(0)] = sum;
}

// Read-write in place: x <- fma(x, mul, add) with mul = -1, add = 3 maps [0.5, 2.5] onto itself without a fixed
// point in the inputs' range, so every pass changes every element and the values never drift away.
__kernel void update(__global VT *restrict data, float mul, float add, ulong offset, uint per_item, uint passes)
{
    for (uint p = 0; p < passes; p++)
        for (uint i = 0; i < per_item; i++) data[AT(i)] = fma(data[AT(i)], (VT)mul, (VT)add);
}
