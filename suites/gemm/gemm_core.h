/* Shared machinery of the gemv and gemm suites: weight shapes of a model, packed weights, our kernels and their
 * tuned parameters, CLBlast beside them, and verification against a float64 reference.
 * Convention: C[M x N] = A[M x K] * W^T with W the weight matrix [N x K] (out_features x in_features, row-major);
 * M is the batch (tokens in flight). */
#ifndef TFBENCH_GEMM_CORE_H
#define TFBENCH_GEMM_CORE_H

#include "tfbench/suite.h"
#include "tfbench/fill.h"

enum { GEMM_KIND_GEMV, GEMM_KIND_GEMM };
enum { GEMM_IMPL_TFBENCH, GEMM_IMPL_CLBLAST };
enum { GEMM_MAX_SETS = 64, GEMM_MAX_SHAPES = 8 };
/* How a kernel spreads the work (kernels/gemm.cl). ITEM: each work-item owns a panel's K range (GEMV) or a block of
 * rows x a panel (GEMM), walked with wide vectors: the CPU layout. GROUP: one work-group per panel, K interleaved
 * over its items (coalesced), a work-group reduction: GPUs at batch <= 8. TILED: local-memory tiles of A and W with
 * a register block per item: GPUs at larger batches. */
enum { GEMM_LAYOUT_ITEM, GEMM_LAYOUT_GROUP, GEMM_LAYOUT_TILED };
/* Bump when kernels/gemm.cl changes: it is part of the tuning cache key. (The GPU layouts were added without a bump:
 * the CPU kernels did not change, and GPU tunings have their own key.) */
#define GEMM_KERNEL_VERSION 6 /* 6: gemm prefetches the next K block, row blocks first; 5: small problems apart */
#define GEMM_TUNE_CACHE_MIN_DIM 1024 /* smaller problems have tuning cache entries of their own (gemm_tune.c) */
/* GEMM at this batch or below rotates over weight sets like gemv (it is memory-bound on every device we know). */
#define GEMM_ROTATE_MAX_M 64

typedef struct gemm_weight_shape {
    size_t n, k;              /* the weight matrix: N rows (out features) x K columns (in features) */
    char roles[48];           /* which projections have this shape: "q,o", "gate,up", ... */
} gemm_weight_shape;

typedef struct gemm_params {
    unsigned tn;              /* panel width: weight rows per packed panel (multiple of 16; the tile width if tiled) */
    unsigned tm, mb;          /* gemm: register-tile rows, rows per work-item (tiled: per work-group); group: rows */
    unsigned wg;              /* gemv, group: work-items per panel (work-group reduction) */
    unsigned streams;         /* gemv: interleaved K sub-ranges per work-item (memory streams in flight) */
    unsigned prefetch;        /* CPU: software prefetch locality hint, 0: none (gemv 3: into L1; gemm 2: L2) */
    unsigned layout;          /* GEMM_LAYOUT_*; 0 is the CPU layout, so older initializers keep their meaning */
    unsigned tk;              /* tiled: K slab per local-memory tile */
    unsigned wn;              /* tiled: register-block columns per work-item */
} gemm_params;

typedef struct gemm_config {
    int kind, impl, half;     /* half: weights stored as fp16, float accumulation */
    int quant;                /* GEMM_QUANT_* (gemm_quant.h): block-quantized weights, kernels/quant.cl; 0: none */
    unsigned window;          /* quantized GEMV only: > 0 reads block b of a row from block b % window (in cache) */
    int act_int8;             /* quantized GEMV only: activations quantized to int8 on the device, integer dot
                               * products (gemm_quant_act_int8_suits); the reference uses the same codes */
    size_t m, n, k;
    size_t sets;              /* distinct weight matrices the timed runs rotate over */
    gemm_params params;       /* tfbench kernels only */
    uint32_t seed;
} gemm_config;

typedef struct gemm_state gemm_state;

/* TFB_SKIP, saying which limit, when a buffer exceeds the device's allocation limit or all of them 3/4 of its
 * global memory (sizes saturate: a shape whose bytes overflow is refused, not wrapped). Without tuned parameters
 * (tn 0) it counts unpadded weights. */
int gemm_fits(const tfb_context *ctx, const gemm_config *cfg, tfb_error *err);
/* Allocates and fills everything, packs the weights (tfbench) and builds the kernel. TFB_SKIP when too big. */
int gemm_prepare(tfb_context *ctx, const gemm_config *cfg, gemm_state **out, tfb_error *err);
void gemm_release(gemm_state *s);
/* Runs every weight set once (the output then holds the last set's result). */
int gemm_run_all_sets(gemm_state *s, tfb_error *err);
/* Checks every element of the output in float64 (tfb_product_check: Freivalds' projections, or directly at M <= 4). */
int gemm_check(gemm_state *s, double *max_error, tfb_error *err);
/* How gemm_check covers this output: "freivalds" or "full_reference". */
const char *gemm_check_method(const gemm_state *s);
double gemm_check_seconds(const gemm_state *s);  /* wall time of the checks so far */
/* The output set to finite wrong values (tfb_device_poison_finite) for the check after timing. */
int gemm_repoison(gemm_state *s, tfb_error *err);
int gemm_time(gemm_state *s, const tfb_timing_policy *policy, tfb_stats *time, tfb_error *err);
double gemm_pack_seconds(const gemm_state *s);
/* Our kernel for cfg (tuned params set) bound to a [M x K], the packed weights and c [M x N]; the launch it takes. */
int gemm_launch_create(tfb_context *ctx, const gemm_config *cfg, cl_mem a, cl_mem weights, cl_mem c,
                       cl_kernel *kernel, tfb_launch *launch, tfb_error *err);
