/* Unit tests of multi-device results and fleet runs: --device lists, the merged results of several devices, the
   side-by-side columns, the outlier rule, the fleet file (failed, missing and unfinished ranks), the fleet
   compare, the fleet's command-line split and the rank state files. No MPI and no device needed. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>
#include "../host/cli/cli.h"
#include "tfbench/compare.h"
#include "tfbench/fleet.h"
#include "tfbench/report_columns.h"
#include "tfbench/results.h"

static const tfb_fleet_rule RULE = {.threshold = 0.10, .mad_limit = 3.0};

/* Columns of one row with the given rates, all measured. */
static void one_row(tfb_columns *c, const double *rates, size_t n)
{
    tfb_error err = {{0}};
    assert_int_equal(tfb_columns_init(c, n, &err), TFB_OK);
    cJSON *doc = cJSON_CreateArray();
    for (size_t j = 0; j < n; j++) {
        cJSON *list = cJSON_CreateArray(), *b = cJSON_CreateObject();
        cJSON_AddStringToObject(b, "name", "k/x/y/fp32");
        cJSON_AddNumberToObject(b, "gflops", rates[j]);
        cJSON_AddItemToArray(list, b);
        assert_int_equal(tfb_columns_add_benchmarks(c, j, list, -1, &err), TFB_OK);
        cJSON_AddItemToArray(doc, list);
    }
    assert_int_equal(c->row_count, 1);
    c->rows[0].name = "k";  /* the JSON goes; the test keeps only the numbers */
    cJSON_Delete(doc);
}

static void two_ranks_are_judged_by_the_threshold(void **state)
{
    tfb_columns c;
    unsigned char marked[2];
    one_row(&c, (const double[]){10.0, 6.0}, 2);
    assert_true(fabs(tfb_columns_row_median(&c, 0, NULL) - 8.0) < 1e-12);
    assert_int_equal(tfb_fleet_mark_outliers(&c, &(tfb_fleet_rule){0.20, 3.0}, marked), 1);  /* 6 is 25% below 8 */
    assert_false(marked[0]);  /* faster than the median is never an outlier */
    assert_true(marked[1]);
    assert_int_equal(tfb_fleet_mark_outliers(&c, &(tfb_fleet_rule){0.30, 3.0}, marked), 0);
    tfb_columns_free(&c);
}

static void many_ranks_also_need_three_scaled_mads(void **state)
{
    tfb_columns c;
    unsigned char marked[5];
    /* median 10, |deviations| 0 .2 .2 .1 2: MAD 0.2, 3 scaled MADs 0.89; 8.0 is 2 below and 20% below */
    one_row(&c, (const double[]){10.0, 10.2, 9.8, 10.1, 8.0}, 5);
    assert_int_equal(tfb_fleet_mark_outliers(&c, &RULE, marked), 1);
    assert_true(marked[4]);
    tfb_columns_free(&c);
    /* a noisy benchmark: |deviations| 0 2 2 1 1.1, MAD 1.1, 3 scaled MADs 4.89: 8.0 is 20% below, yet no outlier */
    one_row(&c, (const double[]){10.0, 12.0, 8.0, 11.0, 8.9}, 5);
    assert_int_equal(tfb_fleet_mark_outliers(&c, &RULE, marked), 0);
    tfb_columns_free(&c);
}

/* A rank's state and a results document with benchmarks a (rate_a GFLOP/s) and b (rate_b GB/s, no FLOPs). */
static char *state_text(int rank, int size, const char *status, const char *error)
{
    tfb_fleet_rank r = {.rank = rank, .size = size, .device_index = rank, .exit_code = 0};
    snprintf(r.host, sizeof r.host, "node%d", rank / 2);
    snprintf(r.device, sizeof r.device, "Test GPU");
    snprintf(r.status, sizeof r.status, "%s", status);
    snprintf(r.error, sizeof r.error, "%s", error);
    cJSON *o = tfb_fleet_rank_to_json(&r);
    char *text = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return text;
}

static char *results_text(double rate_a, double rate_b)
{
    char *text = malloc(1024);
    snprintf(text, 1024, "{\"context\": {\"host_name\": \"n\", \"device\": {\"name\": \"Test GPU\"}, \"ceilings\": "
             "{\"peak_gflops_fp32\": 100}}, \"benchmarks\": [{\"name\": \"a\", \"gflops\": %g, \"flops\": 1e9, "
             "\"time_median_s\": %g}, {\"name\": \"b\", \"gbytes_per_second\": %g, \"bytes\": 1e9, "
             "\"time_median_s\": %g}]}", rate_a, 1.0 / rate_a, rate_b, 1.0 / rate_b);
    return text;
}

