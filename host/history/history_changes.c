/* Change points of a benchmark's series: E-divisive means (Matteson and James, 2014), the method of MongoDB's
 * performance CI (Daly et al., ICPE 2020) and of Apache Otava (Hunter). The split that maximizes the energy
 * statistic q is tested for significance, and the search recurses into both halves (docs/history.md has the
 * formulas). Values are log times, so a change is a ratio and the interval of its size comes out as one. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/history.h"
#include "tfbench/stats.h"

#define MAX_CHANGES_PER_SERIES 64
#define SIZE_INTERVAL_ALPHA 0.05  /* the size's interval: 95% */

void tfb_change_options_default(tfb_change_options *options)
{
    options->threshold = 0.02;
    options->alpha = 0.001;
    options->min_runs = 3;
    options->normalize = 1;
}

typedef struct segment {
    size_t start, end;  /* [start, end) */
    int done;           /* no split left, or its best split was not significant */
    size_t tau;         /* its best split, found once when the segment is made */
    double q;
} segment;

static int may_split(const char *const *commits, size_t at)
{
    return !commits || !commits[at - 1][0] || !commits[at][0] || strcmp(commits[at - 1], commits[at]) != 0;
}

/* The best split tau of [s, e) (left [s, tau), right [tau, e)) by the E-divisive statistic
 *   q(tau) = a b / (a + b) * (2/(a b) sum_{L x R} |x - y| - sum_{L pairs} |x - x'| / C(a,2) - sum_{R pairs} |y - y'| / C(b,2))
 * in O(m^2): the within-left and within-right sums are carried from one tau to the next. Returns 0 when no split
 * leaves min_runs on each side. */
static int best_split(const double *x, const char *const *commits, size_t s, size_t e, size_t min_runs, size_t *tau,
                      double *q_best)
{
    double total = 0, left = 0, right;
    for (size_t i = s; i < e; i++)
        for (size_t j = i + 1; j < e; j++) total += fabs(x[i] - x[j]);
    right = total;
    int found = 0;
    for (size_t t = s + 1; t + 1 <= e; t++) {
        /* x[t - 1] moves from the right side to the left */
        for (size_t i = s; i + 1 < t; i++) left += fabs(x[i] - x[t - 1]);
        for (size_t j = t; j < e; j++) right -= fabs(x[t - 1] - x[j]);
        size_t a = t - s, b = e - t;
        if (a < min_runs || b < min_runs || a < 2 || b < 2 || !may_split(commits, t)) continue;
        double between = total - left - right;
        double q = (double)a * (double)b / (double)(a + b) *
                   (2.0 * between / ((double)a * (double)b) - left / (a * (a - 1) / 2.0) - right / (b * (b - 1) / 2.0));
        if (!found || q > *q_best) {
            *q_best = q;
            *tau = t;
            found = 1;
        }
    }
    return found;
}

/* P(W <= k) for W = #pairs (a_i > b_j) of m values a against n values b, all orders equally likely: the largest of
 * the m + n values is an a with probability m'/(m'+n') (beating all n' b's: W grows by n') or a b. The table keeps
 * W <= k only, so the cost is n m (k + 1); P[i][w] is P(W = w) for i a's against the b's so far:
 * P(i, nb)(w) = i/(i+nb) P(i-1, nb)(w - nb) + nb/(i+nb) P(i, nb-1)(w). */
static double small_side_tail(size_t m, size_t n, size_t k)
{
    double *p = calloc((m + 1) * (k + 1), sizeof *p);
    if (!p) return NAN;
    for (size_t i = 0; i <= m; i++) p[i * (k + 1)] = 1;  /* no b yet: W = 0 */
    for (size_t nb = 1; nb <= n; nb++)
        for (size_t i = 1; i <= m; i++) {    /* row i - 1 holds nb b's already when row i reads it */
            double *row = p + i * (k + 1), *fewer = p + (i - 1) * (k + 1);
            double a_top = (double)i / (double)(i + nb), b_top = (double)nb / (double)(i + nb);
            for (size_t w = k + 1; w-- > 0;) row[w] = b_top * row[w] + (w >= nb ? a_top * fewer[w - nb] : 0);
        }
    double tail = 0;
    for (size_t w = 0; w <= k; w++) tail += p[m * (k + 1) + w];
    free(p);
    return tail;
}

double tfb_rank_test_small_side_p(const double *a, size_t m, const double *b, size_t n)
{
    if (m > n) return tfb_rank_test_small_side_p(b, n, a, m);
    if (m == 0 || m > TFB_MWU_EXACT_MAX) return NAN;
    size_t above = 0;
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < n; j++) {
            if (a[i] == b[j]) return NAN;
            above += a[i] > b[j];
        }
    size_t k = above < m * n - above ? above : m * n - above;  /* W and mn - W have one distribution */
    if (k > 4096) return NAN;
    return fmin(1.0, 2.0 * small_side_tail(m, n, k));
}

/* The change from [s, tau) to [tau, e): its size (right over left, as a ratio - 1) with a 95% interval, and the
 * p-value of the Mann-Whitney U test. */
static int measure(const double *x, size_t s, size_t tau, size_t e, tfb_change *c)
{
    tfb_mann_whitney u;
    tfb_shift shift;
    if (tfb_mann_whitney_u(x + tau, e - tau, x + s, tau - s, &u) != 0 ||
        tfb_hodges_lehmann(x + tau, e - tau, x + s, tau - s, SIZE_INTERVAL_ALPHA, &shift) != 0)
        return -1;
    double exact = tfb_rank_test_small_side_p(x + tau, e - tau, x + s, tau - s);
    c->before = tau - 1;
    c->p_value = isnan(exact) ? u.p_value : exact;
    c->change = expm1(shift.estimate);
    c->lo = expm1(shift.lo);
    c->hi = expm1(shift.hi);
    return 0;
}

