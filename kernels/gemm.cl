// GEMV and GEMM for inference: C[M x N] = A[M x K] * W^T, W the weight matrix [N x K] (out x in features).
// Weights are static, so they are packed once into panels of TN rows: Wp[panel][k][j] = W[panel * TN + j][k]
// (zero past N). A work-item then reads its panel as one contiguous stream of TN-wide vectors, and a row of A
// is broadcast against it: every load of W feeds TM fused multiply-adds.
//
// Build options: -DTN=16|32|48|64 (panel width, a multiple of 16), -DTM=rows of C per register tile (gemm),
// -DMB=rows of C per work-item (gemm, a multiple of TM), -DWG=work-items sharing one panel's K range (gemv),
// -DWEIGHT_HALF: weights stored as IEEE half (vload_half16), accumulation in float.

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

// One work-item per (panel, k-block of 16): reads 16 rows x 16 k of the row-major W, writes them transposed.
__kernel void pack_weights(const __global float *W, __global WTYPE *Wp, uint N, uint K)
{
    const uint panel = get_global_id(0);
    const uint k0 = get_global_id(1) * 16;
    if (k0 >= K) return;
    __global WTYPE *out = Wp + (size_t)panel * K * TN;
    for (uint k = k0; k < min(k0 + 16, K); k++) {
        for (uint v = 0; v < NV; v++) {
            float16 w;
            float *lanes = (float *)&w;
            for (uint j = 0; j < 16; j++) {
                uint n = panel * TN + v * 16 + j;
                lanes[j] = n < N ? W[(size_t)n * K + k] : 0.0f;
            }
            STORE_W(w, out + (size_t)k * TN + v * 16);
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

#ifdef WG
// GEMV (M = 1): a work-group of WG items per panel; item l sums a contiguous K range of its panel into TN
// partial sums (two independent chains so the FMA latency is hidden), then the group adds the WG partials.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv_packed(const __global float *x, const __global WTYPE *Wp, __global float *y, uint N, uint K)
{
    __local float16 partial[WG][NV];
    const uint panel = get_group_id(0), l = get_local_id(0);
    const uint chunk = ((K + WG - 1) / WG + 3) & ~3u;
    const uint k0 = min(K, l * chunk), k1 = min(K, k0 + chunk);
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    float16 acc0[NV], acc1[NV];
    for (uint v = 0; v < NV; v++) acc0[v] = acc1[v] = (float16)(0.0f);
    uint k = k0;
    for (; k + 2 <= k1; k += 2) {
        const float a0 = x[k], a1 = x[k + 1];
        for (uint v = 0; v < NV; v++) {
            acc0[v] = fma((float16)(a0), LOAD_W(w + (size_t)k * TN + v * 16), acc0[v]);
            acc1[v] = fma((float16)(a1), LOAD_W(w + (size_t)(k + 1) * TN + v * 16), acc1[v]);
        }
    }
    for (; k < k1; k++)
        for (uint v = 0; v < NV; v++) acc0[v] = fma((float16)(x[k]), LOAD_W(w + (size_t)k * TN + v * 16), acc0[v]);
    for (uint v = 0; v < NV; v++) partial[l][v] = acc0[v] + acc1[v];
    barrier(CLK_LOCAL_MEM_FENCE);
    if (l < NV) {
        float16 sum = partial[0][l];
        for (uint i = 1; i < WG; i++) sum += partial[i][l];
        store_row(y, sum, panel * TN + l * 16, N);
    }
}
#endif

#ifdef TM
// GEMM: work-item (panel, block) computes rows [block * MB, block * MB + MB) x the panel's TN columns, TM rows at a
// time held in TM x NV float16 registers. Rows past M are clamped on load (computed, never stored), so the inner
// loop has no branches.
__kernel void gemm_packed(const __global float *A, const __global WTYPE *Wp, __global float *C, uint M, uint N,
                          uint K)
{
    const uint panel = get_global_id(0);
    const uint row0 = get_global_id(1) * MB;
    const __global WTYPE *w = Wp + (size_t)panel * K * TN;
    for (uint m0 = row0; m0 < min(row0 + MB, M); m0 += TM) {
        const __global float *a[TM];
        for (uint i = 0; i < TM; i++) a[i] = A + (size_t)min(m0 + i, M - 1) * K;
        float16 acc[TM][NV];
        for (uint i = 0; i < TM; i++)
            for (uint v = 0; v < NV; v++) acc[i][v] = (float16)(0.0f);
        for (uint k = 0; k < K; k++) {
            float16 wv[NV];
            for (uint v = 0; v < NV; v++) wv[v] = LOAD_W(w + (size_t)k * TN + v * 16);
            for (uint i = 0; i < TM; i++) {
                const float16 ai = (float16)(a[i][k]);
                for (uint v = 0; v < NV; v++) acc[i][v] = fma(ai, wv[v], acc[i][v]);
            }
        }
        for (uint i = 0; i < TM && m0 + i < M; i++)
            for (uint v = 0; v < NV; v++) store_row(C + (size_t)(m0 + i) * N, acc[i][v], panel * TN + v * 16, N);
    }
}
#endif
