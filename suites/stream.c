/* STREAM copy and triad: the device's measured memory-bandwidth ceiling. Buffers are sized past the last-level
 * cache (4x, from hwloc) and capped by the device's allocation limit; bytes = read + written. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fill.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

enum { STREAM_COPY, STREAM_TRIAD };
static const unsigned VEC_WIDTHS[] = {1, 4, 8, 16};
static const float TRIAD_SCALAR = 3.0f;

typedef struct stream_state {
    int kind;
    unsigned vec;
    size_t count;             /* floats per array */
    cl_mem a, b, c;
    cl_kernel kernel;
    tfb_launch launch;
    tfb_context *ctx;
    uint32_t seed;
} stream_state;

static size_t arrays_of(int kind)
{
    return kind == STREAM_COPY ? 2 : 3;
}

/* Floats per array: the working set (all arrays) reaches the out-of-cache size, within the allocation limits. */
static size_t array_count(const tfb_run *run, int kind)
{
    const uint64_t granule = 16 * 1024 * sizeof(float);  /* every vector width x work-group size divides it */
    uint64_t per_array = tfb_run_out_of_cache_bytes(run) / arrays_of(kind);
    per_array = (per_array + granule - 1) / granule * granule;
    uint64_t cap = run->ctx->info.max_alloc_bytes;
    uint64_t global_cap = run->ctx->info.global_mem_bytes / 2 / arrays_of(kind);
    if (global_cap < cap) cap = global_cap;
    if (per_array > cap) per_array = cap / granule * granule;
    return (size_t)(per_array / sizeof(float));
}

static size_t stream_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    size_t n = 0;
    for (int kind = STREAM_COPY; kind <= STREAM_TRIAD; kind++) {
        for (size_t v = 0; v < sizeof VEC_WIDTHS / sizeof *VEC_WIDTHS; v++, n++) {
            if (n >= max) continue;
            tfb_case *c = &out[n];
            memset(c, 0, sizeof *c);
            c->impl = "tfbench";
            c->dtype = "fp32";
            c->variant = kind;
            c->p[0] = VEC_WIDTHS[v];
            c->n = array_count(run, kind);
            char width[16] = "";
            if (VEC_WIDTHS[v] > 1) snprintf(width, sizeof width, "%u", VEC_WIDTHS[v]);
            snprintf(c->shape, sizeof c->shape, "%s-float%s", kind == STREAM_COPY ? "copy" : "triad", width);
            snprintf(c->series, sizeof c->series, "stream");
            tfb_case_name(c, "stream");
        }
    }
    return n;
}

static double stream_flops(const tfb_case *c)
{
    return c->variant == STREAM_TRIAD ? 2.0 * (double)c->n : 0.0;
}

static double stream_bytes(const tfb_case *c)
{
    return (double)arrays_of(c->variant) * (double)c->n * sizeof(float);
}

static void stream_teardown(void *p)
{
    stream_state *s = p;
    if (!s) return;
    tfb_buffer_release(&s->a);
    tfb_buffer_release(&s->b);
    tfb_buffer_release(&s->c);
    tfb_kernel_release(&s->kernel);
    free(s);
}

static int create_arrays(tfb_run *run, stream_state *s, tfb_error *err)
{
    size_t bytes = s->count * sizeof(float);
    cl_mem *arrays[] = {&s->a, &s->b, &s->c};
    for (size_t i = 0; i < arrays_of(s->kind); i++) {
        int rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, bytes, NULL, arrays[i], err);
        if (rc != TFB_OK) return rc;
    }
    /* Inputs random in [0.5, 1.5): never zero. The output array is poisoned. */
    if (s->kind == STREAM_COPY) {
        if (tfb_device_fill_uniform(run->ctx, s->a, s->count, s->seed, 0.5f, 1.5f, err) != TFB_OK) return TFB_ERROR;
        return tfb_device_poison(run->ctx, s->b, bytes, err);
    }
    if (tfb_device_fill_uniform(run->ctx, s->b, s->count, s->seed, 0.5f, 1.5f, err) != TFB_OK) return TFB_ERROR;
    if (tfb_device_fill_uniform(run->ctx, s->c, s->count, s->seed + 1, 0.5f, 1.5f, err) != TFB_OK) return TFB_ERROR;
    return tfb_device_poison(run->ctx, s->a, bytes, err);
}

