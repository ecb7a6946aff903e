/* Comparing device output against a float64 reference. */
#ifndef TFBENCH_VERIFY_H
#define TFBENCH_VERIFY_H

#include <stddef.h>
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
/* What a check compared, into a result's extra fields: "verification": {"rows", "cols", "elements", "fraction"}
 * (fraction of the `output_elements` the output holds), for both checks (first run, after the timed runs). */
void tfb_add_verification(cJSON *extra, size_t rows, size_t cols, double output_elements);

#endif
