/* The check of a whole layer, step by step: for every row (sequence or prompt token), every step of every layer of
 * the stack is recomputed in float64 from the device's own input to that step and compared within that step's
 * rounding bound. Chaining one float64 reference through the seven products instead would carry a
 * bound that, with mixed-sign weights, grows past 10% of the values (each product multiplies the incoming error
 * bound by the sum of |weights| of a row): loose enough to pass a dropped term. Step by step the bound stays the
 * step's own rounding, so an error anywhere shows where it is.
 * Bounds (u = 2^-24, dot(k) = tfb_dot_tolerance_f32(k) = (8 sqrt(k) + 4) u, the project's fp32 dot-product bound):
 *   projections  dot(K) x sum_k |w_k x_k| per element, every element (tfb_product_check: Freivalds' projections
 *                past 4 rows, the root-sum-square of those bounds per projection);
 *   RMSNorm      (dot(d) + 10u) |y|: the sum of squares, the mean, rsqrt and two products;
 *   residual add 2u (|a| + |b|);  rotary pairs 4u (|x0 c| + |x1 s|) (the table is the same floats on both sides);
 *   V append     exact;  SiLU(gate) x up  16u |y| (exp within 4 ulp, a division and two products);
 *   attention    (2 (dot(D) + u) S + dot(n) + 8u) sum_j p_j |v_j|, S the largest sum_d |q_d k_d| / sqrt(D) of the
 *                row's keys: a score error e changes a softmax weight by a factor e^(+-e), twice with the
 *                normalization, and the sum over the n keys adds dot(n). */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"

#define UNIT 0x1p-24
#define TINY 1e-30            /* absolute floor of every bound: a product of tiny values may round to zero */

/* The sampled rows of one layer, each step's input and output as the device left them. */
typedef struct row_set {
    size_t count;
    const size_t *index;
    float *x, *h, *qkv, *attn, *o, *x2, *h2, *gu, *a, *dn, *y;
} row_set;

typedef struct checker {
    tfb_context *ctx;
    const layer_state *s;
    size_t layer;
    row_set rows;
    double worst;
    float *prompt_qkv[3];     /* prefill: the rotated Q, K and V of every token, read once (flash's layouts) */
} checker;

static int read_floats(tfb_context *ctx, cl_mem buffer, size_t offset, size_t count, float *out, tfb_error *err)
{
    TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                 clEnqueueReadBuffer(ctx->queue, buffer, CL_TRUE, offset * sizeof(float), count * sizeof(float), out,
                                     0, NULL, NULL));
    return TFB_OK;
}

/* Every row is checked (rows.index[i] = i): one read of the whole buffer. */
static int read_rows(checker *c, cl_mem buffer, size_t width, float **out, tfb_error *err)
{
    *out = malloc(c->rows.count * width * sizeof **out);
    if (!*out) return tfb_fail(err, "out of memory for the reference");
    return read_floats(c->ctx, buffer, 0, c->rows.count * width, *out, err);
}

