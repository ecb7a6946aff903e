// GEMV and GEMM for inference: C[M x N] = A[M x K] * W^T, W the weight matrix [N x K] (out x in features).
// Weights are static, so they are packed once into panels of TN rows: Wp[panel][k][j] = W[panel * TN + j][k]
// (zero past N). A work-item then reads its panel as one contiguous stream of TN-wide vectors, and a row of A
// is broadcast against it: every load of W feeds TM fused multiply-adds.
//
// Build options: -DTN=16|32|48|64 (panel width, a multiple of 16; up to 128 for gemm_tiled), -DTM=rows of C per
// register tile (gemm), -DMB=rows of C per work-item (gemm, a multiple of TM), -DWG=work-items sharing one panel's
// K range (gemv), -DSTREAMS=interleaved K sub-ranges per gemv work-item, -DPREFETCH=hint (gemv on CPUs,
// __builtin_prefetch; gemm on CPUs: the panel's next K block),
// -DWEIGHT_HALF: weights stored as IEEE half (vload_half16, vload_half: core built-ins, no cl_khr_fp16 needed),
// accumulation in float. GPU layouts: -DGROUP_WG, -DGROUP_ROWS (gemv_group), -DTILE_M, -DTILE_K, -DREG_M, -DREG_N
// (gemm_tiled); see each kernel.

#ifndef TN
#define TN 16
#endif
#define NV (TN / 16)

#ifdef WEIGHT_HALF
#define WTYPE half
#define LOAD_W(p) vload_half16(0, (p))
#define STORE_W(v, p) vstore_half16_rte((v), 0, (p))
#else
#define WTYPE float
#define LOAD_W(p) vload16(0, (p))
#define STORE_W(v, p) vstore16((v), 0, (p))
#endif

// One work-item per (panel, block of 16 k): reads the panel's TN rows x 16 k of the row-major W as vectors, and
// writes them transposed, TN weights per k (zero past N and K). W holds rows first_panel * TN onwards (a few panels
// staged at a time, or all of them from 0); each panel is written at its place in Wp.
__kernel void pack_weights(const __global float *W, __global WTYPE *Wp, uint N, uint K, uint first_panel)
{
    const uint panel = first_panel + get_global_id(0);
    const uint k0 = get_global_id(1) * 16;
    if (k0 >= K) return;
    float tile[TN][16];
    for (uint j = 0; j < TN; j++) {
        const uint n = panel * TN + j;
        const __global float *row = W + (size_t)(n - first_panel * TN) * K + k0;
        if (n < N && k0 + 16 <= K) {
            vstore16(vload16(0, row), 0, tile[j]);
        } else {
            for (uint kk = 0; kk < 16; kk++) tile[j][kk] = n < N && k0 + kk < K ? row[kk] : 0.0f;
        }
    }
    __global WTYPE *out = Wp + (size_t)panel * K * TN;
    for (uint kk = 0; kk < 16 && k0 + kk < K; kk++) {
        #pragma unroll
        for (uint v = 0; v < NV; v++) {
            float column[16];
            for (uint j = 0; j < 16; j++) column[j] = tile[v * 16 + j][kk];
            STORE_W(vload16(0, column), out + (size_t)(k0 + kk) * TN + v * 16);
        }
    }
}

// Stores one TN-wide row of C, clipped at N.
static void store_row(__global float *c, float16 v, uint n0, uint N)
{
    if (n0 + 16 <= N) {
        vstore16(v, 0, c + n0);
        return;
    }
    const float *lanes = (const float *)&v;
    for (uint j = 0; n0 + j < N; j++) c[n0 + j] = lanes[j];
}

// CPU devices (-DPREFETCH=hint, a tuned parameter of gemv and gemm): asks for one TN-wide row of a panel. A prefetch
// past the panel's end cannot fault.
#define ROW_BYTES (TN * (uint)sizeof(WTYPE))
static void prefetch_row(const __global WTYPE *row)
{
#ifdef PREFETCH
    #pragma unroll
    for (uint b = 0; b < ROW_BYTES; b += 64)
        __builtin_prefetch((const void *)((size_t)row + b), 0, PREFETCH);  // via an integer: no address-space cast
#endif
}

