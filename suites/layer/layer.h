/* The parts of the decoder-layer suite (suites/layer): its cases, one layer's device objects and kernels in
 * launch order, the step-by-step check against float64, the op breakdown, and the model-level summary. */
#ifndef TFBENCH_SUITES_LAYER_H
#define TFBENCH_SUITES_LAYER_H

#include "tfbench/attention.h"
#include "tfbench/gemm.h"
#include "tfbench/kv_dtype.h"
#include "tfbench/model.h"
#include "tfbench/read_probe.h"
#include "tfbench/suite.h"

enum { LAYER_DECODE, LAYER_PREFILL, LAYER_HEAD };
/* A model too small to reach the out-of-cache size in 16 layers gets 16, labelled cache-resident. */
enum { LAYER_MAX_STACK = 16, LAYER_MAX_LAUNCHES = 14 };
/* The op breakdown's groups: Q/K/V and O projections, attention, the FFN's projections, the small kernels. */
enum { GROUP_PROJECTIONS, GROUP_ATTENTION, GROUP_FFN, GROUP_SMALL, GROUP_COUNT };
/* The weights of one layer, each with its own seed: the fused Q/K/V and gate/up products (the classic block: up
 * alone), O, down, two norm gains; the classic block's biases and LayerNorm biases (betas) after them. */
enum { W_QKV, W_O, W_GATE_UP, W_DOWN, W_NORM1, W_NORM2, W_BIAS_QKV, W_BIAS_O, W_BIAS_UP, W_BIAS_DOWN, W_BETA1, W_BETA2,
       W_COUNT };
#define LAYER_RMS_EPS 1e-5f
#define LAYER_ROPE_BASE 10000.0
#define LAYER_NORM_WG 64
#define LAYER_NORM_EPS 1e-5f      /* the classic block's LayerNorm */
#define LAYER_BIAS_RANGE 0.25f    /* biases and betas: uniform in [-0.25, 0.25) */

typedef struct layer_params {
    int phase;                /* LAYER_DECODE, LAYER_PREFILL or LAYER_HEAD */
    int half;                 /* fp16-stored weights (fp32 activations and accumulation) */
    int quant;                /* TFB_LINEAR_Q8_0 ..: block-quantized projection weights (layer_formats.c); 0: none */
    int kv_dtype;             /* decode: the cache's format (tfb_kv_dtype; fp32 is the layout of layer_unit) */
    int light;                /* the default run's quantized step: one layer, few samples (layer_run.c) */
    size_t rows;              /* decode: sequences; prefill: prompt tokens; head: rows of its GEMV/GEMM */
    size_t context;           /* decode: tokens in each cache with the new one appended; prefill: = rows */
    size_t layers;            /* distinct layers one execution runs through, in sequence */
    double flops, bytes, bytes_written;  /* per layer (the head: all of it), tfb_model_layer_* or the gemm suite */
} layer_params;
TFB_CASE_PARAMS(layer_params, layer)

/* The model's shape as the layer uses it. */
typedef struct layer_dims {
    size_t d, heads, kv_heads, dh, f, slots;  /* slots: heads + 2 kv_heads, the fused QKV row in heads */
    int classic;              /* the GPT-2/GPT-3 block (layer_classic.c): LayerNorm, biases, GELU, no RoPE */
    int gelu_erf;             /* classic: GELU's erf form (else tanh) */
    int post_norm;            /* classic: BERT's post-norm (no norm before attention; a LayerNorm after each add) */
    size_t experts, top_k;    /* a mixture of experts (layer_moe.c): E and k; 0 for a dense FFN */
} layer_dims;

/* One layer of the stack: its weights, activations (x is the previous layer's y, or the stack's input) and
 * attention state. Decode: io.v and plan.scratch[2] (K, key-blocked) are the cache; io.q the rotated query,
 * io.out the attention output. Prefill: io.q/k/v in flash's layouts, io.out token-major. */
