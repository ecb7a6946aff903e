/* Comparing device output against a float64 reference. */
#ifndef TFBENCH_VERIFY_H
#define TFBENCH_VERIFY_H

#include <stddef.h>
#include <stdint.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"

/* Element i passes when |got - want| <= atol + rtol * |want|. Fails on the first NaN (an unwritten, poisoned
 * output) or the first element out of tolerance, with a message naming `what`, the index and both values.
 * *worst receives the largest |got - want| / (atol + rtol * |want|) seen (<= 1 when everything passed). */
int tfb_check_f32(const char *what, const float *got, const double *want, size_t count, double atol, double rtol,
                  double *worst, tfb_error *err);
/* Tolerance for a dot product of length k in fp32 with inputs of magnitude <= 1: grows like sqrt(k) (random
 * rounding) with a floor, so long reductions are not flagged by rounding alone. */
double tfb_dot_tolerance_f32(size_t k);
/* A matrix product C[M x N] = A[M x K] W^T, W[N x K], C row-major as the device left it; A and W are given a row at
 * a time, in float64 (the suites regenerate their seeded inputs, so neither need exist whole on the host). */
typedef void (*tfb_row_source)(void *user, size_t index, double *row);
typedef struct tfb_product {
    size_t m, n, k;
    const float *c;
    tfb_row_source a_row, w_row;
    void *a_user, *w_user;
    double rtol, atol;        /* element (m, n) may be off by rtol * sum_k |a_mk w_nk| + atol (rounding) */
    uint32_t seed;            /* of the random projection vectors */
    size_t vectors;           /* random vectors per side (0: TFB_FREIVALDS_VECTORS) */
} tfb_product;
#define TFB_FREIVALDS_VECTORS 2
/* Checks every element of C: directly (float64 dot products) when M is a handful of rows, otherwise by Freivalds'
 * method, C r = A (W^T r) and s^T C = (s^T A) W^T for random r, s with entries in +-[1, 2], each projection within
 * the root-sum-square of its elements' bounds (product_check.c derives it). A wrong element of magnitude above twice
 * its projection's bound (about 4 sqrt(N) element bounds in rows, 4 sqrt(M) in columns) fails with certainty.
 * Fails on the first unwritten (NaN) element, or names the first wrong row and column. *worst: the largest
 * |error| / bound seen. */
int tfb_product_check(const char *what, const tfb_product *p, double *worst, tfb_error *err);
/* "full_reference" or "freivalds": what tfb_product_check does for a product of this many output rows. */
const char *tfb_product_method(size_t rows);

/* The last output that passed its check, known by a 64-bit fingerprint of its bytes. The check after timing runs a
 * deterministic kernel on the same inputs again: an output bit-identical to one that passed needs no reference
 * again, and any other output is checked in full (a changed output escapes only by a 2^-64 fingerprint collision). */
typedef struct tfb_passed_output {
    int valid;
    uint64_t fingerprint;
    double worst;             /* that check's largest error / tolerance */
} tfb_passed_output;
#define TFB_FINGERPRINT_START 0x243f6a8885a308d3ull
/* hash with `bytes` more bytes folded in, 8 at a time (multiply, xor-shift; a last partial word zero-padded), so
 * folding a buffer in pieces whose sizes are multiples of 8 gives the fingerprint of the whole. */
uint64_t tfb_fingerprint_fold(uint64_t hash, const void *data, size_t bytes);
/* The one place of the shortcut: an output of `fingerprint` equal to last's passes (*worst = last's); any other runs
 * check(user, worst, err), and last remembers it when it passed (forgets the last one when it failed). */
typedef int (*tfb_full_check)(void *user, double *worst, tfb_error *err);
int tfb_check_unless_unchanged(tfb_passed_output *last, uint64_t fingerprint, tfb_full_check check, void *user,
                               double *worst, tfb_error *err);

/* What a check compared, into a result's extra fields: "verification": {"method", "rows", "cols", "elements",
 * "fraction"} (fraction of the `output_elements` the output holds), for both checks (first run, after the timed
 * runs). method: "freivalds" (then also "vectors": random vectors per side), "full_reference" (every element
 * against float64) or "sample" (a seeded sample of elements). */
void tfb_add_verification(cJSON *extra, size_t rows, size_t cols, double output_elements, const char *method);
/* "seconds" in that record: the wall time of the case's checks together (the first and the one after timing). */
void tfb_add_verification_seconds(cJSON *extra, double seconds);

#endif
