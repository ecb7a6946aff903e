/* Runs a suite's cases the same way for every suite: setup (random inputs, poisoned outputs), one execution checked
 * against the float64 reference, the timed repetitions, then (suites with a repoison hook) one more execution on
 * outputs poisoned again, checked again. */
#include <math.h>
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tfbench/suite.h"

void tfb_case_reset(tfb_case *c, const char *dtype)
{
    memset(c, 0, sizeof *c);
    c->impl = "tfbench";
    c->dtype = dtype;
}

void tfb_case_name(tfb_case *c, const char *suite)
{
    snprintf(c->name, sizeof c->name, "%s/%s/%s/%s", suite, c->impl ? c->impl : "tfbench", c->shape,
             c->dtype ? c->dtype : "fp32");
}

tfb_memory_view tfb_run_memory_view(const tfb_device_info *device, const tfb_host_info *host)
{
    tfb_memory_view view = {.is_cpu = device->is_cpu, .global_mem_bytes = device->global_mem_bytes,
                            .max_alloc_bytes = device->max_alloc_bytes};
    if (!device->is_cpu) {
        view.last_level_cache = device->global_cache_bytes > (16ull << 20) ? device->global_cache_bytes : 16ull << 20;
        view.cache_name = "global memory cache";
        return view;
    }
    view.last_level_cache = tfb_host_last_level_cache(host);
    view.cache_name = host->l3_total_bytes ? "L3 (hwloc)" : host->l2_bytes ? "L2 x cores (hwloc)" : "cache (assumed)";
    return view;
}

void tfb_run_resolve_sizing(tfb_run *run)
{
    tfb_memory_view view = tfb_run_memory_view(&run->ctx->info, run->host);
    tfb_sizing_decide(&view, &run->sizing);
}

uint64_t tfb_run_out_of_cache_bytes(const tfb_run *run)
{
    return run->sizing.target_bytes;
}

int tfb_run_cache_resident(const tfb_run *run, uint64_t working_set)
{
    return !tfb_sizing_out_of_cache(&run->sizing, working_set);
}

void tfb_run_note(const tfb_run *run, const char *fmt, ...)
{
    if (!run->log || run->opt->verbose < 0) return;
    va_list ap;
    va_start(ap, fmt);
    vfprintf(run->log, fmt, ap);
    va_end(ap);
}

static int progress_visible(const tfb_run *run)
{
    return run->log && run->opt->verbose >= 0 && isatty(fileno(run->log));
}

static void format_eta(double seconds, char *out, size_t size)
{
    if (seconds < 0) snprintf(out, size, "ETA --");
    else if (seconds < 60) snprintf(out, size, "ETA %.0fs", seconds);
    else snprintf(out, size, "ETA %.0fm%02.0fs", floor(seconds / 60), fmod(seconds, 60));
}

/* "[12/40] gemm       4096x4096x1 fp32            ETA 35s": one line, rewritten in place (stderr on a terminal). */
static void show_progress(const tfb_run *run, const tfb_suite *suite, const tfb_case *c)
{
    if (!progress_visible(run)) return;
    const tfb_progress *p = &run->progress;
    int library = c->impl && strcmp(c->impl, "tfbench") != 0;
    char what[256], eta[24];
    snprintf(what, sizeof what, "%s %s%s%s", c->shape[0] ? c->shape : c->name, c->dtype ? c->dtype : "fp32",
             library ? " " : "", library ? c->impl : "");
    double elapsed = tfb_now_seconds() - p->started;
    format_eta(p->done ? elapsed / (double)p->done * (double)(p->total - p->done) : -1, eta, sizeof eta);
    fprintf(run->log, "\r\033[K[%zu/%zu] %-10.10s %-42.42s %s", p->done + 1, p->total, suite->name, what, eta);
    fflush(run->log);
}

static void clear_progress(const tfb_run *run)
{
    if (progress_visible(run)) fprintf(run->log, "\r\033[K");
}

