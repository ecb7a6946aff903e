/* tfbench [options]: run the selected suites on one device and report. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "cli.h"
#include "tfbench/file_io.h"
#include "tfbench/native.h"
#include "tfbench/report_columns.h"
#include "tfbench/tfbench.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static void list_suites(FILE *out)
{
    size_t count;
    const tfb_suite *const *all = tfb_suite_registry(&count);
    for (size_t i = 0; i < count; i++)
        fprintf(out, "  %-10s %s%s\n", all[i]->name, all[i]->description, all[i]->in_default_run ? "" : " (opt-in)");
}

static int listed(const tfb_suite **suites, size_t count, const tfb_suite *suite)
{
    for (size_t i = 0; i < count; i++)
        if (suites[i] == suite) return 1;
    return 0;
}

/* The suites named by --suite, or the default run's; a suite named twice runs once (with a warning). */
static int select_suites(const char *names, const tfb_suite **out, size_t *count, tfb_error *err)
{
    size_t total;
    const tfb_suite *const *all = tfb_suite_registry(&total);
    *count = 0;
    if (!names) {
        for (size_t i = 0; i < total; i++)
            if (all[i]->in_default_run) out[(*count)++] = all[i];
        return TFB_OK;
    }
    char *list = strdup(names);  /* any length: a fixed buffer would cut the list */
    if (!list) return tfb_fail(err, "out of memory reading --suite");
    int rc = TFB_OK;
    const tfb_suite *warned[64];  /* one warning per repeated suite, however often it is repeated */
    size_t warned_count = 0;
    char *save = NULL;
    for (char *name = strtok_r(list, ",", &save); rc == TFB_OK && name; name = strtok_r(NULL, ",", &save)) {
        const tfb_suite *suite = tfb_suite_find(name);
        if (!suite) rc = tfb_fail(err, "unknown suite \"%.100s\" (tfbench --list-suites shows them)", name);
        else if (!listed(out, *count, suite) && *count < total) out[(*count)++] = suite;
        else if (!listed(warned, warned_count, suite) && warned_count < sizeof warned / sizeof *warned) {
            warned[warned_count++] = suite;
            fprintf(stderr, "tfbench: warning: --suite names %s more than once; it runs once\n", name);
        }
    }
    free(list);
    if (rc == TFB_OK && *count == 0) rc = tfb_fail(err, "--suite: no suite named");
    return rc;
}

/* A --kernel-dir that does not exist would silently mean the embedded kernels: bad input instead. (Files missing
 * from an existing folder still come from the embedded copies, so a folder may override just one kernel.) */
