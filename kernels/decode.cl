// tfbench-prelude: attention_prelude.cl
/* Decode attention (flash-decoding): one new query per head against a KV cache of n_kv keys. The sequence is split
 * into chunks of CHUNK keys; each work-item streams one chunk of one KV head for all G = heads / kv_heads query
 * heads that share it (so GQA/MQA read each cached byte once), keeping a partial softmax state (max m, sum l,
 * unnormalized output o). decode_combine merges the chunks. Scores are in the log2 domain (q pre-scaled).
 * Layouts: q/out [batch][heads][D], v [batch][kv_heads][n_kv][D], partial o [batch * heads][splits][D], partial m/l
 * [batch * heads][splits][2]. K is stored key-blocked (decode_pack_keys), as paged-attention engines store it: per
 * KV head, blocks of 16 keys, each block [D][16], padded to whole blocks. Then the 16 scores of a block are one
 * vector, sum over d of q[d] x (the block's row d), with no transposes, and one row load serves several heads.
 * Inner loops carry `#pragma unroll` (PoCL leaves them rolled otherwise, with the accumulators in memory). Build
 * options: D, DV (vector width along D, for V and O), G, PREFETCH (CPU devices: the __builtin_prefetch
 * locality hint of the L2 stage, see prefetch_share), KV_FORMAT and KV_BLOCKED (the cache's format and layout,
 * below). */

#define BLOCK 16

/* The cache's format (KV_FORMAT): 0 fp32, 1 fp16 (IEEE half, read with vload_half: no cl_khr_fp16 needed), 2 q8_0
 * (llama.cpp's blocks of 32 values along d: an fp16 scale and 32 int8, value = q x scale; D a multiple of 32).
 * Layouts: without KV_BLOCKED (fp32 only: the layer's cache) K is the key-blocked buffer above and V its own
 * [n_kv][D] buffer; with KV_BLOCKED (the decode suite, every format) one buffer holds, per slice, blocks of 16 keys,
 * each its K part then its V part, so a work-item reads one sequential stream (two buffers in 2 MiB pages put a
 * work-item's K and V blocks at the same offsets: the same cache sets and DRAM banks). A part is its values then
 * (q8_0) its scales: K values [D][16] and K scales [D/32][16] (a
 * group's 16 scales are one vector), V values [16][D] and V scales [D/32][16] (so the 16 rows' weights of a group
 * are one product of vectors). Pointers into the cache are bytes. */
#ifndef KV_FORMAT
#define KV_FORMAT 0
#endif
#if KV_FORMAT == 0
#define VALUE_BYTES 4
#elif KV_FORMAT == 1
#define VALUE_BYTES 2
#else
#define VALUE_BYTES 1
#endif
#if KV_FORMAT == 2
#define QGROUP 32                                  /* values per scale */
#define SCALE_BYTES (BLOCK * (D / QGROUP) * 2)     /* a part's scales */
#define KGROUP QGROUP                              /* d rows scored before a scale is applied */
#else
#define SCALE_BYTES 0
#define KGROUP D
#endif
#define PART_BYTES (BLOCK * D * VALUE_BYTES + SCALE_BYTES)
#ifdef KV_BLOCKED
#define STRIDE (2 * PART_BYTES)                    /* from one block of a stream to the next */
#else
#define STRIDE PART_BYTES
#endif
#define PART_LINES ((PART_BYTES + 63) / 64)

typedef __global const uchar *cache_ptr;

/* Row d of a block's K part: the 16 keys' values (unscaled for q8_0). */
static float16 k_row(cache_ptr kb, uint d)
{
#if KV_FORMAT == 0
    return vload16(d, (__global const float *)kb);
#elif KV_FORMAT == 1
    return vload_half16(d, (__global const half *)kb);
#else
    return convert_float16(vload16(d, (__global const char *)kb));
#endif
}

