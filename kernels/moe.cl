// The mixture-of-experts FFN of a Mixtral-style layer (suites/layer, layer_moe.c), after the router's GEMV (our
// GEMV kernel, logits [rows][E]): top-k and the softmax over the chosen logits on the device, the chosen experts'
// fused gate/up products, SiLU(gate) x up, the down products scaled by the routing weights, and the weighted sum
// added to the residual. Experts are grouped: one item covers a panel of 16 output rows and runs it, expert by
// expert, for every (token, slot) routed to that expert, four slots per pass over the panel, so each touched
// expert's weights are read from memory once per step and an untouched expert's not at all. Weights are packed in
// panels of 16 output rows, [E][panel][k][16] (gate rows, then up rows: 2 f of them over k < d; down: d rows over
// k < f), as our GEMV packs its weights. Prefill groups the slots by expert first (route_group) and runs each
// expert's products as a GEMM over its slots, eight per pass over a panel (expert_gemm_gate_up, expert_gemm_down).
// Build options: K (experts per token), E (experts), HALF (fp16 weights).

#ifdef HALF
#define LOAD16(i, p) vload_half16(i, p)
#define STORE16(v, i, p) vstore_half16_rte(v, i, p)
#define WEIGHT half
#else
#define LOAD16(i, p) vload16(i, p)
#define STORE16(v, i, p) vstore16(v, i, p)
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

// One panel (16 output rows, packed [k][16]) against one activation row of n values: the row's value at k broadcast
// against the panel's 16 weights at k, four independent accumulators (k mod 4) so no fma waits on the previous one.
static float16 panel_dot(__global const WEIGHT *p, __global const float *x, uint n)
{
    float16 a0 = (float16)(0.0f), a1 = a0, a2 = a0, a3 = a0;
    uint k = 0;
    for (; k + 4 <= n; k += 4) {
        a0 = fma(LOAD16(k, p), (float16)(x[k]), a0);
        a1 = fma(LOAD16(k + 1, p), (float16)(x[k + 1]), a1);
        a2 = fma(LOAD16(k + 2, p), (float16)(x[k + 2]), a2);
        a3 = fma(LOAD16(k + 3, p), (float16)(x[k + 3]), a3);
    }
    for (; k < n; k++) a0 = fma(LOAD16(k, p), (float16)(x[k]), a0);
    return (a0 + a1) + (a2 + a3);
}

// The panel's rows below `limit` of one slot's output row, scaled.
static void store_panel(float16 v, float scale, __global float *out, uint first, uint limit)
{
    float values[16];
    vstore16(v * scale, 0, values);
    for (uint j = 0; j < 16 && first + j < limit; j++) out[first + j] = values[j];
}

