/* Robust summary of repeated measurements. */
#ifndef TFBENCH_STATS_H
#define TFBENCH_STATS_H

#include <stddef.h>

typedef struct tfb_stats {
    size_t count;
    double median, min, max, mean, stddev;
    double rel_spread;        /* (max - min) / median */
    /* 95% distribution-free confidence interval of the median: the order statistics x(r) and x(n + 1 - r) with the
     * largest r whose Binomial(n, 1/2) coverage is at least 95% (tfb_median_ci_rank). Below 6 samples no pair
     * reaches 95%: then [min, max], and median_ci_coverage says how much less it covers. */
    double median_ci_low, median_ci_high;
    double median_ci_coverage;
    double q1, q3;            /* quartiles, linear between order statistics (numpy's default, Hyndman-Fan type 7) */
    double mad;               /* median absolute deviation from the median, unscaled */
    /* Samples beyond Tukey's fences q1 - 1.5 IQR and q3 + 1.5 IQR: counted and reported, never dropped. */
    size_t outliers_low, outliers_high;
    unsigned long executions; /* back-to-back executions per sample (each sample is its time / executions); 1 */
    /* How well the median is known: the farther end of its 95% interval from it, as a fraction of it. */
    double noise;
    int unstable;             /* the stopping rule ran out of time or samples before noise fell to its target */
} tfb_stats;

/* Fails (returns -1) on an empty sample or a non-finite value; samples are not modified. executions is set to 1. */
int tfb_stats_compute(const double *samples, size_t count, tfb_stats *out);
double tfb_median(const double *samples, size_t count);
/* The 1-based rank r of the lower bound of the 95% confidence interval of the median of `count` samples (the upper
 * one is count + 1 - r), and its exact coverage 1 - 2 P(B <= r - 1), B ~ Binomial(count, 1/2). 0 (coverage of
 * [min, max] in *coverage) when even [min, max] covers less than 95%. coverage may be NULL. */
size_t tfb_median_ci_rank(size_t count, double *coverage);
/* The stopping rule's test: 1 when the median of the samples is known to +-max_noise (a fraction), i.e. its 95%
 * interval lies within median x (1 +- max_noise). Fewer than 6 samples have no 95% interval: 0. *noise (may be
 * NULL) receives the samples' noise as tfb_stats defines it. */
int tfb_noise_settled(const double *samples, size_t count, double max_noise, double *noise);
/* Quantile p in [0, 1] of sorted values, linear between order statistics (type 7). */
double tfb_quantile_sorted(const double *sorted, size_t count, double p);
/* Mann-Whitney U test, two-sided, of whether x and y come from the same distribution (what scipy.stats.mannwhitneyu
 * computes). Exact for small samples without ties (both at most TFB_MWU_EXACT_MAX), else the normal approximation
 * with the tie correction of the variance and a continuity correction of 0.5. */
#define TFB_MWU_EXACT_MAX 8
typedef struct tfb_mann_whitney {
    double u;                 /* U of x: pairs (x_i, y_j) with x_i > y_j, ties counting 1/2 */
    double p_value;
    int exact;                /* 1: the exact distribution of U; 0: the normal approximation */
} tfb_mann_whitney;
/* Fails (returns -1) on an empty sample, a non-finite value or out of memory. */
int tfb_mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, tfb_mann_whitney *out);
/* The Hodges-Lehmann shift of x against y: the median of all differences x_i - y_j, and its distribution-free
 * confidence interval at 1 - alpha, the differences ranked C and nx ny + 1 - C, where C is the largest count with
 * P(U <= C - 1) <= alpha / 2 under the null (exact for both samples at most TFB_MWU_EXACT_MAX, else the normal
 * approximation): the shifts the two-sided U test at alpha would not reject. On log times it is the ratio of two
 * timings with its interval. A side longer than TFB_SHIFT_MAX_PER_SIDE is thinned to that many evenly spaced order
 * statistics first (thinned = 1), which keeps the differences at most 65536. */
#define TFB_SHIFT_MAX_PER_SIDE 256
typedef struct tfb_shift {
    double estimate, lo, hi;
    int thinned;
} tfb_shift;
/* Fails (returns -1) on an empty sample, a non-finite value, alpha outside (0, 1) or out of memory. */
int tfb_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny, double alpha, tfb_shift *out);
double tfb_now_seconds(void);  /* monotonic clock */

#endif
