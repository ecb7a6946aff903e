/* Verification of attention outputs against the float64 reference (include/tfbench/reference.h): every query row of
 * every head, a block of rows at a time (two matrix products per block, tfb_reference_attention_rows), the blocks
 * shared among one thread per core. */
#define _GNU_SOURCE  /* sched_getaffinity, CPU_COUNT */
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include "tfbench/attention.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"

#define TFB_CHECK_MAX_THREADS 16

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

/* One head's K and V mirrored (shared by the query heads of a GQA group), a block of Q rows, its reference and the
 * score workspace. */
typedef struct check_buffers {
    double *k, *v, *q, *want, *scores;
    size_t slice;             /* (batch * kv_heads + kv head) of the mirrored K/V, or SIZE_MAX */
} check_buffers;

static void buffers_free(check_buffers *b)
{
    free(b->k);
    free(b->v);
    free(b->q);
    free(b->want);
    free(b->scores);
}

static int buffers_alloc(const tfb_attention_shape *s, check_buffers *b)
{
    size_t block = TFB_REFERENCE_BLOCK_ROWS;
    *b = (check_buffers){malloc(s->n_kv * s->d * sizeof(double)), malloc(s->n_kv * s->d * sizeof(double)),
                         malloc(block * s->d * sizeof(double)), malloc(block * s->d * sizeof(double)),
                         malloc(block * s->n_kv * sizeof(double)), (size_t)-1};
    return b->k && b->v && b->q && b->want && b->scores ? TFB_OK : TFB_ERROR;
}

/* Flat rows row0 .. row0 + rows - 1 (row = head * n_q + query, head = batch * heads + h), which see one KV head:
 * queries first.. of one head, or (single-query decode, not causal) one query of each head of a GQA group, whose
 * reference is then one matrix product against the group's K and V instead of one per head. */
static int check_block(const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                       const tfb_attention_kv_source *source, const float *out, size_t row0, size_t rows,
                       check_buffers *b, double *worst, tfb_error *err)
{
    size_t head = row0 / s->n_q, first = row0 % s->n_q;
    size_t slice = head / s->heads * s->kv_heads + head % s->heads / (s->heads / s->kv_heads);
    if (slice != b->slice) {
        mirror(in, TFB_ATTN_K, slice * s->n_kv * s->d, s->n_kv * s->d, b->k);
        mirror(in, TFB_ATTN_V, slice * s->n_kv * s->d, s->n_kv * s->d, b->v);
        b->slice = SIZE_MAX;
        if (source && source->read(source->state, slice, b->k, b->v, err) != TFB_OK) return TFB_ERROR;
        b->slice = slice;
    }
    mirror(in, TFB_ATTN_Q, row0 * s->d, rows * s->d, b->q);
    tfb_reference_attention_rows(b->q, b->k, b->v, b->want, b->scores, first, rows, s->n_q, s->n_kv, s->d, causal,
                                 1.0 / sqrt((double)s->d));
    double atol, rtol;
    /* a converted cache's keys may exceed the inputs' largest |k| by their rounding: 2^-11 relative (fp16, and
     * q8_0's fp16 scale times at most 127) */
    tfb_attention_tolerance(s, tfb_attention_score_bound(s, in) * (source ? 1.0 + 0x1p-10 : 1.0), &atol, &rtol);
    for (size_t i = 0; i < rows; i++) {
        double row_worst = 0.0;
        size_t row = row0 + i, h = row / s->n_q;
        int rc = tfb_check_f32("attention output", out + row * s->d, b->want + i * s->d, s->d, atol, rtol,
                               &row_worst, err);
        if (rc != TFB_OK) return prefix_error(err, "batch %zu, head %zu, query %zu of %zu", h / s->heads,
                                              h % s->heads, row % s->n_q, s->n_q);
        if (row_worst > *worst) *worst = row_worst;
    }
    return TFB_OK;
}

/* Rows of the block starting at flat row `row`: up to TFB_REFERENCE_BLOCK_ROWS, within one head (or, for a
 * single non-causal query, within one GQA group). */
