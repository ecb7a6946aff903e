/* Accounting and verification shared by the attention suites (attention = naive, flash, decode): FLOPs, minimum
 * and actual bytes, device memory, case names, and the check of a device output against the float64 reference. */
#ifndef TFBENCH_ATTENTION_H
#define TFBENCH_ATTENTION_H

#include <stddef.h>
#include <stdint.h>
#include "tfbench/context.h"
#include "tfbench/kv_dtype.h"
#include "tfbench/reference.h"
#include "tfbench/verify.h"
#include "tfbench/suite.h"

/* Pairs (query, key) one head computes. Causal prefill counts n_q * n_kv / 2, the lecture's convention ("half
 * with the causal mask"; the diagonal's extra n/2 pairs are ignored); a single query (decode) sees every key. */
double tfb_attention_pairs(const tfb_attention_shape *s, int causal);
/* 4 * d FLOPs per pair (2 d for Q K^T, 2 d for P V) for every query head of every sequence. */
double tfb_attention_flops(const tfb_attention_shape *s, int causal);
/* Q, K, V and O each moved once (fp32): the traffic a kernel that never spills the score matrix needs. */
double tfb_attention_min_bytes(const tfb_attention_shape *s);
/* The written part of the minimum traffic: O. */
double tfb_attention_written_bytes(const tfb_attention_shape *s);
/* The materialized score matrix of the naive kernels: the visible pairs of every head, fp32. */
double tfb_attention_score_bytes(const tfb_attention_shape *s, int causal);
/* Naive traffic: the minimum plus the score matrix written (Q K^T), read and written (softmax), read (P V). */
double tfb_attention_naive_bytes(const tfb_attention_shape *s, int causal);
/* Device memory of Q, K, V, O (fp32) and, for the naive kernels, the full n_q x n_kv matrix of every head. */
uint64_t tfb_attention_io_device_bytes(const tfb_attention_shape *s);
uint64_t tfb_attention_score_device_bytes(const tfb_attention_shape *s);
size_t tfb_attention_q_count(const tfb_attention_shape *s);   /* floats of Q (and of O) */
size_t tfb_attention_kv_count(const tfb_attention_shape *s);  /* floats of K (and of V) */
/* "b1-h8-n2048-d64-causal", "b4-h32-kv8-n8192-d128" (kv shown when kv_heads != heads). */
void tfb_attention_label(const tfb_attention_shape *s, int causal, char *buf, size_t size);

/* Inputs as the suites fill them on the device: element i of Q is tfb_hash_uniform(seed[Q], i, lo[Q], hi[Q]), etc.
 * Q > 0 and K < 0 with different spreads give scores of varied size and a peaked softmax; no value is zero. */
enum { TFB_ATTN_Q, TFB_ATTN_K, TFB_ATTN_V };
typedef struct tfb_attention_inputs {
    uint32_t seed[3];         /* indexed TFB_ATTN_Q, _K, _V */
    float lo[3], hi[3];
} tfb_attention_inputs;

tfb_attention_inputs tfb_attention_inputs_for(uint32_t seed);
/* Fills q, k, v (device buffers of the shape's sizes) with the random inputs. */
int tfb_attention_fill(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_inputs *in, cl_mem q,
                       cl_mem k, cl_mem v, tfb_error *err);

/* fp32 kernel against the float64 reference: |got - want| <= atol + rtol |want|. An error e in a score becomes a
 * relative error e in its softmax weight, and e ~ (rounding of a d-long dot) x |score|, so rtol = dot tolerance(d)
 * x score_bound (the largest |q.k| scale the inputs allow) + dot tolerance(n_kv) (the P V sum); atol covers the
 * lecture's small mixed-sign values. */
void tfb_attention_tolerance(const tfb_attention_shape *s, double score_bound, double *atol, double *rtol);
/* The score bound of the suites' random inputs: d * max|q| * max|k| * scale. */
double tfb_attention_score_bound(const tfb_attention_shape *s, const tfb_attention_inputs *in);

/* Checks every row of `out` (host copy of O, layout [batch][heads][n_q][d]) against the float64 reference, a block
 * of query rows of one head at a time. *worst: largest error / tolerance seen. */
