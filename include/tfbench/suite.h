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
};

typedef struct tfb_suite {
    const char *name;
    const char *description;
    int in_default_run;
    /* 1: its working sets stay in cache by design (peak), so it uses no out-of-cache size and a run of such suites
     * alone skips the read ladder (tfb_run_measure_ladder). */
    int cache_only;
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
} tfb_suite;

const tfb_suite *const *tfb_suite_registry(size_t *count);
const tfb_suite *tfb_suite_find(const char *name);
/* Runs every case: setup, execute, verify, measure, record. Returns the number of failed cases, or -1. */
/* A suite's cases, listed once for the whole run (the progress line counts them before the first one runs). */
typedef struct tfb_case_list {
    tfb_case *items;
    size_t count;
} tfb_case_list;
int tfb_suite_list_cases(const tfb_run *run, const tfb_suite *suite, tfb_case_list *out, tfb_error *err);
void tfb_case_list_free(tfb_case_list *list);
int tfb_suite_run(tfb_run *run, const tfb_suite *suite, const tfb_case_list *cases, tfb_error *err);
/* A fresh case of ours ("tfbench") in `dtype`, every other field (parameters too) zero. */
void tfb_case_reset(tfb_case *c, const char *dtype);
/* Case name helper: sets c->name to "suite/impl/shape/dtype" from the case's fields. */
void tfb_case_name(tfb_case *c, const char *suite);
/* The out-of-cache sizing of this run, from the device's limits and its caches (hwloc on a CPU device, the global
 * memory cache otherwise). */
void tfb_run_resolve_sizing(tfb_run *run);
/* After tfb_run_resolve_sizing, when 4x the reported cache is above the floor (tfb_sizing_ladder): reads growing
 * working sets up to it and lowers the out-of-cache size to where the final plateau measurably starts (the rule
 * `measured_plateau`). Implemented by the suites (suites/roofline/ladder.c: the read kernel's). TFB_SKIP with the
 * reason when it cannot measure; the sizing then stays as resolved. */
int tfb_run_measure_ladder(tfb_run *run, tfb_error *err);
/* After the suites, when the stream suite set the read ceiling: the read kernel at every variant once more over the
 * run's out-of-cache size (tfb_read_probe); the ceiling becomes the better of the two, recorded in
 * context.ceilings.read_recheck. A shared machine drifts within a run (a fresh clone's first run read 33.6 GB/s in
 * the stream suite and 35.0 in the layer suite's bracket a minute later), and a ceiling from a slow minute put the
 * GEMVs at 105-108% of it. */
int tfb_run_recheck_read_ceiling(tfb_run *run, tfb_error *err);
tfb_memory_view tfb_run_memory_view(const tfb_device_info *device, const tfb_host_info *host);
/* Bytes a memory-bound suite should spread its rotating working set over: 4x the last-level cache, or the largest
 * size the device allows when that is less (see tfb_sizing). */
uint64_t tfb_run_out_of_cache_bytes(const tfb_run *run);
/* After the last suite: memory-bound labels under the final rule, and the rule in context.ceilings.out_of_cache. */
void tfb_run_finish(tfb_run *run);
/* 1 when a working set of this size is not an out-of-cache figure under the run's rule. */
int tfb_run_cache_resident(const tfb_run *run, uint64_t working_set);
/* Prints to run->log when not quiet. */
void tfb_run_note(const tfb_run *run, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