static void set_input(tfb_fleet_input *in, char *state, char *results)
{
    in->state = state;
    in->state_length = strlen(state);
    in->results = results;
    in->results_length = results ? strlen(results) : 0;
    in->run_id = NULL;  /* gathered through MPI: the run's own files */
}

static void free_inputs(tfb_fleet_input *inputs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        cJSON_free((char *)inputs[i].state);
        free((char *)inputs[i].results);
    }
}

static const char *rank_string(const cJSON *fleet, int rank, const char *key)
{
    return cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(fleet, "ranks"), rank), key));
}

static void fleet_outliers_come_slowest_first(void **state)
{
    tfb_fleet_input inputs[4];
    const double a[] = {100, 100, 50, 100}, b[] = {10, 10, 10, 7};
    for (int r = 3; r >= 0; r--)  /* in any order: the fleet sorts the ranks */
        set_input(&inputs[3 - r], state_text(r, 4, "ok", ""), results_text(a[r], b[r]));
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    assert_int_equal(tfb_fleet_build(inputs, 4, &RULE, &fleet, &err), TFB_OK);
    const cJSON *outliers = cJSON_GetObjectItem(fleet, "outliers");
    assert_int_equal(cJSON_GetArraySize(outliers), 2);
    const cJSON *first = cJSON_GetArrayItem(outliers, 0), *second = cJSON_GetArrayItem(outliers, 1);
    assert_int_equal(tfb_json_number(first, "rank", -1), 2);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(first, "benchmark")), "a");
    assert_true(fabs(tfb_json_number(first, "deviation_percent", 0) + 50.0) < 1e-9);
    assert_int_equal(tfb_json_number(second, "rank", -1), 3);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(second, "unit")), "GB/s");
    assert_true(fabs(tfb_json_number(second, "deviation_percent", 0) + 30.0) < 1e-9);
    const cJSON *summary = cJSON_GetObjectItem(fleet, "fleet");
    assert_int_equal(tfb_json_number(summary, "ranks_ok", 0), 4);
    assert_int_equal(tfb_json_number(summary, "hosts", 0), 2);
    cJSON_Delete(fleet);
    free_inputs(inputs, 4);
}

static void failed_missing_and_unfinished_ranks_are_listed(void **state)
{
    tfb_fleet_input inputs[3];
    set_input(&inputs[0], state_text(0, 4, "ok", ""), results_text(100, 10));
    set_input(&inputs[1], state_text(1, 4, "failed", "killed by signal 9 (SIGKILL)"), NULL);
    set_input(&inputs[2], state_text(2, 4, "running", ""), NULL);  /* rank 3 sent nothing at all */
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    assert_int_equal(tfb_fleet_build(inputs, 3, &RULE, &fleet, &err), TFB_OK);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(fleet, "ranks")), 4);
    assert_string_equal(rank_string(fleet, 0, "status"), "ok");
    assert_string_equal(rank_string(fleet, 1, "error"), "killed by signal 9 (SIGKILL)");
    assert_non_null(strstr(rank_string(fleet, 2, "error"), "never finished"));
    assert_non_null(strstr(rank_string(fleet, 3, "error"), "sent nothing"));
    assert_int_equal(tfb_json_number(cJSON_GetObjectItem(fleet, "fleet"), "ranks_failed", 0), 3);
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    tfb_fleet_print_report(fleet, out);
    fclose(out);
    assert_non_null(strstr(text, "FAILED: killed by signal 9 (SIGKILL)"));
    free(text);
    cJSON_Delete(fleet);
    free_inputs(inputs, 3);
}

static void add_result(tfb_results *results, const char *name, const char *series, double gflops)
{
    tfb_result *r = tfb_results_add(results);
    snprintf(r->name, sizeof r->name, "%s", name);
    snprintf(r->series, sizeof r->series, "%s", series);
    r->flops = 1e9;
    r->time.median = 1.0 / gflops;
    tfb_result_derive(r);
}

