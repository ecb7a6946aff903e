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

/* A case of the `gemm` suite (ours, M = 1 runs the GEMV kernel) for suite `suite`: run it with that suite's
 * callbacks (tfb_suite_gemm), which read the parameters this writes. */
void tfb_gemm_case(tfb_case *c, const char *suite, size_t m, size_t n, size_t k, int half);
/* The gemm suite's table entry (suites/gemm/gemm.c), whose callbacks run such a case. */
extern const tfb_suite tfb_suite_gemm;

#endif
