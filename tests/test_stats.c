/* The robust statistics of the timing samples against values worked out by hand and checked with numpy/scipy:
 * the order-statistic confidence interval of the median, quartiles, MAD and Tukey's outlier counts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>
#include "tfbench/sampling.h"
#include "tfbench/stats.h"

/* Ranks of the 95% interval from the binomial tables (and scipy.stats.binom.cdf): n = 6 is the first that reaches
 * 95% with [min, max]; n = 10 gives [x(2), x(9)], n = 20 [x(6), x(15)], n = 100 [x(40), x(61)]. */
static void median_ci_ranks_match_the_binomial_tables(void **state)
{
    (void)state;
    double coverage;
    assert_int_equal(tfb_median_ci_rank(5, &coverage), 0);
    assert_true(fabs(coverage - (1.0 - 2.0 / 32.0)) < 1e-12);  /* [min, max] of 5 covers 93.75% */
    assert_int_equal(tfb_median_ci_rank(6, &coverage), 1);
    assert_true(fabs(coverage - (1.0 - 2.0 / 64.0)) < 1e-12);
    assert_int_equal(tfb_median_ci_rank(10, &coverage), 2);
    assert_true(fabs(coverage - (1.0 - 22.0 / 1024.0)) < 1e-12);
    assert_int_equal(tfb_median_ci_rank(20, &coverage), 6);
    assert_true(fabs(coverage - 0.958610534667969) < 1e-12);  /* 1 - 2 * binom.cdf(5, 20, 0.5) */
    assert_int_equal(tfb_median_ci_rank(100, &coverage), 40);
    assert_true(fabs(coverage - 0.964799799782063) < 1e-9);   /* 1 - 2 * binom.cdf(39, 100, 0.5) */
    assert_int_equal(tfb_median_ci_rank(1, &coverage), 0);
    assert_true(coverage == 0.0);
    assert_int_equal(tfb_median_ci_rank(0, NULL), 0);
}