static void several_devices_merge_under_qualified_names(void **state)
{
    tfb_results devices[2], merged;
    size_t indexes[2] = {0, 3};
    for (size_t d = 0; d < 2; d++) {
        tfb_results_init(&devices[d]);
        snprintf(devices[d].device.name, sizeof devices[d].device.name, "Device %zu", d);
        devices[d].ceilings.peak_gflops_fp32 = 100.0 * (double)(d + 1);
        add_result(&devices[d], "k/x/y/fp32", "k-sweep", 10.0 * (double)(d + 1));
    }
    tfb_error err = {{0}};
    assert_int_equal(tfb_results_merge_devices(&merged, devices, indexes, 2, &err), TFB_OK);
    assert_int_equal(merged.count, 2);
    assert_string_equal(merged.items[1].name, "k/x/y/fp32@d3");
    assert_string_equal(merged.items[1].series, "k-sweep@d3");
    cJSON *json = tfb_results_to_json(&merged);
    const cJSON *second = cJSON_GetArrayItem(cJSON_GetObjectItem(json, "benchmarks"), 1);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(second, "base_name")), "k/x/y/fp32");
    assert_int_equal(tfb_json_number(second, "device_index", -1), 3);
    tfb_columns c;
    assert_int_equal(tfb_columns_from_devices(&c, json, &err), TFB_OK);
    assert_int_equal(c.column_count, 2);
    assert_int_equal(c.row_count, 1);
    assert_string_equal(c.columns[1].label, "d3");
    assert_string_equal(c.columns[1].device, "Device 1");
    assert_true(fabs(tfb_json_number(c.columns[1].ceilings, "peak_gflops_fp32", 0) - 200.0) < 1e-9);
    assert_true(fabs(c.rate[1] - 20.0) < 1e-9 && fabs(c.rate[0] - 10.0) < 1e-9);
    tfb_columns_free(&c);
    cJSON_Delete(json);
    tfb_results_free(&merged);
    for (size_t d = 0; d < 2; d++) tfb_results_free(&devices[d]);
}

