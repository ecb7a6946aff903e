/* Unit tests of the local roof in `tfbench compare` (docs/compare.md#the-local-roof): decisions on synthetic pairs of
   runs whose memory changed speed between them (or inside one benchmark's samples), each benchmark bracketed by the
   read bandwidth measured right before and after its samples. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/compare.h"

#define SAMPLES 16
#define FAST_GBPS 60.0   /* the VM's two memory phases */
#define SLOW_GBPS 35.0
#define PEAK 200.0       /* fp32 peak in the files' ceilings */

/* One benchmark: its samples are `seconds` x a +-1% pattern, the first `slow_first` of them x FAST/SLOW (a phase
   flip inside the samples); memory-bound (roof 50 GFLOP/s < PEAK) or compute-bound (roof = PEAK); local_roof
   {before_gbps, after_gbps} unless before_gbps is 0, and {before_gflops, after_gflops} unless before_gflops is 0. */
typedef struct bench {
    const char *name;
    double seconds;
    size_t slow_first;
    int compute_bound;
    double before_gbps, after_gbps, before_gflops, after_gflops;
} bench;

static double sample(const bench *b, size_t i)
{
    static const double JITTER[] = {-0.010, 0.004, -0.003, 0.008, 0.0, -0.006, 0.002, 0.010, -0.008, 0.006};
    double phase = i < b->slow_first ? FAST_GBPS / SLOW_GBPS : 1.0;
    return b->seconds * phase * (1.0 + JITTER[i % (sizeof JITTER / sizeof *JITTER)]);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The benchmark as tfbench writes it (median, min and max agree with samples_s, as compare checks). */
static size_t write_bench(char *out, size_t size, const bench *b)
{
    double s[SAMPLES], sorted[SAMPLES];
    size_t used = (size_t)snprintf(out, size, "{\"name\":\"%s\",\"samples_s\":[", b->name);
    for (size_t i = 0; i < SAMPLES; i++) {
        s[i] = sorted[i] = sample(b, i);
        used += (size_t)snprintf(out + used, size - used, "%s%.17g", i ? "," : "", s[i]);
    }
    qsort(sorted, SAMPLES, sizeof *sorted, by_value);
    double median = 0.5 * (sorted[SAMPLES / 2 - 1] + sorted[SAMPLES / 2]);
    used += (size_t)snprintf(out + used, size - used,
                             "],\"time_median_s\":%.17g,\"time_min_s\":%.17g,\"time_max_s\":%.17g,\"gflops\":%.17g,"
                             "\"gbytes_per_second\":%.17g,\"roof_gflops\":%g",
                             median, sorted[0], sorted[SAMPLES - 1], 1e-3 / median, 2e-3 / median,
                             b->compute_bound ? PEAK : 50.0);
    if (b->before_gbps > 0 || b->before_gflops > 0) {
        used += (size_t)snprintf(out + used, size - used, ",\"local_roof\":{");
        if (b->before_gbps > 0)
            used += (size_t)snprintf(out + used, size - used, "\"before_gbps\":%g,\"after_gbps\":%g%s", b->before_gbps,
                                     b->after_gbps, b->before_gflops > 0 ? "," : "");
        if (b->before_gflops > 0)
            used += (size_t)snprintf(out + used, size - used, "\"before_gflops\":%g,\"after_gflops\":%g",
                                     b->before_gflops, b->after_gflops);
        used += (size_t)snprintf(out + used, size - used, "}");
    }
    return used + (size_t)snprintf(out + used, size - used, "}");
}

static void load(const bench *benches, size_t count, tfb_compare_doc *doc)
{
    char text[16384];
    tfb_error err = {{0}};
    size_t used = (size_t)snprintf(text, sizeof text,
                                   "{\"context\":{\"tfbench_version\":\"0.1.0\",\"ceilings\":{\"peak_gflops_fp32\":%g,"
                                   "\"peak_gflops_fp64\":%g}},\"benchmarks\":[", PEAK, PEAK / 2);
    for (size_t i = 0; i < count; i++) {
        if (i) text[used++] = ',';
        used += write_bench(text + used, sizeof text - used, &benches[i]);
    }
    snprintf(text + used, sizeof text - used, "]}");
    if (tfb_compare_load_text(text, strlen(text), doc, &err) != TFB_OK) fail_msg("%s", err.message);
}

static const tfb_compare_pair *pair_named(const tfb_compare_report *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->pairs[i].name, name) == 0) return &r->pairs[i];
    fail_msg("no pair %s", name);
    return NULL;
}

