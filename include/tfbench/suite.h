/* A benchmark suite is one table entry: its cases (shapes/sweep), their flops() and bytes(), and how to set up,
 * run, verify and time one case. The driver (tfb_suite_run) does the rest the same way for every suite. */
#ifndef TFBENCH_SUITE_H
#define TFBENCH_SUITE_H

#include <string.h>
#include "tfbench/context.h"
#include "tfbench/host.h"
#include "tfbench/launch.h"
#include "tfbench/options.h"
#include "tfbench/results.h"
#include "tfbench/sizing.h"
#include "tfbench/workload.h"

/* The run's place in all its cases, for the progress line. */
typedef struct tfb_progress {
    size_t total;             /* cases of every suite of the run; 0 when unknown (then counted per suite) */
    size_t done;
    double started;           /* tfb_now_seconds() when the first case started */
} tfb_progress;

typedef struct tfb_run {
    tfb_context *ctx;
    const tfb_options *opt;
    const tfb_workload *workload;  /* the model and shape, resolved once before the suites run */
    const tfb_host_info *host;
    tfb_results *results;
    tfb_timing_policy policy;
    uint64_t seed;
    FILE *log;                /* progress and notes; NULL when quiet */
    void *shared;             /* a suite's state kept across its cases (e.g. big buffers); the driver starts it at
                               * NULL and hands it to the suite's release_shared after the last case */
    tfb_progress progress;
    tfb_sizing sizing;        /* resolved once before the suites run (tfb_run_resolve_sizing); the stream suite's
                               * plateau check may extend what counts as out of cache */
    /* Optional: told each case's expected time (tfb_case_expected_seconds) once its first execution is checked; the
     * supervised worker passes it on to its watchdog (host/run/worker.c). */
    void (*on_checked)(void *user, double expected_seconds);
    void *on_checked_user;
    /* Optional: the local roof bracketing each case's samples (tfb_local_roof_measure; the worker sets it from the
     * catalog), its probe's state; NULL: no bracket. */
    int (*local_roof)(struct tfb_run *run, double *read_gbps, double *peak_gflops, tfb_error *err);
    void *local_roof_state;
} tfb_run;

/* Room for a suite's own parameters of one case (see TFB_CASE_PARAMS). */
#define TFB_CASE_PARAM_BYTES 128

typedef struct tfb_case {
    char name[192];           /* the benchmark name, "suite/impl/shape/dtype" */
    char shape[96];
    char series[128];
    const char *impl;         /* "tfbench" unless a library runs it */
    const char *dtype;
    size_t m, n, k;
    unsigned char params[TFB_CASE_PARAM_BYTES]; /* the suite's parameter struct, by value (TFB_CASE_PARAMS) */
} tfb_case;

/* Gives a suite typed parameters in its cases: TFB_CASE_PARAMS(stream_params, stream) declares
 * stream_params stream_case_params(const tfb_case *) and stream_set_case_params(tfb_case *, stream_params).
 * Copies by memcpy, so a case stays a plain value (the driver copies case lists) with no aliasing games. */