static int compare_before(const void *a, const void *b)
{
    size_t x = ((const tfb_change *)a)->before, y = ((const tfb_change *)b)->before;
    return (x > y) - (x < y);
}

/* Each change measured again between its neighbours, once all are known: the halves of the first split that found
 * it may have held other changes. */
static void remeasure(const double *x, size_t count, tfb_change *found, size_t n)
{
    qsort(found, n, sizeof *found, compare_before);
    for (size_t k = 0; k < n; k++) {
        size_t s = k == 0 ? 0 : found[k - 1].before + 1, e = k + 1 == n ? count : found[k + 1].before + 1;
        double statistic = found[k].statistic;
        measure(x, s, found[k].before + 1, e, &found[k]);
        found[k].statistic = statistic;
    }
}

static segment make_segment(const double *values, const char *const *commits, size_t start, size_t end,
                            size_t min_runs)
{
    segment seg = {start, end, 0, 0, -INFINITY};
    seg.done = !best_split(values, commits, start, end, min_runs, &seg.tau, &seg.q);
    return seg;
}

size_t tfb_edivisive(const double *values, const char *const *commits, size_t count,
                     const tfb_change_options *options, tfb_change *found, size_t max)
{
    segment segments[MAX_CHANGES_PER_SERIES + 1];
    size_t segment_count = 1, n = 0;
    segments[0] = make_segment(values, commits, 0, count, options->min_runs);
    if (max > MAX_CHANGES_PER_SERIES) max = MAX_CHANGES_PER_SERIES;
    while (n < max) {
        size_t best = segment_count;
        for (size_t i = 0; i < segment_count; i++)
            if (!segments[i].done && (best == segment_count || segments[i].q > segments[best].q)) best = i;
        if (best == segment_count) break;
        segment *seg = &segments[best];
        tfb_change c = {0};
        if (measure(values, seg->start, seg->tau, seg->end, &c) != 0 || !(c.p_value < options->alpha)) {
            seg->done = 1;
            continue;
        }
        c.statistic = seg->q;
        found[n++] = c;
        size_t start = seg->start, tau = seg->tau, end = seg->end;
        *seg = make_segment(values, commits, start, tau, options->min_runs);
        segments[segment_count++] = make_segment(values, commits, tau, end, options->min_runs);
    }
    remeasure(values, count, found, n);
    /* only what is still significant and big enough between its neighbours counts */
    size_t kept = 0;
    for (size_t k = 0; k < n; k++)
        if (found[k].p_value < options->alpha && fabs(found[k].change) >= options->threshold) found[kept++] = found[k];
    return kept;
}

static double median_roof(const tfb_history_series *s, double *scratch)
{
    size_t n = 0;
    for (size_t i = 0; i < s->count; i++)
        if (s->points[i].roof_gflops > 0) scratch[n++] = s->points[i].roof_gflops;
    return n ? tfb_median(scratch, n) : 0;
}

/* log time of each point, roof-normalized: time x (its run's roof / the series' median roof) for the runs whose
 * roof moved beyond TFB_CHANGE_ROOF_MOVED (or every run when normalize is 2). */
static void series_values(const tfb_history_series *s, int normalize, double *values, double *scratch)
{
    double reference = normalize ? median_roof(s, scratch) : 0;
    for (size_t i = 0; i < s->count; i++) {
        const tfb_history_point *p = &s->points[i];
        double ratio = reference > 0 && p->roof_gflops > 0 ? p->roof_gflops / reference : 1;
        int moved = fabs(ratio - 1) > TFB_CHANGE_ROOF_MOVED;
        values[i] = log(p->median_s) + (normalize == 2 || moved ? log(ratio) : 0);
    }
}

int tfb_history_changes(const tfb_history_set *set, const tfb_change_options *options, tfb_change_list *out,
                        tfb_error *err)
{
    memset(out, 0, sizeof *out);
    size_t longest = 0, capacity = 0;
    for (size_t i = 0; i < set->count; i++)
        if (set->series[i].count > longest) longest = set->series[i].count;
    double *values = malloc((longest + 1) * sizeof *values), *scratch = malloc((longest + 1) * sizeof *scratch);
    const char **commits = malloc((longest + 1) * sizeof *commits);
    int rc = values && scratch && commits ? TFB_OK : tfb_fail(err, "out of memory");
    for (size_t i = 0; rc == TFB_OK && i < set->count; i++) {
        const tfb_history_series *s = &set->series[i];
        tfb_change found[MAX_CHANGES_PER_SERIES];
        series_values(s, options->normalize, values, scratch);
        for (size_t k = 0; k < s->count; k++) commits[k] = s->points[k].commit;
        size_t n = tfb_edivisive(values, commits, s->count, options, found, MAX_CHANGES_PER_SERIES);
        if (n && out->count + n > capacity) {
            capacity = (out->count + n) * 2;
            tfb_change *grown = realloc(out->changes, capacity * sizeof *grown);
            if (!grown) rc = tfb_fail(err, "out of memory");
            else out->changes = grown;
        }
        for (size_t k = 0; rc == TFB_OK && k < n; k++) {
            found[k].series = i;
            out->changes[out->count++] = found[k];
        }
    }
    free(values);
    free(scratch);
    free(commits);
    if (rc != TFB_OK) tfb_change_list_free(out);
    return rc;
}

void tfb_change_list_free(tfb_change_list *list)
{
    free(list->changes);
    memset(list, 0, sizeof *list);
}
