/* tfbench-native: what a CPU user would run instead of OpenCL — an OpenMP STREAM triad, OpenBLAS sgemm and sgemv on
 * the same shapes as tfbench's gemv/gemm suites — written in the same JSON layout, so `tfbench --native FILE` can show
 * the points beside the device's. OpenBLAS 0.3.21 misdetects some virtual CPUs (as "Prescott", ~5x slower sgemm), so
 * unless the user set OPENBLAS_CORETYPE we set it from the CPU's flags and re-execute (OpenBLAS reads it at load). */
#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cblas.h>
#include "tfbench/host.h"
#include "tfbench/random.h"
#include "tfbench/results.h"
#include "tfbench/sampling.h"
#include "tfbench/stats.h"
#include "tfbench/verify.h"
#include "native_common.h"

typedef struct native_run {
    const native_options *opt;
    tfb_results *results;
    uint64_t out_of_cache;    /* bytes */
    tfb_timing_policy policy; /* the suites' own (tfb_timing_default): samples, stopping rule, budgets, --quick */
} native_run;

static void usage(FILE *out)
{
    fputs("usage: tfbench-native [--json FILE] [--quick] [--stream-only] [--shape MxNxK] [--batch 1,8,...]\n"
          "  OpenMP STREAM triad, OpenBLAS sgemm (Llama 2 7B 4096x4096 across batches, 2048^3) and sgemv (the\n"
          "  model's weight shapes, out of cache), in tfbench's JSON layout. OPENBLAS_CORETYPE is set from the CPU\n"
          "  flags unless already set.\n",
          out);
}

/* The core type OpenBLAS should use on this CPU, from /proc/cpuinfo flags; NULL when no override is needed. */
static const char *core_type_from_flags(void)
{
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f) return NULL;
    char line[8192];
    const char *core = NULL;
    while (!core && fgets(line, sizeof line, f)) {
        if (strncmp(line, "flags", 5) != 0) continue;
        if (strstr(line, " avx512f")) core = "SkylakeX";
        else if (strstr(line, " avx2")) core = "Haswell";
        else break;
    }
    fclose(f);
    return core;
}

/* Both libraries read their environment when they are loaded, so setting it means re-executing ourselves. Idle
 * OpenMP threads must sleep (passive), or they spin for a while on the cores OpenBLAS's own threads need. */
static void ensure_environment(char **argv)
{
    if (getenv("TFB_NATIVE_REEXEC")) return;
    const char *core = getenv("OPENBLAS_CORETYPE") ? NULL : core_type_from_flags();
    int set_wait = getenv("OMP_WAIT_POLICY") == NULL;
    if (!core && !set_wait) return;
    if (core) setenv("OPENBLAS_CORETYPE", core, 1);
    if (set_wait) setenv("OMP_WAIT_POLICY", "passive", 1);
    setenv("TFB_NATIVE_REEXEC", core ? "coretype" : "env", 1);
    execv("/proc/self/exe", argv);  /* on failure, go on with the libraries' own defaults */
}

/* Wall clock of back-to-back executions, sampled as the suites sample theirs; the samples go into the results. */
static int time_case(const native_run *run, tfb_host_run_fn fn, void *user, tfb_result *r, tfb_error *err)
{
    tfb_sample_record record = {NULL, 0};
    tfb_timing_policy policy = run->policy;
    policy.record = &record;
    int rc = tfb_host_time(fn, user, &policy, &r->time, err);
    if (rc == TFB_OK) {
        r->samples = record.values;
        r->sample_count = record.count;
    } else {
        free(record.values);
    }
    return rc;
}

/* ---- STREAM triad ---- */

typedef struct triad {
    float *a, *b, *c;
    size_t count;
} triad;

static int triad_rep(void *user, size_t rep, tfb_error *err)
{
    (void)rep, (void)err;
    triad *t = user;
    const float scalar = 3.0f;
    float *restrict a = t->a;
    const float *restrict b = t->b, *restrict c = t->c;
#pragma omp parallel for simd schedule(static)
    for (size_t i = 0; i < t->count; i++) a[i] = b[i] + scalar * c[i];
    return 0;
}

/* First touch inside the same static schedule, so pages live where their thread runs. */
static void triad_init(triad *t, uint64_t seed)
{
#pragma omp parallel for schedule(static)
    for (size_t i = 0; i < t->count; i++) {
        t->a[i] = NAN;
        t->b[i] = 0.5f + (float)((i * 2654435761u + seed) % 1024) / 1024.0f;
        t->c[i] = 0.5f + (float)((i * 40503u + seed) % 1024) / 1024.0f;
    }
}

