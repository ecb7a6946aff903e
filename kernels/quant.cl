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
// from block b % W, so the weights stay in the core's cache and the time is the arithmetic's alone), -DACT_INT8
// (gemv: activations quantized to int8 on the device, integer dot products; three __local buffers more). K is a
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
// x86 CPUs (PoCL's clang defines the target's features): clang's builtins for F16C's half conversion and AVX2's
// byte dot products; 0 elsewhere, and the portable OpenCL C computes the same values.
#if defined(__AVX2__) && defined(__F16C__)
#define X86_INTEGER_DOT 1
#else
#define X86_INTEGER_DOT 0
#endif
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

// The fp16 scale. With PoCL's vload_half the q4_0 GEMV ran about half as fast, so: where the compiler targets F16C
// (x86), its conversion instruction; elsewhere by integer
// operations: the half's bits moved into a float's places (sign to bit 31, exponent and fraction up by 13) make a
// float 2^-112 times the value, subnormal halves included (they become float subnormals, which the multiply scales
// back exactly).
#if X86_INTEGER_DOT
typedef short v8s __attribute__((__vector_size__(16)));
static float block_scale(const __global uchar *block)
{
    const short h = *(const __global short *)block;
    return __builtin_ia32_vcvtph2ps((v8s){h, 0, 0, 0, 0, 0, 0, 0})[0];
}
#else
static float block_scale(const __global uchar *block)
{
    const uint h = *(const __global ushort *)block;
    return as_float((h & 0x8000u) << 16 | (h & 0x7fffu) << 13) * 0x1p112f;
}
#endif

static float lanes_sum(float16 v)
{
    float8 a = v.lo + v.hi;
    float4 b = a.lo + a.hi;
    float2 c = b.lo + b.hi;
    return c.lo + c.hi;
}

// The first block of weight row `row`; rows past N are clamped to the last (their results are never stored).
static const __global uchar *row_start(const __global uchar *W, uint row, uint N, uint blocks)
{
    return W + (size_t)min(row, N - 1) * blocks * QBYTES;
}

// Block b of a row; the dequantization-only variant reads block b % WINDOW, which stays in the cache.
static const __global uchar *row_block(const __global uchar *row, uint b)
{
#ifdef WINDOW
    return row + (size_t)(b % WINDOW) * QBYTES;
#else
    return row + (size_t)b * QBYTES;
#endif
}

