/* Verification of attention outputs against the float64 reference (include/tfbench/reference.h) on a budget: long
 * sequences check a seeded sample of query rows from every block of rows, each against the full reference row. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tfbench/attention.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"


static double bound_of(float lo, float hi)
{
    return fmax(fabs((double)lo), fabs((double)hi));
}

double tfb_attention_score_bound(const tfb_attention_shape *s, const tfb_attention_inputs *in)
{
    return (double)s->d * bound_of(in->lo[TFB_ATTN_Q], in->hi[TFB_ATTN_Q]) *
           bound_of(in->lo[TFB_ATTN_K], in->hi[TFB_ATTN_K]) / sqrt((double)s->d);
}

void tfb_attention_tolerance(const tfb_attention_shape *s, double score_bound, double *atol, double *rtol)
{
    *rtol = tfb_dot_tolerance_f32(s->d) * fmax(score_bound, 1.0) + tfb_dot_tolerance_f32(s->n_kv);
    *atol = 1e-6;
}

/* Host mirror of one tensor slice: `count` values starting at flat index `first`. */
static void mirror(const tfb_attention_inputs *in, int tensor, size_t first, size_t count, double *out)
{
    tfb_hash_uniform_range(in->seed[tensor], first, count, in->lo[tensor], in->hi[tensor], out);
}

