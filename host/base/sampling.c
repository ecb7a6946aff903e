/* The sampling every timer shares: warm-ups, the executions a sample holds, and the stopping rule. */
#include <math.h>
#include <stdlib.h>
#include "tfbench/sampling.h"

tfb_timing_policy tfb_timing_default(int quick)
{
    /* --quick: 6 samples at least, the fewest with a 95% interval of the median */
    /* The gate's extensions (tfb_keep_sampling): bursty samples over 0.25 s span about one of a 2-core VM's ~0.3 s
     * slow phases instead of fitting inside one; twice the budget only for the few benchmarks whose interval stays
     * wider than the gate needs (stream's 20 ms samples, CLBlast's 60 ms GEMV) */
    tfb_timing_policy policy = {.warmup = 2, .min_reps = quick ? 6 : 10, .max_reps = 2000,
                                .min_seconds = quick ? 0.05 : 0.3, .sample_seconds = TFB_SAMPLE_SECONDS_CPU,
                                .max_noise = TFB_MAX_NOISE_CPU, .max_seconds = quick ? 0.5 : 1.0,
                                .burst_seconds = quick ? 0.25 : 0.5, .wide_seconds = quick ? 1.0 : 2.0};
    return policy;
}

tfb_timing_policy tfb_timing_long_case(tfb_timing_policy policy, unsigned samples)
{
    policy.warmup = 0;
    policy.min_reps = policy.max_reps = samples;
    policy.min_seconds = 0.0;
    policy.max_noise = 0.0;  /* a fixed count: seconds per sample leave no time to wait for an interval */
    policy.check_last = 1;
    return policy;
}

tfb_timing_policy tfb_timing_for_case(tfb_timing_policy policy, double checked_s, double warm_s)
{
    if (checked_s > TFB_LONG_CASE_S && warm_s > TFB_LONG_CASE_S)
        return tfb_timing_long_case(policy, TFB_LONG_CASE_SAMPLES);
    return policy;
}

unsigned long tfb_executions_per_sample(double sample_seconds, double execution_seconds)
{
    if (!(sample_seconds > 0)) return 1;
    if (!(execution_seconds > 0)) return TFB_MAX_EXECUTIONS;  /* under the clock's resolution */
    double wanted = ceil(sample_seconds / execution_seconds);
    return wanted <= 1 ? 1 : wanted >= TFB_MAX_EXECUTIONS ? TFB_MAX_EXECUTIONS : (unsigned long)wanted;
}

static int bursty(const double *samples, size_t reps)
{
    tfb_stats s;
    if (tfb_stats_compute(samples, reps, &s) != 0 || !(s.median > 0)) return 0;
    return (s.max - s.min) / s.median > TFB_BURSTY_SPREAD;
}

int tfb_keep_sampling(const tfb_timing_policy *p, const double *samples, size_t reps, double total, double elapsed)
{
    size_t max_reps = p->max_reps > 0 ? p->max_reps : 1;
    if (reps >= max_reps) return 0;
    if (reps < p->min_reps || total < p->min_seconds) return 1;
    if (!(p->max_noise > 0)) return 0;
    int unlimited = !(p->max_seconds > 0);  /* max_seconds 0: until the noise target or max_reps */
    if (!unlimited && elapsed >= fmax(p->max_seconds, p->wide_seconds)) return 0;
    if (reps > 64 && reps % (reps / 32) != 0) return 1;
    if (elapsed < p->burst_seconds && bursty(samples, reps)) return 1;
    if (tfb_noise_settled(samples, reps, p->max_noise, NULL)) return 0;
    if (unlimited || elapsed < p->max_seconds) return 1;
    return !tfb_noise_settled(samples, reps, TFB_GATE_NOISE, NULL);  /* past max_seconds, within wide_seconds */
}

/* Warm-ups, then samples until the stopping rule (keep_sampling) says enough. */
int tfb_repeat_measure(tfb_measure_fn measure_one, void *user, const tfb_timing_policy *policy, tfb_stats *out,
                       tfb_error *err)
{
    double seconds = 0.0, fastest_warmup = INFINITY, total = 0.0;
    size_t max_reps = policy->max_reps > 0 ? policy->max_reps : 1, reps = 0, next = 0;
    double *samples = malloc(max_reps * sizeof *samples);
    if (!samples) return tfb_fail(err, "out of memory for timing samples");
    for (unsigned i = 0; i < policy->warmup; i++, next++) {
        if (measure_one(user, next, 1, &seconds, err) != TFB_OK) goto fail;
        fastest_warmup = fmin(fastest_warmup, seconds);
    }
    unsigned long executions = policy->warmup ? tfb_executions_per_sample(policy->sample_seconds, fastest_warmup) : 1;
    double started = tfb_now_seconds();
    while (tfb_keep_sampling(policy, samples, reps, total, tfb_now_seconds() - started)) {
        int last = policy->check_last && policy->before_last && reps + 1 == max_reps;
        if (last && policy->before_last(policy->before_last_user, err) != TFB_OK) goto fail;
        if (measure_one(user, next, executions, &seconds, err) != TFB_OK) goto fail;
        next += executions;
        total += seconds;
        samples[reps++] = seconds / (double)executions;
    }
    if (tfb_stats_compute(samples, reps, out) != 0) {
        tfb_fail(err, "timing produced no usable samples");
        goto fail;
    }
    out->executions = executions;
    out->unstable = policy->max_noise > 0 && !tfb_noise_settled(samples, reps, policy->max_noise, NULL);
    if (policy->record) {  /* handed over: the record owns them now */
        free(policy->record->values);
        policy->record->values = samples;
        policy->record->count = reps;
        return TFB_OK;
    }
    free(samples);
    return TFB_OK;
fail:
    free(samples);
    return TFB_ERROR;
}

typedef struct host_timer {
    tfb_host_run_fn fn;
    void *user;
} host_timer;

static int measure_host(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err)
{
    host_timer *t = user;
    double start = tfb_now_seconds();
    for (unsigned long e = 0; e < executions; e++)
        if (t->fn(t->user, first + e, err) != TFB_OK) return TFB_ERROR;
    *seconds = tfb_now_seconds() - start;
    return TFB_OK;
}

int tfb_host_time(tfb_host_run_fn fn, void *user, const tfb_timing_policy *policy, tfb_stats *out, tfb_error *err)
{
    host_timer timer = {fn, user};
    return tfb_repeat_measure(measure_host, &timer, policy, out, err);
}
