/* Weight sets, packing, our kernels and CLBlast on the same buffers, and the float64 reference check. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <clblast_c.h>
#include "gemm_core.h"
#include "gemm_quant.h"
#include "tfbench/checked.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"

/* Activations in [0.5, 1.5), weights in [-1.5, -0.5): never zero, and every product has the same sign, so the
 * reference's magnitude is the sum of |terms| the tolerance is relative to. */
static const float A_LO = 0.5f, A_HI = 1.5f, W_LO = -1.5f, W_HI = -0.5f;

struct gemm_state {
    tfb_context *ctx;
    gemm_config cfg;
    cl_mem weights[GEMM_MAX_SETS];  /* packed panels (tfbench) or row-major [N x K] (CLBlast) */
    cl_mem a, c;
    cl_kernel kernels[GEMM_MAX_SETS];
    tfb_launch launches[GEMM_MAX_SETS];
    double pack_seconds;            /* device time to pack one matrix */
    double check_seconds;           /* wall time of the checks so far */
    tfb_passed_output passed;       /* the last output that passed the check */
    size_t next_set;                /* CLBlast: the set its next call uses */
};

static uint32_t weight_seed(const gemm_config *cfg, size_t set)
{
    return cfg->seed + 100u + (uint32_t)set;
}

static size_t panels(const gemm_config *cfg)
{
    return (cfg->n + cfg->params.tn - 1) / cfg->params.tn;
}

size_t gemm_weight_bytes(const gemm_config *cfg)
{
    size_t element = cfg->half ? 2 : 4;
    if (cfg->quant) return gemm_quant_matrix_bytes(cfg->quant, cfg->n, cfg->k);
    if (cfg->impl == GEMM_IMPL_CLBLAST || cfg->params.tn == 0) return tfb_mul3_size(cfg->n, cfg->k, element);
    return tfb_mul3_size(panels(cfg) * cfg->params.tn, cfg->k, element);  /* the last panel is zero-padded */
}

static size_t config_bytes(const gemm_config *cfg)
{
    return tfb_add_size(tfb_mul_size(cfg->sets, gemm_weight_bytes(cfg)),
                        tfb_add_size(tfb_mul3_size(cfg->m, cfg->k, 4), tfb_mul3_size(cfg->m, cfg->n, 4)));
}

size_t gemm_working_set_bytes(const gemm_state *s)
{
    return config_bytes(&s->cfg);
}

double gemm_pack_seconds(const gemm_state *s)
{
    return s->pack_seconds;
}

/* Derivation: a length-k fp32 dot product computed as a few FMA chains plus a final sum commits at most k
 * roundings, each <= u = 2^-24 times the running magnitude, which never exceeds S = sum |a_i w_i| (all our terms
 * have one sign). Roundings of random data behave like independent zero-mean errors, so their sum grows like
 * sqrt(k) u S; tfb_dot_tolerance_f32 allows (8 sqrt(k) + 4) u, a >= 8 sigma margin. The inputs themselves are exact
 * (fp16 weights are rounded on the host exactly as the device stores them), so nothing else adds error. */
double gemm_tolerance(size_t k)
{
    return tfb_dot_tolerance_f32(k);
}

/* On the float's bits: a half keeps 10 of its 23 fraction bits, so the 13 it drops are rounded away (to nearest,
 * ties to even; a carry runs into the exponent as it should). frexp/ldexp/nearbyint did the same in double and were
 * 3% of a layer case's CPU time (the host mirror rounds every fp16 weight it checks). */
float gemm_round_to_half(float x)
{
    if (x == 0.0f || !isfinite(x)) return x;
    if (fabsf(x) < 0x1p-14f) return rintf(x * 0x1p24f) * 0x1p-24f;  /* half subnormals: steps of 2^-24, exact */
    uint32_t bits;
    memcpy(&bits, &x, sizeof bits);
    bits = (bits + 0xfffu + ((bits >> 13) & 1u)) & ~0x1fffu;
    float rounded;
    memcpy(&rounded, &bits, sizeof rounded);
    return fabsf(rounded) > 65504.0f ? copysignf(INFINITY, x) : rounded;
}

