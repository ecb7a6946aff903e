/* Unit tests of the foundation: statistics, option parsing, error names, datasheets, results writers. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <dirent.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include "tfbench/tfbench.h"
#include "tfbench/checked.h"
#include "tfbench/registry.h"
#include "../host/cli/cli.h"

static void stats_of_odd_sample(void **state)
{
    const double samples[] = {5.0, 1.0, 3.0, 2.0, 4.0};
    tfb_stats s;
    assert_int_equal(tfb_stats_compute(samples, 5, &s), 0);
    assert_int_equal(s.count, 5);
    assert_true(s.median == 3.0 && s.min == 1.0 && s.max == 5.0 && s.mean == 3.0);
    assert_true(fabs(s.stddev - sqrt(2.5)) < 1e-12);
    assert_true(fabs(s.rel_spread - 4.0 / 3.0) < 1e-12);
    assert_true(samples[0] == 5.0);  /* input untouched */
}

static void stats_of_even_sample_and_errors(void **state)
{
    const double even[] = {4.0, 1.0, 3.0, 2.0};
    const double bad[] = {1.0, NAN};
    tfb_stats s;
    assert_int_equal(tfb_stats_compute(even, 4, &s), 0);
    assert_true(s.median == 2.5);
    assert_int_equal(tfb_stats_compute(even, 0, &s), -1);
    assert_int_equal(tfb_stats_compute(bad, 2, &s), -1);
    assert_true(tfb_median(even, 4) == 2.5);
}

static int parse(tfb_options *opt, tfb_error *err, int argc, char **argv)
{
    tfb_options_defaults(opt);
    return tfb_options_parse(argc, argv, opt, err);
}

static void options_parse_values(void **state)
{
    char *argv[] = {"tfbench", "--device", "pthread", "--suite=stream,peak", "--quick", "--batch", "1,2,64",
                    "--json", "out.json", "--seed", "7", "--quiet", "--head-dim", "64,80"};
    tfb_options opt;
    tfb_error err;
    assert_int_equal(parse(&opt, &err, 14, argv), TFB_OK);
    assert_int_equal(opt.head_dim_count, 2);
    assert_int_equal(opt.head_dims[1], 80);
    assert_string_equal(opt.device, "pthread");
    assert_string_equal(opt.suites, "stream,peak");
    assert_string_equal(opt.json_path, "out.json");
    assert_int_equal(opt.quick, 1);
    assert_int_equal(opt.verbose, -1);
    assert_int_equal(opt.seed, 7);
    assert_int_equal(opt.batch_count, 3);
    assert_int_equal(opt.batches[2], 64);
}

static void options_reject_bad_input(void **state)
{
    tfb_options opt;
    tfb_error err;
    char *unknown[] = {"tfbench", "--frobnicate"};
    assert_int_equal(parse(&opt, &err, 2, unknown), TFB_ERROR);
    assert_non_null(strstr(err.message, "--frobnicate"));
    char *missing[] = {"tfbench", "--device"};
    assert_int_equal(parse(&opt, &err, 2, missing), TFB_ERROR);
    assert_non_null(strstr(err.message, "needs a value"));
    char *bad_list[] = {"tfbench", "--batch", "1,x"};
    assert_int_equal(parse(&opt, &err, 3, bad_list), TFB_ERROR);
    assert_non_null(strstr(err.message, "--batch"));
    char *zero[] = {"tfbench", "--batch", "0"};
    assert_int_equal(parse(&opt, &err, 3, zero), TFB_ERROR);
    char *bad_seed[] = {"tfbench", "--seed", "-3"};
    assert_int_equal(parse(&opt, &err, 3, bad_seed), TFB_ERROR);
    assert_non_null(strstr(err.message, "--seed: \"-3\" is not a whole number"));
    char *huge_head[] = {"tfbench", "--head-dim", "64,1024"};
    assert_int_equal(parse(&opt, &err, 3, huge_head), TFB_ERROR);
    assert_non_null(strstr(err.message, "--head-dim: 1024 is larger than 512"));
}