/* Scores of scale group g (d rows g * KGROUP ..) times the 16 keys' scales of that group: 1 unless q8_0. */
static float16 k_scaled(cache_ptr kb, uint g, float16 sum)
{
#if KV_FORMAT == 2
    return sum * vload_half16(g, (__global const half *)(kb + BLOCK * D));
#else
    return sum;
#endif
}

/* Chunk c (DV values) of V row `row` of a block's V part, as floats, times the row's weight p. */
#if KV_FORMAT == 0
#define V_CHUNK(vb, row, c) DLOAD(c, (__global const float *)((vb) + (row) * D * 4))
#elif KV_FORMAT == 1
#if DV == 1
#define V_CHUNK(vb, row, c) vload_half(c, (__global const half *)((vb) + (row) * D * 2))
#else
#define V_CHUNK(vb, row, c) CAT(vload_half, DV)(c, (__global const half *)((vb) + (row) * D * 2))
#endif
#else /* q8_0: D is a multiple of 32, so DV = 16 */
#define V_CHUNK(vb, row, c) convert_float16(vload16(c, (__global const char *)((vb) + (row) * D)))
#endif
/* The weights of a block's 16 V rows for each scale group: p, times the rows' scales of the group for q8_0. */
#if KV_FORMAT == 2
#define V_GROUPS (D / QGROUP)
static void v_weights(cache_ptr vb, const float p[BLOCK], float w[V_GROUPS][BLOCK])
{
    const float16 pv = vload16(0, p);
#pragma unroll
    for (uint q = 0; q < V_GROUPS; q++)
        vstore16(pv * vload_half16(q, (__global const half *)(vb + BLOCK * D)), 0, w[q]);
}
#define V_WEIGHT(w, p, c, j) (w)[(c) * DV / QGROUP][j]
#else
#define V_GROUPS 1
static void v_weights(cache_ptr vb, const float p[BLOCK], float w[V_GROUPS][BLOCK])
{
}
#define V_WEIGHT(w, p, c, j) (p)[j]
#endif

/* Heads scored together (HB, a divisor of G) and partial sums per head (AC): HB * AC = 8 independent FMA chains
 * hide the FMA latency, and each K row loaded serves HB heads. */
#if G % 4 == 0
#define HB 4
#elif G % 2 == 0
#define HB 2
#else
#define HB 1
#endif
#define AC (8 / HB)

/* The key-blocked K of decode_partial from the [slices][n_kv][D] layout, one item per (slice, padded key); keys
 * past n_kv repeat the last key (their scores are masked, and every value stays a finite input). */
__kernel void decode_pack_keys(__global const float *k, __global float *packed, uint n_kv, uint n_pad, uint slices)
{
    const uint item = get_global_id(0);
    if (item >= slices * n_pad) return;
    const uint slice = item / n_pad, key = item % n_pad;
    __global const float *row = k + ((size_t)slice * n_kv + min(key, n_kv - 1)) * D;
    __global float *block = packed + ((size_t)slice * n_pad + key / BLOCK * BLOCK) * D + key % BLOCK;
    for (uint d = 0; d < D; d++) block[d * BLOCK] = row[d];
}

/* One value x stored at `at` of a part (fp32, fp16 rounded to nearest even, or the q8_0 code q) */
static void store_value(__global uchar *part, size_t at, float x, float inverse_scale)
{
#if KV_FORMAT == 0
    ((__global float *)part)[at] = x;
#elif KV_FORMAT == 1
    vstore_half_rte(x, at, (__global half *)part);
#else
    ((__global char *)part)[at] = convert_char_sat_rte(x * inverse_scale);
#endif
}

/* One key or value row of D into a part: value d at values + d * step; q8_0 scale of group g at scales[g * sstep].
 * q8_0 as llama.cpp quantizes: scale = max|x| / 127 of the group (stored as fp16, rounded to nearest even), codes
 * round(x / scale) to nearest even, computed as x x (127 / max|x|) (0 for an all-zero group). */