static void build_options(const tfb_context *ctx, const gemm_config *cfg, char *buf, size_t size)
{
    const gemm_params *p = &cfg->params;
    int used = snprintf(buf, size, "-DTN=%u%s", p->tn, cfg->half ? " -DWEIGHT_HALF" : "");
    if (p->layout == GEMM_LAYOUT_GROUP)
        snprintf(buf + used, size - used, " -DGROUP_WG=%u -DGROUP_ROWS=%u", p->wg, p->tm);
    else if (p->layout == GEMM_LAYOUT_TILED)
        snprintf(buf + used, size - used, " -DTILE_M=%u -DTILE_K=%u -DREG_M=%u -DREG_N=%u", p->mb, p->tk, p->tm, p->wn);
    else if (cfg->kind == GEMM_KIND_GEMV && p->prefetch)
        snprintf(buf + used, size - used, " -DWG=%u -DSTREAMS=%u -DPREFETCH=%u", p->wg, p->streams, p->prefetch);
    else if (cfg->kind == GEMM_KIND_GEMV)
        snprintf(buf + used, size - used, " -DWG=%u -DSTREAMS=%u", p->wg, p->streams);
    else if (p->prefetch)
        snprintf(buf + used, size - used, " -DTM=%u -DMB=%u -DPREFETCH=%u", p->tm, p->mb, p->prefetch);
    else snprintf(buf + used, size - used, " -DTM=%u -DMB=%u", p->tm, p->mb);
}

const char *gemm_layout_name(unsigned layout)
{
    return layout == GEMM_LAYOUT_GROUP ? "group" : layout == GEMM_LAYOUT_TILED ? "tiled" : "item";
}

size_t gemm_local_bytes(const gemm_config *cfg, const gemm_params *p)
{
    if (p->layout == GEMM_LAYOUT_GROUP) return (size_t)p->wg * p->tn * sizeof(float);
    if (p->layout == GEMM_LAYOUT_TILED) return (size_t)p->tk * (p->mb + 1 + p->tn) * sizeof(float);
    return cfg->kind == GEMM_KIND_GEMV ? (size_t)p->wg * p->tn * sizeof(float) : 0;
}

size_t gemm_group_items(const gemm_config *cfg, const gemm_params *p)
{
    if (p->layout == GEMM_LAYOUT_TILED) return p->wn && p->tm ? (size_t)(p->tn / p->wn) * (p->mb / p->tm) : 0;
    return p->layout == GEMM_LAYOUT_GROUP || cfg->kind == GEMM_KIND_GEMV ? p->wg : 1;
}

static int power_of_two(unsigned x)
{
    return x && (x & (x - 1)) == 0;
}

/* The GPU layouts: GROUP runs GEMV and batches up to 8 (its rows are the batch class), TILED any GEMM. */
static int gpu_params_valid(const gemm_config *cfg, const gemm_params *p)
{
    if (p->layout == GEMM_LAYOUT_GROUP)
        return p->tn <= 64 && power_of_two(p->wg) && p->wg <= 1024 && p->tm >= 1 && p->tm <= 8 && cfg->m <= p->tm;
    return cfg->kind == GEMM_KIND_GEMM && p->tn <= 128 && p->tk >= 1 && p->tk <= 64 && p->tm >= 1 && p->wn >= 1 &&
           p->mb >= p->tm && p->mb % p->tm == 0 && p->tn % p->wn == 0 && p->tm * p->wn <= 128 &&
           gemm_group_items(cfg, p) <= 1024;
}

int gemm_params_valid(const gemm_config *cfg, const gemm_params *p)
{
    if (cfg->impl != GEMM_IMPL_TFBENCH) return 1;
    if (cfg->quant) return gemm_quant_params_valid(cfg, p);
    if (p->tn == 0 || p->tn % 16 || p->layout > GEMM_LAYOUT_TILED) return 0;
    if (p->layout != GEMM_LAYOUT_ITEM) return gpu_params_valid(cfg, p);
    if (p->tn > 64) return 0;
    if (cfg->kind == GEMM_KIND_GEMV)
        return p->wg >= 1 && p->wg <= 256 && p->streams >= 1 && p->streams <= 16 && p->prefetch <= 3;
    return p->tm >= 1 && p->tm <= 16 && p->mb >= p->tm && p->mb % p->tm == 0 && p->prefetch <= 3;
}

/* Packs panels first .. first + count - 1, whose rows `rows` holds from row first x TN on, into their places in
 * `packed`; adds the device time of the packing kernel to *seconds. */