/* The stopping-rule flags: unset is -1 (the policy's defaults), --max-noise in percent; bad values are named. */
static void options_for_the_stopping_rule(void **state)
{
    tfb_options opt;
    tfb_error err;
    char *none[] = {"tfbench"};
    assert_int_equal(parse(&opt, &err, 1, none), TFB_OK);
    assert_true(opt.repetitions == -1.0 && opt.min_time == -1.0 && opt.max_time == -1.0 && opt.max_noise == -1.0);
    char *all[] = {"tfbench", "--repetitions", "7", "--min-time=0.2", "--max-time", "2.5", "--max-noise", "1.5"};
    assert_int_equal(parse(&opt, &err, 8, all), TFB_OK);
    assert_true(opt.repetitions == 7.0 && opt.min_time == 0.2 && opt.max_time == 2.5);
    assert_true(fabs(opt.max_noise - 0.015) < 1e-15);
    static const struct { const char *flag, *value, *message; } BAD[] = {
        {"--repetitions", "2.5", "--repetitions: \"2.5\" is not a whole number of samples"},
        {"--repetitions", "0", "is not a whole number of samples, 1 .. 100000"},
        {"--max-noise", "150", "--max-noise: \"150\" is not a percentage, 0 .. 100"},
        {"--min-time", "-1", "--min-time: \"-1\" is not seconds"},
        {"--max-time", "soon", "--max-time: \"soon\" is not seconds"},
    };
    for (size_t i = 0; i < sizeof BAD / sizeof *BAD; i++) {
        char *argv[] = {"tfbench", (char *)BAD[i].flag, (char *)BAD[i].value};
        assert_int_equal(parse(&opt, &err, 3, argv), TFB_ERROR);
        if (!strstr(err.message, BAD[i].message)) fail_msg("%s %s: \"%s\"", BAD[i].flag, BAD[i].value, err.message);
    }
}

/* Issue 32: strtoull skips blanks and wraps a sign, so " -5" read as 2^64 - 5 ("too large to count"). */
static void whole_numbers_refuse_signs_and_blanks(void **state)
{
    tfb_error err;
    unsigned long long value = 0;
    assert_int_equal(tfb_parse_whole("4096", 1ull << 40, &value, &err), TFB_OK);
    assert_true(value == 4096);
    assert_int_equal(tfb_parse_whole("18446744073709551615", UINT64_MAX, &value, &err), TFB_OK);
    assert_true(value == UINT64_MAX);
    /* a maximum under 9: a digit above it must not wrap the overflow test */
    assert_int_equal(tfb_parse_whole("1", 1, &value, &err), TFB_OK);
    assert_int_equal(tfb_parse_whole("2", 1, &value, &err), TFB_ERROR);
    assert_int_equal(tfb_parse_whole("9", 8, &value, &err), TFB_ERROR);
    static const char *const NOT_WHOLE[] = {" -5", "-5", "+5", " 5", "5 ", "5x", "", "0x10", "1e3"};
    for (size_t i = 0; i < sizeof NOT_WHOLE / sizeof *NOT_WHOLE; i++) {
        assert_int_equal(tfb_parse_whole(NOT_WHOLE[i], UINT64_MAX, &value, &err), TFB_ERROR);
        if (!strstr(err.message, "is not a whole number")) fail_msg("\"%s\": %s", NOT_WHOLE[i], err.message);
    }
    assert_int_equal(tfb_parse_whole("18446744073709551616", UINT64_MAX, &value, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "is above 18446744073709551615"));
    assert_int_equal(tfb_parse_whole("101", 100, &value, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "\"101\" is above 100"));
    size_t sizes[4], count;
    assert_int_equal(tfb_parse_size_list("1, 2", sizes, 4, &count, &err), TFB_ERROR);
    assert_int_equal(tfb_parse_size_list("1,-2", sizes, 4, &count, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "expected positive integers"));
    assert_int_equal(tfb_parse_size_list("99999999999999999999999", sizes, 4, &count, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "99999999999999999999999 is not a usable size"));
    assert_int_equal(tfb_parse_size_list("8,1099511627776", sizes, 4, &count, &err), TFB_OK);
    assert_true(count == 2 && sizes[1] == 1ull << 40);
    size_t m, n, k;
    assert_int_equal(tfb_parse_shape("1x-2x3", &m, &n, &k, &err), TFB_ERROR);
    assert_int_equal(tfb_parse_shape("1x 2x3", &m, &n, &k, &err), TFB_ERROR);
    assert_int_equal(tfb_parse_shape("1x2x3", &m, &n, &k, &err), TFB_OK);
    assert_true(m == 1 && n == 2 && k == 3);
}

