#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tfbench/stats.h"

static int compare_doubles(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Median of an already sorted array. */
static double sorted_median(const double *sorted, size_t count)
{
    size_t mid = count / 2;
    return count % 2 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

double tfb_median(const double *samples, size_t count)
{
    if (count == 0) return NAN;
    double *copy = malloc(count * sizeof *copy);
    if (!copy) return NAN;
    memcpy(copy, samples, count * sizeof *copy);
    qsort(copy, count, sizeof *copy, compare_doubles);
    double median = sorted_median(copy, count);
    free(copy);
    return median;
}

double tfb_quantile_sorted(const double *sorted, size_t count, double p)
{
    if (count == 0) return NAN;
    double h = (double)(count - 1) * p;
    size_t lo = (size_t)floor(h), hi = lo + 1 < count ? lo + 1 : count - 1;
    return sorted[lo] + (h - (double)lo) * (sorted[hi] - sorted[lo]);
}

/* P(B = i) for B ~ Binomial(n, 1/2), through logarithms so large n neither overflows nor underflows early. */
static double binomial_half_pmf(size_t n, size_t i)
{
    double log_choose = lgamma((double)n + 1) - lgamma((double)i + 1) - lgamma((double)(n - i) + 1);
    return exp(log_choose - (double)n * log(2.0));
}

size_t tfb_median_ci_rank(size_t count, double *coverage)
{
    const double tail_allowed = 0.025;  /* each side of a two-sided 95% interval */
    double tail = 0.0;
    size_t rank = 0;
    while (rank < count) {
        double next = binomial_half_pmf(count, rank);
        if (tail + next > tail_allowed) break;
        tail += next;
        rank++;
    }
    if (coverage) *coverage = rank > 0 ? 1.0 - 2.0 * tail : count > 0 ? 1.0 - 2.0 * binomial_half_pmf(count, 0) : 0.0;
    return rank;
}

/* Order-statistic CI of the median, quartiles, MAD and Tukey's outliers, from the sorted samples; `scratch` holds
 * count doubles. */
static void robust_summary(const double *sorted, size_t count, double *scratch, tfb_stats *out)
{
    size_t rank = tfb_median_ci_rank(count, &out->median_ci_coverage);
    out->median_ci_low = rank > 0 ? sorted[rank - 1] : sorted[0];
    out->median_ci_high = rank > 0 ? sorted[count - rank] : sorted[count - 1];
    out->q1 = tfb_quantile_sorted(sorted, count, 0.25);
    out->q3 = tfb_quantile_sorted(sorted, count, 0.75);
    double fence = 1.5 * (out->q3 - out->q1);
    for (size_t i = 0; i < count; i++) {
        scratch[i] = fabs(sorted[i] - out->median);
        out->outliers_low += sorted[i] < out->q1 - fence;
        out->outliers_high += sorted[i] > out->q3 + fence;
    }
    qsort(scratch, count, sizeof *scratch, compare_doubles);
    out->mad = sorted_median(scratch, count);
    double farther = fmax(out->median - out->median_ci_low, out->median_ci_high - out->median);
    out->noise = out->median > 0 ? farther / out->median : 0.0;
}

int tfb_noise_settled(const double *samples, size_t count, double max_noise, double *noise)
{
    tfb_stats s;
    if (noise) *noise = NAN;
    if (tfb_stats_compute(samples, count, &s) != 0) return 0;
    if (noise) *noise = s.noise;
    return tfb_median_ci_rank(count, NULL) > 0 && s.noise <= max_noise;
}

int tfb_stats_compute(const double *samples, size_t count, tfb_stats *out)
{
    memset(out, 0, sizeof *out);
    if (count == 0) return -1;
    double *sorted = malloc(2 * count * sizeof *sorted);
    if (!sorted) return -1;
    double sum = 0.0;
    for (size_t i = 0; i < count; i++) {
        if (!isfinite(samples[i])) {
            free(sorted);
            return -1;
        }
        sorted[i] = samples[i];
        sum += samples[i];
    }
    qsort(sorted, count, sizeof *sorted, compare_doubles);
    out->count = count;
    out->executions = 1;
    out->min = sorted[0];
    out->max = sorted[count - 1];
    out->median = sorted_median(sorted, count);
    out->mean = sum / (double)count;
    double squares = 0.0;
    for (size_t i = 0; i < count; i++) squares += (samples[i] - out->mean) * (samples[i] - out->mean);
    out->stddev = count > 1 ? sqrt(squares / (double)(count - 1)) : 0.0;
    out->rel_spread = out->median > 0 ? (out->max - out->min) / out->median : 0.0;
    robust_summary(sorted, count, sorted + count, out);
    free(sorted);
    return 0;
}

double tfb_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- Mann-Whitney U ---- */

typedef struct ranked_value {
    double value;
    int from_x;
} ranked_value;

static int compare_ranked(const void *a, const void *b)
{
    return compare_doubles(&((const ranked_value *)a)->value, &((const ranked_value *)b)->value);
}

/* Rank sum of x (tied values share their mean rank) and the tie term sum(t^3 - t) over the groups of ties. */
static void rank_sum(ranked_value *all, size_t n, double *rank_sum_x, double *tie_term)
{
    qsort(all, n, sizeof *all, compare_ranked);
    *rank_sum_x = 0.0;
    *tie_term = 0.0;
    for (size_t start = 0, end; start < n; start = end) {
        size_t from_x = 0;
        for (end = start; end < n && all[end].value == all[start].value; end++) from_x += (size_t)all[end].from_x;
        double t = (double)(end - start), mean_rank = 0.5 * (double)(start + 1 + end);
        *rank_sum_x += mean_rank * (double)from_x;
        *tie_term += t * t * t - t;
    }
}

/* P(U >= u) under the null hypothesis, by counting the orderings of nx x's and ny y's with each U (the recurrence
 * of adding one x, which beats all j y's before it, or one y). nx, ny <= TFB_MWU_EXACT_MAX. */
static double exact_upper_tail(size_t nx, size_t ny, double u)
{
    enum { SIDE = TFB_MWU_EXACT_MAX + 1, CELLS = TFB_MWU_EXACT_MAX * TFB_MWU_EXACT_MAX + 1 };
    double ways[SIDE][SIDE][CELLS];
    for (size_t i = 0; i <= nx; i++)
        for (size_t j = 0; j <= ny; j++)
            for (size_t k = 0; k <= i * j; k++) {
                if (i == 0 || j == 0) {
                    ways[i][j][k] = k == 0;
                    continue;
                }
                double last_x = k >= j ? ways[i - 1][j][k - j] : 0.0;  /* k - j <= (i - 1) j holds */
                double last_y = k <= i * (j - 1) ? ways[i][j - 1][k] : 0.0;
                ways[i][j][k] = last_x + last_y;
            }
    double total = 0.0, tail = 0.0;
    for (size_t k = 0; k <= nx * ny; k++) {
        total += ways[nx][ny][k];
        if ((double)k >= u) tail += ways[nx][ny][k];
    }
    return tail / total;
}

int tfb_mann_whitney_u(const double *x, size_t nx, const double *y, size_t ny, tfb_mann_whitney *out)
{
    memset(out, 0, sizeof *out);
    if (nx == 0 || ny == 0) return -1;
    size_t n = nx + ny;
    ranked_value *all = malloc(n * sizeof *all);
    if (!all) return -1;
    for (size_t i = 0; i < n; i++) {
        all[i] = i < nx ? (ranked_value){x[i], 1} : (ranked_value){y[i - nx], 0};
        if (!isfinite(all[i].value)) {
            free(all);
            return -1;
        }
    }
    double sum_x, ties, product = (double)nx * (double)ny;
    rank_sum(all, n, &sum_x, &ties);
    free(all);
    out->u = sum_x - 0.5 * (double)nx * (double)(nx + 1);
    double larger = fmax(out->u, product - out->u), mean = 0.5 * product;
    out->exact = ties == 0.0 && nx <= TFB_MWU_EXACT_MAX && ny <= TFB_MWU_EXACT_MAX;
    if (out->exact) {
        out->p_value = fmin(1.0, 2.0 * exact_upper_tail(nx, ny, larger));
        return 0;
    }
    double variance = product / 12.0 * ((double)n + 1.0 - ties / ((double)n * ((double)n - 1.0)));
    double z = variance > 0 ? (larger - mean - 0.5) / sqrt(variance) : 0.0;
    out->p_value = variance > 0 ? fmin(1.0, erfc(z / sqrt(2.0))) : 1.0;  /* 2 x the normal upper tail */
    return 0;
}

/* Sorted copy of at most `keep` of the values: all of them, or evenly spaced order statistics of a larger sample. */
static double *thinned_sorted(const double *values, size_t count, size_t keep, size_t *out_count)
{
    double *sorted = malloc(count * sizeof *sorted);
    if (!sorted) return NULL;
    memcpy(sorted, values, count * sizeof *sorted);
    qsort(sorted, count, sizeof *sorted, compare_doubles);
    if (count <= keep) return *out_count = count, sorted;
    for (size_t i = 0; i < keep; i++) sorted[i] = sorted[(size_t)((double)i * (double)(count - 1) / (double)(keep - 1))];
    *out_count = keep;
    return sorted;
}

/* z with P(|Z| > z) = alpha for a standard normal Z (1.959964 at 0.05), by bisection on erfc. */
static double two_sided_normal_quantile(double alpha)
{
    double lo = 0.0, hi = 40.0;
    for (int i = 0; i < 100; i++) {
        double mid = 0.5 * (lo + hi);
        if (erfc(mid / sqrt(2.0)) > alpha) lo = mid;
        else hi = mid;
    }
    return 0.5 * (lo + hi);
}

/* The largest C with P(U <= C - 1) <= alpha / 2 under the null, at least 1 (then the interval is the whole range). */
static size_t shift_interval_rank(size_t nx, size_t ny, double alpha)
{
    double product = (double)nx * (double)ny;
    if (nx <= TFB_MWU_EXACT_MAX && ny <= TFB_MWU_EXACT_MAX) {
        size_t c = 1;
        while ((double)c < product / 2 && exact_upper_tail(nx, ny, product - (double)c) <= alpha / 2) c++;
        return c;  /* P(U <= c - 1) = P(U >= nx ny - (c - 1)) by symmetry */
    }
    double z = two_sided_normal_quantile(alpha);
    double c = floor(product / 2 - z * sqrt(product * ((double)(nx + ny) + 1.0) / 12.0));
    return c >= 1 ? (size_t)c : 1;
}

int tfb_hodges_lehmann(const double *x, size_t nx, const double *y, size_t ny, double alpha, tfb_shift *out)
{
    memset(out, 0, sizeof *out);
    if (nx == 0 || ny == 0 || !(alpha > 0 && alpha < 1)) return -1;
    size_t mx = 0, my = 0;
    double *sx = thinned_sorted(x, nx, TFB_SHIFT_MAX_PER_SIDE, &mx);
    double *sy = thinned_sorted(y, ny, TFB_SHIFT_MAX_PER_SIDE, &my);
    double *differences = sx && sy ? malloc(mx * my * sizeof *differences) : NULL;
    int rc = differences ? 0 : -1;
    for (size_t i = 0; !rc && i < mx; i++)
        for (size_t j = 0; j < my; j++) differences[i * my + j] = sx[i] - sy[j];
    for (size_t k = 0; !rc && k < mx * my; k++)
        if (!isfinite(differences[k])) rc = -1;
    if (!rc) {
        size_t count = mx * my, c = shift_interval_rank(mx, my, alpha);
        qsort(differences, count, sizeof *differences, compare_doubles);
        out->estimate = sorted_median(differences, count);
        out->lo = differences[c - 1];
        out->hi = differences[count - c];
        out->thinned = mx < nx || my < ny;
    }
    free(sx);
    free(sy);
    free(differences);
    return rc;
}
