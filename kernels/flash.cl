// tfbench-prelude: attention_prelude.cl
/* Flash-style attention: one kernel, online softmax, K/V tiles streamed through local memory; the n x n score
 * matrix never exists. Layouts: q/out [batch][heads][n_q][D], k/v [batch][heads / group][n_kv][D].
 * A work-group of WG items owns WG * R consecutive query rows of one head; each item keeps R rows (their scaled
 * queries, running max m, running sum l and output accumulator o) so every K/V tile load serves WG * R rows.
 * Scores are computed in the log2 domain (q pre-multiplied by log2(e) / sqrt(D)) so the softmax uses exp2.
 * Inner loops carry `#pragma unroll`: PoCL leaves them rolled otherwise, and the accumulators then live in memory.
 * Build options: D (head dim), DV (vector width along D: 1, 4, 8, 16; divides D), BK (keys per tile, a
 * multiple of 16), R (rows per item), WG (items per group), TOKEN_MAJOR_OUT (out as [batch][n_q][heads][D]). */


#define KW 16                 /* keys per score vector */
#define KV (BK / KW)          /* score vectors per row and tile */


static float sum16(float16 x)
{
    float8 a = x.lo + x.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.x + c.y;
}


/* Each item copies its share of keys [j0, j0 + BK): K transposed (kt[c][j], so 16 keys' scores are one vector
 * FMA per element of q), V as rows. Keys past n_kv become zeros and are masked later. */
static void load_tile(__global const float *kh, __global const float *vh, __local float *kt, __local float *vt,
                      uint j0, uint n_kv)
{
    for (uint j = get_local_id(0); j < BK; j += WG) {
        uint key = j0 + j;
        if (key < n_kv) {
            __global const float *krow = kh + (size_t)key * D, *vrow = vh + (size_t)key * D;
            for (uint c = 0; c < D; c++) kt[c * BK + j] = krow[c];
            for (uint c = 0; c < NV; c++) DSTORE(DLOAD(c, vrow), c, vt + j * D);
        } else {
            for (uint c = 0; c < D; c++) kt[c * BK + j] = 0.0f;
            for (uint c = 0; c < NV; c++) DSTORE((dvec)(0.0f), c, vt + j * D);
        }
    }
}

__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void flash_attention(__global const float *q, __global const float *k, __global const float *v,
                     __global float *out, uint n_q, uint n_kv, uint heads, uint group, float scale_log2,
                     int causal)
{
    __local float kt[D * BK];
    __local float vt[BK * D];
    const uint bh = get_group_id(1);
    const uint kv_head = bh / heads * (heads / group) + bh % heads / group;
    const uint block_first = get_group_id(0) * (WG * R);
    const uint first = block_first + get_local_id(0) * R;   /* this item's first query row */
    const uint offset = n_kv - n_q;                          /* causal: row i sees keys <= i + offset */
    __global const float *kh = k + (size_t)kv_head * n_kv * D;
    __global const float *vh = v + (size_t)kv_head * n_kv * D;

    float qs[R][D];
    dvec o[R][NV];
    float m[R], l[R];
    for (uint r = 0; r < R; r++) {
        uint row = min(first + r, n_q - 1);                  /* rows past n_q compute a copy, never stored */
        __global const float *qrow = q + ((size_t)bh * n_q + row) * D;
        for (uint c = 0; c < D; c++) qs[r][c] = qrow[c] * scale_log2;
        for (uint c = 0; c < NV; c++) o[r][c] = (dvec)(0.0f);
        m[r] = -INFINITY;
        l[r] = 0.0f;
    }
    const uint block_last = min(block_first + WG * R, n_q) - 1;
    const uint kv_end = causal ? min(n_kv, block_last + offset + 1) : n_kv;
    const int16 lane = (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);

    for (uint j0 = 0; j0 < kv_end; j0 += BK) {
        barrier(CLK_LOCAL_MEM_FENCE);
        load_tile(kh, vh, kt, vt, j0, n_kv);
        barrier(CLK_LOCAL_MEM_FENCE);

        float16 s[R][KV];
#pragma unroll
        for (uint r = 0; r < R; r++)
#pragma unroll
            for (uint b = 0; b < KV; b++) s[r][b] = (float16)(0.0f);
        for (uint c = 0; c < D; c++)
#pragma unroll
            for (uint b = 0; b < KV; b++) {
                float16 kk = vload16(b, kt + c * BK);
#pragma unroll
                for (uint r = 0; r < R; r++) s[r][b] = fma((float16)(qs[r][c]), kk, s[r][b]);
            }

        /* Keys past the end, or after the row's position under the causal mask, get probability 0. Key 0 is
         * always visible, so m is finite after the first tile and exp2(-inf - m) = 0 afterwards. */
        const int needs_mask = j0 + BK > n_kv || (causal && j0 + BK - 1 > first + offset);
        float p[R][BK];
        for (uint r = 0; r < R; r++) {
            int limit = causal ? (int)min(first + r + offset, n_kv - 1) : (int)n_kv - 1;
            float tile_max = -INFINITY;
#pragma unroll
            for (uint b = 0; b < KV; b++) {
                if (needs_mask) s[r][b] = select(s[r][b], (float16)(-INFINITY), lane + (int)(j0 + b * KW) > limit);
                tile_max = fmax(tile_max, max16(s[r][b]));
            }
            float m_new = fmax(m[r], tile_max);
            float correction = exp2(m[r] - m_new);
            float tile_sum = 0.0f;
#pragma unroll
            for (uint b = 0; b < KV; b++) {
                float16 e = exp2_nonpositive(s[r][b] - m_new);
                tile_sum += sum16(e);
                vstore16(e, b, p[r]);
            }
            l[r] = l[r] * correction + tile_sum;
            m[r] = m_new;
#pragma unroll
            for (uint c = 0; c < NV; c++) o[r][c] *= correction;
        }

        for (uint c = 0; c < NV; c++) {
            dvec acc[R];
#pragma unroll
            for (uint r = 0; r < R; r++) acc[r] = o[r][c];
            for (uint j = 0; j < BK; j++) {
                dvec vv = DLOAD(c, vt + j * D);
#pragma unroll
                for (uint r = 0; r < R; r++) acc[r] = fma((dvec)(p[r][j]), vv, acc[r]);
            }
#pragma unroll
            for (uint r = 0; r < R; r++) o[r][c] = acc[r];
        }
    }

    for (uint r = 0; r < R; r++) {
        if (first + r >= n_q) break;
#ifdef TOKEN_MAJOR_OUT
        /* [batch][n_q][heads][D]: the [tokens][d_model] rows a following projection reads */
        __global float *orow = out + (((size_t)(bh / heads) * n_q + first + r) * heads + bh % heads) * D;
#else
        __global float *orow = out + ((size_t)bh * n_q + first + r) * D;
#endif
        float inv = 1.0f / l[r];
        for (uint c = 0; c < NV; c++) DSTORE(o[r][c] * inv, c, orow);
    }
}