static void device_lists_select_in_order(void **state)
{
    tfb_device_entry list[3];
    const char *names[] = {"Alpha GPU", "Beta CPU", "Gamma GPU"};
    memset(list, 0, sizeof list);
    for (int i = 0; i < 3; i++) snprintf(list[i].info.name, sizeof list[i].info.name, "%s", names[i]);
    size_t picked[8], count, repeated;
    tfb_error err = {{0}};
    assert_int_equal(tfb_device_select(list, 3, "all", picked, 8, &count, &repeated, &err), TFB_OK);
    assert_int_equal(count, 3);
    assert_int_equal(tfb_device_select(list, 3, "2,beta", picked, 8, &count, &repeated, &err), TFB_OK);
    assert_int_equal(count, 2);
    assert_int_equal(picked[0], 2);
    assert_int_equal(picked[1], 1);
    assert_int_equal(tfb_device_select(list, 3, "0,alpha,0", picked, 8, &count, &repeated, &err), TFB_OK);
    assert_int_equal(count, 1);
    assert_int_equal(repeated, 2);
    const char *bad[] = {"0,,1", "all,1", "5", "", "1,delta"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(tfb_device_select(list, 3, bad[i], picked, 8, &count, &repeated, &err), TFB_ERROR);
    assert_int_equal(tfb_device_select(list, 3, "all", picked, 2, &count, &repeated, &err), TFB_ERROR);
}

/* A fleet of three whose ranks carry ten samples of benchmark k each; rank 2's are 50% slower. */
static cJSON *fleet_with_samples(void)
{
    cJSON *fleet = cJSON_CreateObject(), *ranks = cJSON_AddArrayToObject(fleet, "ranks");
    cJSON_AddObjectToObject(fleet, "fleet");
    for (int r = 0; r < 3; r++) {
        double samples[10];
        for (int s = 0; s < 10; s++) samples[s] = (r == 2 ? 1.5e-3 : 1e-3) * (1.0 + 0.002 * s + 0.001 * r);
        cJSON *rank = cJSON_CreateObject(), *results = cJSON_AddObjectToObject(rank, "results");
        cJSON_AddNumberToObject(rank, "rank", r);
        cJSON *context = cJSON_AddObjectToObject(results, "context"), *b = cJSON_CreateObject();
        cJSON_AddStringToObject(context, "tfbench_version", "0.1.0");
        cJSON_AddStringToObject(b, "name", "k");
        cJSON_AddNumberToObject(b, "time_median_s", 0.5 * (samples[4] + samples[5]));  /* the ten's median */
        cJSON_AddNumberToObject(b, "time_min_s", samples[0]);
        cJSON_AddNumberToObject(b, "time_max_s", samples[9]);
        cJSON_AddItemToObject(b, "samples_s", cJSON_CreateDoubleArray(samples, 10));
        cJSON_AddItemToArray(cJSON_AddArrayToObject(results, "benchmarks"), b);
        cJSON_AddItemToArray(ranks, rank);
    }
    return fleet;
}

static void fleet_compare_names_the_slow_rank(void **state)
{
    cJSON *fleet = fleet_with_samples();
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    tfb_fleet_compare_options options = {.metric = TFB_METRIC_TIME, .threshold = 0.10, .alpha = 0.05, .json = 1};
    tfb_error err = {{0}};
    assert_int_equal(tfb_fleet_compare(fleet, "f.json", &options, out, &err), 1);
    fclose(out);
    cJSON *report = cJSON_Parse(text);
    assert_non_null(report);
    const cJSON *ranks = cJSON_GetObjectItem(report, "ranks");
    for (int r = 0; r < 3; r++) {  /* each rank: compare's own report, the other ranks pooled as its baseline */
        const cJSON *compared = cJSON_GetObjectItem(cJSON_GetArrayItem(ranks, r), "compare");
        assert_true(cJSON_IsTrue(cJSON_GetObjectItem(compared, "regression")) == (r == 2));
        assert_int_equal(tfb_json_number(cJSON_GetObjectItem(compared, "summary"), "regression", -1), r == 2);
        assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(cJSON_GetObjectItem(compared, "baseline"),
                                                                     "device")), "the fleet median");
        assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(compared, "benchmarks")), 1);
    }
    const cJSON *slow_rank = cJSON_GetObjectItem(cJSON_GetArrayItem(ranks, 2), "compare");
    const cJSON *slow = cJSON_GetArrayItem(cJSON_GetObjectItem(slow_rank, "benchmarks"), 0);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(slow, "verdict")), "regression");
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(slow, "method")), "u-test");
    assert_true(tfb_json_number(slow, "change_percent", 0) > 40.0);  /* 1.5x against the other two pooled */
    assert_true(tfb_json_number(cJSON_GetObjectItem(slow, "current"), "median", 0) >
                tfb_json_number(cJSON_GetObjectItem(slow, "baseline"), "median", 0));
    cJSON_Delete(report);
    free(text);
    cJSON_Delete(fleet);
}

static void fleet_flags_are_split_from_the_run_options(void **state)
{
    char *argv[] = {"tfbench", "--fleet", "--suite", "peak", "--out", "d", "--device=1", "--fleet-threshold", "25",
                    "--quick", "--fleet-serial", "--kernel-dir", "."};
    tfb_fleet_args args;
    tfb_error err = {{0}};
    assert_int_equal(tfb_fleet_parse_args(13, argv, &args, &err), TFB_OK);
    assert_true(args.serial);
    assert_true(fabs(args.threshold - 0.25) < 1e-12);
    assert_string_equal(args.out_dir, "d");
    assert_string_equal(args.device, "1");
    assert_int_equal(args.worker_argc, 5);
    const char *kept[] = {"--suite", "peak", "--quick", "--kernel-dir", "."};
    for (int i = 0; i < 5; i++) assert_string_equal(args.worker_argv[i], kept[i]);
    tfb_fleet_args_free(&args);
    char *refused[][3] = {{"tfbench", "--fleet", "--json"}, {"tfbench", "--fleet-threshold", "lots"},
                          {"tfbench", "--fleet", "--frobnicate"}};
    for (size_t i = 0; i < 3; i++) {
        assert_int_equal(tfb_fleet_parse_args(3, refused[i], &args, &err), TFB_ERROR);
        tfb_fleet_args_free(&args);
    }
}

