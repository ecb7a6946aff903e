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

int tfb_stats_compute(const double *samples, size_t count, tfb_stats *out)
{
    memset(out, 0, sizeof *out);
    if (count == 0) return -1;
    double *sorted = malloc(count * sizeof *sorted);
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
    out->min = sorted[0];
    out->max = sorted[count - 1];
    out->median = sorted_median(sorted, count);
    out->mean = sum / (double)count;
    double squares = 0.0;
    for (size_t i = 0; i < count; i++) squares += (samples[i] - out->mean) * (samples[i] - out->mean);
    out->stddev = count > 1 ? sqrt(squares / (double)(count - 1)) : 0.0;
    out->rel_spread = out->median > 0 ? (out->max - out->min) / out->median : 0.0;
    free(sorted);
    return 0;
}

double tfb_now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
