/* Decode attention (flash-decoding): one new query per head against a KV cache of n_kv keys. The sequence is split
 * into chunks of CHUNK keys; each work-item streams one chunk of one KV head for all G = heads / kv_heads query
 * heads that share it (so GQA/MQA read each cached byte once), keeping a partial softmax state (max m, sum l,
 * unnormalized output o). decode_combine merges the chunks. Scores are in the log2 domain (q pre-scaled).
 * Layouts: q/out [batch][heads][D], k/v [batch][kv_heads][n_kv][D], partial o [batch * heads][splits][D],
 * partial m/l [batch * heads][splits][2]. Inner loops carry `#pragma unroll` (PoCL leaves them rolled otherwise,
 * with the accumulators in memory). Keys go 16 at a time (scores as one vector). Build options: D, DV (vector
 * width along D), G, and PREFETCH (CPU devices: the __builtin_prefetch locality hint, see prefetch_share). */


/* Lane sums of 16 vectors as one vector (lane j = sum of x[j]), pairing neighbours level by level: cheaper than 16
 * separate horizontal sums, and the 16 dot products before it are independent chains. */
static float16 pair16(float16 a, float16 b)
{
    return (float16)(a.even + a.odd, b.even + b.odd);
}

static float16 transpose_sum16(float16 x[16])
{
#pragma unroll
    for (uint step = 1; step < 16; step *= 2)
#pragma unroll
        for (uint j = 0; j < 16; j += 2 * step) x[j] = pair16(x[j], x[j + step]);
    return x[0];                                   /* lane j holds the sum of x[j]: the levels keep key order */
}

/* Scores of keys [j0, j0 + 16) for query head g, one vector; keys at or past `end` get -inf (their rows are
 * read clamped to the last key, so every load stays inside the cache). */
/* On a CPU the block's computation (G heads' scores, softmax and V sums) runs without touching memory for long
 * enough that the hardware prefetcher stops running ahead, so memory and compute take turns (measured: GQA-8 time =
 * memory time + compute time). So the next block's lines are prefetched a few at a time from each of the
 * 32 * G inner steps of this block (16 score steps and 16 V steps per head); in one burst they stall like loads. */
#define PREFETCH_SLOTS (32 * G)
static void prefetch_share(__global const float *next_k, __global const float *next_v, uint slot)
{
#ifdef PREFETCH
    const uint lines = D, per_slot = (lines + PREFETCH_SLOTS - 1) / PREFETCH_SLOTS; /* a block is D lines of 16 */
#pragma unroll
    for (uint u = 0; u < per_slot; u++) {
        const uint line = slot * per_slot + u;
        if (line < lines) {
            /* through an integer: OpenCL C 1.2 has no cast from a __global to a private pointer */
            __builtin_prefetch((const void *)(size_t)(next_k + line * 16), 0, PREFETCH);
            __builtin_prefetch((const void *)(size_t)(next_v + line * 16), 0, PREFETCH);
        }
    }
#endif
}

