/* The history of runs: results files kept whole in a database (SQLite by default, PostgreSQL for a shared one, one
 * schema), the series of each benchmark per machine, the change points found in them and the trend report
 * (host/history/, docs/history.md). */
#ifndef TFBENCH_HISTORY_H
#define TFBENCH_HISTORY_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"

/* The schema version this tfbench writes; a database of a later one is refused. */
#define TFB_HISTORY_SCHEMA_VERSION 1
/* Where `tfbench history` keeps its database without --db: beside the run's default results folder. */
#define TFB_HISTORY_DEFAULT_DB "tfbench-results/history.db"
#define TFB_HISTORY_MAX_NAME 256    /* a benchmark's name */
#define TFB_HISTORY_MAX_LABEL 128   /* a commit, a branch */
#define TFB_HISTORY_MAX_POINTS 5000000  /* figures loaded at once (about 1 GB of series): beyond, filter */

typedef struct tfb_history tfb_history;

/* Opens (creating it when absent) the database at `where`: a file name for SQLite, or a URI starting with
 * postgresql:// or postgres:// for PostgreSQL. Applies the migrations up to TFB_HISTORY_SCHEMA_VERSION, each in its
 * own transaction; a database of a later version is refused with a message. */
int tfb_history_open(const char *where, tfb_history **out, tfb_error *err);
void tfb_history_close(tfb_history *history);
/* The database's schema version (after the migrations). */
int tfb_history_schema_version(tfb_history *history, int *version, tfb_error *err);
/* True when `where` names a PostgreSQL database. */
int tfb_history_is_postgres(const char *where);

/* What a run is stored with besides its results document. */
typedef struct tfb_history_label {
    const char *commit;   /* NULL: unknown */
    const char *branch;   /* NULL: unknown */
} tfb_history_label;

/* Stores one results document (a validated tree, tfb_results_read) whole, in one transaction: the run with its
 * machine fingerprint and ceilings, and a row per benchmark. *run_id receives its id. */
int tfb_history_add(tfb_history *history, const cJSON *results, const tfb_history_label *label, long long *run_id,
                    tfb_error *err);
/* A commit or branch as given on the command line: 1 to TFB_HISTORY_MAX_LABEL characters of [A-Za-z0-9._/+-]. */
int tfb_history_check_label(const char *text, const char *what, tfb_error *err);

/* The machine fingerprint: what makes two runs comparable (the ceilings are stored with each run, not here). */
typedef struct tfb_history_machine {
    char id[17];               /* 16 hex digits of a hash of the four fields below */
    char cpu_model[128], device[128], driver[128], hwloc[192];
} tfb_history_machine;
void tfb_history_fingerprint(const cJSON *results, tfb_history_machine *out);

/* A run as `list` shows it. */
typedef struct tfb_history_run {
    long long id;
    char added_at[32], run_time[40], commit[TFB_HISTORY_MAX_LABEL + 1], branch[TFB_HISTORY_MAX_LABEL + 1];
    tfb_history_machine machine;
    double bandwidth_gbps, peak_fp32_gflops;  /* 0 when not measured */
    size_t benchmarks, verified;
} tfb_history_run;

typedef struct tfb_history_filter {
    const char *machine;   /* a machine id or its prefix; NULL: every machine */
    const char *name;      /* a benchmark's exact name; NULL: every benchmark */
} tfb_history_filter;

/* The runs, oldest first (at most `limit` newest when limit > 0). Free *runs with free(). */
int tfb_history_list(tfb_history *history, const tfb_history_filter *filter, size_t limit, tfb_history_run **runs,
                     size_t *count, tfb_error *err);

/* One point of a benchmark's series: one run's figure. */
typedef struct tfb_history_point {
    long long run_id;
    char commit[TFB_HISTORY_MAX_LABEL + 1];
    double median_s, ci_low_s, ci_high_s;  /* ci_* 0 when the file had no interval */
    double roof_gflops;                    /* the roof at its intensity in that run; 0 when none */
    int verified;
    size_t samples;
} tfb_history_point;

/* A benchmark's series on one machine, in the order the runs were added. */
typedef struct tfb_history_series {
    char name[TFB_HISTORY_MAX_NAME + 1];
    tfb_history_machine machine;
    tfb_history_point *points;
    size_t count;
} tfb_history_series;

