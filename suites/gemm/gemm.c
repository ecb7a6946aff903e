/* GEMM across batch sizes: C[M x N] = A[M x K] W^T for M = tokens in flight, on one weight shape of the model
 * (plus 2048^3), ours (fp32, fp16 weights) and CLBlastSgemm side by side. finish() reports the measured crossover
 * batch next to the prediction from the measured ridge point. Names: gemm/IMPL/MxNxK/DTYPE. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "gemm_core.h"

static const tfb_axis BATCH = {"batch", "M, tokens in flight, on the model's first weight shape (--batch, --shape "
                                "replace it)", TFB_AXIS_LIST(1, 8, 32, 128, 512), TFB_AXIS_LIST(1, 16, 128), {0}};
static const tfb_axis SQUARE = {"square_2048", "1: also 2048 x 2048 x 2048 (not with --batch or --shape)",
                                TFB_AXIS_LIST(1), TFB_AXIS_LIST(0), {0}};
static const tfb_axis WEIGHTS = {"weights", "weight formats: 0 fp32 (and CLBlast), 1 fp16, 2 q8_0, 3 q4_0, "
                                 "4 int4-g128 (the last three up to M = 32 unless --batch or --shape)",
                                 TFB_AXIS_LIST(0, 1), TFB_AXIS_LIST(0, 1), TFB_AXIS_LIST(0, 1, 2, 3, 4)};
static const tfb_axis *const GEMM_AXES[] = {&BATCH, &SQUARE, &WEIGHTS};

/* CLBlast's GEMM takes seconds per call on a CPU device (its kernels are tuned for GPUs): the default sweep runs it
 * up to this batch, so the default run stays near a minute; an explicit --batch or --shape runs it everywhere
 * (e.g. --shape 2048x2048x2048 for the 2048^3 comparison). */
#define CLBLAST_DEFAULT_MAX_M 8
#define FP16_DEFAULT_MAX_M 32

/* The cases of one batch: ours and CLBlast in fp32, then fp16 and the quantized formats the axis lists. */
static size_t add_variants(tfb_case *out, size_t n, size_t max, size_t m, size_t rows, size_t cols, int clblast,
                           int fp16, tfb_axis_list formats)
{
    for (size_t f = 0; f < formats.count; f++) {
        size_t weights = formats.values[f];
        if (weights != GEMM_WEIGHTS_FP32 && !fp16) continue;
        if (n < max) gemm_case_init_weights(&out[n], "gemm", GEMM_KIND_GEMM, (int)weights, m, rows, cols);
        n++;
        if (weights != GEMM_WEIGHTS_FP32 || !clblast) continue;
        if (n < max) gemm_case_init(&out[n], "gemm", GEMM_KIND_GEMM, GEMM_IMPL_CLBLAST, 0, m, rows, cols);
        n++;
    }
    return n;
}

static size_t gemm_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    gemm_weight_shape shapes[GEMM_MAX_SHAPES];
    size_t shape_count, n = 0;
    gemm_suite_shapes(run, shapes, &shape_count);
    const tfb_workload *w = run->workload;
    tfb_axis_list sweep = tfb_axis_values(w, &BATCH);
    const size_t *batches = sweep.values;
    size_t batch_count = sweep.count;
    if (w->batch_count) batches = w->batches, batch_count = w->batch_count;
    else if (w->has_shape) batches = &w->shape_m, batch_count = 1;
    int explicit_sweep = w->batch_count || w->has_shape;
    for (size_t b = 0; b < batch_count; b++) {
        /* The default sweep skips what another case already shows: CLBlast at M = 1 (that is gemv's CLBlast
         * point) and fp16 and quantized weights where the weights no longer dominate the traffic (M >
         * FP16_DEFAULT_MAX_M). */
        size_t m = batches[b];
        int clblast = explicit_sweep || (m > 1 && m <= CLBLAST_DEFAULT_MAX_M);
        int fp16 = explicit_sweep || m <= FP16_DEFAULT_MAX_M;
        n = add_variants(out, n, max, m, shapes[0].n, shapes[0].k, clblast, fp16, tfb_axis_values(w, &WEIGHTS));
    }
    static const size_t FP32_ONLY[] = {GEMM_WEIGHTS_FP32};
    if (!explicit_sweep && tfb_axis_value(w, &SQUARE))
        n = add_variants(out, n, max, 2048, 2048, 2048, 0, 0, (tfb_axis_list){FP32_ONLY, 1});
    return n;
}

/* Smallest M of a series whose intensity reaches `ridge` (in the shape's own intensity formula); 0 if none. */
static size_t predicted_crossover(double n, double k, double ridge)
{
    for (size_t m = 1; m <= 65536; m++) {
        double intensity = 2.0 * m * n * k / (4.0 * (n * k + m * k + m * n));
        if (intensity >= ridge) return m;
    }
    return 0;
}

