// The small kernels of a Llama-style decoder layer (suites/layer): RMSNorm, the residual add fused with the next
// RMSNorm, rotary embedding fused with the KV-cache append (decode) or with the scatter into attention's layouts
// (prefill), SiLU(gate) x up, the residual add, and the poison of the appended cache slot for the check after timing.
// The projections are kernels/gemm.cl, the attention kernels/decode.cl and kernels/flash.cl.
// Row layouts: x, h [rows][d]; qkv [rows][(heads + 2 kv_heads) D], Q heads first, then K, then V (one fused
// projection over the concatenated weights); gate_up [rows][2 f], gate first. The rotary table holds (cos, sin) of
// each rotated pair, [position][D / 2][2], computed on the host (engines precompute it too); pairs are (2i, 2i + 1).
// Build options: WG (items per RMSNorm group, a power of 2), D (head dim, even).

#ifndef WG
#define WG 64
#endif

// The group's sum of its items' partial sums, then 1 / sqrt(mean + eps): every item gets the same value.
static float inverse_rms(__local float *partial, float sum, uint d, float eps)
{
    const uint l = get_local_id(0);
    partial[l] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint half_width = WG / 2; half_width > 0; half_width >>= 1) {
        if (l < half_width) partial[l] += partial[l + half_width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return rsqrt(partial[0] / (float)d + eps);
}

// One group per row: y = x / rms(x) * gain.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void rms_norm(__global const float *x, __global const float *gain, __global float *y, uint d, float eps)
{
    __local float partial[WG];
    const size_t base = (size_t)get_group_id(0) * d;
    float sum = 0.0f;
    for (uint i = get_local_id(0); i < d; i += WG) sum = fma(x[base + i], x[base + i], sum);
    const float inv = inverse_rms(partial, sum, d, eps);
    for (uint i = get_local_id(0); i < d; i += WG) y[base + i] = x[base + i] * inv * gain[i];
}

// The residual add fused with the next norm (as inference engines fuse them): s = a + b is written (the residual
// stream the layer's last add reads) and normalized in the same pass, y = s / rms(s) * gain.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void add_rms_norm(__global const float *a, __global const float *b, __global float *s, __global const float *gain,
                  __global float *y, uint d, float eps)
{
    __local float partial[WG];
    const size_t base = (size_t)get_group_id(0) * d;
    float sum = 0.0f;
    for (uint i = get_local_id(0); i < d; i += WG) {
        const float v = a[base + i] + b[base + i];
        s[base + i] = v;
        sum = fma(v, v, sum);
    }
    const float inv = inverse_rms(partial, sum, d, eps);
    for (uint i = get_local_id(0); i < d; i += WG) y[base + i] = s[base + i] * inv * gain[i];
}

#ifdef D
// One head's D values rotated pair by pair into dst, element j at dst[j * stride] (1, or 16 for the key-blocked K).
static void rotate_head(__global const float *src, __global const float *cs, __global float *dst, uint stride)
{
    for (uint i = 0; i < D / 2; i++) {
        const float c = cs[2 * i], s = cs[2 * i + 1], x0 = src[2 * i], x1 = src[2 * i + 1];
        dst[(2 * i) * stride] = x0 * c - x1 * s;
        dst[(2 * i + 1) * stride] = x0 * s + x1 * c;
    }
}

static void copy_head(__global const float *src, __global float *dst)
{
    for (uint j = 0; j < D; j++) dst[j] = src[j];
}

// The decode cache: per sequence and KV head, n_pad / 16 blocks of 16 keys, each its K part [D][16] then its V part
// [16][D] (decode attention's KV_BLOCKED layout, kernels/decode.cl): a work-item of the attention reads one
// sequential stream. Two buffers, K and V, put a block's K and V at the same offsets of their 2 MiB pages (the same
// cache sets and DRAM banks); the batched decode step read them at half the read bandwidth. Float offset of
// position `pos`'s block:
static size_t cache_block(size_t slice, uint n_pad, uint pos)
{
    return (slice * (n_pad / 16) + pos / 16) * 32 * D;
}