typedef struct layer_unit {
    tfb_linear qkv, o, gate_up, down;
    cl_mem gain1, gain2;
    cl_mem bias[W_COUNT];     /* classic: the biases and betas, indexed by their W_ number */
    cl_mem post_sum;          /* classic post-norm: the last residual sum, before the output's LayerNorm */
    struct layer_moe *moe;    /* a mixture of experts: the router, the experts and their kernels (layer_moe.c) */
    cl_mem x, h, qkv_out, o_out, x2, h2, gu, a, dn, y;  /* x is not owned */
    tfb_attention_io io;
    tfb_attention_plan plan;
    cl_kernel norm, rope, add_norm, silu, add, poison;
    cl_mem kv_new[2];         /* a converted cache (fp16, q8_0): the new K and V rows in fp32, [rows * kv_heads][dh] */
    cl_kernel kv_append;      /* stores them into the cache (plan.scratch[2], blocked), after the rotary kernel */
    tfb_launch kv_launch;     /* its launch */
} layer_unit;

/* Device time per group, from profiling events of every launch of `executions` executions. */
typedef struct layer_breakdown {
    double group_s[GROUP_COUNT];
    double kernel_s[LAYER_MAX_LAUNCHES];  /* each launch of a layer, summed over the stack's layers */
    double span_s;            /* first START to last END, per execution */
    size_t executions;
    int before_timing;        /* a long case's warm execution (else the profiled pass after the timing) */
} layer_breakdown;

typedef struct layer_state {
    tfb_context *ctx;
    layer_params p;
    layer_dims dims;
    uint32_t seed;
    cl_mem input;             /* the stack's input [rows][d] */
    cl_mem rope;              /* (cos, sin) per rotated pair, [positions][dh / 2][2] */
    float *rope_host;         /* the same floats, for the reference */
    size_t rope_rows;
    layer_unit *units;        /* p.layers of them */
    tfb_launch launches[LAYER_MAX_STACK * LAYER_MAX_LAUNCHES];
    int groups[LAYER_MAX_LAUNCHES];
    size_t per_layer;         /* launches of one layer */
    double first_run_s;
    layer_breakdown profiled, executed;  /* a profiled pass after the timing; the last execute() */
    size_t checked_rows, checked_cols;
    double check_seconds;     /* wall time of the checks so far */
    tfb_passed_output passed; /* the last check that passed, by the fingerprint of the device state it read */
    /* Decode: read bandwidth measured just before and just after the timed repetitions (the case's own roof,
     * not one measured minutes earlier); bracket_gbps[0] = 0 when the probe found no room. */
    tfb_read_probe probe;
    double bracket_gbps[2];
    unsigned bracket_vec[2];  /* the read width that gave each figure */
    unsigned bracket_prefetch; /* and its software prefetch distance (bytes ahead, 0: none) */
    /* LAYER_HEAD: the gemm suite's case and state */
    const tfb_suite *gemm;
    tfb_case head_case;
    void *head_state;
} layer_state;

/* layer_build.c */
int layer_dims_of(const tfb_model_config *m, layer_dims *out, tfb_error *err);
/* Device bytes of one layer: what stays allocated, and the most that building it needs on top at once. */
void layer_device_bytes(const layer_dims *dims, const layer_params *p, uint64_t *kept, uint64_t *transient);
int layer_build(tfb_run *run, layer_state *s, tfb_error *err);
void layer_release(layer_state *s);
/* The host mirror of weight `matrix` of layer `layer` (as the device holds it: fp16-rounded for fp16 weights). */
float layer_weight(const layer_state *s, size_t layer, int matrix, size_t index);
uint32_t layer_weight_seed(const layer_state *s, size_t layer, int matrix);
/* Row `row` of a random weight matrix of `cols` inputs and seed `seed` as stored (fp16-rounded when half), and the
 * whole matrix's `count` fp32 values written on the device: how every projection's weights are made. */
void layer_grid_row(uint32_t seed, size_t row, size_t cols, int half, double *out);
int layer_grid_fill(tfb_context *ctx, cl_mem staging, size_t count, uint32_t seed, size_t cols, tfb_error *err);
size_t layer_weight_cols(const layer_dims *dims, int matrix);
/* Row `row` of projection `matrix` (layer_weight_cols values), as the device holds it. */
void layer_weight_row(const layer_state *s, size_t layer, int matrix, size_t row, double *out);
float layer_input_value(const layer_state *s, size_t index);
/* Binds the kernel in u->rope (rope_append/rope_scatter, or the classic block's bias_append/bias_scatter) to the
 * fused QKV row, `table` (the rotary table, or the Q/K/V bias) and attention's Q, K and V. */