static int run_stream(native_run *run, tfb_error *err)
{
    triad t = {NULL, NULL, NULL, (size_t)(run->out_of_cache / 3 / sizeof(float))};
    t.a = malloc(t.count * sizeof(float));
    t.b = malloc(t.count * sizeof(float));
    t.c = malloc(t.count * sizeof(float));
    int rc = t.a && t.b && t.c ? TFB_OK : tfb_fail(err, "out of memory for the triad arrays");
    tfb_result *r = rc == TFB_OK ? native_add_result(run->results, "native/stream/triad", "stream", "openmp", "triad",
                                                     "native/stream")
                                 : NULL;
    if (rc == TFB_OK && r) {
        triad_init(&t, 7);
        triad_rep(&t, 0, err);
        r->verified = 1;
        for (size_t i = 0; i < t.count; i += 4093)
            if (!(fabsf(t.a[i] - (t.b[i] + 3.0f * t.c[i])) <= 1e-6f * fabsf(t.a[i]))) r->verified = 0;
        rc = time_case(run, triad_rep, &t, r, err);
        if (rc != TFB_OK) snprintf(r->skipped, sizeof r->skipped, "FAILED: %.180s", err->message);
        r->flops = 2.0 * (double)t.count;
        r->bytes = 3.0 * (double)t.count * sizeof(float);
        tfb_result_derive(r);
        r->working_set_bytes = 3ull * t.count * sizeof(float);
        r->cache_resident = 0;
        run->results->ceilings.bandwidth_gbps = r->gbytes_per_second;
        snprintf(run->results->ceilings.bandwidth_source, sizeof run->results->ceilings.bandwidth_source, "%s",
                 r->name);
        fprintf(stderr, "%s: %.1f GB/s (%d threads)\n", r->name, r->gbytes_per_second, omp_get_max_threads());
    }
    free(t.a);
    free(t.b);
    free(t.c);
    return rc;
}

/* ---- OpenBLAS sgemm / sgemv: C[M x N] = A[M x K] W^T, W [N x K] row-major, as in tfbench ---- */

typedef struct blas_case {
    size_t m, n, k, sets;
    float *a, *c;
    float *w[64];
} blas_case;

static int blas_rep(void *user, size_t rep, tfb_error *err)
{
    (void)err;
    blas_case *b = user;
    const float *w = b->w[rep % b->sets];
    if (b->m == 1)
        cblas_sgemv(CblasRowMajor, CblasNoTrans, (int)b->n, (int)b->k, 1.0f, w, (int)b->k, b->a, 1, 0.0f, b->c, 1);
    else
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)b->m, (int)b->n, (int)b->k, 1.0f, b->a, (int)b->k, w,
                    (int)b->k, 0.0f, b->c, (int)b->n);
    return 0;
}

/* Sampled outputs of the last set against a float64 reference, with tfbench's tolerance. */
static int blas_check(const blas_case *b, size_t last, double *worst, tfb_error *err)
{
    size_t rows[] = {0, b->m / 2, b->m - 1}, cols[] = {0, 1, b->n / 3, b->n / 2, b->n - 2, b->n - 1};
    float got[3 * 6];
    double want[3 * 6];
    for (size_t r = 0; r < 3; r++) {
        for (size_t c = 0; c < 6; c++) {
            size_t col = cols[c] < b->n ? cols[c] : b->n - 1;
            double sum = 0.0;
            for (size_t k = 0; k < b->k; k++) sum += (double)b->a[rows[r] * b->k + k] * b->w[last][col * b->k + k];
            want[r * 6 + c] = sum;
            got[r * 6 + c] = b->c[rows[r] * b->n + col];
        }
    }
    return tfb_check_f32("openblas output", got, want, 18, 0.0, tfb_dot_tolerance_f32(b->k), worst, err);
}

static void free_case(blas_case *b)
{
    free(b->a);
    free(b->c);
    for (size_t s = 0; s < b->sets; s++) free(b->w[s]);
}

static int alloc_case(native_run *run, blas_case *b, tfb_error *err)
{
    size_t matrix = b->n * b->k * sizeof(float);
    b->sets = b->m <= 64 ? (size_t)((run->out_of_cache + matrix - 1) / matrix) : 1;
    if (b->sets > 64) b->sets = 64;
    tfb_rng rng;
    tfb_rng_seed(&rng, 42);
    b->a = malloc(b->m * b->k * sizeof(float));
    b->c = malloc(b->m * b->n * sizeof(float));
    if (!b->a || !b->c) return tfb_fail(err, "out of memory");
    tfb_fill_random_f32(b->a, b->m * b->k, &rng, 0.5f, 1.5f);
    tfb_poison_f32(b->c, b->m * b->n);
    for (size_t s = 0; s < b->sets; s++) {
        b->w[s] = malloc(matrix);
        if (!b->w[s]) return b->sets = s, tfb_fail(err, "out of memory for %zu weight matrices", b->sets);
        tfb_fill_random_f32(b->w[s], b->n * b->k, &rng, -1.5f, -0.5f);
    }
    return TFB_OK;
}

