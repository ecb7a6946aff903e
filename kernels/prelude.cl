// Prepended by tfbench to every kernel program (host/launch.c), so the element-type plumbing is written once.
// TYPE (default float) and VEC select the element; VT is the vector type TYPE##VEC, e.g. float16 (VEC 1: the scalar,
// through the TYPE##1 typedefs below). Kernels set their own VEC default after this prelude.
#define CAT_(a, b) a##b
#define CAT(a, b) CAT_(a, b)
#ifndef TYPE
#define TYPE float
#endif
#define VT CAT(TYPE, VEC)
typedef float float1;
#if defined(USE_FP16)
#pragma OPENCL EXTENSION cl_khr_fp16 : enable
typedef half half1;
#endif
#if defined(USE_FP64)
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
typedef double double1;
#endif
