/* Attention accounting shared by the naive, flash and decode suites. All tensors are fp32. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/attention.h"
#include "tfbench/checked.h"
#include "tfbench/fill.h"
#include "tfbench/model.h"
#include "tfbench/verify.h"

double tfb_attention_pairs(const tfb_attention_shape *s, int causal)
{
    double pairs = (double)s->n_q * (double)s->n_kv;
    return causal && s->n_q > 1 ? pairs / 2.0 : pairs;
}

double tfb_attention_flops(const tfb_attention_shape *s, int causal)
{
    return 4.0 * (double)s->d * tfb_attention_pairs(s, causal) * (double)(s->batch * s->heads);
}

size_t tfb_attention_q_count(const tfb_attention_shape *s)
{
    return tfb_mul_size(tfb_mul3_size(s->batch, s->heads, s->n_q), s->d);
}

size_t tfb_attention_kv_count(const tfb_attention_shape *s)
{
    return tfb_mul_size(tfb_mul3_size(s->batch, s->kv_heads, s->n_kv), s->d);
}

double tfb_attention_min_bytes(const tfb_attention_shape *s)
{
    return sizeof(float) * 2.0 * ((double)tfb_attention_q_count(s) + (double)tfb_attention_kv_count(s));
}

double tfb_attention_written_bytes(const tfb_attention_shape *s)
{
    return sizeof(float) * (double)tfb_attention_q_count(s);
}

double tfb_attention_score_bytes(const tfb_attention_shape *s, int causal)
{
    return sizeof(float) * tfb_attention_pairs(s, causal) * (double)(s->batch * s->heads);
}

double tfb_attention_naive_bytes(const tfb_attention_shape *s, int causal)
{
    return tfb_attention_min_bytes(s) + 4.0 * tfb_attention_score_bytes(s, causal);
}

uint64_t tfb_attention_io_device_bytes(const tfb_attention_shape *s)
{
    return tfb_mul_size(2 * sizeof(float), tfb_add_size(tfb_attention_q_count(s), tfb_attention_kv_count(s)));
}

uint64_t tfb_attention_score_device_bytes(const tfb_attention_shape *s)
{
    return tfb_mul3_size(tfb_mul3_size(s->batch, s->heads, s->n_q), s->n_kv, sizeof(float));
}

void tfb_attention_label(const tfb_attention_shape *s, int causal, char *buf, size_t size)
{
    char kv[32] = "";
    if (s->kv_heads != s->heads) snprintf(kv, sizeof kv, "-kv%zu", s->kv_heads);
    char queries[32] = "";
    if (s->n_q != s->n_kv && s->n_q != 1) snprintf(queries, sizeof queries, "-q%zu", s->n_q);
    snprintf(buf, size, "b%zu-h%zu%s%s-n%zu-d%zu%s", s->batch, s->heads, kv, queries, s->n_kv, s->d,
             causal ? "-causal" : "");
}

tfb_attention_inputs tfb_attention_inputs_for(uint32_t seed)
{
    tfb_attention_inputs in = {{seed * 3u + 11u, seed * 3u + 12u, seed * 3u + 13u},
                               {0.5f, -2.5f, 0.5f},
                               {2.5f, -0.5f, 1.5f}};
    return in;
}

int tfb_attention_fill(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_inputs *in, cl_mem q,
                       cl_mem k, cl_mem v, tfb_error *err)
{
    size_t counts[3] = {tfb_attention_q_count(s), tfb_attention_kv_count(s), tfb_attention_kv_count(s)};
    cl_mem buffers[3] = {q, k, v};
    for (int t = TFB_ATTN_Q; t <= TFB_ATTN_V; t++)
        if (tfb_device_fill_uniform(ctx, buffers[t], counts[t], in->seed[t], in->lo[t], in->hi[t], err) != TFB_OK)
            return TFB_ERROR;
    return TFB_OK;
}

int tfb_attention_io_create(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_inputs *in,
                            tfb_attention_io *io, tfb_error *err)
{
    size_t q_bytes = tfb_mul_size(tfb_attention_q_count(s), sizeof(float));
    size_t kv_bytes = tfb_mul_size(tfb_attention_kv_count(s), sizeof(float));
    size_t sizes[4] = {q_bytes, kv_bytes, kv_bytes, q_bytes};
    cl_mem *buffers[4] = {&io->q, &io->k, &io->v, &io->out};
    for (int i = 0; i < 4; i++) {
        int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, sizes[i], NULL, buffers[i], err);
        if (rc != TFB_OK) return rc;
    }
    if (tfb_attention_fill(ctx, s, in, io->q, io->k, io->v, err) != TFB_OK) return TFB_ERROR;
    return tfb_device_poison(ctx, io->out, q_bytes, err);
}

int tfb_attention_io_repoison(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                              tfb_error *err)
{
    return tfb_device_poison_finite(ctx, io->out, tfb_attention_q_count(s) * sizeof(float), err);
}

void tfb_attention_io_release(tfb_attention_io *io)
{
    tfb_buffer_release(&io->q);
    tfb_buffer_release(&io->k);
    tfb_buffer_release(&io->v);
    tfb_buffer_release(&io->out);
    io->passed.valid = 0;
}

typedef struct attention_full_check {
    const char *what;
    const tfb_attention_shape *s;
    int causal;
    const tfb_attention_inputs *in;
    const tfb_attention_kv_source *source;
    const float *out;
} attention_full_check;

static int check_rows(void *user, double *worst, tfb_error *err)
{
    const attention_full_check *a = user;
    return tfb_attention_check_kv(a->what, a->s, a->causal, a->in, a->source, a->out, worst, err);
}

int tfb_attention_io_check(tfb_context *ctx, const char *what, const tfb_attention_shape *s, int causal,
                           const tfb_attention_inputs *in, tfb_attention_io *io, double *worst, tfb_error *err)
{
    return tfb_attention_io_check_kv(ctx, what, s, causal, in, NULL, io, worst, err);
}

int tfb_attention_io_check_kv(tfb_context *ctx, const char *what, const tfb_attention_shape *s, int causal,
                              const tfb_attention_inputs *in, const tfb_attention_kv_source *source,
                              tfb_attention_io *io, double *worst, tfb_error *err)
{
    size_t count = tfb_attention_q_count(s);
    float *out = malloc(count * sizeof *out);
    if (!out) return tfb_fail(err, "%s: out of memory reading the output", what);
    int rc = tfb_buffer_read(ctx, io->out, count * sizeof *out, out, err);
    attention_full_check full = {what, s, causal, in, source, out};
    if (rc == TFB_OK)
        rc = tfb_check_unless_unchanged(&io->passed, tfb_fingerprint_fold(TFB_FINGERPRINT_START, out,
                                                                          count * sizeof *out),
                                        check_rows, &full, worst, err);
    free(out);
    return rc;
}

void tfb_attention_case_init(tfb_case *c, const char *suite, const tfb_attention_shape *s, int causal)
{
    tfb_case_reset(c, "fp32");
    attention_set_case_params(c, (tfb_attention_case){.shape = *s, .causal = causal});
    c->n = s->n_kv;
    c->k = s->d;
    tfb_attention_label(s, causal, c->shape, sizeof c->shape);
    char kv[32] = "";
    if (s->kv_heads != s->heads) snprintf(kv, sizeof kv, "-kv%zu", s->kv_heads);
    snprintf(c->series, sizeof c->series, "%s/b%zu-h%zu%s-d%zu%s", suite, s->batch, s->heads, kv, s->d,
             causal ? "-causal" : "");
    tfb_case_name(c, suite);
}

tfb_attention_shape tfb_attention_case_shape(const tfb_case *c)
{
    return attention_case_params(c).shape;
}

int tfb_attention_case_causal(const tfb_case *c)
{
    return attention_case_params(c).causal;
}

unsigned tfb_attention_vector_width(size_t d)
{
    return d % 16 == 0 ? 16 : d % 8 == 0 ? 8 : d % 4 == 0 ? 4 : 1;
}

float tfb_attention_scale_log2(size_t d)
{
    return (float)(1.4426950408889634 / sqrt((double)d));
}

void tfb_attention_add_verification(cJSON *extra, const tfb_attention_shape *s, size_t sets, double seconds)
{
    size_t rows = s->batch * s->heads * s->n_q * sets;
    tfb_add_verification(extra, rows, s->d, (double)tfb_attention_q_count(s) * (double)sets, "full_reference");
    tfb_add_verification_seconds(extra, seconds);
}

cJSON *tfb_attention_extra(const tfb_attention_shape *s, int causal, uint64_t device_bytes)
{
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "batch", (double)s->batch);
    cJSON_AddNumberToObject(extra, "heads", (double)s->heads);
    cJSON_AddNumberToObject(extra, "kv_heads", (double)s->kv_heads);
    cJSON_AddNumberToObject(extra, "query_tokens", (double)s->n_q);
    cJSON_AddNumberToObject(extra, "kv_tokens", (double)s->n_kv);
    cJSON_AddNumberToObject(extra, "head_dim", (double)s->d);
    cJSON_AddBoolToObject(extra, "causal", causal);
    cJSON_AddNumberToObject(extra, "min_bytes", tfb_attention_min_bytes(s));
    cJSON_AddNumberToObject(extra, "device_bytes", (double)device_bytes);
    return extra;
}

int tfb_attention_fits(const tfb_context *ctx, uint64_t bytes, const char *what, tfb_error *err)
{
    if (bytes <= ctx->info.global_mem_bytes) return TFB_OK;
    char need[32], have[32];
    tfb_format_bytes(bytes, need, sizeof need);
    tfb_format_bytes(ctx->info.global_mem_bytes, have, sizeof have);
    return tfb_skip(err, "needs %s (%s), device has %s", need, what, have);
}

const tfb_axis tfb_attention_seq_axis = {"seq", "n, queries = keys (--seq replaces it)", TFB_AXIS_LIST(512, 2048),
                                          TFB_AXIS_LIST(128, 257), {0}};
const tfb_axis tfb_attention_head_dim_axis = {"head_dim", "d without a model (--head-dim, --model replace it)",
                                              TFB_AXIS_LIST(64, 128), TFB_AXIS_LIST(64), {0}};
const tfb_axis tfb_attention_long_axis = {"long_case", "1: one causal d=64 case past the naive memory limit (not "
                                          "with --seq, --model, --kv-heads, --head-dim)", TFB_AXIS_LIST(1),
                                          TFB_AXIS_LIST(0), {0}};
#define PREFILL_HEADS 4
#define LONG_SEQ_MAX 32768

/* The shortest multiple of 1024 whose naive score matrices (heads x n^2 floats) exceed the device's allocation
 * limit: the default run's long case, where naive must skip and flash goes on. 0 when even LONG_SEQ_MAX fits. */
