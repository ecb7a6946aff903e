#include <math.h>
#include <string.h>
#include "tfbench/verify.h"

int tfb_check_f32(const char *what, const float *got, const double *want, size_t count, double atol, double rtol,
                  double *worst, tfb_error *err)
{
    double largest = 0.0;
    for (size_t i = 0; i < count; i++) {
        double allowed = atol + rtol * fabs(want[i]);
        double error = fabs((double)got[i] - want[i]);
        if (isnan(got[i]))
            return tfb_fail(err, "%s[%zu] was never written (still the poison NaN; expected %.6g)", what, i, want[i]);
        if (!(error <= allowed))
            return tfb_fail(err, "%s[%zu] = %.9g, expected %.9g (error %.3g > tolerance %.3g)", what, i,
                            (double)got[i], want[i], error, allowed);
        if (allowed > 0 && error > largest * allowed) largest = error / allowed;  /* divides only on a new worst */
    }
    if (worst) *worst = largest;
    return TFB_OK;
}

double tfb_dot_tolerance_f32(size_t k)
{
    /* fp32 unit roundoff 2^-24 ~ 6e-8; a sum of k products accumulates ~sqrt(k) of them when errors are random,
     * k of them in the worst case. We allow 8*sqrt(k)+ 4 units relative to the sum of |terms| ~ k. */
    const double unit = 5.96e-8;
    return unit * (8.0 * sqrt((double)k) + 4.0);
}

uint64_t tfb_fingerprint_fold(uint64_t hash, const void *data, size_t bytes)
{
    const unsigned char *at = data;
    for (size_t i = 0; i < bytes; i += 8) {
        uint64_t word = 0;
        memcpy(&word, at + i, bytes - i < 8 ? bytes - i : 8);
        hash = (hash ^ word) * 0x9e3779b97f4a7c15ull;
        hash ^= hash >> 29;
    }
    return hash;
}

int tfb_check_unless_unchanged(tfb_passed_output *last, uint64_t fingerprint, tfb_full_check check, void *user,
                               double *worst, tfb_error *err)
{
    if (last->valid && last->fingerprint == fingerprint) {
        *worst = last->worst;
        return TFB_OK;
    }
    int rc = check(user, worst, err);
    *last = (tfb_passed_output){rc == TFB_OK, fingerprint, rc == TFB_OK ? *worst : 0.0};
    return rc;
}

void tfb_add_verification_seconds(cJSON *extra, double seconds)
{
    cJSON *o = cJSON_GetObjectItem(extra, "verification");
    if (o) cJSON_AddNumberToObject(o, "seconds", seconds);
}

void tfb_add_verification(cJSON *extra, size_t rows, size_t cols, double output_elements, const char *method)
{
    cJSON *o = cJSON_AddObjectToObject(extra, "verification");
    if (!o) return;
    cJSON_AddStringToObject(o, "method", method);
    if (strcmp(method, "freivalds") == 0) cJSON_AddNumberToObject(o, "vectors", TFB_FREIVALDS_VECTORS);
    double elements = (double)rows * (double)cols;
    cJSON_AddNumberToObject(o, "rows", (double)rows);
    cJSON_AddNumberToObject(o, "cols", (double)cols);
    cJSON_AddNumberToObject(o, "elements", elements);
    cJSON_AddNumberToObject(o, "fraction", output_elements > 0 ? elements / output_elements : 0.0);
}
