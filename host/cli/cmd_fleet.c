/* tfbench --fleet [options]: one rank of an MPI fleet run (host/fleet/); tfbench fleet-report DIR: the fleet file
 * and report from the rank files of a job that could not gather. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "tfbench/file_io.h"
#include "tfbench/fleet.h"
#include "tfbench/options_parse.h"
#include "tfbench/suite.h"
#include "tfbench/workload.h"

#define EXIT_USAGE 2

static const char FLEET_REPORT_USAGE[] =
    "usage: tfbench fleet-report DIR [--fleet-threshold PCT]\n"
    "  the fleet file (DIR/fleet.json) and report (DIR/fleet-report.txt, .html) from the rank files in DIR,\n"
    "  for a fleet job that ended before rank 0 could gather (MPI aborts the job when a rank process dies);\n"
    "  only the newest run's rank files count. Exit 0 every rank ok, 1 a rank failed or never finished,\n"
    "  2 bad input\n";

static int parse_number(const char *flag, const char *text, double hi, double *out, tfb_error *err)
{
    char *end = NULL;
    errno = 0;
    double value = text ? strtod(text, &end) : NAN;
    if (!text || errno || end == text || *end || !(value >= 0 && value <= hi))
        return tfb_fail(err, "%s needs a number between 0 and %g, got \"%.100s\"", flag, hi, text ? text : "");
    *out = value;
    return TFB_OK;
}

int tfb_cli_is_fleet(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--fleet") == 0 || strcmp(argv[i], "--fleet-serial") == 0) return 1;
    return 0;
}

/* A fleet flag (--fleet, --fleet-serial, --fleet-threshold, --fleet-timeout) or --out/--device, which the fleet
 * decides for its ranks: 1 taken (*i moved past a value), 0 not a fleet flag, -1 bad value. */
static int fleet_flag(int argc, char **argv, int *i, tfb_fleet_args *args, tfb_error *err)
{
    const char *arg = argv[*i], *eq = strchr(arg, '=');
    size_t flag_length = eq ? (size_t)(eq - arg) : strlen(arg);
    static const char *const VALUED[] = {"--fleet-threshold", "--fleet-timeout", "--out", "--device"};
    if (strcmp(arg, "--fleet") == 0) return 1;
    if (strcmp(arg, "--fleet-serial") == 0) return args->serial = 1;
    for (size_t k = 0; k < sizeof VALUED / sizeof *VALUED; k++) {
        if (strlen(VALUED[k]) != flag_length || strncmp(arg, VALUED[k], flag_length) != 0) continue;
        const char *value = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
        if (!value) return tfb_fail(err, "%s needs a value", VALUED[k]), -1;
        double number = 0;
        if (k < 2 && parse_number(VALUED[k], value, k == 0 ? 1000 : 1e7, &number, err) != TFB_OK) return -1;
        if (k == 0) args->threshold = number / 100.0;
        else if (k == 1) args->timeout = number;
        else if (k == 2) args->out_dir = value;
        else args->device = value;
        return 1;
    }
    return 0;
}

/* The fleet's flags taken out, the rest kept for the ranks' runs; --json and --csv refused (the fleet names the
 * files). */
static int split_args(int argc, char **argv, tfb_fleet_args *args, tfb_error *err)
{
    for (int i = 1; i < argc; i++) {
        int taken = fleet_flag(argc, argv, &i, args, err);
        if (taken < 0) return TFB_ERROR;
        if (taken) continue;
        const char *arg = argv[i];
        if (strncmp(arg, "--json", 6) == 0 || strncmp(arg, "--csv", 5) == 0)
            return tfb_fail(err, "%s: a fleet run writes DIR/rank-<R>.json per rank and DIR/fleet.json (--out DIR)",
                            arg);
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) args->help = 1;
        int with_value = !strchr(arg, '=') && tfb_options_takes_value(arg) && i + 1 < argc;
        args->worker_argv[args->worker_argc++] = argv[i];
        if (with_value) args->worker_argv[args->worker_argc++] = argv[++i];
    }
    return TFB_OK;
}

/* Bad options fail here, on every rank, before anything starts (exit 2), instead of in every worker. */
static int check_worker_options(const tfb_fleet_args *args, tfb_error *err)
{
    tfb_options opt;
    tfb_workload workload;
    const tfb_suite *suites[64];
    size_t suite_count = 0;
    char **argv = calloc((size_t)args->worker_argc + 1, sizeof *argv);
    if (!argv) return tfb_fail(err, "out of memory");
    argv[0] = "tfbench";
    memcpy(argv + 1, args->worker_argv, (size_t)args->worker_argc * sizeof *argv);
    tfb_options_defaults(&opt);
    int rc = tfb_options_parse(args->worker_argc + 1, argv, &opt, err);
    if (rc == TFB_OK && opt.list) rc = tfb_fail(err, "--list and --list-suites are not fleet runs");
    if (rc == TFB_OK) rc = tfb_cli_check_run(&opt, suites, &suite_count, &workload, err);
    free(argv);
    return rc;
}