static char *unused_option_warnings(const char *const *argv, int argc, const char *const *names, size_t count)
{
    tfb_options opt;
    tfb_error err;
    const tfb_suite *suites[8];
    char *text = NULL;
    size_t size = 0;
    tfb_options_defaults(&opt);
    assert_int_equal(tfb_options_parse(argc, (char **)argv, &opt, &err), TFB_OK);
    for (size_t i = 0; i < count; i++) assert_non_null(suites[i] = tfb_catalog_find(tfb_suites_catalog(), names[i]));
    FILE *out = open_memstream(&text, &size);
    assert_non_null(out);
    tfb_cli_warn_unused_options(&opt, suites, count, out);
    fclose(out);
    return text;
}

/* Sweeps declared in the table entries: --quick picks the quick values, a run naming its suites the named ones where an
 * axis has them, else the default run's; every declared axis has values for both runs. */
static const tfb_axis TEST_AXIS = {"batch", "test", TFB_AXIS_LIST(1, 8, 32), TFB_AXIS_LIST(2), TFB_AXIS_LIST(5, 6)};

static void suite_axes_pick_one_list(void **state)
{
    const tfb_axis axis = TEST_AXIS;
    tfb_workload w = {0};
    assert_int_equal(tfb_axis_values(&w, &axis).count, 3);
    assert_int_equal(tfb_axis_value(&w, &axis), 1);
    w.suites_named = 1;
    assert_int_equal(tfb_axis_values(&w, &axis).count, 2);
    assert_int_equal(tfb_axis_value(&w, &axis), 5);
    w.quick = 1;  /* --quick wins over a named suite's sweep */
    assert_int_equal(tfb_axis_values(&w, &axis).count, 1);
    assert_int_equal(tfb_axis_value(&w, &axis), 2);
    const tfb_catalog *catalog = tfb_suites_catalog();
    for (size_t i = 0; i < catalog->count; i++)
        for (size_t a = 0; a < catalog->suites[i]->axis_count; a++)
            assert_true(catalog->suites[i]->axes[a]->normal.count > 0 && catalog->suites[i]->axes[a]->quick.count > 0);
    const tfb_suite *gemm = tfb_catalog_find(catalog, "gemm");
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    tfb_suite_print_axes(gemm, out);
    fclose(out);
    assert_non_null(strstr(text, "batch            default 1,8,32,128,512 | --quick 1,16,128  (M, tokens"));
    assert_non_null(strstr(text, "square_2048      default 1 | --quick 0  ("));
    free(text);
}

/* Issue 32: --batch, --seq, --model or --config given to suites that do not read them went without a word. */
static void unused_options_are_named(void **state)
{
    const char *peak_batch[] = {"tfbench", "--batch", "8"};
    char *text = unused_option_warnings(peak_batch, 3, (const char *[]){"peak"}, 1);
    assert_string_equal(text, "tfbench: warning: --batch is not used by the selected suites (peak)\n");
    free(text);
    const char *all[] = {"tfbench", "--model", "llama2-7b", "--config", "x.json", "--shape", "1x2x3", "--batch",
                         "2", "--seq", "64", "--kv-heads", "1", "--head-dim", "64"};
    text = unused_option_warnings(all, 15, (const char *[]){"stream", "gemv"}, 2);
    assert_string_equal(text, "tfbench: warning: --batch is not used by the selected suites (stream,gemv)\n"
                              "tfbench: warning: --seq is not used by the selected suites (stream,gemv)\n"
                              "tfbench: warning: --kv-heads is not used by the selected suites (stream,gemv)\n"
                              "tfbench: warning: --head-dim is not used by the selected suites (stream,gemv)\n");
    free(text);
    text = unused_option_warnings(all, 15, (const char *[]){"layer"}, 1);
    assert_string_equal(text, "tfbench: warning: --shape is not used by the selected suites (layer)\n"
                              "tfbench: warning: --kv-heads is not used by the selected suites (layer)\n"
                              "tfbench: warning: --head-dim is not used by the selected suites (layer)\n");
    free(text);
    /* each option read by one selected suite: no warning */
    text = unused_option_warnings(all, 15, (const char *[]){"peak", "gemm", "decode"}, 3);
    assert_string_equal(text, "");
    free(text);
    const char *none[] = {"tfbench", "--quick"};
    text = unused_option_warnings(none, 2, (const char *[]){"peak"}, 1);
    assert_string_equal(text, "");
    free(text);
}

