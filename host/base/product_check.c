/* Every element of a matrix product C = A W^T checked against float64, at O(MN + NK + MK) by Freivalds' method (or
 * directly when the product is a GEMV-like handful of rows, where the direct reference costs no more).
 *
 * Per element the bound is b_mn = rtol S_mn + atol, S_mn = sum_k |a_mk w_nk| (the rounding bound of the suites:
 * rtol is an 8-sigma bound of random fp32 rounding). A projection sums N (or M) elements' errors weighted by r;
 * rounding errors of different elements are independent and zero-mean, so the projection's error has a standard
 * deviation of at most sqrt(sum_n r_n^2 b_mn^2) / 8, and the check allows sqrt(sum_n r_n^2 b_mn^2) (8 sigma again).
 * That sum needs S_mn per element (O(MNK)); it is bounded instead by S_mn^2 <= S_mn * Smax_m with
 * Smax_m = |a_m| . wmax (wmax_k = max_n |w_nk|), so
 *     T_m^2 <= rtol^2 (|a_m| . wmax) (|a_m| . (|W|^T r^2)) + atol^2 sum r^2     (two linear projections)
 * plus the float64 rounding of the projections themselves, 2 (N + K) 2^-52 |a_m| . (|W|^T 1) (|r| <= 2).
 * A single wrong element changes one row's projection by r_n e with |r_n| >= 1 (entries uniform in +-[1, 2]), so
 * an error |e| > 2 T is caught by every vector, whatever its draw: no miss probability at all. T is about
 * sqrt(7 N / 3 x wmax / mean|w|) element bounds: a doubled element is thousands of T's. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/verify.h"

#define F64_UNIT 0x1p-52
#define DIRECT_MAX_ROWS 4    /* up to this many rows the direct reference costs no more than the projections */

/* Entry i of random vector `vector`: uniform magnitude in [1, 2), random sign (a splitmix64 of the index). */
static double sign_vector_entry(uint32_t seed, size_t vector, size_t i)
{
    uint64_t x = ((uint64_t)seed << 32 ^ (uint64_t)vector << 56) + i * 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    double magnitude = 1.0 + (double)(x >> 11) * 0x1p-53;
    return (x & 1u) ? -magnitude : magnitude;
}

static double dot(const double *a, const double *b, size_t k)
{
    double sum = 0.0;
    for (size_t i = 0; i < k; i++) sum += a[i] * b[i];
    return sum;
}

static double abs_dot(const double *a, const double *b, size_t k)
{
    double sum = 0.0;
    for (size_t i = 0; i < k; i++) sum += fabs(a[i]) * b[i];
    return sum;
}

static void axpy(double *y, double alpha, const double *x, size_t k)
{
    for (size_t i = 0; i < k; i++) y[i] += alpha * x[i];
}

static void abs_axpy(double *y, double alpha, const double *x, size_t k)
{
    for (size_t i = 0; i < k; i++) y[i] += alpha * fabs(x[i]);
}

static void abs_max(double *y, const double *x, size_t k)
{
    for (size_t i = 0; i < k; i++) y[i] = fmax(y[i], fabs(x[i]));
}

/* The first element of C never written (still NaN), as a failure; TFB_OK when there is none. */
static int find_unwritten(const char *what, const tfb_product *p, tfb_error *err)
{
    for (size_t m = 0; m < p->m; m++)
        for (size_t n = 0; n < p->n; n++)
            if (isnan(p->c[m * p->n + n]))
                return tfb_fail(err, "%s: row %zu, column %zu was never written (still the poison NaN)", what, m, n);
    return TFB_OK;
}

