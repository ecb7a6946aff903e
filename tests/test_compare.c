/* Unit tests of `tfbench compare`: the results reader (tfbench and Google Benchmark JSON, hostile input),
   pairing by name and the noise-aware classification. Fixtures: tests/data/compare/. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "tfbench/compare.h"

static void fixture_path(char *out, size_t size, const char *name)
{
    const char *root = getenv("TFB_SOURCE_DIR");
    snprintf(out, size, "%s/tests/data/compare/%s", root ? root : ".", name);
}

static void load_fixture(const char *name, tfb_compare_doc *doc)
{
    char path[4096];
    tfb_error err = {{0}};
    fixture_path(path, sizeof path, name);
    if (tfb_compare_load_file(path, doc, &err) != TFB_OK) fail_msg("%s: %s", name, err.message);
}

/* Parses from an exactly sized heap copy without a terminating NUL, so ASan catches any read past the end. */
static int load_exact(const char *text, tfb_compare_doc *doc, tfb_error *err)
{
    size_t length = strlen(text);
    char *copy = malloc(length ? length : 1);
    assert_non_null(copy);
    memcpy(copy, text, length);
    int rc = tfb_compare_load_text(copy, length, doc, err);
    free(copy);
    return rc;
}

static void expect_refused(const char *text, const char *message_part)
{
    tfb_compare_doc doc;
    tfb_error err = {{0}};
    if (load_exact(text, &doc, &err) != TFB_ERROR) fail_msg("accepted: %s", text);
    assert_int_equal(doc.count, 0);
    assert_null(doc.entries);
    if (!strstr(err.message, message_part)) fail_msg("message \"%s\" lacks \"%s\"", err.message, message_part);
}

static const tfb_compare_pair *pair_named(const tfb_compare_report *r, const char *name)
{
    for (size_t i = 0; i < r->count; i++)
        if (strcmp(r->pairs[i].name, name) == 0) return &r->pairs[i];
    fail_msg("no pair %s", name);
    return NULL;
}

static const tfb_compare_entry *entry_named(const tfb_compare_doc *doc, const char *name)
{
    for (size_t i = 0; i < doc->count; i++)
        if (strcmp(doc->entries[i].name, name) == 0) return &doc->entries[i];
    fail_msg("no entry %s", name);
    return NULL;
}

static void compare_fixtures(const char *base_name, const char *current_name, tfb_metric metric, double threshold,
                             tfb_compare_doc *base, tfb_compare_doc *current, tfb_compare_report *report)
{
    tfb_error err;
    load_fixture(base_name, base);
    load_fixture(current_name, current);
    assert_int_equal(tfb_compare_docs(base, current, metric, threshold, report, &err), TFB_OK);
}

static void release(tfb_compare_doc *base, tfb_compare_doc *current, tfb_compare_report *report)
{
    tfb_compare_report_free(report);
    tfb_compare_doc_free(base);
    tfb_compare_doc_free(current);
}

static void reads_tfbench_fields(void **state)
{
    tfb_compare_doc doc;
    load_fixture("base.json", &doc);
    assert_int_equal(doc.count, 6);
    assert_string_equal(doc.entries[0].name, "stream/tight-slowdown");  /* file order kept */
    assert_string_equal(doc.device, "Test CPU");
    assert_string_equal(doc.driver, "1.0");
    assert_string_equal(doc.version, "0.1.0");
    assert_true(doc.from_tfbench);
    const tfb_compare_entry *e = entry_named(&doc, "stream/noisy-slowdown");
    assert_true(e->time_median == 0.100 && e->time_min == 0.080 && e->time_max == 0.130 && e->has_spread);
    assert_true(fabs(e->gbps - 10.0) < 1e-9);
    assert_true(entry_named(&doc, "peak/tight-speedup")->gflops > 99.99);
    tfb_compare_doc_free(&doc);
}

/* Issue 19: a benchmark measured in the baseline that is verified:false now is a wrong kernel, a regression (not a
 * skip); wrong in both files it is neither. */
static void wrong_result_now_is_a_regression(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report report;
    compare_fixtures("base.json", "current-wrong-result.json", TFB_METRIC_TIME, 0.1, &base, &current, &report);
    const tfb_compare_entry *wrong = entry_named(&current, "stream/unchanged");
    assert_true(wrong->failed && wrong->skipped);
    assert_int_equal(report.counts[TFB_VERDICT_FAILED], 1);
    assert_int_equal(report.counts[TFB_VERDICT_SKIPPED], 0);
    assert_string_equal(tfb_verdict_name(TFB_VERDICT_FAILED), "failed");
    release(&base, &current, &report);
    compare_fixtures("current-wrong-result.json", "current-wrong-result.json", TFB_METRIC_TIME, 0.1, &base, &current,
                     &report);
    assert_int_equal(report.counts[TFB_VERDICT_FAILED], 0);
    assert_int_equal(report.counts[TFB_VERDICT_SKIPPED], 1);
    release(&base, &current, &report);
    expect_refused("{\"benchmarks\":[{\"name\":\"x\",\"verified\":\"no\",\"real_time\":1,\"time_unit\":\"s\"}]}",
                   "field \"verified\" must be true or false");
}

/* The two cases: 20% slower with tight spreads is a regression; 20% with overlapping spreads is not. */
static void classifies_known_deltas(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("base.json", "current-regression.json", TFB_METRIC_TIME, 0.10, &base, &current, &r);
    const tfb_compare_pair *slow = pair_named(&r, "stream/tight-slowdown");
    assert_int_equal(slow->verdict, TFB_VERDICT_REGRESSION);
    assert_true(fabs(slow->change - 0.20) < 1e-9);
    assert_false(slow->overlap);
    const tfb_compare_pair *noisy = pair_named(&r, "stream/noisy-slowdown");
    assert_int_equal(noisy->verdict, TFB_VERDICT_NOISE);
    assert_true(fabs(noisy->change - 0.20) < 1e-9 && noisy->overlap);
    assert_int_equal(pair_named(&r, "peak/tight-speedup")->verdict, TFB_VERDICT_IMPROVEMENT);
    assert_int_equal(pair_named(&r, "stream/unchanged")->verdict, TFB_VERDICT_SAME);
    assert_int_equal(pair_named(&r, "stream/removed")->verdict, TFB_VERDICT_MISSING);
    assert_null(pair_named(&r, "stream/removed")->current);
    assert_int_equal(pair_named(&r, "big/now-skipped")->verdict, TFB_VERDICT_SKIPPED);
    assert_int_equal(pair_named(&r, "stream/added")->verdict, TFB_VERDICT_NEW);
    assert_null(pair_named(&r, "stream/added")->base);
    assert_string_equal(r.pairs[r.count - 1].name, "stream/added");  /* new ones come last */
    assert_int_equal(r.count, 7);
    assert_int_equal(r.counts[TFB_VERDICT_REGRESSION], 1);
    release(&base, &current, &r);
}