static void init_result(tfb_result *r, const tfb_suite *suite, const tfb_case *c)
{
    snprintf(r->name, sizeof r->name, "%s", c->name);
    snprintf(r->suite, sizeof r->suite, "%s", suite->name);
    snprintf(r->impl, sizeof r->impl, "%s", c->impl ? c->impl : "tfbench");
    snprintf(r->dtype, sizeof r->dtype, "%s", c->dtype ? c->dtype : "fp32");
    snprintf(r->shape, sizeof r->shape, "%s", c->shape);
    snprintf(r->series, sizeof r->series, "%s", c->series);
    r->m = (long long)c->m;
    r->n = (long long)c->n;
    r->k = (long long)c->k;
    r->flops = suite->flops ? suite->flops(c) : 0.0;
    r->bytes = suite->bytes ? suite->bytes(c) : 0.0;
    r->bytes_written = suite->bytes_written ? suite->bytes_written(c) : -1.0;
}

/* A case's suite and state, for the poison a long case's last timed sample runs on (tfb_timing_policy.before_last). */
typedef struct last_sample {
    tfb_run *run;
    const tfb_suite *suite;
    void *state;
    int poisoned;             /* the last timed execution ran on fresh poison: it is the one to check */
} last_sample;

static int poison_before_last(void *user, tfb_error *err)
{
    last_sample *l = user;
    int rc = l->suite->repoison(l->run, l->state, err);
    l->poisoned = rc == TFB_OK;
    return rc;
}

/* The timed repetitions ran on outputs the first check had already seen: poison them again (finite wrong values),
 * execute once more and verify again, so what was timed is what was checked. A long case's last timed execution
 * already ran on that poison (`poisoned`): it is verified as it stands. */
static int verify_after_timing(tfb_run *run, const tfb_suite *suite, void *state, int poisoned, tfb_result *r,
                               tfb_error *err)
{
    if (!suite->repoison) return TFB_OK;
    double max_error = 0.0;
    int rc = poisoned ? TFB_OK : suite->repoison(run, state, err);
    if (rc == TFB_OK && !poisoned) rc = suite->execute(run, state, err);
    if (rc != TFB_OK) return rc;  /* an OpenCL error, not a wrong result */
    rc = suite->verify(run, state, &max_error, err);
    if (rc == TFB_ERROR) {
        char message[sizeof err->message];
        snprintf(message, sizeof message, "%s", err->message);
        r->verified = 0;
        return tfb_fail(err, "after the timed repetitions: %.3900s", message);
    }
    if (max_error > r->max_error) r->max_error = max_error;
    return rc;
}

/* The suite's timed repetitions; their samples are kept for the results file when they are the ones behind r->time
 * (a suite that summarises other timings, like stream's plateau rounds, keeps only its statistics). */
static int measure_recorded(tfb_run *run, const tfb_suite *suite, void *state, tfb_result *r, last_sample *last,
                            tfb_error *err)
{
    tfb_sample_record record = {NULL, 0};
    *last = (last_sample){run, suite, state, 0};
    run->policy.record = &record;
    run->policy.before_last = suite->repoison ? poison_before_last : NULL;
    run->policy.before_last_user = last;
    int rc = suite->measure(run, state, &r->time, err);
    run->policy.record = NULL;
    run->policy.before_last = NULL;
    run->policy.before_last_user = NULL;
    if (rc == TFB_OK && record.count == r->time.count) {
        r->samples = record.values;
        r->sample_count = record.count;
    } else {
        free(record.values);
    }
    return rc;
}

/* One side of a case's local roof (tfb_run.local_roof): read GB/s and fp32 GFLOP/s, 0 where the run has none or its
 * probe could not measure; probes that cannot be set up stop for the rest of the run (a note says why), as the
 * bracket is an aid, never a failure. */
typedef struct roof_side {
    double gbps, gflops;
} roof_side;

static roof_side local_roof(tfb_run *run)
{
    tfb_error err = {{0}};
    roof_side side = {0.0, 0.0};
    if (!run->local_roof) return side;
    int rc = run->local_roof(run, &side.gbps, &side.gflops, &err);
    if (rc == TFB_OK) return side;
    tfb_run_note(run, "local roof: %s%s\n", err.message, rc == TFB_SKIP ? " (no bracket for the rest of the run)" : "");
    if (rc == TFB_SKIP) run->local_roof = NULL;
    return (roof_side){0.0, 0.0};
}