int tfb_attention_check(const char *what, const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                        const float *out, double *worst, tfb_error *err);
/* Where a check's K and V come from when the kernel reads a converted cache (fp16, q8_0): `read` gets one KV slice
 * (batch * kv_heads + KV head) of the fp32 inputs in k and v ([n_kv][d] each) and replaces them with the values the
 * kernel reads (the dequantized cache), after checking that they are the inputs within the format's rounding. */
typedef struct tfb_attention_kv_source {
    int (*read)(void *state, size_t slice, double *k, double *v, tfb_error *err);
    void *state;
} tfb_attention_kv_source;
/* tfb_attention_check against the reference from `source`'s cache (NULL: the fp32 inputs). */
int tfb_attention_check_kv(const char *what, const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                           const tfb_attention_kv_source *source, const float *out, double *worst, tfb_error *err);

/* The device tensors of one attention call: Q, K, V random (tfb_attention_fill), O poisoned. */
typedef struct tfb_attention_io {
    cl_mem q, k, v, out;
    tfb_passed_output passed; /* the last output that passed tfb_attention_io_check */
} tfb_attention_io;

/* TFB_SKIP (with the size) when a tensor exceeds the device's allocation limit. */
int tfb_attention_io_create(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_inputs *in,
                            tfb_attention_io *io, tfb_error *err);
void tfb_attention_io_release(tfb_attention_io *io);
/* io->out set to finite wrong values (tfb_device_poison_finite) for the check after timing. */
int tfb_attention_io_repoison(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                              tfb_error *err);
/* Reads io->out and checks every row of it (tfb_attention_check), keeping a copy of an output that passed: an output
 * identical to it bit for bit (the check after the timed repetitions, of a deterministic kernel on the same inputs)
 * passes without the reference being computed again; any other is checked in full. */
int tfb_attention_io_check(tfb_context *ctx, const char *what, const tfb_attention_shape *s, int causal,
                           const tfb_attention_inputs *in, tfb_attention_io *io, double *worst, tfb_error *err);
int tfb_attention_io_check_kv(tfb_context *ctx, const char *what, const tfb_attention_shape *s, int causal,
                              const tfb_attention_inputs *in, const tfb_attention_kv_source *source,
                              tfb_attention_io *io, double *worst, tfb_error *err);

/* An attention case: its shape and whether it is causal (the case's typed parameters); n = n_kv, k = d. */
typedef struct tfb_attention_case {
    tfb_attention_shape shape;
    int causal;
} tfb_attention_case;
TFB_CASE_PARAMS(tfb_attention_case, attention)
void tfb_attention_case_init(tfb_case *c, const char *suite, const tfb_attention_shape *s, int causal);
tfb_attention_shape tfb_attention_case_shape(const tfb_case *c);
int tfb_attention_case_causal(const tfb_case *c);
/* A case's minimum traffic and its written part (O): the bytes() and bytes_written() of every attention suite. */
double tfb_attention_case_bytes(const tfb_case *c);
double tfb_attention_case_bytes_written(const tfb_case *c);
/* Widest of float16/8/4 that divides d (1 otherwise): the kernels' vector width along the head dim. */
unsigned tfb_attention_vector_width(size_t d);
/* log2(e) / sqrt(d): the kernels compute scores in the log2 domain and use exp2. */
float tfb_attention_scale_log2(size_t d);
/* The prefill cases of naive and flash (the same list, so their points line up), 4 heads or the model's
 * (tfb_attention_axes_for): --batch, --kv-heads, --head-dim, --seq or the defaults (n 512, 2048 for d 64 and 128,
 * causal off and on) plus, in the default sweep, one causal d=64 case at the shortest length whose naive score
 * matrices exceed the device's allocation limit. Returns the count (may exceed max). */
size_t tfb_attention_prefill_cases(const tfb_run *run, const char *suite, tfb_case *out, size_t max);
/* The axes of that sweep, for the naive and flash suites' table entries: the sequence lengths, the head dims, and
 * whether the long causal case is added. */
extern const tfb_axis tfb_attention_seq_axis, tfb_attention_head_dim_axis, tfb_attention_long_axis;

