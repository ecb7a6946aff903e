// The small kernels of the classic (GPT-2/GPT-3/BERT) block (suites/layer, layer_classic.c): LayerNorm with gain and
// bias, the O projection's bias and the residual add fused with the next LayerNorm, the Q/K/V biases fused with the
// KV-cache append (decode) or the scatter into attention's layouts (prefill), the up projection's bias fused with
// GELU (tanh or erf form), and the down projection's bias fused with the last residual add. No rotary embedding:
// learned positions are added once at the model's input, outside the layer. Layouts as kernels/layer.cl; the biases
// are fp32 rows of the projections' output widths. Build options: WG (items per norm group, a power of 2), D (head
// dim), GELU_ERF (the erf form).

#ifndef WG
#define WG 64
#endif

// The group's sum of its items' values: every item gets it.
static float group_sum(__local float *partial, float value)
{
    const uint l = get_local_id(0);
    barrier(CLK_LOCAL_MEM_FENCE);  // a previous call's readers are done with partial[0]
    partial[l] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint half_width = WG / 2; half_width > 0; half_width >>= 1) {
        if (l < half_width) partial[l] += partial[l + half_width];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    return partial[0];
}

// Two passes over the row (mean, then the centred sum of squares: no cancellation), then y = (s - mean) / sigma
// x gain + beta, where s is the row as `row_of` gives it.
static void normalize_row(__local float *partial, __global const float *s, __global const float *gain,
                          __global const float *beta, __global float *y, uint d, float eps)
{
    float sum = 0.0f;
    for (uint i = get_local_id(0); i < d; i += WG) sum += s[i];
    const float mean = group_sum(partial, sum) / (float)d;
    float squares = 0.0f;
    for (uint i = get_local_id(0); i < d; i += WG) {
        const float c = s[i] - mean;
        squares = fma(c, c, squares);
    }
    const float inv = rsqrt(group_sum(partial, squares) / (float)d + eps);
    for (uint i = get_local_id(0); i < d; i += WG) y[i] = fma((s[i] - mean) * inv, gain[i], beta[i]);
}

// One group per row: y = LayerNorm(x).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void layer_norm(__global const float *x, __global const float *gain, __global const float *beta, __global float *y,
                uint d, float eps)
{
    __local float partial[WG];
    const size_t base = (size_t)get_group_id(0) * d;
    normalize_row(partial, x + base, gain, beta, y + base, d, eps);
}

// s = a + (b + bias) is written (the residual stream) and normalized in the same group: h = LayerNorm(s).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void add_bias_layer_norm(__global const float *a, __global const float *b, __global const float *bias,
                         __global float *s, __global const float *gain, __global const float *beta,
                         __global float *h, uint d, float eps)
{
    __local float partial[WG];
    const size_t base = (size_t)get_group_id(0) * d;
    for (uint i = get_local_id(0); i < d; i += WG) s[base + i] = a[base + i] + (b[base + i] + bias[i]);
    // no barrier: the norm's passes stride as this loop does, so each item reads back only what it wrote
    normalize_row(partial, s + base, gain, beta, h + base, d, eps);
}

#ifdef D
static void biased_head(__global const float *src, __global const float *bias, __global float *dst, uint stride)
{
    for (uint j = 0; j < D; j++) dst[j * stride] = src[j] + bias[j];
}

// Decode, one item per (sequence, head slot) of the fused QKV row: the slot's bias added, Q into q
// [batch][heads][D], K and V appended at `pos` of the blocked cache (kernels/layer.cl: per 16 keys their K [D][16],
// then their V [16][D]).
__kernel void bias_append(__global const float *qkv, __global const float *bias, __global float *q,
                          __global float *k_dst, __global float *v_dst, uint heads, uint kv_heads, uint n_pad,
                          uint pos)
{
    const uint slot = get_global_id(0), b = get_global_id(1), slots = heads + 2 * kv_heads;
    if (slot >= slots) return;
    __global const float *src = qkv + ((size_t)b * slots + slot) * D;
    __global const float *row_bias = bias + (size_t)slot * D;
    if (slot < heads) {
        biased_head(src, row_bias, q + ((size_t)b * heads + slot) * D, 1);
    } else if (slot < heads + kv_heads) {
        const size_t slice = (size_t)b * kv_heads + slot - heads;
        biased_head(src, row_bias, k_dst + (slice * (n_pad / 16) + pos / 16) * 32 * D + pos % 16, 16);
    } else {
        const size_t slice = (size_t)b * kv_heads + slot - heads - kv_heads;
        biased_head(src, row_bias, v_dst + (slice * (n_pad / 16) + pos / 16) * 32 * D + 16 * D + pos % 16 * D, 1);
    }
}

// Prefill, one item per (token, head slot): biased Q into [heads][n][D], K and V into [kv_heads][n][D].
__kernel void bias_scatter(__global const float *qkv, __global const float *bias, __global float *q,
                           __global float *k, __global float *v, uint heads, uint kv_heads, uint n)
{
    const uint slot = get_global_id(0), t = get_global_id(1), slots = heads + 2 * kv_heads;
    if (slot >= slots || t >= n) return;
    __global const float *src = qkv + ((size_t)t * slots + slot) * D;
    __global const float *row_bias = bias + (size_t)slot * D;
    if (slot < heads) biased_head(src, row_bias, q + ((size_t)slot * n + t) * D, 1);
    else if (slot < heads + kv_heads) biased_head(src, row_bias, k + ((size_t)(slot - heads) * n + t) * D, 1);
    else biased_head(src, row_bias, v + ((size_t)(slot - heads - kv_heads) * n + t) * D, 1);
}
#endif

// a = GELU(up + bias), one item per element of [rows][f]: tanh form 0.5 g (1 + tanh(sqrt(2/pi) (g + 0.044715 g^3))),
// erf form 0.5 g (1 + erf(g / sqrt 2)).
__kernel void bias_gelu(__global const float *up, __global const float *bias, __global float *a, uint f)
{
    const uint i = get_global_id(0), row = get_global_id(1);
    if (i >= f) return;
    const float g = up[(size_t)row * f + i] + bias[i];
#ifdef GELU_ERF
    a[(size_t)row * f + i] = 0.5f * g * (1.0f + erf(g * 0.70710678118654752f));
#else
    const float t = 0.79788456080286536f * fma(0.044715f * g, g * g, g);
    a[(size_t)row * f + i] = 0.5f * g * (1.0f + tanh(t));
#endif
}

// The last residual add with the down projection's bias: out = a + (b + bias), [rows][d].
__kernel void add_bias(__global const float *a, __global const float *b, __global const float *bias,
                       __global float *out, uint d, ulong count)
{
    const size_t i = get_global_id(0);
    if (i < count) out[i] = a[i] + (b[i] + bias[i % d]);
}