static void add_pair(cJSON *o, const char *before_key, double before, const char *after_key, double after)
{
    if (!(before > 0 && after > 0)) return;
    cJSON_AddNumberToObject(o, before_key, before);
    cJSON_AddNumberToObject(o, after_key, after);
}

/* extra.local_roof: {before_gbps, after_gbps, before_gflops, after_gflops}, each pair when both sides measured it
 * (docs/json-format.md). */
static void record_local_roof(tfb_result *r, const roof_side roof[2])
{
    int read = roof[0].gbps > 0 && roof[1].gbps > 0, peak = roof[0].gflops > 0 && roof[1].gflops > 0;
    if (!read && !peak) return;
    if (!r->extra) r->extra = cJSON_CreateObject();
    cJSON *o = r->extra ? cJSON_AddObjectToObject(r->extra, "local_roof") : NULL;
    if (!o) return;
    add_pair(o, "before_gbps", roof[0].gbps, "after_gbps", roof[1].gbps);
    add_pair(o, "before_gflops", roof[0].gflops, "after_gflops", roof[1].gflops);
}

/* Returns 1 when the case failed (error or wrong result), 0 when measured or skipped. */
static int run_case(tfb_run *run, const tfb_suite *suite, const tfb_case *c, tfb_result *r)
{
    tfb_error err = {{0}};
    void *state = NULL;
    int failed = 0;
    double began = tfb_now_seconds(), executed = 0.0;
    int rc = suite->setup(run, c, &state, &err);
    if (rc == TFB_OK) {
        double before = tfb_now_seconds();
        rc = suite->execute(run, state, &err);
        executed = tfb_now_seconds() - before;
    }
    if (rc == TFB_OK) {
        rc = suite->verify(run, state, &r->max_error, &err);
        r->verified = rc == TFB_OK ? 1 : rc == TFB_ERROR ? 0 : -1;
    }
    if (rc == TFB_OK && run->on_checked)
        run->on_checked(run->on_checked_user, tfb_case_expected_seconds(&run->policy, tfb_now_seconds() - began,
                                                                        executed));
    last_sample last;
    roof_side roof[2] = {{0.0, 0.0}, {0.0, 0.0}};
    if (rc == TFB_OK) roof[0] = local_roof(run);
    if (rc == TFB_OK) rc = measure_recorded(run, suite, state, r, &last, &err);
    if (rc == TFB_OK) roof[1] = local_roof(run);
    if (rc == TFB_OK) rc = verify_after_timing(run, suite, state, last.poisoned, r, &err);
    if (rc == TFB_OK) {
        tfb_result_derive(r);
        if (suite->annotate) suite->annotate(run, c, state, r);
        record_local_roof(r, roof);
    } else if (rc == TFB_SKIP) {
        snprintf(r->skipped, sizeof r->skipped, "%.191s", err.message);
        tfb_run_note(run, "%s: skipped: %s\n", c->name, err.message);
    } else {
        snprintf(r->skipped, sizeof r->skipped, "FAILED: %.180s", err.message);
        memset(&r->time, 0, sizeof r->time);  /* a wrong kernel's timing is no figure, in no output */
        free(r->samples);
        r->samples = NULL;
        r->sample_count = 0;
        clear_progress(run);
        fprintf(stderr, "tfbench: %s: %s%s\n", c->name, r->verified == 0 ? "verification FAILED: " : "", err.message);
        failed = 1;
    }
    if (suite->teardown) suite->teardown(state);
    return failed;
}

#define FIRST_CASE_GUESS 64

/* --filter: keeps the cases whose benchmark name matches, in order (the pattern was checked by the workload). */
static int keep_matching(const char *filter, tfb_case_list *list, tfb_error *err)
{
    regex_t pattern;
    if (regcomp(&pattern, filter, REG_EXTENDED | REG_NOSUB)) return tfb_fail(err, "--filter: bad pattern");
    size_t kept = 0;
    for (size_t i = 0; i < list->count; i++)
        if (regexec(&pattern, list->items[i].name, 0, NULL, 0) == 0) list->items[kept++] = list->items[i];
    regfree(&pattern);
    list->count = kept;
    return TFB_OK;
}