static void quantiles_interpolate_like_numpy(void **state)
{
    (void)state;
    const double sorted[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
    assert_true(tfb_quantile_sorted(sorted, 10, 0.25) == 3.25);  /* numpy.percentile(x, 25) */
    assert_true(tfb_quantile_sorted(sorted, 10, 0.75) == 7.75);
    assert_true(tfb_quantile_sorted(sorted, 10, 0.0) == 1.0);
    assert_true(tfb_quantile_sorted(sorted, 10, 1.0) == 100.0);
    assert_true(tfb_quantile_sorted(sorted, 1, 0.5) == 1.0);
}

/* One slow sample among ten: counted as a high outlier, kept in every figure, the median barely moved. */
static void robust_summary_of_a_sample_with_an_outlier(void **state)
{
    (void)state;
    const double samples[] = {2, 3, 1, 5, 4, 7, 6, 9, 8, 100};
    tfb_stats s;
    assert_int_equal(tfb_stats_compute(samples, 10, &s), 0);
    assert_true(s.median == 5.5);
    assert_true(s.median_ci_low == 2.0 && s.median_ci_high == 9.0);
    assert_true(fabs(s.median_ci_coverage - 0.978515625) < 1e-12);
    assert_true(s.q1 == 3.25 && s.q3 == 7.75);
    assert_true(s.mad == 2.5);  /* scipy.stats.median_abs_deviation(x) */
    assert_int_equal(s.outliers_low, 0);
    assert_int_equal(s.outliers_high, 1);  /* 100 > 7.75 + 1.5 * 4.5 */
    assert_true(s.max == 100.0 && s.mean == 14.5);
    assert_int_equal(s.executions, 1);
}

static void low_outliers_and_a_small_sample(void **state)
{
    (void)state;
    const double samples[] = {10, 10, 10, 10, 1};
    tfb_stats s;
    assert_int_equal(tfb_stats_compute(samples, 5, &s), 0);
    assert_true(s.q1 == 10.0 && s.q3 == 10.0 && s.mad == 0.0);
    assert_int_equal(s.outliers_low, 1);
    assert_int_equal(s.outliers_high, 0);
    /* too few samples for 95%: [min, max], and how much it covers */
    assert_true(s.median_ci_low == 1.0 && s.median_ci_high == 10.0);
    assert_true(fabs(s.median_ci_coverage - 0.9375) < 1e-12);
}

/* scipy.stats.mannwhitneyu(x, y) of the samples below (scipy 1.17.1): U of x and the two-sided p-value. */
#define P_EXACT_SMALL 0.1111111111111111  /* method="exact" */
#define U_TIES 24.5
#define P_TIES 0.03358730919724172        /* method="asymptotic" */
#define U_LARGE 37.0
#define P_LARGE 0.010414994659063268

/* Small samples without ties: the exact distribution of U. */
static void u_test_exact_for_small_samples(void **state)
{
    (void)state;
    const double x[] = {1.1, 2.3, 3.5, 0.4, 5.6}, y[] = {2.0, 6.1, 7.2, 8.3};
    tfb_mann_whitney t;
    assert_int_equal(tfb_mann_whitney_u(x, 5, y, 4, &t), 0);
    assert_true(t.exact);
    assert_true(t.u == 3.0);  /* 2.3, 3.5 and 5.6 beat 2.0 */
    assert_true(fabs(t.p_value - P_EXACT_SMALL) < 1e-12);
    const double apart_x[] = {1, 2, 3}, apart_y[] = {4, 5, 6};
    assert_int_equal(tfb_mann_whitney_u(apart_x, 3, apart_y, 3, &t), 0);
    assert_true(t.u == 0.0 && fabs(t.p_value - 0.1) < 1e-12);  /* 2 of the 20 orderings are this extreme */
}

/* Ties or larger samples: the normal approximation with the tie-corrected variance and continuity correction,
 * scipy.stats.mannwhitneyu(x, y, method="asymptotic"). */
static void u_test_normal_approximation_with_ties(void **state)
{
    (void)state;
    const double x[] = {1, 2, 2, 3, 3, 3, 4, 5, 9, 10}, y[] = {3, 4, 4, 5, 6, 7, 8, 8, 9, 11, 12};
    tfb_mann_whitney t;
    assert_int_equal(tfb_mann_whitney_u(x, 10, y, 11, &t), 0);
    assert_false(t.exact);
    assert_true(t.u == U_TIES);
    assert_true(fabs(t.p_value - P_TIES) < 1e-12);
    double big_x[12], big_y[15];
    for (size_t i = 0; i < 12; i++) big_x[i] = 1.0 + 0.37 * (double)((i * 7) % 12);
    for (size_t i = 0; i < 15; i++) big_y[i] = 2.1 + 0.41 * (double)((i * 4) % 15);
    assert_int_equal(tfb_mann_whitney_u(big_x, 12, big_y, 15, &t), 0);
    assert_false(t.exact);
    assert_true(t.u == U_LARGE);
    assert_true(fabs(t.p_value - P_LARGE) < 1e-12);
    const double same[] = {5, 5, 5};
    assert_int_equal(tfb_mann_whitney_u(same, 3, same, 3, &t), 0);
    assert_true(t.p_value == 1.0);  /* all tied: no evidence of any difference */
    assert_int_equal(tfb_mann_whitney_u(same, 0, same, 3, &t), -1);
}

/* Deterministic noise, uniform over [-amplitude/2, amplitude/2] around 1 (37 steps mod 101): 50 samples. */
static void synthetic_noise(double *out, size_t count, double amplitude)
{
    for (size_t i = 0; i < count; i++) out[i] = 1.0 + amplitude * ((double)((i * 37) % 101) / 100.0 - 0.5);
}

/* The stopping rule's test on synthetic noise; noise values from the order statistics x(18), x(33) of 50 samples
 * (x(22), x(39) of 60), worked out with numpy. */
static void stopping_rule_settles_on_quiet_samples_only(void **state)
{
    (void)state;
    double samples[60], noise;
    synthetic_noise(samples, 50, 0.01);  /* +-0.5% */
    assert_int_equal(tfb_noise_settled(samples, 50, 0.01, &noise), 1);
    assert_true(fabs(noise - 0.0016500825041252465) < 1e-12);
    assert_int_equal(tfb_noise_settled(samples, 50, 0.001, &noise), 0);  /* +-0.1% is asked too much */
    synthetic_noise(samples, 50, 0.4);   /* +-20% */
    assert_int_equal(tfb_noise_settled(samples, 50, 0.02, &noise), 0);
    assert_true(fabs(noise - 0.06613226452905817) < 1e-12);
    assert_int_equal(tfb_noise_settled(samples, 50, 0.10, &noise), 1);
    /* ten slow outliers (3x) among quiet samples move the median's interval hardly at all */
    synthetic_noise(samples, 50, 0.01);
    for (size_t i = 50; i < 60; i++) samples[i] = 3.0;
    assert_int_equal(tfb_noise_settled(samples, 60, 0.01, &noise), 1);
    assert_true(fabs(noise - 0.0017483390778759362) < 1e-12);
    /* five identical samples: no 95% interval exists yet; six: [min, max] covers 96.9% */
    const double flat[] = {1, 1, 1, 1, 1, 1};
    assert_int_equal(tfb_noise_settled(flat, 5, 0.01, &noise), 0);
    assert_true(noise == 0.0);
    assert_int_equal(tfb_noise_settled(flat, 6, 0.01, &noise), 1);
    assert_int_equal(tfb_noise_settled(flat, 0, 0.01, &noise), 0);
    assert_true(isnan(noise));
}

/* The stopping rule's decisions (tfb_keep_sampling) on synthetic samples, with --quick's budgets: min 0.05 s,
 * max 0.5 s, bursty samples 0.25 s at least, wide intervals up to 1 s. */
static void stopping_rule_extends_only_bursty_and_wide_samples(void **state)
{
    (void)state;
    tfb_timing_policy quick = tfb_timing_default(1);
    assert_true(quick.burst_seconds == 0.25 && quick.max_seconds == 0.5 && quick.wide_seconds == 1.0);
    double samples[60];
    synthetic_noise(samples, 50, 0.01);  /* +-0.5%, quiet: settled, stops at its minimum */
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.06, 0.06), 0);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.01, 0.06), 1);   /* under min_seconds */
    assert_int_equal(tfb_keep_sampling(&quick, samples, 5, 0.06, 0.06), 1);    /* under min_reps */
    /* the same with three 1.5x bursts: the median is as settled, but the samples are bursty: 0.25 s at least */
    for (size_t i = 0; i < 3; i++) samples[10 * i] = 1.5;
    assert_int_equal(tfb_noise_settled(samples, 50, quick.max_noise, NULL), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.06, 0.06), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.24, 0.24), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.26, 0.26), 0);
    /* +-20%: the interval stays wider than the gate's +-3%: on past max_seconds, up to wide_seconds */
    synthetic_noise(samples, 50, 0.4);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.6, 0.6), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.99, 0.99), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 1.0, 1.0), 0);
    /* +-7.5%: wider than +-2% (max_noise) but within +-3%: on until max_seconds only */
    synthetic_noise(samples, 50, 0.15);
    assert_int_equal(tfb_noise_settled(samples, 50, quick.max_noise, NULL), 0);
    assert_int_equal(tfb_noise_settled(samples, 50, TFB_GATE_NOISE, NULL), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.4, 0.4), 1);
    assert_int_equal(tfb_keep_sampling(&quick, samples, 50, 0.5, 0.5), 0);
    /* without the extensions (--max-time given: wide_seconds 0), max_seconds is the end; max_seconds 0: no end */
    synthetic_noise(samples, 50, 0.4);
    tfb_timing_policy fixed = quick;
    fixed.wide_seconds = 0.0;
    assert_int_equal(tfb_keep_sampling(&fixed, samples, 50, 0.5, 0.5), 0);
    fixed.max_seconds = 0.0;
    assert_int_equal(tfb_keep_sampling(&fixed, samples, 50, 100.0, 100.0), 1);
    assert_int_equal(tfb_keep_sampling(&fixed, samples, 2000, 100.0, 100.0), 0);  /* max_reps */
    fixed.max_noise = 0.0;  /* a fixed count (--repetitions): nothing past the minimum */
    assert_int_equal(tfb_keep_sampling(&fixed, samples, 50, 0.06, 0.06), 0);
}