static size_t long_seq(const tfb_context *ctx, size_t heads)
{
    for (size_t n = 4096; n <= LONG_SEQ_MAX; n += 1024)
        if ((double)heads * (double)n * (double)n * sizeof(float) > (double)ctx->info.max_alloc_bytes) return n;
    return 0;
}

static size_t copy_list(size_t *to, const size_t *from, size_t count)
{
    if (count > TFB_MAX_LIST) count = TFB_MAX_LIST;
    memcpy(to, from, count * sizeof *to);
    return count;
}

void tfb_attention_axes_for(const tfb_workload *workload, size_t heads, const size_t *kv,
                            size_t kv_count, const size_t *dims, size_t dim_count, tfb_attention_axes *out)
{
    const tfb_model_config *model = &workload->model;
    size_t model_kv = 0, model_dim = 0;
    if (workload->model_named && model->n_heads > 0 && model->d_model % model->n_heads == 0 &&
        model->d_model / model->n_heads <= TFB_MAX_HEAD_DIM) {
        heads = (size_t)model->n_heads;
        model_kv = (size_t)model->n_kv_heads;
        model_dim = (size_t)(model->d_model / model->n_heads);
        kv = &model_kv, kv_count = 1;
        dims = &model_dim, dim_count = 1;
    }
    out->heads = heads;
    size_t listed = workload->kv_head_count ? copy_list(out->kv, workload->kv_heads, workload->kv_head_count)
                                       : copy_list(out->kv, kv, kv_count);
    /* only KV-head counts that divide the heads: each KV head serves the same number of query heads */
    out->kv_count = out->dropped_count = 0;
    for (size_t i = 0; i < listed; i++) {
        if (out->kv[i] > 0 && heads % out->kv[i] == 0) out->kv[out->kv_count++] = out->kv[i];
        else out->dropped[out->dropped_count++] = out->kv[i];
    }
    out->dim_count = workload->head_dim_count ? copy_list(out->dims, workload->head_dims, workload->head_dim_count)
                                         : copy_list(out->dims, dims, dim_count);
}