typedef struct tfb_history_set {
    tfb_history_series *series;
    size_t count;
} tfb_history_set;

/* Every series (one per benchmark and machine) with a figure, by machine then name. */
int tfb_history_load_series(tfb_history *history, const tfb_history_filter *filter, tfb_history_set *set,
                            tfb_error *err);
void tfb_history_set_free(tfb_history_set *set);

/* The results document of one run, as it was added (caller frees with cJSON_Delete). */
int tfb_history_run_results(tfb_history *history, long long run_id, cJSON **results, tfb_error *err);
/* Every run (filtered) as one JSON document: schema_version and runs, each with its label, machine, ceilings,
 * benchmark rows and its results document. */
int tfb_history_export(tfb_history *history, const tfb_history_filter *filter, cJSON **out, tfb_error *err);

/* ---- change points (host/history/history_changes.c) ---- */

/* How `changes` decides. */
typedef struct tfb_change_options {
    double threshold;      /* smallest relative change that counts (0.05: 5%) */
    double alpha;          /* significance of the Mann-Whitney U test of a split */
    size_t min_runs;       /* runs on each side of a split, at least */
    int normalize;         /* 0 none, 1 roof where it moved (TFB_CHANGE_ROOF_MOVED), 2 always by roof */
} tfb_change_options;
#define TFB_CHANGE_ROOF_MOVED 0.10  /* a run's roof this far from the series' median roof is normalized */
void tfb_change_options_default(tfb_change_options *options);

/* One change point of one series: between points[before] and points[before + 1]. */
typedef struct tfb_change {
    size_t series;         /* index in the set */
    size_t before;         /* the last point of the old level */
    double change, lo, hi; /* relative change of time (+0.10: 10% slower) and its 95% interval */
    double p_value;
    double statistic;      /* the E-divisive statistic q of the split */
} tfb_change;

typedef struct tfb_change_list {
    tfb_change *changes;
    size_t count;
} tfb_change_list;

/* E-divisive means over one series of values (already in log time): the change points, at most `max` and only
 * between unequal commits where `commits` is given (NULL: anywhere), each significant at alpha and at least
 * threshold in size. `before` receives the last index of each old level, ascending; returns how many. */
size_t tfb_edivisive(const double *values, const char *const *commits, size_t count,
                     const tfb_change_options *options, tfb_change *found, size_t max);
/* The exact two-sided p of the Mann-Whitney U test when one side has at most TFB_MWU_EXACT_MAX values (the runs of
 * the last commit or two) and the other any number, and no value is tied across the sides; NAN when that does not
 * apply, or the statistic is too far from the tails for p to be small (then the normal approximation serves). The
 * approximation cannot go below p = 0.0027 with 3 values on one side, however many on the other: the exact p of 3
 * runs above 30 is 2 / C(33, 3) = 0.00037. */
double tfb_rank_test_small_side_p(const double *a, size_t m, const double *b, size_t n);
/* The change points of every series of the set (changes sorted by series, then position). */
int tfb_history_changes(const tfb_history_set *set, const tfb_change_options *options, tfb_change_list *out,
                        tfb_error *err);
void tfb_change_list_free(tfb_change_list *list);
/* The points on either side of a change. */
const tfb_history_point *tfb_change_before(const tfb_history_set *set, const tfb_change *c);
const tfb_history_point *tfb_change_after(const tfb_history_set *set, const tfb_change *c);
/* The changes grouped by machine and by the run that starts the new level (the benchmarks that moved together), as
 * text or JSON on out (host/history/history_print.c). A change is in the range when its new level starts after
 * run since_run; it fails when in the range and a slowdown (or any change with fail_on_any). Returns 1 when one
 * fails, else 0. */
int tfb_history_print_changes(const tfb_history_set *set, const tfb_change_list *changes, long long since_run,
                              int fail_on_any, int json, FILE *out);

/* ---- the trend report (host/history/history_report.c) ---- */

/* report.html of the history: the changes at the top, a chart per benchmark (median and interval per run, machines
 * as series, change points marked), a search box. Written atomically into dir (created when absent). */
int tfb_history_write_report(const tfb_history_set *set, const tfb_change_list *changes, const char *dir,
                             tfb_error *err);

#endif
