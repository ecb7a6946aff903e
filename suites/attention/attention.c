/* Naive attention: S = Q K^T materialized in device memory (n x n per head), a row-softmax kernel, then S V. The
 * n x n matrix is the lecture's memory problem: its traffic is reported as actual_bytes beside the minimum, and a
 * sequence whose matrix does not fit is skipped with the memory it needs (flash goes on at that length). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/checked.h"
#include "tfbench/attention.h"

typedef tfb_attention_run_state naive_state;

static size_t naive_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    return tfb_attention_prefill_cases(run, "attention", out, max);
}

static double naive_flops(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_flops(&s, tfb_attention_case_causal(c));
}


static void naive_teardown(void *p)
{
    naive_state *st = p;
    if (!st) return;
    tfb_attention_io_release(&st->io);
    tfb_attention_plan_release(&st->plan);
    free(st);
}

static int create_kernels(tfb_context *ctx, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                          tfb_attention_plan *plan, tfb_error *err)
{
    char options[64];
    snprintf(options, sizeof options, "-DD=%zu -DDV=%u", s->d, tfb_attention_vector_width(s->d));
    const char *names[3] = {"scores", "softmax_rows", "weighted_values"};
    for (int i = 0; i < 3; i++)
        if (tfb_kernel_create(ctx, "attention.cl", options, names[i], &plan->kernels[i], err) != TFB_OK)
            return TFB_ERROR;
    cl_uint n_q = (cl_uint)s->n_q, n_kv = (cl_uint)s->n_kv, heads = (cl_uint)s->heads;
    cl_uint group = (cl_uint)(s->heads / s->kv_heads);
    cl_int mask = causal;
    float scale = tfb_attention_scale_log2(s->d);
    cl_mem scores = plan->scratch[0];
    if (TFB_SET_ARGS(plan->kernels[0], err, TFB_MEM(io->q), TFB_MEM(io->k), TFB_MEM(scores), TFB_VAL(n_q),
                     TFB_VAL(n_kv), TFB_VAL(heads), TFB_VAL(group), TFB_VAL(scale), TFB_VAL(mask)) != TFB_OK ||
        TFB_SET_ARGS(plan->kernels[1], err, TFB_MEM(scores), TFB_VAL(n_q), TFB_VAL(n_kv), TFB_VAL(mask)) != TFB_OK)
        return TFB_ERROR;
    return TFB_SET_ARGS(plan->kernels[2], err, TFB_MEM(scores), TFB_MEM(io->v), TFB_MEM(io->out), TFB_VAL(n_q),
                        TFB_VAL(n_kv), TFB_VAL(heads), TFB_VAL(group), TFB_VAL(mask));
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

/* Q K^T: one score per item in groups of 16 keys; softmax and P V: one row per item in groups of 4. */
static void plan_launches(const tfb_attention_shape *s, tfb_attention_plan *plan)
{
    size_t heads = s->batch * s->heads, rows = round_up(s->n_q, 4);
    plan->launches[0] = (tfb_launch){plan->kernels[0], 3, {round_up(s->n_kv, 16), s->n_q, heads}, {16, 1, 1}};
    plan->launches[1] = (tfb_launch){plan->kernels[1], 2, {rows, heads}, {4, 1}};
    plan->launches[2] = (tfb_launch){plan->kernels[2], 2, {rows, heads}, {4, 1}};
    plan->steps = 3;
}

/* TFB_SKIP with the memory the case needs when the score matrices cannot be allocated. */
static int check_fits(const tfb_context *ctx, const tfb_attention_shape *s, tfb_error *err)
{
    size_t matrix = tfb_attention_score_device_bytes(s), total = tfb_add_size(matrix, tfb_attention_io_device_bytes(s));
    char need[32], takes[32], limit[32];
    tfb_format_bytes(total, need, sizeof need);
    tfb_format_bytes(matrix, takes, sizeof takes);
    tfb_format_bytes(ctx->info.max_alloc_bytes, limit, sizeof limit);
    if (matrix > ctx->info.max_alloc_bytes)
        return tfb_skip(err, "needs %s: the %zux%zu score matrices of %zu heads take %s, device allows %s per "
                        "allocation", need, s->n_q, s->n_kv, s->batch * s->heads, takes, limit);
    return tfb_attention_fits(ctx, total, "Q, K, V, O and the score matrices", err);
}

int tfb_naive_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                             tfb_attention_plan *plan, tfb_error *err)
{
    memset(plan, 0, sizeof *plan);
    int rc = check_fits(ctx, s, err);
    if (rc == TFB_OK)
        rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, tfb_attention_score_device_bytes(s), NULL, &plan->scratch[0],
                               err);
    if (rc == TFB_OK) rc = create_kernels(ctx, s, causal, io, plan, err);
    if (rc == TFB_OK) plan_launches(s, plan);
    return rc;
}

static int naive_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    naive_state *st = calloc(1, sizeof *st);
    if (!st) return tfb_fail(err, "out of memory");
    *state = st;
    st->shape = tfb_attention_case_shape(c);
    st->causal = tfb_attention_case_causal(c);
    st->what = "naive attention output";
    st->inputs = tfb_attention_inputs_for((uint32_t)run->seed);
    int rc = check_fits(run->ctx, &st->shape, err);   /* before any input is made */
    if (rc == TFB_OK) rc = tfb_attention_io_create(run->ctx, &st->shape, &st->inputs, &st->io, err);
    if (rc == TFB_OK) rc = tfb_naive_attention_plan(run->ctx, &st->shape, st->causal, &st->io, &st->plan, err);
    return rc;
}

static void naive_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    naive_state *st = state;
    const tfb_attention_shape *s = &st->shape;
    uint64_t matrix = tfb_attention_score_device_bytes(s);
    r->working_set_bytes = tfb_attention_io_device_bytes(s) + matrix;
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    r->extra = tfb_attention_extra(s, st->causal, r->working_set_bytes);
    double actual = tfb_attention_naive_bytes(s, st->causal);
    cJSON_AddNumberToObject(r->extra, "actual_bytes", actual);
    cJSON_AddNumberToObject(r->extra, "actual_gbytes_per_second", r->time.median > 0 ? actual / r->time.median / 1e9 : 0);
    cJSON_AddNumberToObject(r->extra, "score_matrix_bytes", (double)matrix);
    tfb_attention_add_verification(r->extra, s, 1, st->check_seconds);
}

static const tfb_axis *const ATTENTION_AXES[] = {&tfb_attention_seq_axis, &tfb_attention_head_dim_axis,
                                                   &tfb_attention_long_axis};

const tfb_suite tfb_suite_attention = {
    .name = "attention",
    .description = "naive attention: Q K^T materialized (n x n per head), row softmax, times V; causal on/off",
    .in_default_run = 1,
    .cases = naive_cases,
    .flops = naive_flops,
    .bytes = tfb_attention_case_bytes,
    .bytes_written = tfb_attention_case_bytes_written,
    .setup = naive_setup,
    .execute = tfb_attention_state_execute,
    .verify = tfb_attention_state_verify,
    .measure = tfb_attention_state_measure,
    .annotate = naive_annotate,
    .teardown = naive_teardown,
    .repoison = tfb_attention_state_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_BATCH | TFB_USES_SEQ | TFB_USES_KV_HEADS | TFB_USES_HEAD_DIM,
    TFB_SUITE_AXES(ATTENTION_AXES),
};