void tfb_attention_warn_dropped(const char *suite, const tfb_attention_axes *axes)
{
    if (axes->dropped_count == 0) return;
    char values[256] = "";
    for (size_t i = 0, used = 0; i < axes->dropped_count && used < sizeof values; i++)
        used += (size_t)snprintf(values + used, sizeof values - used, "%s%zu", i ? "," : "", axes->dropped[i]);
    fprintf(stderr, "tfbench: warning: %s: --kv-heads %s left out: a KV-head count must divide the %zu query heads%s\n",
            suite, values, axes->heads, axes->kv_count ? "" : "; no case is left");
}

static size_t add_case(tfb_case *out, size_t n, size_t max, const char *suite, const tfb_attention_shape *s,
                       int causal)
{
    if (n < max) tfb_attention_case_init(&out[n], suite, s, causal);
    return n + 1;
}

size_t tfb_attention_prefill_cases(const tfb_run *run, const char *suite, tfb_case *out, size_t max)
{
    const tfb_workload *w = run->workload;
    const size_t one = 1, mha = PREFILL_HEADS;
    tfb_axis_list default_seqs = tfb_axis_values(w, &tfb_attention_seq_axis);
    tfb_axis_list dims = tfb_axis_values(w, &tfb_attention_head_dim_axis);
    const size_t *seqs = w->seq_count ? w->seqs : default_seqs.values;
    size_t seq_count = w->seq_count ? w->seq_count : default_seqs.count;
    tfb_attention_axes axes;
    tfb_attention_axes_for(w, PREFILL_HEADS, &mha, 1, dims.values, dims.count, &axes);
    if (out) tfb_attention_warn_dropped(suite, &axes);
    const size_t *batches = w->batch_count ? w->batches : &one;
    size_t n = 0;
    for (size_t b = 0; b < (w->batch_count ? w->batch_count : 1); b++)
        for (size_t h = 0; h < axes.kv_count; h++) {
            for (size_t di = 0; di < axes.dim_count; di++)
                for (int causal = 0; causal <= 1; causal++)
                    for (size_t si = 0; si < seq_count; si++) {
                        tfb_attention_shape s = {batches[b], axes.heads, axes.kv[h], seqs[si], seqs[si], axes.dims[di]};
                        n = add_case(out, n, max, suite, &s, causal);
                    }
        }
    /* One causal d=64 MHA case past the naive memory limit, only in the default sweep (its axis on: not --quick;
     * no --seq, --model, --config, --kv-heads or --head-dim). */
    int default_sweep = !w->seq_count && tfb_axis_value(w, &tfb_attention_long_axis) && !w->model_named &&
                        !w->kv_head_count && !w->head_dim_count;
    size_t n_long = default_sweep ? long_seq(run->ctx, axes.heads * batches[0]) : 0;
    if (n_long) {
        tfb_attention_shape s = {batches[0], axes.heads, axes.heads, n_long, n_long, 64};
        n = add_case(out, n, max, suite, &s, 1);
    }
    return n;
}