/* Hodges-Lehmann: x = 4..11 against y = 1..8 shifts by 3; the 64 differences 3 + (i - j) and the exact critical
 * value of U for 8 and 8 at 0.05 two-sided (13, as in the tables) give the differences ranked 14 and 51: 0 and 6. */
static void shift_interval_exact_for_small_samples(void **state)
{
    (void)state;
    double x[8], y[8];
    for (int i = 0; i < 8; i++) x[i] = 4 + i, y[i] = 1 + i;
    tfb_shift shift;
    assert_int_equal(tfb_hodges_lehmann(x, 8, y, 8, 0.05, &shift), 0);
    assert_true(shift.estimate == 3.0 && shift.lo == 0.0 && shift.hi == 6.0 && !shift.thinned);
    assert_int_equal(tfb_hodges_lehmann(x, 8, y, 0, 0.05, &shift), -1);
    assert_int_equal(tfb_hodges_lehmann(x, 8, y, 8, 1.0, &shift), -1);
}

/* 20 and 20: C = floor(200 - 1.959964 sqrt(400 x 41 / 12)) = 127; the differences 10 + (i - j) ranked 127 and 274
 * are 6 and 14. 1000 a side are thinned to 256 evenly spaced order statistics, the shift still found. */
static void shift_interval_normal_approximation_and_thinning(void **state)
{
    (void)state;
    double x[1000], y[1000];
    for (int i = 0; i < 20; i++) x[i] = 11 + i, y[i] = 1 + i;
    tfb_shift shift;
    assert_int_equal(tfb_hodges_lehmann(x, 20, y, 20, 0.05, &shift), 0);
    assert_true(shift.estimate == 10.0 && shift.lo == 6.0 && shift.hi == 14.0);
    for (int i = 0; i < 1000; i++) x[i] = 1.0 + 0.001 * i + 0.25, y[i] = 1.0 + 0.001 * i;
    assert_int_equal(tfb_hodges_lehmann(x, 1000, y, 1000, 0.05, &shift), 0);
    assert_true(shift.thinned && fabs(shift.estimate - 0.25) < 1e-3 && shift.lo < 0.25 && shift.hi > 0.25);
}

