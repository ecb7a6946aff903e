// GEMV and GEMM on quantized weights: C[M x N] = A[M x K] * W^T, fp32 activations and accumulation, every weight
// dequantized in registers as it is read. W is stored as llama.cpp stores it: row by row, each row K / QBLOCK
// blocks of QBYTES bytes (block b of row n at byte (n * (K / QBLOCK) + b) * QBYTES), each block an IEEE half scale
// d at byte 0 followed by the quantized values:
//   -DQ8_0       32 weights, 34 bytes: int8 q[32],                   w[j] = d * q[j]
//   -DQ4_0       32 weights, 18 bytes: uint8 qs[16],  w[j] = d * ((qs[j] & 15) - 8), w[j + 16] = d * ((qs[j] >> 4) - 8)
//   -DINT4_G128 128 weights, 66 bytes: uint8 qs[64],  w[j] = d * ((qs[j] & 15) - 8), w[j + 64] = d * ((qs[j] >> 4) - 8)
// (the last is symmetric int4 with one scale per 128 weights along K, GPTQ's grouping, in q4_0's nibble order).
// Block offsets are even, so the half scale is 2-byte aligned; the values are read as char/uchar vectors.
//
// Build options: the format, -DROWS (weight rows per work-item), -DWG (gemv: work-items per work-group),
// -DTM (gemm: rows of A per work-item), -DWINDOW=W (gemv's dequantization-only variant: block b of a row is read
// from block b % W, so the weights stay in the core's cache and the time is the arithmetic's alone). K is a
// multiple of QBLOCK (the host refuses others).

#if defined(Q8_0)
#define QBLOCK 32
#define QBYTES 34
#elif defined(Q4_0)
#define QBLOCK 32
#define QBYTES 18
#elif defined(INT4_G128)
#define QBLOCK 128
#define QBYTES 66
#else
#error "quant.cl needs -DQ8_0, -DQ4_0 or -DINT4_G128"
#endif
#define CHUNKS (QBLOCK / 16)
#ifndef ROWS
#define ROWS 1
#endif

// The block's values, not yet scaled: v[c] holds weights 16c .. 16c + 15 of the block (zero point removed).
static void block_values(const __global uchar *block, float16 *v)
{
#if defined(Q8_0)
    const __global char *q = (const __global char *)(block + 2);
    v[0] = convert_float16(vload16(0, q));
    v[1] = convert_float16(vload16(1, q));
#else
    #pragma unroll
    for (uint c = 0; c < CHUNKS / 2; c++) {
        const uchar16 q = vload16(c, block + 2);
        // nibble - 8 in bytes (wrapping, read back as signed), then widened: the subtraction on 16 bytes, not 16 floats
        v[c] = convert_float16(as_char16((q & (uchar16)(15)) - (uchar16)(8)));     // low nibbles: the first half
        v[c + CHUNKS / 2] = convert_float16(as_char16((q >> (uchar16)(4)) - (uchar16)(8)));  // high: the second half
    }
#endif
}

// The fp16 scale by integer operations (with PoCL's vload_half the q4_0 GEMV ran about half as fast): the half's bits
// moved into a float's places (sign to bit 31, exponent and fraction up by 13) make a float 2^-112 times the value,
// subnormal halves included (they become float subnormals, which the multiply scales back exactly).
static float block_scale(const __global uchar *block)
{
    const uint h = *(const __global ushort *)block;
    return as_float((h & 0x8000u) << 16 | (h & 0x7fffu) << 13) * 0x1p112f;
}

static float lanes_sum(float16 v)
{
    float8 a = v.lo + v.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.lo + c.hi;
}

#ifdef WG
// GEMV (M = 1): work-item i computes rows i * ROWS .. i * ROWS + ROWS - 1 of y, walking its rows' blocks side by
// side (ROWS memory streams in flight per item); x's block is loaded once for all of them. Each block's dot
// product is summed unscaled in 16 lanes and scaled once (one multiply per block, not per weight). Rows past N
// are clamped on load and never stored.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv_quant(const __global float *x, const __global uchar *W, __global float *y, uint N, uint K)
{
    const uint row0 = get_global_id(0) * ROWS, blocks = K / QBLOCK;
    const __global uchar *w[ROWS];
    float16 acc[ROWS];
    #pragma unroll
    for (uint r = 0; r < ROWS; r++) {
        w[r] = W + (size_t)min(row0 + r, N - 1) * blocks * QBYTES;
        acc[r] = (float16)(0.0f);
    }
    for (uint b = 0; b < blocks; b++) {
        float16 xv[CHUNKS];
        #pragma unroll
        for (uint c = 0; c < CHUNKS; c++) xv[c] = vload16(b * CHUNKS + c, x);
        #pragma unroll
        for (uint r = 0; r < ROWS; r++) {
#ifdef WINDOW
            const __global uchar *block = w[r] + (size_t)(b % WINDOW) * QBYTES;
#else
            const __global uchar *block = w[r] + (size_t)b * QBYTES;
#endif
            float16 v[CHUNKS];
            block_values(block, v);
            float16 sum = v[0] * xv[0];
            #pragma unroll
            for (uint c = 1; c < CHUNKS; c++) sum = fma(v[c], xv[c], sum);
            acc[r] = fma((float16)(block_scale(block)), sum, acc[r]);
        }
    }
    #pragma unroll
    for (uint r = 0; r < ROWS; r++)
        if (row0 + r < N) y[row0 + r] = lanes_sum(acc[r]);
}
#endif

#ifdef TM
// GEMM: work-item (m block, row group) computes TM rows of C x ROWS columns. Each weight block is dequantized
// once (scale applied: d * q is exact in fp32) and used by all TM rows of A, whose blocks come from the cache.
// Dimension 0 is the m blocks, one work-group, so a core runs a row group's m blocks one after another and the
// weights come from its cache after the first. Rows of A past M are clamped on load and never stored.
__kernel void gemm_quant(const __global float *A, const __global uchar *W, __global float *C, uint M, uint N, uint K)
{
    const uint m0 = get_global_id(0) * TM, row0 = get_global_id(1) * ROWS, blocks = K / QBLOCK;
    if (m0 >= M) return;
    float16 acc[TM][ROWS];
    #pragma unroll
    for (uint i = 0; i < TM; i++)
        #pragma unroll
        for (uint r = 0; r < ROWS; r++) acc[i][r] = (float16)(0.0f);
    for (uint b = 0; b < blocks; b++) {
        #pragma unroll
        for (uint r = 0; r < ROWS; r++) {
            const __global uchar *block = W + ((size_t)min(row0 + r, N - 1) * blocks + b) * QBYTES;
            float16 v[CHUNKS];
            block_values(block, v);
            const float16 d = (float16)(block_scale(block));
            #pragma unroll
            for (uint c = 0; c < CHUNKS; c++) v[c] *= d;
            #pragma unroll
            for (uint i = 0; i < TM; i++) {
                const __global float *a = A + (size_t)min(m0 + i, M - 1) * K + (size_t)b * QBLOCK;
                #pragma unroll
                for (uint c = 0; c < CHUNKS; c++) acc[i][r] = fma(v[c], vload16(c, a), acc[i][r]);
            }
        }
    }
    #pragma unroll
    for (uint i = 0; i < TM; i++)
        #pragma unroll
        for (uint r = 0; r < ROWS; r++)
            if (m0 + i < M && row0 + r < N) C[(size_t)(m0 + i) * N + row0 + r] = lanes_sum(acc[i][r]);
}
#endif