void tfb_attention_plan_release(tfb_attention_plan *plan)
{
    for (size_t i = 0; i < 3; i++) tfb_kernel_release(&plan->kernels[i]);
    for (size_t i = 0; i < 3; i++) tfb_buffer_release(&plan->scratch[i]);
    plan->steps = 0;
}

int tfb_attention_plan_run(tfb_context *ctx, const tfb_attention_plan *plan, tfb_error *err)
{
    tfb_work work = {plan->launches, plan->steps, 1};
    return tfb_work_run_once(ctx, &work, err);
}

double tfb_attention_case_bytes(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_min_bytes(&s);
}

double tfb_attention_case_bytes_written(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_written_bytes(&s);
}

int tfb_attention_state_execute(tfb_run *run, void *state, tfb_error *err)
{
    tfb_attention_run_state *st = state;
    double start = tfb_now_seconds();
    int rc = tfb_attention_plan_run(run->ctx, &st->plan, err);
    st->first_run_s = tfb_now_seconds() - start;
    return rc;
}

int tfb_attention_state_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    tfb_attention_run_state *st = state;
    double started = tfb_now_seconds();
    int rc = tfb_attention_io_check(run->ctx, st->what, &st->shape, st->causal, &st->inputs, &st->io, max_error, err);
    st->check_seconds += tfb_now_seconds() - started;
    return rc;
}

int tfb_attention_state_repoison(tfb_run *run, void *state, tfb_error *err)
{
    tfb_attention_run_state *st = state;
    return tfb_attention_io_repoison(run->ctx, &st->shape, &st->io, err);
}

int tfb_attention_state_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    tfb_attention_run_state *st = state;
    tfb_work work = {st->plan.launches, st->plan.steps, 1};
    double warm_s = 0.0;
    if (st->first_run_s > TFB_LONG_CASE_S) {  /* a slow first run: the next one decides whether the case is long */
        double start = tfb_now_seconds();
        int rc = tfb_attention_plan_run(run->ctx, &st->plan, err);
        if (rc != TFB_OK) return rc;
        warm_s = tfb_now_seconds() - start;
    }
    tfb_timing_policy policy = tfb_timing_for_case(run->policy, st->first_run_s, warm_s);
    return tfb_work_time(run->ctx, &work, &policy, time, err);
}