/* GEMV-like: every element against its own float64 dot product and bound. */
static int check_direct(const char *what, const tfb_product *p, double *worst, tfb_error *err)
{
    double *a = malloc(p->m * p->k * sizeof *a), *w = malloc(p->k * sizeof *w);
    int rc = a && w ? TFB_OK : tfb_fail(err, "%s: out of memory for the reference", what);
    for (size_t m = 0; rc == TFB_OK && m < p->m; m++) p->a_row(p->a_user, m, a + m * p->k);
    for (size_t n = 0; rc == TFB_OK && n < p->n; n++) {
        p->w_row(p->w_user, n, w);
        for (size_t m = 0; m < p->m; m++) {
            double want = dot(a + m * p->k, w, p->k), got = p->c[m * p->n + n];
            double scale = 0.0;
            for (size_t i = 0; i < p->k; i++) scale += fabs(a[m * p->k + i] * w[i]);
            double bound = p->rtol * scale + p->atol, error = fabs(got - want);
            if (!(error <= bound)) {
                rc = tfb_fail(err, "%s: row %zu, column %zu = %.9g, expected %.9g (error %.3g > tolerance %.3g)",
                              what, m, n, got, want, error, bound);
                break;
            }
            if (bound > 0 && error / bound > *worst) *worst = error / bound;
        }
    }
    free(a);
    free(w);
    return rc;
}

/* The projections of one side, vectors x extent: what C gave, what A and W give, and the allowed difference. */
typedef struct side {
    size_t extent;
    double *got, *want, *bound;
} side;

typedef struct freivalds {
    const tfb_product *p;
    size_t vectors;
    side rows, cols;            /* rows: C r (r over columns); cols: s^T C (s over rows) */
    double *r, *s;              /* the random vectors, vectors x N and vectors x M */
    double *a, *w;              /* one row of A or W */
    double *u, *u_sq;           /* per vector: W^T r, |W|^T r^2 (length K) */
    double *v, *v_sq;           /* per vector: A^T s, |A|^T s^2 */
    double *amax, *wmax;        /* per k: max_m |a_mk|, max_n |w_nk| */
    double *asum, *wsum;        /* per k: sum_m |a_mk|, sum_n |w_nk| (the float64 rounding bound) */
} freivalds;

static void freivalds_free(freivalds *f)
{
    double *all[] = {f->rows.got, f->rows.want, f->rows.bound, f->cols.got, f->cols.want, f->cols.bound, f->r, f->s,
                     f->a, f->w, f->u, f->u_sq, f->v, f->v_sq, f->amax, f->wmax, f->asum, f->wsum};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
}

static int freivalds_alloc(freivalds *f, const tfb_product *p, size_t vectors)
{
    memset(f, 0, sizeof *f);
    f->p = p;
    f->vectors = vectors;
    f->rows.extent = p->m;
    f->cols.extent = p->n;
    size_t vm = vectors * p->m, vn = vectors * p->n, vk = vectors * p->k;
    f->rows.got = calloc(vm, sizeof(double)), f->rows.want = calloc(vm, sizeof(double));
    f->rows.bound = calloc(vm, sizeof(double)), f->cols.got = calloc(vn, sizeof(double));
    f->cols.want = calloc(vn, sizeof(double)), f->cols.bound = calloc(vn, sizeof(double));
    f->r = malloc(vn * sizeof(double)), f->s = malloc(vm * sizeof(double));
    f->a = malloc(p->k * sizeof(double)), f->w = malloc(p->k * sizeof(double));
    f->u = calloc(vk, sizeof(double)), f->u_sq = calloc(vk, sizeof(double));
    f->v = calloc(vk, sizeof(double)), f->v_sq = calloc(vk, sizeof(double));
    f->amax = calloc(p->k, sizeof(double)), f->wmax = calloc(p->k, sizeof(double));
    f->asum = calloc(p->k, sizeof(double)), f->wsum = calloc(p->k, sizeof(double));
    if (!f->rows.got || !f->rows.want || !f->rows.bound || !f->cols.got || !f->cols.want || !f->cols.bound || !f->r ||
        !f->s || !f->a || !f->w || !f->u || !f->u_sq || !f->v || !f->v_sq || !f->amax || !f->wmax || !f->asum ||
        !f->wsum)
        return TFB_ERROR;
    for (size_t j = 0; j < vectors; j++) {
        for (size_t n = 0; n < p->n; n++) f->r[j * p->n + n] = sign_vector_entry(p->seed, 2 * j, n);
        for (size_t m = 0; m < p->m; m++) f->s[j * p->m + m] = sign_vector_entry(p->seed, 2 * j + 1, m);
    }
    return TFB_OK;
}

