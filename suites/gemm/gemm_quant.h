/* Quantized weights of the gemv and gemm suites (kernels/quant.cl): llama.cpp's q8_0 and q4_0 blocks and int4 with
 * one scale per 128 weights, quantized on the host from the suites' random fp32 weights (round to nearest), checked
 * against a float64 reference from the dequantized weights. docs/quantization.md has the layouts and the rule. */
#ifndef TFBENCH_GEMM_QUANT_H
#define TFBENCH_GEMM_QUANT_H

#include <stddef.h>
#include <stdint.h>
#include "gemm_core.h"

/* gemm_config.quant: 0 = not quantized (fp32 or fp16 by `half`). The order is the weight axis's (gemv.c, gemm.c):
 * 0 fp32, 1 fp16, then these. */
enum { GEMM_QUANT_NONE, GEMM_QUANT_Q8_0, GEMM_QUANT_Q4_0, GEMM_QUANT_INT4_G128, GEMM_QUANT_COUNT };
/* Bump when kernels/quant.cl or the quantized candidates change: part of their tuning cache key. */
#define GEMM_QUANT_KERNEL_VERSION 3

typedef struct gemm_quant_format {
    const char *name;         /* "q8_0": the dtype part of a benchmark name */
    unsigned block;           /* weights per block along K */
    unsigned block_bytes;     /* the block's bytes: an fp16 scale and the values */
    int four_bit;             /* 1: nibbles (value - 8), low nibbles the block's first half; 0: int8 */
    const char *define;       /* the kernel's build option */
} gemm_quant_format;

/* The format of a gemm_config.quant value, NULL for GEMM_QUANT_NONE or out of range. */
const gemm_quant_format *gemm_quant_format_of(int quant);
/* Exact bytes of an N x K matrix in the format (K a multiple of the block). */
size_t gemm_quant_matrix_bytes(int quant, size_t n, size_t k);
/* Quantizes one block of f->block weights into f->block_bytes bytes (the rule: docs/quantization.md). */
void gemm_quant_block(const gemm_quant_format *f, const float *weights, unsigned char *out);
/* The weights a packed block holds (d x q, exact), as doubles. */
void gemm_dequant_block(const gemm_quant_format *f, const unsigned char *block, double *out);
/* The int8-activation GEMV (gemm_config.act_int8, kernels/quant.cl): 1 where this device should run it: a CPU (the
 * kernels' layout, not the GPU ones) with local memory for the codes of K activations. */
int gemm_quant_act_int8_suits(const tfb_device_info *info, const gemm_config *cfg);
/* The activations as that kernel sees them: each block of 32 (k a multiple of 32) replaced by scale x code, the
 * scale the power of two 2^(e - 6) of the block's largest |value| 2^e x [1, 2), codes rint(value / scale) clamped
 * to [-127, 127] (exact in double; the values must be floats). */
void gemm_quant_activation_row(double *row, size_t k);
/* A row of k weights (floats, as doubles) quantized into k / block packed blocks. */
void gemm_quant_pack_row(const gemm_quant_format *f, size_t k, const double *row, unsigned char *packed);
/* A row of k weights (floats, as doubles) replaced block by block by its quantized values, dequantized. */
void gemm_quant_round_row(const gemm_quant_format *f, size_t k, double *row);
/* Relative tolerance of the quantized kernels' dot products of length k (derivation in gemm_quant.c). */
double gemm_quant_tolerance(size_t k);

/* Hooks of gemm_core.c and gemm_tune.c for a quantized configuration. */
int gemm_quant_check_shape(const gemm_config *cfg, tfb_error *err);
/* The matrix of `seed`, quantized, written into each of `count` buffers (see gemm_quant.c). */
int gemm_quant_upload(tfb_context *ctx, const gemm_config *cfg, uint32_t seed, float lo, float hi, cl_mem *weights,
                      size_t count, tfb_error *err);
/* The dequantized weight row n of the matrix of `seed` (what the reference multiplies). */
void gemm_quant_weight_row(const gemm_config *cfg, uint32_t seed, float lo, float hi, size_t n, double *row);
int gemm_quant_launch_create(tfb_context *ctx, const gemm_config *cfg, cl_mem a, cl_mem weights, cl_mem c,
                             cl_kernel *kernel, tfb_launch *launch, tfb_error *err);
size_t gemm_quant_candidates(const gemm_config *cfg, gemm_params *out, size_t max);
int gemm_quant_params_valid(const gemm_config *cfg, const gemm_params *p);

#endif