static int pack_panels(tfb_context *ctx, const gemm_config *cfg, cl_kernel kernel, cl_mem rows, size_t first,
                       size_t count, cl_mem packed, double *seconds, tfb_error *err)
{
    cl_uint n = (cl_uint)cfg->n, k = (cl_uint)cfg->k, from = (cl_uint)first;
    /* Small explicit groups: each work-item holds a TN x 16 tile in private memory, which PoCL allocates per item
     * of a group (a driver-chosen group of thousands would overflow its stack). */
    size_t k_blocks = ((cfg->k + 15) / 16 + 3) / 4 * 4;
    tfb_launch launch = {kernel, 2, {count, k_blocks}, {1, 4}};
    tfb_work work = {&launch, 1, 1};
    tfb_timing_policy once = {.warmup = 0, .min_reps = 1, .max_reps = 1, .min_seconds = 0};
    tfb_stats time;
    int rc = TFB_SET_ARGS(kernel, err, TFB_MEM(rows), TFB_MEM(packed), TFB_VAL(n), TFB_VAL(k), TFB_VAL(from));
    if (rc == TFB_OK) rc = tfb_work_time(ctx, &work, &once, &time, err);
    if (rc == TFB_OK) *seconds += time.median;
    return rc;
}

static int pack_kernel(tfb_context *ctx, const gemm_config *cfg, cl_kernel *kernel, tfb_error *err)
{
    char options[160];
    build_options(ctx, cfg, options, sizeof options);
    return tfb_kernel_create(ctx, "gemm.cl", options, "pack_weights", kernel, err);
}

/* Packs the row-major matrix in `rows` into `packed` and returns the device time of the packing kernel. */
static int pack_matrix(tfb_context *ctx, const gemm_config *cfg, cl_mem rows, cl_mem packed, double *seconds,
                       tfb_error *err)
{
    cl_kernel kernel;
    if (pack_kernel(ctx, cfg, &kernel, err) != TFB_OK) return TFB_ERROR;
    *seconds = 0.0;
    int rc = pack_panels(ctx, cfg, kernel, rows, 0, panels(cfg), packed, seconds, err);
    tfb_kernel_release(&kernel);
    return rc;
}

size_t gemm_staging_bytes(size_t k)
{
    return tfb_mul3_size(GEMM_STAGING_ROWS, k, sizeof(float));
}

int gemm_pack_grid(tfb_context *ctx, const gemm_config *cfg, const tfb_grid_spec *grid, cl_mem staging,
                   size_t staging_rows, cl_mem packed, double *seconds, tfb_error *err)
{
    size_t tn = cfg->params.tn, batch = staging_rows / tn, total = panels(cfg);
    if (batch == 0) return tfb_fail(err, "pack: a staging buffer of %zu rows holds no panel of %zu", staging_rows, tn);
    cl_kernel kernel;
    if (pack_kernel(ctx, cfg, &kernel, err) != TFB_OK) return TFB_ERROR;
    *seconds = 0.0;
    int rc = TFB_OK;
    for (size_t first = 0; rc == TFB_OK && first < total; first += batch) {
        size_t count = total - first < batch ? total - first : batch, row = first * tn;
        size_t rows = cfg->n - row < count * tn ? cfg->n - row : count * tn;  /* the pack zero-pads past N */
        rc = tfb_device_fill_grid_at(ctx, staging, (uint64_t)row * cfg->k, rows * cfg->k, grid->seed, grid->lo,
                                     grid->hi, grid->bits, err);
        if (rc == TFB_OK) rc = pack_panels(ctx, cfg, kernel, staging, first, count, packed, seconds, err);
    }
    tfb_kernel_release(&kernel);
    return rc;
}

