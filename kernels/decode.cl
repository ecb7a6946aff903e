/* Decode attention (flash-decoding): one new query per head against a KV cache of n_kv keys. The sequence is split
 * into chunks of CHUNK keys; each work-item streams one chunk of one KV head for all G = heads / kv_heads query
 * heads that share it (so GQA/MQA read each cached byte once), keeping a partial softmax state (max m, sum l,
 * unnormalized output o). decode_combine merges the chunks. Scores are in the log2 domain (q pre-scaled).
 * Layouts: q/out [batch][heads][D], k/v [batch][kv_heads][n_kv][D], partial o [batch * heads][splits][D],
 * partial m/l [batch * heads][splits][2]. Build options: D, DV (vector width along D), G, BKD (keys per block). */

#if DV == 16
typedef float16 dvec;
#define DLOAD(i, p) vload16((i), (p))
#define DSTORE(x, i, p) vstore16((x), (i), (p))
#define HSUM(x) hsum16(x)
#elif DV == 8
typedef float8 dvec;
#define DLOAD(i, p) vload8((i), (p))
#define DSTORE(x, i, p) vstore8((x), (i), (p))
#define HSUM(x) hsum8(x)
#elif DV == 4
typedef float4 dvec;
#define DLOAD(i, p) vload4((i), (p))
#define DSTORE(x, i, p) vstore4((x), (i), (p))
#define HSUM(x) hsum4(x)
#else
typedef float dvec;
#define DLOAD(i, p) ((p)[i])
#define DSTORE(x, i, p) ((p)[i] = (x))
#define HSUM(x) (x)
#endif

#define NV (D / DV)

static float hsum4(float4 x)
{
    float2 a = x.lo + x.hi;
    return a.x + a.y;
}

static float hsum8(float8 x)
{
    return hsum4(x.lo + x.hi);
}

static float hsum16(float16 x)
{
    return hsum8(x.lo + x.hi);
}

/* Scores of keys [j0, j0 + BKD) for the G heads; keys at or past `end` get -inf. */
static void block_scores(__global const float *kh, dvec qv[G][NV], float s[G][BKD], uint j0, uint end)
{
    for (uint j = 0; j < BKD; j++) {
        if (j0 + j >= end) {
            for (uint g = 0; g < G; g++) s[g][j] = -INFINITY;
            continue;
        }
        __global const float *krow = kh + (size_t)(j0 + j) * D;
        dvec kk[NV];
        for (uint c = 0; c < NV; c++) kk[c] = DLOAD(c, krow);
        for (uint g = 0; g < G; g++) {
            dvec acc = qv[g][0] * kk[0];
            for (uint c = 1; c < NV; c++) acc = fma(qv[g][c], kk[c], acc);
            s[g][j] = HSUM(acc);
        }
    }
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
    for (uint j0 = begin; j0 < end; j0 += BKD) {
        float s[G][BKD];
        block_scores(kh, qv, s, j0, end);
        for (uint g = 0; g < G; g++) {        /* the block's first key is < end, so m_new is finite */
            float m_new = m[g];
            for (uint j = 0; j < BKD; j++) m_new = fmax(m_new, s[g][j]);
            float correction = exp2(m[g] - m_new), sum = 0.0f;
            for (uint j = 0; j < BKD; j++) {
                s[g][j] = exp2(s[g][j] - m_new);
                sum += s[g][j];
            }
            l[g] = l[g] * correction + sum;
            m[g] = m_new;
            for (uint c = 0; c < NV; c++) o[g][c] *= correction;
        }
        for (uint j = 0; j < BKD && j0 + j < end; j++) {
            __global const float *vrow = vh + (size_t)(j0 + j) * D;
            for (uint c = 0; c < NV; c++) {
                dvec vv = DLOAD(c, vrow);
                for (uint g = 0; g < G; g++) o[g][c] = fma((dvec)(s[g][j]), vv, o[g][c]);
            }
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
