// tfbench-prelude: attention_prelude.cl
/* Naive attention, the textbook three steps with the n_q x n_kv score matrix S of every head in device memory:
 * S = Q K^T (scaled), a row softmax over S (max-subtracted), then O = S V. Layouts: q/out [batch][heads][n_q][D],
 * k/v [batch][heads / group][n_kv][D], s [batch * heads][n_q][n_kv]. Scores are stored in the log2 domain
 * (scale_log2 = log2(e) / sqrt(D)) so the softmax uses exp2. Under the causal mask (query i sees keys
 * j <= i + n_kv - n_q) the masked cells are never written or read. The loops along D are unrolled (PoCL would keep
 * the accumulators in memory otherwise). Build options: D, DV (vector width along D). */

static uint visible_keys(uint i, uint n_q, uint n_kv, int causal)
{
    return causal ? i + (n_kv - n_q) + 1 : n_kv;
}

/* One score per item: global (n_kv, n_q, batch * heads). */
__kernel void scores(__global const float *q, __global const float *k, __global float *s, uint n_q, uint n_kv,
                     uint heads, uint group, float scale_log2, int causal)
{
    const uint j = get_global_id(0), i = get_global_id(1), bh = get_global_id(2);
    if (j >= visible_keys(i, n_q, n_kv, causal) || i >= n_q) return;
    const uint kv_head = bh / heads * (heads / group) + bh % heads / group;
    __global const float *qrow = q + ((size_t)bh * n_q + i) * D;
    __global const float *krow = k + ((size_t)kv_head * n_kv + j) * D;
    dvec acc = DLOAD(0, qrow) * DLOAD(0, krow);
#pragma unroll
    for (uint c = 1; c < NV; c++) acc = fma(DLOAD(c, qrow), DLOAD(c, krow), acc);
    s[((size_t)bh * n_q + i) * n_kv + j] = HSUM(acc) * scale_log2;
}

/* One row per item: global (n_q, batch * heads). */
__kernel void softmax_rows(__global float *s, uint n_q, uint n_kv, int causal)
{
    const uint i = get_global_id(0), bh = get_global_id(1);
    if (i >= n_q) return;
    __global float *row = s + ((size_t)bh * n_q + i) * n_kv;
    const uint visible = visible_keys(i, n_q, n_kv, causal);
    float max_score = -INFINITY;
    for (uint j = 0; j < visible; j++) max_score = fmax(max_score, row[j]);
    float sum = 0.0f;
    for (uint j = 0; j < visible; j++) {
        float e = exp2(row[j] - max_score);
        row[j] = e;
        sum += e;
    }
    const float inv = 1.0f / sum;
    for (uint j = 0; j < visible; j++) row[j] *= inv;
}

/* One output row per item: global (n_q, batch * heads). */
__kernel void weighted_values(__global const float *s, __global const float *v, __global float *out, uint n_q,
                              uint n_kv, uint heads, uint group, int causal)
{
    const uint i = get_global_id(0), bh = get_global_id(1);
    if (i >= n_q) return;
    const uint kv_head = bh / heads * (heads / group) + bh % heads / group;
    __global const float *row = s + ((size_t)bh * n_q + i) * n_kv;
    __global const float *vh = v + (size_t)kv_head * n_kv * D;
    dvec o[NV];
    for (uint c = 0; c < NV; c++) o[c] = (dvec)(0.0f);
    const uint visible = visible_keys(i, n_q, n_kv, causal);
    for (uint j = 0; j < visible; j++) {
        dvec p = (dvec)(row[j]);
#pragma unroll
        for (uint c = 0; c < NV; c++) o[c] = fma(p, DLOAD(c, vh + (size_t)j * D), o[c]);
    }
    __global float *orow = out + ((size_t)bh * n_q + i) * D;
    for (uint c = 0; c < NV; c++) DSTORE(o[c], c, orow);
}