static int load_rows(checker *c, const layer_unit *u, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    cl_mem buffers[] = {u->x, u->h, u->qkv_out, u->io.out, u->o_out, u->x2, u->h2, u->gu, u->a, u->dn, u->y};
    float **hosts[] = {&c->rows.x, &c->rows.h, &c->rows.qkv, &c->rows.attn, &c->rows.o, &c->rows.x2, &c->rows.h2,
                       &c->rows.gu, &c->rows.a, &c->rows.dn, &c->rows.y};
    size_t widths[] = {dm->d, dm->d, dm->slots * dm->dh, dm->d, dm->d, dm->d, dm->d, 2 * dm->f, dm->f, dm->d, dm->d};
    for (size_t i = 0; i < sizeof widths / sizeof *widths; i++)
        if (read_rows(c, buffers[i], widths[i], hosts[i], err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

static void free_rows(row_set *r)
{
    float *all[] = {r->x, r->h, r->qkv, r->attn, r->o, r->x2, r->h2, r->gu, r->a, r->dn, r->y};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
}

/* got against want within bound; the message names the layer, the row and the element. */
static int compare(checker *c, const char *step, size_t row, size_t first, const float *got, const double *want,
                   const double *bound, size_t count, tfb_error *err)
{
    const char *unit = c->s->p.phase == LAYER_DECODE ? "sequence" : "token";
    for (size_t i = 0; i < count; i++) {
        double error = fabs((double)got[i] - want[i]);
        if (isnan(got[i]))
            return tfb_fail(err, "layer %zu of %zu, %s %zu: %s[%zu] was never written (expected %.6g)", c->layer + 1,
                            c->s->p.layers, unit, row, step, first + i, want[i]);
        if (!(error <= bound[i]))
            return tfb_fail(err, "layer %zu of %zu, %s %zu: %s[%zu] = %.9g, expected %.9g (error %.3g > tolerance "
                            "%.3g)", c->layer + 1, c->s->p.layers, unit, row, step, first + i, (double)got[i], want[i],
                            error, bound[i]);
        if (error / bound[i] > c->worst) c->worst = error / bound[i];
    }
    return TFB_OK;
}

/* y = x / sqrt(mean(x^2) + eps) * gain, row by row. */
static int check_norm(checker *c, const char *step, int matrix, const float *x, const float *y, double *want,
                      double *bound, tfb_error *err)
{
    size_t d = c->s->dims.d;
    for (size_t r = 0; c->s->dims.classic && r < c->rows.count; r++) {  /* LayerNorm: layer_classic.c */
        layer_classic_norm_row(c->s, c->layer, matrix, matrix == W_NORM1 ? W_BETA1 : W_BETA2, x + r * d, want, bound);
        if (compare(c, step, c->rows.index[r], 0, y + r * d, want, bound, d, err) != TFB_OK) return TFB_ERROR;
    }
    for (size_t r = 0; !c->s->dims.classic && r < c->rows.count; r++) {
        double sum = 0.0;
        for (size_t i = 0; i < d; i++) sum += (double)x[r * d + i] * x[r * d + i];
        double inv = 1.0 / sqrt(sum / (double)d + (double)LAYER_RMS_EPS);
        for (size_t i = 0; i < d; i++) {
            want[i] = (double)x[r * d + i] * inv * layer_weight(c->s, c->layer, matrix, i);
            bound[i] = (tfb_dot_tolerance_f32(d) + 10 * UNIT) * fabs(want[i]) + TINY;
        }
        if (compare(c, step, c->rows.index[r], 0, y + r * d, want, bound, d, err) != TFB_OK) return TFB_ERROR;
    }
    return TFB_OK;
}

/* sum = a + b, and the classic block's bias `bias` (-1: none) added in the same pass: two roundings. */
static int check_add(checker *c, const char *step, const float *a, const float *b, int bias, const float *sum,
                     double *want, double *bound, tfb_error *err)
{
    size_t d = c->s->dims.d;
    for (size_t r = 0; r < c->rows.count; r++) {
        for (size_t i = 0; i < d; i++) {
            double extra = bias < 0 ? 0.0 : layer_weight(c->s, c->layer, bias, i);
            want[i] = (double)a[r * d + i] + b[r * d + i] + extra;
            bound[i] = 2 * UNIT * (fabs((double)a[r * d + i]) + fabs((double)b[r * d + i]) + fabs(extra)) + TINY;
        }
        if (compare(c, step, c->rows.index[r], 0, sum + r * d, want, bound, d, err) != TFB_OK) return TFB_ERROR;
    }
    return TFB_OK;
}

/* Row sources of a projection's check: the device's own input rows, and the weights as the device holds them. */
typedef struct linear_rows {
    const checker *c;
    int matrix;
    const float *in;
    size_t k;
    int act_int8;  /* the kernel quantized its input rows: the reference multiplies the same values */
} linear_rows;

static void input_row(void *user, size_t row, double *out)
{
    const linear_rows *l = user;
    for (size_t i = 0; i < l->k; i++) out[i] = l->in[row * l->k + i];
    if (l->act_int8) tfb_linear_int8_activations(l->k, out);
}

static const tfb_linear *unit_linear(const layer_unit *u, int matrix)
{
    return matrix == W_QKV ? &u->qkv : matrix == W_O ? &u->o : matrix == W_GATE_UP ? &u->gate_up : &u->down;
}

static void weight_row(void *user, size_t row, double *out)
{
    const linear_rows *l = user;
    layer_weight_row(l->c->s, l->c->layer, l->matrix, row, out);
}

/* out[r][col] = sum_k W[col][k] in[r][k], every element (tfb_product_check), the weights regenerated on the host;
 * *worst: its largest error / bound (reads c, writes nothing of it: the FFN's check runs on a thread of its own). */
static int check_linear_worst(const checker *c, const char *step, int matrix, size_t n, const float *in,
                              const float *out, double *worst, tfb_error *err)
{
    linear_rows rows = {c, matrix, in, layer_weight_cols(&c->s->dims, matrix),
                        unit_linear(&c->s->units[c->layer], matrix)->act_int8};
    tfb_product p = {.m = c->rows.count, .n = n, .k = rows.k, .c = out, .a_row = input_row, .w_row = weight_row,
                     .a_user = &rows, .w_user = &rows, .rtol = c->s->p.quant ? tfb_linear_quant_tolerance(rows.k) : tfb_dot_tolerance_f32(rows.k), .atol = TINY,
                     .seed = c->s->seed + 11u * (uint32_t)(matrix + 1)};
    char what[160];
    snprintf(what, sizeof what, "layer %zu of %zu, %s (rows are %ss)", c->layer + 1, c->s->p.layers, step,
             c->s->p.phase == LAYER_DECODE ? "sequence" : "token");
    *worst = 0.0;
    return tfb_product_check(what, &p, worst, err);
}

static int check_linear(checker *c, const char *step, int matrix, size_t n, const float *in, const float *out,
                        tfb_error *err)
{
    double worst = 0.0;
    int rc = check_linear_worst(c, step, matrix, n, in, out, &worst, err);
    if (worst > c->worst) c->worst = worst;
    return rc;
}

/* The gate/up (classic: up) projection's check, the largest of the layer (2f x d of its weights), beside the
 * others: regenerating the weights on the host is most of a check, and the device is idle meanwhile. */
typedef struct ffn_check {
    const checker *c;
    pthread_t thread;
    int started, rc;
    double worst;
    tfb_error err;
} ffn_check;

static void *run_ffn_check(void *arg)
{
    ffn_check *f = arg;
    const layer_dims *dm = &f->c->s->dims;
    f->rc = check_linear_worst(f->c, dm->classic ? "up projection" : "fused gate/up projection", W_GATE_UP,
                               (dm->classic ? 1 : 2) * dm->f, f->c->rows.h2, f->c->rows.gu, &f->worst, &f->err);
    return NULL;
}

/* Joins the FFN check (or runs it here when no thread started) and merges its verdict in step order: a step
 * before it that failed (before_ffn) is reported first. */
static int finish_ffn_check(checker *c, ffn_check *f, int rc, int before_ffn, tfb_error *err)
{
    if (f->started) pthread_join(f->thread, NULL);
    else if (rc == TFB_OK || !before_ffn) run_ffn_check(f);
    if (f->worst > c->worst) c->worst = f->worst;
    if ((rc != TFB_OK && before_ffn) || f->rc == TFB_OK) return rc;
    *err = f->err;
    return f->rc;
}

/* The device's rotated Q, and the K and V this step appended, of one row, in the fused row's order. */
static int gather_qkv(checker *c, const layer_unit *u, size_t row, float *got, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t dh = dm->dh, n = c->s->p.context, n_pad = (n + 15) / 16 * 16, pos = n - 1;
    int rc = TFB_OK;
    float block[32 * TFB_MAX_HEAD_DIM];
    for (size_t slot = 0; rc == TFB_OK && slot < dm->slots; slot++) {
        size_t head = slot < dm->heads ? slot : (slot - dm->heads) % dm->kv_heads;
        if (c->s->p.phase == LAYER_PREFILL) {
            const float *all = c->prompt_qkv[slot < dm->heads ? 0 : slot < dm->heads + dm->kv_heads ? 1 : 2];
            memcpy(got + slot * dh, all + (head * c->s->p.rows + row) * dh, dh * sizeof *got);
        } else if (slot < dm->heads) {
            rc = read_floats(c->ctx, u->io.q, (row * dm->heads + slot) * dh, dh, got + slot * dh, err);
        } else if (u->kv_append) {  /* a converted cache: the fp32 rows it stores (layer_kv_read_slice checks that) */
            cl_mem staged = u->kv_new[slot < dm->heads + dm->kv_heads ? 0 : 1];
            rc = read_floats(c->ctx, staged, (row * dm->kv_heads + head) * dh, dh, got + slot * dh, err);
        } else {  /* one key of a block of 16: K laid out [dh][16], then V [16][dh] (kernels/layer.cl) */
            size_t slice = row * dm->kv_heads + head, at = (slice * (n_pad / 16) + pos / 16) * 32 * dh;
            int key = slot < dm->heads + dm->kv_heads;
            rc = read_floats(c->ctx, u->plan.scratch[2], at, 32 * dh, block, err);
            for (size_t j = 0; j < dh; j++)
                got[slot * dh + j] = key ? block[j * 16 + pos % 16] : block[16 * dh + pos % 16 * dh + j];
        }
    }
    return rc;
}

/* Q and K rotated pair by pair with the table's (cos, sin) of the row's position, V copied. */
static int check_rope(checker *c, size_t r, const float *got, double *want, double *bound, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    const float *qkv = c->rows.qkv + r * dm->slots * dm->dh;
    const float *cs = c->s->rope_host + (c->s->p.phase == LAYER_PREFILL ? c->rows.index[r] * dm->dh : 0);
    for (size_t slot = 0; slot < dm->slots; slot++)
        for (size_t i = 0; i < dm->dh; i += 2) {
            size_t at = slot * dm->dh + i;
            double x0 = qkv[at], x1 = qkv[at + 1], cosine = cs[i], sine = cs[i + 1];
            int rotated = slot < dm->heads + dm->kv_heads && !dm->classic;
            if (dm->classic) {  /* no rotation: the Q/K/V bias, one rounding */
                want[at] = (double)(float)(qkv[at] + layer_weight(c->s, c->layer, W_BIAS_QKV, at));
                want[at + 1] = (double)(float)(qkv[at + 1] + layer_weight(c->s, c->layer, W_BIAS_QKV, at + 1));
                bound[at] = bound[at + 1] = TINY;  /* the same float sum on both sides */
                continue;
            }
            want[at] = rotated ? x0 * cosine - x1 * sine : x0;
            want[at + 1] = rotated ? x0 * sine + x1 * cosine : x1;
            bound[at] = rotated ? 4 * UNIT * (fabs(x0 * cosine) + fabs(x1 * sine)) + TINY : 0.0;
            bound[at + 1] = rotated ? 4 * UNIT * (fabs(x0 * sine) + fabs(x1 * cosine)) + TINY : 0.0;
        }
    return compare(c, dm->classic ? "Q/K/V bias and cache append (Q, K, V in the fused order)"
                                  : "rotary embedding and cache append (Q, K, V in the fused order)",
                   c->rows.index[r], 0, got, want, bound, dm->slots * dm->dh, err);
}

static int check_silu(checker *c, double *want, double *bound, tfb_error *err)
{
    size_t f = c->s->dims.f;
    for (size_t r = 0; c->s->dims.classic && r < c->rows.count; r++) {  /* GELU(up + bias): layer_classic.c */
        layer_classic_gelu_row(c->s, c->layer, c->rows.gu + r * f, want, bound);
        if (compare(c, "GELU(up + bias)", c->rows.index[r], 0, c->rows.a + r * f, want, bound, f, err) != TFB_OK)
            return TFB_ERROR;
    }
    for (size_t r = 0; !c->s->dims.classic && r < c->rows.count; r++) {
        const float *gu = c->rows.gu + r * 2 * f;
        for (size_t i = 0; i < f; i++) {
            double g = gu[i];
            want[i] = g / (1.0 + exp(-g)) * gu[f + i];
            bound[i] = 16 * UNIT * fabs(want[i]) + TINY;
        }
        if (compare(c, "SiLU(gate) x up", c->rows.index[r], 0, c->rows.a + r * f, want, bound, f, err) != TFB_OK)
            return TFB_ERROR;
    }
    return TFB_OK;
}

/* One KV head's keys and values in float64 with their magnitudes, and a block of query rows' workspace: the
 * inputs and outputs of the attention family's reference (tfb_reference_attention_rows_bounded). */
typedef struct attention_work {
    double *k, *v, *k_abs, *v_abs;          /* [n][dh] */
    double *q, *q_abs, *want, *weighted;    /* [TFB_REFERENCE_BLOCK_ROWS][dh] */
    double *scores;                         /* [TFB_REFERENCE_BLOCK_ROWS][n] */
    double largest[TFB_REFERENCE_BLOCK_ROWS];
    size_t n;
} attention_work;

static void work_free(attention_work *w)
{
    double *all[] = {w->k, w->v, w->k_abs, w->v_abs, w->q, w->q_abs, w->want, w->weighted, w->scores};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
}

static int work_alloc(attention_work *w, size_t n, size_t dh, tfb_error *err)
{
    size_t block = TFB_REFERENCE_BLOCK_ROWS * dh * sizeof(double), head = n * dh * sizeof(double);
    *w = (attention_work){malloc(head), malloc(head), malloc(head), malloc(head), malloc(block), malloc(block),
                          malloc(block), malloc(block), malloc(TFB_REFERENCE_BLOCK_ROWS * n * sizeof(double)), {0}, n};
    if (w->k && w->v && w->k_abs && w->v_abs && w->q && w->q_abs && w->want && w->weighted && w->scores) return TFB_OK;
    return tfb_fail(err, "out of memory for the attention reference");
}

/* Key j of KV head `head`: decode's cache is blocked (k holds both: per 16 keys their K [dh][16] then their V
 * [16][dh], kernels/layer.cl), the prompt's K and V token-major. */
static void set_kv(attention_work *w, const float *k, const float *v, size_t dh, int blocked)
{
    for (size_t j = 0; j < w->n; j++)
        for (size_t i = 0; i < dh; i++) {
            size_t block = j / 16 * 32 * dh;
            w->k[j * dh + i] = blocked ? k[block + i * 16 + j % 16] : k[j * dh + i];
            w->v[j * dh + i] = blocked ? k[block + 16 * dh + j % 16 * dh + i] : v[j * dh + i];
            w->k_abs[j * dh + i] = fabs(w->k[j * dh + i]);
            w->v_abs[j * dh + i] = fabs(w->v[j * dh + i]);
        }
}

/* The magnitudes of keys and values already in w (a converted cache's, dequantized). */
static void set_magnitudes(attention_work *w, size_t dh)
{
    for (size_t i = 0; i < w->n * dh; i++) {
        w->k_abs[i] = fabs(w->k[i]);
        w->v_abs[i] = fabs(w->v[i]);
    }
}

/* Query rows q[rows][dh], the first of them row `first` of n_q, against the KV head in w; compared with the
 * device's rows (`stride` floats apart, its columns from `col` on) within the bound of the file's comment.
 * row_names[i]: the sequence or token query i belongs to, for the message. */
static int attend_block(checker *c, attention_work *w, const float *q, size_t first, size_t rows, size_t n_q,
                        int causal, const float *got, size_t stride, size_t col, const size_t *row_names,
                        tfb_error *err)
{
    size_t dh = c->s->dims.dh;
    for (size_t i = 0; i < rows * dh; i++) w->q[i] = q[i];
    tfb_attention_magnitudes m = {w->k_abs, w->v_abs, w->q_abs, w->largest, w->weighted};
    tfb_reference_attention_rows_bounded(w->q, w->k, w->v, w->want, w->scores, first, rows, n_q, w->n, dh, causal,
                                         1.0 / sqrt((double)dh), &m);
    for (size_t i = 0; i < rows; i++) {
        size_t keys = causal ? first + i + 1 + (w->n - n_q) : w->n;
        double relative = 2 * (tfb_dot_tolerance_f32(dh) + UNIT) * w->largest[i] + tfb_dot_tolerance_f32(keys) +
                          8 * UNIT;
        for (size_t e = 0; e < dh; e++) w->weighted[i * dh + e] = relative * w->weighted[i * dh + e] + TINY;
        if (compare(c, "attention output", row_names[i], col, got + i * stride, w->want + i * dh, w->weighted + i * dh,
                    dh, err) != TFB_OK)
            return TFB_ERROR;
    }
    return TFB_OK;
}

/* Prefill: every query head's tokens, causal, in blocks, against the prompt's K and V (the device's own). */
static int attend_prompt(checker *c, const size_t *tokens, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t n = c->s->p.rows, group = dm->heads / dm->kv_heads;
    attention_work w;
    int rc = work_alloc(&w, n, dm->dh, err);
    for (size_t g = 0; rc == TFB_OK && g < dm->kv_heads; g++) {
        set_kv(&w, c->prompt_qkv[1] + g * n * dm->dh, c->prompt_qkv[2] + g * n * dm->dh, dm->dh, 0);
        for (size_t h = g * group; rc == TFB_OK && h < (g + 1) * group; h++)
            for (size_t t = 0, rows; rc == TFB_OK && t < n; t += rows) {
                rows = n - t < TFB_REFERENCE_BLOCK_ROWS ? n - t : TFB_REFERENCE_BLOCK_ROWS;
                rc = attend_block(c, &w, c->prompt_qkv[0] + (h * n + t) * dm->dh, t, rows, n, 1,
                                  c->rows.attn + t * dm->d + h * dm->dh, dm->d, h * dm->dh, tokens + t, err);
            }
    }
    work_free(&w);
    return rc;
}

/* Decode: each sequence's query heads of a KV group at once (one query each, every key of its cache). q holds the
 * device's rotated queries [rows][heads][dh]. */
static int attend_cache(checker *c, const layer_unit *u, const float *q, const size_t *sequences,
                        tfb_decode_cache_reader *reader, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t n = c->s->p.context, n_pad = (n + 15) / 16 * 16, dh = dm->dh, group = dm->heads / dm->kv_heads;
    float *kv = malloc(2 * n_pad * dh * sizeof *kv);
    attention_work w;
    int rc = work_alloc(&w, n, dh, err);
    if (rc == TFB_OK && !kv) rc = tfb_fail(err, "out of memory for the reference's KV cache");
    for (size_t r = 0; rc == TFB_OK && r < c->rows.count; r++)
        for (size_t g = 0; rc == TFB_OK && g < dm->kv_heads; g++) {
            size_t slice = r * dm->kv_heads + g;
            rc = u->kv_append ? layer_kv_read_slice(reader, c->s, c->layer, slice, w.k, w.v, err)
                              : read_floats(c->ctx, u->plan.scratch[2], slice * 2 * n_pad * dh, 2 * n_pad * dh, kv, err);
            if (rc != TFB_OK) break;
            if (u->kv_append) set_magnitudes(&w, dh);
            else set_kv(&w, kv, NULL, dh, 1);
            for (size_t h = g * group, rows; rc == TFB_OK && h < (g + 1) * group; h += rows) {
                rows = (g + 1) * group - h < TFB_REFERENCE_BLOCK_ROWS ? (g + 1) * group - h : TFB_REFERENCE_BLOCK_ROWS;
                size_t names[TFB_REFERENCE_BLOCK_ROWS];
                for (size_t i = 0; i < rows; i++) names[i] = sequences[r];
                rc = attend_block(c, &w, q + (r * dm->heads + h) * dh, 0, rows, rows, 0,
                                  c->rows.attn + r * dm->d + h * dh, dh, h * dh, names, err);
            }
        }
    free(kv);
    work_free(&w);
    return rc;
}

/* Q, K, V of every row (the cache append checked before the attention reads it), then every row's attention. */
static int check_attention_rows(checker *c, const layer_unit *u, double *want, double *bound, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    float *got = malloc(dm->slots * dm->dh * sizeof *got);
    float *q = malloc(c->rows.count * dm->heads * dm->dh * sizeof *q);
    int rc = got && q ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    if (rc == TFB_OK && c->s->p.phase == LAYER_PREFILL) {  /* one read per tensor, not one per token and head */
        cl_mem tensors[3] = {u->io.q, u->io.k, u->io.v};
        size_t heads[3] = {dm->heads, dm->kv_heads, dm->kv_heads};
        for (size_t t = 0; rc == TFB_OK && t < 3; t++) {
            size_t count = heads[t] * c->s->p.rows * dm->dh;
            c->prompt_qkv[t] = malloc(count * sizeof(float));
            rc = c->prompt_qkv[t] ? read_floats(c->ctx, tensors[t], 0, count, c->prompt_qkv[t], err)
                                  : tfb_fail(err, "out of memory for the reference");
        }
    }
    for (size_t r = 0; rc == TFB_OK && r < c->rows.count; r++) {
        rc = gather_qkv(c, u, c->rows.index[r], got, err);
        if (rc == TFB_OK) rc = check_rope(c, r, got, want, bound, err);
        if (rc == TFB_OK) memcpy(q + r * dm->heads * dm->dh, got, dm->heads * dm->dh * sizeof *q);
    }
    tfb_attention_shape shape = {c->s->p.rows, dm->heads, dm->kv_heads, 1, c->s->p.context, dm->dh};
    tfb_decode_cache_reader reader = {0};
    if (rc == TFB_OK && u->kv_append) rc = tfb_decode_cache_reader_init(&reader, c->ctx, &shape, &u->plan, err);
    if (rc == TFB_OK)
        rc = c->s->p.phase == LAYER_PREFILL ? attend_prompt(c, c->rows.index, err)
                                            : attend_cache(c, u, q, c->rows.index, &reader, err);
    tfb_decode_cache_reader_release(&reader);
    free(got);
    free(q);
    for (size_t t = 0; t < 3; t++) free(c->prompt_qkv[t]);
    return rc;
}

/* Post-norm (BERT): the layer's output is LayerNorm(h2 + (down + bias)), the sum kept in post_sum. */
static int check_post_norm_output(checker *c, const layer_unit *u, double *want, double *bound, tfb_error *err)
{
    const row_set *r = &c->rows;
    float *sum = NULL;
    int rc = read_rows(c, u->post_sum, c->s->dims.d, &sum, err);
    if (rc == TFB_OK)
        rc = check_add(c, "down bias and residual add after the FFN", r->h2, r->dn, W_BIAS_DOWN, sum, want, bound, err);
    if (rc == TFB_OK) rc = check_norm(c, "LayerNorm after the FFN (the layer's output)", W_NORM2, sum, r->y, want,
                                      bound, err);
    free(sum);
    return rc;
}

static int check_steps(checker *c, const layer_unit *u, double *want, double *bound, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    const row_set *r = &c->rows;
    int classic = dm->classic, post = dm->post_norm;  /* post-norm: no norm before attention, Q/K/V from x */
    ffn_check ffn = {.c = c, .rc = TFB_OK};
    if (!dm->experts) ffn.started = pthread_create(&ffn.thread, NULL, run_ffn_check, &ffn) == 0;
    int rc = post ? TFB_OK : check_norm(c, classic ? "LayerNorm before attention" : "RMSNorm before attention",
                                        W_NORM1, r->x, r->h, want, bound, err);
    if (rc == TFB_OK)
        rc = check_linear(c, "fused QKV projection", W_QKV, dm->slots * dm->dh, post ? r->x : r->h, r->qkv, err);
    if (rc == TFB_OK) rc = check_attention_rows(c, u, want, bound, err);
    if (rc == TFB_OK) rc = check_linear(c, "O projection", W_O, dm->d, r->attn, r->o, err);
    if (rc == TFB_OK) rc = check_add(c, classic ? "O bias and residual add after attention"
                                                : "residual add after attention",
                                     r->x, r->o, classic ? W_BIAS_O : -1, r->x2, want, bound, err);
    if (rc == TFB_OK)
        rc = check_norm(c, post ? "LayerNorm after attention" : classic ? "LayerNorm before the FFN"
                                                                        : "RMSNorm before the FFN",
                        post ? W_NORM1 : W_NORM2, r->x2, r->h2, want, bound, err);
    if (rc == TFB_OK && dm->experts) return layer_moe_check(c->ctx, c->s, c->layer, r->h2, r->x2, &c->worst, err);
    if (dm->experts) return rc;
    rc = finish_ffn_check(c, &ffn, rc, rc != TFB_OK, err);
    if (rc == TFB_OK) rc = check_silu(c, want, bound, err);
    if (rc == TFB_OK) rc = check_linear(c, "down projection", W_DOWN, dm->d, r->a, r->dn, err);
    if (rc == TFB_OK && post) return check_post_norm_output(c, u, want, bound, err);
    if (rc == TFB_OK) rc = check_add(c, "residual add after the FFN (the layer's output)", r->x2, r->dn,
                                     classic ? W_BIAS_DOWN : -1, r->y, want, bound, err);
    return rc;
}

static int check_layer(tfb_run *run, const layer_state *s, size_t layer, const size_t *index, double *worst,
                       tfb_error *err)
{
    const layer_dims *dm = &s->dims;
    size_t widest = dm->slots * dm->dh > 2 * dm->f ? dm->slots * dm->dh : 2 * dm->f;
    checker c = {.ctx = run->ctx, .s = s, .layer = layer};
    c.rows.count = s->p.rows;
    c.rows.index = index;
    double *want = malloc(widest * sizeof *want), *bound = malloc(widest * sizeof *bound);
    int rc = want && bound ? load_rows(&c, &s->units[layer], err) : tfb_fail(err, "out of memory for the reference");
    if (rc == TFB_OK) rc = check_steps(&c, &s->units[layer], want, bound, err);
    if (c.worst > *worst) *worst = c.worst;
    free_rows(&c.rows);
    free(want);
    free(bound);
    return rc;
}

/* `buffer` (whole) folded into *hash (tfb_fingerprint_fold), a chunk at a time. */
static int fold_buffer(tfb_context *ctx, cl_mem buffer, uint64_t *hash, uint64_t *chunk, tfb_error *err)
{
    enum { CHUNK_WORDS = 1 << 20 };
    size_t bytes = 0;
    if (!buffer) return TFB_OK;
    TFB_CL_CHECK(err, "clGetMemObjectInfo", clGetMemObjectInfo(buffer, CL_MEM_SIZE, sizeof bytes, &bytes, NULL));
    for (size_t at = 0; at < bytes; at += CHUNK_WORDS * sizeof *chunk) {
        size_t part = bytes - at < CHUNK_WORDS * sizeof *chunk ? bytes - at : CHUNK_WORDS * sizeof *chunk;
        TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                     clEnqueueReadBuffer(ctx->queue, buffer, CL_TRUE, at, part, chunk, 0, NULL, NULL));
        *hash = tfb_fingerprint_fold(*hash, chunk, part);
    }
    return TFB_OK;
}

/* Everything the check reads from the device, every layer: the step outputs, Q/K/V and the caches. */
static int fingerprint(tfb_context *ctx, const layer_state *s, uint64_t *hash, tfb_error *err)
{
    uint64_t *chunk = malloc((1 << 20) * sizeof *chunk);
    int rc = chunk ? TFB_OK : tfb_fail(err, "out of memory for the output's fingerprint");
    *hash = TFB_FINGERPRINT_START;
    for (size_t l = 0; rc == TFB_OK && l < s->p.layers; l++) {
        const layer_unit *u = &s->units[l];
        cl_mem read[] = {u->x, u->h, u->qkv_out, u->io.out, u->o_out, u->x2, u->h2, u->gu, u->a, u->dn, u->y,
                         u->io.q, u->io.k, u->io.v, u->plan.scratch[2], u->kv_new[0], u->kv_new[1]};
        for (size_t i = 0; rc == TFB_OK && i < sizeof read / sizeof *read; i++)
            rc = fold_buffer(ctx, read[i], hash, chunk, err);
    }
    free(chunk);
    return rc;
}

typedef struct stack_check {
    tfb_run *run;
    const layer_state *s;
} stack_check;

static int check_stack(void *user, double *worst, tfb_error *err)
{
    const stack_check *k = user;
    const layer_state *s = k->s;
    size_t *index = malloc(s->p.rows * sizeof *index);
    int rc = index ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    for (size_t i = 0; rc == TFB_OK && i < s->p.rows; i++) index[i] = i;
    *worst = 0.0;
    for (size_t layer = 0; rc == TFB_OK && layer < s->p.layers; layer++)
        rc = check_layer(k->run, s, layer, index, worst, err);
    free(index);
    return rc;
}

/* Every row of every layer, unless the device state is bit-identical to that of the last check that passed (the
 * check after timing: a deterministic stack on the same inputs; tfb_check_unless_unchanged). */
int layer_verify(tfb_run *run, layer_state *s, double *max_error, tfb_error *err)
{
    double started = tfb_now_seconds();
    uint64_t hash = 0;
    stack_check full = {run, s};
    int rc = fingerprint(run->ctx, s, &hash, err);
    if (rc == TFB_OK) rc = tfb_check_unless_unchanged(&s->passed, hash, check_stack, &full, max_error, err);
    s->checked_rows = s->p.rows;
    s->checked_cols = s->dims.d;
    s->check_seconds += tfb_now_seconds() - started;
    return rc;
}