static size_t block_rows(const tfb_attention_shape *s, int causal, size_t row)
{
    size_t span = s->n_q == 1 && !causal ? s->heads / s->kv_heads - row % (s->heads / s->kv_heads)
                                         : s->n_q - row % s->n_q;
    return span < TFB_REFERENCE_BLOCK_ROWS ? span : TFB_REFERENCE_BLOCK_ROWS;
}

/* One thread's share of the blocks: every `stride`-th block from block `start`, with its own buffers; it stops at
 * its first wrong block. */
typedef struct check_share {
    const tfb_attention_shape *s;
    int causal;
    const tfb_attention_inputs *in;
    const tfb_attention_kv_source *source;
    const float *out;
    size_t start, stride;
    double worst;
    int rc;
    size_t failed_row;
    tfb_error err;
} check_share;

static void *check_blocks(void *user)
{
    check_share *w = user;
    const tfb_attention_shape *s = w->s;
    check_buffers b;
    w->rc = buffers_alloc(s, &b) == TFB_OK ? TFB_OK : tfb_fail(&w->err, "out of memory for the reference");
    w->worst = 0.0;
    w->failed_row = SIZE_MAX;
    size_t total = s->batch * s->heads * s->n_q;
    for (size_t row = 0, rows, block = 0; w->rc == TFB_OK && row < total; row += rows, block++) {
        rows = block_rows(s, w->causal, row);
        if (block % w->stride != w->start) continue;
        w->rc = check_block(s, w->causal, w->in, w->source, w->out, row, rows, &b, &w->worst, &w->err);
        if (w->rc != TFB_OK) w->failed_row = row;
    }
    buffers_free(&b);
    return NULL;
}

/* Threads for the check: the device is idle while it runs (between executions), so every CPU this process may
 * use works on it. */
static size_t check_threads(const tfb_attention_shape *s)
{
    cpu_set_t mask;
    int usable = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 1;
    size_t threads = usable > 1 ? (size_t)usable : 1, rows = s->batch * s->heads * s->n_q;
    if (threads > TFB_CHECK_MAX_THREADS) threads = TFB_CHECK_MAX_THREADS;
    /* short checks stay on one thread: starting threads costs more than they save */
    if ((double)rows * (double)s->n_kv * (double)s->d < 1e8) threads = 1;
    return threads;
}

int tfb_attention_check(const char *what, const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                        const float *out, double *worst, tfb_error *err)
{
    return tfb_attention_check_kv(what, s, causal, in, NULL, out, worst, err);
}

int tfb_attention_check_kv(const char *what, const tfb_attention_shape *s, int causal, const tfb_attention_inputs *in,
                           const tfb_attention_kv_source *source, const float *out, double *worst, tfb_error *err)
{
    if (!s->heads || !s->kv_heads || s->heads % s->kv_heads || s->n_q > s->n_kv)
        return tfb_fail(err, "%s: invalid attention shape", what);
    check_share shares[TFB_CHECK_MAX_THREADS];
    pthread_t threads[TFB_CHECK_MAX_THREADS];
    int started[TFB_CHECK_MAX_THREADS] = {0};
    size_t count = check_threads(s);
    for (size_t t = 0; t < count; t++) {
        shares[t] = (check_share){.s = s, .causal = causal, .in = in, .source = source, .out = out, .start = t,
                                  .stride = count};
        started[t] = t > 0 && pthread_create(&threads[t], NULL, check_blocks, &shares[t]) == 0;
    }
    for (size_t t = 0; t < count; t++)  /* share 0, and any whose thread did not start, on this thread */
        if (!started[t]) check_blocks(&shares[t]);
    const check_share *first_wrong = NULL;
    *worst = 0.0;
    for (size_t t = 0; t < count; t++) {
        if (started[t]) pthread_join(threads[t], NULL);
        if (shares[t].worst > *worst) *worst = shares[t].worst;
        if (shares[t].rc != TFB_OK && (!first_wrong || shares[t].failed_row < first_wrong->failed_row))
            first_wrong = &shares[t];
    }
    if (!first_wrong) return TFB_OK;
    *err = first_wrong->err;
    return prefix_error(err, "%s", what);
}