/* The head layout an attention suite sweeps: the workload's model (n_heads, n_kv_heads, d_model / n_heads) when
 * --model or --config named one, else the suite's defaults; --kv-heads and --head-dim replace either list. KV-head
 * counts that do not divide the heads are left out. */
typedef struct tfb_attention_axes {
    size_t heads;
    size_t kv[TFB_MAX_LIST], kv_count;
    size_t dims[TFB_MAX_LIST], dim_count;
    size_t dropped[TFB_MAX_LIST], dropped_count;  /* KV-head counts left out */
} tfb_attention_axes;

void tfb_attention_axes_for(const tfb_workload *workload, size_t heads, const size_t *kv,
                            size_t kv_count, const size_t *dims, size_t dim_count, tfb_attention_axes *out);
/* A warning on stderr (also under --quiet: ignored input is never silent) naming the --kv-heads values the suite
 * left out. The suites call it on the driver's listing pass (out != NULL), so it is printed once per run. */
void tfb_attention_warn_dropped(const char *suite, const tfb_attention_axes *axes);
/* TFB_SKIP "needs X GiB (what), device has Y GiB" when `bytes` exceed the device's global memory. */
int tfb_attention_fits(const tfb_context *ctx, uint64_t bytes, const char *what, tfb_error *err);
/* The kernels of one attention call on given tensors, as the suites time them and the tests check them. */
typedef struct tfb_flash_tile {
    unsigned wg, rows, keys;  /* items per work-group, query rows per item, keys per K/V tile */
} tfb_flash_tile;

typedef struct tfb_attention_plan {
    cl_kernel kernels[3];
    tfb_launch launches[3];
    size_t steps;             /* launches in order: naive 3 (Q K^T, softmax, P V), flash 1, decode 2 */
    cl_mem scratch[3];        /* naive: the score matrix; decode: partial outputs, partial (max, sum), blocked K */
    tfb_flash_tile tile;      /* flash */
    size_t chunk, splits;     /* decode: keys per split, splits per sequence */
    size_t group;             /* decode: work-items per work-group */
    tfb_kv_dtype kv_dtype;    /* decode: the cache's format */
    int kv_blocked;           /* decode: K and V in one buffer of 16-key blocks (kernels/decode.cl, KV_BLOCKED) */
} tfb_attention_plan;

/* suites/attention/attention.c: TFB_SKIP "needs X GiB ..." when the score matrix does not fit. */
int tfb_naive_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                             tfb_attention_plan *plan, tfb_error *err);
/* The tiles the flash suite's search tries on this device for head dim d, the unsearched (--quick) one first;
 * every one fits the device's work-group size and local memory. CPUs: a fixed list of row blocks. GPU-shaped
 * kernels (info->gpu_kernels): the largest K/V tile local memory holds (keys a multiple of 16, at most 128), then
 * half of it, with 64-256 items of one or two query rows. */
size_t tfb_flash_tiles(const tfb_device_info *info, size_t d, tfb_flash_tile *out, size_t max);
/* suites/attention/flash.c, with a given tile (see the suite for the per-device search). */
int tfb_flash_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                             const tfb_flash_tile *tile, tfb_attention_plan *plan, tfb_error *err);
/* How decode splits a KV cache over work-items on this device: keys per split (a multiple of 16) and work-group
 * size. CPUs: 64 items per compute unit, splits of at least 256 keys, groups of 4. GPU-shaped kernels: 256 items
 * per compute unit, splits down to one 16-key block, groups of 32, so the groups cover every compute unit whenever
 * the cache has enough blocks (an H200's 132 at b4-h32-kv8-n8192). */
typedef struct tfb_decode_split {
    size_t chunk, group;
} tfb_decode_split;
tfb_decode_split tfb_decode_geometry(const tfb_device_info *info, const tfb_attention_shape *s);
/* The same with more build options: "-DTOKEN_MAJOR_OUT" writes out as [batch][n_q][heads][D], the [tokens][d_model]
 * rows a following projection reads. */
int tfb_flash_attention_plan_with(tfb_context *ctx, const tfb_attention_shape *s, int causal,
                                  const tfb_attention_io *io, const tfb_flash_tile *tile, const char *extra_options,
                                  tfb_attention_plan *plan, tfb_error *err);
