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

// Uniform in [lo, hi): 24 random bits, so every value is exactly representable in fp32.
__kernel void fill_uniform(__global float *out, uint seed, float lo, float hi, ulong count)
{
    size_t i = get_global_id(0);
    if (i >= count) return;
    uint bits = tfb_hash((uint)i ^ tfb_hash(seed ^ (uint)(i >> 32))) >> 8;
    out[i] = lo + (hi - lo) * ((float)bits * (1.0f / 16777216.0f));
}