/* The one renderer of compare and fleet compare: the JSON record of each verdict, and the rows that count alone. */
static void verdicts_render_as_one_schema(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("base.json", "current-regression.json", TFB_METRIC_TIME, 0.10, &base, &current, &r);
    const tfb_compare_about about = {.base = {"b.json", &base}, .current = {"c.json", &current}, .rounds = 1};
    cJSON *json = tfb_compare_report_json(&r, &about);
    const cJSON *list = cJSON_GetObjectItem(json, "benchmarks"), *first = cJSON_GetArrayItem(list, 0);
    assert_int_equal(cJSON_GetArraySize(list), 7);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(json, "regression")));
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(json, "baseline"), "file")),
                        "b.json");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(first, "verdict")), "regression");
    assert_true(fabs(cJSON_GetNumberValue(cJSON_GetObjectItem(first, "change_percent")) - 20.0) < 1e-9);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(list, 4), "current")));  /* missing now */
    cJSON_Delete(json);
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    const tfb_compare_rows rows = {.counted_only = 1, .indent = 2, .base_label = "b", .current_label = "c"};
    tfb_compare_print_rows(out, &r, &rows);
    tfb_compare_print_counts(out, &r);
    fclose(out);
    assert_non_null(strstr(text, "  stream/tight-slowdown  "));
    assert_non_null(strstr(text, "REGRESSION  (spread)\n1 regression(s), 1 improvement(s), 1 unchanged"));
    assert_null(strstr(text, "noisy"));  /* only what counts against the current side */
    free(text);
    release(&base, &current, &r);
}

static void threshold_above_change_is_same(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("base.json", "current-regression.json", TFB_METRIC_TIME, 0.25, &base, &current, &r);
    assert_int_equal(pair_named(&r, "stream/tight-slowdown")->verdict, TFB_VERDICT_SAME);
    assert_int_equal(r.counts[TFB_VERDICT_REGRESSION], 0);
    release(&base, &current, &r);
}

static void self_comparison_is_clean(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("base.json", "base.json", TFB_METRIC_TIME, 0.0, &base, &current, &r);
    assert_int_equal(r.count, 6);
    assert_int_equal(r.counts[TFB_VERDICT_SAME], 6);
    for (size_t i = 0; i < r.count; i++) assert_true(r.pairs[i].change == 0.0 && r.pairs[i].overlap);
    release(&base, &current, &r);
}

/* Throughput: higher is better, so the 20% faster kernel gains GFLOP/s and the reverse comparison regresses. */
static void throughput_metrics_flip_direction(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("current-regression.json", "base.json", TFB_METRIC_GFLOPS, 0.10, &base, &current, &r);
    const tfb_compare_pair *p = pair_named(&r, "peak/tight-speedup");
    assert_int_equal(p->verdict, TFB_VERDICT_REGRESSION);
    assert_true(fabs(p->change - (0.080 / 0.100 - 1.0)) < 1e-9);
    assert_true(p->base_value.lo < p->base_value.median && p->base_value.median < p->base_value.hi);
    assert_int_equal(pair_named(&r, "stream/unchanged")->verdict, TFB_VERDICT_NO_METRIC);  /* no FLOPs */
    release(&base, &current, &r);
    compare_fixtures("base.json", "current-regression.json", TFB_METRIC_GBPS, 0.10, &base, &current, &r);
    assert_int_equal(pair_named(&r, "stream/tight-slowdown")->verdict, TFB_VERDICT_REGRESSION);
    assert_int_equal(pair_named(&r, "peak/tight-speedup")->verdict, TFB_VERDICT_NO_METRIC);
    release(&base, &current, &r);
}

static void google_repetitions_give_median_and_spread(void **state)
{
    tfb_compare_doc doc;
    load_fixture("google-repetitions.json", &doc);
    assert_int_equal(doc.count, 1);  /* repetitions and aggregates fold into one benchmark */
    const tfb_compare_entry *e = &doc.entries[0];
    assert_string_equal(e->name, "BM_Sum/1024");
    assert_true(fabs(e->time_median - 1050e-9) < 1e-15);
    assert_true(fabs(e->time_min - 1000e-9) < 1e-15 && fabs(e->time_max - 1100e-9) < 1e-15);
    assert_true(fabs(e->gflops - 2048 / 1050e-9 / 1e9) < 1e-9);
    assert_false(doc.from_tfbench);
    assert_string_equal(doc.device, "gb-host");
    assert_string_equal(doc.version, "v1.8.3");
    tfb_compare_doc_free(&doc);
}

static void google_aggregates_only_use_stddev(void **state)
{
    tfb_compare_doc doc;
    load_fixture("google-aggregates-only.json", &doc);
    assert_int_equal(doc.count, 1);
    const tfb_compare_entry *e = &doc.entries[0];
    assert_true(fabs(e->time_median - 1050e-9) < 1e-15);
    assert_true(fabs(e->time_min - 1000e-9) < 1e-15 && fabs(e->time_max - 1100e-9) < 1e-15 && e->has_spread);
    tfb_compare_doc_free(&doc);
}