static int run_blas(native_run *run, size_t m, size_t n, size_t k, tfb_error *err)
{
    blas_case b = {m, n, k, 0, NULL, NULL, {NULL}};
    int rc = alloc_case(run, &b, err);
    tfb_result *r = rc == TFB_OK ? native_add_gemm_result(run->results, "openblas", "fp32", m, n, k) : NULL;
    if (r) {
        for (size_t s = 0; s < b.sets; s++) blas_rep(&b, s, err);
        rc = blas_check(&b, b.sets - 1, &r->max_error, err);
        r->verified = rc == TFB_OK;
        if (rc == TFB_OK) rc = time_case(run, blas_rep, &b, r, err);
        r->flops = 2.0 * m * n * k;
        r->bytes = 4.0 * ((double)n * k + (double)m * k + (double)m * n);
        tfb_result_derive(r);
        r->working_set_bytes = (unsigned long long)(b.sets * n * k + m * k + m * n) * sizeof(float);
        r->cache_resident = r->working_set_bytes < run->out_of_cache;
        r->extra = cJSON_CreateObject();
        cJSON_AddNumberToObject(r->extra, "weight_sets", (double)b.sets);
        cJSON_AddStringToObject(r->extra, "timing", "wall clock");
        if (rc != TFB_OK) snprintf(r->skipped, sizeof r->skipped, "FAILED: %.180s", err->message);
        fprintf(stderr, "%s: %.4g ms, %.1f GFLOP/s, %.1f GB/s%s\n", r->name, r->time.median * 1e3, r->gflops,
                r->gbytes_per_second, r->verified ? "" : " (FAILED verification)");
    }
    free_case(&b);
    return rc;
}

static int run_all(native_run *run, tfb_error *err)
{
    int failures = run_stream(run, err) != TFB_OK;
    if (run->opt->stream_only) return failures;
    native_shapes shapes;
    native_shapes_for(run->opt, &shapes);
    for (size_t i = 0; i < shapes.gemv_count; i++)
        failures += run_blas(run, 1, shapes.gemv[i][0], shapes.gemv[i][1], err) != TFB_OK;
    for (size_t i = 0; i < shapes.batch_count; i++)
        failures += run_blas(run, shapes.batches[i], shapes.n, shapes.k, err) != TFB_OK;
    if (shapes.square) failures += run_blas(run, 2048, 2048, 2048, err) != TFB_OK;
    return failures;
}

static void describe_device(tfb_results *results, const tfb_host_info *host)
{
    tfb_device_info *d = &results->device;
    snprintf(d->platform, sizeof d->platform, "native (OpenMP + OpenBLAS)");
    snprintf(d->name, sizeof d->name, "%s", host->cpu_model);
    snprintf(d->type, sizeof d->type, "CPU");
    d->is_cpu = 1;
    d->compute_units = (unsigned)omp_get_max_threads();
    results->context_extra = cJSON_CreateObject();
    cJSON_AddStringToObject(results->context_extra, "executable_native", "tfbench-native");
    cJSON_AddStringToObject(results->context_extra, "openblas_core", openblas_get_corename());
    const char *env = getenv("OPENBLAS_CORETYPE");
    cJSON_AddStringToObject(results->context_extra, "openblas_coretype_env", env ? env : "");
    const char *reexec = getenv("TFB_NATIVE_REEXEC");
    cJSON_AddBoolToObject(results->context_extra, "openblas_coretype_set_by_tfbench",
                          reexec && strcmp(reexec, "coretype") == 0);
    const char *wait = getenv("OMP_WAIT_POLICY");
    cJSON_AddStringToObject(results->context_extra, "omp_wait_policy", wait ? wait : "");
    cJSON_AddNumberToObject(results->context_extra, "openblas_threads", openblas_get_num_threads());
    cJSON_AddNumberToObject(results->context_extra, "openmp_threads", omp_get_max_threads());
}

int main(int argc, char **argv)
{
    native_options opt;
    tfb_error err = {{0}};
    if (native_parse_args(argc, argv, usage, &opt, &err) != TFB_OK) {
        fprintf(stderr, "tfbench-native: %s\n", err.message);
        return NATIVE_EXIT_USAGE;
    }
    ensure_environment(argv);
    tfb_host_info host;
    tfb_results results;
    tfb_host_probe(&host, NULL);
    tfb_results_init(&results);
    results.host = host;
    describe_device(&results, &host);
    fprintf(stderr, "tfbench-native: OpenBLAS core %s, %d threads\n", openblas_get_corename(),
            openblas_get_num_threads());
    native_run run = {&opt, &results, tfb_host_out_of_cache_bytes(&host), tfb_timing_default(opt.quick)};
    int failures = run_all(&run, &err);
    if (failures) fprintf(stderr, "tfbench-native: %d benchmark(s) failed: %s\n", failures, err.message);
    tfb_results_print_table(&results, stdout);
    int write_failed = opt.json_path && tfb_results_write_json(&results, opt.json_path, &err) != TFB_OK;
    if (write_failed) fprintf(stderr, "tfbench-native: %s\n", err.message);
    tfb_results_free(&results);
    return failures || write_failed ? 1 : 0;
}
