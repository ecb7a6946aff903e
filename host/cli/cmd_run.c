/* tfbench [options]: the options checked, the run handed to host/run (tfbench/session.h), its results written;
 * the exit code says how it went (0 every benchmark measured, 1 some failed or were lost, 2 bad input). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"
#include "tfbench/file_io.h"
#include "tfbench/process.h"
#include "tfbench/registry.h"
#include "tfbench/report_columns.h"
#include "tfbench/session.h"
#include "tfbench/tfbench.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

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

/* The report folder: --out DIR, or a fresh ./tfbench-results/<device>-<time> when no output was named at all. */
static int resolve_report_dir(const tfb_options *opt, const char *device_name, char *dir, size_t size, tfb_error *err)
{
    dir[0] = '\0';
    if (opt->out_dir) return snprintf(dir, size, "%s", opt->out_dir) < (int)size ? TFB_OK : tfb_fail(err, "--out: path too long");
    if (opt->json_path || opt->csv_path) return TFB_OK;
    if (tfb_report_default_dir(device_name, (long long)time(NULL), dir, size, err) != TFB_OK) return TFB_ERROR;
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

/* The devices, the report folder named after them, the run, its outputs; the exit code. */
static int run_session(const tfb_session *s, const cJSON *native)
{
    tfb_error err = {{0}};
    tfb_device_entry *devices = NULL;
    tfb_results results;
    size_t indexes[TFB_MAX_DEVICES], count = 0;
    char report_dir[4096];
    if (tfb_session_devices(s->opt->device, &devices, indexes, &count, &err) != TFB_OK ||
        resolve_report_dir(s->opt, count > 1 ? "devices" : devices[indexes[0]].info.name, report_dir,
                           sizeof report_dir, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        free(devices);
        return EXIT_USAGE;
    }
    free(devices);  /* no OpenCL object is used past here: the workers open their devices themselves */
    int failures = tfb_session_run(s, indexes, count, native, &results);
    if (failures < 0) return EXIT_USAGE;
    if (count > 1 && s->opt->verbose >= 0) tfb_report_print_devices(&results, stdout);
    if (results.count == 0) {  /* e.g. --kv-heads values that divide no head count: the warnings said why */
        fprintf(stderr, "tfbench: no benchmark to run: the options leave none (see the warnings above)\n");
        tfb_results_free(&results);
        return EXIT_USAGE;
    }
    int write_failed = write_outputs(s->opt, &results, native, report_dir);
    tfb_results_free(&results);
    if (failures) fprintf(stderr, "tfbench: %d benchmark(s) failed (see messages above)\n", failures);
    return failures || write_failed ? EXIT_FAILED : 0;
}

int tfb_cli_check_run(const tfb_options *opt, const tfb_suite **suites, size_t *suite_count, tfb_workload *workload,
                      tfb_error *err)
{
    if (tfb_catalog_select(tfb_suites_catalog(), opt->suites, suites, suite_count, err) != TFB_OK) return TFB_ERROR;
    if (tfb_workload_resolve(opt, workload, err) != TFB_OK) return TFB_ERROR;
    tfb_cli_warn_unused_options(opt, suites, *suite_count, stderr);
    return TFB_OK;
}

/* Options parsed and checked (bad input: exit 2, its message printed); *session filled. */
static int prepare(int argc, char **argv, tfb_options *opt, tfb_workload *workload, const tfb_suite **suites,
                   tfb_session *session)
{
    tfb_error err = {{0}};
    *session = (tfb_session){.catalog = tfb_suites_catalog(), .opt = opt, .workload = workload, .suites = suites,
                             .argc = argc, .argv = argv};
    tfb_options_defaults(opt);
    if (tfb_options_parse(argc, argv, opt, &err) != TFB_OK ||
        (!opt->help && !opt->version && !opt->list &&
         tfb_cli_check_run(opt, suites, &session->suite_count, workload, &err) != TFB_OK))
        return fprintf(stderr, "tfbench: %s\n", err.message), TFB_ERROR;
    return TFB_OK;
}

int tfb_cmd_run(int argc, char **argv)
{
    tfb_options opt;
    tfb_workload workload;  /* a bad --model, --config or --shape is bad input (exit 2), found before any suite runs */
    const tfb_suite *suites[TFB_MAX_SUITES];
    tfb_session session;
    tfb_error err = {{0}};
    if (prepare(argc, argv, &opt, &workload, suites, &session) != TFB_OK) return EXIT_USAGE;
    if (opt.help) return tfb_options_usage(stdout), 0;
    if (opt.version) return printf("tfbench %s\n", TFB_VERSION), 0;
    if (opt.list == 1 && tfb_session_list_devices(stdout, &err) != TFB_OK)
        return fprintf(stderr, "tfbench: %s\n", err.message), EXIT_USAGE;
    if (opt.list == 1) return 0;
    if (opt.list == 2) return tfb_catalog_print(session.catalog, stdout, opt.verbose > 0), 0;
    if (check_outputs(&opt, &err) != TFB_OK) return fprintf(stderr, "tfbench: %s\n", err.message), EXIT_USAGE;
    cJSON *native = NULL;
    if (opt.native_path && tfb_report_load_results(opt.native_path, &native, &err) != TFB_OK)
        return fprintf(stderr, "tfbench: --native: %s\n", err.message), EXIT_USAGE;
    int rc = run_session(&session, native);
    cJSON_Delete(native);
    return rc;
}

/* tfbench --run-worker FD OPTIONS...: argv[0] is FD; the options were checked by the supervisor, whose warnings
 * would only repeat (the worker's stderr is the terminal): they are left unsaid here. */
int tfb_cmd_run_worker(int argc, char **argv)
{
    tfb_options opt;
    tfb_workload workload;
    const tfb_suite *suites[TFB_MAX_SUITES];
    tfb_session session;
    int saved = tfb_stderr_silence();
    int rc = prepare(argc, argv, &opt, &workload, suites, &session);
    tfb_stderr_restore(saved);
    if (rc != TFB_OK) return fprintf(stderr, "tfbench: %s: the options do not parse here\n", TFB_WORKER_FLAG), EXIT_USAGE;
    return tfb_session_worker(&session, argv[0]);
}