static void google_single_runs_have_no_spread(void **state)
{
    tfb_compare_doc doc;
    load_fixture("google-plain.json", &doc);
    assert_int_equal(doc.count, 2);
    assert_true(fabs(entry_named(&doc, "BM_Sum/1024")->time_median - 2e-6) < 1e-15);
    const tfb_compare_entry *copy = entry_named(&doc, "BM_Copy/64");
    assert_true(fabs(copy->time_median - 0.5e-3) < 1e-15);
    assert_true(copy->time_min == copy->time_median && copy->time_max == copy->time_median && !copy->has_spread);
    tfb_compare_doc_free(&doc);
}

static void provenance_differences_are_named(void **state)
{
    char messages[8][512];
    tfb_compare_doc base, other, google;
    load_fixture("base.json", &base);
    load_fixture("other-device.json", &other);
    load_fixture("google-plain.json", &google);
    assert_int_equal(tfb_compare_provenance_warnings(&base, &base, messages, 8), 0);
    assert_int_equal(tfb_compare_provenance_warnings(&base, &other, messages, 8), 3);
    assert_non_null(strstr(messages[0], "different devices: baseline \"Test CPU\", current \"Other GPU\""));
    assert_non_null(strstr(messages[1], "different drivers"));
    assert_non_null(strstr(messages[2], "different versions: baseline \"0.1.0\", current \"0.2.0\""));
    assert_int_equal(tfb_compare_provenance_warnings(&base, &google, messages, 8), 2);
    assert_non_null(strstr(messages[1], "only one file was written by tfbench"));
    assert_int_equal(tfb_compare_provenance_warnings(&base, &other, messages, 1), 1);  /* bounded */
    tfb_compare_doc_free(&base);
    tfb_compare_doc_free(&other);
    tfb_compare_doc_free(&google);
}

static void hostile_fixtures_are_refused(void **state)
{
    static const struct { const char *file, *message; } CASES[] = {
        {"truncated.json", "not valid JSON"},
        {"wrong-type.json", "benchmark \"stream/tight-slowdown\": field \"time_median_s\" must be a number"},
        {"infinite.json", "field \"time_max_s\" is not finite"},
        {"negative.json", "field \"time_median_s\" is negative"},
        {"absurd.json", "field \"time_max_s\" is absurdly large"},
        {"nan.json", "NaN and Infinity are not JSON numbers"},
        {"deep.json", "nested deeper than 64 levels"},
        {"not-object.json", "not a JSON object"},
        {"no-benchmarks.json", "no \"benchmarks\" array"},
        /* issue 32: one statement of a figure edited, the other kept; the doubled median read as a 50% improvement
           and the doubled samples as a 100% regression of equal medians; a second copy hid behind the first */
        {"contradict-median.json", "benchmark \"kernel/outlier-slower\": field \"time_median_s\" (0.002 s) "
                                   "contradicts the median of samples_s (0.001 s)"},
        {"contradict-samples.json", "benchmark \"kernel/slower\": field \"time_median_s\" (0.001 s) contradicts the "
                                    "median of samples_s (0.002 s)"},
        {"duplicate-name.json", "benchmark \"kernel/slower\" appears twice (benchmarks #0 and #7)"},
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        char path[4096];
        tfb_compare_doc doc;
        tfb_error err = {{0}};
        fixture_path(path, sizeof path, CASES[i].file);
        assert_int_equal(tfb_compare_load_file(path, &doc, &err), TFB_ERROR);
        assert_int_equal(doc.count, 0);
        if (!strstr(err.message, CASES[i].message)) fail_msg("%s: \"%s\"", CASES[i].file, err.message);
    }
}

static void hostile_text_is_refused(void **state)
{
    expect_refused("", "not valid JSON");
    expect_refused("{\"benchmarks\": []} trailing", "unexpected data after the document");
    expect_refused("{\"benchmarks\": {}}", "no \"benchmarks\" array");
    expect_refused("{\"benchmarks\": [42]}", "benchmark #0 is not an object");
    expect_refused("{\"benchmarks\": [{\"real_time\": 1}]}", "benchmark #0 has no \"name\"");
    expect_refused("{\"benchmarks\": [{\"name\": 7}]}", "field \"name\" must be a string");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\"}]}", "benchmark \"a\": no \"real_time\"");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"fortnight\"}]}",
                   "\"time_unit\" must be ns, us, ms or s");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 0, \"time_unit\": \"ns\"}]}",
                   "field \"real_time\" must be positive");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1e300, \"time_unit\": \"s\"}]}",
                   "absurdly large");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": -1e400, \"time_unit\": \"s\"}]}", "not finite");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"error_occurred\": \"yes\"}]}", "must be true or false");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"gflops\": 1e30}]}",
                   "field \"gflops\" is absurdly large");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"time_min_s\": 2}]}",
                   "time_min_s <= time_median_s <= time_max_s");
    expect_refused("{\"context\": [], \"benchmarks\": []}", "\"context\" must be an object");
    expect_refused("{\"context\": {\"device\": {\"name\": 5}}, \"benchmarks\": []}", "field \"name\" must be a string");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1}", "not valid JSON");
    char text[1024];
    snprintf(text, sizeof text, "{\"context\": {\"device\": {\"name\": \"%0300d\"}}, \"benchmarks\": []}", 0);
    expect_refused(text, "context.device: field \"name\" is longer than 255 bytes");
    snprintf(text, sizeof text, "{\"context\": {\"tfbench_version\": \"%070d\"}, \"benchmarks\": []}", 0);
    expect_refused(text, "context: field \"tfbench_version\" is longer than 63 bytes");
}