int tfb_fleet_parse_args(int argc, char **argv, tfb_fleet_args *args, tfb_error *err)
{
    memset(args, 0, sizeof *args);
    args->threshold = TFB_FLEET_THRESHOLD;
    args->worker_argv = calloc((size_t)argc + 1, sizeof *args->worker_argv);
    if (!args->worker_argv) return tfb_fail(err, "out of memory");
    if (split_args(argc, argv, args, err) != TFB_OK) return TFB_ERROR;
    return args->help ? TFB_OK : check_worker_options(args, err);
}

void tfb_fleet_args_free(tfb_fleet_args *args)
{
    free(args->worker_argv);
    args->worker_argv = NULL;
}

int tfb_cmd_fleet(int argc, char **argv)
{
    tfb_fleet_args args;
    tfb_error err = {{0}};
    if (tfb_fleet_parse_args(argc, argv, &args, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        tfb_fleet_args_free(&args);
        return EXIT_USAGE;
    }
    if (args.help) {
        tfb_options_usage(stdout);
        tfb_fleet_args_free(&args);
        return 0;
    }
    int rc = tfb_fleet_mpi_main(argc, argv, &args);
    tfb_fleet_args_free(&args);
    return rc;
}

int tfb_cli_compare_fleet(const char *path, int metric, double threshold, double alpha, int json)
{
    tfb_error err = {{0}};
    cJSON *fleet = NULL;
    int rc = tfb_fleet_read(path, &fleet, &err);
    if (rc == TFB_SKIP) return -1;
    if (rc != TFB_OK) return fprintf(stderr, "tfbench: compare: %s\n", err.message), EXIT_USAGE;
    tfb_fleet_compare_options options = {.metric = metric, .threshold = threshold, .alpha = alpha, .json = json};
    rc = tfb_fleet_compare(fleet, path, &options, stdout, &err);
    if (rc == EXIT_USAGE) fprintf(stderr, "tfbench: compare: %s: %s\n", path, err.message);
    cJSON_Delete(fleet);
    return rc;
}

int tfb_cmd_fleet_report(int argc, char **argv)
{
    tfb_fleet_rule rule = {.threshold = TFB_FLEET_THRESHOLD, .mad_limit = TFB_FLEET_MAD_LIMIT};
    tfb_error err = {{0}};
    const char *dir = NULL;
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) return fputs(FLEET_REPORT_USAGE, stdout), 0;
        if (strcmp(arg, "--fleet-threshold") == 0 || strncmp(arg, "--fleet-threshold=", 18) == 0) {
            const char *value = arg[17] == '=' ? arg + 18 : i + 1 < argc ? argv[++i] : NULL;
            if (parse_number("--fleet-threshold", value, 1000, &rule.threshold, &err) != TFB_OK)
                return tfb_cli_usage_error("fleet-report", FLEET_REPORT_USAGE, EXIT_USAGE, "%s", err.message);
            rule.threshold /= 100.0;
        } else if (arg[0] == '-' || dir)
            return tfb_cli_usage_error("fleet-report", FLEET_REPORT_USAGE, EXIT_USAGE, "unexpected argument %s", arg);
        else dir = arg;
    }
    if (!dir) return tfb_cli_usage_error("fleet-report", FLEET_REPORT_USAGE, EXIT_USAGE, "%s", "needs the fleet DIR");
    cJSON *fleet = NULL;
    int lock = -1;
    /* the lock before writing: a fleet still running in DIR holds it (its rank files are not final yet); taken after
     * the reading, so that a folder that is no fleet's gets no lock file */
    if (tfb_fleet_build_from_dir(dir, &rule, stderr, &fleet, &err) != TFB_OK ||
        tfb_lock_dir(dir, &lock, &err) != TFB_OK || tfb_fleet_write(fleet, dir, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: fleet-report: %s\n", err.message);
        cJSON_Delete(fleet);
        if (lock >= 0) close(lock);
        return EXIT_USAGE;
    }
    close(lock);
    tfb_fleet_print_report(fleet, stdout);
    printf("\nfleet file: %s/fleet.json\n", dir);
    int rc = tfb_fleet_exit_status(fleet);  /* a job with a failed or unfinished rank must not turn green */
    cJSON_Delete(fleet);
    return rc;
}