/* Every weight set: random row-major matrices (CLBlast uses them as they are; we pack each once, untimed). */
static int create_weights(gemm_state *s, tfb_error *err)
{
    const gemm_config *cfg = &s->cfg;
    size_t count = cfg->n * cfg->k;
    if (cfg->impl == GEMM_IMPL_CLBLAST) {
        for (size_t set = 0; set < cfg->sets; set++) {
            int rc = tfb_buffer_create(s->ctx, CL_MEM_READ_WRITE, count * sizeof(float), NULL, &s->weights[set], err);
            if (rc != TFB_OK) return rc;
            rc = tfb_device_fill_uniform(s->ctx, s->weights[set], count, weight_seed(cfg, set), W_LO, W_HI, err);
            if (rc != TFB_OK) return rc;
        }
        return TFB_OK;
    }
    if (cfg->quant) {
        for (size_t set = 0; set < cfg->sets; set++) {
            int rc = tfb_buffer_create(s->ctx, CL_MEM_READ_ONLY, gemm_weight_bytes(cfg), NULL, &s->weights[set], err);
            if (rc != TFB_OK) return rc;
        }
        double started = tfb_now_seconds();
        int rc = gemm_quant_upload(s->ctx, cfg, weight_seed(cfg, cfg->sets - 1), W_LO, W_HI, s->weights, cfg->sets,
                                   err);
        s->pack_seconds = tfb_now_seconds() - started;  /* host quantization and upload, wall time */
        return rc;
    }
    cl_mem rows = NULL;  /* a few panels of rows at a time (gemm_pack_grid): no fp32 copy of a whole matrix */
    int rc = tfb_buffer_create(s->ctx, CL_MEM_READ_WRITE, gemm_staging_bytes(cfg->k), NULL, &rows, err);
    double total = 0.0;
    for (size_t set = 0; rc == TFB_OK && set < cfg->sets; set++) {
        double seconds = 0.0;
        tfb_grid_spec grid = {weight_seed(cfg, set), W_LO, W_HI, 24};  /* tfb_device_fill_uniform's values */
        rc = tfb_buffer_create(s->ctx, CL_MEM_READ_ONLY, gemm_weight_bytes(cfg), NULL, &s->weights[set], err);
        if (rc == TFB_OK)
            rc = gemm_pack_grid(s->ctx, cfg, &grid, rows, GEMM_STAGING_ROWS, s->weights[set], &seconds, err);
        total += seconds;
    }
    s->pack_seconds = cfg->sets ? total / (double)cfg->sets : 0.0;
    tfb_buffer_release(&rows);
    return rc;
}

static const char *kernel_name(const gemm_config *cfg)
{
    if (cfg->params.layout == GEMM_LAYOUT_GROUP) return "gemv_group";
    if (cfg->params.layout == GEMM_LAYOUT_TILED) return "gemm_tiled";
    return cfg->kind == GEMM_KIND_GEMV ? "gemv_packed" : "gemm_packed";
}

/* Row blocks of one panel in one work-group at most (the item layout): PoCL runs a group's items on one core, one
 * after another, so the panel stays in L2 across its blocks. */
#define ITEM_GROUP_BLOCKS 64

/* The NDRange of the layout: work-items per panel (GEMV, group), panels x row blocks (tiled), or row blocks x
 * panels (item: blocks first, see kernels/gemm.cl), a panel's blocks one work-group. Left to the driver, PoCL made
 * 6 x 344 items (tn 64 at 512 x 22016 x 4096) one work-group, which ran on one core of two: 149 vs 305 GFLOP/s at
 * N = 22528. Blocks past M (the round-up to whole groups) store nothing. */
static tfb_launch layout_launch(const gemm_config *cfg, cl_kernel kernel)
{
    const gemm_params *p = &cfg->params;
    if (p->layout == GEMM_LAYOUT_TILED) {
        size_t across = p->tn / p->wn, down = p->mb / p->tm, blocks = (cfg->m + p->mb - 1) / p->mb;
        return (tfb_launch){kernel, 2, {panels(cfg) * across, blocks * down}, {across, down}};
    }
    if (p->layout == GEMM_LAYOUT_GROUP || cfg->kind == GEMM_KIND_GEMV)
        return (tfb_launch){kernel, 1, {panels(cfg) * p->wg}, {p->wg}};
    size_t blocks = (cfg->m + p->mb - 1) / p->mb, group = blocks < ITEM_GROUP_BLOCKS ? blocks : ITEM_GROUP_BLOCKS;
    return (tfb_launch){kernel, 2, {(blocks + group - 1) / group * group, panels(cfg)}, {group, 1}};
}

