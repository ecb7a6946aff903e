/* Random device buffers filled on the device (kernels/fill.cl), and the same values on the host. */
#ifndef TFBENCH_FILL_H
#define TFBENCH_FILL_H

#include <stdint.h>
#include "tfbench/context.h"

/* The hash of kernels/fill.cl. Inline: verification regenerates every input element on the host, and a call per
 * element (with ldexpf inside) was a fifth of a default run's host time. */
static inline uint32_t tfb_hash32(uint32_t x)
{
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    x *= 0x846ca68bU;
    x ^= x >> 16;
    return x;
}

/* out[i] = lo + (hi - lo) * u(seed, i), u in [0, 1) with 24 random bits. Pick lo > 0 (or hi < 0) so that no
 * value is zero. */
int tfb_device_fill_uniform(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                            tfb_error *err);
/* The same generator on a coarser grid: lo + (hi - lo) * k / 2^bits. With bits = 8 and [0.5, 1.5), any sum of up
 * to 43690 such values is exact in fp32 whatever the order, so a reduction can be checked for equality. */
int tfb_device_fill_grid(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                         unsigned bits, tfb_error *err);
/* Such a generated sequence: its seed, range and grid bits. */
typedef struct tfb_grid_spec {
    uint32_t seed;
    float lo, hi;
    unsigned bits;
} tfb_grid_spec;
/* Elements first .. first + count - 1 of that same sequence into buffer[0 .. count - 1]: a large matrix made a few
 * rows at a time through a small buffer holds the values one call over all of it would. */
int tfb_device_fill_grid_at(tfb_context *ctx, cl_mem buffer, uint64_t first, size_t count, uint32_t seed, float lo,
                            float hi, unsigned bits, tfb_error *err);
/* The grid point of an element: hash(low word of the index ^ hashed high word) >> (32 - bits), as fill.cl has it. */
static inline uint32_t tfb_grid_index(uint32_t mixed, unsigned bits)
{
    return tfb_hash32(mixed) >> (32 - bits);
}
/* The value of that grid point: lo + (hi - lo) * u / 2^bits. */
static inline float tfb_grid_value(uint32_t mixed, float lo, float hi, unsigned bits)
{
    uint32_t u = tfb_grid_index(mixed, bits);
    return lo + (hi - lo) * ((float)u * (1.0f / (float)(1u << bits)));  /* the step is a power of 2: exact */
}
static inline float tfb_hash_grid(uint32_t seed, uint64_t index, float lo, float hi, unsigned bits)
{
    return tfb_grid_value((uint32_t)index ^ tfb_hash32(seed ^ (uint32_t)(index >> 32)), lo, hi, bits);
}
static inline float tfb_hash_uniform(uint32_t seed, uint64_t index, float lo, float hi)
{
    return tfb_hash_grid(seed, index, lo, hi, 24);
}
/* tfb_hash_grid at indices first .. first + count - 1, into out (as double): the hash of the indices' high word is
 * taken once per 2^32 of them instead of once per element, which halves what a check's host mirror costs. */
static inline void tfb_hash_grid_range(uint32_t seed, uint64_t first, size_t count, float lo, float hi, unsigned bits,
                                       double *out)
{
    for (size_t i = 0; i < count;) {
        uint64_t index = first + i;
        uint32_t high = tfb_hash32(seed ^ (uint32_t)(index >> 32));
        uint64_t left = (UINT64_C(1) << 32) - (uint32_t)index;  /* indices before the high word changes */
        size_t run = left < (uint64_t)(count - i) ? (size_t)left : count - i;
        for (size_t j = 0; j < run; j++) out[i + j] = tfb_grid_value((uint32_t)(index + j) ^ high, lo, hi, bits);
        i += run;
    }
}
/* tfb_hash_uniform at indices first .. first + count - 1, into out (as double). */
static inline void tfb_hash_uniform_range(uint32_t seed, uint64_t first, size_t count, float lo, float hi, double *out)
{
    tfb_hash_grid_range(seed, first, count, lo, hi, 24, out);
}
/* Every byte of `buffer` set to the NaN poison, so unwritten outputs fail verification. */
int tfb_device_poison(tfb_context *ctx, cl_mem buffer, size_t bytes, tfb_error *err);
/* Every 4-byte word of `buffer` set to a finite wrong value (TFB_FINITE_POISON_BITS: about 1.3e7 as fp32, 14.6 as
 * fp16): the poison of the check after the timed repetitions. A kernel that skips its work once its output holds
 * numbers (not the NaN of the first check) leaves these there and fails. */
#define TFB_FINITE_POISON_BITS 0x4B4B4B4Bu
int tfb_device_poison_finite(tfb_context *ctx, cl_mem buffer, size_t bytes, tfb_error *err);

#endif
