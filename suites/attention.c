/* Naive attention: S = Q K^T materialized in device memory (n x n per head), a row-softmax kernel, then S V. The
 * n x n matrix is the lecture's memory problem: its traffic is reported as actual_bytes beside the minimum, and a
 * sequence whose matrix does not fit is skipped with the memory it needs (flash goes on at that length). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/attention.h"

typedef struct naive_state {
    tfb_attention_shape shape;
    int causal;
    tfb_attention_inputs inputs;
    tfb_attention_io io;
    cl_mem scores;
    cl_kernel qk, softmax, pv;
    tfb_launch launches[3];
} naive_state;

static size_t naive_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    return tfb_attention_prefill_cases(run, "attention", out, max);
}

static double naive_flops(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_flops(&s, c->variant);
}

static double naive_bytes(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_min_bytes(&s);
}

static void naive_teardown(void *p)
{
    naive_state *st = p;
    if (!st) return;
    tfb_attention_io_release(&st->io);
    tfb_buffer_release(&st->scores);
    tfb_kernel_release(&st->qk);
    tfb_kernel_release(&st->softmax);
    tfb_kernel_release(&st->pv);
    free(st);
}

static int create_kernels(tfb_context *ctx, naive_state *st, tfb_error *err)
{
    char options[64];
    snprintf(options, sizeof options, "-DD=%zu -DDV=%u", st->shape.d, tfb_attention_vector_width(st->shape.d));
    if (tfb_kernel_create(ctx, "attention.cl", options, "scores", &st->qk, err) != TFB_OK ||
        tfb_kernel_create(ctx, "attention.cl", options, "softmax_rows", &st->softmax, err) != TFB_OK ||
        tfb_kernel_create(ctx, "attention.cl", options, "weighted_values", &st->pv, err) != TFB_OK)
        return TFB_ERROR;
    const tfb_attention_shape *s = &st->shape;
    cl_uint n_q = (cl_uint)s->n_q, n_kv = (cl_uint)s->n_kv, heads = (cl_uint)s->heads;
    cl_uint group = (cl_uint)(s->heads / s->kv_heads);
    cl_int causal = st->causal;
    float scale = tfb_attention_scale_log2(s->d);
    if (TFB_SET_ARGS(st->qk, err, TFB_MEM(st->io.q), TFB_MEM(st->io.k), TFB_MEM(st->scores), TFB_VAL(n_q),
                     TFB_VAL(n_kv), TFB_VAL(heads), TFB_VAL(group), TFB_VAL(scale), TFB_VAL(causal)) != TFB_OK ||
        TFB_SET_ARGS(st->softmax, err, TFB_MEM(st->scores), TFB_VAL(n_q), TFB_VAL(n_kv), TFB_VAL(causal)) != TFB_OK)
        return TFB_ERROR;
    return TFB_SET_ARGS(st->pv, err, TFB_MEM(st->scores), TFB_MEM(st->io.v), TFB_MEM(st->io.out), TFB_VAL(n_q),
                        TFB_VAL(n_kv), TFB_VAL(heads), TFB_VAL(group), TFB_VAL(causal));
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

static void plan_launches(naive_state *st)
{
    const tfb_attention_shape *s = &st->shape;
    size_t heads = s->batch * s->heads, rows = round_up(s->n_q, 4);
    st->launches[0] = (tfb_launch){st->qk, 3, {round_up(s->n_kv, 16), s->n_q, heads}, {16, 1, 1}};
    st->launches[1] = (tfb_launch){st->softmax, 2, {rows, heads}, {4, 1}};
    st->launches[2] = (tfb_launch){st->pv, 2, {rows, heads}, {4, 1}};
}

static int naive_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    naive_state *st = calloc(1, sizeof *st);
    if (!st) return tfb_fail(err, "out of memory");
    *state = st;
    st->shape = tfb_attention_case_shape(c);
    st->causal = c->variant;
    st->inputs = tfb_attention_inputs_for((uint32_t)run->seed);
    const tfb_attention_shape *s = &st->shape;
    uint64_t matrix = tfb_attention_score_device_bytes(s);
    const double gib = 1024.0 * 1024.0 * 1024.0;
    if (matrix > run->ctx->info.max_alloc_bytes)
        return tfb_skip(err, "needs %.2f GiB: the %zux%zu score matrix of %zu heads is %.2f GiB, device allows %.2f "
                        "GiB per allocation",
                        (double)(matrix + tfb_attention_io_device_bytes(s)) / gib, s->n_q, s->n_kv,
                        s->batch * s->heads, (double)matrix / gib, (double)run->ctx->info.max_alloc_bytes / gib);
    int rc = tfb_attention_fits(run->ctx, matrix + tfb_attention_io_device_bytes(s), "Q, K, V, O and the score matrix",
                                err);
    if (rc == TFB_OK) rc = tfb_attention_io_create(run->ctx, s, &st->inputs, &st->io, err);
    if (rc == TFB_OK) rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, matrix, NULL, &st->scores, err);
    if (rc != TFB_OK) return rc;
    if (create_kernels(run->ctx, st, err) != TFB_OK) return TFB_ERROR;
    plan_launches(st);
    return TFB_OK;
}

static int naive_execute(tfb_run *run, void *state, tfb_error *err)
{
    naive_state *st = state;
    tfb_work work = {st->launches, 3, 1};
    return tfb_work_run_once(run->ctx, &work, err);
}

static int naive_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    naive_state *st = state;
    return tfb_attention_io_check(run->ctx, "naive attention output", &st->shape, st->causal, &st->inputs, &st->io,
                                  TFB_ATTENTION_CHECK_BUDGET, 16, max_error, err);
}

static int naive_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    naive_state *st = state;
    tfb_work work = {st->launches, 3, 1};
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void naive_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    naive_state *st = state;
    const tfb_attention_shape *s = &st->shape;
    uint64_t matrix = tfb_attention_score_device_bytes(s);
    r->working_set_bytes = tfb_attention_io_device_bytes(s) + matrix;
    r->cache_resident = r->working_set_bytes < tfb_run_out_of_cache_bytes(run);
    r->extra = tfb_attention_extra(s, st->causal, r->working_set_bytes);
    double actual = tfb_attention_naive_bytes(s, st->causal);
    cJSON_AddNumberToObject(r->extra, "actual_bytes", actual);
    cJSON_AddNumberToObject(r->extra, "actual_gbytes_per_second", r->time.median > 0 ? actual / r->time.median / 1e9 : 0);
    cJSON_AddNumberToObject(r->extra, "score_matrix_bytes", (double)matrix);
}

const tfb_suite tfb_suite_attention = {
    .name = "attention",
    .description = "naive attention: Q K^T materialized (n x n per head), row softmax, times V; causal on/off",
    .in_default_run = 1,
    .cases = naive_cases,
    .flops = naive_flops,
    .bytes = naive_bytes,
    .setup = naive_setup,
    .execute = naive_execute,
    .verify = naive_verify,
    .measure = naive_measure,
    .annotate = naive_annotate,
    .teardown = naive_teardown,
};
