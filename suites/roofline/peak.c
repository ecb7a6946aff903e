/* Peak arithmetic rate: independent FMA chains in fp32, fp64 (where supported) and fp16 (cl_khr_fp16); an FMA
 * counts as 2 FLOPs. The iteration count is calibrated so one repetition takes ~TARGET seconds on any device. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/half.h"
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

enum { PEAK_FP32, PEAK_FP64, PEAK_FP16 };
#define VERIFY_ITERATIONS 64u
#define CHAINS 8u
/* mul = 1 - 2^-10 and add = 2^-10 are exact in fp16, and x -> x*mul + add stays in [0.5, 1.5]. */
static const double MUL = 1.0 - 1.0 / 1024.0, ADD = 1.0 / 1024.0;

typedef struct peak_state {
    int precision;
    unsigned vec;
    size_t items, group;
    cl_uint iterations;
    cl_mem out, start;
    cl_kernel kernel;
    uint32_t seed;
    size_t element_bytes;
    cl_uint timed_iterations; /* the calibrated count of the timed runs (the checks run VERIFY_ITERATIONS) */
    int finite_poison;        /* the check after timing: execute poisons with finite wrong values, not NaN */
} peak_state;

static const char *const DTYPES[] = {"fp32", "fp64", "fp16"};
/* The loop is sized so that one execution lasts the calibration time. */
static const tfb_axis CALIBRATION = {"calibration_ms", "the length one execution is sized to", TFB_AXIS_LIST(50),
                                     TFB_AXIS_LIST(20), {0}};
static const tfb_axis *const PEAK_AXES[] = {&CALIBRATION};

typedef struct peak_params {
    int precision;            /* PEAK_FP32, PEAK_FP64, PEAK_FP16 */
} peak_params;
TFB_CASE_PARAMS(peak_params, peak)

static size_t peak_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    int supported[] = {1, run->ctx->info.fp64, run->ctx->info.fp16};
    size_t n = 0;
    for (int p = PEAK_FP32; p <= PEAK_FP16; p++) {
        if (!supported[p]) continue;
        if (n < max) {
            tfb_case *c = &out[n];
            tfb_case_reset(c, DTYPES[p]);
            peak_set_case_params(c, (peak_params){.precision = p});
            snprintf(c->shape, sizeof c->shape, "fma-chains");
            snprintf(c->series, sizeof c->series, "peak");
            tfb_case_name(c, "peak");
        }
        n++;
    }
    return n;
}

/* Per unit of work; the real count depends on the calibrated iterations and is set in peak_annotate. */
static double peak_flops(const tfb_case *c)
{
    return 0.0;
}

/* The starting value of chain c, lane l of work-item g, as the kernel sees it (fp32, then converted to its type). */
static double start_value(const peak_state *s, size_t g, unsigned c, unsigned l)
{
    return tfb_hash_uniform(s->seed, (g * CHAINS + c) * s->vec + l, 0.5f, 1.5f);
}

static void peak_teardown(void *p)
{
    peak_state *s = p;
    if (!s) return;
    tfb_buffer_release(&s->out);
    tfb_buffer_release(&s->start);
    tfb_kernel_release(&s->kernel);
    free(s);
}

static void choose_shape(const tfb_device_info *info, peak_state *s)
{
    unsigned units = info->compute_units ? info->compute_units : 1;
    if (info->is_cpu) {  /* one float16 chain set per work-item fills an AVX-512 core; 8 items per group */
        s->vec = s->precision == PEAK_FP64 ? 8 : 16;
        s->group = 8;
        s->items = (size_t)units * 8 * 16;
    } else {             /* a GPU wants many threads, each with a few independent chains */
        s->vec = 4;
        s->group = 256;
        s->items = (size_t)units * 2048;
    }
}

static const char *build_options(const peak_state *s, char *buf, size_t size)
{
    static const char *const types[] = {"float", "double", "half"};
    static const char *const extra[] = {"", "-DUSE_FP64", "-DUSE_FP16"};
    snprintf(buf, size, "-DTYPE=%s -DVEC=%u -DCHAINS=%u %s", types[s->precision], s->vec, CHAINS,
             extra[s->precision]);
    return buf;
}

/* Kernel arguments of the chosen precision: mul and add must have the kernel's TYPE. */
static int set_args(peak_state *s, cl_uint iterations, tfb_error *err)
{
    s->iterations = iterations;
    if (s->precision == PEAK_FP64) {
        double mul = MUL, add = ADD;
        return TFB_SET_ARGS(s->kernel, err, TFB_MEM(s->out), TFB_MEM(s->start), TFB_VAL(mul), TFB_VAL(add), TFB_VAL(iterations));
    }
    if (s->precision == PEAK_FP16) {
        cl_half mul = 0x3bfe, add = 0x1400;  /* 1 - 2^-10 and 2^-10 as IEEE half bit patterns */
        return TFB_SET_ARGS(s->kernel, err, TFB_MEM(s->out), TFB_MEM(s->start), TFB_VAL(mul), TFB_VAL(add), TFB_VAL(iterations));
    }
    float mul = (float)MUL, add = (float)ADD;
    return TFB_SET_ARGS(s->kernel, err, TFB_MEM(s->out), TFB_MEM(s->start), TFB_VAL(mul), TFB_VAL(add), TFB_VAL(iterations));
}

