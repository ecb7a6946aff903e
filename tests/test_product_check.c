/* tfb_product_check: every element of C = A W^T checked by Freivalds' projections (or directly for a few rows).
 * Synthetic products computed in fp32 as a kernel would (one FMA chain per element), then damaged on purpose:
 * correct products pass for every seed, every single wrong element above the guaranteed threshold fails for every
 * seed and position, a rounding-sized change passes, and a wrong row, column or swap is named. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/random.h"
#include "tfbench/verify.h"

typedef struct matrix {
    size_t rows, cols;
    uint64_t seed;
    double lo, hi;
} matrix;

/* Row `index` of a seeded matrix, rounded to float as device inputs are. */
static void matrix_row(void *user, size_t index, double *row)
{
    const matrix *mat = user;
    tfb_rng rng;
    tfb_rng_seed(&rng, mat->seed * 1000003u + index);
    for (size_t k = 0; k < mat->cols; k++) row[k] = (float)tfb_rng_uniform(&rng, mat->lo, mat->hi);
}

typedef struct problem {
    matrix a, w;
    float *c;
    tfb_product p;
} problem;

static void problem_make(problem *pr, size_t m, size_t n, size_t k, double lo, double hi, uint32_t seed)
{
    pr->a = (matrix){m, k, 11u + seed, lo, hi};
    pr->w = (matrix){n, k, 7777u + seed, lo, hi};
    pr->c = malloc(m * n * sizeof *pr->c);
    double *a = malloc(k * sizeof *a), *w = malloc(n * k * sizeof *w);
    assert_non_null(pr->c);
    assert_non_null(a);
    assert_non_null(w);
    for (size_t j = 0; j < n; j++) matrix_row(&pr->w, j, w + j * k);
    for (size_t i = 0; i < m; i++) {
        matrix_row(&pr->a, i, a);
        for (size_t j = 0; j < n; j++) {
            float sum = 0.0f;
            for (size_t x = 0; x < k; x++) sum = fmaf((float)a[x], (float)w[j * k + x], sum);
            pr->c[i * n + j] = sum;
        }
    }
    free(a);
    free(w);
    pr->p = (tfb_product){.m = m, .n = n, .k = k, .c = pr->c, .a_row = matrix_row, .w_row = matrix_row,
                          .a_user = &pr->a, .w_user = &pr->w, .rtol = tfb_dot_tolerance_f32(k), .atol = 0.0,
                          .seed = seed};
}

static int check(const problem *pr, double *worst, tfb_error *err)
{
    return tfb_product_check("C", &pr->p, worst, err);
}

/* sum_k |a_mk| max_n |w_nk|: the largest S_mn of row m bounded as the check bounds it. */
static double row_scale(const problem *pr, size_t m)
{
    size_t k = pr->p.k;
    double *a = malloc(k * sizeof *a), *w = malloc(k * sizeof *w), *wmax = calloc(k, sizeof *wmax), scale = 0.0;
    matrix_row((void *)&pr->a, m, a);
    for (size_t n = 0; n < pr->p.n; n++) {
        matrix_row((void *)&pr->w, n, w);
        for (size_t x = 0; x < k; x++) wmax[x] = fmax(wmax[x], fabs(w[x]));
    }
    for (size_t x = 0; x < k; x++) scale += fabs(a[x]) * wmax[x];
    free(a);
    free(w);
    free(wmax);
    return scale;
}

static void correct_products_pass_for_every_seed(void **state)
{
    const size_t shapes[][3] = {{37, 53, 300}, {64, 96, 1000}, {3, 40, 500}, {9, 7, 4096}};
    double largest = 0.0;
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++)
        for (uint32_t seed = 1; seed <= 40; seed++) {
            problem pr;
            problem_make(&pr, shapes[s][0], shapes[s][1], shapes[s][2], seed % 2 ? -1.0 : 0.5, 1.5, seed);
            double worst;
            tfb_error err;
            if (check(&pr, &worst, &err) != TFB_OK) fail_msg("seed %u: %s", seed, err.message);
            largest = fmax(largest, worst);
            free(pr.c);
        }
    assert_true(largest < 0.5);  /* rounding uses a fraction of the bound: the 8-sigma margin */
}

static void method_follows_rows(void **state)
{
    (void)state;
    assert_string_equal(tfb_product_method(4), "full_reference");
    assert_string_equal(tfb_product_method(5), "freivalds");
}

/* A doubled element (what a kernel storing one value twice makes) fails at every position, for every seed. */
static void doubled_element_never_missed(void **state)
{
    size_t misses = 0, trials = 0;
    for (uint32_t seed = 1; seed <= 6; seed++) {
        problem pr;
        problem_make(&pr, 48, 80, 512, seed % 2 ? -1.0 : 0.5, 1.5, seed);
        for (size_t t = 0; t < 60; t++, trials++) {
            size_t at = (t * 7919u + seed * 131u) % (48 * 80);
            float keep = pr.c[at];
            pr.c[at] = 2.0f * keep;
            pr.p.seed = seed * 1000u + (uint32_t)t;
            tfb_error err;
            if (check(&pr, NULL, &err) == TFB_OK) misses++;
            pr.c[at] = keep;
        }
        free(pr.c);
    }
    assert_int_equal(trials, 360);
    assert_int_equal(misses, 0);
}

/* The guaranteed threshold: an error above 4 sqrt(N) x rtol x sum_k |a_mk| max_n |w_nk| fails for every seed; a
 * change of half an element's own bound (rounding, not a bug) passes. */