/* Packs a row-major fp32 [N x K] device matrix into `packed` (gemm_weight_bytes(cfg)); *seconds: device time. */
int gemm_pack(tfb_context *ctx, const gemm_config *cfg, cl_mem rows, cl_mem packed, double *seconds, tfb_error *err);
/* Rows of the staging buffer a generated matrix is made and packed through: one panel of the widest tile (128), a
 * few of the narrower ones, so the buffer stays small (5.6 MB at K = 11008) against the packed weights. */
enum { GEMM_STAGING_ROWS = 128 };
size_t gemm_staging_bytes(size_t k);  /* GEMM_STAGING_ROWS x K floats */
/* The same for a matrix generated on the device (tfb_device_fill_grid over all N x K), made and packed a few panels
 * at a time through `staging` (staging_rows x K floats, at least one panel): no full fp32 copy ever exists. */
int gemm_pack_grid(tfb_context *ctx, const gemm_config *cfg, const tfb_grid_spec *grid, cl_mem staging,
                   size_t staging_rows, cl_mem packed, double *seconds, tfb_error *err);
size_t gemm_working_set_bytes(const gemm_state *s);
size_t gemm_weight_bytes(const gemm_config *cfg);

/* Relative tolerance of an fp32-accumulated dot product of length k (see gemm_core.c for the derivation). */
double gemm_tolerance(size_t k);
/* IEEE half rounding (to nearest even) of a float, as the packing kernel stores weights. */
float gemm_round_to_half(float x);

/* Tuning: parameters for this device, kind, precision and batch class from the cache on disk, or a short search. */
int gemm_tuned_params(tfb_context *ctx, const gemm_config *cfg, gemm_params *out, char *source, size_t source_size,
                      tfb_error *err);
/* The cache file of a key: $TFB_CACHE_DIR, else $XDG_CACHE_HOME/tfbench, else ~/.cache/tfbench. */
int gemm_cache_path(const tfb_device_info *info, const gemm_config *cfg, char *path, size_t size, tfb_error *err);
/* Candidates of the short search (at most `max`): the CPU layouts, or with info->gpu_kernels the GPU layouts that fit
 * the device's work-group size and local memory. */
size_t gemm_candidates(const tfb_device_info *info, const gemm_config *cfg, gemm_params *out, size_t max);
int gemm_params_valid(const gemm_config *cfg, const gemm_params *p);
/* Local memory and work-items of one work-group of these parameters (0 local bytes for the layouts that use none). */
size_t gemm_local_bytes(const gemm_config *cfg, const gemm_params *p);
size_t gemm_group_items(const gemm_config *cfg, const gemm_params *p);
const char *gemm_layout_name(unsigned layout);

/* Suite plumbing shared by gemv.c and gemm.c. */
void gemm_case_init(tfb_case *c, const char *suite, int kind, int impl, int half, size_t m, size_t n, size_t k);
/* The weight axis of gemv and gemm (axis values, in this order): fp32, fp16, then the
 * block-quantized formats of gemm_quant.h. A tfbench case of one of them: */
enum { GEMM_WEIGHTS_FP32, GEMM_WEIGHTS_FP16, GEMM_WEIGHTS_Q8_0, GEMM_WEIGHTS_Q4_0, GEMM_WEIGHTS_INT4_G128,
       GEMM_WEIGHTS_COUNT };
void gemm_case_init_weights(tfb_case *c, const char *suite, int kind, int weights, size_t m, size_t n, size_t k);
/* Makes a quantized GEMV case its dequantization-only variant (shape "NxK-dequant-only"). */
void gemm_case_set_window(tfb_case *c, unsigned window);
/* The distinct weight shapes of the run's model (--model/--config, default Llama 2 7B), or the one --shape. */
void gemm_suite_shapes(const tfb_run *run, gemm_weight_shape *shapes, size_t *count);
double gemm_case_flops(const tfb_case *c);
double gemm_case_bytes(const tfb_case *c);
double gemm_case_bytes_written(const tfb_case *c);  /* the outputs */
int gemm_suite_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err);
int gemm_suite_execute(tfb_run *run, void *state, tfb_error *err);
int gemm_suite_verify(tfb_run *run, void *state, double *max_error, tfb_error *err);
int gemm_suite_repoison(tfb_run *run, void *state, tfb_error *err);
int gemm_suite_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err);
void gemm_suite_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r);
void gemm_suite_teardown(void *state);

#endif
