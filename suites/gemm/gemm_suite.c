/* The suite side of gemv and gemm: model weight shapes, cases, and the driver callbacks. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gemm_core.h"
#include "gemm_quant.h"
#include "tfbench/checked.h"
#include "tfbench/verify.h"
#include "tfbench/model.h"

typedef struct gemm_case_kind {
    int kind;                 /* GEMM_KIND_GEMV or GEMM_KIND_GEMM */
    int impl;                 /* GEMM_IMPL_TFBENCH or GEMM_IMPL_CLBLAST */
    int half;                 /* fp16-stored weights */
    int quant;                /* GEMM_QUANT_*: block-quantized weights */
    unsigned window;          /* the dequantization-only variant (gemm_config.window) */
} gemm_case_kind;
TFB_CASE_PARAMS(gemm_case_kind, gemm)

static void add_shape(gemm_weight_shape *out, size_t *count, size_t n, size_t k, const char *role)
{
    for (size_t i = 0; i < *count; i++) {
        if (out[i].n == n && out[i].k == k) {
            size_t used = strlen(out[i].roles);
            snprintf(out[i].roles + used, sizeof out[i].roles - used, ",%s", role);
            return;
        }
    }
    if (*count == GEMM_MAX_SHAPES) return;
    out[*count] = (gemm_weight_shape){n, k, ""};
    snprintf(out[*count].roles, sizeof out[*count].roles, "%s", role);
    (*count)++;
}

/* The projections of one transformer layer: Q and O are d_model x d_model, K and V n_kv_heads * d_head rows (GQA),
 * gate and up d_ff x d_model (SwiGLU; GELU has up only), down d_model x d_ff. */
static void layer_shapes(const tfb_model_config *m, gemm_weight_shape *out, size_t *count)
{
    size_t d_model = (size_t)m->d_model, d_ff = (size_t)m->d_ff;
    size_t kv_rows = (size_t)(m->n_kv_heads * tfb_model_d_head(m));
    add_shape(out, count, d_model, d_model, "q");
    add_shape(out, count, kv_rows, d_model, "k");
    add_shape(out, count, kv_rows, d_model, "v");
    add_shape(out, count, d_model, d_model, "o");
    if (m->ffn == TFB_FFN_SWIGLU) add_shape(out, count, d_ff, d_model, "gate");
    add_shape(out, count, d_ff, d_model, "up");
    add_shape(out, count, d_model, d_ff, "down");
}

void gemm_case_init(tfb_case *c, const char *suite, int kind, int impl, int half, size_t m, size_t n, size_t k)
{
    memset(c, 0, sizeof *c);
    c->impl = impl == GEMM_IMPL_CLBLAST ? "clblast" : "tfbench";
    c->dtype = half ? "fp16" : "fp32";
    gemm_set_case_params(c, (gemm_case_kind){.kind = kind, .impl = impl, .half = half});
    c->m = m;
    c->n = n;
    c->k = k;
    if (kind == GEMM_KIND_GEMV) {
        snprintf(c->shape, sizeof c->shape, "%zux%zu", n, k);
        snprintf(c->series, sizeof c->series, "gemv/%s/%s", c->impl, c->dtype);
    } else {
        snprintf(c->shape, sizeof c->shape, "%zux%zux%zu", m, n, k);
        snprintf(c->series, sizeof c->series, "gemm/%s/%zux%zu/%s", c->impl, n, k, c->dtype);
    }
    tfb_case_name(c, suite);
}

void gemm_case_init_weights(tfb_case *c, const char *suite, int kind, int weights, size_t m, size_t n, size_t k)
{
    int quant = weights >= GEMM_WEIGHTS_Q8_0 ? weights - GEMM_WEIGHTS_Q8_0 + GEMM_QUANT_Q8_0 : GEMM_QUANT_NONE;
    gemm_case_init(c, suite, kind, GEMM_IMPL_TFBENCH, weights == GEMM_WEIGHTS_FP16, m, n, k);
    if (!quant) return;
    c->dtype = gemm_quant_format_of(quant)->name;
    gemm_set_case_params(c, (gemm_case_kind){.kind = kind, .impl = GEMM_IMPL_TFBENCH, .quant = quant});
    if (kind == GEMM_KIND_GEMV) snprintf(c->series, sizeof c->series, "gemv/%s/%s", c->impl, c->dtype);
    else snprintf(c->series, sizeof c->series, "gemm/%s/%zux%zu/%s", c->impl, n, k, c->dtype);
    tfb_case_name(c, suite);
}