int gemm_launch_create(tfb_context *ctx, const gemm_config *cfg, cl_mem a, cl_mem weights, cl_mem c,
                       cl_kernel *kernel, tfb_launch *launch, tfb_error *err)
{
    if (cfg->quant) return gemm_quant_launch_create(ctx, cfg, a, weights, c, kernel, launch, err);
    char options[160];
    build_options(ctx, cfg, options, sizeof options);
    if (tfb_kernel_create(ctx, "gemm.cl", options, kernel_name(cfg), kernel, err) != TFB_OK) return TFB_ERROR;
    cl_uint m = (cl_uint)cfg->m, n = (cl_uint)cfg->n, k = (cl_uint)cfg->k;
    *launch = layout_launch(cfg, *kernel);
    if (cfg->kind == GEMM_KIND_GEMV && cfg->params.layout == GEMM_LAYOUT_ITEM)
        return TFB_SET_ARGS(*kernel, err, TFB_MEM(a), TFB_MEM(weights), TFB_MEM(c), TFB_VAL(n), TFB_VAL(k));
    return TFB_SET_ARGS(*kernel, err, TFB_MEM(a), TFB_MEM(weights), TFB_MEM(c), TFB_VAL(m), TFB_VAL(n), TFB_VAL(k));
}

int gemm_pack(tfb_context *ctx, const gemm_config *cfg, cl_mem rows, cl_mem packed, double *seconds, tfb_error *err)
{
    return pack_matrix(ctx, cfg, rows, packed, seconds, err);
}

/* One kernel object per weight set: tfb_work replays fixed launches, so each binds its own weights. */
static int create_launch(gemm_state *s, size_t set, tfb_error *err)
{
    return gemm_launch_create(s->ctx, &s->cfg, s->a, s->weights[set], s->c, &s->kernels[set], &s->launches[set], err);
}

/* NaN everywhere, except for CLBlast: it computes beta * C even when beta is 0 (0 * NaN = NaN), so its output
 * gets a huge finite sentinel instead, which 0 * sentinel clears and an unwritten element keeps (and fails). */
static int poison_output(gemm_state *s, tfb_error *err)
{
    size_t bytes = s->cfg.m * s->cfg.n * sizeof(float);
    if (s->cfg.impl == GEMM_IMPL_TFBENCH) return tfb_device_poison(s->ctx, s->c, bytes, err);
    const float sentinel = 1e30f;
    TFB_CL_CHECK(err, "clEnqueueFillBuffer",
                 clEnqueueFillBuffer(s->ctx->queue, s->c, &sentinel, sizeof sentinel, 0, bytes, 0, NULL, NULL));
    return TFB_OK;
}

int gemm_repoison(gemm_state *s, tfb_error *err)
{
    return tfb_device_poison_finite(s->ctx, s->c, s->cfg.m * s->cfg.n * sizeof(float), err);
}

/* Each buffer within the device's allocation limit, and all of them within 3/4 of its global memory (what the rest
 * of the run and the driver keep); the message says which limit and what needs it. */
int gemm_fits(const tfb_context *ctx, const gemm_config *cfg, tfb_error *err)
{
    const char *what[] = {"A", "C", "one weight matrix", "the fp32 staging rows of the packing"};
    size_t bytes[] = {tfb_mul3_size(cfg->m, cfg->k, 4), tfb_mul3_size(cfg->m, cfg->n, 4), gemm_weight_bytes(cfg),
                      cfg->impl == GEMM_IMPL_TFBENCH && !cfg->quant ? gemm_staging_bytes(cfg->k) : 0};
    char need[32], limit[32];
    for (size_t i = 0; i < 4; i++) {
        if (bytes[i] <= ctx->info.max_alloc_bytes) continue;
        tfb_format_bytes(bytes[i], need, sizeof need);
        tfb_format_bytes(ctx->info.max_alloc_bytes, limit, sizeof limit);
        return tfb_skip(err, "%s needs %s in one buffer; the device allows %s per allocation", what[i], need, limit);
    }
    size_t total = config_bytes(cfg), share = ctx->info.global_mem_bytes / 4 * 3;
    if (total <= share) return TFB_OK;
    tfb_format_bytes(total, need, sizeof need);
    tfb_format_bytes(share, limit, sizeof limit);
    return tfb_skip(err, "needs %s in all; tfbench uses at most 3/4 of the device's global memory, %s", need, limit);
}