static void contradicting_figures_are_refused(void **state)
{
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"flops\": 1e9, \"gflops\": 1}]}",
                   "benchmark \"a\": field \"gflops\" (1 GFLOP/s) contradicts flops / time_median_s (0.5 GFLOP/s)");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"bytes\": 4e9, "
                   "\"gbytes_per_second\": 4}]}", "field \"gbytes_per_second\" (4 GB/s) contradicts bytes");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"flops\": 1e9, \"gflops\": 0.5, "
                   "\"items_per_second\": 1e9}]}", "field \"items_per_second\"");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"bytes\": 1e9, "
                   "\"bytes_per_second\": 1e9}]}", "field \"bytes_per_second\"");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1e-300, \"flops\": 1e9, \"gflops\": 1}]}",
                   "field \"gflops\"");  /* work over the time overflows: no agreement with a finite rate */
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"real_time\": 2000, "
                   "\"time_unit\": \"ms\"}]}", "field \"real_time\" (2 s) contradicts time_median_s (1 s)");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"time_min_s\": 1.5, "
                   "\"samples_s\": [1, 2, 3]}]}", "field \"time_min_s\" (1.5 s) contradicts the fastest of samples_s");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"time_max_s\": 3.5, "
                   "\"samples_s\": [1, 2, 3]}]}", "field \"time_max_s\" (3.5 s) contradicts the slowest of samples_s");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"sample_count\": 4, "
                   "\"samples_s\": [1, 2, 3]}]}", "field \"sample_count\" (4) contradicts the 3 values of samples_s");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"samples_s\": [1, 2, 3, 4]}]}",
                   "contradicts the median of samples_s (2.5 s)");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 5, \"time_unit\": \"s\", "
                   "\"samples_s\": [1, 2, 3]}]}", "field \"real_time\" (5 s) contradicts the median of samples_s");
}

static void consistent_figures_are_read(void **state)
{
    static const char *const ACCEPTED[] = {
        /* printf's %g: 6 significant digits on each side */
        "{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 3, \"flops\": 1e9, \"gflops\": 0.333333}]}",
        "{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 0.333333, \"flops\": 1e9, \"gflops\": 3.00000, "
        "\"time_min_s\": 0.333332, \"samples_s\": [0.3333333, 0.333332, 0.333334]}]}",
        "{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2.5, \"time_min_s\": 1, \"time_max_s\": 4, "
        "\"sample_count\": 4, \"samples_s\": [4, 1, 3, 2], \"real_time\": 2500000, \"time_unit\": \"us\"}]}",
        "{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 2, \"flops\": 0, \"gflops\": 0, \"bytes\": 2e9, "
        "\"gbytes_per_second\": 1, \"bytes_per_second\": 1e9, \"gflops_extra\": 7}]}",
        /* Google Benchmark's layout: a user counter called flops is no work figure */
        "{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"s\", \"flops\": 5, "
        "\"items_per_second\": 7}]}",
    };
    for (size_t i = 0; i < sizeof ACCEPTED / sizeof ACCEPTED[0]; i++) {
        tfb_compare_doc doc;
        tfb_error err = {{0}};
        if (load_exact(ACCEPTED[i], &doc, &err) != TFB_OK) fail_msg("refused: %s: %s", ACCEPTED[i], err.message);
        assert_int_equal(doc.count, 1);
        tfb_compare_doc_free(&doc);
    }
    /* tfbench-native's files (no samples), read through the same reader */
    static const char *const NATIVE[] = {"report-native.json", "report-native-cuda.json"};
    for (size_t i = 0; i < sizeof NATIVE / sizeof NATIVE[0]; i++) {
        char path[4096];
        const char *root = getenv("TFB_SOURCE_DIR");
        tfb_compare_doc doc;
        tfb_error err = {{0}};
        snprintf(path, sizeof path, "%s/tests/data/%s", root ? root : ".", NATIVE[i]);
        if (tfb_compare_load_file(path, &doc, &err) != TFB_OK) fail_msg("%s: %s", NATIVE[i], err.message);
        assert_true(doc.count > 0);
        tfb_compare_doc_free(&doc);
    }
}

static void duplicate_names_are_refused(void **state)
{
    /* a tfbench file names each benchmark once, whatever its repetition_index says */
    expect_refused("{\"context\": {\"tfbench_version\": \"0.1.0\"}, \"benchmarks\": ["
                   "{\"name\": \"b\", \"time_median_s\": 1}, {\"name\": \"a\", \"time_median_s\": 1, "
                   "\"repetition_index\": 0}, {\"name\": \"a\", \"time_median_s\": 2, \"repetition_index\": 1}]}",
                   "benchmark \"a\" appears twice (benchmarks #1 and #2)");
    /* Google Benchmark: one repetition twice, one aggregate twice */
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"ns\", "
                   "\"repetition_index\": 0}, {\"name\": \"a\", \"real_time\": 2, \"time_unit\": \"ns\", "
                   "\"repetition_index\": 1}, {\"name\": \"a\", \"real_time\": 9, \"time_unit\": \"ns\", "
                   "\"repetition_index\": 0}]}", "benchmark \"a\" appears twice (benchmarks #0 and #2)");
    expect_refused("{\"benchmarks\": [{\"name\": \"a_median\", \"run_name\": \"a\", \"run_type\": \"aggregate\", "
                   "\"aggregate_name\": \"median\", \"real_time\": 1, \"time_unit\": \"ns\"}, {\"name\": \"a_median\", "
                   "\"run_name\": \"a\", \"run_type\": \"aggregate\", \"aggregate_name\": \"median\", "
                   "\"real_time\": 3, \"time_unit\": \"ns\"}]}", "benchmark \"a\" appears twice");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"ns\", "
                   "\"repetition_index\": -1}]}", "field \"repetition_index\" is negative");
    /* distinct repetitions and distinct aggregates of one run name are no duplicates, nor are statistics compare
       does not read (cv, user statistics) */
    const char *text = "{\"benchmarks\": [{\"name\": \"z\", \"real_time\": 1, \"time_unit\": \"ns\"}, "
                       "{\"name\": \"a\", \"real_time\": 3, \"time_unit\": \"ns\", \"repetition_index\": 1}, "
                       "{\"name\": \"a\", \"real_time\": 1, \"time_unit\": \"ns\", \"repetition_index\": 0}, "
                       "{\"name\": \"a_cv\", \"run_name\": \"a\", \"run_type\": \"aggregate\", \"aggregate_name\": "
                       "\"cv\", \"aggregate_unit\": \"percentage\", \"real_time\": 0.1, \"time_unit\": \"ns\"}, "
                       "{\"name\": \"a_p90\", \"run_name\": \"a\", \"run_type\": \"aggregate\", \"aggregate_name\": "
                       "\"p90\", \"real_time\": 3, \"time_unit\": \"ns\"}]}";
    tfb_compare_doc doc;
    tfb_error err = {{0}};
    assert_int_equal(load_exact(text, &doc, &err), TFB_OK);
    assert_int_equal(doc.count, 2);
    assert_string_equal(doc.entries[0].name, "z");  /* file order kept */
    assert_string_equal(doc.entries[1].name, "a");
    assert_true(doc.entries[1].time_median == 2e-9 && doc.entries[1].time_min == 1e-9);
    tfb_compare_doc_free(&doc);
}