#ifdef WG
#ifndef STREAMS
#define STREAMS 2
#endif
// GEMV with -DPREFETCH: each stream prefetches the row PREFETCH_AHEAD bytes ahead of the one it reads. On a Xeon
// the hardware prefetcher alone kept too few lines in flight for STREAMS streams per core
// (fp16 weights 26.5 -> 31 GB/s, fp32 33 -> 34); on a Zen 4 the prefetch cost fp32 about 20%, so the tuner tries both.
#ifndef PREFETCH_AHEAD
#define PREFETCH_AHEAD 2048
#endif
#define PREFETCH_ROWS (PREFETCH_AHEAD / ROW_BYTES > 0 ? PREFETCH_AHEAD / ROW_BYTES : 1)
// GEMV (M = 1): a work-group of WG items per panel; item l sums a contiguous K range of its panel into TN partial
// sums, then the group adds the WG partials. The range is walked as STREAMS interleaved sub-ranges: independent FMA
// chains, and several memory streams in flight per core (one stream does not reach the memory bandwidth).
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv_packed(const __global float *x, const __global WTYPE *Wp, __global float *y, uint N, uint K)
{
    __local float16 partial[WG][NV];
    const uint panel = get_group_id(0), l = get_local_id(0);
    const uint chunk = ((K + WG - 1) / WG + 3) & ~3u;
    const uint k0 = min(K, l * chunk), k1 = min(K, k0 + chunk);
    const uint span = (k1 - k0) / STREAMS;
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    float16 acc[STREAMS][NV];
    #pragma unroll
    for (uint s = 0; s < STREAMS; s++)
        #pragma unroll
        for (uint v = 0; v < NV; v++) acc[s][v] = (float16)(0.0f);
    for (uint i = 0; i < span; i++) {
        #pragma unroll
        for (uint s = 0; s < STREAMS; s++) {
            const uint k = k0 + s * span + i;
            prefetch_row(w + (size_t)(k + PREFETCH_ROWS) * TN);
            const float16 a = (float16)(x[k]);
            #pragma unroll
            for (uint v = 0; v < NV; v++) acc[s][v] = fma(a, LOAD_W(w + (size_t)k * TN + v * 16), acc[s][v]);
        }
    }
    for (uint k = k0 + STREAMS * span; k < k1; k++)
        #pragma unroll
        for (uint v = 0; v < NV; v++) acc[0][v] = fma((float16)(x[k]), LOAD_W(w + (size_t)k * TN + v * 16), acc[0][v]);
    #pragma unroll
    for (uint v = 0; v < NV; v++) {
        float16 sum = acc[0][v];
        #pragma unroll
        for (uint s = 1; s < STREAMS; s++) sum += acc[s][v];
        partial[l][v] = sum;
    }
    barrier(CLK_LOCAL_MEM_FENCE);
    for (uint v = l; v < NV; v += WG) {
        float16 sum = partial[0][v];
        for (uint i = 1; i < WG; i++) sum += partial[i][v];
        store_row(y, sum, panel * TN + v * 16, N);
    }
}
#endif

#ifdef TM
#ifndef KC
#define KC 256
#endif
// Loads one TN-wide row of C, clipped at N (the running sums of the previous K block).
static float16 load_row(const __global float *c, uint n0, uint N)
{
    if (n0 + 16 <= N) return vload16(0, c + n0);
    float16 v = (float16)(0.0f);
    float *lanes = (float *)&v;
    for (uint j = 0; n0 + j < N; j++) lanes[j] = c[n0 + j];
    return v;
}

// GEMM with -DPREFETCH (the tuner offers hint 2 = into L2): while a K block's tiles pass over the panel's slice in
// L1, each step asks for the same row of the next slice (KC rows on). Without it the first tile of every slice
// waited on memory: on a 2-core Xeon VM 512 x 4096 x 4096 went 250 -> 297 GFLOP/s (the kernel with A and W both
// held in L1 reaches 356).

