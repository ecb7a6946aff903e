/* Robust summary of repeated measurements. */
#ifndef TFBENCH_STATS_H
#define TFBENCH_STATS_H

#include <stddef.h>

typedef struct tfb_stats {
    size_t count;
    double median, min, max, mean, stddev;
    double rel_spread;        /* (max - min) / median */
} tfb_stats;

/* Fails (returns -1) on an empty sample or a non-finite value; samples are not modified. */
int tfb_stats_compute(const double *samples, size_t count, tfb_stats *out);
double tfb_median(const double *samples, size_t count);
double tfb_now_seconds(void);  /* monotonic clock */

#endif