static void store_row(__global const float *row, __global uchar *part, size_t first, uint step,
                      __global half *scales, uint sstep)
{
#if KV_FORMAT == 2
    for (uint g = 0; g < D / QGROUP; g++) {
        float amax = 0.0f;
        for (uint d = g * QGROUP; d < (g + 1) * QGROUP; d++) amax = fmax(amax, fabs(row[d]));
        vstore_half_rte(amax / 127.0f, (size_t)g * sstep, scales);
        const float inverse = amax > 0.0f ? 127.0f / amax : 0.0f;
        for (uint d = g * QGROUP; d < (g + 1) * QGROUP; d++)
            store_value(part, first + (size_t)d * step, row[d], inverse);
    }
#else
    for (uint d = 0; d < D; d++) store_value(part, first + (size_t)d * step, row[d], 0.0f);
#endif
}

/* The KV_BLOCKED cache from K and V in [slices][n_kv][D] (fp32), one item per (slice, padded key); keys past n_kv
 * repeat the last key, as in decode_pack_keys. Setup, never timed: an engine writes each token once. */
__kernel void decode_pack_kv(__global const float *k, __global const float *v, __global uchar *packed, uint n_kv,
                             uint n_pad, uint slices)
{
    const uint item = get_global_id(0);
    if (item >= slices * n_pad) return;
    const uint slice = item / n_pad, key = item % n_pad, j = key % BLOCK;
    const size_t src = ((size_t)slice * n_kv + min(key, n_kv - 1)) * D;
    __global uchar *kpart = packed + ((size_t)slice * (n_pad / BLOCK) + key / BLOCK) * 2 * PART_BYTES;
    __global uchar *vpart = kpart + PART_BYTES;
    /* K: value d of key j at [d][16]; scales [D/32][16]. V: row j [16][D]; scales [D/32][16]. */
    store_row(k + src, kpart, j, BLOCK, (__global half *)(kpart + BLOCK * D * VALUE_BYTES) + j, BLOCK);
    store_row(v + src, vpart, (size_t)j * D, 1, (__global half *)(vpart + BLOCK * D * VALUE_BYTES) + j, BLOCK);
}

/* The layer's append (suites/layer) into a KV_BLOCKED cache: one new key and value per slice, fp32 rows [slices][D]
 * as its rotary kernel leaves them, stored at position `pos` as decode_pack_kv stores every key. One item per
 * slice. Timed: it is the step's own cache write. */
__kernel void decode_append_kv(__global const float *k, __global const float *v, __global uchar *packed, uint n_pad,
                               uint pos, uint slices)
{
    const uint slice = get_global_id(0), j = pos % BLOCK;
    if (slice >= slices) return;
    __global uchar *kpart = packed + ((size_t)slice * (n_pad / BLOCK) + pos / BLOCK) * 2 * PART_BYTES;
    __global uchar *vpart = kpart + PART_BYTES;
    store_row(k + (size_t)slice * D, kpart, j, BLOCK, (__global half *)(kpart + BLOCK * D * VALUE_BYTES) + j, BLOCK);
    store_row(v + (size_t)slice * D, vpart, (size_t)j * D, 1, (__global half *)(vpart + BLOCK * D * VALUE_BYTES) + j,
              BLOCK);
}

/* On a CPU the block's computation (G heads' scores, softmax and V sums) runs without touching memory for long
 * enough that the hardware prefetcher stops running ahead, so memory and compute take turns. So the next block's
 * lines are prefetched a few at a time from each of the 32 * G slots of this block (16 in the scores and 16 in the
 * V sums of each head); bunched together they stall like loads (all in the score phase: 21 ms vs 18 for GQA-8 at
 * n = 16384). Where the kernel is memory-bound (G <= 8: at most 4 FLOP/byte) the same slots also fetch the block
 * after next into L2, so the one-ahead prefetch into L1 is an L2 hit and the block's loads never wait on DRAM
 * (GQA-8 at n = 16384: 17.9 -> 16.8 ms, MHA unchanged). For larger G the extra prefetches cost the compiler its
 * registers (MQA 7.3 -> 25 ms). MHA (G = 1) reads each line once, and its block (8 KiB of K and 8 of V) prefetched
 * whole into L1 ahead of the one in use fills a 32 KiB L1: lines were evicted before their loads came. So MHA
 * fetches only the next block, into L2, and leaves L1 to the hardware prefetcher (b4-h32-n8192-d128 on a 2-core
 * Zen 4 VM, PoCL, rounds alternated with the read kernel: 0.81-0.89 -> 0.93-0.99 of its rate). */
