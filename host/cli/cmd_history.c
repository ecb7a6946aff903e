/* tfbench history add|list|show|export|changes|report: the history of runs in a database (docs/history.md).
   Exit 0 = done (changes: none in the range), 1 = changes: a change in the range, or a failed write,
   2 = bad input (option, results file, database refused). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "cli.h"
#include "tfbench/history.h"
#include "tfbench/parse.h"
#include "tfbench/report.h"
#include "tfbench/results.h"
#include "tfbench/results_read.h"

enum { EXIT_DONE = 0, EXIT_CHANGED = 1, EXIT_BAD = 2, MAX_FILES = 4096 };

typedef struct history_args {
    const char *command, *db, *commit, *branch, *since, *out, *machine, *name;
    const char *files[MAX_FILES];
    size_t file_count;
    unsigned long long limit, run_id;
    int fail_on_any, json, default_db;
    tfb_change_options change;
} history_args;

static const char USAGE[] =
    "usage: tfbench history add RESULTS.json... [--commit SHA] [--branch NAME]\n"
    "       tfbench history list [--machine ID] [--limit N]\n"
    "       tfbench history show BENCHMARK [--machine ID]\n"
    "       tfbench history export [--run ID] [--machine ID] [--out FILE]\n"
    "       tfbench history changes [--since COMMIT] [--machine ID] [--threshold PCT] [--alpha A] [--min-runs N]\n"
    "                               [--normalize auto|roof|none] [--fail-on slower|any] [--json]\n"
    "       tfbench history report --out DIR [--machine ID] [the options of changes]\n"
    "  --db FILE|URI     the database: an SQLite file (default " TFB_HISTORY_DEFAULT_DB ") or\n"
    "                    postgresql://... for a shared PostgreSQL one (same schema)\n"
    "  --commit SHA      the commit the results were measured at; --branch NAME its branch\n"
    "  --machine ID      only this machine (its id, or its start, as `list` shows it)\n"
    "  --run ID          export that run as the results file it was added from\n"
    "  --since COMMIT    changes: only changes after the last run of COMMIT count (default: all)\n"
    "  --threshold PCT   smallest change that counts (default 2)\n"
    "  --alpha A         significance of a split's Mann-Whitney U test (default 0.001)\n"
    "  --min-runs N      runs on each side of a change, at least (default 3)\n"
    "  --normalize M     auto: by the roof of the runs whose roof moved more than 10% (default); roof: every\n"
    "                    run; none: times as measured\n"
    "  --fail-on WHICH   slower (default): exit 1 on a slowdown in the range; any: on any change\n"
    "Change points: E-divisive means over each benchmark's series per machine (docs/history.md).\n"
    "Exit status: 0 done (no change in the range), 1 a change in the range (changes) or a failed write,\n"
    "2 bad input.\n";

static int usage_error(const char *fmt, const char *detail)
{
    return tfb_cli_usage_error("history", USAGE, EXIT_BAD, fmt, detail);
}

static int fail_with(const tfb_error *err, int code)
{
    fprintf(stderr, "tfbench history: %s\n", err->message);
    return code;
}

static int parse_number(const char *option, const char *text, double lo, double hi, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (end && *end == '%' && strcmp(option, "--threshold") == 0) end++;
    if (errno || end == text || *end || !isfinite(value) || value < lo || value > hi) {
        char message[160];
        snprintf(message, sizeof message, "%s needs a number from %g to %g, got \"%%s\"", option, lo, hi);
        return usage_error(message, text);
    }
    *out = value;
    return 0;
}

static int parse_whole(const char *option, const char *text, unsigned long long max, unsigned long long *out)
{
    tfb_error err;
    if (tfb_parse_whole(text, max, out, &err) == TFB_OK) return 0;
    fprintf(stderr, "tfbench history: %s: %s\n", option, err.message);
    fputs(USAGE, stderr);
    return EXIT_BAD;
}

static int parse_choice(history_args *a, const char *option, const char *value)
{
    if (strcmp(option, "--normalize") == 0) {
        static const char *const NAMES[] = {"none", "auto", "roof"};
        for (int i = 0; i < 3; i++)
            if (strcmp(value, NAMES[i]) == 0) return a->change.normalize = i, 0;
        return usage_error("--normalize takes auto, roof or none, not \"%s\"", value);
    }
    if (strcmp(value, "slower") != 0 && strcmp(value, "any") != 0)
        return usage_error("--fail-on takes slower or any, not \"%s\"", value);
    a->fail_on_any = strcmp(value, "any") == 0;
    return 0;
}

/* One option with its value; 0 when taken, EXIT_BAD on bad input. */
static int parse_option(history_args *a, const char *option, const char *value)
{
    double number;
    const char **text = strcmp(option, "--db") == 0        ? &a->db
                        : strcmp(option, "--commit") == 0  ? &a->commit
                        : strcmp(option, "--branch") == 0  ? &a->branch
                        : strcmp(option, "--since") == 0   ? &a->since
                        : strcmp(option, "--out") == 0     ? &a->out
                        : strcmp(option, "--machine") == 0 ? &a->machine
                                                           : NULL;
    if (text) return *text = value, 0;
    if (strcmp(option, "--limit") == 0) return parse_whole(option, value, 1000000000, &a->limit);
    if (strcmp(option, "--run") == 0) return parse_whole(option, value, 1ull << 62, &a->run_id);
    if (strcmp(option, "--min-runs") == 0) {
        unsigned long long runs = 0;
        if (parse_whole(option, value, 1000, &runs)) return EXIT_BAD;
        if (runs < 2) return usage_error("--min-runs needs at least 2, got \"%s\"", value);
        return a->change.min_runs = (size_t)runs, 0;
    }
    if (strcmp(option, "--threshold") == 0) {
        if (parse_number(option, value, 0, 1000, &number)) return EXIT_BAD;
        return a->change.threshold = number / 100, 0;
    }
    if (strcmp(option, "--alpha") == 0) {
        if (parse_number(option, value, 1e-12, 0.5, &number)) return EXIT_BAD;
        return a->change.alpha = number, 0;
    }
    if (strcmp(option, "--normalize") == 0 || strcmp(option, "--fail-on") == 0) return parse_choice(a, option, value);
    return usage_error("unknown option %s", option);
}