static void error_names_and_messages(void **state)
{
    tfb_error err;
    assert_string_equal(tfb_cl_error_name(CL_MEM_OBJECT_ALLOCATION_FAILURE), "CL_MEM_OBJECT_ALLOCATION_FAILURE");
    assert_string_equal(tfb_cl_error_name(CL_INVALID_KERNEL_NAME), "CL_INVALID_KERNEL_NAME");
    assert_string_equal(tfb_cl_error_name(-9999), "unknown OpenCL error");
    assert_int_equal(tfb_cl_fail(&err, "clCreateBuffer", CL_INVALID_BUFFER_SIZE), TFB_ERROR);
    assert_string_equal(err.message, "clCreateBuffer failed: CL_INVALID_BUFFER_SIZE (-61)");
    assert_int_equal(tfb_skip(&err, "needs %d GiB", 3), TFB_SKIP);
}

static void device_find_by_index_and_name(void **state)
{
    tfb_device_entry list[2];
    tfb_error err;
    size_t index = 99;
    memset(list, 0, sizeof list);
    snprintf(list[0].info.name, sizeof list[0].info.name, "pthread-skylake");
    snprintf(list[1].info.name, sizeof list[1].info.name, "NVIDIA H100 80GB HBM3");
    assert_int_equal(tfb_device_find(list, 2, "1", &index, &err), TFB_OK);
    assert_int_equal(index, 1);
    assert_int_equal(tfb_device_find(list, 2, "h100", &index, &err), TFB_OK);
    assert_int_equal(index, 1);
    assert_int_equal(tfb_device_find(list, 2, "99", &index, &err), TFB_ERROR);
    assert_string_equal(err.message, "no OpenCL device 99 (run tfbench --list)");
    assert_int_equal(tfb_device_find(list, 2, "radeon", &index, &err), TFB_ERROR);
}

static void datasheets_match_the_lecture(void **state)
{
    const tfb_datasheet *h100 = tfb_datasheet_find("h100-sxm");
    assert_non_null(h100);
    assert_int_equal((int)lround(h100->fp16_gflops / h100->bandwidth_gbps), 296);
    const tfb_datasheet *a100 = tfb_datasheet_find("A100");
    assert_int_equal((int)lround(a100->fp16_gflops / a100->bandwidth_gbps), 156);
    const tfb_datasheet *tpu = tfb_datasheet_find("tpu v4");
    assert_int_equal((int)lround(tpu->fp16_gflops / tpu->bandwidth_gbps), 229);
    assert_non_null(tfb_datasheet_find("H200"));
    assert_ptr_equal(tfb_datasheet_for_device("NVIDIA H100 80GB HBM3", 80), h100);
    assert_null(tfb_datasheet_for_device("pthread-skylake-avx512", 4));
    char name[160];
    snprintf(name, sizeof name, "A100%0100d", 0);  /* past the lookup buffer: no datasheet, whatever it starts with */
    assert_null(tfb_datasheet_find(name));
    snprintf(name, sizeof name, "A100%100s", "");   /* blanks are dropped, not counted */
    assert_ptr_equal(tfb_datasheet_find(name), a100);
}

static void fill_sample_results(tfb_results *results)
{
    tfb_results_init(results);
    snprintf(results->device.name, sizeof results->device.name, "test device");
    results->ceilings.bandwidth_gbps = 20.0;
    results->ceilings.peak_gflops_fp32 = 200.0;
    results->ceilings.ridge_fp32 = 10.0;
    tfb_result *r = tfb_results_add(results);
    snprintf(r->name, sizeof r->name, "gemv/tfbench/1x4096x4096/fp32");
    snprintf(r->suite, sizeof r->suite, "gemv");
    snprintf(r->dtype, sizeof r->dtype, "fp32");
    r->flops = 2.0 * 4096 * 4096;
    r->bytes = 4.0 * 4096 * 4096;
    const double times[] = {0.004, 0.005, 0.006};
    tfb_stats_compute(times, 3, &r->time);
    r->samples = malloc(sizeof times);
    if (r->samples) memcpy(r->samples, times, sizeof times);
    r->sample_count = r->samples ? 3 : 0;
    r->verified = 1;
    tfb_result_derive(r);
    tfb_result *skipped = tfb_results_add(results);
    snprintf(skipped->name, sizeof skipped->name, "attention/tfbench/\"n=32768\"/fp32");
    snprintf(skipped->skipped, sizeof skipped->skipped, "needs 16.0 GiB, device allows 1.0 GiB");
    tfb_results_apply_roofline(results);
}