static const tfb_compare_pair *expect(const tfb_compare_report *r, const char *name, tfb_verdict verdict)
{
    const tfb_compare_pair *p = pair_named(r, name);
    if (p->verdict != verdict)
        fail_msg("%s: %s (change %+.3f, interval %+.3f .. %+.3f), expected %s", name, tfb_verdict_name(p->verdict),
                 p->change, p->change_lo, p->change_hi, tfb_verdict_name(verdict));
    return p;
}

/* Both runs and their report, which points into them. */
typedef struct judged {
    tfb_compare_doc base, current;
    tfb_compare_report r;
    size_t scaled;           /* benchmarks the local roof scaled */
} judged;

/* Compares base against current as `tfbench compare` does (local roofs applied) at the 10% threshold. */
static void judge(const bench *base, const bench *current, size_t count, judged *j)
{
    tfb_error err;
    load(base, count, &j->base);
    load(current, count, &j->current);
    j->scaled = tfb_compare_normalize_local(&j->base, &j->current);
    assert_int_equal(tfb_compare_docs(&j->base, &j->current, TFB_METRIC_TIME, 0.10, &j->r, &err), TFB_OK);
}

static void release(judged *j)
{
    tfb_compare_report_free(&j->r);
    tfb_compare_doc_free(&j->base);
    tfb_compare_doc_free(&j->current);
}

/* A/A across a phase change: the same kernels, the current run in the slow phase (60 -> 35 GB/s, every memory-bound
   time x 1.71). Without local roofs that is a 71% regression; with them, the same. */
static void a_phase_change_between_runs_is_no_regression(void **state)
{
    (void)state;
    const bench base[] = {{"gemv/a", 1e-3, 0, 0, FAST_GBPS, FAST_GBPS, 0, 0},
                          {"stream/b", 2e-3, 0, 0, 59.0, 61.0, 0, 0}};
    const bench slow[] = {{"gemv/a", 1e-3, SAMPLES, 0, SLOW_GBPS, SLOW_GBPS, 0, 0},
                          {"stream/b", 2e-3, SAMPLES, 0, 34.5, 35.5, 0, 0}};
    const bench slow_unbracketed[] = {{"gemv/a", 1e-3, SAMPLES, 0, 0, 0, 0, 0},
                                      {"stream/b", 2e-3, SAMPLES, 0, 0, 0, 0, 0}};
    judged j;
    judge(base, slow, 2, &j);
    assert_int_equal(j.scaled, 2);
    assert_true(fabs(expect(&j.r, "gemv/a", TFB_VERDICT_SAME)->change) < 1e-9);
    expect(&j.r, "stream/b", TFB_VERDICT_SAME);
    release(&j);
    judge(base, slow_unbracketed, 2, &j);
    assert_int_equal(j.scaled, 0);  /* one side without local_roof: as measured */
    assert_true(fabs(expect(&j.r, "gemv/a", TFB_VERDICT_REGRESSION)->change - (FAST_GBPS / SLOW_GBPS - 1)) < 1e-9);
    release(&j);
}