int layer_set_qkv_args(const layer_state *s, layer_unit *u, cl_mem table, tfb_error *err);
/* The appended cache slot of every sequence and KV head set to `value` (decode). */
int layer_poison_slot(tfb_context *ctx, const layer_state *s, layer_unit *u, float value, tfb_error *err);

/* layer_formats.c: quantized weights and converted KV caches (docs/quantization.md). */
/* The case's formats from the axes' values: weights 0 fp32, 1 fp16, 2 q8_0, 3 q4_0, 4 int4-g128 (the gemv suite's
 * order); kv a tfb_kv_dtype. */
void layer_set_formats(layer_params *p, size_t weights, size_t kv);
tfb_model_dtype layer_weight_dtype(const layer_params *p);
tfb_model_dtype layer_kv_model_dtype(const layer_params *p);
/* The case's dtype name: the weights' ("fp16", "q4_0"), with "-kv-fp16" or "-kv-q8_0" for a converted cache. */
const char *layer_format_name(const layer_params *p);
/* Projection `matrix` of `layer` (rows x cols) quantized on the host from the same random rows as fp32. */
int layer_linear_quantized(tfb_run *run, const layer_state *s, size_t layer, int matrix, size_t rows, cl_mem x,
                           cl_mem y, tfb_linear *out, tfb_error *err);
/* A converted cache: the plan in the cache's format, the fp32 staging rows and the append kernel. */
int layer_kv_build(tfb_context *ctx, const layer_state *s, layer_unit *u, const tfb_attention_shape *shape,
                   tfb_error *err);
int layer_kv_poison(tfb_context *ctx, const layer_state *s, layer_unit *u, float value, tfb_error *err);
/* The check's K and V of one slice (sequence r, KV head g): the past from the attention inputs and the appended
 * row from the staging rows, each checked against what the cache stores and replaced by it (dequantized). */
int layer_kv_read_slice(tfb_decode_cache_reader *reader, const layer_state *s, size_t layer, size_t slice,
                        double *k, double *v, tfb_error *err);

/* layer_formats_table.c: context.ceilings.layer.formats, what each weight and cache format buys. */
void layer_formats_table(cJSON *layer);
void layer_formats_print(const cJSON *layer, FILE *out);

/* layer_classic.c: the classic block's parts, called where the Llama-style block has its own. */
/* TFB_SKIP unless the config is a classic block this suite builds (LayerNorm, biases, GELU, learned positions);
 * fills dims->classic, gelu_erf and post_norm. */
int layer_classic_dims(const tfb_model_config *m, layer_dims *dims, tfb_error *err);
/* Floats of bias or beta `matrix` (W_BIAS_QKV .. W_BETA2). */
size_t layer_classic_width(const layer_dims *dims, int matrix);
int layer_classic_build(tfb_context *ctx, const layer_state *s, size_t layer, tfb_error *err);
/* The small kernels (in the Llama-style block's slots: norm, rope, add_norm, silu, add, poison) with their
 * arguments bound. */
int layer_classic_kernels(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err);
void layer_classic_release(layer_unit *u);
/* References of one row in float64, with their bounds (layer_check.c's rules): LayerNorm of x with gain `gain`
 * and beta `beta`; GELU(up + bias). */
void layer_classic_norm_row(const layer_state *s, size_t layer, int gain, int beta, const float *x, double *want,
                            double *bound);
/* The kernels of one layer in launch order (as layer_summary names them), and the fusions. */
const char *const *layer_classic_kernel_names(const layer_dims *dims, int phase);
const char *const *layer_classic_fusions(size_t *count);
void layer_classic_gelu_row(const layer_state *s, size_t layer, const float *up, double *want, double *bound);

