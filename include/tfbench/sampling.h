/* How a benchmark's samples are taken, for every timer alike (OpenCL events, wall clock, CUDA events): the timing
 * policy (warm-up, sample length, the stopping rule, the budgets, --quick), and the sampler that applies it to a
 * callback measuring back-to-back executions. No OpenCL here: tfbench-native times its host work with it. */
#ifndef TFBENCH_SAMPLING_H
#define TFBENCH_SAMPLING_H

#include <stddef.h>
#include "tfbench/error.h"
#include "tfbench/stats.h"

/* Where the timing functions leave the samples behind the statistics they return (seconds per execution, in the
 * order measured), for the results file. The receiver owns `values` (free()). */
typedef struct tfb_sample_record {
    double *values;
    size_t count;
} tfb_sample_record;

typedef struct tfb_timing_policy {
    unsigned warmup;          /* runs excluded from the statistics */
    unsigned min_reps;
    unsigned max_reps;
    double min_seconds;       /* keep repeating until the measured time reaches this ... */
                              /* ... and min_reps are done, or max_reps are reached */
    tfb_sample_record *record;/* optional: receives the samples (the suite driver's, for the JSON); NULL drops them */
    /* A sample holds back-to-back executions until it lasts at least this (counted from the fastest warm-up), so
     * launch overhead and clock resolution are small against it; 0 (or no warm-up): one execution per sample. */
    double sample_seconds;
    /* The stopping rule: once min_reps and min_seconds are reached, keep sampling until the median is known to
     * +-max_noise (a fraction; tfb_noise_settled) or max_seconds of sampling have passed (or max_reps); a benchmark
     * that ran out is marked unstable. max_noise 0: off (a fixed count, as --repetitions). */
    double max_noise;
    double max_seconds;
    /* Two extensions of the stopping rule for the regression gate (tfb_keep_sampling): samples that are bursty
     * (slowest - fastest over 25% of the median) are taken for at least burst_seconds, so a short kernel's
     * samples span more than one of a shared machine's slow phases; and past max_seconds, sampling goes on up to
     * wide_seconds while the median's interval is still wider than +-TFB_GATE_NOISE (what a 15% change needs
     * to be told from a 10% threshold). 0: off. */
    double burst_seconds;
    double wide_seconds;
    /* Long cases (tfb_timing_long_case): before_last, when set, runs just before the last sample (the suite driver
     * poisons the outputs there), so the check after timing verifies the last timed execution itself instead of
     * costing one more execution. */
    int check_last;
    int (*before_last)(void *user, tfb_error *err);
    void *before_last_user;
} tfb_timing_policy;

/* Stopping-rule defaults: the median's 95% interval within +-2% on a CPU device (a shared 2-core machine's noise
 * leaves +-1% out of reach for many sub-millisecond kernels), +-1% on a GPU; at most 1 s of sampling per
 * benchmark (0.5 s with --quick). A benchmark that settles stops at its minimum; the budget is spent only where the
 * samples are noisy, and there it buys what the gate needs: on a 2-core VM whose kernels run 30% slower for
 * phases of ~0.3 s, 0.4 / 0.1 s left a phase covering half of a benchmark's samples (a 15% slowdown was within
 * noise on 3-6% of benchmarks), 1 / 0.5 s dilute it (none), at the same run time. */
#define TFB_MAX_NOISE_CPU 0.02
/* The gate flags a change when the Hodges-Lehmann interval of the shift between two runs lies beyond the 10%
 * threshold; that interval is about sqrt(2) times as wide as each run's interval of its median, so a 15% slowdown
 * is flagged when each median is known to within +-5% / sqrt(2), i.e. +-3.5%; 3% leaves a margin. */