static int peak_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    peak_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->precision = peak_case_params(c).precision;
    s->element_bytes = s->precision == PEAK_FP64 ? 8 : s->precision == PEAK_FP16 ? 2 : 4;
    choose_shape(&run->ctx->info, s);
    char options[128];
    s->seed = (uint32_t)run->seed;
    size_t values = s->items * s->vec;
    int rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, values * s->element_bytes, NULL, &s->out, err);
    if (rc == TFB_OK) rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, values * CHAINS * sizeof(float), NULL, &s->start, err);
    if (rc == TFB_OK) rc = tfb_device_fill_uniform(run->ctx, s->start, values * CHAINS, s->seed, 0.5f, 1.5f, err);
    if (rc != TFB_OK) return rc;
    if (tfb_kernel_create(run->ctx, "peak.cl", build_options(s, options, sizeof options), "fma_chains", &s->kernel,
                          err) != TFB_OK)
        return TFB_ERROR;
    return set_args(s, VERIFY_ITERATIONS, err);
}

static tfb_launch peak_launch(const peak_state *s)
{
    return (tfb_launch){s->kernel, 1, {s->items}, {s->group}};
}

static int peak_execute(tfb_run *run, void *state, tfb_error *err)
{
    peak_state *s = state;
    tfb_launch launch = peak_launch(s);
    tfb_work work = {&launch, 1, 1};
    /* Words of float NaN bits are NaN as fp32 and as fp64; fp16 needs half NaNs (0x7e00), as the low half of a
     * float NaN's bits is +0.0. */
    const cl_uint nan_bits = s->precision == PEAK_FP16 ? 0x7e007e00u : 0x7fc00000u;
    const cl_uint poison = s->finite_poison ? TFB_FINITE_POISON_BITS : nan_bits;
    size_t bytes = s->items * s->vec * s->element_bytes;
    TFB_CL_CHECK(err, "clEnqueueFillBuffer",
                 clEnqueueFillBuffer(run->ctx->queue, s->out, &poison, sizeof poison, 0, bytes, 0, NULL, NULL));
    return tfb_work_run_once(run->ctx, &work, err);
}

static int peak_repoison(tfb_run *run, void *state, tfb_error *err)
{
    peak_state *s = state;
    s->finite_poison = 1;
    return set_args(s, VERIFY_ITERATIONS, err);
}

static void read_as_float(const peak_state *s, const void *raw, float *got, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (s->precision == PEAK_FP64) got[i] = (float)((const double *)raw)[i];
        else if (s->precision == PEAK_FP16) got[i] = (float)tfb_half_to_double(((const uint16_t *)raw)[i]);
        else got[i] = ((const float *)raw)[i];
    }
}

/* The reference runs every chain in float64 for the same VERIFY_ITERATIONS. */
static void reference_sums(const peak_state *s, double *want)
{
    for (size_t g = 0; g < s->items; g++) {
        for (unsigned l = 0; l < s->vec; l++) {
            double sum = 0.0;
            for (unsigned c = 0; c < CHAINS; c++) {
                double x = start_value(s, g, c, l);
                for (unsigned i = 0; i < VERIFY_ITERATIONS; i++) x = x * MUL + ADD;
                sum += x;
            }
            want[g * s->vec + l] = sum;
        }
    }
}

static int peak_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    peak_state *s = state;
    size_t count = s->items * s->vec;
    void *raw = malloc(count * s->element_bytes);
    float *got = malloc(count * sizeof *got);
    double *want = malloc(count * sizeof *want);
    int rc = raw && got && want ? TFB_OK : tfb_fail(err, "out of memory");
    if (rc == TFB_OK) rc = tfb_buffer_read(run->ctx, s->out, count * s->element_bytes, raw, err);
    if (rc == TFB_OK) {
        read_as_float(s, raw, got, count);
        reference_sums(s, want);
        /* fp16 keeps 11 significant bits: each of 64 steps rounds, so allow 2^-11 * 64 relative */
        double rtol = s->precision == PEAK_FP16 ? 3e-2 : s->precision == PEAK_FP32 ? 1e-5 : 1e-6;
        rc = tfb_check_f32("fma chain sums", got, want, count, 0.0, rtol, max_error, err);
    }
    free(raw);
    free(got);
    free(want);
    return rc;
}

