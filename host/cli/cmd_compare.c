/* tfbench compare BASELINE.json CURRENT.json: the regression check for CI. Exit 0 = no regression,
   1 = regression, 2 = unusable input (unreadable or hostile file, bad option, --strict provenance mismatch). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "cli.h"
#include "tfbench/compare.h"
#include "tfbench/results.h"

enum { EXIT_SAME = 0, EXIT_REGRESSION = 1, EXIT_UNUSABLE = 2, MAX_WARNINGS = 8 };

typedef struct compare_args {
    const char *base_path, *current_path, *json_file;
    const char *filter_file;  /* --regressions-filter FILE */
    const char *filter;       /* --filter REGEX: judge only the benchmarks whose name matches */
    double threshold;         /* fraction */
    double alpha;             /* significance level of the U test */
    tfb_metric metric;
    int json, strict, help;
    int normalize_roof;       /* --normalize roof */
} compare_args;

typedef struct compare_run {
    const compare_args *args;
    tfb_compare_doc base, current;
    tfb_compare_report report;
    char warnings[MAX_WARNINGS][512];
    size_t warning_count;
    size_t normalized;        /* benchmarks rescaled to the baseline's roof */
    size_t work_rescaled;     /* benchmarks rescaled to the baseline's work per execution (counted once a name) */
    size_t rounds;            /* files per side (the fewer of the two) */
    size_t local_normalized;  /* benchmarks judged at their own local roof (counted once a name) */
} compare_run;

static const char USAGE[] =
    "usage: tfbench compare BASELINE[,...] CURRENT[,...] [--threshold PCT] [--alpha A] [--metric time|gflops|gbps]\n"
    "                       [--normalize roof] [--json] [--json-file FILE] [--strict]\n"
    "       tfbench compare FLEET.json [--threshold PCT] [--alpha A] [--metric M] [--json]\n"
    "                       each rank of a fleet run against the fleet median\n"
    "  --threshold PCT   smallest change that can count (default 10)\n"
    "  --alpha A         significance level of the U test (default 0.05)\n"
    "  --normalize roof  compare each point's fraction of its own roof (the files' ceilings), not its time:\n"
    "                    a machine that got slower as a whole is reported once, not as kernel regressions\n"
    "  --metric M        time (default; higher is worse), gflops or gbps (higher is better)\n"
    "  --json            the report as JSON on stdout instead of the table\n"
    "  --json-file FILE  also write the JSON report to FILE\n"
    "  --strict          refuse files from different devices, drivers or versions instead of warning\n"
    "  --filter REGEX    judge only the benchmarks whose name matches (POSIX extended)\n"
    "  --regressions-filter FILE  write the regressed benchmarks as a tfbench --filter pattern to FILE (empty\n"
    "                    when none): what ci/perf-regression.sh measures again before it fails\n"
    "A change is a regression only when it exceeds the threshold and is beyond the noise: with samples in both\n"
    "files (u-test) the Mann-Whitney U test must find them different (p < alpha) and the interval of the change\n"
    "must lie beyond the threshold; without (spread) the runs' [min, max] spreads must not overlap.\n"
    "Several comma-separated files per side are rounds of an alternating measurement (A B B A ...): their samples\n"
    "are pooled and a change must also show in every round.\n"
    "Exit status: 0 no regression, 1 regression, 2 unusable input.\n";

static int usage_error(const char *fmt, const char *detail)
{
    return tfb_cli_usage_error("compare", USAGE, EXIT_UNUSABLE, fmt, detail);
}

static int parse_threshold(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = text ? strtod(text, &end) : NAN;
    if (end && *end == '%') end++;
    if (!text || errno || end == text || *end || !isfinite(value) || value < 0 || value > 1000)
        return usage_error("--threshold needs a percentage between 0 and 1000, got \"%s\"", text ? text : "");
    *out = value / 100.0;
    return 0;
}

static int parse_alpha(const char *text, double *out)
{
    char *end = NULL;
    errno = 0;
    double value = strtod(text, &end);
    if (errno || end == text || *end || !(value > 0 && value < 1))
        return usage_error("--alpha needs a significance level between 0 and 1 (exclusive), got \"%s\"", text);
    *out = value;
    return 0;
}