// GEMM: work-item (block, panel) computes rows [block * MB, block * MB + MB) x the panel's TN columns. Blocks are
// dimension 0, so a core runs one panel's blocks one after another and the panel (512 KiB in fp32 at TN 32, K 4096)
// comes from L2 after the first, while A (a few MiB) stays in the shared cache: with panels first every block
// streamed its panel from memory again, and the layer's FFN shapes ran at 231-235 GFLOP/s against 281-288 this
// way (512 x 22016 x 4096 and 512 x 4096 x 11008, tm 14 with the K-block prefetch, 2-core Xeon VM; 512 x 4096 x
// 4096 the same both ways). K is walked in blocks of KC so the panel's KC x TN slice stays in L1 while every
// TM-row register tile of the block passes over it (TM x NV float16 accumulators; the sums of earlier K blocks are
// kept in C). Rows past M are clamped on load (computed, never stored), so the inner loop has no branches.
__kernel void gemm_packed(const __global float *A, const __global WTYPE *Wp, __global float *C, uint M, uint N,
                          uint K)
{
    const uint panel = get_global_id(1);
    const uint row0 = get_global_id(0) * MB, row1 = min(row0 + MB, M);
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    for (uint kc = 0; kc < K; kc += KC) {
        const uint kend = min(kc + KC, K);
        for (uint m0 = row0; m0 < row1; m0 += TM) {
            const __global float *a[TM];
            float16 acc[TM][NV];
            #pragma unroll
            for (uint i = 0; i < TM; i++) {
                a[i] = A + (size_t)min(m0 + i, M - 1) * K;
                #pragma unroll
                for (uint v = 0; v < NV; v++)
                    acc[i][v] = kc > 0 && m0 + i < M ? load_row(C + (size_t)(m0 + i) * N, panel * TN + v * 16, N)
                                                     : (float16)(0.0f);
            }
            for (uint k = kc; k < kend; k++) {
                prefetch_row(w + (size_t)(k + KC) * TN);
                float16 wv[NV];
                #pragma unroll
                for (uint v = 0; v < NV; v++) wv[v] = LOAD_W(w + (size_t)k * TN + v * 16);
                #pragma unroll
                for (uint i = 0; i < TM; i++) {
                    const float16 ai = (float16)(a[i][k]);
                    #pragma unroll
                    for (uint v = 0; v < NV; v++) acc[i][v] = fma(ai, wv[v], acc[i][v]);
                }
            }
            #pragma unroll
            for (uint i = 0; i < TM; i++) {
                if (m0 + i >= M) break;
                #pragma unroll
                for (uint v = 0; v < NV; v++)
                    store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);
            }
        }
    }
}
#endif