#define TFB_GATE_NOISE 0.03
/* (slowest - fastest) / median above which samples count as bursty. */
#define TFB_BURSTY_SPREAD 0.25
#define TFB_MAX_NOISE_GPU 0.01
/* Sample targets: 1 ms on a CPU device (PoCL's launch jitter is tens of microseconds), 0.1 ms on a GPU (a few). */
#define TFB_SAMPLE_SECONDS_CPU 1e-3
#define TFB_SAMPLE_SECONDS_GPU 1e-4
#define TFB_MAX_EXECUTIONS 10000ul

/* Long cases (a warm execution over TFB_LONG_CASE_S: naive attention at n = 2048, the long flash case, a prefill
 * layer on a CPU) take a fixed TFB_LONG_CASE_SAMPLES samples after one warm-up. Five a side
 * is the fewest with which the exact two-sided Mann-Whitney U test of two runs reaches p < 0.05 with two pairs out
 * of order (U <= 2); with three a side it cannot go below p = 0.1, so a change in a long case could never be
 * called. */
#define TFB_LONG_CASE_S 0.2
#define TFB_LONG_CASE_SAMPLES 5
/* `policy` for a long case: no warm-up, exactly `samples` samples of one execution, no minimum time, no stopping
 * rule; its last sample runs on freshly poisoned outputs (check_last). */
tfb_timing_policy tfb_timing_long_case(tfb_timing_policy policy, unsigned samples);
/* The policy of a case whose checked run took checked_s and, when that was over TFB_LONG_CASE_S, whose next
 * execution took warm_s (the caller runs it: it is the case's warm-up, never a sample). A first execution also pays
 * one-time costs (on a fresh PoCL cache the driver compiles each kernel for its work-group size at its first
 * enqueue: 0.35 s for a 20 ms decode layer, 4.8 s for a 1.2 s prefill layer), so a case is long only when its
 * warm execution is long too. */
tfb_timing_policy tfb_timing_for_case(tfb_timing_policy policy, double checked_s, double warm_s);

/* The CPU default; the run lowers sample_seconds to TFB_SAMPLE_SECONDS_GPU on other devices. */
tfb_timing_policy tfb_timing_default(int quick);
/* Executions per sample so that one lasts at least sample_seconds: ceil(sample / execution), 1 .. TFB_MAX_EXECUTIONS;
 * 1 when sample_seconds is 0, the maximum when an execution is too short to measure. */
unsigned long tfb_executions_per_sample(double sample_seconds, double execution_seconds);

/* The stopping rule, on the samples so far (reps of them, `total` seconds of device time, `elapsed` seconds of
 * wall time since the first): 1 to take another sample. In order: the minimum count and time; max_reps; bursty
 * samples until burst_seconds; with max_noise, until the median is known to +-max_noise, within max_seconds, then
 * while it is wider than +-TFB_GATE_NOISE within wide_seconds. Past 64 samples the interval is tested every ~3%
 * more samples, not after each. */
int tfb_keep_sampling(const tfb_timing_policy *p, const double *samples, size_t reps, double total, double elapsed);

/* Runs `executions` executions back to back, numbered from `first` (the number picks the rotating set), and
 * measures them as one sample: *seconds is the time of them all. */
typedef int (*tfb_measure_fn)(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err);
/* The sampling every timer shares (OpenCL events, wall clock, tfbench-native-cuda's CUDA events): warm-up executions
 * first (discarded; the fastest sets how many executions a sample holds, policy->sample_seconds), then samples until
 * the stopping rule says enough; each sample is recorded as its time per execution. */
int tfb_repeat_measure(tfb_measure_fn measure_one, void *user, const tfb_timing_policy *policy, tfb_stats *out,
                       tfb_error *err);

/* A wall-clock timer of host work: `fn` runs execution `index` (the number picks a rotating set) and returns when
 * it is done. */
typedef int (*tfb_host_run_fn)(void *user, size_t index, tfb_error *err);
/* tfb_repeat_measure of `fn` by the monotonic wall clock. */
int tfb_host_time(tfb_host_run_fn fn, void *user, const tfb_timing_policy *policy, tfb_stats *out, tfb_error *err);

#endif
