/* compare's consistency check of one benchmark object: the figures a results file states twice must agree. */
#ifndef TFBENCH_COMPARE_CHECK_H
#define TFBENCH_COMPARE_CHECK_H
#include <cjson/cJSON.h>
#include "tfbench/error.h"

/* Relative disagreement allowed between two statements of one figure. tfbench prints every number so that it reads
   back exactly (cJSON: 15 or 17 significant digits), but hand-made and printf("%g") files carry 6 significant
   digits: each printed number is then off by up to 0.5e-5 of itself, and a figure derived from two printed ones
   (GFLOP/s from work and time) differs from its printed statement by up to three such errors, 1.5e-5. The margin
   above that absorbs the double arithmetic; no threshold compare accepts is anywhere near it. */
#define TFB_COMPARE_ROUNDING 2e-5

/* The measured iteration `bench` (its fields already type-checked by the reader), whose median time compare took
   as `median_s` (from time_median_s, else real_time). With samples_s: the median, time_min_s and time_max_s are
   the samples' own and sample_count their number. With tfbench's time_median_s: real_time restates it, and
   gflops, gbytes_per_second, items_per_second and bytes_per_second are flops or bytes over it. Only fields present
   are checked, and the rates only in tfbench's layout: in a Google Benchmark file a user counter may be called
   flops. A contradiction fails naming the benchmark and the field. */
int tfb_compare_check_consistency(const cJSON *bench, const char *name, double median_s, tfb_error *err);

/* Whether a and b are one figure within TFB_COMPARE_ROUNDING of the larger. */
int tfb_compare_same_figure(double a, double b);

#endif
