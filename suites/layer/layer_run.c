/* Running the stack: every launch with a profiling event (the op breakdown comes from the same executions as the
 * figures), the timed repetitions reported per layer, and the poison of every output for the check after timing. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "tfbench/fill.h"

/* A long case (TFB_LONG_CASE_S: prefill of a 7B layer takes about a second on a CPU) gets the fixed sample count
 * of launch.h after one profiled warm execution, which also gives its op breakdown (the checked run cannot: on a
 * fresh PoCL cache it holds the kernels' compilation, 4.8 s for a 1.2 s prefill). */
/* The profiled pass after the timing lasts about this long (at least 3, at most 64 executions). */
#define PROFILE_S 0.1

static int event_times(cl_event event, cl_ulong *start, cl_ulong *end, tfb_error *err)
{
    TFB_CL_CHECK(err, "clGetEventProfilingInfo",
                 clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_START, sizeof *start, start, NULL));
    TFB_CL_CHECK(err, "clGetEventProfilingInfo",
                 clGetEventProfilingInfo(event, CL_PROFILING_COMMAND_END, sizeof *end, end, NULL));
    return TFB_OK;
}

/* Sums each launch's device time into its group, and the span from the first START to the last END. */
static int collect(const layer_state *s, cl_event *events, size_t count, layer_breakdown *out, tfb_error *err)
{
    cl_ulong first = 0, last = 0;
    memset(out->group_s, 0, sizeof out->group_s);
    memset(out->kernel_s, 0, sizeof out->kernel_s);
    for (size_t i = 0; i < count; i++) {
        cl_ulong start, end;
        if (event_times(events[i], &start, &end, err) != TFB_OK) return TFB_ERROR;
        if (i == 0) first = start;
        if (end > last) last = end;
        if (end > start) out->group_s[s->groups[i % s->per_layer]] += 1e-9 * (double)(end - start);
        if (end > start) out->kernel_s[i % s->per_layer] += 1e-9 * (double)(end - start);
    }
    out->span_s = last > first ? 1e-9 * (double)(last - first) : 0.0;
    return TFB_OK;
}

/* `executions` passes through the stack back to back, each launch with an event. */
static int run_profiled(tfb_context *ctx, layer_state *s, size_t executions, layer_breakdown *out, tfb_error *err)
{
    size_t per_execution = s->p.layers * s->per_layer, count = per_execution * executions, enqueued = 0;
    cl_event *events = calloc(count, sizeof *events);
    int rc = events ? TFB_OK : tfb_fail(err, "out of memory for profiling events");
    for (; rc == TFB_OK && enqueued < count; enqueued++)
        rc = tfb_enqueue(ctx, &s->launches[enqueued % per_execution], &events[enqueued], err);
    if (rc == TFB_OK && clFinish(ctx->queue) != CL_SUCCESS) rc = tfb_fail(err, "clFinish failed after the layer");
    if (rc == TFB_OK) rc = collect(s, events, count, out, err);
    for (size_t i = 0; i < enqueued; i++)
        if (events[i]) clReleaseEvent(events[i]);
    free(events);
    if (rc != TFB_OK) return rc;
    for (int g = 0; g < GROUP_COUNT; g++) out->group_s[g] /= (double)executions;
    for (size_t k = 0; k < s->per_layer; k++) out->kernel_s[k] /= (double)executions;
    out->span_s /= (double)executions;
    out->executions = executions;
    return TFB_OK;
}

int layer_execute(tfb_run *run, layer_state *s, tfb_error *err)
{
    double started = tfb_now_seconds();
    int rc = run_profiled(run->ctx, s, 1, &s->executed, err);
    if (s->first_run_s <= 0) s->first_run_s = tfb_now_seconds() - started;
    return rc;
}

/* Samples of a whole pass through the stack become samples per layer, and the statistics are taken again. */
static int per_layer(tfb_sample_record *record, size_t layers, tfb_stats *time, tfb_error *err)
{
    unsigned long executions = time->executions;
    int unstable = time->unstable;
    for (size_t i = 0; i < record->count; i++) record->values[i] /= (double)layers;
    if (tfb_stats_compute(record->values, record->count, time) != 0) return tfb_fail(err, "no usable samples");
    time->executions = executions;
    time->unstable = unstable;
    return TFB_OK;
}

/* Decode's roof, measured right before (which = 0) and after (1) the timed repetitions: the machine's bandwidth
 * drifts by tens of percent within minutes here, so a bound from the stream suite's figure of minutes before put
 * decode at 108-168% of it. Before: every variant of the read kernel; after: the one that won (half the time).
 * No room for the probe: no bracket (a note), the run's ceilings give the bound. */