static int parse_args(int argc, char **argv, history_args *a)
{
    memset(a, 0, sizeof *a);
    tfb_change_options_default(&a->change);
    if (argc < 2) return usage_error("%s", "no subcommand given");
    a->command = argv[1];
    for (int i = 1; i < argc; i++) {
        if (i == 1 && strcmp(argv[i], "--help") != 0 && strcmp(argv[i], "-h") != 0) continue;  /* the subcommand */
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return fputs(USAGE, stdout), -1;
        if (strcmp(argv[i], "--json") == 0) {
            a->json = 1;
            continue;
        }
        if (strncmp(argv[i], "--", 2) == 0) {
            if (i + 1 >= argc) return usage_error("%s needs a value", argv[i]);
            if (parse_option(a, argv[i], argv[i + 1])) return EXIT_BAD;
            i++;
            continue;
        }
        if (a->file_count >= MAX_FILES) return usage_error("more than 4096 files: %s", argv[i]);
        a->files[a->file_count++] = argv[i];
    }
    tfb_error err;
    if ((a->commit && tfb_history_check_label(a->commit, "--commit", &err) != TFB_OK) ||
        (a->branch && tfb_history_check_label(a->branch, "--branch", &err) != TFB_OK) ||
        (a->since && tfb_history_check_label(a->since, "--since", &err) != TFB_OK))
        return usage_error("%s", err.message);
    if (!a->db) a->db = TFB_HISTORY_DEFAULT_DB, a->default_db = 1;
    return 0;
}