static float16 block_scores(__global const float *kh, const dvec q[NV], uint j0, uint end,
                            __global const float *next_k, __global const float *next_v, uint g)
{
    float16 acc[16];
#pragma unroll
    for (uint j = 0; j < 16; j++) {
        prefetch_share(next_k, next_v, g * 32 + j);
        __global const float *krow = kh + (size_t)min(j0 + j, end - 1) * D;
        dvec sum = q[0] * DLOAD(0, krow);
#pragma unroll
        for (uint c = 1; c < NV; c++) sum = fma(q[c], DLOAD(c, krow), sum);
#if DV == 16
        acc[j] = sum;
#else
        acc[j] = (float16)(0.0f);
        acc[j].s0 = HSUM(sum);
#endif
    }
    float16 s = transpose_sum16(acc);
    if (j0 + 16 <= end) return s;
    const int16 lane = (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    return select(s, (float16)(-INFINITY), lane + (int)j0 >= (int)end);
}

__kernel void decode_partial(__global const float *q, __global const float *k, __global const float *v,
                             __global float *part_o, __global float *part_ml, uint n_kv, uint chunk, uint splits,
                             uint slices, float scale_log2)
{
    const uint item = get_global_id(0);
    if (item >= splits * slices) return;
    const uint split = item % splits, kv_slice = item / splits; /* kv_slice = batch * kv_heads + kv head */
    const uint begin = split * chunk, end = min(n_kv, begin + chunk);
    __global const float *kh = k + (size_t)kv_slice * n_kv * D;
    __global const float *vh = v + (size_t)kv_slice * n_kv * D;

    dvec qv[G][NV], o[G][NV];
    float m[G], l[G];
    for (uint g = 0; g < G; g++) {
        __global const float *qrow = q + ((size_t)kv_slice * G + g) * D;
        for (uint c = 0; c < NV; c++) {
            qv[g][c] = DLOAD(c, qrow) * scale_log2;
            o[g][c] = (dvec)(0.0f);
        }
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }
    for (uint j0 = begin; j0 < end; j0 += 16) {
        float p[G][16], correction[G];
        /* the last block prefetches itself again (a prefetch past a partial block's end cannot fault) */
        const size_t next = (size_t)(j0 + 16 < end ? j0 + 16 : j0) * D;
#pragma unroll 1
        for (uint g = 0; g < G; g++) {       /* the block's first key is < end, so m_new is finite */
            dvec qg[NV];                      /* this head's query in registers (qv[g] is indexed at run time) */
#pragma unroll
            for (uint c = 0; c < NV; c++) qg[c] = qv[g][c];
            float16 s = block_scores(kh, qg, j0, end, kh + next, vh + next, g);
            const float block_max = max16(s);
            const float m_new = block_max > m[g] ? block_max : m[g];
            float16 e = exp2_nonpositive(s - m_new);
            /* the running maximum settles after a few blocks: most blocks need no rescaling */
            correction[g] = m_new > m[g] ? exp2(m[g] - m_new) : 1.0f;
            l[g] = l[g] * correction[g] + hsum16(e);
            m[g] = m_new;
            vstore16(e, 0, p[g]);
        }
        /* Head by head: NV independent accumulators in registers; the block's 16 V rows stay in the L1 cache
         * across heads. */
#pragma unroll 1
        for (uint g = 0; g < G; g++) {
            dvec og[NV];
#pragma unroll
            for (uint c = 0; c < NV; c++) og[c] = o[g][c] * correction[g];
#pragma unroll
            for (uint j = 0; j < 16; j++) {
                __global const float *vrow = vh + (size_t)min(j0 + j, end - 1) * D;
                const dvec pj = (dvec)(p[g][j]);
                prefetch_share(kh + next, vh + next, g * 32 + 16 + j);
#pragma unroll
                for (uint c = 0; c < NV; c++) og[c] = fma(pj, DLOAD(c, vrow), og[c]);
            }
#pragma unroll
            for (uint c = 0; c < NV; c++) o[g][c] = og[c];
        }
    }
    for (uint g = 0; g < G; g++) {
        size_t slot = ((size_t)kv_slice * G + g) * splits + split;
        for (uint c = 0; c < NV; c++) DSTORE(o[g][c], c, part_o + slot * D);
        part_ml[2 * slot] = m[g];
        part_ml[2 * slot + 1] = l[g];
    }
}

/* One item per (batch, head): out = sum_s o_s 2^(m_s - M) / sum_s l_s 2^(m_s - M), M = max_s m_s. */
__kernel void decode_combine(__global const float *part_o, __global const float *part_ml, __global float *out,
                             uint rows, uint splits)
{
    const uint row = get_global_id(0);
    if (row >= rows) return;
    __global const float *ml = part_ml + (size_t)row * splits * 2;
    float m_all = -INFINITY;
    for (uint s = 0; s < splits; s++) m_all = fmax(m_all, ml[2 * s]);
    dvec o[NV];
    for (uint c = 0; c < NV; c++) o[c] = (dvec)(0.0f);
    float l_all = 0.0f;
    for (uint s = 0; s < splits; s++) {
        float w = exp2(ml[2 * s] - m_all);
        l_all += ml[2 * s + 1] * w;
        __global const float *po = part_o + ((size_t)row * splits + s) * D;
        for (uint c = 0; c < NV; c++) o[c] = fma((dvec)(w), DLOAD(c, po), o[c]);
    }
    float inv = 1.0f / l_all;
    for (uint c = 0; c < NV; c++) DSTORE(o[c] * inv, c, out + (size_t)row * D);
}