/* A benchmark with an extra field nested `levels` deep: the document is 3 + levels deep. */
static void nested_document(char *text, size_t size, int levels)
{
    int n = snprintf(text, size, "{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"x\": ");
    for (int i = 0; i < levels; i++) text[n++] = '[';
    for (int i = 0; i < levels; i++) text[n++] = ']';
    snprintf(text + n, size - (size_t)n, "}]}");
}

static void nesting_limit_holds_at_the_edge(void **state)
{
    char text[512];
    tfb_compare_doc doc;
    tfb_error err;
    nested_document(text, sizeof text, TFB_COMPARE_MAX_DEPTH - 3);
    assert_int_equal(load_exact(text, &doc, &err), TFB_OK);
    tfb_compare_doc_free(&doc);
    nested_document(text, sizeof text, TFB_COMPARE_MAX_DEPTH - 2);
    expect_refused(text, "nested deeper than 64 levels");
}

static void names_are_cleaned_and_repeated_names_fold(void **state)
{
    tfb_compare_doc doc;
    tfb_error err;
    const char *text = "{\"benchmarks\": [{\"name\": \"b\\u001b[31m\", \"time_median_s\": 3},"
                       "{\"name\": \"a\", \"time_median_s\": 1}, {\"name\": \"a\", \"time_median_s\": 2},"
                       "{\"name\": \"a\", \"time_median_s\": 5}, {\"name\": \"c\", \"error_occurred\": true}]}";
    assert_int_equal(load_exact(text, &doc, &err), TFB_OK);
    assert_int_equal(doc.count, 3);
    assert_string_equal(doc.entries[0].name, "b?[31m");  /* no escape sequence reaches the terminal */
    assert_string_equal(doc.entries[1].name, "a");
    assert_true(doc.entries[1].time_median == 2 && doc.entries[1].time_min == 1 && doc.entries[1].time_max == 5);
    assert_true(doc.entries[2].skipped);
    assert_string_equal(doc.device, "");
    tfb_compare_doc_free(&doc);
}

/* The 100 MB file of the issue: refused from its size, before anything is read or parsed. */
static void huge_file_is_refused(void **state)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/tfb-compare-huge-XXXXXX", dir && dir[0] ? dir : "/tmp");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    static char block[1 << 20];
    memset(block, ' ', sizeof block);
    fputs("{\"benchmarks\": [", f);
    for (int i = 0; i < 100; i++) assert_int_equal(fwrite(block, 1, sizeof block, f), sizeof block);
    fputs("]}", f);
    assert_int_equal(fclose(f), 0);
    tfb_compare_doc doc;
    tfb_error err = {{0}};
    int rc = tfb_compare_load_file(path, &doc, &err);
    unlink(path);
    assert_int_equal(rc, TFB_ERROR);
    assert_non_null(strstr(err.message, "too large"));
}

static void missing_file_is_an_error(void **state)
{
    tfb_compare_doc doc;
    tfb_error err = {{0}};
    assert_int_equal(tfb_compare_load_file("/nonexistent/results.json", &doc, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "cannot open"));
}

/* tests/data/compare/samples-*.json: ten samples a side. p-values from scipy.stats.mannwhitneyu(current, base,
   alternative="two-sided") (ties: the normal approximation with continuity correction, as here). */
#define P_SLOWER 0.00017661101166893502
#define P_NOISY 0.2726754751925152
/* change interval of kernel/slower: the Hodges-Lehmann interval of the log ratio, the 100 differences
   log(current_i) - log(base_j) ranked 24 and 77 (C = floor(50 - 1.959964 sqrt(100 x 21 / 12))), computed apart in
   Python from the fixture files */
#define CHANGE_LO_SLOWER 0.12722772277227756
#define CHANGE_HI_SLOWER 0.17323232323232318

static void load_pair(const char *base_name, const char *current_name, tfb_compare_doc *base,
                      tfb_compare_doc *current)
{
    load_fixture(base_name, base);
    load_fixture(current_name, current);
}

static const tfb_compare_pair *judged(const tfb_compare_report *r, const char *name, tfb_compare_method method,
                                      tfb_verdict verdict)
{
    const tfb_compare_pair *p = pair_named(r, name);
    if (p->method != method || p->verdict != verdict)
        fail_msg("%s: %s by %s, expected %s by %s", name, tfb_verdict_name(p->verdict),
                 tfb_compare_method_name(p->method), tfb_verdict_name(verdict), tfb_compare_method_name(method));
    return p;
}

/* Samples in both files: the U test decides. One slow sample that widens [min, max] hides no slowdown, a shift
   under the threshold is the same even when significant, and a noisy 15% is within noise. */