/* A command that only reads must not create an empty database where a name was mistyped. */
static int open_history(const history_args *a, int create, tfb_history **history)
{
    tfb_error err;
    struct stat st;
    if (!tfb_history_is_postgres(a->db) && !create && lstat(a->db, &st) != 0)
        return fprintf(stderr, "tfbench history: no history database at %s (`tfbench history add` creates it)\n",
                       a->db),
               EXIT_BAD;
    if (create && a->default_db && mkdir("tfbench-results", 0755) != 0 && errno != EEXIST)
        return fprintf(stderr, "tfbench history: cannot create tfbench-results: %s\n", strerror(errno)), EXIT_BAD;
    if (tfb_history_open(a->db, history, &err) != TFB_OK) return fail_with(&err, EXIT_BAD);
    return 0;
}

/* ---- add, list, show, export ---- */

static int cmd_add(const history_args *a, tfb_history *h)
{
    if (a->file_count == 0) return usage_error("%s", "add needs at least one results file");
    tfb_history_label label = {a->commit, a->branch};
    for (size_t i = 0; i < a->file_count; i++) {
        tfb_error err;
        cJSON *results = NULL;
        long long id = 0;
        if (tfb_results_read(a->files[i], &results, &err) != TFB_OK) return fail_with(&err, EXIT_BAD);
        int rc = tfb_history_add(h, results, &label, &id, &err);
        size_t count = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(results, "benchmarks"));
        cJSON_Delete(results);
        if (rc != TFB_OK) {
            fprintf(stderr, "tfbench history: %s: %s\n", a->files[i], err.message);
            return EXIT_CHANGED;
        }
        printf("added run %lld: %s (%zu benchmarks)\n", id, a->files[i], count);
    }
    return EXIT_DONE;
}

static int cmd_list(const history_args *a, tfb_history *h)
{
    tfb_history_filter filter = {a->machine, NULL};
    tfb_history_run *runs = NULL;
    size_t count = 0;
    tfb_error err;
    if (tfb_history_list(h, &filter, (size_t)a->limit, &runs, &count, &err) != TFB_OK) return fail_with(&err, 2);
    printf("%6s  %-20s  %-12s  %-16s  %10s  %9s  %s\n", "run", "added", "commit", "machine", "benchmarks", "GB/s",
           "device");
    for (size_t i = 0; i < count; i++)
        printf("%6lld  %-20s  %-12.12s  %-16s  %5zu/%-4zu  %9.1f  %s (%s)\n", runs[i].id, runs[i].added_at,
               runs[i].commit[0] ? runs[i].commit : "-", runs[i].machine.id, runs[i].verified, runs[i].benchmarks,
               runs[i].bandwidth_gbps, runs[i].machine.device, runs[i].machine.cpu_model);
    printf("%zu run(s)\n", count);
    free(runs);
    return EXIT_DONE;
}

static int cmd_show(const history_args *a, tfb_history *h)
{
    if (a->file_count != 1) return usage_error("%s", "show needs one benchmark name");
    tfb_history_filter filter = {a->machine, a->files[0]};
    tfb_history_set set;
    tfb_error err;
    if (tfb_history_load_series(h, &filter, &set, &err) != TFB_OK) return fail_with(&err, EXIT_BAD);
    if (set.count == 0) {
        fprintf(stderr, "tfbench history: no figure of \"%s\" in the history\n", a->files[0]);
        return EXIT_BAD;
    }
    for (size_t i = 0; i < set.count; i++) {
        const tfb_history_series *s = &set.series[i];
        printf("%s on machine %s: %s, %s (%s)\n", s->name, s->machine.id, s->machine.device, s->machine.cpu_model,
               s->machine.driver);
        printf("%6s  %-12s  %12s  %12s  %12s  %7s  %s\n", "run", "commit", "median s", "ci low", "ci high",
               "samples", "verified");
        for (size_t k = 0; k < s->count; k++) {
            const tfb_history_point *p = &s->points[k];
            printf("%6lld  %-12.12s  %12.6g  %12.6g  %12.6g  %7zu  %s\n", p->run_id, p->commit[0] ? p->commit : "-",
                   p->median_s, p->ci_low_s, p->ci_high_s, p->samples, p->verified ? "yes" : "no");
        }
    }
    tfb_history_set_free(&set);
    return EXIT_DONE;
}