/* The gate's power: the current run 15% slower on top of the phase change is flagged, its change +15%. */
static void a_slowdown_across_a_phase_change_is_flagged(void **state)
{
    (void)state;
    const bench base[] = {{"gemv/a", 1e-3, 0, 0, FAST_GBPS, FAST_GBPS, 0, 0}};
    const bench slower[] = {{"gemv/a", 1.15e-3, SAMPLES, 0, SLOW_GBPS, SLOW_GBPS, 0, 0}};
    const bench faster_phase[] = {{"gemv/a", 1.15e-3, 0, 0, FAST_GBPS, FAST_GBPS, 0, 0}};
    judged j;
    judge(base, slower, 1, &j);
    const tfb_compare_pair *p = expect(&j.r, "gemv/a", TFB_VERDICT_REGRESSION);
    assert_true(fabs(p->change - 0.15) < 1e-9);
    release(&j);
    /* and the same slowdown in the fast phase both times: the local roof hides nothing */
    judge(slower, base, 1, &j);
    expect(&j.r, "gemv/a", TFB_VERDICT_IMPROVEMENT);
    release(&j);
    judge(base, faster_phase, 1, &j);
    expect(&j.r, "gemv/a", TFB_VERDICT_REGRESSION);
    release(&j);
}

/* A phase flip planted inside the baseline's samples (the first 5 of 16 slow, its bracket 35 before, 60 after) and a
   current run wholly in the slow phase: scaled by the geometric mean of the bracket, the change is +30%, but the
   bracket's own doubt (half of log 60/35 on that side) widens its interval past the floor: within noise, not a
   regression. */
static void a_phase_flip_inside_the_samples_is_doubt(void **state)
{
    (void)state;
    const bench base[] = {{"gemv/a", 1e-3, 5, 0, SLOW_GBPS, FAST_GBPS, 0, 0}};
    const bench current[] = {{"gemv/a", 1e-3, SAMPLES, 0, SLOW_GBPS, SLOW_GBPS, 0, 0}};
    judged j;
    judge(base, current, 1, &j);
    const tfb_compare_pair *p = expect(&j.r, "gemv/a", TFB_VERDICT_NOISE);
    double scale = SLOW_GBPS / sqrt(SLOW_GBPS * FAST_GBPS);
    assert_true(fabs(p->change - (FAST_GBPS / SLOW_GBPS * scale - 1)) < 0.01);  /* +30.9%, the jitter aside */
    assert_true(p->change_lo < 0 && p->change_hi > 0.6);
    assert_true(p->change_lo < 0.05);
    release(&j);
}

/* Compute-bound benchmarks (roof_gflops at the peak) are judged at the local fp32 peak, never at a read bandwidth:
   a run that had half the cores (peak 200 -> 100 GFLOP/s, times x 2) is the same; 15% slower on top, a regression;
   with a read bracket only, it is compared as measured. */
static void compute_bound_benchmarks_are_judged_at_the_local_peak(void **state)
{
    (void)state;
    const bench base[] = {{"gemm/c", 1e-3, 0, 1, FAST_GBPS, FAST_GBPS, PEAK, PEAK}};
    const bench halved[] = {{"gemm/c", 2e-3, 0, 1, SLOW_GBPS, SLOW_GBPS, PEAK / 2, PEAK / 2}};
    const bench halved_slower[] = {{"gemm/c", 2.3e-3, 0, 1, FAST_GBPS, FAST_GBPS, PEAK / 2, PEAK / 2}};
    const bench read_only[] = {{"gemm/c", 1.15e-3, 0, 1, SLOW_GBPS, SLOW_GBPS, 0, 0}};
    judged j;
    judge(base, halved, 1, &j);
    assert_int_equal(j.scaled, 1);
    assert_true(fabs(expect(&j.r, "gemm/c", TFB_VERDICT_SAME)->change) < 1e-9);
    release(&j);
    judge(base, halved_slower, 1, &j);
    assert_true(fabs(expect(&j.r, "gemm/c", TFB_VERDICT_REGRESSION)->change - 0.15) < 1e-9);
    release(&j);
    judge(base, read_only, 1, &j);
    assert_int_equal(j.scaled, 0);
    assert_true(fabs(expect(&j.r, "gemm/c", TFB_VERDICT_REGRESSION)->change - 0.15) < 1e-9);
    release(&j);
}