int gemm_prepare(tfb_context *ctx, const gemm_config *cfg, gemm_state **out, tfb_error *err)
{
    *out = NULL;
    if (cfg->sets < 1 || cfg->sets > GEMM_MAX_SETS || !gemm_params_valid(cfg, &cfg->params))
        return tfb_fail(err,
                        "gemm: invalid configuration (sets %zu, layout %s, tn %u, tm %u, mb %u, wg %u, streams %u)",
                        cfg->sets, gemm_layout_name(cfg->params.layout), cfg->params.tn, cfg->params.tm,
                        cfg->params.mb, cfg->params.wg, cfg->params.streams);
    if (cfg->impl == GEMM_IMPL_CLBLAST && cfg->half) return tfb_skip(err, "CLBlast runs fp32 weights only here");
    int shape_rc = cfg->quant ? gemm_quant_check_shape(cfg, err) : TFB_OK;
    if (shape_rc != TFB_OK) return shape_rc;
    gemm_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *out = s;
    s->ctx = ctx;
    s->cfg = *cfg;
    int rc = gemm_fits(ctx, cfg, err);
    if (rc != TFB_OK) return rc;
    rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, cfg->m * cfg->k * sizeof(float), NULL, &s->a, err);
    if (rc == TFB_OK) rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, cfg->m * cfg->n * sizeof(float), NULL, &s->c, err);
    if (rc == TFB_OK) rc = tfb_device_fill_uniform(ctx, s->a, cfg->m * cfg->k, cfg->seed + 1u, A_LO, A_HI, err);
    if (rc == TFB_OK) rc = poison_output(s, err);
    if (rc == TFB_OK) rc = create_weights(s, err);
    for (size_t set = 0; rc == TFB_OK && cfg->impl == GEMM_IMPL_TFBENCH && set < cfg->sets; set++)
        rc = create_launch(s, set, err);
    return rc;
}

void gemm_release(gemm_state *s)
{
    if (!s) return;
    for (size_t set = 0; set < GEMM_MAX_SETS; set++) {
        tfb_kernel_release(&s->kernels[set]);
        tfb_buffer_release(&s->weights[set]);
    }
    tfb_buffer_release(&s->a);
    tfb_buffer_release(&s->c);
    free(s);
}

static int clblast_fail(tfb_error *err, const char *call, CLBlastStatusCode status)
{
    if (status < 0 && status > -100) return tfb_cl_fail(err, call, (cl_int)status);
    return tfb_fail(err, "%s failed: CLBlast status %d", call, (int)status);
}

/* One CLBlast call on the next weight set (no wait: the caller finishes the queue). */
static int clblast_call(void *user, tfb_error *err)
{
    gemm_state *s = user;
    const gemm_config *cfg = &s->cfg;
    cl_mem w = s->weights[s->next_set];
    s->next_set = (s->next_set + 1) % cfg->sets;
    cl_event event = NULL;
    CLBlastStatusCode status;
    if (cfg->kind == GEMM_KIND_GEMV)
        status = CLBlastSgemv(CLBlastLayoutRowMajor, CLBlastTransposeNo, cfg->n, cfg->k, 1.0f, w, 0, cfg->k, s->a, 0,
                              1, 0.0f, s->c, 0, 1, &s->ctx->queue, &event);
    else
        status = CLBlastSgemm(CLBlastLayoutRowMajor, CLBlastTransposeNo, CLBlastTransposeYes, cfg->m, cfg->n, cfg->k,
                              1.0f, s->a, 0, cfg->k, w, 0, cfg->k, 0.0f, s->c, 0, cfg->n, &s->ctx->queue, &event);
    if (event) clReleaseEvent(event);
    if (status != CLBlastSuccess)
        return clblast_fail(err, cfg->kind == GEMM_KIND_GEMV ? "CLBlastSgemv" : "CLBlastSgemm", status);
    return TFB_OK;
}

int gemm_run_all_sets(gemm_state *s, tfb_error *err)
{
    if (s->cfg.impl == GEMM_IMPL_TFBENCH) {
        tfb_work work = {s->launches, 1, s->cfg.sets};
        return tfb_work_run_once(s->ctx, &work, err);
    }
    s->next_set = 0;
    for (size_t set = 0; set < s->cfg.sets; set++)
        if (clblast_call(s, err) != TFB_OK) return TFB_ERROR;
    TFB_CL_CHECK(err, "clFinish", clFinish(s->ctx->queue));
    return TFB_OK;
}

/* CLBlast is timed by wall clock from the call to clFinish (its event covers only its last kernel); its first
 * call, which compiles its kernels, happened in gemm_run_all_sets and is not part of the statistics. */