/* Scales the iteration count so one repetition lasts about `target` seconds. */
static int calibrate(tfb_run *run, peak_state *s, double target, tfb_error *err)
{
    tfb_launch launch = peak_launch(s);
    tfb_work work = {&launch, 1, 1};
    tfb_timing_policy once = {.warmup = 1, .min_reps = 1, .max_reps = 1, .min_seconds = 0};
    cl_uint iterations = 1024;
    for (int attempt = 0; attempt < 4; attempt++) {
        tfb_stats probe;
        if (set_args(s, iterations, err) != TFB_OK || tfb_work_time(run->ctx, &work, &once, &probe, err) != TFB_OK)
            return TFB_ERROR;
        if (probe.median >= target / 4) {
            double scaled = iterations * target / probe.median;
            return set_args(s, (cl_uint)fmin(fmax(scaled, 64.0), 1u << 30), err);
        }
        iterations *= 8;
    }
    return TFB_OK;
}

static int peak_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    peak_state *s = state;
    if (calibrate(run, s, tfb_axis_value(run->workload, &CALIBRATION) / 1e3, err) != TFB_OK) return TFB_ERROR;
    s->timed_iterations = s->iterations;
    tfb_launch launch = peak_launch(s);
    tfb_work work = {&launch, 1, 1};
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void peak_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    peak_state *s = state;
    r->flops = 2.0 * (double)s->items * s->vec * CHAINS * (double)s->timed_iterations;
    r->bytes = 0.0;
    tfb_result_derive(r);
    r->working_set_bytes = (unsigned long long)(s->items * s->vec * s->element_bytes);
    r->cache_resident = 1;
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "vector_width", s->vec);
    cJSON_AddNumberToObject(extra, "chains", CHAINS);
    cJSON_AddNumberToObject(extra, "work_items", (double)s->items);
    cJSON_AddNumberToObject(extra, "iterations", s->timed_iterations);
    r->extra = extra;
}

static void peak_finish(tfb_run *run)
{
    tfb_ceilings *ceil = &run->results->ceilings;
    double *slots[] = {&ceil->peak_gflops_fp32, &ceil->peak_gflops_fp64, &ceil->peak_gflops_fp16};
    for (size_t i = 0; i < run->results->count; i++) {
        const tfb_result *r = &run->results->items[i];
        if (strcmp(r->suite, "peak") != 0 || r->skipped[0] || r->verified != 1) continue;
        for (int p = PEAK_FP32; p <= PEAK_FP16; p++)
            if (strcmp(r->dtype, DTYPES[p]) == 0 && r->gflops > *slots[p]) *slots[p] = r->gflops;
    }
    tfb_ceilings_derive(ceil);
}

/* The local roof's compute side (tfbench/read_probe.h): the fp32 case, checked once at the suite's verification
 * length, then sized to `target_s` an execution. */
int tfb_peak_probe_open(tfb_run *run, double target_s, void **state, tfb_error *err)
{
    tfb_case c;
    double max_error = 0.0;
    tfb_case_reset(&c, DTYPES[PEAK_FP32]);
    peak_set_case_params(&c, (peak_params){.precision = PEAK_FP32});
    *state = NULL;
    int rc = peak_setup(run, &c, state, err);
    if (rc == TFB_OK) rc = peak_execute(run, *state, err);
    if (rc == TFB_OK) rc = peak_verify(run, *state, &max_error, err);
    if (rc == TFB_OK) rc = calibrate(run, *state, target_s, err);
    if (rc != TFB_OK) {
        peak_teardown(*state);
        *state = NULL;
    }
    return rc;
}

int tfb_peak_probe_measure(tfb_run *run, void *state, unsigned reps, double *gflops, tfb_error *err)
{
    peak_state *s = state;
    tfb_launch launch = peak_launch(s);
    tfb_work work = {&launch, 1, 1};
    tfb_timing_policy policy = {.min_reps = reps, .max_reps = reps};
    tfb_stats time;
    *gflops = 0.0;
    if (tfb_work_time(run->ctx, &work, &policy, &time, err) != TFB_OK) return TFB_ERROR;
    double flops = 2.0 * (double)s->items * s->vec * CHAINS * (double)s->iterations;
    *gflops = time.median > 0 ? flops / time.median * 1e-9 : 0.0;
    return TFB_OK;
}

void tfb_peak_probe_close(void *state)
{
    peak_teardown(state);
}

const tfb_suite tfb_suite_peak = {
    .name = "peak",
    .description = "peak compute ceiling: independent FMA chains in fp32, fp64 and fp16",
    .in_default_run = 1,
    .cache_only = 1,
    .cases = peak_cases,
    .flops = peak_flops,
    .setup = peak_setup,
    .execute = peak_execute,
    .verify = peak_verify,
    .measure = peak_measure,
    .annotate = peak_annotate,
    .teardown = peak_teardown,
    .finish = peak_finish,
    .repoison = peak_repoison,
    .options_used = 0,  /* in-cache FMA chains: nothing from the workload */
    TFB_SUITE_AXES(PEAK_AXES),
};