static void samples_are_judged_by_the_u_test(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    compare_fixtures("samples-base.json", "samples-current.json", TFB_METRIC_TIME, 0.10, &base, &current, &r);
    const tfb_compare_pair *slower = judged(&r, "kernel/slower", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION);
    assert_true(fabs(slower->p_value - P_SLOWER) < 1e-6 * P_SLOWER);
    assert_true(fabs(slower->change - 0.15) < 1e-9);
    assert_true(fabs(slower->change_lo - CHANGE_LO_SLOWER) < 1e-9 && fabs(slower->change_hi - CHANGE_HI_SLOWER) < 1e-9);
    /* today's method would call it noise: the outlier makes the spreads overlap */
    assert_true(judged(&r, "kernel/outlier-slower", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION)->overlap);
    const tfb_compare_pair *same = judged(&r, "kernel/same", TFB_METHOD_U_TEST, TFB_VERDICT_SAME);
    assert_true(same->p_value == 1.0 && same->change == 0.0);
    assert_true(judged(&r, "kernel/small-shift", TFB_METHOD_U_TEST, TFB_VERDICT_SAME)->p_value < 0.05);
    const tfb_compare_pair *noisy = judged(&r, "kernel/noisy-slower", TFB_METHOD_U_TEST, TFB_VERDICT_NOISE);
    assert_true(fabs(noisy->p_value - P_NOISY) < 1e-6 * P_NOISY);
    judged(&r, "kernel/faster", TFB_METHOD_U_TEST, TFB_VERDICT_IMPROVEMENT);
    /* samples on one side only: today's method, named as such */
    judged(&r, "kernel/samples-in-baseline-only", TFB_METHOD_SPREAD, TFB_VERDICT_REGRESSION);
    assert_int_equal(r.method_counts[TFB_METHOD_U_TEST], 6);
    assert_int_equal(r.method_counts[TFB_METHOD_SPREAD], 1);
    assert_string_equal(tfb_compare_method_name(TFB_METHOD_U_TEST), "u-test");
    release(&base, &current, &r);
}

/* Throughput is work / time: the same samples, the ratio and its interval inverted; a stricter alpha. */
static void samples_with_a_throughput_metric_and_alpha(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    tfb_error err;
    load_pair("samples-base.json", "samples-current.json", &base, &current);
    assert_int_equal(tfb_compare_docs_at(&base, &current, TFB_METRIC_GFLOPS, 0.10, 0.05, &r, &err), TFB_OK);
    const tfb_compare_pair *slower = judged(&r, "kernel/slower", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION);
    assert_true(fabs(slower->change - (1 / 1.15 - 1)) < 1e-9);
    assert_true(fabs(slower->change_hi - (1 / (1 + CHANGE_LO_SLOWER) - 1)) < 1e-9);
    judged(&r, "kernel/faster", TFB_METHOD_U_TEST, TFB_VERDICT_IMPROVEMENT);
    tfb_compare_report_free(&r);
    assert_int_equal(tfb_compare_docs_at(&base, &current, TFB_METRIC_TIME, 0.10, P_SLOWER / 2, &r, &err), TFB_OK);
    judged(&r, "kernel/slower", TFB_METHOD_U_TEST, TFB_VERDICT_NOISE);  /* p is not below alpha */
    tfb_compare_report_free(&r);
    assert_int_equal(tfb_compare_docs_at(&base, &current, TFB_METRIC_TIME, 0.10, 1.5, &r, &err), TFB_ERROR);
    release(&base, &current, &r);
}

static void bad_samples_are_refused(void **state)
{
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"samples_s\": []}]}",
                   "field \"samples_s\" must be a non-empty array");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"samples_s\": 1}]}",
                   "field \"samples_s\" must be a non-empty array");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"samples_s\": [1, \"x\"]}]}",
                   "samples_s[1] must be a positive number");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"samples_s\": [0]}]}",
                   "samples_s[0] must be a positive number");
    expect_refused("{\"benchmarks\": [{\"name\": \"a\", \"time_median_s\": 1, \"samples_s\": [1e300]}]}",
                   "samples_s[0] must be a positive number");
}

/* tests/data/compare/roof-*.json: every ceiling 20% lower in the current file. A kernel 25% slower with its roof
   20% lower is the machine's drift, not a regression; one 60% slower is still 28% worse than its roof allows; a
   copy without a roof is compared as measured. */
static void normalize_roof_cancels_machine_drift(void **state)
{
    tfb_compare_doc base, current;
    tfb_compare_report r;
    tfb_error err;
    load_pair("roof-base.json", "roof-slower-machine.json", &base, &current);
    tfb_compare_ceilings moved = tfb_compare_ceilings_change(&base, &current);
    assert_true(fabs(moved.bandwidth_gbps + 0.2) < 1e-12 && fabs(moved.bandwidth_read_gbps + 0.2) < 1e-12);
    assert_true(fabs(moved.peak_gflops_fp32 + 0.2) < 1e-12);
    assert_int_equal(tfb_compare_normalize_roof(&base, &current), 3);
    assert_true(fabs(entry_named(&current, "gemv/drift-only")->time_median - 1.0e-3) < 1e-12);
    assert_true(fabs(entry_named(&current, "gemv/drift-only")->samples[0] - 1.0e-3) < 1e-12);  /* 1.25 x 0.8 */
    /* a copy has no FLOPs and so no roof in the file: its roof is the read-write ceiling it measures (20 -> 16) */
    assert_true(entry_named(&current, "stream/copy-no-roof")->normalized);
    assert_true(fabs(entry_named(&current, "stream/copy-no-roof")->time_median - 1.0e-3) < 1e-12);
    assert_int_equal(tfb_compare_docs(&base, &current, TFB_METRIC_TIME, 0.10, &r, &err), TFB_OK);
    judged(&r, "gemv/drift-only", TFB_METHOD_U_TEST, TFB_VERDICT_SAME);
    const tfb_compare_pair *real = judged(&r, "gemm/real-regression", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION);
    assert_true(fabs(real->change - 0.28) < 1e-9);
    judged(&r, "stream/copy-no-roof", TFB_METHOD_SPREAD, TFB_VERDICT_SAME);
    tfb_compare_doc google;
    load_fixture("google-plain.json", &google);
    assert_true(isnan(tfb_compare_ceilings_change(&base, &google).peak_gflops_fp32));  /* no ceilings there */
    tfb_compare_doc_free(&google);
    release(&base, &current, &r);
}