#if defined(PREFETCH) && G > 1 && G <= 8
#define PREFETCH_FAR
#define PREFETCH_NEAR 3 /* prefetcht0: into L1 */
#elif defined(PREFETCH)
#define PREFETCH_NEAR PREFETCH
#endif
#define PREFETCH_SLOTS (32 * G)
static void prefetch_share(cache_ptr next_k, cache_ptr next_v, size_t far, uint slot)
{
#ifdef PREFETCH
    const uint lines = PART_LINES, per_slot = (lines + PREFETCH_SLOTS - 1) / PREFETCH_SLOTS;
#pragma unroll
    for (uint u = 0; u < per_slot; u++) {
        const uint line = slot * per_slot + u;
        if (line < lines) {
            /* through an integer: OpenCL C 1.2 has no cast from a __global to a private pointer */
            __builtin_prefetch((const void *)(size_t)(next_k + line * 64), 0, PREFETCH_NEAR);
            __builtin_prefetch((const void *)(size_t)(next_v + line * 64), 0, PREFETCH_NEAR);
#ifdef PREFETCH_FAR
            __builtin_prefetch((const void *)(size_t)(next_k + far + line * 64), 0, PREFETCH);
            __builtin_prefetch((const void *)(size_t)(next_v + far + line * 64), 0, PREFETCH);
#endif
        }
    }
#endif
}

/* Scores of the block's 16 keys for heads g0 .. g0 + HB - 1 into s[]; keys at or past `end` get -inf. The
 * prefetch slots of these heads' score phase are spread over the D rows. */
