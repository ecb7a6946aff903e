/* Unit tests of the report: chart points and axes, escaping, HTML tables, decode prediction, table width,
 * report folder naming and results-file errors. Everything runs on synthetic results (no device). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "tfbench/tfbench.h"

static tfb_result *add_result(tfb_results *results, const char *suite, const char *impl, const char *shape,
                              const char *dtype, double flops, double bytes, double seconds)
{
    tfb_result *r = tfb_results_add(results);
    snprintf(r->suite, sizeof r->suite, "%s", suite);
    snprintf(r->impl, sizeof r->impl, "%s", impl);
    snprintf(r->shape, sizeof r->shape, "%s", shape);
    snprintf(r->dtype, sizeof r->dtype, "%s", dtype);
    snprintf(r->name, sizeof r->name, "%s/%s/%s/%s", suite, impl, shape, dtype);
    r->flops = flops;
    r->bytes = bytes;
    const double times[] = {seconds * 0.99, seconds, seconds * 1.02};
    tfb_stats_compute(times, 3, &r->time);
    r->verified = 1;
    r->working_set_bytes = (unsigned long long)bytes;
    tfb_result_derive(r);
    return r;
}

/* 14 benchmarks, 11 of them points: copy has no FLOPs, one is skipped, one has no time. */
static void sample_results(tfb_results *results)
{
    tfb_results_init(results);
    snprintf(results->device.name, sizeof results->device.name, "test device");
    results->device.global_mem_bytes = 4ull << 30;
    results->ceilings.bandwidth_gbps = 10.0;
    results->ceilings.peak_gflops_fp32 = 100.0;
    results->ceilings.peak_gflops_fp64 = 50.0;
    results->ceilings.ridge_fp32 = 10.0;
    snprintf(results->ceilings.bandwidth_source, sizeof results->ceilings.bandwidth_source, "stream/tfbench/triad/fp32");
    add_result(results, "stream", "tfbench", "copy", "fp32", 0, 8e9, 0.8);
    add_result(results, "stream", "tfbench", "triad", "fp32", 2e9, 12e9, 1.2);
    add_result(results, "peak", "tfbench", "fma", "fp32", 1e11, 0, 1.0);
    add_result(results, "peak", "tfbench", "fma", "fp64", 5e10, 0, 1.0);
    for (int batch = 1; batch <= 16; batch *= 2) {
        char shape[32];
        snprintf(shape, sizeof shape, "%dx4096x4096", batch);
        tfb_result *r = add_result(results, "gemm", "tfbench", shape, "fp32", 2.0 * batch * 4096 * 4096,
                                   4.0 * 4096 * 4096, 0.02);
        snprintf(r->series, sizeof r->series, "gemm/tfbench/4096x4096");
    }
    tfb_result *cached = add_result(results, "gemv", "tfbench", "512x512", "fp32", 2.0 * 512 * 512, 4.0 * 512 * 512,
                                    1e-5);
    cached->cache_resident = 1;
    add_result(results, "gemv", "tfbench", "4096x4096", "fp32", 2.0 * 4096 * 4096, 4.0 * 4096 * 4096, 0.008);
    add_result(results, "odd", "tfbench", "a<b&c>\"d'", "fp32", 1e9, 1e9, 0.5);
    tfb_result *skipped = add_result(results, "attention", "tfbench", "huge", "fp32", 0, 0, 0);
    snprintf(skipped->skipped, sizeof skipped->skipped, "needs 16.0 GiB, device allows 1.0 GiB");
    add_result(results, "broken", "tfbench", "untimed", "fp32", 1e9, 1e9, 0);
    tfb_results_apply_roofline(results);
}

enum { SAMPLE_POINTS = 11 };

static void load(tfb_report_data *data, cJSON **root, const tfb_results *results)
{
    tfb_error err = {{0}};
    *root = tfb_results_to_json(results);
    assert_int_equal(tfb_report_data_load(data, *root, NULL, &err), TFB_OK);
}

static size_t count_of(const char *text, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle)) n++;
    return n;
}