static int parse_option(compare_args *a, const char *opt, const char *value, int *used)
{
    *used = 1;
    if (strcmp(opt, "--json") == 0) return a->json = 1, 0;
    if (strcmp(opt, "--strict") == 0) return a->strict = 1, 0;
    if (strcmp(opt, "--help") == 0 || strcmp(opt, "-h") == 0) return a->help = 1, 0;
    if (strcmp(opt, "--threshold") && strcmp(opt, "--metric") && strcmp(opt, "--json-file") && strcmp(opt, "--alpha") &&
        strcmp(opt, "--normalize") && strcmp(opt, "--regressions-filter") && strcmp(opt, "--filter"))
        return usage_error("unknown option %s", opt);
    if (!value) return usage_error("%s needs a value", opt);
    *used = 2;
    if (strcmp(opt, "--threshold") == 0) return parse_threshold(value, &a->threshold);
    if (strcmp(opt, "--alpha") == 0) return parse_alpha(value, &a->alpha);
    if (strcmp(opt, "--normalize") == 0) {
        if (strcmp(value, "roof") != 0) return usage_error("--normalize takes \"roof\", got \"%s\"", value);
        return a->normalize_roof = 1, 0;
    }
    if (strcmp(opt, "--json-file") == 0) return a->json_file = value, 0;
    if (strcmp(opt, "--regressions-filter") == 0) return a->filter_file = value, 0;
    if (strcmp(opt, "--filter") == 0) return a->filter = value, 0;
    if (tfb_metric_parse(value, &a->metric)) return usage_error("unknown metric \"%s\" (time, gflops or gbps)", value);
    return 0;
}

static int parse_args(int argc, char **argv, compare_args *a)
{
    *a = (compare_args){.threshold = 0.10, .alpha = TFB_COMPARE_ALPHA, .metric = TFB_METRIC_TIME};
    for (int i = 1; i < argc; i++) {
        char option[64];
        const char *arg = argv[i], *eq = strchr(arg, '='), *value = i + 1 < argc ? argv[i + 1] : NULL;
        int used = 1;
        if (arg[0] != '-' || arg[1] == '\0') {
            if (!a->base_path) a->base_path = arg;
            else if (!a->current_path) a->current_path = arg;
            else return usage_error("unexpected argument %s (two files are compared)", arg);
            continue;
        }
        if (eq && arg[1] == '-' && (size_t)(eq - arg) < sizeof option) {  /* --opt=value */
            snprintf(option, sizeof option, "%.*s", (int)(eq - arg), arg);
            if (parse_option(a, option, eq + 1, &used)) return EXIT_UNUSABLE;
            if (used == 1) return usage_error("%s takes no value", option);
            continue;
        }
        if (parse_option(a, arg, value, &used)) return EXIT_UNUSABLE;
        i += used - 1;
    }
    if (!a->help && !a->base_path) return usage_error("%s", "needs BASELINE.json and CURRENT.json");
    return 0;
}

/* ---- text report (the verdicts themselves: compare/compare_render.c) ---- */

static void print_origin(FILE *out, const char *label, const char *path, const tfb_compare_doc *doc)
{
    fprintf(out, "%s %s (%s", label, path, doc->device[0] ? doc->device : "device not recorded");
    if (doc->driver[0]) fprintf(out, ", driver %s", doc->driver);
    if (doc->version[0]) fprintf(out, ", %s %s", doc->from_tfbench ? "tfbench" : "version", doc->version);
    fprintf(out, ")\n");
}

static void print_moved(FILE *out, const char *what, double change)
{
    if (isfinite(change)) fprintf(out, " %s %+.1f%%", what, 100 * change);
    else fprintf(out, " %s not in both files", what);
}

/* --normalize roof: the machine's drift, said once, then what was judged against it. */
static void print_normalization(FILE *out, const compare_run *run)
{
    tfb_compare_ceilings moved = tfb_compare_ceilings_change(&run->base, &run->current);
    fprintf(out, "normalized by roof: the device's ceilings moved by");
    print_moved(out, "bandwidth r+w", moved.bandwidth_gbps);
    print_moved(out, "/ read", moved.bandwidth_read_gbps);
    print_moved(out, "/ peak fp32", moved.peak_gflops_fp32);
    print_moved(out, "/ peak fp64", moved.peak_gflops_fp64);
    fprintf(out, "\n  %zu current benchmark(s) scaled to the baseline's roof; those without a roof in both files are "
                 "compared as measured\n", run->normalized);
}