static int check_kernel_dir(const char *dir, tfb_error *err)
{
    struct stat st;
    if (!dir) return TFB_OK;
    if (stat(dir, &st) != 0) return tfb_fail(err, "--kernel-dir %.300s: %s", dir, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return tfb_fail(err, "--kernel-dir %.300s is not a folder", dir);
    return TFB_OK;
}

/* The report folder's lock, held until the process exits (the descriptor is kept open on purpose): a second run
 * into the same folder refuses instead of mixing its files with this one's. */
static int lock_for_the_run(const char *dir, tfb_error *err)
{
    int lock = -1;
    return tfb_lock_dir(dir, &lock, err);
}

/* Fail before the run, not after it, when an output could not be written (bad input: exit 2). */
static int check_outputs(const tfb_options *opt, tfb_error *err)
{
    if (opt->json_path && tfb_check_output_file(opt->json_path, err) != TFB_OK) return TFB_ERROR;
    if (opt->csv_path && tfb_check_output_file(opt->csv_path, err) != TFB_OK) return TFB_ERROR;
    if (opt->out_dir && tfb_report_dir_prepare(opt->out_dir, err) != TFB_OK) return TFB_ERROR;
    return opt->out_dir ? lock_for_the_run(opt->out_dir, err) : TFB_OK;
}

static int list_devices(void)
{
    tfb_error err = {{0}};
    tfb_device_entry *devices = NULL;
    size_t count = 0;
    if (tfb_devices_enumerate(&devices, &count, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        return EXIT_USAGE;
    }
    tfb_devices_print(devices, count, stdout);
    free(devices);
    return 0;
}

/* The report folder: --out DIR, or a fresh ./tfbench-results/<device>-<time> when no output was named at all. */
static int resolve_report_dir(const tfb_options *opt, const char *device_name, long long started, char *dir,
                              size_t size, tfb_error *err)
{
    dir[0] = '\0';
    if (opt->out_dir) return snprintf(dir, size, "%s", opt->out_dir) < (int)size ? TFB_OK : tfb_fail(err, "--out: path too long");
    if (opt->json_path || opt->csv_path) return TFB_OK;
    if (tfb_report_default_dir(device_name, started, dir, size, err) != TFB_OK) return TFB_ERROR;
    if (tfb_report_dir_prepare(dir, err) != TFB_OK) return TFB_ERROR;
    return lock_for_the_run(dir, err);
}

static int write_outputs(const tfb_options *opt, const tfb_results *results, const cJSON *native, const char *dir)
{
    tfb_error err = {{0}};
    int rc = 0;
    if (opt->json_path && tfb_results_write_json(results, opt->json_path, &err) != TFB_OK) rc = 1;
    if (rc == 0 && opt->csv_path && tfb_results_write_csv(results, opt->csv_path, &err) != TFB_OK) rc = 1;
    if (rc == 0 && dir[0]) rc = tfb_write_report_dir(results, native, dir, &err) != TFB_OK;
    if (rc) fprintf(stderr, "tfbench: %s\n", err.message);
    else if (dir[0]) printf("\nreport: %s/report.html\n", dir);
    return rc;
}

/* Every selected suite's cases listed once, counted for the progress line, then run in turn, then the run's final
 * labels; returns the failed benchmarks (a suite that could not run at all counts as one). */
static int run_each_suite(tfb_run *run, const tfb_suite **suites, size_t suite_count)
{
    tfb_case_list lists[64] = {{0}};
    int failures = 0;
    for (size_t i = 0; i < suite_count && i < 64; i++) {
        tfb_error err = {{0}};
        if (tfb_suite_list_cases(run, suites[i], &lists[i], &err) != TFB_OK) fprintf(stderr, "tfbench: %s\n", err.message);
        run->progress.total += lists[i].count;
    }
    run->progress.started = tfb_now_seconds();
    for (size_t i = 0; i < suite_count && i < 64; i++) {
        tfb_error err = {{0}};
        int failed = lists[i].items ? tfb_suite_run(run, suites[i], &lists[i], &err) : -1;
        if (failed < 0 && lists[i].items) fprintf(stderr, "tfbench: %s: %s\n", suites[i]->name, err.message);
        failures += failed < 0 ? 1 : failed;
        tfb_case_list_free(&lists[i]);
    }
    tfb_run_finish(run);
    return failures;
}

/* The table, the ceilings, then each suite's summary. */
static void print_results(const tfb_results *results, const tfb_suite **suites, size_t suite_count)
{
    tfb_results_print_table(results, stdout);
    tfb_results_print_ceilings(results, stdout);
    for (size_t i = 0; i < suite_count; i++)
        if (suites[i]->summarize) suites[i]->summarize(results, stdout);
}

/* The timing policy of the run: the defaults (--quick shorter), samples and noise target scaled to the device,
 * then the stopping-rule flags. */
static tfb_timing_policy run_policy(const tfb_options *opt, const tfb_device_info *device)
{
    tfb_timing_policy policy = tfb_timing_default(opt->quick);
    if (!device->is_cpu) {
        policy.sample_seconds = TFB_SAMPLE_SECONDS_GPU;
        policy.max_noise = TFB_MAX_NOISE_GPU;
    }
    if (opt->max_noise >= 0) policy.max_noise = opt->max_noise;
    if (opt->min_time >= 0) policy.min_seconds = opt->min_time;
    if (opt->max_time >= 0) policy.max_seconds = opt->max_time;
    if (opt->repetitions > 0) {  /* a fixed count: no stopping rule, no minimum time */
        policy.min_reps = policy.max_reps = (unsigned)opt->repetitions;
        policy.min_seconds = 0.0;
        policy.max_noise = 0.0;
    }
    return policy;
}

/* The measured-plateau ladder before the suites (when one of them sizes its working sets out of cache); when it
 * cannot measure, the sizes stay 4x the cache. */
static void measure_ladder(tfb_run *run, const tfb_suite **suites, size_t suite_count)
{
    tfb_error err = {{0}};
    size_t sized = 0;
    for (size_t i = 0; i < suite_count; i++) sized += !suites[i]->cache_only;
    if (sized == 0) return;
    if (tfb_run_measure_ladder(run, &err) != TFB_OK)
        fprintf(stderr, "tfbench: warning: read ladder not measured (%s); working sets stay at 4x the cache\n",
                err.message);
    else if (run->opt->verbose > 0 && run->sizing.ladder_count) {
        char text[640];
        tfb_sizing_describe(&run->sizing, text, sizeof text);
        fprintf(stderr, "tfbench: out of cache: %s\n", text);
    }
}

/* The read ceiling once more after the suites that are judged against it (any but stream and peak). */
static void recheck_read_ceiling(tfb_run *run, const tfb_suite **suites, size_t suite_count)
{
    tfb_error err = {{0}};
    size_t judged = 0;
    for (size_t i = 0; i < suite_count; i++) judged += !suites[i]->cache_only && strcmp(suites[i]->name, "stream");
    if (judged && tfb_run_recheck_read_ceiling(run, &err) != TFB_OK)
        fprintf(stderr, "tfbench: warning: read ceiling not measured again (%s)\n", err.message);
}

/* One device: its context opened, every suite run, the roofline applied against its own ceilings (tfbench-native's
 * points too, on the first device), its table printed. Returns the failed benchmarks, or -1 when the device could
 * not be opened (err says why). */
static int run_device(const tfb_options *opt, const tfb_workload *workload, const tfb_suite **suites,
                      size_t suite_count, const tfb_device_entry *entry, const char *label, const cJSON *native,
                      tfb_results *results, tfb_error *err)
{
    tfb_context ctx;
    tfb_host_info host;
    tfb_results_init(results);
    if (tfb_context_open(&ctx, entry, opt->kernel_dir, err) != TFB_OK) return -1;
    tfb_host_probe(&host, ctx.device);
    results->device = ctx.info;
    results->host = host;
    tfb_run run = {.ctx = &ctx, .opt = opt, .workload = workload, .host = &host, .results = results,
                   .policy = run_policy(opt, &ctx.info), .seed = opt->seed, .log = stderr};
    tfb_run_resolve_sizing(&run);
    if (opt->verbose >= 0) fprintf(stderr, "tfbench: device %s%s (%s)\n", label, ctx.info.name, ctx.info.platform);
    measure_ladder(&run, suites, suite_count);
    int failures = run_each_suite(&run, suites, suite_count);
    recheck_read_ceiling(&run, suites, suite_count);
    tfb_context_close(&ctx);
    if (native && tfb_results_add_native(results, native, opt->native_path, err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err->message);
        failures++;
    }
    tfb_results_apply_roofline(results);
    if (opt->verbose >= 0 && results->count) print_results(results, suites, suite_count);
    return failures;
}

/* The devices --device names ("0", "h100", "all", "0,2,3"), each once. */
static int select_devices(const char *spec, tfb_device_entry **devices, size_t *indexes, size_t *selected,
                          tfb_error *err)
{
    size_t count = 0, repeated = 0;
    if (tfb_devices_enumerate(devices, &count, err) != TFB_OK) return TFB_ERROR;
    if (tfb_device_select(*devices, count, spec, indexes, TFB_MAX_DEVICES, selected, &repeated, err) != TFB_OK)
        return TFB_ERROR;
    if (repeated) fprintf(stderr, "tfbench: warning: --device names a device more than once; it runs once\n");
    return TFB_OK;
}

/* Each selected device in turn, into results: several devices' results become one file of the devices that could
 * be opened (tfb_results_merge_devices). Returns the failed benchmarks, or -1 when not one device could be opened. */
static int run_devices(const tfb_options *opt, const tfb_workload *workload, const tfb_suite **suites,
                       size_t suite_count, const tfb_device_entry *devices, const size_t *indexes, size_t count,
                       const cJSON *native, tfb_results *results)
{
    tfb_results *per_device = calloc(count, sizeof *per_device);
    size_t opened[TFB_MAX_DEVICES], kept = 0;
    tfb_error err = {{0}};
    int failures = 0;
    tfb_results_init(results);
    if (!per_device) return fprintf(stderr, "tfbench: out of memory\n"), -1;
    for (size_t d = 0; d < count; d++) {
        char label[32] = "";
        if (count > 1) snprintf(label, sizeof label, "d%zu: ", indexes[d]);
        int failed = run_device(opt, workload, suites, suite_count, &devices[indexes[d]], label,
                                kept == 0 ? native : NULL, &per_device[kept], &err);
        if (failed < 0) fprintf(stderr, "tfbench: device %zu: %s\n", indexes[d], err.message);
        else opened[kept++] = indexes[d];
        failures += failed < 0 ? 1 : failed;
    }
    if (kept == 1 && count == 1) *results = per_device[0];
    else if (kept && tfb_results_merge_devices(results, per_device, opened, kept, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        failures++;
    }
    for (size_t d = 0; count > 1 && d < kept; d++) tfb_results_free(&per_device[d]);
    free(per_device);
    if (count > 1 && kept && opt->verbose >= 0) tfb_report_print_devices(results, stdout);
    return kept ? failures : -1;
}

static int run_suites(const tfb_options *opt, const tfb_workload *workload, const tfb_suite **suites, size_t suite_count,
                      const cJSON *native)
{
    tfb_error err = {{0}};
    tfb_device_entry *devices = NULL;
    tfb_results results;
    size_t indexes[TFB_MAX_DEVICES], count = 0;
    char report_dir[4096];
    if (select_devices(opt->device, &devices, indexes, &count, &err) != TFB_OK ||
        resolve_report_dir(opt, count > 1 ? "devices" : devices[indexes[0]].info.name, (long long)time(NULL),
                           report_dir, sizeof report_dir, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        free(devices);
        return EXIT_USAGE;
    }
    int failures = run_devices(opt, workload, suites, suite_count, devices, indexes, count, native, &results);
    free(devices);
    if (failures < 0) return EXIT_USAGE;
    if (results.count == 0) {  /* e.g. --kv-heads values that divide no head count: the warnings said why */
        fprintf(stderr, "tfbench: no benchmark to run: the options leave none (see the warnings above)\n");
        tfb_results_free(&results);
        return EXIT_USAGE;
    }
    int write_failed = write_outputs(opt, &results, native, report_dir);
    tfb_results_free(&results);
    if (failures) fprintf(stderr, "tfbench: %d benchmark(s) failed (see messages above)\n", failures);
    return failures || write_failed ? EXIT_FAILED : 0;
}

int tfb_cli_check_run(const tfb_options *opt, const tfb_suite **suites, size_t *suite_count, tfb_workload *workload,
                      tfb_error *err)
{
    if (select_suites(opt->suites, suites, suite_count, err) != TFB_OK) return TFB_ERROR;
    if (tfb_workload_resolve(opt, workload, err) != TFB_OK) return TFB_ERROR;
    tfb_cli_warn_unused_options(opt, suites, *suite_count, stderr);
    return check_kernel_dir(opt->kernel_dir, err);
}

int tfb_cmd_run(int argc, char **argv)
{
    tfb_options opt;
    tfb_workload workload;  /* a bad --model, --config or --shape is bad input (exit 2), found before any suite runs */
    tfb_error err = {{0}};
    const tfb_suite *suites[64];
    size_t suite_count = 0;
    tfb_options_defaults(&opt);
    if (tfb_options_parse(argc, argv, &opt, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        return EXIT_USAGE;
    }
    if (opt.help) return tfb_options_usage(stdout), 0;
    if (opt.version) return printf("tfbench %s\n", TFB_VERSION), 0;
    if (opt.list == 1) return list_devices();
    if (opt.list == 2) return list_suites(stdout), 0;
    if (tfb_cli_check_run(&opt, suites, &suite_count, &workload, &err) != TFB_OK || check_outputs(&opt, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        return EXIT_USAGE;
    }
    cJSON *native = NULL;
    if (opt.native_path && tfb_report_load_results(opt.native_path, &native, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: --native: %s\n", err.message);
        return EXIT_USAGE;
    }
    int rc = run_suites(&opt, &workload, suites, suite_count, native);
    cJSON_Delete(native);
    return rc;
}