/* Measured crossover of one series: the kernel's own ridge is its best GFLOP/s over its best out-of-cache GB/s; the
 * measured crossover is the smallest swept batch whose intensity reaches it (compute-bound here). */
static void series_crossover(tfb_run *run, const tfb_result *first, cJSON *list)
{
    const tfb_results *all = run->results;
    double best_gflops = 0.0, best_gbps = 0.0, best_resident_gbps = 0.0;
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *r = &all->items[i];
        if (strcmp(r->series, first->series) != 0 || r->skipped[0] || r->verified != 1) continue;
        if (r->gflops > best_gflops) best_gflops = r->gflops;
        double *slot = r->cache_resident ? &best_resident_gbps : &best_gbps;
        if (r->gbytes_per_second > *slot) *slot = r->gbytes_per_second;
    }
    /* a shape too small to leave the caches still has a crossover, in the cache: said so in the JSON */
    int in_cache = !(best_gbps > 0);
    if (in_cache) best_gbps = best_resident_gbps;
    if (best_gflops <= 0 || best_gbps <= 0) return;
    double kernel_ridge = best_gflops / best_gbps;
    long long measured = 0;
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *r = &all->items[i];
        if (strcmp(r->series, first->series) != 0 || r->skipped[0] || r->verified != 1) continue;
        if (r->intensity >= kernel_ridge && (measured == 0 || r->m < measured)) measured = r->m;
    }
    double device_ridge = all->ceilings.ridge_fp32;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "series", first->series);
    cJSON_AddNumberToObject(o, "kernel_ridge", kernel_ridge);
    cJSON_AddBoolToObject(o, "kernel_bandwidth_cache_resident", in_cache);
    if (measured) cJSON_AddNumberToObject(o, "measured_batch", (double)measured);
    else cJSON_AddNullToObject(o, "measured_batch");
    if (device_ridge > 0) {
        cJSON_AddNumberToObject(o, "device_ridge", device_ridge);
        cJSON_AddNumberToObject(o, "predicted_batch",
                                (double)predicted_crossover((double)first->n, (double)first->k, device_ridge));
    }
    cJSON_AddItemToArray(list, o);
    if (device_ridge > 0)
        tfb_run_note(run, "gemm: %s: crossover measured at M=%lld (kernel ridge %.1f FLOP/B), predicted M=%zu from the "
                     "measured ridge %.1f FLOP/B\n", first->series, measured, kernel_ridge,
                     predicted_crossover((double)first->n, (double)first->k, device_ridge), device_ridge);
    else  /* without stream and peak in the run there is no device ridge to predict from */
        tfb_run_note(run, "gemm: %s: crossover measured at M=%lld (kernel ridge %.1f FLOP/B); no prediction: no device "
                     "ridge was measured (run the stream and peak suites too)\n", first->series, measured,
                     kernel_ridge);
}

/* One crossover entry per series with at least two batches, in context.ceilings.gemm_crossover. */
static void gemm_finish(tfb_run *run)
{
    tfb_results *all = run->results;
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *r = &all->items[i];
        if (strcmp(r->suite, "gemm") != 0 || strcmp(r->impl, "tfbench") != 0 || r->k == 2048) continue;
        int seen = 0, points = 0;
        for (size_t j = 0; j < all->count; j++) {
            if (strcmp(all->items[j].series, r->series) != 0) continue;
            if (j < i) seen = 1;
            points++;
        }
        if (!seen && points >= 2) series_crossover(run, r, list);
    }
    if (!all->ceilings.extra) all->ceilings.extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(all->ceilings.extra, "gemm_crossover");
    cJSON_AddItemToObject(all->ceilings.extra, "gemm_crossover", list);
}

const tfb_suite tfb_suite_gemm = {
    .name = "gemm",
    .description = "GEMM across batch sizes on a model's weights: ours (fp32, fp16, quantized weights) and CLBlast",
    .in_default_run = 1,
    .cases = gemm_cases,
    .flops = gemm_case_flops,
    .bytes = gemm_case_bytes,
    .bytes_written = gemm_case_bytes_written,
    .setup = gemm_suite_setup,
    .execute = gemm_suite_execute,
    .verify = gemm_suite_verify,
    .measure = gemm_suite_measure,
    .annotate = gemm_suite_annotate,
    .teardown = gemm_suite_teardown,
    .finish = gemm_finish,
    .repoison = gemm_suite_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_SHAPE | TFB_USES_BATCH,
    TFB_SUITE_AXES(GEMM_AXES),
};