static void derived_metrics_and_roofline(void **state)
{
    tfb_results results;
    fill_sample_results(&results);
    const tfb_result *r = &results.items[0];
    assert_true(fabs(r->gflops - 2.0 * 4096 * 4096 / 0.005 * 1e-9) < 1e-9);
    assert_true(fabs(r->intensity - 0.5) < 1e-12);
    /* roof at 0.5 FLOP/byte = 0.5 x 20 GB/s = 10 GFLOP/s */
    assert_true(fabs(r->roofline_fraction - r->gflops / 10.0) < 1e-12);
    assert_true(tfb_roofline_gflops(&results.ceilings, "fp32", 100.0) == 200.0);
    tfb_results_free(&results);
}

static char *temp_path(const char *name)
{
    static char path[512];
    const char *dir = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(path, sizeof path, "%s/tfb-test-%d-%s", dir, (int)getpid(), name);
    return path;
}

static void json_writer_layout(void **state)
{
    tfb_results results;
    tfb_error err;
    char *path = temp_path("results.json");
    fill_sample_results(&results);
    assert_int_equal(tfb_results_write_json(&results, path, &err), TFB_OK);
    char *text;
    size_t length;
    assert_int_equal(tfb_read_file(path, 1 << 20, &text, &length, &err), TFB_OK);
    cJSON *root = cJSON_Parse(text);
    assert_non_null(root);
    cJSON *context = cJSON_GetObjectItem(root, "context");
    cJSON *ceilings = cJSON_GetObjectItem(context, "ceilings");
    assert_true(cJSON_GetObjectItem(ceilings, "ridge_fp32")->valuedouble == 10.0);
    assert_non_null(cJSON_GetObjectItem(context, "device"));
    assert_non_null(cJSON_GetObjectItem(context, "host"));
    cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "benchmarks"), 0);
    assert_string_equal(cJSON_GetObjectItem(first, "name")->valuestring, "gemv/tfbench/1x4096x4096/fp32");
    assert_string_equal(cJSON_GetObjectItem(first, "run_type")->valuestring, "iteration");
    assert_string_equal(cJSON_GetObjectItem(first, "time_unit")->valuestring, "us");
    assert_true(fabs(cJSON_GetObjectItem(first, "real_time")->valuedouble - 5000.0) < 1e-6);
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(first, "verified")));
    assert_non_null(cJSON_GetObjectItem(first, "bytes_per_second"));
    assert_non_null(cJSON_GetObjectItem(first, "items_per_second"));
    /* every sample, in order, and the statistics beside them */
    cJSON *samples = cJSON_GetObjectItem(first, "samples_s");
    assert_int_equal(cJSON_GetArraySize(samples), 3);
    assert_true(cJSON_GetArrayItem(samples, 0)->valuedouble == 0.004);
    assert_true(cJSON_GetArrayItem(samples, 2)->valuedouble == 0.006);
    assert_true(cJSON_GetObjectItem(first, "executions_per_sample")->valuedouble == 1.0);
    assert_true(cJSON_GetObjectItem(first, "time_median_ci_low_s")->valuedouble == 0.004);  /* [min, max] of 3 */
    assert_true(cJSON_GetObjectItem(first, "time_median_ci_high_s")->valuedouble == 0.006);
    assert_true(fabs(cJSON_GetObjectItem(first, "time_iqr_s")->valuedouble - 0.001) < 1e-15);
    assert_true(cJSON_GetObjectItem(first, "time_mad_s")->valuedouble == 0.001);
    assert_true(cJSON_GetObjectItem(first, "outliers_high")->valuedouble == 0.0);
    cJSON *second = cJSON_GetArrayItem(cJSON_GetObjectItem(root, "benchmarks"), 1);
    assert_null(cJSON_GetObjectItem(second, "samples_s"));
    assert_true(cJSON_IsTrue(cJSON_GetObjectItem(second, "error_occurred")));
    assert_string_equal(cJSON_GetObjectItem(second, "name")->valuestring, "attention/tfbench/\"n=32768\"/fp32");
    cJSON_Delete(root);
    free(text);
    unlink(path);
    tfb_results_free(&results);
}