// Decode, one item per (sequence, head slot) of the fused QKV row: Q heads rotated into q [batch][heads][D] (what
// decode attention reads), K rotated and V copied into position `pos` of the cache above (k_dst = v_dst = the
// cache). Built with KV_STAGED (a converted cache: fp16, q8_0), K and V go to fp32 rows [slice][D] of k_dst and
// v_dst instead, which decode_append_kv converts into the cache. Every sequence is at the same position, so `cs` is
// one row of the table.
__kernel void rope_append(__global const float *qkv, __global const float *cs, __global float *q,
                          __global float *k_dst, __global float *v_dst, uint heads, uint kv_heads, uint n_pad, uint pos)
{
    const uint slot = get_global_id(0), b = get_global_id(1), slots = heads + 2 * kv_heads;
    if (slot >= slots) return;
    __global const float *src = qkv + ((size_t)b * slots + slot) * D;
    if (slot < heads) {
        rotate_head(src, cs, q + ((size_t)b * heads + slot) * D, 1);
    } else if (slot < heads + kv_heads) {
        const size_t slice = (size_t)b * kv_heads + slot - heads;
#ifdef KV_STAGED
        rotate_head(src, cs, k_dst + slice * D, 1);
#else
        rotate_head(src, cs, k_dst + cache_block(slice, n_pad, pos) + pos % 16, 16);
#endif
    } else {
        const size_t slice = (size_t)b * kv_heads + slot - heads - kv_heads;
#ifdef KV_STAGED
        copy_head(src, v_dst + slice * D);
#else
        copy_head(src, v_dst + cache_block(slice, n_pad, pos) + 16 * D + pos % 16 * D);
#endif
    }
}

// Prefill, one item per (token, head slot): Q rotated into [heads][n][D], K rotated into [kv_heads][n][D] and V
// into [kv_heads][n][D] (flash attention's layouts, one sequence), token t at position t (row t of the table).
__kernel void rope_scatter(__global const float *qkv, __global const float *cs, __global float *q, __global float *k,
                           __global float *v, uint heads, uint kv_heads, uint n)
{
    const uint slot = get_global_id(0), t = get_global_id(1), slots = heads + 2 * kv_heads;
    if (slot >= slots || t >= n) return;
    __global const float *src = qkv + ((size_t)t * slots + slot) * D;
    __global const float *row = cs + (size_t)t * D;
    if (slot < heads) rotate_head(src, row, q + ((size_t)slot * n + t) * D, 1);
    else if (slot < heads + kv_heads) rotate_head(src, row, k + ((size_t)(slot - heads) * n + t) * D, 1);
    else copy_head(src, v + ((size_t)(slot - heads - kv_heads) * n + t) * D);
}

// The check after timing: the appended slot of every sequence and KV head set to `value`, so a kernel that stops
// appending fails (the rest of the cache is the past, which the step only reads). One item per (slice, element).
__kernel void poison_slot(__global float *cache, uint slices, uint n_pad, uint pos, float value)
{
    const uint j = get_global_id(0), slice = get_global_id(1);
    if (j >= D || slice >= slices) return;
    const size_t block = cache_block(slice, n_pad, pos);
    cache[block + (size_t)j * 16 + pos % 16] = value;
    cache[block + 16 * D + pos % 16 * D + j] = value;
}
#endif

// a = SiLU(gate) x up = gate / (1 + e^-gate) x up, one item per element of [rows][f].
__kernel void silu_mul(__global const float *gate_up, __global float *a, uint f)
{
    const uint i = get_global_id(0), row = get_global_id(1);
    if (i >= f) return;
    const float g = gate_up[(size_t)row * 2 * f + i], u = gate_up[(size_t)row * 2 * f + f + i];
    a[(size_t)row * f + i] = g / (1.0f + exp(-g)) * u;
}

// The residual add: out = a + b.
__kernel void add(__global const float *a, __global const float *b, __global float *out, ulong count)
{
    const size_t i = get_global_id(0);
    if (i < count) out[i] = a[i] + b[i];
}
