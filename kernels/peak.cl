// Peak arithmetic rate: CHAINS independent FMA chains per work-item, each VEC wide, so the FMA units always have
// independent work in flight (latency x throughput). x <- x * mul + add with |mul| < 1 stays bounded, and mul/add
// are kernel arguments, so nothing can be folded at compile time.
#ifndef TYPE
#define TYPE float
#endif
#ifndef VEC
#define VEC 16
#endif
#ifndef CHAINS
#define CHAINS 8
#endif
#if defined(USE_FP16)
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
#endif
#if defined(USE_FP64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#if VEC == 1
#define VT TYPE
#else
#define VT CAT(TYPE, VEC)
#endif

// start holds CHAINS x VEC random starting values per work-item (read once, so memory plays no part).
__kernel void fma_chains(__global TYPE *out, __global const float *start, TYPE mul, TYPE add, uint iterations)
{
    uint g = (uint)get_global_id(0);
    VT acc[CHAINS];
    for (uint c = 0; c < CHAINS; c++) {
        TYPE lanes[VEC];
        for (uint l = 0; l < VEC; l++) lanes[l] = (TYPE)start[(g * CHAINS + c) * VEC + l];
#if VEC == 1
        acc[c] = lanes[0];
#else
        acc[c] = CAT(vload, VEC)(0, lanes);
#endif
    }
    for (uint i = 0; i < iterations; i++) {
#pragma unroll
        for (uint c = 0; c < CHAINS; c++) acc[c] = fma(acc[c], (VT)mul, (VT)add);
    }
    VT sum = acc[0];
    for (uint c = 1; c < CHAINS; c++) sum += acc[c];
#if VEC == 1
    out[g] = sum;
#else
    CAT(vstore, VEC)(sum, g, out);
#endif
}
