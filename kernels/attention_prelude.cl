// Vector helpers shared by the attention kernels (attention.cl, flash.cl, decode.cl), which name this file on
// their first line; other programs do not get it.

/* Vector helpers shared by the attention kernels (attention.cl, flash.cl, decode.cl). */

/* dvec: DV floats along the head dimension D (build options -DD= -DDV=); NV vectors per row. */
#ifdef DV
#define NV (D / DV)
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
#endif


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

/* Plain comparisons rather than fmax: no NaN handling (scores are never NaN), so one max instruction per level. */
static float max16(float16 x)
{
    float8 a = x.lo > x.hi ? x.lo : x.hi;
    float4 b = a.lo > a.hi ? a.lo : a.hi;
    float2 c = b.lo > b.hi ? b.lo : b.hi;
    return c.x > c.y ? c.x : c.y;
}

/* 2^x for x <= 0 with ~1e-8 relative error, vectorized (a library exp2 may run lane by lane on CPUs):
 * 2^x = 2^n 2^f with n = rint(x), |f| <= 1/2, 2^f from its Taylor series to degree 7 (terms (f ln 2)^k / k!).
 * Inputs below -125 (masked keys are -inf) give ~2^-125, a weight that vanishes beside the maximum's 1. */
static float16 exp2_nonpositive(float16 x)
{
    x = x > (float16)(-125.0f) ? x : (float16)(-125.0f);
    /* n = rint(x) by adding 1.5 * 2^23, which leaves n in the low mantissa bits: PoCL's vector rint is a long
     * sequence, and this also hands over n as an integer */
    const float16 magic = (float16)(0x1.8p23f);
    float16 shifted = x + magic, n = shifted - magic, f = x - n;
    float16 p = (float16)(1.5252733804059840e-5f);
    p = fma(p, f, (float16)(1.5403530393381610e-4f));
    p = fma(p, f, (float16)(1.3333558146428443e-3f));
    p = fma(p, f, (float16)(9.6181291076284772e-3f));
    p = fma(p, f, (float16)(5.5504108664821580e-2f));
    p = fma(p, f, (float16)(2.4022650695910071e-1f));
    p = fma(p, f, (float16)(6.9314718055994531e-1f));
    p = fma(p, f, (float16)(1.0f));
    return as_float16(as_int16(p) + ((as_int16(shifted) - as_int16(magic)) << 23));
}