static void print_report(FILE *out, const compare_run *run)
{
    const tfb_compare_report *r = &run->report;
    const tfb_compare_rows rows = {.header = 1, .base_label = "baseline", .current_label = "current"};
    print_origin(out, "baseline:", run->args->base_path, &run->base);
    print_origin(out, "current: ", run->args->current_path, &run->current);
    if (run->args->normalize_roof) print_normalization(out, run);
    if (run->work_rescaled)
        fprintf(out, "work: %zu benchmark(s) did a different amount of work per execution than in the baseline (the "
                     "peak suite sizes its loop to a time; sizes that follow device memory): their times are compared "
                     "per unit of the baseline's work\n", run->work_rescaled);
    if (run->local_normalized)
        fprintf(out, "local roof: %zu benchmark(s) judged at the read bandwidth (memory-bound) or the fp32 peak "
                     "(compute-bound) measured around their own samples in each file\n", run->local_normalized);
    if (run->rounds > 1)
        fprintf(out, "rounds: %zu per side, samples pooled; a change counts only when every round shows it\n",
                run->rounds);
    tfb_compare_print_rule(out, r);
    fputc('\n', out);
    tfb_compare_print_rows(out, r, &rows);
    if (r->counts[TFB_VERDICT_FAILED])
        fprintf(out, "\n%zu benchmark(s) verified in the baseline give a wrong result now: counted as regressions\n",
                r->counts[TFB_VERDICT_FAILED]);
    fputc('\n', out);
    tfb_compare_print_counts(out, r);
}

/* ---- JSON report ---- */

static void add_moved(cJSON *o, const char *key, double change)
{
    if (isfinite(change)) cJSON_AddNumberToObject(o, key, 100 * change);
    else cJSON_AddNullToObject(o, key);
}

static cJSON *normalization_json(const compare_run *run)
{
    tfb_compare_ceilings moved = tfb_compare_ceilings_change(&run->base, &run->current);
    cJSON *o = cJSON_CreateObject(), *ceilings = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "by", "roof");
    cJSON_AddNumberToObject(o, "normalized_benchmarks", (double)run->normalized);
    add_moved(ceilings, "bandwidth_gbps", moved.bandwidth_gbps);
    add_moved(ceilings, "bandwidth_read_gbps", moved.bandwidth_read_gbps);
    add_moved(ceilings, "peak_gflops_fp32", moved.peak_gflops_fp32);
    add_moved(ceilings, "peak_gflops_fp64", moved.peak_gflops_fp64);
    cJSON_AddItemToObject(o, "ceilings_change_percent", ceilings);
    return o;
}

static cJSON *report_json(const compare_run *run)
{
    const tfb_compare_about about = {.base = {run->args->base_path, &run->base},
                                     .current = {run->args->current_path, &run->current},
                                     .rounds = run->rounds,
                                     .work_rescaled = run->work_rescaled,
                                     .warnings = (const char (*)[512])run->warnings,
                                     .warning_count = run->warning_count};
    cJSON *root = tfb_compare_report_json(&run->report, &about);
    if (run->args->normalize_roof) cJSON_AddItemToObject(root, "normalize", normalization_json(run));
    cJSON_AddNumberToObject(root, "local_roof_benchmarks", (double)run->local_normalized);
    return root;
}

static int emit_json(const compare_run *run)
{
    cJSON *root = report_json(run);
    char *text = cJSON_Print(root);
    tfb_error err;
    int rc = 0;
    cJSON_Delete(root);
    if (!text) return fprintf(stderr, "tfbench: compare: out of memory formatting JSON\n"), EXIT_UNUSABLE;
    if (run->args->json) printf("%s\n", text);
    if (run->args->json_file && tfb_write_file_atomic(run->args->json_file, text, strlen(text), &err)) {
        fprintf(stderr, "tfbench: compare: %s\n", err.message);
        rc = EXIT_UNUSABLE;
    }
    cJSON_free(text);
    return rc;
}

/* ---- the regressions as a --filter pattern ---- */

/* Appends text to a growing buffer, a backslash before every POSIX ERE special character when `escape`. */
static int append(char **buffer, size_t *used, size_t *size, const char *text, int escape)
{
    for (const char *c = text; *c; c++) {
        if (*used + 3 >= *size) {
            char *grown = realloc(*buffer, *size * 2);
            if (!grown) return -1;
            *buffer = grown;
            *size *= 2;
        }
        if (escape && strchr("\\^$.[]|()*+?{}", *c)) (*buffer)[(*used)++] = '\\';
        (*buffer)[(*used)++] = *c;
    }
    (*buffer)[*used] = '\0';
    return 0;
}