static void points_are_benchmarks_with_flops_and_time(void **state)
{
    tfb_results results;
    tfb_report_data data;
    cJSON *root;
    sample_results(&results);
    load(&data, &root, &results);
    size_t drawn = 0, compute_only = 0;
    for (size_t i = 0; i < data.count; i++) {
        drawn += data.points[i].kind != TFB_POINT_NONE;
        compute_only += data.points[i].kind == TFB_POINT_COMPUTE_ONLY;
        assert_int_equal(data.points[i].number, (int)i + 1);
    }
    assert_int_equal(data.count, results.count);
    assert_int_equal(drawn, SAMPLE_POINTS);
    assert_int_equal(compute_only, 2);
    assert_true(data.peak_gflops[TFB_PREC_FP64] == 50.0 && data.bandwidth_gbps == 10.0);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

/* The plot rectangle and each point's marker position, read back from the SVG text. */
static void check_markers_inside_plot(const char *svg, size_t expected)
{
    double x0, y0, w, h;
    const char *area = strstr(svg, "class=\"plot-area\"");
    assert_non_null(area);
    assert_int_equal(sscanf(area, "class=\"plot-area\" x=\"%lf\" y=\"%lf\" width=\"%lf\" height=\"%lf\"", &x0, &y0,
                            &w, &h), 4);
    size_t seen = 0;
    for (const char *p = strstr(svg, "<g class=\"pt\""); p; p = strstr(p + 1, "<g class=\"pt\"")) {
        const char *marker = strstr(p, "</title>");
        double x, y;
        assert_non_null(marker);
        int got = sscanf(marker, "</title><circle cx=\"%lf\" cy=\"%lf\"", &x, &y);
        if (got != 2) got = sscanf(marker, "</title><rect x=\"%lf\" y=\"%lf\"", &x, &y);
        if (got != 2) got = sscanf(marker, "</title><path d=\"M%lf %lf", &x, &y);
        assert_int_equal(got, 2);
        assert_true(x >= x0 - 6 && x <= x0 + w + 6 && y >= y0 - 6 && y <= y0 + h + 6);
        seen++;
    }
    assert_int_equal(seen, expected);
}

static void svg_has_one_marker_per_point_inside_the_axes(void **state)
{
    tfb_results results;
    tfb_report_data data;
    tfb_error err = {{0}};
    cJSON *root;
    char *svg = NULL;
    sample_results(&results);
    load(&data, &root, &results);
    assert_int_equal(tfb_report_svg(&data, &svg, &err), TFB_OK);
    assert_int_equal(count_of(svg, "<g class=\"pt\""), SAMPLE_POINTS);
    assert_int_equal(count_of(svg, "class=\"series\""), 1);  /* the gemm batch sweep */
    check_markers_inside_plot(svg, SAMPLE_POINTS);
    assert_non_null(strstr(svg, "ridge fp32 10 FLOP/B"));
    assert_non_null(strstr(svg, "2 FLOP/B"));  /* the lecture's reference */
    assert_non_null(strstr(svg, "fill=\"#fff\" stroke=\"#ff7f0e\""));  /* the cache-resident gemv is hollow */
    free(svg);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void axes_contain_extreme_points(void **state)
{
    tfb_results results;
    tfb_report_data data;
    tfb_error err = {{0}};
    cJSON *root;
    char *svg = NULL;
    sample_results(&results);
    add_result(&results, "wide", "tfbench", "low", "fp32", 1e6, 1e9, 1.0);        /* 1e-3 FLOP/B, 1e-3 GFLOP/s */
    add_result(&results, "wide", "tfbench", "high", "fp32", 1e15, 1e10, 1.0);     /* 1e5 FLOP/B, 1e6 GFLOP/s */
    add_result(&results, "wide", "tfbench", "decade", "fp32", 1e11, 1e9, 1.0);    /* exactly 100 and 100 */
    load(&data, &root, &results);
    tfb_chart_axes axes;
    tfb_chart_axes_compute(&data, &axes);
    for (size_t i = 0; i < data.count; i++) {
        const tfb_report_point *p = &data.points[i];
        if (p->kind == TFB_POINT_NONE) continue;
        if (p->kind == TFB_POINT_PLOTTED)
            assert_true(log10(p->intensity) > axes.x_lo && log10(p->intensity) < axes.x_hi);
        assert_true(log10(p->gflops) > axes.y_lo && log10(p->gflops) < axes.y_hi);
    }
    assert_true(log10(10.0) < axes.x_hi && log10(100.0) < axes.y_hi);  /* ridge and roof */
    assert_int_equal(tfb_report_svg(&data, &svg, &err), TFB_OK);
    check_markers_inside_plot(svg, SAMPLE_POINTS + 3);
    free(svg);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void names_are_escaped(void **state)
{
    tfb_results results;
    tfb_report_data data;
    tfb_error err = {{0}};
    cJSON *root;
    char *svg = NULL, *html = NULL;
    sample_results(&results);
    snprintf(results.device.name, sizeof results.device.name, "dev<ice> & \"co\"");
    load(&data, &root, &results);
    assert_int_equal(tfb_report_svg(&data, &svg, &err), TFB_OK);
    assert_int_equal(tfb_report_html(&data, svg, &html, &err), TFB_OK);
    for (const char *text = svg; text; text = text == svg ? html : NULL) {
        assert_null(strstr(text, "a<b&c>"));
        assert_null(strstr(text, "dev<ice>"));
        assert_non_null(strstr(text, "a&lt;b&amp;c&gt;&quot;d&#39;"));
        assert_non_null(strstr(text, "dev&lt;ice&gt; &amp; &quot;co&quot;"));
    }
    free(svg);
    free(html);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void html_has_a_row_per_benchmark(void **state)
{
    tfb_results results;
    tfb_report_data data;
    tfb_error err = {{0}};
    cJSON *root;
    char *svg = NULL, *html = NULL;
    sample_results(&results);
    results.items[5].verified = 0;
    load(&data, &root, &results);
    assert_int_equal(tfb_report_svg(&data, &svg, &err), TFB_OK);
    assert_int_equal(tfb_report_html(&data, svg, &html, &err), TFB_OK);
    for (size_t i = 0; i < data.count; i++) {
        char cell[64];
        snprintf(cell, sizeof cell, "<td>%d</td><td class=\"l\">", data.points[i].number);
        assert_int_equal(count_of(html, cell), 1);
    }
    assert_non_null(strstr(html, svg));  /* the chart inline */
    assert_non_null(strstr(html, "skipped: needs 16.0 GiB"));
    assert_int_equal(count_of(html, "<td class=\"no\">no</td>"), 1);
    assert_non_null(strstr(html, "tokens/s"));
    assert_null(strstr(html, "<script"));
    assert_null(strstr(html, "src=\"http"));
    assert_null(strstr(html, "href=\"http"));
    assert_int_equal(count_of(html, "<table"), count_of(html, "</table>"));
    assert_int_equal(count_of(html, "<tr"), count_of(html, "</tr>"));
    free(svg);
    free(html);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void ratio_to_clblast_matches_shape(void **state)
{
    tfb_results results;
    tfb_report_data data;
    cJSON *root;
    tfb_results_init(&results);
    tfb_result *ours = add_result(&results, "gemm", "tfbench", "64x64x64", "fp32", 1e9, 1e8, 0.01);
    tfb_result *theirs = add_result(&results, "gemm", "clblast", "64x64x64", "fp32", 1e9, 1e8, 0.02);
    ours->m = theirs->m = ours->n = theirs->n = ours->k = theirs->k = 64;
    add_result(&results, "gemm", "tfbench", "128x64x64", "fp32", 1e9, 1e8, 0.01)->m = 128;
    load(&data, &root, &results);
    assert_true(fabs(tfb_report_ratio_to(&data, &data.points[0], "clblast") - 2.0) < 1e-9);
    assert_true(tfb_report_ratio_to(&data, &data.points[1], "clblast") == 0.0);  /* itself */
    assert_true(tfb_report_ratio_to(&data, &data.points[2], "clblast") == 0.0);  /* other shape */
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void decode_prediction_uses_each_bandwidth(void **state)
{
    tfb_results results;
    tfb_report_data data;
    cJSON *root;
    tfb_decode_prediction pred;
    sample_results(&results);
    load(&data, &root, &results);
    tfb_report_predict_decode(&data, &pred);
    assert_true(pred.params == 6738415616.0);  /* Llama 2 7B */
    assert_true(pred.weight_bytes == 2.0 * 6738415616.0);
    assert_int_equal(pred.count, 2);
    assert_string_equal(pred.bounds[0].source, "measured stream bandwidth");
    assert_true(fabs(pred.bounds[0].tokens_per_second - 10e9 / pred.weight_bytes) < 1e-9);
    /* the out-of-cache gemv only (the 512x512 one is cache-resident): 64 MiB in 8 ms */
    double gemv_gbps = 4.0 * 4096 * 4096 / 0.008 * 1e-9;
    assert_true(fabs(pred.bounds[1].bandwidth_gbps - gemv_gbps) < 1e-6);
    assert_true(fabs(pred.bounds[1].tokens_per_second - gemv_gbps * 1e9 / pred.weight_bytes) < 1e-6);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
    tfb_results_free(&results);
}

static void table_fits_100_columns_with_extreme_values(void **state)
{
    tfb_results results;
    char *text = NULL;
    size_t length = 0;
    sample_results(&results);
    memset(results.device.name, 'd', sizeof results.device.name - 1);
    memset(results.ceilings.bandwidth_source, 's', sizeof results.ceilings.bandwidth_source - 1);
    tfb_result *big = add_result(&results, "x", "tfbench", "y", "fp32", 1e25, 1e9, 2e-9);
    big->time.rel_spread = 55.0;
    big->roofline_fraction = 1e6;
    tfb_result *slow = add_result(&results, "x", "tfbench", "z", "fp32", 1e3, 1e3, 123456.0);
    memset(slow->name, 'n', sizeof slow->name - 1);
    memset(slow->skipped, 'k', sizeof slow->skipped - 1);
    FILE *out = open_memstream(&text, &length);
    tfb_results_print_table(&results, out);
    tfb_results_print_ceilings(&results, out);
    fclose(out);
    size_t lines = 0;
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"), lines++) assert_true(strlen(line) <= 100);
    assert_true(lines > results.count);
    free(text);
    tfb_results_free(&results);
}

static void default_dir_is_fresh_and_named_after_device(void **state)
{
    char dir[] = "/tmp/tfb-report-test-XXXXXX", cwd[4096], path[512], again[512];
    tfb_error err = {{0}};
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_non_null(mkdtemp(dir));
    assert_int_equal(chdir(dir), 0);
    assert_int_equal(tfb_report_default_dir("pthread-Skylake (Intel(R) Xeon)", 0, path, sizeof path, &err), TFB_OK);
    assert_int_equal(strncmp(path, "tfbench-results/pthread-skylake-intel-r-xeon-", 45), 0);
    assert_true(strlen(path) == 45 + 15);  /* YYYYmmdd-HHMMSS */
    assert_int_equal(mkdir("tfbench-results", 0755), 0);
    assert_int_equal(mkdir(path, 0755), 0);
    assert_int_equal(tfb_report_default_dir("pthread-Skylake (Intel(R) Xeon)", 0, again, sizeof again, &err), TFB_OK);
    assert_true(strncmp(again, path, strlen(path)) == 0 && strcmp(again + strlen(path), "-2") == 0);
    assert_int_equal(tfb_report_default_dir("", 0, again, sizeof again, &err), TFB_OK);
    assert_int_equal(strncmp(again, "tfbench-results/device-", 23), 0);
    assert_int_equal(rmdir(path), 0);
    assert_int_equal(rmdir("tfbench-results"), 0);
    assert_int_equal(chdir(cwd), 0);
    assert_int_equal(rmdir(dir), 0);
}

static void bad_results_files_are_refused(void **state)
{
    char path[] = "/tmp/tfb-report-bad-XXXXXX";
    tfb_error err = {{0}};
    cJSON *root = NULL;
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "{\"context\": {}}", 15), 15);
    close(fd);
    assert_int_equal(tfb_report_load_results(path, &root, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "no \"benchmarks\" list"));
    FILE *f = fopen(path, "w");
    fputs("{\"benchmarks\": [", f);
    fclose(f);
    assert_int_equal(tfb_report_load_results(path, &root, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "not valid JSON"));
    unlink(path);
    assert_int_equal(tfb_report_load_results(path, &root, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "cannot open"));
    assert_null(root);
}

static void expect_refused(const char *text, const char *message)
{
    tfb_error err = {{0}};
    cJSON *root = NULL;
    assert_int_equal(tfb_results_parse(text, strlen(text), &root, &err), TFB_ERROR);
    assert_null(root);
    if (!strstr(err.message, message)) fail_msg("\"%s\": got \"%s\", expected \"%s\"", text, err.message, message);
}

/* The shared reader (report, --native, model --measured): wrong shapes, absurd or non-finite numbers and too many
 * benchmarks are refused with the field named, before any consumer sees them. */
static void hostile_results_are_refused(void **state)
{
    expect_refused("{\"context\":{\"device\":[1]},\"benchmarks\":[]}", "context.device must be an object");
    expect_refused("{\"context\":{\"host\":[1]},\"benchmarks\":[]}", "context.host must be an object");
    expect_refused("{\"context\":{\"ceilings\":[1]},\"benchmarks\":[]}", "context.ceilings must be an object");
    expect_refused("{\"context\":[],\"benchmarks\":[]}", "context must be an object");
    expect_refused("{\"context\":{\"ceilings\":{\"levels\":{}}},\"benchmarks\":[]}", "levels must be an array");
    expect_refused("{\"benchmarks\":[0]}", "benchmark #0 is not an object");
    expect_refused("{\"benchmarks\":[{\"name\":\"x\",\"gflops\":1e308}]}",
                   "benchmark #0 (\"x\"): field \"gflops\" = 1e+308 is out of range");
    expect_refused("{\"benchmarks\":[{\"m\":1e999}]}", "field \"m\" = inf is out of range");
    expect_refused("{\"benchmarks\":[{\"k\":-1}]}", "field \"k\" = -1 is out of range");
    expect_refused("{\"benchmarks\":[{\"time_median_s\":\"fast\"}]}", "\"time_median_s\" must be a number");
    expect_refused("{\"benchmarks\":[{\"extra\":{\"x\":-1e300}}]}", "field \"x\" = -1e+300: not finite");
    expect_refused("{\"context\":{\"ceilings\":{\"bandwidth_gbps\":1e16}},\"benchmarks\":[]}",
                   "context.ceilings: field \"bandwidth_gbps\"");
    expect_refused("[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
                   "]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]", "nested deeper than 64 levels");
    size_t count = TFB_RESULTS_MAX_BENCHMARKS + 1;
    char *many = malloc(count * 3 + 32);
    assert_non_null(many);
    char *p = many + sprintf(many, "{\"benchmarks\":[");
    for (size_t i = 0; i < count; i++) p += sprintf(p, "{}%s", i + 1 < count ? "," : "");
    strcpy(p, "]}");
    expect_refused(many, "more than a results file holds");
    free(many);
}

/* context.ceilings.layer (the layer suite's summary) becomes a section: each case with its breakdown as a stacked
 * bar, shares clamped to [0, 1] (a file may hold anything), and the whole model's tokens/s beside the prediction. */
static void layer_section_has_breakdown_and_tokens(void **state)
{
    tfb_report_data data;
    tfb_error err = {{0}};
    char *html = NULL;
    cJSON *root = cJSON_Parse(
        "{\"context\": {\"ceilings\": {\"layer\": {\"model\": \"Llama <2> 7B\", \"model_layers\": 32, \"cases\": ["
        "{\"shape\": \"decode-b1-n4096\", \"dtype\": \"fp16\", \"layers_in_stack\": 2, \"time_per_layer_s\": 0.02,"
        " \"bound_s\": 0.017, \"fraction_of_bound\": 0.85, \"breakdown\": {\"projections\": 0.25, \"attention\": 0.2,"
        " \"ffn\": 7, \"small\": -1, \"other\": 0.05}}], \"models\": [{\"phase\": \"decode\", \"dtype\": \"fp16\","
        " \"rows\": 1, \"context_tokens\": 4096, \"tokens_per_second\": 1.5, \"bound_tokens_per_second\": 1.8,"
        " \"model_tokens_per_second\": 2.0}]}}}, \"benchmarks\": []}");
    assert_non_null(root);
    assert_int_equal(tfb_report_data_load(&data, root, NULL, &err), TFB_OK);
    assert_int_equal(tfb_report_html(&data, NULL, &html, &err), TFB_OK);
    assert_non_null(strstr(html, "Decoder layer: Llama &lt;2&gt; 7B"));
    assert_non_null(strstr(html, "title=\"projections 25%\" style=\"width:25.0%"));
    assert_non_null(strstr(html, "title=\"ffn 100%\" style=\"width:100.0%"));
    assert_non_null(strstr(html, "title=\"small 0%\" style=\"width:0.0%"));
    assert_non_null(strstr(html, "<td>85%</td>"));
    assert_non_null(strstr(html, "<td class=\"big\">1.5</td><td>1.8</td><td>83%</td><td>2</td><td>75%</td>"));
    assert_int_equal(count_of(html, "<div"), count_of(html, "</div>"));
    free(html);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
}

/* context.ceilings.layer.moe_batch_curve becomes a chart (log2 batch, log10 tokens/s: measured and both bounds)
 * and a table; a point with no batch or no rate is left out, never drawn at a non-finite coordinate. */
static void moe_curve_section(void **state)
{
    tfb_report_data data;
    tfb_error err = {{0}};
    char *html = NULL;
    cJSON *root = cJSON_Parse(
        "{\"context\": {\"ceilings\": {\"layer\": {\"model\": \"m\", \"cases\": [], \"moe_batch_curve\": ["
        "{\"name\": \"decode-b1<x>\", \"dtype\": \"fp16\", \"batch\": 1, \"experts_touched_mean\": 2,"
        " \"experts_expected\": 2, \"tokens_per_second\": 10, \"bytes_per_token\": 2e9,"
        " \"bound_tokens_per_second\": 20, \"dense_bound_tokens_per_second\": 20},"
        "{\"name\": \"decode-b4\", \"dtype\": \"fp16\", \"batch\": 4, \"experts_touched_mean\": 3.5,"
        " \"experts_expected\": 3.75, \"tokens_per_second\": 30, \"bound_tokens_per_second\": 60,"
        " \"dense_bound_tokens_per_second\": 80},"
        "{\"name\": \"broken\", \"dtype\": \"fp16\", \"batch\": 0, \"tokens_per_second\": -1}]}}},"
        " \"benchmarks\": []}");
    assert_non_null(root);
    assert_int_equal(tfb_report_data_load(&data, root, NULL, &err), TFB_OK);
    assert_int_equal(tfb_report_html(&data, NULL, &html, &err), TFB_OK);
    assert_non_null(strstr(html, "Mixture of experts by batch"));
    /* x: B = 1 at the left edge (70), B = 4 at the right (490); y: 10 tokens/s at the bottom (316), 100 at the top */
    assert_non_null(strstr(html, "points=\"70.0,316.0 490.0,172.9 \""));
    assert_non_null(strstr(html, "points=\"70.0,225.7 490.0,82.6 \""));
    assert_non_null(strstr(html, "points=\"70.0,225.7 490.0,45.1 \""));
    assert_non_null(strstr(html, "decode-b1&lt;x&gt;</td><td>2.00</td><td>2.00</td><td>10</td><td>2</td>"));
    assert_null(strstr(html, "nan"));
    assert_null(strstr(html, "inf\""));
    free(html);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
}

static void empty_results_still_draw(void **state)
{
    tfb_report_data data;
    tfb_error err = {{0}};
    char *svg = NULL, *html = NULL;
    cJSON *root = cJSON_Parse("{\"benchmarks\": []}");
    assert_int_equal(tfb_report_data_load(&data, root, NULL, &err), TFB_OK);
    assert_int_equal(tfb_report_svg(&data, &svg, &err), TFB_OK);
    assert_int_equal(tfb_report_html(&data, svg, &html, &err), TFB_OK);
    assert_int_equal(count_of(svg, "<g class=\"pt\""), 0);
    assert_non_null(strstr(html, "none measured"));
    free(svg);
    free(html);
    tfb_report_data_free(&data);
    cJSON_Delete(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(points_are_benchmarks_with_flops_and_time),
        cmocka_unit_test(svg_has_one_marker_per_point_inside_the_axes),
        cmocka_unit_test(axes_contain_extreme_points),
        cmocka_unit_test(names_are_escaped),
        cmocka_unit_test(html_has_a_row_per_benchmark),
        cmocka_unit_test(ratio_to_clblast_matches_shape),
        cmocka_unit_test(decode_prediction_uses_each_bandwidth),
        cmocka_unit_test(table_fits_100_columns_with_extreme_values),
        cmocka_unit_test(default_dir_is_fresh_and_named_after_device),
        cmocka_unit_test(bad_results_files_are_refused),
        cmocka_unit_test(hostile_results_are_refused),
        cmocka_unit_test(empty_results_still_draw),
        cmocka_unit_test(layer_section_has_breakdown_and_tokens),
        cmocka_unit_test(moe_curve_section),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