static void rank_states_round_trip(void **state)
{
    tfb_fleet_rank r = {.rank = 3, .size = 8, .local_rank = 1, .device_index = 1, .worker_pid = 4242, .signal = 9,
                        .exit_code = -1, .wall_seconds = 2.5}, back;
    snprintf(r.status, sizeof r.status, "failed");
    snprintf(r.error, sizeof r.error, "killed by signal 9 (SIGKILL)");
    cJSON *json = tfb_fleet_rank_to_json(&r);
    tfb_error err = {{0}};
    assert_int_equal(tfb_fleet_rank_from_json(json, &back, &err), TFB_OK);
    assert_int_equal(back.rank, 3);
    assert_int_equal(back.worker_pid, 4242);
    assert_int_equal(back.signal, 9);
    assert_string_equal(back.error, r.error);
    cJSON_ReplaceItemInObject(json, "rank", cJSON_CreateNumber(8));  /* not below size */
    assert_int_equal(tfb_fleet_rank_from_json(json, &back, &err), TFB_ERROR);
    cJSON_ReplaceItemInObject(json, "rank", cJSON_CreateNumber(1));
    cJSON_ReplaceItemInObject(json, "status", cJSON_CreateString("sleeping"));
    assert_int_equal(tfb_fleet_rank_from_json(json, &back, &err), TFB_ERROR);
    cJSON_ReplaceItemInObject(json, "status", cJSON_CreateString("ok"));
    char host[300];
    memset(host, 'h', sizeof host - 1);
    host[sizeof host - 1] = '\0';
    cJSON_ReplaceItemInObject(json, "host_name", cJSON_CreateString(host));  /* no cut host names */
    assert_int_equal(tfb_fleet_rank_from_json(json, &back, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "a rank's state: \"host_name\" is longer than 255 bytes"));
    cJSON_Delete(json);
}


/* ---- fleet-report's folder: the newest run only, bounded sizes, readers that never block ---- */

/* A fresh folder under the build's test folder (mkdtemp: never a fixed name). */
static void make_fleet_dir(char *dir, size_t size)
{
    snprintf(dir, size, "fleet-dir-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

static void write_text(const char *dir, const char *name, const char *text)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Rank R's state (of a job of `size` ranks, run `run`) and, unless stamp is NULL, its results stamped with `stamp`. */
static void write_rank(const char *dir, int rank, int size, const char *run, const char *status, const char *stamp)
{
    char name[64], *results = results_text(100, 10);
    tfb_fleet_rank r = {.rank = rank, .size = size, .device_index = 0, .exit_code = 0};
    snprintf(r.status, sizeof r.status, "%s", status);
    snprintf(r.run_id, sizeof r.run_id, "%s", run);
    cJSON *o = tfb_fleet_rank_to_json(&r);
    char *state = cJSON_PrintUnformatted(o);
    snprintf(name, sizeof name, "rank-%d.state.json", rank);
    write_text(dir, name, state);
    if (stamp) {
        cJSON *root = cJSON_Parse(results), *mark = cJSON_AddObjectToObject(root, "fleet_run");
        cJSON_AddStringToObject(mark, "run_id", stamp);
        cJSON_AddNumberToObject(mark, "rank", rank);
        char *stamped = cJSON_PrintUnformatted(root);
        snprintf(name, sizeof name, "rank-%d.json", rank);
        write_text(dir, name, stamped);
        cJSON_free(stamped);
        cJSON_Delete(root);
    }
    cJSON_free(state);
    cJSON_Delete(o);
    free(results);
}

/* Builds from dir; the warnings in *warnings (caller frees). */
static int build_dir(const char *dir, cJSON **fleet, char **warnings, tfb_error *err)
{
    size_t length = 0;
    FILE *out = open_memstream(warnings, &length);
    int rc = tfb_fleet_build_from_dir(dir, &RULE, out, fleet, err);
    fclose(out);
    return rc;
}

static void remove_dir(const char *dir)
{
    char command[600];
    snprintf(command, sizeof command, "rm -rf '%s'", dir);
    assert_int_equal(system(command), 0);
}

/* -np 3 then -np 2 into one folder: the second run's two ranks count, rank 2's files are named and left out. */
static void fleet_report_reads_only_the_newest_run(void **state)
{
    char dir[64], *warnings = NULL;
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    make_fleet_dir(dir, sizeof dir);
    for (int r = 0; r < 3; r++) write_rank(dir, r, 3, "20260101T000000.000000000Z-00000001", "ok",
                                           "20260101T000000.000000000Z-00000001");
    for (int r = 0; r < 2; r++) write_rank(dir, r, 2, "20260102T000000.000000000Z-00000002", "ok",
                                           "20260102T000000.000000000Z-00000002");
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_OK);
    assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItem(fleet, "ranks")), 2);
    assert_non_null(strstr(warnings, "rank-2.state.json (and its results) left out: from an earlier run"));
    assert_int_equal(tfb_fleet_exit_status(fleet), 0);
    cJSON_Delete(fleet);
    free(warnings);
    /* rank 1's results left by the earlier run: not this run's, so rank 1 failed and the verdict is 1 */
    write_rank(dir, 1, 2, "20260102T000000.000000000Z-00000002", "ok", "20260101T000000.000000000Z-00000001");
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_OK);
    assert_string_equal(rank_string(fleet, 1, "status"), "failed");
    assert_non_null(strstr(rank_string(fleet, 1, "error"), "from another run"));
    assert_int_equal(tfb_fleet_exit_status(fleet), 1);
    cJSON_Delete(fleet);
    free(warnings);
    remove_dir(dir);
}