/* C r and s^T C from the device's C. */
static void project_c(freivalds *f)
{
    const tfb_product *p = f->p;
    for (size_t m = 0; m < p->m; m++) {
        const float *c = p->c + m * p->n;
        for (size_t j = 0; j < f->vectors; j++) {
            const double *r = f->r + j * p->n;
            double *col = f->cols.got + j * p->n, s = f->s[j * p->m + m], sum = 0.0;
            for (size_t n = 0; n < p->n; n++) {
                sum += (double)c[n] * r[n];
                col[n] += s * (double)c[n];
            }
            f->rows.got[j * p->m + m] = sum;
        }
    }
}

/* Pass over A: s^T A, |A|^T s^2 and max |A| per column. */
static void pass_a_left(freivalds *f)
{
    const tfb_product *p = f->p;
    for (size_t m = 0; m < p->m; m++) {
        p->a_row(p->a_user, m, f->a);
        abs_max(f->amax, f->a, p->k);
        abs_axpy(f->asum, 1.0, f->a, p->k);
        for (size_t j = 0; j < f->vectors; j++) {
            double s = f->s[j * p->m + m];
            axpy(f->v + j * p->k, s, f->a, p->k);
            abs_axpy(f->v_sq + j * p->k, s * s, f->a, p->k);
        }
    }
}

/* Pass over W: (s^T A) W^T with its bounds, and W^T r, |W|^T r^2, max and sum of |W| for the rows. */
static void pass_w(freivalds *f)
{
    const tfb_product *p = f->p;
    double f64 = (double)(p->m + p->k) * F64_UNIT;
    for (size_t n = 0; n < p->n; n++) {
        p->w_row(p->w_user, n, f->w);
        abs_max(f->wmax, f->w, p->k);
        abs_axpy(f->wsum, 1.0, f->w, p->k);
        double largest = abs_dot(f->w, f->amax, p->k), absolute = abs_dot(f->w, f->asum, p->k);
        for (size_t j = 0; j < f->vectors; j++) {
            double r = f->r[j * p->n + n];
            f->cols.want[j * p->n + n] = dot(f->v + j * p->k, f->w, p->k);
            double spread = abs_dot(f->w, f->v_sq + j * p->k, p->k);
            f->cols.bound[j * p->n + n] = p->rtol * sqrt(largest * spread) + 2.0 * f64 * absolute;
            axpy(f->u + j * p->k, r, f->w, p->k);
            abs_axpy(f->u_sq + j * p->k, r * r, f->w, p->k);
        }
    }
}

/* Second pass over A: A (W^T r) and its bounds. */
static void pass_a_right(freivalds *f)
{
    const tfb_product *p = f->p;
    double f64 = (double)(p->n + p->k) * F64_UNIT;
    for (size_t m = 0; m < p->m; m++) {
        p->a_row(p->a_user, m, f->a);
        double largest = abs_dot(f->a, f->wmax, p->k), absolute = abs_dot(f->a, f->wsum, p->k);
        for (size_t j = 0; j < f->vectors; j++) {
            f->rows.want[j * p->m + m] = dot(f->a, f->u + j * p->k, p->k);
            double spread = abs_dot(f->a, f->u_sq + j * p->k, p->k);
            f->rows.bound[j * p->m + m] = p->rtol * sqrt(largest * spread) + 2.0 * f64 * absolute;
        }
    }
}

/* The atol part: sqrt(sum r^2) atol on each projection. */
static void add_atol(freivalds *f)
{
    const tfb_product *p = f->p;
    for (size_t j = 0; j < f->vectors && p->atol > 0; j++) {
        double rr = 0.0, ss = 0.0;
        for (size_t n = 0; n < p->n; n++) rr += f->r[j * p->n + n] * f->r[j * p->n + n];
        for (size_t m = 0; m < p->m; m++) ss += f->s[j * p->m + m] * f->s[j * p->m + m];
        for (size_t m = 0; m < p->m; m++) f->rows.bound[j * p->m + m] += p->atol * sqrt(rr);
        for (size_t n = 0; n < p->n; n++) f->cols.bound[j * p->n + n] += p->atol * sqrt(ss);
    }
}

