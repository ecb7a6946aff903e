/* Numbers typed by a person (--batch 1,2,4, --shape MxNxK): shared by tfbench's options and tfbench-native's, and
 * by the gemm suites until they read their shape from a resolved workload. */
#ifndef TFBENCH_PARSE_H
#define TFBENCH_PARSE_H

#include <stddef.h>
#include "tfbench/error.h"

/* "1,2,4" -> {1,2,4}; every element must be a positive integer. */
int tfb_parse_size_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err);
/* "MxNxK" (e.g. "1x4096x4096"): three positive integers; anything else is an error naming the text. */
int tfb_parse_shape(const char *text, size_t *m, size_t *n, size_t *k, tfb_error *err);

#endif
