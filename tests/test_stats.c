/* The robust statistics of the timing samples against values worked out by hand and checked with numpy/scipy:
 * the order-statistic confidence interval of the median, quartiles, MAD and Tukey's outlier counts. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_ci_ranks_match_the_binomial_tables),
        cmocka_unit_test(quantiles_interpolate_like_numpy),
        cmocka_unit_test(robust_summary_of_a_sample_with_an_outlier),
        cmocka_unit_test(low_outliers_and_a_small_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