#define TFB_CASE_PARAMS(TYPE, PREFIX)                                                                          \
    _Static_assert(sizeof(TYPE) <= TFB_CASE_PARAM_BYTES, #TYPE " does not fit tfb_case.params");              \
    static inline TYPE PREFIX##_case_params(const tfb_case *c)                                                 \
    {                                                                                                          \
        TYPE value;                                                                                            \
        memcpy(&value, c->params, sizeof value);                                                               \
        return value;                                                                                          \
    }                                                                                                          \
    static inline void PREFIX##_set_case_params(tfb_case *c, TYPE value)                                       \
    {                                                                                                          \
        memcpy(c->params, &value, sizeof value);                                                               \
    }

/* The run options a suite reads (tfb_suite.options_used): an option that no selected suite reads is named in a
 * warning before the run (the CLI's tfb_cli_warn_unused_options), since ignored input is never silent. */
enum {
    TFB_USES_MODEL = 1u << 0,     /* --model, --config */
    TFB_USES_SHAPE = 1u << 1,     /* --shape */
    TFB_USES_BATCH = 1u << 2,     /* --batch */
    TFB_USES_SEQ = 1u << 3,       /* --seq */
    TFB_USES_KV_HEADS = 1u << 4,  /* --kv-heads */
    TFB_USES_HEAD_DIM = 1u << 5,  /* --head-dim */
    TFB_USES_SWEEP = 1u << 6,     /* --sweep */
    TFB_USES_KV_DTYPE = 1u << 7,  /* --kv-dtype */
    TFB_USES_WEIGHTS = 1u << 8,   /* --weights */
};

/* The values of one sweep axis, in order. TFB_AXIS_LIST(1, 16, 128) writes one in a table entry. */
typedef struct tfb_axis_list {
    const size_t *values;
    size_t count;             /* 0: none given (for `named`: the same as `normal`) */
} tfb_axis_list;
#define TFB_AXIS_LIST(...) \
    {(const size_t[]){__VA_ARGS__}, sizeof((const size_t[]){__VA_ARGS__}) / sizeof(size_t)}

/* One axis of a suite's default sweep, declared in its table entry: the values of the default run, of --quick, and
 * of a run that names its suites (--suite) without --quick, where they differ from the default run's. The options
 * that set an axis themselves (--batch, --seq, ...) replace its values in the suite's code. tfb_axis_values picks
 * (the one place --quick chooses a sweep); `tfbench --list-suites --verbose` prints them. */
typedef struct tfb_axis {
    const char *name;         /* "batch", "seq", "calibration_ms" */
    const char *meaning;      /* one line: what its values are */
    tfb_axis_list normal, quick, named;
} tfb_axis;
#define TFB_SUITE_AXES(array) .axes = (array), .axis_count = sizeof(array) / sizeof *(array)

typedef struct tfb_suite {
    const char *name;
    const char *description;
    int in_default_run;
    /* 1: its working sets stay in cache by design (peak), so it uses no out-of-cache size and a run of such suites
     * alone skips the read ladder (tfb_run_measure_ladder). */
    int cache_only;
    /* 1: it measures the bandwidth ceilings (stream): it labels its own points' cache residency (its plateau check),
     * and the read ceiling's recheck after the suites is for the others, which are judged against it. */
    int measures_bandwidth;
    /* Writes up to `max` cases; returns how many there are (may exceed max: the driver then asks again). */
    size_t (*cases)(const tfb_run *run, tfb_case *out, size_t max);
    double (*flops)(const tfb_case *c);
    double (*bytes)(const tfb_case *c);
    /* The part of bytes() that is written: with it, a read-dominated kernel is judged against the read roof. NULL:
     * treated as read + write traffic (the STREAM roof). */
    double (*bytes_written)(const tfb_case *c);
    /* Allocates inputs (random), poisons outputs, builds kernels. TFB_SKIP with a reason when it cannot fit. */
    int (*setup)(tfb_run *run, const tfb_case *c, void **state, tfb_error *err);
    int (*execute)(tfb_run *run, void *state, tfb_error *err);
    /* Checks the executed run's outputs against a float64 reference: TFB_OK, or TFB_ERROR with the mismatch. */
    int (*verify)(tfb_run *run, void *state, double *max_error, tfb_error *err);
    int (*measure)(tfb_run *run, void *state, tfb_stats *time, tfb_error *err);
    /* Optional: extra fields of the result (working set, cache residency, suite-specific JSON). */
    void (*annotate)(tfb_run *run, const tfb_case *c, void *state, tfb_result *result);
    void (*teardown)(void *state);
    /* Optional: after all cases, derive ceilings or summaries from the results. */
    void (*finish)(tfb_run *run);
    /* Optional: frees run->shared. */
    void (*release_shared)(void *shared);
    /* Optional: lines printed after the results table and the ceilings (derived from the results alone). */
    void (*summarize)(const tfb_results *results, FILE *out);
    /* Optional: sets every output the verification reads to tfb_device_poison_finite's wrong numbers. After the
     * timed repetitions the driver calls it, executes once more and verifies again, so a kernel that is right only
     * on its first run (or only while its output is NaN) fails. A suite without it is checked on its first run only. */
    int (*repoison)(tfb_run *run, void *state, tfb_error *err);
    unsigned options_used;    /* TFB_USES_* bits: the run options its cases read */
    const tfb_axis *const *axes;  /* its sweep's axes and their default and --quick values (TFB_SUITE_AXES) */
    size_t axis_count;
} tfb_suite;

/* The values of `axis` in this run: --quick's, else those of a run naming its suites when the axis has them, else
 * the default run's. */
tfb_axis_list tfb_axis_values(const tfb_workload *workload, const tfb_axis *axis);
/* The first of them: the value of an axis that holds one (a calibration time, an on/off switch). */
size_t tfb_axis_value(const tfb_workload *workload, const tfb_axis *axis);
/* The suite's axes, one line each: name, default values, --quick values, --suite values where they differ, meaning. */
void tfb_suite_print_axes(const tfb_suite *suite, FILE *out);

/* Runs every case: setup, execute, verify, measure, record. Returns the number of failed cases, or -1. */
/* A suite's cases, listed once for the whole run (the progress line counts them before the first one runs). */
typedef struct tfb_case_list {
    tfb_case *items;
    size_t count;
} tfb_case_list;
int tfb_suite_list_cases(const tfb_run *run, const tfb_suite *suite, tfb_case_list *out, tfb_error *err);
void tfb_case_list_free(tfb_case_list *list);
int tfb_suite_run(tfb_run *run, const tfb_suite *suite, const tfb_case_list *cases, tfb_error *err);
/* tfb_suite_run in parts, for a run that goes on in a fresh process after a case it lost: one case recorded into
 * run->results (returns 1 when it failed, 0 when measured or skipped, -1 out of memory), then after the suite's last
 * case its shared state released and its finish hook. */
int tfb_suite_run_case(tfb_run *run, const tfb_suite *suite, const tfb_case *c, tfb_error *err);
void tfb_suite_finish(tfb_run *run, const tfb_suite *suite);
/* After the read ladder and after each suite: the host keeps the freed pages of twice the out-of-cache size (a
 * rotating working set and a read probe beside it) and returns the rest (tfb_context_trim_host_memory), so the
 * run's peak memory is its largest step's, not the sum of what its steps touched. */
void tfb_run_trim_host_memory(tfb_run *run);
/* The result a case starts from (names, shape, flops, bytes; nothing measured): what a lost case is recorded as. */
void tfb_case_template(const tfb_suite *suite, const tfb_case *c, tfb_result *r);
/* How long a case should take, known once its first execution is checked: twice that first part (setup, the
 * execution, the check: the check after timing repeats it), the sampling budget (max_seconds), and the warm-ups,
 * the minimum samples and two more executions at max(execution, sample target) each. */
double tfb_case_expected_seconds(const tfb_timing_policy *policy, double checked_s, double execution_s);
/* A fresh case of ours ("tfbench") in `dtype`, every other field (parameters too) zero. */
void tfb_case_reset(tfb_case *c, const char *dtype);
/* Case name helper: sets c->name to "suite/impl/shape/dtype" from the case's fields. */
void tfb_case_name(tfb_case *c, const char *suite);
/* The out-of-cache sizing of this run, from the device's limits and its caches (hwloc on a CPU device, the global
 * memory cache otherwise). */
void tfb_run_resolve_sizing(tfb_run *run);
tfb_memory_view tfb_run_memory_view(const tfb_device_info *device, const tfb_host_info *host);
/* Bytes a memory-bound suite should spread its rotating working set over: 4x the last-level cache, or the largest
 * size the device allows when that is less (see tfb_sizing). */
uint64_t tfb_run_out_of_cache_bytes(const tfb_run *run);
/* 1 when a working set of this size is not an out-of-cache figure under the run's rule. */
int tfb_run_cache_resident(const tfb_run *run, uint64_t working_set);
/* Prints to run->log when not quiet. */
void tfb_run_note(const tfb_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