static void threshold_is_certain_and_rounding_passes(void **state)
{
    const size_t m = 40, n = 64, k = 256;
    for (uint32_t seed = 1; seed <= 4; seed++) {
        problem pr;
        problem_make(&pr, m, n, k, -1.0, 1.0, seed);
        for (size_t t = 0; t < 40; t++) {
            size_t row = (t * 13u + seed) % m, col = (t * 29u + 3u * seed) % n, at = row * n + col;
            double threshold = 4.0 * sqrt((double)n) * pr.p.rtol * row_scale(&pr, row) * 1.01;
            float keep = pr.c[at];
            pr.c[at] = (float)(keep + (t % 2 ? threshold : -threshold));
            pr.p.seed = 77u * seed + (uint32_t)t;
            tfb_error err;
            if (check(&pr, NULL, &err) == TFB_OK) fail_msg("seed %u: row %zu col %zu off by %.3g passed", seed, row,
                                                           col, threshold);
            pr.c[at] = nextafterf(keep, INFINITY);  /* one ulp: far inside the bound */
            if (check(&pr, NULL, &err) != TFB_OK) fail_msg("one ulp failed: %s", err.message);
            pr.c[at] = keep;
        }
        free(pr.c);
    }
}

static void wrong_row_column_and_swap_are_named(void **state)
{
    const size_t m = 32, n = 48;
    problem pr;
    problem_make(&pr, m, n, 200, 0.5, 1.5, 3);
    tfb_error err;
    float *saved = malloc(m * n * sizeof *saved);
    memcpy(saved, pr.c, m * n * sizeof *saved);
    for (size_t j = 0; j < n; j++) pr.c[17 * n + j] *= 2.0f;  /* one row doubled */
    assert_int_equal(check(&pr, NULL, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "1 row (first 17)"));
    memcpy(pr.c, saved, m * n * sizeof *saved);
    for (size_t i = 0; i < m; i++) pr.c[i * n + 40] = 0.0f;  /* one column left zero */
    assert_int_equal(check(&pr, NULL, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "1 column (first 40)"));
    memcpy(pr.c, saved, m * n * sizeof *saved);
    for (size_t i = 0; i < m; i++) {  /* two columns swapped: same row sums with r = 1, not with random r */
        float t = pr.c[i * n + 5];
        pr.c[i * n + 5] = pr.c[i * n + 6];
        pr.c[i * n + 6] = t;
    }
    assert_int_equal(check(&pr, NULL, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "2 columns (first 5)"));
    memcpy(pr.c, saved, m * n * sizeof *saved);
    pr.c[9 * n + 2] = tfb_poison_value();
    assert_int_equal(check(&pr, NULL, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "row 9, column 2 was never written"));
    free(saved);
    free(pr.c);
}

/* Few rows: every element against its own float64 dot product, named by row and column. */
static void direct_path_names_the_element(void **state)
{
    problem pr;
    problem_make(&pr, 2, 300, 700, -1.0, 1.0, 5);
    tfb_error err;
    double worst;
    assert_int_equal(check(&pr, &worst, &err), TFB_OK);
    pr.c[1 * 300 + 123] *= 2.0f;
    assert_int_equal(check(&pr, &worst, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "row 1, column 123"));
    free(pr.c);
}

/* The output-unchanged shortcut: a check counted by calls, passing while *fail is 0. */
typedef struct counted_check {
    int calls, fail;
} counted_check;

static int counted(void *user, double *worst, tfb_error *err)
{
    counted_check *c = user;
    c->calls++;
    *worst = 0.25;
    return c->fail ? tfb_fail(err, "planted failure") : TFB_OK;
}

static void unchanged_output_skips_only_after_a_pass(void **state)
{
    (void)state;
    float out[5] = {1, 2, 3, 4, 5};
    uint64_t same = tfb_fingerprint_fold(TFB_FINGERPRINT_START, out, sizeof out);
    /* folding in 8-byte-multiple pieces gives the whole's fingerprint; one flipped bit changes it */
    assert_true(tfb_fingerprint_fold(tfb_fingerprint_fold(TFB_FINGERPRINT_START, out, 8), out + 2, 12) == same);
    out[4] = nextafterf(out[4], 9.0f);
    uint64_t changed = tfb_fingerprint_fold(TFB_FINGERPRINT_START, out, sizeof out);
    assert_true(changed != same);
    tfb_passed_output last = {0};
    counted_check c = {0, 1};
    tfb_error err;
    double worst = 0.0;
    assert_int_equal(tfb_check_unless_unchanged(&last, same, counted, &c, &worst, &err), TFB_ERROR);
    assert_int_equal(tfb_check_unless_unchanged(&last, same, counted, &c, &worst, &err), TFB_ERROR);
    assert_int_equal(c.calls, 2);  /* a failed output is never remembered */
    c.fail = 0;
    assert_int_equal(tfb_check_unless_unchanged(&last, same, counted, &c, &worst, &err), TFB_OK);
    worst = 0.0;
    assert_int_equal(tfb_check_unless_unchanged(&last, same, counted, &c, &worst, &err), TFB_OK);
    assert_int_equal(c.calls, 3);
    assert_true(worst == 0.25);
    c.fail = 1;
    assert_int_equal(tfb_check_unless_unchanged(&last, changed, counted, &c, &worst, &err), TFB_ERROR);
    assert_int_equal(tfb_check_unless_unchanged(&last, same, counted, &c, &worst, &err), TFB_ERROR);
    assert_int_equal(c.calls, 5);  /* the failure forgot the passed output */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(correct_products_pass_for_every_seed),
        cmocka_unit_test(method_follows_rows),
        cmocka_unit_test(doubled_element_never_missed),
        cmocka_unit_test(threshold_is_certain_and_rounding_passes),
        cmocka_unit_test(wrong_row_column_and_swap_are_named),
        cmocka_unit_test(direct_path_names_the_element),
        cmocka_unit_test(unchanged_output_skips_only_after_a_pass),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