static int stream_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    stream_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->kind = c->variant;
    s->vec = (unsigned)c->p[0];
    s->count = c->n;
    s->ctx = run->ctx;
    s->seed = (uint32_t)run->seed;
    if (s->count == 0) return tfb_skip(err, "device memory too small for a stream array");
    int rc = create_arrays(run, s, err);
    if (rc != TFB_OK) return rc;
    char options[64];
    snprintf(options, sizeof options, "-DVEC=%u", s->vec);
    const char *name = s->kind == STREAM_COPY ? "copy" : "triad";
    if (tfb_kernel_create(run->ctx, "stream.cl", options, name, &s->kernel, err) != TFB_OK) return TFB_ERROR;
    rc = s->kind == STREAM_COPY
             ? TFB_SET_ARGS(s->kernel, err, TFB_MEM(s->a), TFB_MEM(s->b))
             : TFB_SET_ARGS(s->kernel, err, TFB_MEM(s->a), TFB_MEM(s->b), TFB_MEM(s->c), TFB_VAL(TRIAD_SCALAR));
    size_t items = s->count / s->vec;
    size_t group = items % 256 == 0 ? 256 : 0;
    s->launch = (tfb_launch){s->kernel, 1, {items}, {group}};
    return rc;
}

static int stream_execute(tfb_run *run, void *state, tfb_error *err)
{
    stream_state *s = state;
    tfb_work work = {&s->launch, 1, 1};
    return tfb_work_run_once(run->ctx, &work, err);
}

#define VERIFY_CHUNK (1u << 20)

/* Every element of the output against the closed-form expectation, one chunk at a time. */
static int stream_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    stream_state *s = state;
    cl_mem output = s->kind == STREAM_COPY ? s->b : s->a;
    float *got = malloc(VERIFY_CHUNK * sizeof *got);
    double *want = malloc(VERIFY_CHUNK * sizeof *want);
    int rc = got && want ? TFB_OK : tfb_fail(err, "out of memory");
    *max_error = 0.0;
    for (size_t start = 0; rc == TFB_OK && start < s->count; start += VERIFY_CHUNK) {
        size_t n = s->count - start < VERIFY_CHUNK ? s->count - start : VERIFY_CHUNK;
        cl_int status = clEnqueueReadBuffer(run->ctx->queue, output, CL_TRUE, start * sizeof(float),
                                            n * sizeof(float), got, 0, NULL, NULL);
        if (status != CL_SUCCESS) {
            rc = tfb_cl_fail(err, "clEnqueueReadBuffer", status);
            break;
        }
        for (size_t i = 0; i < n; i++) {
            double x = tfb_hash_uniform(s->seed, start + i, 0.5f, 1.5f);
            want[i] = s->kind == STREAM_COPY ? x : x + TRIAD_SCALAR * (double)tfb_hash_uniform(s->seed + 1, start + i, 0.5f, 1.5f);
        }
        double worst = 0.0;
        rc = tfb_check_f32(s->kind == STREAM_COPY ? "copy output" : "triad output", got, want, n, 0.0, 2e-7, &worst,
                           err);
        if (worst > *max_error) *max_error = worst;
    }
    free(got);
    free(want);
    return rc;
}

static int stream_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    stream_state *s = state;
    tfb_work work = {&s->launch, 1, 1};
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void stream_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    stream_state *s = state;
    r->working_set_bytes = (unsigned long long)(arrays_of(s->kind) * s->count * sizeof(float));
    r->cache_resident = r->working_set_bytes < tfb_run_out_of_cache_bytes(run);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "vector_width", s->vec);
    cJSON_AddNumberToObject(extra, "array_bytes", (double)(s->count * sizeof(float)));
    r->extra = extra;
}

/* The best out-of-cache variant is the device's bandwidth ceiling. */
static void stream_finish(tfb_run *run)
{
    tfb_ceilings *ceil = &run->results->ceilings;
    for (size_t i = 0; i < run->results->count; i++) {
        const tfb_result *r = &run->results->items[i];
        if (strcmp(r->suite, "stream") != 0 || r->skipped[0] || r->cache_resident || r->verified != 1) continue;
        if (r->gbytes_per_second > ceil->bandwidth_gbps) {
            ceil->bandwidth_gbps = r->gbytes_per_second;
            snprintf(ceil->bandwidth_source, sizeof ceil->bandwidth_source, "%s", r->name);
        }
    }
    if (ceil->bandwidth_gbps > 0 && ceil->peak_gflops_fp32 > 0)
        ceil->ridge_fp32 = ceil->peak_gflops_fp32 / ceil->bandwidth_gbps;
}

const tfb_suite tfb_suite_stream = {
    .name = "stream",
    .description = "memory bandwidth ceiling: STREAM copy and triad, scalar and float4/8/16",
    .in_default_run = 1,
    .cases = stream_cases,
    .flops = stream_flops,
    .bytes = stream_bytes,
    .setup = stream_setup,
    .execute = stream_execute,
    .verify = stream_verify,
    .measure = stream_measure,
    .annotate = stream_annotate,
    .teardown = stream_teardown,
    .finish = stream_finish,
};