/* The interval floor: a +15% change whose interval reaches below the 10% threshold (but not below 5%) counts. */
static void the_interval_must_clear_half_the_threshold(void **state)
{
    (void)state;
    const bench base[] = {{"gemv/a", 1e-3, 0, 0, FAST_GBPS, FAST_GBPS, 0, 0}};
    const bench current[] = {{"gemv/a", 1.15e-3, 0, 0, 64.0, 56.25, 0, 0}};
    judged j;
    judge(base, current, 1, &j);
    const tfb_compare_pair *p = expect(&j.r, "gemv/a", TFB_VERDICT_REGRESSION);
    assert_true(p->change_lo < 0.10 && p->change_lo > 0.05);  /* widened by the bracket 64 / 56.25: 6.7% */
    assert_true(fabs(p->change - 0.15) < 1e-9);
    release(&j);
}

static void expect_refused(const char *roof, const char *message_part)
{
    char text[512];
    tfb_compare_doc doc;
    tfb_error err = {{0}};
    snprintf(text, sizeof text, "{\"benchmarks\":[{\"name\":\"g\",\"real_time\":1,\"time_unit\":\"ms\","
                                "\"local_roof\":%s}]}", roof);
    if (tfb_compare_load_text(text, strlen(text), &doc, &err) != TFB_ERROR) fail_msg("accepted: %s", roof);
    if (!strstr(err.message, message_part)) fail_msg("message \"%s\" lacks \"%s\"", err.message, message_part);
}

/* The field is read strictly: both sides of a pair, positive and finite; null or absent is no local roof. */
static void local_roof_field_is_read_strictly(void **state)
{
    (void)state;
    expect_refused("[1,2]", "benchmark \"g\": field \"local_roof\" must be an object");
    expect_refused("{\"before_gflops\":100}", "field \"local_roof.after_gflops\" must be a positive number");
    expect_refused("{\"before_gbps\":30}", "field \"local_roof.after_gbps\" must be a positive number");
    expect_refused("{\"before_gbps\":0,\"after_gbps\":30}", "\"local_roof.before_gbps\" must be a positive");
    expect_refused("{\"before_gbps\":\"30\",\"after_gbps\":30}", "\"local_roof.before_gbps\" must be a positive");
    expect_refused("{\"before_gbps\":1e300,\"after_gbps\":30}", "\"local_roof.before_gbps\" must be a positive");
    tfb_compare_doc doc;
    tfb_error err;
    const char *text = "{\"benchmarks\":[{\"name\":\"g\",\"real_time\":1,\"time_unit\":\"ms\",\"local_roof\":null},"
                       "{\"name\":\"h\",\"real_time\":1,\"time_unit\":\"ms\",\"local_roof\":{\"before_gbps\":31.5,"
                       "\"after_gbps\":33}}]}";
    assert_int_equal(tfb_compare_load_text(text, strlen(text), &doc, &err), TFB_OK);
    assert_true(doc.entries[0].local_roof_gbps[0] == 0.0 && doc.entries[0].local_roof_gbps[1] == 0.0);
    assert_true(doc.entries[1].local_roof_gbps[0] == 31.5 && doc.entries[1].local_roof_gbps[1] == 33.0);
    tfb_compare_doc_free(&doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_phase_change_between_runs_is_no_regression),
        cmocka_unit_test(a_slowdown_across_a_phase_change_is_flagged),
        cmocka_unit_test(a_phase_flip_inside_the_samples_is_doubt),
        cmocka_unit_test(compute_bound_benchmarks_are_judged_at_the_local_peak),
        cmocka_unit_test(the_interval_must_clear_half_the_threshold),
        cmocka_unit_test(local_roof_field_is_read_strictly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