static int cmd_export(const history_args *a, tfb_history *h)
{
    tfb_history_filter filter = {a->machine, NULL};
    tfb_error err;
    cJSON *doc = NULL;
    int rc = a->run_id ? tfb_history_run_results(h, (long long)a->run_id, &doc, &err)
                       : tfb_history_export(h, &filter, &doc, &err);
    if (rc != TFB_OK) return fail_with(&err, EXIT_BAD);
    char *text = cJSON_Print(doc);
    cJSON_Delete(doc);
    if (!text) return fprintf(stderr, "tfbench history: out of memory\n"), EXIT_CHANGED;
    if (a->out) rc = tfb_write_file_atomic(a->out, text, strlen(text), &err);
    else if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF) rc = tfb_fail(&err, "cannot write stdout");
    free(text);
    return rc == TFB_OK ? EXIT_DONE : fail_with(&err, EXIT_CHANGED);
}

/* ---- changes, report ---- */

/* The last run of the commit --since names (its start is enough), or -1 when none has it. */
static long long since_run_id(tfb_history *h, const char *commit, tfb_error *err, int *rc)
{
    tfb_history_run *runs = NULL;
    size_t count = 0;
    long long id = -1;
    *rc = tfb_history_list(h, NULL, 0, &runs, &count, err);
    for (size_t i = 0; *rc == TFB_OK && i < count; i++)
        if (strncmp(runs[i].commit, commit, strlen(commit)) == 0) id = runs[i].id;
    free(runs);
    return id;
}

static int cmd_changes(const history_args *a, tfb_history *h, int report)
{
    if (report && !a->out) return usage_error("%s", "report needs --out DIR");
    tfb_history_filter filter = {a->machine, NULL};
    tfb_history_set set;
    tfb_change_list changes = {0};
    tfb_error err;
    long long since = 0;
    int rc = TFB_OK;
    if (a->since) {
        since = since_run_id(h, a->since, &err, &rc);
        if (rc != TFB_OK) return fail_with(&err, EXIT_BAD);
        if (since < 0) return usage_error("--since: no run of commit \"%s\" in the history", a->since);
    }
    if (tfb_history_load_series(h, &filter, &set, &err) != TFB_OK) return fail_with(&err, EXIT_BAD);
    rc = tfb_history_changes(&set, &a->change, &changes, &err);
    if (rc == TFB_OK && report) rc = tfb_report_dir_prepare(a->out, &err);
    if (rc == TFB_OK && report) rc = tfb_history_write_report(&set, &changes, a->out, &err);
    int code = rc != TFB_OK ? EXIT_CHANGED : EXIT_DONE;
    if (rc != TFB_OK) fail_with(&err, EXIT_CHANGED);
    else if (report) printf("report: %s/report.html (%zu series, %zu change(s))\n", a->out, set.count, changes.count);
    else code = tfb_history_print_changes(&set, &changes, since, a->fail_on_any, a->json, stdout);
    tfb_change_list_free(&changes);
    tfb_history_set_free(&set);
    return code;
}

int tfb_cmd_history(int argc, char **argv)
{
    history_args *a = calloc(1, sizeof *a);
    if (!a) return fprintf(stderr, "tfbench history: out of memory\n"), EXIT_CHANGED;
    int code = parse_args(argc, argv, a);
    static const char *const COMMANDS[] = {"add", "list", "show", "export", "changes", "report"};
    int which = -1;
    for (int i = 0; code == 0 && i < 6; i++)
        if (strcmp(a->command, COMMANDS[i]) == 0) which = i;
    if (code == 0 && which < 0) code = usage_error("unknown subcommand \"%s\"", a->command);
    if (code != 0) {
        free(a);
        return code < 0 ? EXIT_DONE : code;
    }
    tfb_history *h = NULL;
    code = open_history(a, which == 0, &h);
    if (code == 0) {
        switch (which) {
        case 0: code = cmd_add(a, h); break;
        case 1: code = cmd_list(a, h); break;
        case 2: code = cmd_show(a, h); break;
        case 3: code = cmd_export(a, h); break;
        default: code = cmd_changes(a, h, which == 5); break;
        }
    }
    tfb_history_close(h);
    free(a);
    return code;
}
