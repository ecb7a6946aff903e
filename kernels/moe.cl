// The mixture-of-experts FFN of a Mixtral-style layer (suites/layer, layer_moe.c), after the router's GEMV (our
// GEMV kernel, logits [rows][E]): top-k and the softmax over the chosen logits on the device, the chosen experts'
// fused gate/up products, SiLU(gate) x up, the down products scaled by the routing weights, and the weighted sum
// added to the residual. Experts are grouped: one item covers ROWS consecutive output rows of one expert and runs
// them for every (token, slot) routed to that expert, so each touched expert's weights are read once per step and
// an untouched expert's not at all. Weights are row-major, [E][2 f][d] (gate rows, then up rows) and [E][d][f].
// Build options: K (experts per token), E (experts), ROWS (output rows per item), HALF (fp16 weights).

#ifdef HALF
#define LOAD8(i, p) vload_half8(i, p)
#define WEIGHT half
#else
#define LOAD8(i, p) vload8(i, p)
#define WEIGHT float
#endif

// One item per token: the K largest logits (the lower expert first on equal logits) in descending order, and
// their weights, softmax over the chosen logits (Mixtral's routing).
__kernel void route_top_k(__global const float *logits, __global int *chosen, __global float *weight, uint rows)
{
    const uint t = get_global_id(0);
    if (t >= rows) return;
    __global const float *l = logits + (size_t)t * E;
    uint taken = 0;  // a bit per expert: E <= 32
    float top[K];
    for (uint j = 0; j < K; j++) {
        int best = -1;
        for (uint e = 0; e < E; e++)
            if (!(taken >> e & 1u) && (best < 0 || l[e] > l[best])) best = (int)e;
        taken |= 1u << best;
        chosen[t * K + j] = best;
        top[j] = l[best];
    }
    const float largest = top[0];
    float total = 0.0f;
    for (uint j = 0; j < K; j++) total += top[j] = exp(top[j] - largest);
    for (uint j = 0; j < K; j++) weight[t * K + j] = top[j] / total;
}

// The dot product of a weight row and an activation row of `n` values (n a multiple of 8).
static float dot_row(__global const WEIGHT *w, __global const float *x, uint n)
{
    float8 acc = (float8)(0.0f);
    for (uint i = 0; i < n / 8; i++) acc = fma(LOAD8(i, w), vload8(i, x), acc);
    float4 half_sum = acc.lo + acc.hi;
    return (half_sum.x + half_sum.y) + (half_sum.z + half_sum.w);
}

// gu[slot][r] = W_gate_up[e][r] . h[token], for the slots (token, j) routed to expert e (gid 1).
__kernel void expert_gate_up(__global const WEIGHT *w, __global const float *h, __global const int *chosen,
                             __global float *gu, uint d, uint f2, uint rows)
{
    const uint first = get_global_id(0) * ROWS, e = get_global_id(1);
    // each weight row once, for every slot routed here while it is in L1
    for (uint r = first; r < first + ROWS && r < f2; r++)
        for (uint slot = 0; slot < rows * K; slot++)
            if (chosen[slot] == (int)e)
                gu[(size_t)slot * f2 + r] = dot_row(w + ((size_t)e * f2 + r) * d, h + (size_t)(slot / K) * d, d);
}

// a[slot][i] = SiLU(gate) x up of the slot's expert, one item per (element, slot).
__kernel void expert_silu(__global const float *gu, __global float *a, uint f)
{
    const uint i = get_global_id(0), slot = get_global_id(1);
    if (i >= f) return;
    const float g = gu[(size_t)slot * 2 * f + i], u = gu[(size_t)slot * 2 * f + f + i];
    a[(size_t)slot * f + i] = g / (1.0f + exp(-g)) * u;
}

// dn[slot][r] = weight[slot] x (W_down[e][r] . a[slot]), for the slots routed to expert e.
__kernel void expert_down(__global const WEIGHT *w, __global const float *a, __global const int *chosen,
                          __global const float *weight, __global float *dn, uint d, uint f, uint rows)
{
    const uint first = get_global_id(0) * ROWS, e = get_global_id(1);
    for (uint r = first; r < first + ROWS && r < d; r++)
        for (uint slot = 0; slot < rows * K; slot++)
            if (chosen[slot] == (int)e)
                dn[(size_t)slot * d + r] = weight[slot] * dot_row(w + ((size_t)e * d + r) * f, a + (size_t)slot * f, f);
}

// y[t] = x2[t] + the sum of its K slots' outputs, in slot order.
__kernel void expert_combine(__global const float *x2, __global const float *dn, __global float *y, uint d,
                             uint rows)
{
    const uint i = get_global_id(0), t = get_global_id(1);
    if (i >= d || t >= rows) return;
    float sum = 0.0f;
    for (uint j = 0; j < K; j++) sum += dn[((size_t)t * K + j) * d + i];
    y[(size_t)t * d + i] = x2[(size_t)t * d + i] + sum;
}

// fp32 staging rows to the weights' storage (round to nearest even for fp16, as the host mirror rounds).
__kernel void store_weights(__global const float *src, __global WEIGHT *dst, ulong offset, ulong count)
{
    const size_t i = get_global_id(0);
#ifdef HALF
    if (i < count) vstore_half_rte(src[i], offset + i, dst);
#else
    if (i < count) dst[offset + i] = src[i];
#endif
}
