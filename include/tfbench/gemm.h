/* Our GEMV/GEMM kernels (suites/gemm) for suites that chain projections on their own buffers (the layer suite):
 * y[M x N] = x[M x K] W^T with W packed once into the kernels' panels from a row-major fp32 [N x K] device matrix,
 * tuned per device exactly as the gemv and gemm suites tune them. And the gemm suite's own case for one projection
 * measured alone (random weights rotated out of cache, verified: the layer suite's output head). */
#ifndef TFBENCH_GEMM_H
#define TFBENCH_GEMM_H

#include "tfbench/fill.h"
#include "tfbench/suite.h"

typedef struct tfb_linear {
    size_t m, n, k;
    int half;                 /* weights stored as fp16, fp32 activations and accumulation */
    int quant;                /* TFB_LINEAR_Q8_0 .. TFB_LINEAR_INT4_G128: block-quantized weights; 0: fp32/fp16 */
    int act_int8;             /* a quantized GEMV on a CPU: x quantized to int8 per block of 32 on the device */
    cl_mem packed;            /* the weights in the kernel's panels (owned) */
    cl_kernel kernel;         /* bound to x, the packed weights and y (owned) */
    tfb_launch launch;        /* one launch computes y */
    char tile[96];            /* the tuned parameters, e.g. "gemv tn 16 wg 1 streams 8 prefetch 3" */
    char tuning[16];          /* "cache" or "search" */
    double pack_seconds;
} tfb_linear;

/* The tuned kernel for this device, M (GEMV at M = 1), N, K and precision (the tuning cache, or a short search
 * that rotates over weight sets sized by `sizing`), `rows` packed into a new buffer (rows is not kept), bound to
 * x [M x K] and y [M x N]. TFB_SKIP when the packed weights exceed the device's allocation limit. */
int tfb_linear_create(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half, cl_mem rows,
                      cl_mem x, cl_mem y, tfb_linear *out, tfb_error *err);
/* The same for weights generated on the device (element i of the row-major [N x K] matrix as tfb_device_fill_grid
 * makes it with `grid`), made and packed a few panels at a time through `staging` (staging_bytes, at least
 * tfb_linear_staging_bytes(k)), so the projection never holds an fp32 copy of the whole matrix. */
int tfb_linear_create_grid(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half,
                           const tfb_grid_spec *grid, cl_mem staging, size_t staging_bytes, cl_mem x, cl_mem y,
                           tfb_linear *out, tfb_error *err);
/* Bytes of the staging buffer tfb_linear_create_grid needs for K columns: whole panels of the widest tile. */
size_t tfb_linear_staging_bytes(size_t k);
void tfb_linear_release(tfb_linear *linear);
/* The value the kernels hold for a weight generated as w: w itself, or w rounded to fp16 (to nearest even) as the
 * packing stores fp16 weights. */
float tfb_linear_stored(float w, int half);
/* Bytes of the packed weights (the last panel zero-padded) of such a projection, before it exists. */
size_t tfb_linear_packed_bytes(size_t n, size_t k, int half);

/* Block-quantized weights (docs/quantization.md: llama.cpp's q8_0 and q4_0, int4 with a scale per 128), in the
 * gemm suite's order. A quantized projection's rows come from the caller on the host (fp32 values as doubles),
 * are quantized there with the gemm suite's codec and run by its kernels/quant.cl kernels. */
enum { TFB_LINEAR_FLOAT, TFB_LINEAR_Q8_0, TFB_LINEAR_Q4_0, TFB_LINEAR_INT4_G128, TFB_LINEAR_QUANT_COUNT };
typedef void (*tfb_linear_row_fn)(void *user, size_t row, double *out);
/* tfb_linear_create for a quantized format: row(user, r, out) writes row r of the [N x K] weights (K values that
 * are floats; called from several threads at once). TFB_SKIP when K is no multiple of the format's block. */
int tfb_linear_create_quantized(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int quant,
                                tfb_linear_row_fn row, void *user, cl_mem x, cl_mem y, tfb_linear *out,
                                tfb_error *err);
/* An input row of K activations replaced by what an act_int8 kernel multiplies (scale x code per block of 32). */
void tfb_linear_int8_activations(size_t k, double *row);
/* A row of K weights replaced by what the quantized kernels multiply: each block quantized and dequantized. */
void tfb_linear_dequantized(int quant, size_t k, double *row);
/* Exact bytes of an N x K matrix in the format (scales included); the relative tolerance of its dot products. */
size_t tfb_linear_quant_bytes(int quant, size_t n, size_t k);
double tfb_linear_quant_tolerance(size_t k);
/* Weights per block along K of a format (K must be a multiple). */
unsigned tfb_linear_quant_block(int quant);

/* A case of the `gemm` suite (ours, M = 1 runs the GEMV kernel) for suite `suite`: run it with that suite's
 * callbacks (tfb_suite_gemm), which read the parameters this writes. */
void tfb_gemm_case(tfb_case *c, const char *suite, size_t m, size_t n, size_t k, int half);
/* The gemm suite's table entry (suites/gemm/gemm.c), whose callbacks run such a case. */
extern const tfb_suite tfb_suite_gemm;

#endif