/* layer_moe.c: the Mixtral-style block's FFN, in place of gate_up, silu, down and add (decode; prefill groups the
 * slots by expert first). */
int layer_moe_dims(const tfb_model_config *m, layer_dims *dims, tfb_error *err);
/* Device bytes of the MoE FFN of one layer: the router, every expert (all are stored), the routing and slot rows. */
uint64_t layer_moe_bytes(const layer_dims *dims, int half, size_t rows);
int layer_moe_build(tfb_run *run, const layer_state *s, size_t layer, cl_mem staging, tfb_error *err);
/* Appends the FFN's launches (router, top-k, gate/up, SiLU, down, weighted sum) at l[n], g[n]; the new count. */
size_t layer_moe_launches(const layer_state *s, const layer_unit *u, tfb_launch *l, int *g, size_t n);
int layer_moe_repoison(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err);
void layer_moe_release(layer_unit *u);
/* Routing (in float64) and every element of the routed slots and the output, from the layer's h2 and x2 rows. */
int layer_moe_check(tfb_context *ctx, const layer_state *s, size_t layer, const float *h2, const float *x2,
                    double *worst, tfb_error *err);
const char *const *layer_moe_kernel_names(int phase);
const char *const *layer_moe_fusions(size_t *count);
int layer_moe_touched(tfb_context *ctx, const layer_state *s, size_t layer, size_t *touched, tfb_error *err);
/* experts_touched per layer, the formula's expectation, and the result's bytes from the experts touched. */
int layer_moe_annotate(tfb_run *run, const layer_state *s, const tfb_model_config *model, tfb_result *r,
                       tfb_error *err);

/* context.ceilings.layer.moe_batch_curve: each verified MoE decode case's tokens/s and bytes per token. */
void layer_moe_curve(cJSON *root, const tfb_results *all, const tfb_model_config *model);
void layer_moe_print_curve(const cJSON *layer, FILE *out);

/* layer_run.c */
int layer_execute(tfb_run *run, layer_state *s, tfb_error *err);
int layer_measure(tfb_run *run, layer_state *s, tfb_stats *time, tfb_error *err);
int layer_repoison(tfb_run *run, layer_state *s, tfb_error *err);

/* layer_check.c: every step of every layer on every row against float64 from the step's inputs. */
int layer_verify(tfb_run *run, layer_state *s, double *max_error, tfb_error *err);

/* layer_summary.c */
/* The result's fields: phase, shape, the model's per-layer accounting, kernels, fusions, tiles, op breakdown. */
cJSON *layer_breakdown_json(const layer_state *s, const tfb_model_config *model);
void layer_finish(tfb_run *run);
/* A case's bound in seconds: a decode step's bytes / the mean of its read bracket (extra.read_bracket) when it has
 * one, else the roofline of the run's ceilings; *kind (may be NULL) names the roof. */
double layer_case_bound_seconds(const tfb_ceilings *c, const tfb_result *r, const char **kind);
void layer_summarize(const tfb_results *results, FILE *out);

/* layer_sweep.c: --sweep batch|seq, the serving curves (docs/serving.md). */
typedef struct layer_serving_plan {
    size_t batches[TFB_MAX_LIST], batch_count;
    size_t contexts[TFB_MAX_LIST], context_count;
    int heads;                /* the output head at each batch: the batch curve's whole-model tokens/s */
} layer_serving_plan;
/* The decode points (fp16 weights) of the run's --sweep: batch 1, 2, 4, ... while one layer fits at one context,
 * or contexts 512, 1024, ... at batch 1. */
void layer_serving_points(const tfb_run *run, layer_serving_plan *plan);
/* The serving points' KV cache: the run's first --kv-dtype, else fp32 (a tfb_kv_dtype). */
size_t layer_serving_kv_dtype(const tfb_run *run);
/* context.serving from the run's decode points (after the suite). */
void layer_serving_finish(tfb_run *run);
void layer_serving_summarize(const tfb_results *results, FILE *out);
/* The context where a measured share passes 0.5 for the last time (from below), linear in log(context) between the
 * two around it; 0 when none. */
double layer_serving_crossover(const double *seq, const double *share, size_t n);

#endif