/* The weights read are the window's blocks of each row (in cache); bytes() still counts the whole matrix, so the
 * case's GB/s is the weight stream its arithmetic alone could keep up with. */
void gemm_case_set_window(tfb_case *c, unsigned window)
{
    gemm_case_kind p = gemm_case_params(c);
    p.window = window;
    gemm_set_case_params(c, p);
    size_t used = strlen(c->shape);
    snprintf(c->shape + used, sizeof c->shape - used, "-dequant-only");
    snprintf(c->series, sizeof c->series, "gemv/%s/%s-dequant-only", c->impl, c->dtype);
    tfb_case_name(c, "gemv");
}

double gemm_case_flops(const tfb_case *c)
{
    return 2.0 * (double)c->m * (double)c->n * (double)c->k;
}

/* Minimum traffic: the weights (as stored), the activations and the outputs, each once. */
double gemm_case_bytes(const tfb_case *c)
{
    gemm_case_kind p = gemm_case_params(c);
    if (p.quant)  /* exact: every block with its fp16 scale */
        return (double)gemm_quant_matrix_bytes(p.quant, c->n, c->k) + 4.0 * ((double)c->m * c->k + (double)c->m * c->n);
    double weight_element = gemm_case_params(c).half ? 2.0 : 4.0;
    return weight_element * (double)c->n * (double)c->k + 4.0 * ((double)c->m * c->k + (double)c->m * c->n);
}

double gemm_case_bytes_written(const tfb_case *c)
{
    return 4.0 * (double)c->m * (double)c->n;
}

typedef struct suite_state {
    gemm_state *gemm;
    gemm_config cfg;
    char tuning[16];          /* "cache" or "search" */
} suite_state;

/* Memory-bound cases rotate over distinct weight matrices totalling >= the out-of-cache size (like a pass over
 * many layers); each matrix must fit one allocation, and the set the device's memory. */
static size_t weight_sets(const tfb_run *run, const gemm_config *cfg)
{
    if ((cfg->kind == GEMM_KIND_GEMM && cfg->m > GEMM_ROTATE_MAX_M) || cfg->window) return 1;
    uint64_t matrix = cfg->quant ? gemm_weight_bytes(cfg) : tfb_mul3_size(cfg->n, cfg->k, cfg->half ? 2 : 4);
    return tfb_sizing_sets(&run->sizing, matrix, GEMM_MAX_SETS);
}

int gemm_suite_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    suite_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    gemm_case_kind p = gemm_case_params(c);
    s->cfg = (gemm_config){.kind = p.kind, .impl = p.impl, .half = p.half, .quant = p.quant, .window = p.window,
                           .m = c->m, .n = c->n, .k = c->k, .seed = (uint32_t)run->seed};
    int shape = p.quant ? gemm_quant_check_shape(&s->cfg, err) : TFB_OK;
    if (shape != TFB_OK) return shape;
    /* At batch 1 a GEMM is a GEMV: our GEMV kernel runs it (CLBlast keeps its GEMM routine). */
    if (s->cfg.kind == GEMM_KIND_GEMM && s->cfg.m == 1 && s->cfg.impl == GEMM_IMPL_TFBENCH) s->cfg.kind = GEMM_KIND_GEMV;
    s->cfg.act_int8 = gemm_quant_act_int8_suits(&run->ctx->info, &s->cfg);  /* docs/quantization.md */
    s->cfg.sets = weight_sets(run, &s->cfg);
    int fits = gemm_fits(run->ctx, &s->cfg, err);  /* before tuning, which would fail on it instead */
    if (fits != TFB_OK) return fits;
    if (s->cfg.impl == GEMM_IMPL_TFBENCH) {
        int rc = gemm_tuned_params(run->ctx, &s->cfg, &s->cfg.params, s->tuning, sizeof s->tuning, err);
        if (rc != TFB_OK) return rc;
    }
    return gemm_prepare(run->ctx, &s->cfg, &s->gemm, err);
}

int gemm_suite_execute(tfb_run *run, void *state, tfb_error *err)
{
    suite_state *s = state;
    return gemm_run_all_sets(s->gemm, err);
}

int gemm_suite_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    suite_state *s = state;
    return gemm_check(s->gemm, max_error, err);
}

int gemm_suite_repoison(tfb_run *run, void *state, tfb_error *err)
{
    suite_state *s = state;
    return gemm_repoison(s->gemm, err);
}

int gemm_suite_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    suite_state *s = state;
    return gemm_time(s->gemm, &run->policy, time, err);
}