/* The host sampler (tfbench-native's): warm-ups then samples, each execution numbered in order; an error stops it. */
typedef struct counted_runs {
    size_t calls, next_index, fail_at;
} counted_runs;

static int count_run(void *user, size_t index, tfb_error *err)
{
    counted_runs *c = user;
    if (index != c->next_index++) return tfb_fail(err, "execution %zu out of order", index);
    if (++c->calls == c->fail_at) return tfb_fail(err, "run %zu failed", c->calls);
    return TFB_OK;
}

static void host_sampler_follows_the_policy(void **state)
{
    tfb_sample_record record = {NULL, 0};
    tfb_timing_policy policy = {.warmup = 2, .min_reps = 6, .max_reps = 6, .record = &record};
    counted_runs runs = {0, 0, 0};
    tfb_stats stats;
    tfb_error err = {{0}};
    assert_int_equal(tfb_host_time(count_run, &runs, &policy, &stats, &err), TFB_OK);
    assert_int_equal(runs.calls, 8);   /* no sample target: one execution per sample */
    assert_int_equal(record.count, 6);
    assert_int_equal(stats.executions, 1);
    for (size_t i = 0; i < record.count; i++) assert_true(record.values[i] >= 0.0);
    free(record.values);
    runs = (counted_runs){0, 0, 4};
    assert_int_equal(tfb_host_time(count_run, &runs, &policy, &stats, &err), TFB_ERROR);
    assert_string_equal(err.message, "run 4 failed");
    /* --quick's minimum is the suites' minimum, whoever samples */
    assert_int_equal(tfb_timing_default(1).min_reps, 6);
    assert_int_equal(tfb_timing_default(0).min_reps, 10);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(shift_interval_exact_for_small_samples),
        cmocka_unit_test(shift_interval_normal_approximation_and_thinning),
        cmocka_unit_test(median_ci_ranks_match_the_binomial_tables),
        cmocka_unit_test(quantiles_interpolate_like_numpy),
        cmocka_unit_test(robust_summary_of_a_sample_with_an_outlier),
        cmocka_unit_test(low_outliers_and_a_small_sample),
        cmocka_unit_test(u_test_exact_for_small_samples),
        cmocka_unit_test(u_test_normal_approximation_with_ties),
        cmocka_unit_test(stopping_rule_settles_on_quiet_samples_only),
        cmocka_unit_test(stopping_rule_extends_only_bursty_and_wide_samples),
        cmocka_unit_test(host_sampler_follows_the_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