static void csv_writer_quotes(void **state)
{
    tfb_results results;
    tfb_error err;
    char *path = temp_path("results.csv");
    fill_sample_results(&results);
    assert_int_equal(tfb_results_write_csv(&results, path, &err), TFB_OK);
    char *text;
    size_t length;
    assert_int_equal(tfb_read_file(path, 1 << 20, &text, &length, &err), TFB_OK);
    assert_non_null(strstr(text, "name,suite,impl,dtype"));
    assert_non_null(strstr(text, "\"attention/tfbench/\"\"n=32768\"\"/fp32\""));
    free(text);
    unlink(path);
    tfb_results_free(&results);
}

static void writers_fail_cleanly(void **state)
{
    tfb_results results;
    tfb_error err;
    fill_sample_results(&results);
    assert_int_equal(tfb_results_write_json(&results, "/nonexistent-dir/x/results.json", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "/nonexistent-dir/x/results.json"));
    char *text;
    size_t length;
    assert_int_equal(tfb_read_file("/nonexistent-file.json", 100, &text, &length, &err), TFB_ERROR);
    tfb_results_free(&results);
}

static void table_fits_100_columns(void **state)
{
    tfb_results results;
    char *text = NULL;
    size_t length = 0;
    fill_sample_results(&results);
    tfb_result *long_name = tfb_results_add(&results);
    memset(long_name->name, 'x', 150);
    snprintf(long_name->skipped, sizeof long_name->skipped, "%0180d", 7);
    FILE *out = open_memstream(&text, &length);
    tfb_results_print_table(&results, out);
    fclose(out);
    for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) assert_true(strlen(line) <= 100);
    free(text);
    tfb_results_free(&results);
}

static void random_inputs_are_never_zero(void **state)
{
    tfb_rng rng;
    float values[4096];
    tfb_rng_seed(&rng, 42);
    tfb_fill_random_f32(values, 4096, &rng, -1.0f, 1.0f);
    for (size_t i = 0; i < 4096; i++) assert_true(values[i] != 0.0f && values[i] >= -1.0f && values[i] < 1.0f);
    for (uint64_t i = 0; i < 100000; i++) {
        float x = tfb_hash_uniform(42, i, 0.5f, 1.5f);
        assert_true(x >= 0.5f && x < 1.5f);
    }
}

/* The range form gives the element form's values bit for bit, across the point where the index's high word
 * changes (2^32) too, on the 24-bit and the 8-bit grid. */
static void hash_range_is_the_element_hash(void **state)
{
    double got[40];
    const uint64_t starts[] = {0, 12345, (UINT64_C(1) << 32) - 17};
    const unsigned bits[] = {24, 8};
    for (size_t s = 0; s < 3; s++)
        for (size_t b = 0; b < 2; b++) {
            tfb_hash_grid_range(77, starts[s], 40, 0.5f, 1.5f, bits[b], got);
            for (size_t i = 0; i < 40; i++)
                assert_true(got[i] == (double)tfb_hash_grid(77, starts[s] + i, 0.5f, 1.5f, bits[b]));
        }
}

static size_t temp_files_in(const char *dir)
{
    size_t count = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e = readdir(d); e; e = readdir(d)) count += strstr(e->d_name, ".tmp.") != NULL;
    closedir(d);
    return count;
}

/* A SIGTERM or SIGINT while a results file is being written leaves no temp file, and still kills the writer by
 * that signal. The child rewrites a large file in a loop; the signal lands at a different point each round. */
static void signal_during_write_leaves_no_temp_file(void **state)
{
    char dir[] = "/tmp/tfb-atomic-XXXXXX", path[64];
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/results.json", dir);
    size_t length = 16u << 20;
    char *data = calloc(length, 1);
    assert_non_null(data);
    for (int round = 0; round < 6; round++) {
        pid_t child = fork();
        assert_true(child >= 0);
        if (child == 0) {
            tfb_error err;
            for (;;) tfb_write_file_atomic(path, data, length, &err);
        }
        struct timespec pause = {0, 20000000L + 7919000L * round};
        nanosleep(&pause, NULL);
        int sig = round % 2 ? SIGINT : SIGTERM, status = 0;
        kill(child, sig);
        assert_int_equal(waitpid(child, &status, 0), child);
        assert_true(WIFSIGNALED(status));
        assert_int_equal(WTERMSIG(status), sig);
        assert_int_equal(temp_files_in(dir), 0);
    }
    free(data);
    unlink(path);
    rmdir(dir);
}