/* The flash suite's tile for head dim d: the one this run already chose (context.flash_tiles), else its search. */
int tfb_flash_tile_for(tfb_run *run, size_t d, tfb_flash_tile *tile, tfb_error *err);
/* suites/attention/decode.c, for n_q = 1; chunk = keys per split, 0 to choose from the device (several groups per
 * unit). Copies io->k into the key-blocked layout the decode kernel reads (scratch[2], before any timing): afterwards
 * the plan no longer reads io->k, which the caller may release. */
int tfb_decode_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                              size_t chunk, tfb_attention_plan *plan, tfb_error *err);
/* The same with a cache of format `dtype`: fp32 in the layout above, or (fp16, q8_0, and fp32 with `blocked`) K
 * and V converted from io->k and io->v into one buffer of 16-key blocks (scratch[2]), after which the plan reads
 * neither. q8_0 needs d a multiple of 32 (TFB_SKIP otherwise). */
int tfb_decode_attention_plan_kv(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                                 size_t chunk, tfb_kv_dtype dtype, int blocked, tfb_attention_plan *plan,
                                 tfb_error *err);
/* Bytes of that blocked cache (16-key blocks, padded), and of one of its slices. */
uint64_t tfb_decode_cache_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype);
uint64_t tfb_decode_slice_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype);
/* The check's source of a blocked cache: reads the plan's cache slice by slice (tfb_attention_kv_source). Its reads
 * share nothing mutable, so the check's threads may call them at once. */
typedef struct tfb_decode_cache_reader {
    tfb_context *ctx;
    const tfb_attention_shape *shape;
    const tfb_attention_plan *plan;
    double *halves;           /* every fp16 bit pattern's value, owned */
} tfb_decode_cache_reader;
int tfb_decode_cache_reader_init(tfb_decode_cache_reader *reader, tfb_context *ctx, const tfb_attention_shape *s,
                                 const tfb_attention_plan *plan, tfb_error *err);
tfb_attention_kv_source tfb_decode_cache_source(tfb_decode_cache_reader *reader);
void tfb_decode_cache_reader_release(tfb_decode_cache_reader *reader);
/* An append into the plan's blocked cache (a decoder layer's new token): the fp32 rows k_rows and v_rows
 * ([batch * kv_heads][d] each) stored at key `pos` of every slice in the cache's format; the launch runs it. */
int tfb_decode_append_create(const tfb_attention_plan *plan, const tfb_attention_shape *s, cl_mem k_rows,
                             cl_mem v_rows, size_t pos, cl_kernel *kernel, tfb_launch *launch, tfb_error *err);
void tfb_attention_plan_release(tfb_attention_plan *plan);
/* Runs the plan's launches once and waits. */
int tfb_attention_plan_run(tfb_context *ctx, const tfb_attention_plan *plan, tfb_error *err);

/* What naive and flash attention share: one case's inputs, outputs and kernels, executed, checked, re-poisoned and
 * timed the same way (the suites' execute/verify/repoison/measure entries; `state` points at this struct, first in
 * a suite's own state). */
typedef struct tfb_attention_run_state {
    tfb_attention_shape shape;
    int causal;
    const char *what;         /* the output's name in a failed check ("flash attention output") */
    tfb_attention_inputs inputs;
    tfb_attention_io io;
    tfb_attention_plan plan;
    double first_run_s;       /* wall time of the verified run: long cases get fewer repetitions */
    double check_seconds;     /* wall time of the checks so far */
} tfb_attention_run_state;
int tfb_attention_state_execute(tfb_run *run, void *state, tfb_error *err);
int tfb_attention_state_verify(tfb_run *run, void *state, double *max_error, tfb_error *err);
int tfb_attention_state_repoison(tfb_run *run, void *state, tfb_error *err);
int tfb_attention_state_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err);

/* "verification" of a result's extra fields: every row of `sets` outputs against the float64 reference, the checks
 * taking `seconds` in all. */
void tfb_attention_add_verification(cJSON *extra, const tfb_attention_shape *s, size_t sets, double seconds);
/* The JSON fields every attention result carries (shape, accounting, device memory). */
cJSON *tfb_attention_extra(const tfb_attention_shape *s, int causal, uint64_t device_bytes);

#endif