#ifdef GROUP_WG
#ifndef GROUP_ROWS
#define GROUP_ROWS 1
#endif
// GPUs, GEMV and small batches: one work-group per panel. Its GROUP_WG items walk the panel's K rows interleaved
// (item l reads rows l, l + GROUP_WG, ...), so the items of a warp read consecutive TN-wide rows, one contiguous
// segment per load instruction (coalesced). Each item keeps GROUP_ROWS x TN partial sums (GROUP_ROWS rows of A: 1
// for GEMV, the batch class for small GEMMs; rows past M are clamped on load and never stored), and the group adds
// them row by row in a tree reduction in local memory.
__kernel __attribute__((reqd_work_group_size(GROUP_WG, 1, 1)))
void gemv_group(const __global float *A, const __global WTYPE *Wp, __global float *C, uint M, uint N, uint K)
{
    __local float16 partial[GROUP_WG * NV];
    const uint panel = get_group_id(0), l = get_local_id(0);
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    const __global float *a[GROUP_ROWS];
    float16 acc[GROUP_ROWS][NV];
    #pragma unroll
    for (uint r = 0; r < GROUP_ROWS; r++) {
        a[r] = A + (size_t)min(r, M - 1) * K;
        #pragma unroll
        for (uint v = 0; v < NV; v++) acc[r][v] = (float16)(0.0f);
    }
    for (uint k = l; k < K; k += GROUP_WG) {
        float16 wv[NV];
        #pragma unroll
        for (uint v = 0; v < NV; v++) wv[v] = LOAD_W(w + (size_t)k * TN + v * 16);
        #pragma unroll
        for (uint r = 0; r < GROUP_ROWS; r++) {
            const float16 x = (float16)(a[r][k]);
            #pragma unroll
            for (uint v = 0; v < NV; v++) acc[r][v] = fma(x, wv[v], acc[r][v]);
        }
    }
    #pragma unroll
    for (uint r = 0; r < GROUP_ROWS; r++) {
        #pragma unroll
        for (uint v = 0; v < NV; v++) partial[l * NV + v] = acc[r][v];
        barrier(CLK_LOCAL_MEM_FENCE);
        for (uint stride = GROUP_WG / 2; stride > 0; stride /= 2) {
            if (l < stride)
                for (uint v = 0; v < NV; v++) partial[l * NV + v] += partial[(l + stride) * NV + v];
            barrier(CLK_LOCAL_MEM_FENCE);
        }
        if (l < NV && r < M) store_row(C + (size_t)r * N, partial[l], panel * TN + l * 16, N);
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}
#endif

#ifdef TILE_M
// GPUs, GEMM: a work-group computes a TILE_M x TN tile of C (TN is the panel width, so a TILE_K slab of the tile's
// weights is one contiguous piece of the packed panel). Both operands of a slab go through local memory, loaded by
// all items together with consecutive items on consecutive addresses (coalesced); then each item accumulates a
// REG_M x REG_N block in registers, its rows and columns strided by the group's extent (conflict-free local reads,
// coalesced stores). Build options: TILE_M, TILE_K, REG_M (divides TILE_M), REG_N (divides TN).
#define GROUP_N (TN / REG_N)
#define GROUP_M (TILE_M / REG_M)
#define GROUP_ITEMS (GROUP_N * GROUP_M)
#ifdef WEIGHT_HALF
#define LOAD_W1(p) vload_half(0, (p))
#else
#define LOAD_W1(p) (*(p))
#endif
__kernel __attribute__((reqd_work_group_size(GROUP_N, GROUP_M, 1)))
void gemm_tiled(const __global float *A, const __global WTYPE *Wp, __global float *C, uint M, uint N, uint K)
{
    __local float as[TILE_K][TILE_M + 1];  // +1: the transposed stores of A land in different banks
    __local float ws[TILE_K][TN];
    const uint tx = get_local_id(0), ty = get_local_id(1), item = ty * GROUP_N + tx;
    const uint panel = get_group_id(0), m0 = get_group_id(1) * TILE_M;
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    float acc[REG_M][REG_N];
    #pragma unroll
    for (uint i = 0; i < REG_M; i++)
        #pragma unroll
        for (uint j = 0; j < REG_N; j++) acc[i][j] = 0.0f;
    for (uint k0 = 0; k0 < K; k0 += TILE_K) {
        for (uint e = item; e < TILE_M * TILE_K; e += GROUP_ITEMS) {
            const uint r = e / TILE_K, kk = e % TILE_K;
            as[kk][r] = k0 + kk < K ? A[(size_t)min(m0 + r, M - 1) * K + k0 + kk] : 0.0f;
        }
        for (uint e = item; e < TILE_K * TN; e += GROUP_ITEMS)
            ws[e / TN][e % TN] = k0 + e / TN < K ? LOAD_W1(w + (size_t)k0 * TN + e) : 0.0f;
        barrier(CLK_LOCAL_MEM_FENCE);
        #pragma unroll
        for (uint kk = 0; kk < TILE_K; kk++) {
            float a[REG_M], b[REG_N];
            #pragma unroll
            for (uint i = 0; i < REG_M; i++) a[i] = as[kk][ty + i * GROUP_M];
            #pragma unroll
            for (uint j = 0; j < REG_N; j++) b[j] = ws[kk][tx + j * GROUP_N];
            #pragma unroll
            for (uint i = 0; i < REG_M; i++)
                #pragma unroll
                for (uint j = 0; j < REG_N; j++) acc[i][j] = fma(a[i], b[j], acc[i][j]);
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    #pragma unroll
    for (uint i = 0; i < REG_M; i++) {
        const uint row = m0 + ty + i * GROUP_M;
        #pragma unroll
        for (uint j = 0; j < REG_N; j++) {
            const uint col = panel * TN + tx + j * GROUP_N;
            if (row < M && col < N) C[(size_t)row * N + col] = acc[i][j];
        }
    }
}
#endif
