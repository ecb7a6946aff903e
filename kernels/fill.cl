// Device-side random inputs, so gigabyte buffers need no host-side fill or transfer. The host mirrors the hash
// (tfb_hash_uniform) to compute reference values.

uint tfb_hash(uint x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

// Uniform in [lo, hi) on a grid of 2^bits steps (bits <= 24), so every value is exactly representable in fp32;
// step = 2^-bits.
// out[j] holds element first + j of the generated sequence, so a matrix can be made a few rows at a time.
__kernel void fill_uniform(__global float *out, uint seed, float lo, float hi, ulong count, uint bits, float step,
                           ulong first)
{
    size_t j = get_global_id(0);
    if (j >= count) return;
    ulong i = first + j;
    uint u = tfb_hash((uint)i ^ tfb_hash(seed ^ (uint)(i >> 32))) >> (32 - bits);
    out[j] = lo + (hi - lo) * ((float)u * step);
}