/* ^(a|b|...)$ over the regressed benchmarks, or an empty file when there are none. */
static int write_regressions_filter(const compare_run *run)
{
    size_t size = 256, used = 0, listed = 0;
    char *text = malloc(size);
    int failed = !text;
    if (text) text[0] = '\0';
    for (size_t i = 0; !failed && i < run->report.count; i++) {
        const tfb_compare_pair *p = &run->report.pairs[i];
        if (!tfb_compare_pair_counts(p)) continue;
        failed = append(&text, &used, &size, listed++ ? "|" : "^(", 0) || append(&text, &used, &size, p->name, 1);
    }
    if (!failed && listed) failed = append(&text, &used, &size, ")$\n", 0);
    tfb_error err;
    if (!failed && tfb_write_file_atomic(run->args->filter_file, text, used, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: compare: %s\n", err.message);
        failed = 1;
    }
    free(text);
    return failed ? EXIT_UNUSABLE : 0;
}

/* ---- the command ---- */

static int load(const char *path, tfb_compare_doc *doc)
{
    tfb_error err;
    if (tfb_compare_load_file(path, doc, &err) == TFB_OK) return 0;
    fprintf(stderr, "tfbench: compare: %s: %s\n", path, err.message);
    return EXIT_UNUSABLE;
}

/* One side: FILE, or FILE,FILE,... for the rounds of an alternating measurement (each file a path without commas). */
static int load_rounds(const char *list, tfb_compare_doc *rounds, size_t *count)
{
    *count = 0;
    for (const char *start = list;; start++) {
        const char *end = strchr(start, ',');
        size_t length = end ? (size_t)(end - start) : strlen(start);
        char path[4096];
        if (*count == TFB_COMPARE_MAX_ROUNDS)
            return usage_error("at most 16 files per side (TFB_COMPARE_MAX_ROUNDS), got more in \"%s\"", list);
        if (length == 0) return usage_error("bad file list \"%s\"", list);
        if (length >= sizeof path) return usage_error("a file name in \"%.200s...\" passes 4095 bytes", list);
        snprintf(path, sizeof path, "%.*s", (int)length, start);
        if (load(path, &rounds[*count])) return EXIT_UNUSABLE;
        (*count)++;
        if (!end) return 0;
        start = end;
    }
}

static void free_rounds(tfb_compare_doc *rounds, size_t count)
{
    for (size_t i = 0; i < count; i++) tfb_compare_doc_free(&rounds[i]);
}

/* Every round but the baseline's first is scaled to that one's work per execution before anything else. */
static void equalize_rounds(compare_run *run, tfb_compare_doc *base, size_t nb, tfb_compare_doc *cur, size_t nc)
{
    size_t most = 0;
    for (size_t i = 1; i < nb; i++) tfb_compare_equalize_work(&base[0], &base[i]);
    for (size_t i = 0; i < nc; i++) {
        size_t n = tfb_compare_equalize_work(&base[0], &cur[i]);
        most = n > most ? n : most;
    }
    run->work_rescaled = most;
}

/* The local roof, always: every round but the baseline's first is scaled to that one's local roofs. */
static void local_rounds(compare_run *run, tfb_compare_doc *base, size_t nb, tfb_compare_doc *cur, size_t nc)
{
    for (size_t i = 1; i < nb; i++) tfb_compare_normalize_local(&base[0], &base[i]);
    for (size_t i = 0; i < nc; i++) {
        size_t n = tfb_compare_normalize_local(&base[0], &cur[i]);
        run->local_normalized = n > run->local_normalized ? n : run->local_normalized;
    }
}

/* --normalize roof: every round but the baseline's first is scaled to that one's roofs (the drift is then said once,
   from the pooled ceilings). */
static void normalize_rounds(compare_run *run, tfb_compare_doc *base, size_t nb, tfb_compare_doc *cur, size_t nc)
{
    for (size_t i = 1; i < nb; i++) tfb_compare_normalize_roof(&base[0], &base[i]);
    for (size_t i = 0; i < nc; i++) run->normalized += tfb_compare_normalize_roof(&base[0], &cur[i]);
}

static int pool_side(tfb_compare_doc *rounds, size_t count, tfb_compare_doc *out)
{
    tfb_error err;
    if (count == 1) {
        *out = rounds[0];
        memset(&rounds[0], 0, sizeof rounds[0]);
        return 0;
    }
    if (tfb_compare_pool(rounds, count, out, &err) == TFB_OK) return 0;
    fprintf(stderr, "tfbench: compare: %s\n", err.message);
    return EXIT_UNUSABLE;
}

static int keep_matching(compare_run *run, const char *pattern)
{
    tfb_error err;
    if (tfb_compare_keep_matching(&run->base, pattern, &err) == TFB_OK &&
        tfb_compare_keep_matching(&run->current, pattern, &err) == TFB_OK)
        return 0;
    fprintf(stderr, "tfbench: compare: %s\n", err.message);
    return EXIT_UNUSABLE;
}

static int load_both(compare_run *run)
{
    tfb_compare_doc base[TFB_COMPARE_MAX_ROUNDS] = {0}, current[TFB_COMPARE_MAX_ROUNDS] = {0};
    size_t nb = 0, nc = 0;
    int rc = load_rounds(run->args->base_path, base, &nb);
    if (!rc) rc = load_rounds(run->args->current_path, current, &nc);
    if (!rc) equalize_rounds(run, base, nb, current, nc);
    if (!rc) local_rounds(run, base, nb, current, nc);
    if (!rc && run->args->normalize_roof) normalize_rounds(run, base, nb, current, nc);
    if (!rc) rc = pool_side(base, nb, &run->base);
    if (!rc) rc = pool_side(current, nc, &run->current);
    if (!rc && run->args->filter) rc = keep_matching(run, run->args->filter);
    run->rounds = nb < nc ? nb : nc;
    free_rounds(base, nb);
    free_rounds(current, nc);
    return rc;
}

/* Different devices, drivers or versions are never compared silently: a warning, or a refusal with --strict. */
static int check_provenance(compare_run *run)
{
    run->warning_count = tfb_compare_provenance_warnings(&run->base, &run->current, run->warnings, MAX_WARNINGS);
    for (size_t i = 0; i < run->warning_count; i++)
        fprintf(stderr, "tfbench: compare: %s%s\n", run->args->strict ? "refusing (--strict): " : "warning: ",
                run->warnings[i]);
    return run->args->strict && run->warning_count ? EXIT_UNUSABLE : 0;
}

static size_t compared_count(const tfb_compare_report *r)
{
    return r->counts[TFB_VERDICT_SAME] + r->counts[TFB_VERDICT_NOISE] + r->counts[TFB_VERDICT_REGRESSION] +
           r->counts[TFB_VERDICT_IMPROVEMENT];
}

static int compare_loaded(compare_run *run)
{
    tfb_error err;
    const compare_args *a = run->args;
    if (check_provenance(run)) return EXIT_UNUSABLE;
    if (tfb_compare_docs_at(&run->base, &run->current, a->metric, a->threshold, a->alpha, &run->report, &err)) {
        fprintf(stderr, "tfbench: compare: %s\n", err.message);
        return EXIT_UNUSABLE;
    }
    if (!a->json) print_report(stdout, run);
    if ((a->json || a->json_file) && emit_json(run)) return EXIT_UNUSABLE;
    if (a->filter_file && write_regressions_filter(run)) return EXIT_UNUSABLE;
    if (run->report.counts[TFB_VERDICT_FAILED]) return EXIT_REGRESSION;  /* a wrong result needs no figure */
    if (compared_count(&run->report) == 0) {
        fprintf(stderr, "tfbench: compare: nothing to compare: no benchmark has a %s figure in both files\n",
                tfb_metric_name(a->metric));
        return EXIT_UNUSABLE;
    }
    return run->report.counts[TFB_VERDICT_REGRESSION] ? EXIT_REGRESSION : EXIT_SAME;
}

int tfb_cmd_compare(int argc, char **argv)
{
    compare_args args;
    compare_run run;
    memset(&run, 0, sizeof run);
    run.args = &args;
    if (parse_args(argc, argv, &args)) return EXIT_UNUSABLE;
    if (args.help) return fputs(USAGE, stdout), EXIT_SAME;
    if (!args.current_path) {  /* one file: a fleet file (tfbench --fleet), each rank against the fleet */
        if (args.json_file || args.normalize_roof || args.strict || args.filter || args.filter_file)
            return usage_error("%s", "--json-file, --normalize, --strict and the filters need two files, not one "
                               "fleet file");
        int rc = tfb_cli_compare_fleet(args.base_path, args.metric, args.threshold, args.alpha, args.json);
        return rc >= 0 ? rc : usage_error("%s", "needs BASELINE.json and CURRENT.json (or one fleet file)");
    }
    int rc = load_both(&run);
    if (!rc) rc = compare_loaded(&run);
    tfb_compare_report_free(&run.report);
    tfb_compare_doc_free(&run.base);
    tfb_compare_doc_free(&run.current);
    return rc;
}