/* A rank that never finished, or one that left no state at all, turns the verdict to 1. */
static void fleet_report_verdict_counts_unfinished_and_missing_ranks(void **state)
{
    char dir[64], *warnings = NULL;
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    const char *run = "20260103T000000.000000000Z-00000003";
    make_fleet_dir(dir, sizeof dir);
    write_rank(dir, 0, 2, run, "ok", run);
    write_rank(dir, 1, 2, run, "running", NULL);
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_OK);
    assert_non_null(strstr(rank_string(fleet, 1, "error"), "never finished"));
    assert_int_equal(tfb_fleet_exit_status(fleet), 1);
    cJSON_Delete(fleet);
    free(warnings);
    write_rank(dir, 0, 3, run, "ok", run);
    write_rank(dir, 1, 3, run, "ok", run);  /* rank 2 of 3 left nothing */
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_OK);
    assert_non_null(strstr(warnings, "1 of the job's 3 ranks left no state file"));
    assert_int_equal(tfb_fleet_exit_status(fleet), 1);
    cJSON_Delete(fleet);
    free(warnings);
    remove_dir(dir);
}

/* A state claiming a million ranks, or ranks that disagree on the job's size, is bad input: no allocation for it. */
static void fleet_report_refuses_sizes_it_cannot_trust(void **state)
{
    char dir[64], *warnings = NULL;
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    const char *run = "20260104T000000.000000000Z-00000004";
    make_fleet_dir(dir, sizeof dir);
    write_rank(dir, 0, 1000000, run, "ok", run);
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "1000000 ranks, more than a fleet may have (65536)"));
    free(warnings);
    write_rank(dir, 0, 2, run, "ok", run);
    write_rank(dir, 1, 3, run, "ok", run);
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "not one job's rank files"));
    assert_null(fleet);
    free(warnings);
    remove_dir(dir);
}

/* A FIFO where a rank's results file should be is refused at once (the test would hang otherwise). */
static void fleet_report_refuses_a_fifo_at_once(void **state)
{
    char dir[64], path[128], *warnings = NULL;
    cJSON *fleet = NULL;
    tfb_error err = {{0}};
    const char *run = "20260105T000000.000000000Z-00000005";
    make_fleet_dir(dir, sizeof dir);
    write_rank(dir, 0, 1, run, "ok", NULL);
    snprintf(path, sizeof path, "%s/rank-0.json", dir);
    assert_int_equal(mkfifo(path, 0644), 0);
    assert_int_equal(build_dir(dir, &fleet, &warnings, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "rank-0.json: it is a FIFO (named pipe), not a regular file"));
    free(warnings);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_ranks_are_judged_by_the_threshold),
        cmocka_unit_test(many_ranks_also_need_three_scaled_mads),
        cmocka_unit_test(fleet_outliers_come_slowest_first),
        cmocka_unit_test(failed_missing_and_unfinished_ranks_are_listed),
        cmocka_unit_test(several_devices_merge_under_qualified_names),
        cmocka_unit_test(device_lists_select_in_order),
        cmocka_unit_test(fleet_compare_names_the_slow_rank),
        cmocka_unit_test(fleet_flags_are_split_from_the_run_options),
        cmocka_unit_test(rank_states_round_trip),
        cmocka_unit_test(fleet_report_reads_only_the_newest_run),
        cmocka_unit_test(fleet_report_verdict_counts_unfinished_and_missing_ranks),
        cmocka_unit_test(fleet_report_refuses_sizes_it_cannot_trust),
        cmocka_unit_test(fleet_report_refuses_a_fifo_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