static int bracket(tfb_run *run, layer_state *s, int which, tfb_error *err)
{
    if (s->p.phase != LAYER_DECODE || (which == 1 && !(s->bracket_gbps[0] > 0))) return TFB_OK;
    if (which == 0) {
        int rc = tfb_read_probe_setup(run, &s->probe, err);
        if (rc == TFB_SKIP) tfb_run_note(run, "layer: no read-bandwidth bracket: %s\n", err->message);
        if (rc != TFB_OK) return rc == TFB_SKIP ? TFB_OK : rc;
    }
    int rc = tfb_read_probe_measure(run, &s->probe, which == 0, &s->bracket_gbps[which], err);
    s->bracket_vec[which] = s->probe.best_vec;
    s->bracket_prefetch = s->probe.best_prefetch;
    return rc;
}

/* A case added to the default run beside the others (layer.c's QUANTIZED_STEP): at most LIGHT_REPS samples. */
static void layer_light_policy(tfb_timing_policy *policy)
{
    enum { LIGHT_REPS = 10 };
    if (policy->min_reps > LIGHT_REPS) policy->min_reps = LIGHT_REPS;
    if (!policy->max_reps || policy->max_reps > LIGHT_REPS) policy->max_reps = LIGHT_REPS;
    policy->min_seconds = 0;
    policy->burst_seconds = policy->wide_seconds = 0;
}

int layer_measure(tfb_run *run, layer_state *s, tfb_stats *time, tfb_error *err)
{
    double warm_s = 0.0;
    if (s->first_run_s > TFB_LONG_CASE_S) {  /* a slow first run: a warm one decides whether the case is long */
        int rc = run_profiled(run->ctx, s, 1, &s->profiled, err);
        if (rc != TFB_OK) return rc;
        warm_s = s->profiled.span_s;
    }
    tfb_timing_policy policy = tfb_timing_for_case(run->policy, s->first_run_s, warm_s);
    if (s->p.light) layer_light_policy(&policy);
    int long_case = policy.check_last;
    s->profiled.before_timing = long_case;
    tfb_sample_record own = {NULL, 0};
    if (!policy.record) policy.record = &own;
    tfb_work work = {s->launches, s->p.layers * s->per_layer, 1};
    int rc = bracket(run, s, 0, err);
    if (rc == TFB_OK) rc = tfb_work_time(run->ctx, &work, &policy, time, err);
    if (rc == TFB_OK) rc = bracket(run, s, 1, err);
    if (rc == TFB_OK) rc = per_layer(policy.record, s->p.layers, time, err);
    free(own.values);
    if (rc != TFB_OK || long_case) return rc;  /* long cases: the breakdown of the warm execution before timing */
    double pass = time->median * (double)s->p.layers;
    double wanted = s->p.light ? 3 : pass > 0 ? ceil(PROFILE_S / pass) : 64;
    return run_profiled(run->ctx, s, wanted < 3 ? 3 : wanted > 64 ? 64 : (size_t)wanted, &s->profiled, err);
}

static int poison_unit(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err)
{
    const layer_dims *dm = &s->dims;
    size_t rows = s->p.rows, kv = tfb_attention_kv_count(&(tfb_attention_shape){1, dm->heads, dm->kv_heads, rows,
                                                                                 rows, dm->dh});
    cl_mem buffers[] = {u->h, u->qkv_out, u->o_out, u->x2, u->h2, u->gu, u->a, u->dn, u->y, u->io.q, u->io.out,
                        u->io.k, u->io.v};
    size_t floats[] = {dm->d, dm->slots * dm->dh, dm->d, dm->d, dm->d, 2 * dm->f, dm->f, dm->d, dm->d, dm->d, dm->d};
    size_t count = s->p.phase == LAYER_PREFILL ? 13 : 11;  /* decode: the cache is the past, only its slot is new */
    for (size_t i = 0; i < count; i++) {
        size_t bytes = (i < 11 ? rows * floats[i] : kv) * sizeof(float);
        if (tfb_device_poison_finite(ctx, buffers[i], bytes, err) != TFB_OK) return TFB_ERROR;
    }
    if (u->moe && layer_moe_repoison(ctx, s, u, err) != TFB_OK) return TFB_ERROR;
    if (s->p.phase == LAYER_PREFILL) return TFB_OK;
    uint32_t bits = TFB_FINITE_POISON_BITS;
    float value;
    memcpy(&value, &bits, sizeof value);
    return layer_poison_slot(ctx, s, u, value, err);
}

int layer_repoison(tfb_run *run, layer_state *s, tfb_error *err)
{
    for (size_t i = 0; i < s->p.layers; i++)
        if (poison_unit(run->ctx, s, &s->units[i], err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}