/* One benchmark file for the work tests: name, median time, GFLOP/s, GB/s; peaks fp32 100 / fp64 50 x `slower`. */
static void work_doc(tfb_compare_doc *doc, const char *const *names, const double (*figures)[3], size_t count,
                     double slower)
{
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "{\"context\": {\"tfbench_version\": \"t\", \"ceilings\": "
                                   "{\"bandwidth_gbps\": 20, \"peak_gflops_fp32\": %g, \"peak_gflops_fp64\": %g}}, "
                                   "\"benchmarks\": [", 100 / slower, 50 / slower);
    for (size_t b = 0; b < count; b++)
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%s{\"name\": \"%s\", \"time_median_s\": %.17g, \"time_min_s\": %.17g, "
                                 "\"time_max_s\": %.17g, \"gflops\": %.17g, \"gbytes_per_second\": %.17g}",
                                 b ? "," : "", names[b], figures[b][0], 0.99 * figures[b][0], 1.01 * figures[b][0],
                                 figures[b][1], figures[b][2]);
    snprintf(text + used, sizeof text - used, "]}");
    tfb_error err;
    if (load_exact(text, doc, &err) != TFB_OK) fail_msg("work file: %s", err.message);
}

/* The peak suite sizes its loop to a time, so its work per execution differs between runs: times are compared per
   unit of the baseline's work (GFLOP/s x time, GB/s x time without FLOPs); the same work is left alone. Then
   --normalize roof moves a FLOPs-only kernel with its dtype's peak (fp64 by its name). */
static void work_is_equalized(void **state)
{
    (void)state;
    const char *names[] = {"peak/fma/fp32", "peak/fma/fp64", "stream/copy", "gemv/same-work"};
    const double base_figures[][3] = {{0.01, 100, 0}, {0.01, 50, 0}, {0.02, 0, 20}, {0.001, 10, 20}};
    /* fp32: 1.5x the work at the same rate; fp64: the same work, slower; copy: half the bytes; gemv unchanged */
    const double current_figures[][3] = {{0.015, 100, 0}, {0.0125, 40, 0}, {0.01, 0, 20}, {0.00125, 8, 16}};
    tfb_compare_doc base, current;
    work_doc(&base, names, base_figures, 4, 1.0);
    work_doc(&current, names, current_figures, 4, 1.25);
    assert_int_equal(tfb_compare_equalize_work(&base, &current), 2);
    assert_true(fabs(entry_named(&current, "peak/fma/fp32")->time_median - 0.01) < 1e-12);
    assert_true(entry_named(&current, "peak/fma/fp32")->work_rescaled);
    assert_true(fabs(entry_named(&current, "stream/copy")->time_median - 0.02) < 1e-12);
    assert_false(entry_named(&current, "peak/fma/fp64")->work_rescaled);
    assert_true(fabs(entry_named(&current, "gemv/same-work")->time_median - 0.00125) < 1e-15);
    assert_true(fabs(entry_named(&current, "peak/fma/fp32")->gflops - 100) < 1e-12);  /* rates stay */
    assert_int_equal(tfb_compare_normalize_roof(&base, &current), 3);  /* the gemv has no roof and both rates */
    assert_true(fabs(entry_named(&current, "peak/fma/fp64")->time_median - 0.01) < 1e-12);  /* 0.0125 / 1.25 */
    assert_true(fabs(entry_named(&current, "peak/fma/fp32")->time_median - 0.008) < 1e-12);
    assert_false(entry_named(&current, "gemv/same-work")->normalized);
    tfb_compare_doc_free(&base);
    tfb_compare_doc_free(&current);
}

/* ---- rounds of an alternating measurement (tfb_compare_pool) ---- */

static const double ROUND_SAMPLES_MS[] = {1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.03, 0.97, 1.01, 0.99, 1.00, 1.02};
#define ROUND_SAMPLE_COUNT (sizeof ROUND_SAMPLES_MS / sizeof *ROUND_SAMPLES_MS)

/* One round's file: each named benchmark's samples are ROUND_SAMPLES_MS x its factor (a factor 0: skipped). */
static void round_doc(tfb_compare_doc *doc, const char *const *names, const double *factor, size_t count,
                      double bandwidth)
{
    char text[16384];
    size_t used = (size_t)snprintf(text, sizeof text, "{\"context\": {\"tfbench_version\": \"t\", \"ceilings\": "
                                                      "{\"bandwidth_gbps\": %g}}, \"benchmarks\": [", bandwidth);
    for (size_t b = 0; b < count; b++) {
        if (factor[b] == 0) {
            used += (size_t)snprintf(text + used, sizeof text - used, "%s{\"name\": \"%s\", \"error_occurred\": true}",
                                     b ? "," : "", names[b]);
            continue;
        }
        used += (size_t)snprintf(text + used, sizeof text - used,
                                 "%s{\"name\": \"%s\", \"time_median_s\": %.17g, \"time_min_s\": %.17g, "
                                 "\"time_max_s\": %.17g, \"gflops\": %.17g, \"samples_s\": [", b ? "," : "",
                                 names[b], 1e-3 * factor[b], 0.97e-3 * factor[b], 1.03e-3 * factor[b], 2.0 / factor[b]);
        for (size_t i = 0; i < ROUND_SAMPLE_COUNT; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, "%s%.17g", i ? "," : "",
                                     1e-3 * ROUND_SAMPLES_MS[i] * factor[b]);
        used += (size_t)snprintf(text + used, sizeof text - used, "]}");
    }
    snprintf(text + used, sizeof text - used, "]}");
    tfb_error err;
    if (load_exact(text, doc, &err) != TFB_OK) fail_msg("round file: %s", err.message);
}

/* Pooling: every round's samples, the pooled median, the widest spread, each round's median, rates rescaled to the
   pooled time, ceilings the median of the rounds, order of first appearance, a skip in any round skips it. */