static void block_scores(cache_ptr kb, float qs[G][D], uint g0, uint j0, uint end, cache_ptr next_k,
                         cache_ptr next_v, size_t far, float16 s[HB])
{
    float16 total[HB];
#pragma unroll
    for (uint g = 0; g < D / KGROUP; g++) {
        float16 acc[HB][AC];
#pragma unroll
        for (uint h = 0; h < HB; h++)
#pragma unroll
            for (uint a = 0; a < AC; a++) acc[h][a] = (float16)(0.0f);
#pragma unroll
        for (uint d = g * KGROUP; d < (g + 1) * KGROUP; d++) {
#pragma unroll
            for (uint sl = d * HB * 16 / D; sl < (d + 1) * HB * 16 / D; sl++)
                prefetch_share(next_k, next_v, far, (g0 + sl / 16) * 32 + sl % 16);
            const float16 row = k_row(kb, d);
#pragma unroll
            for (uint h = 0; h < HB; h++) acc[h][d % AC] = fma((float16)(qs[g0 + h][d]), row, acc[h][d % AC]);
        }
#pragma unroll
        for (uint h = 0; h < HB; h++) {
            float16 sum = acc[h][0];
#pragma unroll
            for (uint a = 1; a < AC; a++) sum += acc[h][a];
            sum = k_scaled(kb, g, sum);
            total[h] = g == 0 ? sum : total[h] + sum;
        }
    }
    const int16 lane = (int16)(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
#pragma unroll
    for (uint h = 0; h < HB; h++) {
        float16 sum = total[h];
        if (j0 + BLOCK > end) sum = select(sum, (float16)(-INFINITY), lane + (int)j0 >= (int)end);
        s[h] = sum;
    }
}

/* The online-softmax step of one head for one block: new max, the rescale of the old state, the weights p. */
static float softmax_step(float16 s, float *m, float *l, float p[BLOCK])
{
    const float block_max = max16(s);              /* the block's first key is < end, so m_new is finite */
    const float m_new = block_max > *m ? block_max : *m;
    const float16 e = exp2_nonpositive(s - m_new);
    /* the running maximum settles after a few blocks: most blocks need no rescaling */
    const float correction = m_new > *m ? exp2(*m - m_new) : 1.0f;
    *l = *l * correction + hsum16(e);
    *m = m_new;
    vstore16(e, 0, p);
    return correction;
}

/* k, v: the cache (with KV_BLOCKED both name the one buffer). */
__kernel void decode_partial(__global const float *q, __global const uchar *k, __global const uchar *v,
                             __global float *part_o, __global float *part_ml, uint n_kv, uint chunk, uint splits,
                             uint slices, float scale_log2)
{
    const uint item = get_global_id(0);
    if (item >= splits * slices) return;
    const uint split = item % splits, kv_slice = item / splits; /* kv_slice = batch * kv_heads + kv head */
    const uint begin = split * chunk, end = min(n_kv, begin + chunk), n_pad = (n_kv + BLOCK - 1) / BLOCK * BLOCK;
#ifdef KV_BLOCKED
    cache_ptr kh = k + (size_t)kv_slice * (n_pad / BLOCK) * STRIDE, vh = kh + PART_BYTES;
#else
    cache_ptr kh = k + (size_t)kv_slice * n_pad * D * 4, vh = v + (size_t)kv_slice * n_kv * D * 4;
#endif

    float qs[G][D], m[G], l[G];
    dvec o[G][NV];
    for (uint g = 0; g < G; g++) {
        __global const float *qrow = q + ((size_t)kv_slice * G + g) * D;
        for (uint d = 0; d < D; d++) qs[g][d] = qrow[d] * scale_log2;
        for (uint c = 0; c < NV; c++) o[g][c] = (dvec)(0.0f);
        m[g] = -INFINITY;
        l[g] = 0.0f;
    }
    for (uint j0 = begin; j0 < end; j0 += BLOCK) {
        float p[G][BLOCK], correction[G];
        /* the chunk's last blocks prefetch themselves again (a prefetch past a partial block's end cannot fault);
         * far: from the next block to the one after it */
        const uint ahead = j0 + BLOCK < end ? j0 + BLOCK : j0, after = ahead + BLOCK < end ? ahead + BLOCK : ahead;
        const size_t next = (size_t)(ahead / BLOCK) * STRIDE, far = (size_t)((after - ahead) / BLOCK) * STRIDE;
        cache_ptr kb = kh + (size_t)(j0 / BLOCK) * STRIDE, vb = vh + (size_t)(j0 / BLOCK) * STRIDE;
#pragma unroll 1
        for (uint g0 = 0; g0 < G; g0 += HB) {
            float16 s[HB];
            block_scores(kb, qs, g0, j0, end, kh + next, vh + next, far, s);
#pragma unroll
            for (uint h = 0; h < HB; h++) correction[g0 + h] = softmax_step(s[h], &m[g0 + h], &l[g0 + h], p[g0 + h]);
        }
        /* Head by head: NV independent accumulators in registers; the block's 16 V rows stay in the L1 cache
         * across heads. */
#pragma unroll 1
        for (uint g = 0; g < G; g++) {
            dvec og[NV];
            float w[V_GROUPS][BLOCK];
            v_weights(vb, p[g], w);
#pragma unroll
            for (uint c = 0; c < NV; c++) og[c] = o[g][c] * correction[g];
#pragma unroll
            for (uint j = 0; j < BLOCK; j++) {
#ifdef KV_BLOCKED
                const uint row = j; /* rows past n_kv repeat the last one, with weight 0 */
#else
                const uint row = min(j0 + j, end - 1) - j0; /* the split layout has no rows past n_kv */
#endif
                prefetch_share(kh + next, vh + next, far, g * 32 + 16 + j);
#pragma unroll
                for (uint c = 0; c < NV; c++) og[c] = fma((dvec)(V_WEIGHT(w, p[g], c, j)), V_CHUNK(vb, row, c), og[c]);
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