#if defined(WG) && !defined(ACT_INT8)
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
        w[r] = row_start(W, row0 + r, N, blocks);
        acc[r] = (float16)(0.0f);
    }
    for (uint b = 0; b < blocks; b++) {
        float16 xv[CHUNKS];
        #pragma unroll
        for (uint c = 0; c < CHUNKS; c++) xv[c] = vload16(b * CHUNKS + c, x);
        #pragma unroll
        for (uint r = 0; r < ROWS; r++) {
            const __global uchar *block = row_block(w[r], b);
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

#if defined(WG) && defined(ACT_INT8)
// GEMV on int8 activations (-DACT_INT8: the CPU variant, docs/quantization.md). The work-group first quantizes x
// into local memory in blocks of 32: the scale is 2^(e - 6), e the exponent of the block's largest |x| (a power of
// two, so x / scale is exact and the host reproduces every code), the codes rint(x / scale) clamped to
// [-127, 127]. Each weight block's dot product with them is then integer and exact, converted once and scaled by
// (weight scale x activation scale), itself exact in fp32 (11 bits times a power of two). The 4-bit zero point is
// taken from the activations: sum (n - 8) q = sum n q - 8 sum q, the -8 (q[2i] + q[2i + 1]) kept per pair (xp).
// With X86_INTEGER_DOT (AVX2) a block's 32 products are vpmaddubsw
// (unsigned bytes times signed bytes, pairs summed in 16 bits) and vpmaddwd (pairs of those in 32 bits) on 32 bytes,
// llama.cpp's method; elsewhere the same integers in portable OpenCL C.
#define XBLOCK 32
#define XSUBS (QBLOCK / XBLOCK)

static uint lanes_max_bits(uint16 v)
{
    uint8 a = max(v.lo, v.hi);
    uint4 b = max(a.lo, a.hi);
    uint2 c = max(b.lo, b.hi);
    return max(c.lo, c.hi);
}

// 16 values times up, rounded to nearest even (adding and taking away 1.5 x 2^23 leaves an integer for anything
// below 2^22 in magnitude, in IEEE arithmetic: PoCL's rint() was a long library sequence), clamped to [-127, 127].
static int16 codes16(float16 v, float up)
{
    const float16 rounded = (v * up + 0x1.8p23f) - 0x1.8p23f;
    return clamp(convert_int16(rounded), -127, 127);
}

// Stores to local memory (PoCL's vstore16 of chars went byte by byte): unaligned vector stores through clang's
// aligned(1) types on x86, vstore elsewhere.
#if X86_INTEGER_DOT
typedef char16 char16_unaligned __attribute__((aligned(1)));
typedef short8 short8_unaligned __attribute__((aligned(1)));
static void store_codes(char16 v, uint i, __local char *p) { *(__local char16_unaligned *)(p + 16 * i) = v; }
static void store_pairs(short8 v, uint i, __local short *p) { *(__local short8_unaligned *)(p + 8 * i) = v; }
#else
static void store_codes(char16 v, uint i, __local char *p) { vstore16(v, i, p); }
static void store_pairs(short8 v, uint i, __local short *p) { vstore8(v, i, p); }
#endif

// Block b of x (32 values) into codes xq, the zero point's pair terms xp (4-bit formats) and the scale xd.
static void quantize_x_block(const __global float *x, uint b, __local char *xq, __local short *xp, __local float *xd)
{
    const float16 v0 = vload16(2 * b, x), v1 = vload16(2 * b + 1, x);
    // the largest |x| by its bits: for non-negative floats the integer order is the numeric order
    const uint amax = lanes_max_bits(max(as_uint16(v0) & 0x7fffffffu, as_uint16(v1) & 0x7fffffffu));
    const int e = max((int)(amax >> 23) - 127, -100);    // its exponent; zero and tiny blocks take -100
    const float up = as_float((uint)(133 - e) << 23);     // 2^(6 - e): |x| x up lies in [0, 128)
    const int16 c0 = codes16(v0, up), c1 = codes16(v1, up);
    store_codes(convert_char16(c0), 2 * b, xq);
    store_codes(convert_char16(c1), 2 * b + 1, xq);
    xd[b] = as_float((uint)(121 + e) << 23);              // 2^(e - 6)
#ifndef Q8_0
    store_pairs(convert_short8((int8)(-8) * (c0.even + c0.odd)), 2 * b, xp);
    store_pairs(convert_short8((int8)(-8) * (c1.even + c1.odd)), 2 * b + 1, xp);
#endif
}

// 16 weight bytes in one load: PoCL's vload16 of bytes made two 8-byte loads and a shuffle.
#if X86_INTEGER_DOT
typedef uchar16 uchar16_unaligned __attribute__((aligned(1)));
static uchar16 load_bytes16(const __global uchar *p) { return *(const __global uchar16_unaligned *)p; }
#else
static uchar16 load_bytes16(const __global uchar *p) { return vload16(0, p); }
#endif

// The stored codes of weights 32s .. 32s + 15 (lo) and 32s + 16 .. 32s + 31 (hi) of a block: nibbles 0..15 for the
// 4-bit formats (zero point not removed), the int8 bytes for q8_0.
static void sub_codes(const __global uchar *block, uint s, uchar16 *lo, uchar16 *hi)
{
#if defined(Q8_0)
    *lo = load_bytes16(block + 2);
    *hi = load_bytes16(block + 18);
#elif defined(Q4_0)
    const uchar16 q = load_bytes16(block + 2);
    *lo = q & (uchar16)(15);       // low nibbles: weights 0-15
    *hi = q >> (uchar16)(4);       // high nibbles: weights 16-31
#else
    // int4-g128: byte j holds weights j (low nibble) and j + 64 (high), so sub-blocks 0, 1 are the low nibbles of
    // bytes 0-31 and 32-63, sub-blocks 2, 3 their high nibbles
    const __global uchar *part = block + 2 + 32 * (s & 1);
    const uchar16 a = load_bytes16(part), b = load_bytes16(part + 16);
    *lo = s < 2 ? a & (uchar16)(15) : a >> (uchar16)(4);
    *hi = s < 2 ? b & (uchar16)(15) : b >> (uchar16)(4);
#endif
}

#if X86_INTEGER_DOT
typedef char v32c __attribute__((__vector_size__(32)));   // the operand types of clang's x86 builtins
typedef short v16s __attribute__((__vector_size__(32)));
typedef uchar uchar32 __attribute__((ext_vector_type(32)));
typedef int8 dot_lanes;
typedef float8 acc_lanes;
#define convert_acc_lanes convert_float8

static uchar32 join16(uchar16 a, uchar16 b)
{
    return __builtin_shufflevector(a, b, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20,
                                   21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31);
}

// Sub-block s's 32 stored codes in weight order. q4_0 with AVX-512 BW/VL: its 16 bytes in both halves, the upper
// half shifted down 4 bits (vpsrlvw), all masked: three instructions where the split halves took five.
#if defined(Q4_0) && defined(__AVX512BW__) && defined(__AVX512VL__)
static uchar32 sub_codes32(const __global uchar *block, uint s)
{
    const uchar16 q = load_bytes16(block + 2);
    const v16s shifts = {0, 0, 0, 0, 0, 0, 0, 0, 4, 4, 4, 4, 4, 4, 4, 4};  // low nibbles: weights 0-15; high: 16-31
    return __builtin_astype(__builtin_ia32_psrlv16hi(__builtin_astype(join16(q, q), v16s), shifts), uchar32) &
           (uchar32)(15);
}
#else
static uchar32 sub_codes32(const __global uchar *block, uint s)
{
    uchar16 lo, hi;
    sub_codes(block, s, &lo, &hi);
    return join16(lo, hi);
}
#endif

// Sub-block s's dot product with the 32 codes at xq (pair terms at xp), in 8 lanes of 4 products each. Unsigned
// times signed bytes: nibbles times codes (pairs <= 2 x 15 x 127: no saturation), and for q8_0 |w| times the code
// with w's sign (pairs <= 2 x 127 x 127 < 32767).
static int8 sub_dot(const __global uchar *block, uint s, const __local char *xq, const __local short *xp)
{
    const v32c x = __builtin_astype(join16(vload16(0, (const __local uchar *)xq),
                                           vload16(1, (const __local uchar *)xq)), v32c);
#if defined(Q8_0)
    const v32c w = __builtin_astype(sub_codes32(block, s), v32c);
    // |w| as w with its own sign (one instruction; PoCL's abs() went element by element, a select took four)
    v16s pairs = __builtin_ia32_pmaddubsw256(__builtin_ia32_psignb256(w, w), __builtin_ia32_psignb256(x, w));
#else
    v16s pairs = __builtin_ia32_pmaddubsw256(__builtin_astype(sub_codes32(block, s), v32c), x);
    pairs += __builtin_astype(vload16(0, xp), v16s);
#endif
    return __builtin_astype(__builtin_ia32_pmaddwd256(pairs, __builtin_astype((short16)(1), v16s)), int8);
}

static float acc_lanes_sum(float8 v)
{
    float4 b = v.lo + v.hi;
    float2 c = b.lo + b.hi;
    return c.lo + c.hi;
}

// The block's fp16 scale in every lane: the half broadcast, then converted 8 at once (no scalar step between).
static float8 block_scale_lanes(const __global uchar *block)
{
    const short h = *(const __global short *)block;
    return __builtin_astype(__builtin_ia32_vcvtph2ps256((v8s){h, h, h, h, h, h, h, h}), float8);
}
#else
typedef int16 dot_lanes;
typedef float16 acc_lanes;
#define convert_acc_lanes convert_float16

static int16 sub_dot(const __global uchar *block, uint s, const __local char *xq, const __local short *xp)
{
    uchar16 lo, hi;
    sub_codes(block, s, &lo, &hi);
#if defined(Q8_0)
    const char16 w0 = as_char16(lo), w1 = as_char16(hi);
#else
    const char16 w0 = as_char16(lo - (uchar16)(8)), w1 = as_char16(hi - (uchar16)(8));  // the zero point
#endif
    return convert_int16(w0) * convert_int16(vload16(0, xq)) + convert_int16(w1) * convert_int16(vload16(1, xq));
}

static float acc_lanes_sum(float16 v)
{
    return lanes_sum(v);
}

static float16 block_scale_lanes(const __global uchar *block)
{
    return (float16)(block_scale(block));
}
#endif

// As gemv_quant above, on the activations' codes: each block's exact integer dot product is converted and scaled
// once per 32 weights. x is quantized once per work-group (WG x ROWS rows share it). Rows past N are clamped on
// load and never stored.
__kernel __attribute__((reqd_work_group_size(WG, 1, 1)))
void gemv_quant(const __global float *x, const __global uchar *W, __global float *y, uint N, uint K,
                __local char *xq, __local short *xp, __local float *xd)
{
    for (uint b = get_local_id(0); b < K / XBLOCK; b += WG) quantize_x_block(x, b, xq, xp, xd);
    barrier(CLK_LOCAL_MEM_FENCE);
    const uint row0 = get_global_id(0) * ROWS, blocks = K / QBLOCK;
    const __global uchar *w[ROWS];
    acc_lanes acc[ROWS];
    #pragma unroll
    for (uint r = 0; r < ROWS; r++) {
        w[r] = row_start(W, row0 + r, N, blocks);
        acc[r] = (acc_lanes)(0.0f);
    }
    for (uint b = 0; b < blocks; b++) {
        #pragma unroll
        for (uint r = 0; r < ROWS; r++) {
            const __global uchar *block = row_block(w[r], b);
            const acc_lanes d = block_scale_lanes(block);
            #pragma unroll
            for (uint s = 0; s < XSUBS; s++) {
                const uint xb = b * XSUBS + s;
                const dot_lanes dot = sub_dot(block, s, xq + xb * XBLOCK, xp + xb * (XBLOCK / 2));
                acc[r] = fma(d * xd[xb], convert_acc_lanes(dot), acc[r]);
            }
        }
    }
    #pragma unroll
    for (uint r = 0; r < ROWS; r++)
        if (row0 + r < N) y[row0 + r] = acc_lanes_sum(acc[r]);
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
            const __global uchar *block = row_start(W, row0 + r, N, blocks) + (size_t)b * QBYTES;
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