/* "<context>: <the message already in err>", returning TFB_ERROR. */
static int prefix_error(tfb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int prefix_error(tfb_error *err, const char *fmt, ...)
{
    char context[256], message[sizeof err->message];
    snprintf(message, sizeof message, "%s", err->message);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(context, sizeof context, fmt, ap);
    va_end(ap);
    return tfb_fail(err, "%s: %.3800s", context, message);
}

typedef struct check_buffers {
    double *k, *v, *q, *want;
    size_t slice;             /* (batch * kv_heads + kv head) of the mirrored K/V, or SIZE_MAX */
} check_buffers;

static int check_row(const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in, const float *out,
                     size_t row, check_buffers *b, double *worst, tfb_error *err)
{
    size_t i = row % s->n_q, head = row / s->n_q;            /* head = batch * heads + h */
    size_t slice = head / s->heads * s->kv_heads + head % s->heads / (s->heads / s->kv_heads);
    if (slice != b->slice) {
        mirror(in, TFB_ATTN_K, slice * s->n_kv * s->d, s->n_kv * s->d, b->k);
        mirror(in, TFB_ATTN_V, slice * s->n_kv * s->d, s->n_kv * s->d, b->v);
        b->slice = slice;
    }
    mirror(in, TFB_ATTN_Q, row * s->d, s->d, b->q);
    size_t visible = causal ? i + (s->n_kv - s->n_q) + 1 : s->n_kv;
    tfb_reference_attention(b->q, b->k, b->v, b->want, 1, visible, s->d, 0, 1.0 / sqrt((double)s->d));
    double atol, rtol, row_worst = 0.0;
    tfb_attention_tolerance(s, tfb_attention_score_bound(s, in), &atol, &rtol);
    int rc = tfb_check_f32("attention output", out + row * s->d, b->want, s->d, atol, rtol, &row_worst, err);
    if (rc != TFB_OK) return prefix_error(err, "batch %zu, head %zu, query %zu of %zu", head / s->heads,
                                          head % s->heads, i, s->n_q);
    if (row_worst > *worst) *worst = row_worst;
    return TFB_OK;
}

int tfb_attention_check(const char *what, const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                        const float *out, double *worst, tfb_error *err)
{
    return tfb_attention_check_budget(what, s, causal, in, out, TFB_ATTENTION_CHECK_BUDGET, 16, worst, err);
}

static size_t random_below(uint32_t seed, uint64_t index, size_t n)
{
    return (size_t)tfb_hash_uniform(seed, index, 0.0f, (float)n) % n;
}

static int by_size(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return (x > y) - (x < y);
}

/* One row of every block and one of every head: the sample when every (head, block) pair costs too much. */
static size_t rows_per_block_and_head(size_t heads, size_t n_q, size_t blocks, uint32_t seed, size_t *out)
{
    size_t count = 0;
    for (size_t b = 0; b < blocks; b++) {
        size_t left = n_q - b * TFB_ATTENTION_CHECK_BLOCK;
        size_t span = left < TFB_ATTENTION_CHECK_BLOCK ? left : TFB_ATTENTION_CHECK_BLOCK;
        if (out) out[count] = random_below(seed, 2 * b, heads) * n_q + b * TFB_ATTENTION_CHECK_BLOCK +
                              random_below(seed, 2 * b + 1, span);
        count++;
    }
    for (size_t h = 0; h < heads; h++, count++)
        if (out) out[count] = h * n_q + random_below(seed + 1u, h, n_q);
    if (out) out[count] = 0, out[count + 1] = heads * n_q - 1;
    count += 2;
    if (out) qsort(out, count, sizeof *out, by_size);
    return count;
}

size_t tfb_attention_check_rows(const tfb_attention_shape *s, double budget, size_t min_rows, uint32_t seed,
                                size_t *out)
{
    size_t heads = s->batch * s->heads, rows = heads * s->n_q;
    size_t blocks = (s->n_q + TFB_ATTENTION_CHECK_BLOCK - 1) / TFB_ATTENTION_CHECK_BLOCK;
    double per_row = (double)s->n_kv * (double)s->d * 3.0;
    if (per_row * (double)rows <= budget || rows <= min_rows) {
        for (size_t i = 0; out && i < rows; i++) out[i] = i;
        return rows;
    }
    size_t pairs = heads * blocks;
    if (per_row * (double)pairs > 4 * budget && pairs > min_rows && pairs > blocks + heads + 2)
        return rows_per_block_and_head(heads, s->n_q, blocks, seed, out);
    size_t count = 0;
    for (size_t h = 0; h < heads; h++) {
        for (size_t b = 0; b < blocks; b++, count++) {
            size_t first = b * TFB_ATTENTION_CHECK_BLOCK;
            size_t span = s->n_q - first < TFB_ATTENTION_CHECK_BLOCK ? s->n_q - first : TFB_ATTENTION_CHECK_BLOCK;
            if (out) out[count] = h * s->n_q + first + random_below(seed, h * blocks + b, span);
        }
    }
    return count;
}

int tfb_attention_check_row_list(const char *what, const tfb_attention_shape *s, int causal,
                                 const tfb_attention_inputs *in, const float *out, const size_t *rows, size_t count,
                                 double *worst, tfb_error *err)
{
    if (s->heads % s->kv_heads || s->n_q > s->n_kv) return tfb_fail(err, "%s: invalid attention shape", what);
    check_buffers b = {malloc(s->n_kv * s->d * sizeof(double)), malloc(s->n_kv * s->d * sizeof(double)),
                       malloc(s->d * sizeof(double)), malloc(s->d * sizeof(double)), (size_t)-1};
    int rc = b.k && b.v && b.q && b.want ? TFB_OK : tfb_fail(err, "%s: out of memory for the reference", what);
    *worst = 0.0;
    for (size_t c = 0; rc == TFB_OK && c < count; c++) rc = check_row(s, causal, in, out, rows[c], &b, worst, err);
    if (rc != TFB_OK) prefix_error(err, "%s", what);
    free(b.k);
    free(b.v);
    free(b.q);
    free(b.want);
    return rc;
}

int tfb_attention_check_budget(const char *what, const tfb_attention_shape *s, int causal,
                               const tfb_attention_inputs *in, const float *out, double budget, size_t min_rows,
                               double *worst, tfb_error *err)
{
    size_t checked = tfb_attention_check_rows(s, budget, min_rows, in->seed[TFB_ATTN_Q], NULL);
    size_t *rows = malloc((checked ? checked : 1) * sizeof *rows);
    if (!rows) return tfb_fail(err, "%s: out of memory for the reference", what);
    tfb_attention_check_rows(s, budget, min_rows, in->seed[TFB_ATTN_Q], rows);
    int rc = tfb_attention_check_row_list(what, s, causal, in, out, rows, checked, worst, err);
    free(rows);
    return rc;
}