static void rounds_are_pooled(void **state)
{
    const char *first[] = {"b/one", "b/two"}, *second[] = {"b/new", "b/two", "b/one"};
    tfb_compare_doc rounds[3], pooled;
    tfb_error err;
    round_doc(&rounds[0], first, (double[]){1.0, 1.0}, 2, 30);
    round_doc(&rounds[1], second, (double[]){1.0, 0, 1.2}, 3, 40);
    round_doc(&rounds[2], first, (double[]){1.1, 1.0}, 2, 35);
    assert_int_equal(tfb_compare_pool(rounds, 3, &pooled, &err), TFB_OK);
    assert_int_equal(pooled.count, 3);
    assert_string_equal(pooled.entries[0].name, "b/one");
    assert_string_equal(pooled.entries[1].name, "b/two");
    assert_string_equal(pooled.entries[2].name, "b/new");
    const tfb_compare_entry *one = &pooled.entries[0];
    assert_int_equal(one->sample_count, 3 * ROUND_SAMPLE_COUNT);
    assert_int_equal(one->round_count, 3);
    assert_true(fabs(one->round_medians[1] - 1.2e-3) < 1e-15 && fabs(one->round_medians[2] - 1.1e-3) < 1e-15);
    assert_true(fabs(one->time_min - 0.97e-3) < 1e-15 && fabs(one->time_max - 1.2 * 1.03e-3) < 1e-15);
    /* 36 samples, round 1's 12 lowest, then round 3's (x 1.1): the 18th and 19th are its 6th and 7th, 1.00 x 1.1 */
    assert_true(fabs(one->time_median - 1.1e-3) < 1e-15);
    assert_true(fabs(one->gflops - 2.0 * 1e-3 / one->time_median) < 1e-9);
    assert_true(pooled.entries[1].skipped);
    assert_true(isnan(pooled.entries[2].round_medians[0]) && pooled.entries[2].round_medians[1] > 0);
    assert_true(fabs(pooled.ceilings.bandwidth_gbps - 35) < 1e-12);
    tfb_compare_doc_free(&pooled);
    for (int i = 0; i < 3; i++) tfb_compare_doc_free(&rounds[i]);
    assert_int_equal(tfb_compare_pool(rounds, 0, &pooled, &err), TFB_ERROR);
}

/* A slowdown in every round is a regression. One round that went the other way (the machine was faster then, or
   the others were disturbed) keeps it from being one, even where the pooled samples alone would call it so. */
static void a_change_must_show_in_every_round(void **state)
{
    const char *names[] = {"k/slower", "k/not-in-one-round", "k/same"};
    tfb_compare_doc base_rounds[4], current_rounds[4], base, current;
    tfb_compare_report r;
    tfb_error err;
    for (int i = 0; i < 4; i++) {
        round_doc(&base_rounds[i], names, (double[]){1, 1, 1}, 3, 30);
        round_doc(&current_rounds[i], names, (double[]){1.3, i == 2 ? 0.99 : 1.5, 1}, 3, 30);
    }
    assert_int_equal(tfb_compare_pool(base_rounds, 4, &base, &err), TFB_OK);
    assert_int_equal(tfb_compare_pool(current_rounds, 4, &current, &err), TFB_OK);
    assert_int_equal(tfb_compare_docs(&base, &current, TFB_METRIC_TIME, 0.10, &r, &err), TFB_OK);
    const tfb_compare_pair *slower = judged(&r, "k/slower", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION);
    assert_int_equal(slower->rounds, 4);
    assert_int_equal(slower->rounds_agreeing, 4);
    const tfb_compare_pair *mixed = judged(&r, "k/not-in-one-round", TFB_METHOD_U_TEST, TFB_VERDICT_NOISE);
    /* the pooled samples alone: significant, and the interval beyond the threshold */
    assert_true(mixed->p_value < 0.05 && mixed->change_lo > 0.10);
    assert_int_equal(mixed->rounds_agreeing, 3);
    judged(&r, "k/same", TFB_METHOD_U_TEST, TFB_VERDICT_SAME);
    tfb_compare_report_free(&r);
    assert_int_equal(tfb_compare_docs(&base, &current, TFB_METRIC_GFLOPS, 0.10, &r, &err), TFB_OK);
    assert_int_equal(judged(&r, "k/slower", TFB_METHOD_U_TEST, TFB_VERDICT_REGRESSION)->rounds_agreeing, 4);
    release(&base, &current, &r);
    for (int i = 0; i < 4; i++) {
        tfb_compare_doc_free(&base_rounds[i]);
        tfb_compare_doc_free(&current_rounds[i]);
    }
}

static void metric_names_round_trip(void **state)
{
    tfb_metric m;
    assert_int_equal(tfb_metric_parse("gbps", &m), TFB_OK);
    assert_int_equal(m, TFB_METRIC_GBPS);
    assert_string_equal(tfb_metric_name(TFB_METRIC_GFLOPS), "gflops");
    assert_int_equal(tfb_metric_parse("latency", &m), TFB_ERROR);
    assert_false(tfb_metric_higher_is_better(TFB_METRIC_TIME));
    assert_string_equal(tfb_verdict_name(TFB_VERDICT_NOISE), "noise");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_tfbench_fields),
        cmocka_unit_test(classifies_known_deltas),
        cmocka_unit_test(verdicts_render_as_one_schema),
        cmocka_unit_test(threshold_above_change_is_same),
        cmocka_unit_test(self_comparison_is_clean),
        cmocka_unit_test(throughput_metrics_flip_direction),
        cmocka_unit_test(google_repetitions_give_median_and_spread),
        cmocka_unit_test(google_aggregates_only_use_stddev),
        cmocka_unit_test(google_single_runs_have_no_spread),
        cmocka_unit_test(provenance_differences_are_named),
        cmocka_unit_test(hostile_fixtures_are_refused),
        cmocka_unit_test(hostile_text_is_refused),
        cmocka_unit_test(nesting_limit_holds_at_the_edge),
        cmocka_unit_test(names_are_cleaned_and_repeated_names_fold),
        cmocka_unit_test(contradicting_figures_are_refused),
        cmocka_unit_test(consistent_figures_are_read),
        cmocka_unit_test(duplicate_names_are_refused),
        cmocka_unit_test(huge_file_is_refused),
        cmocka_unit_test(missing_file_is_an_error),
        cmocka_unit_test(metric_names_round_trip),
        cmocka_unit_test(wrong_result_now_is_a_regression),
        cmocka_unit_test(samples_are_judged_by_the_u_test),
        cmocka_unit_test(samples_with_a_throughput_metric_and_alpha),
        cmocka_unit_test(bad_samples_are_refused),
        cmocka_unit_test(normalize_roof_cancels_machine_drift),
        cmocka_unit_test(work_is_equalized),
        cmocka_unit_test(rounds_are_pooled),
        cmocka_unit_test(a_change_must_show_in_every_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