int gemm_time(gemm_state *s, const tfb_timing_policy *policy, tfb_stats *time, tfb_error *err)
{
    if (s->cfg.impl == GEMM_IMPL_TFBENCH) {
        tfb_work work = {s->launches, 1, s->cfg.sets};
        return tfb_work_time(s->ctx, &work, policy, time, err);
    }
    /* CLBlast on a CPU can take seconds per call: its compiling first call was the verified run (no warm-up), two
     * samples at least, and the stopping rule's budget bounds the rest (without the rule its 13 ms GEMVs stopped
     * at 4 samples, where a 15% change stayed within noise). */
    tfb_timing_policy lean = *policy;
    lean.warmup = 0;
    if (lean.min_reps > 2) lean.min_reps = 2;
    return tfb_wall_time(s->ctx, clblast_call, s, &lean, time, err);
}

static void weight_row(const gemm_config *cfg, size_t set, size_t n, double *row)
{
    if (cfg->quant) {
        gemm_quant_weight_row(cfg, weight_seed(cfg, set), W_LO, W_HI, n, row);
        return;
    }
    tfb_hash_uniform_range(weight_seed(cfg, set), (uint64_t)n * cfg->k, cfg->k, W_LO, W_HI, row);
    if (cfg->half)
        for (size_t k = 0; k < cfg->k; k++) row[k] = gemm_round_to_half((float)row[k]);  /* row[k] is a float */
}

/* Row sources of the product check: A, and the weights of the last set (the one the output holds). */
static void a_row(void *user, size_t m, double *row)
{
    const gemm_config *cfg = user;
    tfb_hash_uniform_range(cfg->seed + 1u, (uint64_t)m * cfg->k, cfg->k, A_LO, A_HI, row);
    if (cfg->act_int8 && cfg->kind == GEMM_KIND_GEMV) gemm_quant_activation_row(row, cfg->k);  /* as the kernel */
}

static void last_weight_row(void *user, size_t n, double *row)
{
    const gemm_config *cfg = user;
    weight_row(cfg, cfg->sets - 1, n, row);
}

static tfb_product product_of(const gemm_config *cfg, const float *c)
{
    return (tfb_product){.m = cfg->m, .n = cfg->n, .k = cfg->k, .c = c, .a_row = a_row, .w_row = last_weight_row,
                         .a_user = (void *)cfg, .w_user = (void *)cfg,
                         .rtol = cfg->quant ? gemm_quant_tolerance(cfg->k) : gemm_tolerance(cfg->k), .atol = 0.0,
                         .seed = cfg->seed + 7u};
}

typedef struct gemm_full_check {
    const gemm_config *cfg;
    const float *c;
} gemm_full_check;

static int check_product(void *user, double *worst, tfb_error *err)
{
    const gemm_full_check *g = user;
    char what[64];
    snprintf(what, sizeof what, "C[%zux%zu]", g->cfg->m, g->cfg->n);
    tfb_product p = product_of(g->cfg, g->c);
    return tfb_product_check(what, &p, worst, err);
}

/* Every element of C: Freivalds' projections in float64 (directly for GEMV's few rows), see tfb_product_check;
 * unless C is bit-identical to the last output that passed (tfb_check_unless_unchanged). */
int gemm_check(gemm_state *s, double *max_error, tfb_error *err)
{
    const gemm_config *cfg = &s->cfg;
    size_t bytes = cfg->m * cfg->n * sizeof(float);
    double started = tfb_now_seconds();
    float *c = malloc(bytes);
    int rc = c ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    if (rc == TFB_OK) rc = tfb_buffer_read(s->ctx, s->c, bytes, c, err);
    gemm_full_check full = {cfg, c};
    if (rc == TFB_OK)
        rc = tfb_check_unless_unchanged(&s->passed, tfb_fingerprint_fold(TFB_FINGERPRINT_START, c, bytes),
                                        check_product, &full, max_error, err);
    free(c);
    s->check_seconds += tfb_now_seconds() - started;
    return rc;
}

double gemm_check_seconds(const gemm_state *s)
{
    return s->check_seconds;
}

const char *gemm_check_method(const gemm_state *s)
{
    tfb_product p = product_of(&s->cfg, NULL);
    return tfb_product_method(p.m);
}