#ifndef GPU_WG
// Four slots routed to the same expert against one panel: each weight loaded and converted once for the four.
static void panel_dot4(__global const WEIGHT *p, __global const float *const x[4], uint n, float16 out[4])
{
    float16 a0 = (float16)(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (uint k = 0; k < n; k++) {
        const float16 w = LOAD16(k, p);
        a0 = fma(w, (float16)(x[0][k]), a0);
        a1 = fma(w, (float16)(x[1][k]), a1);
        a2 = fma(w, (float16)(x[2][k]), a2);
        a3 = fma(w, (float16)(x[3][k]), a3);
    }
    out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3;
}

// Panel `panel` of expert e's matrix (`panels` panels of n inputs) for every slot routed to e, four at a time: slot s
// reads x_base + (s / per_row) n (its token's row, or its own) and writes out_base + s width + 16 panel, scaled by
// weight[s] (weight may be 0: no scale).
static void expert_panel(__global const WEIGHT *w, uint e, uint panel, uint panels, uint n,
                         __global const float *x_base, uint per_row, __global const int *chosen,
                         __global const float *weight, __global float *out_base, uint width, uint slots)
{
    __global const WEIGHT *p = w + ((size_t)e * panels + panel) * n * 16;
    uint pending[4], count = 0;
    for (uint slot = 0; slot <= slots; slot++) {
        if (slot < slots && chosen[slot] == (int)e) pending[count++] = slot;
        if (count == 4) {
            __global const float *x[4];
            float16 v[4];
            for (uint i = 0; i < 4; i++) x[i] = x_base + (size_t)(pending[i] / per_row) * n;
            panel_dot4(p, x, n, v);
            for (uint i = 0; i < 4; i++)
                store_panel(v[i], weight ? weight[pending[i]] : 1.0f, out_base + (size_t)pending[i] * width,
                            panel * 16, width);
            count = 0;
        }
        if (slot == slots)  // the last one to three
            for (uint i = 0; i < count; i++)
                store_panel(panel_dot(p, x_base + (size_t)(pending[i] / per_row) * n, n),
                            weight ? weight[pending[i]] : 1.0f, out_base + (size_t)pending[i] * width, panel * 16,
                            width);
    }
}
#endif

#ifdef GPU_WG
// GPU shape: a work-group of GPU_WG items per panel, item l taking k = l, l + GPU_WG, ... (neighbouring items read
// neighbouring 16-weight rows of the panel: coalesced), the partial sums reduced in local memory, one slot at a time.
static void expert_panel(__global const WEIGHT *w, uint e, uint panel, uint panels, uint n,
                         __global const float *x_base, uint per_row, __global const int *chosen,
                         __global const float *weight, __global float *out_base, uint width, uint slots,
                         __local float (*part)[16])
{
    const uint l = get_local_id(0);
    __global const WEIGHT *p = w + ((size_t)e * panels + panel) * n * 16;
    for (uint slot = 0; slot < slots; slot++) {
        if (chosen[slot] != (int)e) continue;  // the same for the whole group
        __global const float *x = x_base + (size_t)(slot / per_row) * n;
        float16 acc = (float16)(0.0f);
        for (uint k = l; k < n; k += GPU_WG) acc = fma(LOAD16(k, p), (float16)(x[k]), acc);
        vstore16(acc, 0, part[l]);
        barrier(CLK_LOCAL_MEM_FENCE);
        if (l < 16 && panel * 16 + l < width) {
            float sum = 0.0f;
            for (uint i = 0; i < GPU_WG; i++) sum += part[i][l];
            out_base[(size_t)slot * width + panel * 16 + l] = sum * (weight ? weight[slot] : 1.0f);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}
#define PANEL_ITEM get_group_id(0)
#define LOCAL_PART , part
#define DECLARE_PART __local float part[GPU_WG][16];
#define SHAPE __attribute__((reqd_work_group_size(GPU_WG, 1, 1)))
#else
#define PANEL_ITEM get_global_id(0)
#define LOCAL_PART
#define DECLARE_PART
#define SHAPE
#endif

// gu[slot][16 panel + j] = W_gate_up[e][16 panel + j] . h[token], for every expert e and the slots (token, j)
// routed to it: one item (CPU) or work-group (GPU) per panel index, looping over the experts (one work-group per
// (panel, expert) cost more in launch overhead on a CPU than the loop); an untouched expert's panel is not read.
__kernel SHAPE void expert_gate_up(__global const WEIGHT *w, __global const float *h, __global const int *chosen,
                                   __global float *gu, uint d, uint f2, uint rows)
{
    DECLARE_PART
    const uint panel = PANEL_ITEM, panels = (f2 + 15) / 16;
    for (uint e = 0; e < E; e++) expert_panel(w, e, panel, panels, d, h, K, chosen, 0, gu, f2, rows * K LOCAL_PART);
}

// a[slot][i] = SiLU(gate) x up of the slot's expert, one item per (element, slot).
__kernel void expert_silu(__global const float *gu, __global float *a, uint f)
{
    const uint i = get_global_id(0), slot = get_global_id(1);
    if (i >= f) return;
    const float g = gu[(size_t)slot * 2 * f + i], u = gu[(size_t)slot * 2 * f + f + i];
    a[(size_t)slot * f + i] = g / (1.0f + exp(-g)) * u;
}

// dn[slot][r] = weight[slot] x (W_down[e][r] . a[slot]), for every expert e and the slots routed to it.
__kernel SHAPE void expert_down(__global const WEIGHT *w, __global const float *a, __global const int *chosen,
                                __global const float *weight, __global float *dn, uint d, uint f, uint rows)
{
    DECLARE_PART
    const uint panel = PANEL_ITEM, panels = (d + 15) / 16;
    for (uint e = 0; e < E; e++)
        expert_panel(w, e, panel, panels, f, a, 1, chosen, weight, dn, d, rows * K LOCAL_PART);
}

// Prefill: the slots grouped by expert (a counting sort in one item; a few thousand slots): expert e's slots are
// order[start[e]] .. order[start[e + 1] - 1], in ascending order. A slot routed nowhere valid is left out (its rows
// stay unwritten, and the check finds them).
__kernel void route_group(__global const int *chosen, __global int *start, __global int *order, uint slots)
{
    if (get_global_id(0) != 0) return;
    int at[E + 1];
    for (uint e = 0; e <= E; e++) at[e] = 0;
    for (uint s = 0; s < slots; s++)
        if (chosen[s] >= 0 && chosen[s] < E) at[chosen[s] + 1]++;
    for (uint e = 0; e < E; e++) at[e + 1] += at[e];
    for (uint e = 0; e <= E; e++) start[e] = at[e];
    for (uint s = 0; s < slots; s++)
        if (chosen[s] >= 0 && chosen[s] < E) order[at[chosen[s]]++] = (int)s;
}

// Eight slots of one expert against one panel (a GEMM tile of 16 rows x 8 slots): each weight loaded and converted
// once for the eight, the accumulators named so they stay in registers.
static void panel_dot8(__global const WEIGHT *p, __global const float *const x[8], uint n, float16 out[8])
{
    float16 a0 = (float16)(0.0f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
    __global const float *x0 = x[0], *x1 = x[1], *x2 = x[2], *x3 = x[3], *x4 = x[4], *x5 = x[5], *x6 = x[6],
                         *x7 = x[7];
    for (uint k = 0; k < n; k++) {
        const float16 w = LOAD16(k, p);
        a0 = fma(w, (float16)(x0[k]), a0);
        a1 = fma(w, (float16)(x1[k]), a1);
        a2 = fma(w, (float16)(x2[k]), a2);
        a3 = fma(w, (float16)(x3[k]), a3);
        a4 = fma(w, (float16)(x4[k]), a4);
        a5 = fma(w, (float16)(x5[k]), a5);
        a6 = fma(w, (float16)(x6[k]), a6);
        a7 = fma(w, (float16)(x7[k]), a7);
    }
    out[0] = a0, out[1] = a1, out[2] = a2, out[3] = a3, out[4] = a4, out[5] = a5, out[6] = a6, out[7] = a7;
}

// Panel `panel` of expert e's matrix (`panels` panels of n inputs) times every slot routed to e, eight slots a
// pass: the panel comes from memory once for all of them (it stays in cache between passes). Slot s reads
// x_base + (s / per_row) n and writes out_base + s width + 16 panel, scaled by weight[s] (weight may be 0: no
// scale). A last pass of fewer than eight repeats its last slot and stores each once.
static void grouped_panel(__global const WEIGHT *w, uint e, uint panel, uint panels, uint n,
                          __global const float *x_base, uint per_row, __global const int *start,
                          __global const int *order, __global const float *weight, __global float *out_base,
                          uint width)
{
    __global const WEIGHT *p = w + ((size_t)e * panels + panel) * n * 16;
    const int first = start[e], last = start[e + 1];
    for (int b = first; b < last; b += 8) {
        const int count = min(8, last - b);
        __global const float *x[8];
        float16 v[8];
        for (int i = 0; i < 8; i++) x[i] = x_base + (size_t)(order[b + min(i, count - 1)] / per_row) * n;
        panel_dot8(p, x, n, v);
        for (int i = 0; i < count; i++) {
            const int slot = order[b + i];
            store_panel(v[i], weight ? weight[slot] : 1.0f, out_base + (size_t)slot * width, panel * 16, width);
        }
    }
}

// Prefill's gate/up: gu[slot][16 panel + j] = W_gate_up[e][16 panel + j] . h[token], one item per (panel, expert).
__kernel void expert_gemm_gate_up(__global const WEIGHT *w, __global const float *h, __global const int *start,
                                  __global const int *order, __global float *gu, uint d, uint f2)
{
    const uint panel = get_global_id(0), e = get_global_id(1);
    grouped_panel(w, e, panel, (f2 + 15) / 16, d, h, K, start, order, 0, gu, f2);
}

// Prefill's down: dn[slot][r] = weight[slot] x (W_down[e][r] . a[slot]), one item per (panel, expert).
__kernel void expert_gemm_down(__global const WEIGHT *w, __global const float *a, __global const int *start,
                               __global const int *order, __global const float *weight, __global float *dn, uint d,
                               uint f)
{
    const uint panel = get_global_id(0), e = get_global_id(1);
    grouped_panel(w, e, panel, (d + 15) / 16, f, a, 1, start, order, weight, dn, d);
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

// One expert's fp32 row-major matrix [rows][cols] (the staging buffer) into panels of 16 rows, [panel][k][16], zero
// past the last row, stored in the weights' format (round to nearest even for fp16, as the host mirror rounds) at
// element `offset`. One item per (panel, k).
__kernel void pack_expert(__global const float *src, __global WEIGHT *dst, ulong offset, uint rows, uint cols)
{
    const uint panel = get_global_id(0), k = get_global_id(1);
    if (k >= cols) return;
    float values[16];
    for (uint j = 0; j < 16; j++) {
        const uint r = panel * 16 + j;
        values[j] = r < rows ? src[(size_t)r * cols + k] : 0.0f;
    }
    STORE16(vload16(0, values), 0, dst + offset + ((size_t)panel * cols + k) * 16);
}
