/* Random device buffers filled on the device (kernels/fill.cl), and the same values on the host. */
#ifndef TFBENCH_FILL_H
#define TFBENCH_FILL_H

#include "tfbench/context.h"

/* out[i] = lo + (hi - lo) * u(seed, i), u in [0, 1) with 24 random bits. Pick lo > 0 (or hi < 0) so that no
 * value is zero. */
int tfb_device_fill_uniform(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                            tfb_error *err);
float tfb_hash_uniform(uint32_t seed, uint64_t index, float lo, float hi);
/* The same generator on a coarser grid: lo + (hi - lo) * k / 2^bits. With bits = 8 and [0.5, 1.5), any sum of up
 * to 43690 such values is exact in fp32 whatever the order, so a reduction can be checked for equality. */
int tfb_device_fill_grid(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                         unsigned bits, tfb_error *err);
float tfb_hash_grid(uint32_t seed, uint64_t index, float lo, float hi, unsigned bits);
/* Every byte of `buffer` set to the NaN poison, so unwritten outputs fail verification. */
int tfb_device_poison(tfb_context *ctx, cl_mem buffer, size_t bytes, tfb_error *err);

#endif