int tfb_suite_list_cases(const tfb_run *run, const tfb_suite *suite, tfb_case_list *out, tfb_error *err)
{
    size_t capacity = FIRST_CASE_GUESS;
    out->items = calloc(capacity, sizeof *out->items);
    out->count = out->items ? suite->cases(run, out->items, capacity) : 0;
    if (out->items && out->count > capacity) {  /* a long sweep: asked again with room for all of it */
        free(out->items);
        capacity = out->count;
        out->items = calloc(capacity, sizeof *out->items);
        if (out->items) out->count = suite->cases(run, out->items, capacity);
    }
    if (!out->items) return tfb_fail(err, "out of memory listing the cases of %s", suite->name);
    for (size_t i = 0; i < out->count; i++)
        if (!out->items[i].name[0]) tfb_case_name(&out->items[i], suite->name);
    const char *filter = run->workload ? run->workload->filter : NULL;
    return filter ? keep_matching(filter, out, err) : TFB_OK;
}

void tfb_case_list_free(tfb_case_list *list)
{
    free(list->items);
    list->items = NULL;
    list->count = 0;
}

double tfb_case_expected_seconds(const tfb_timing_policy *policy, double checked_s, double execution_s)
{
    double sample = execution_s > policy->sample_seconds ? execution_s : policy->sample_seconds;
    double budget = policy->wide_seconds > policy->max_seconds ? policy->wide_seconds : policy->max_seconds;
    return 2.0 * checked_s + budget + (policy->warmup + policy->min_reps + 2.0) * sample;
}

static void release_shared(tfb_run *run, const tfb_suite *suite)
{
    if (suite->release_shared && run->shared) suite->release_shared(run->shared);
    run->shared = NULL;
}

int tfb_suite_run_case(tfb_run *run, const tfb_suite *suite, const tfb_case *c, tfb_error *err)
{
    show_progress(run, suite, c);
    tfb_result *r = tfb_results_add(run->results);
    if (!r) {
        release_shared(run, suite);
        return tfb_fail(err, "out of memory recording results");
    }
    init_result(r, suite, c);
    int failed = run_case(run, suite, c, r);
    run->progress.done++;
    if (run->opt->verbose > 0 && run->log && !r->skipped[0])
        fprintf(run->log, "\r\033[K%s: %.4g ms (median CI %.4g .. %.4g, %zu samples, %zu outliers), %.3g GFLOP/s, "
                "%.3g GB/s\n", r->name, r->time.median * 1e3, r->time.median_ci_low * 1e3,
                r->time.median_ci_high * 1e3, r->time.count, r->time.outliers_low + r->time.outliers_high,
                r->gflops, r->gbytes_per_second);
    return failed;
}

void tfb_suite_finish(tfb_run *run, const tfb_suite *suite)
{
    clear_progress(run);
    release_shared(run, suite);
    if (suite->finish) suite->finish(run);
    tfb_run_trim_host_memory(run);
}

void tfb_run_trim_host_memory(tfb_run *run)
{
    if (run->ctx) tfb_context_trim_host_memory(run->ctx, (size_t)(2 * run->sizing.target_bytes));
}

void tfb_case_template(const tfb_suite *suite, const tfb_case *c, tfb_result *r)
{
    memset(r, 0, sizeof *r);
    r->roofline_fraction = -1.0;
    r->verified = -1;
    init_result(r, suite, c);
}

int tfb_suite_run(tfb_run *run, const tfb_suite *suite, const tfb_case_list *list, tfb_error *err)
{
    int failures = 0;
    if (run->progress.total < run->progress.done + list->count) run->progress.total = run->progress.done + list->count;
    if (run->progress.started <= 0) run->progress.started = tfb_now_seconds();
    run->shared = NULL;
    for (size_t i = 0; i < list->count; i++) {
        int failed = tfb_suite_run_case(run, suite, &list->items[i], err);
        if (failed < 0) return failed;
        failures += failed;
    }
    tfb_suite_finish(run, suite);
    return failures;
}