/* Output paths are checked before a run: a folder, a missing folder, a name too long. */
static void output_paths_are_checked(void **state)
{
    tfb_error err = {{0}};
    char name[400];
    assert_int_equal(tfb_check_output_file("/tmp", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "is a folder"));
    assert_int_equal(tfb_check_output_file("/nonexistent-tfb-dir/r.json", &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "not writable or missing"));
    snprintf(name, sizeof name, "/tmp/%0300d", 0);
    assert_int_equal(tfb_check_output_file(name, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "file name too long"));
    assert_int_equal(tfb_check_output_file("/tmp/tfb-check-output.json", &err), TFB_OK);
    assert_int_equal(access("/tmp/tfb-check-output.json", F_OK), -1);  /* the probe leaves nothing behind */
}

/* Sizes from user input saturate instead of wrapping: 2^31 x 2^31 x 4 bytes is not 0. */
static void size_products_saturate(void **state)
{
    char text[32];
    assert_int_equal(tfb_mul_size(3, 4), 12);
    assert_int_equal(tfb_mul_size(0, SIZE_MAX), 0);
    assert_int_equal(tfb_mul3_size((size_t)1 << 31, (size_t)1 << 31, 4), SIZE_MAX);
    assert_int_equal(tfb_mul_size(SIZE_MAX / 2, 3), SIZE_MAX);
    assert_int_equal(tfb_add_size(SIZE_MAX - 1, 2), SIZE_MAX);
    assert_int_equal(tfb_add_size(1, 2), 3);
    tfb_format_bytes(SIZE_MAX, text, sizeof text);
    assert_string_equal(text, "more than 16 EiB");
    tfb_format_bytes((size_t)3 << 29, text, sizeof text);
    assert_string_equal(text, "1.50 GiB");
}

static void verify_reports_poison_and_mismatch(void **state)
{
    const double want[] = {1.0, 2.0, 3.0};
    float good[] = {1.0f, 2.0f, 3.0f}, poisoned[] = {1.0f, NAN, 3.0f}, wrong[] = {1.0f, 2.0f, 3.1f};
    tfb_error err;
    double worst;
    assert_int_equal(tfb_check_f32("out", good, want, 3, 0.0, 1e-6, &worst, &err), TFB_OK);
    assert_int_equal(tfb_check_f32("out", poisoned, want, 3, 0.0, 1e-6, &worst, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "out[1] was never written"));
    assert_int_equal(tfb_check_f32("out", wrong, want, 3, 0.0, 1e-3, &worst, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "out[2]"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_range_is_the_element_hash),
        cmocka_unit_test(stats_of_odd_sample),
        cmocka_unit_test(stats_of_even_sample_and_errors),
        cmocka_unit_test(options_parse_values),
        cmocka_unit_test(options_reject_bad_input),
        cmocka_unit_test(options_for_the_stopping_rule),
        cmocka_unit_test(whole_numbers_refuse_signs_and_blanks),
        cmocka_unit_test(unused_options_are_named),
        cmocka_unit_test(suite_axes_pick_one_list),
        cmocka_unit_test(error_names_and_messages),
        cmocka_unit_test(device_find_by_index_and_name),
        cmocka_unit_test(datasheets_match_the_lecture),
        cmocka_unit_test(derived_metrics_and_roofline),
        cmocka_unit_test(json_writer_layout),
        cmocka_unit_test(csv_writer_quotes),
        cmocka_unit_test(writers_fail_cleanly),
        cmocka_unit_test(table_fits_100_columns),
        cmocka_unit_test(random_inputs_are_never_zero),
        cmocka_unit_test(verify_reports_poison_and_mismatch),
        cmocka_unit_test(size_products_saturate),
        cmocka_unit_test(signal_during_write_leaves_no_temp_file),
        cmocka_unit_test(output_paths_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
