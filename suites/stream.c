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

/* The arrays, kept across the variants of one kind (allocating and filling a gigabyte per case would cost more than
 * measuring it). */
typedef struct stream_arrays {
    int kind;
    size_t count;             /* floats per array */
    cl_mem a, b, c;
} stream_arrays;

typedef struct stream_state {
    stream_arrays *arrays;
    unsigned vec;
    cl_kernel kernel;
    tfb_launch launch;
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

static void release_arrays(void *p)
{
    stream_arrays *arrays = p;
    if (!arrays) return;
    tfb_buffer_release(&arrays->a);
    tfb_buffer_release(&arrays->b);
    tfb_buffer_release(&arrays->c);
    free(arrays);
}

static void stream_teardown(void *p)
{
    stream_state *s = p;
    if (!s) return;
    tfb_kernel_release(&s->kernel);
    free(s);
}

static cl_mem output_of(const stream_arrays *arrays)
{
    return arrays->kind == STREAM_COPY ? arrays->b : arrays->a;
}

/* Inputs random in [0.5, 1.5): never zero. */
static int create_arrays(tfb_run *run, stream_arrays *arrays, uint32_t seed, tfb_error *err)
{
    size_t bytes = arrays->count * sizeof(float);
    cl_mem *all[] = {&arrays->a, &arrays->b, &arrays->c};
    for (size_t i = 0; i < arrays_of(arrays->kind); i++) {
        int rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, bytes, NULL, all[i], err);
        if (rc != TFB_OK) return rc;
    }
    if (arrays->kind == STREAM_COPY) return tfb_device_fill_uniform(run->ctx, arrays->a, arrays->count, seed, 0.5f, 1.5f, err);
    if (tfb_device_fill_uniform(run->ctx, arrays->b, arrays->count, seed, 0.5f, 1.5f, err) != TFB_OK) return TFB_ERROR;
    return tfb_device_fill_uniform(run->ctx, arrays->c, arrays->count, seed + 1, 0.5f, 1.5f, err);
}

/* The arrays for this case's kind: reused from the previous case when it had the same kind and size. */
static int shared_arrays(tfb_run *run, const tfb_case *c, stream_arrays **out, tfb_error *err)
{
    stream_arrays *arrays = run->shared;
    if (arrays && arrays->kind == c->variant && arrays->count == c->n) {
        *out = arrays;
        return TFB_OK;
    }
    release_arrays(arrays);
    run->shared = arrays = calloc(1, sizeof *arrays);
    if (!arrays) return tfb_fail(err, "out of memory");
    arrays->kind = c->variant;
    arrays->count = c->n;
    *out = arrays;
    int rc = create_arrays(run, arrays, (uint32_t)run->seed, err);
    if (rc != TFB_OK) {
        release_arrays(arrays);
        run->shared = NULL;
    }
    return rc;
}

static int stream_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    stream_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->vec = (unsigned)c->p[0];
    s->seed = (uint32_t)run->seed;
    if (c->n == 0) return tfb_skip(err, "device memory too small for a stream array");
    int rc = shared_arrays(run, c, &s->arrays, err);
    if (rc != TFB_OK) return rc;
    stream_arrays *arrays = s->arrays;
    if (tfb_device_poison(run->ctx, output_of(arrays), arrays->count * sizeof(float), err) != TFB_OK) return TFB_ERROR;
    char options[64];
    snprintf(options, sizeof options, "-DVEC=%u", s->vec);
    const char *name = arrays->kind == STREAM_COPY ? "copy" : "triad";
    if (tfb_kernel_create(run->ctx, "stream.cl", options, name, &s->kernel, err) != TFB_OK) return TFB_ERROR;
    rc = arrays->kind == STREAM_COPY
             ? TFB_SET_ARGS(s->kernel, err, TFB_MEM(arrays->a), TFB_MEM(arrays->b))
             : TFB_SET_ARGS(s->kernel, err, TFB_MEM(arrays->a), TFB_MEM(arrays->b), TFB_MEM(arrays->c),
                            TFB_VAL(TRIAD_SCALAR));
    size_t items = arrays->count / s->vec;
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

static void expected_values(int kind, uint32_t seed, size_t start, size_t n, double *want)
{
    for (size_t i = 0; i < n; i++) {
        double b = tfb_hash_uniform(seed, start + i, 0.5f, 1.5f);
        want[i] = kind == STREAM_COPY ? b : b + TRIAD_SCALAR * (double)tfb_hash_uniform(seed + 1, start + i, 0.5f, 1.5f);
    }
}

/* Every element of the output against the closed-form expectation, one chunk at a time. */
static int stream_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    stream_state *s = state;
    const stream_arrays *arrays = s->arrays;
    cl_mem output = output_of(arrays);
    float *got = malloc(VERIFY_CHUNK * sizeof *got);
    double *want = malloc(VERIFY_CHUNK * sizeof *want);
    int rc = got && want ? TFB_OK : tfb_fail(err, "out of memory");
    *max_error = 0.0;
    for (size_t start = 0; rc == TFB_OK && start < arrays->count; start += VERIFY_CHUNK) {
        size_t n = arrays->count - start < VERIFY_CHUNK ? arrays->count - start : VERIFY_CHUNK;
        cl_int status = clEnqueueReadBuffer(run->ctx->queue, output, CL_TRUE, start * sizeof(float),
                                            n * sizeof(float), got, 0, NULL, NULL);
        if (status != CL_SUCCESS) {
            rc = tfb_cl_fail(err, "clEnqueueReadBuffer", status);
            break;
        }
        expected_values(arrays->kind, s->seed, start, n, want);
        double worst = 0.0;
        rc = tfb_check_f32(arrays->kind == STREAM_COPY ? "copy output" : "triad output", got, want, n, 0.0, 2e-7,
                           &worst, err);
        if (worst > *max_error) *max_error = worst;
    }
    free(got);
    free(want);
    return rc;
}

static int stream_repoison(tfb_run *run, void *state, tfb_error *err)
{
    stream_state *s = state;
    return tfb_device_poison_finite(run->ctx, output_of(s->arrays), s->arrays->count * sizeof(float), err);
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
    r->working_set_bytes = (unsigned long long)(arrays_of(s->arrays->kind) * s->arrays->count * sizeof(float));
    r->cache_resident = r->working_set_bytes < tfb_run_out_of_cache_bytes(run);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "vector_width", s->vec);
    cJSON_AddNumberToObject(extra, "array_bytes", (double)(s->arrays->count * sizeof(float)));
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
    .release_shared = release_arrays,
    .repoison = stream_repoison,
};