static void add_params(cJSON *extra, const suite_state *s)
{
    const gemm_params *p = &s->cfg.params;
    cJSON *params = cJSON_AddObjectToObject(extra, "tile");
    cJSON_AddStringToObject(params, "layout", gemm_layout_name(p->layout));
    if (s->cfg.quant) {
        cJSON_AddNumberToObject(params, "rows", p->streams);
        cJSON_AddNumberToObject(params, s->cfg.kind == GEMM_KIND_GEMV ? "wg" : "tm",
                                s->cfg.kind == GEMM_KIND_GEMV ? p->wg : p->tm);
        cJSON_AddStringToObject(extra, "tuning", s->tuning);
        return;
    }
    cJSON_AddNumberToObject(params, "tn", p->tn);
    if (p->layout == GEMM_LAYOUT_GROUP) {
        cJSON_AddNumberToObject(params, "wg", p->wg);
        cJSON_AddNumberToObject(params, "rows", p->tm);
    } else if (p->layout == GEMM_LAYOUT_TILED) {
        cJSON_AddNumberToObject(params, "tile_m", p->mb);
        cJSON_AddNumberToObject(params, "tile_k", p->tk);
        cJSON_AddNumberToObject(params, "reg_m", p->tm);
        cJSON_AddNumberToObject(params, "reg_n", p->wn);
    } else if (s->cfg.kind == GEMM_KIND_GEMV) {
        cJSON_AddNumberToObject(params, "wg", p->wg);
        cJSON_AddNumberToObject(params, "streams", p->streams);
        cJSON_AddNumberToObject(params, "prefetch", p->prefetch);
    } else {
        cJSON_AddNumberToObject(params, "tm", p->tm);
        cJSON_AddNumberToObject(params, "mb", p->mb);
    }
    cJSON_AddStringToObject(extra, "tuning", s->tuning);
}

void gemm_suite_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    suite_state *s = state;
    r->working_set_bytes = gemm_working_set_bytes(s->gemm);
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "weight_sets", (double)s->cfg.sets);
    const gemm_quant_format *f = gemm_quant_format_of(s->cfg.quant);
    cJSON_AddStringToObject(extra, "weight_dtype", f ? f->name : s->cfg.half ? "fp16" : "fp32");
    cJSON_AddStringToObject(extra, "accumulate", "fp32");
    tfb_add_verification(extra, s->cfg.m, s->cfg.n, (double)s->cfg.m * (double)s->cfg.n, gemm_check_method(s->gemm));
    tfb_add_verification_seconds(extra, gemm_check_seconds(s->gemm));
    if (f) {
        char layout[160];
        snprintf(layout, sizeof layout, "row-major blocks of %u weights, %u bytes each (fp16 scale first), "
                 "quantized on the host", f->block, f->block_bytes);
        cJSON_AddStringToObject(extra, "weight_layout", layout);
        cJSON_AddNumberToObject(extra, "weight_bits", 8.0 * f->block_bytes / f->block);
        cJSON_AddNumberToObject(extra, "quantize_seconds", gemm_pack_seconds(s->gemm));
        /* which GEMV ran (docs/quantization.md): the CPU's quantizes the activations to int8 on the device */
        cJSON_AddStringToObject(extra, "activations", s->cfg.act_int8 ? "int8, blocks of 32, quantized on the device"
                                                                        : "fp32");
        add_params(extra, s);
        cJSON_AddStringToObject(extra, "timing", "device events");
    } else if (s->cfg.impl == GEMM_IMPL_TFBENCH) {
        char layout[96];
        snprintf(layout, sizeof layout, "packed panels of %u weight rows, prepared once before timing",
                 s->cfg.params.tn);
        cJSON_AddStringToObject(extra, "weight_layout", layout);
        cJSON_AddNumberToObject(extra, "pack_seconds", gemm_pack_seconds(s->gemm));
        add_params(extra, s);
        cJSON_AddStringToObject(extra, "timing", "device events");
    } else {
        cJSON_AddStringToObject(extra, "weight_layout", "row-major (unpacked)");
        cJSON_AddStringToObject(extra, "timing", "wall clock, enqueue to clFinish, first call excluded");
    }
    r->extra = extra;
}

void gemm_suite_teardown(void *state)
{
    suite_state *s = state;
    if (!s) return;
    gemm_release(s->gemm);
    free(s);
}

void gemm_suite_shapes(const tfb_run *run, gemm_weight_shape *shapes, size_t *count)
{
    *count = 0;
    if (run->workload->has_shape) add_shape(shapes, count, run->workload->shape_n, run->workload->shape_k, "shape");
    else layer_shapes(&run->workload->model, shapes, count);
}