/* Index of the first projection out of its bound (extent when none), the count of them, and the worst ratio. */
static size_t first_wrong(const side *sd, size_t vectors, size_t *wrong, double *worst)
{
    size_t first = sd->extent;
    *wrong = 0;
    for (size_t i = 0; i < sd->extent; i++) {
        int bad = 0;
        for (size_t j = 0; j < vectors; j++) {
            size_t at = j * sd->extent + i;
            double error = fabs(sd->got[at] - sd->want[at]);
            if (!(error <= sd->bound[at])) bad = 1;
            else if (sd->bound[at] > 0 && error / sd->bound[at] > *worst) *worst = error / sd->bound[at];
        }
        if (bad && first == sd->extent) first = i;
        *wrong += (size_t)bad;
    }
    return first;
}

static int verdict(const char *what, const freivalds *f, double *worst, tfb_error *err)
{
    size_t wrong_rows, wrong_cols;
    size_t row = first_wrong(&f->rows, f->vectors, &wrong_rows, worst);
    size_t col = first_wrong(&f->cols, f->vectors, &wrong_cols, worst);
    if (!wrong_rows && !wrong_cols) return TFB_OK;
    const side *sd = wrong_rows ? &f->rows : &f->cols;
    size_t at = wrong_rows ? row : col, j = 0;
    while (j + 1 < f->vectors && fabs(sd->got[j * sd->extent + at] - sd->want[j * sd->extent + at]) <=
                                     sd->bound[j * sd->extent + at])
        j++;
    size_t i = j * sd->extent + at;
    char rows_text[64] = "no row", cols_text[64] = "no column";
    if (wrong_rows) snprintf(rows_text, sizeof rows_text, "%zu row%s (first %zu)", wrong_rows,
                             wrong_rows == 1 ? "" : "s", row);
    if (wrong_cols) snprintf(cols_text, sizeof cols_text, "%zu column%s (first %zu)", wrong_cols,
                             wrong_cols == 1 ? "" : "s", col);
    return tfb_fail(err, "%s: wrong in %s and %s of %zux%zu: the %s projection %zu is %.9g, expected %.9g "
                    "(error %.3g > tolerance %.3g)", what, rows_text, cols_text, f->p->m, f->p->n,
                    wrong_rows ? "row" : "column", at, sd->got[i], sd->want[i], fabs(sd->got[i] - sd->want[i]),
                    sd->bound[i]);
}

static int check_freivalds(const char *what, const tfb_product *p, double *worst, tfb_error *err)
{
    freivalds f;
    int rc = freivalds_alloc(&f, p, p->vectors ? p->vectors : TFB_FREIVALDS_VECTORS);
    if (rc != TFB_OK) rc = tfb_fail(err, "%s: out of memory for the reference", what);
    if (rc == TFB_OK) {
        project_c(&f);
        pass_a_left(&f);
        pass_w(&f);
        pass_a_right(&f);
        add_atol(&f);
        rc = verdict(what, &f, worst, err);
    }
    freivalds_free(&f);
    return rc;
}

const char *tfb_product_method(size_t rows)
{
    return rows <= DIRECT_MAX_ROWS ? "full_reference" : "freivalds";
}

int tfb_product_check(const char *what, const tfb_product *p, double *worst, tfb_error *err)
{
    double largest = 0.0;
    int rc = find_unwritten(what, p, err);
    if (rc == TFB_OK && p->m <= DIRECT_MAX_ROWS) rc = check_direct(what, p, &largest, err);
    else if (rc == TFB_OK) rc = check_freivalds(what, p, &largest, err);
    if (worst) *worst = largest;
    return rc;
}
