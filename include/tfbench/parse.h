/* Numbers typed by a person (--batch 1,2,4, --shape MxNxK): shared by tfbench's options and tfbench-native's, and
 * by the gemm suites until they read their shape from a resolved workload. */
#ifndef TFBENCH_PARSE_H
#define TFBENCH_PARSE_H

#include <stddef.h>
#include "tfbench/error.h"

/* A whole number typed by a person: decimal digits only, at most max. No sign and no blanks: strtoull alone would
 * skip " " and wrap " -5" to 2^64 - 5. Returns TFB_OK, or TFB_ERROR with err naming the text ("not a whole number",
 * "above MAX"). */
int tfb_parse_whole(const char *text, unsigned long long max, unsigned long long *out, tfb_error *err);
/* "1,2,4" -> {1,2,4}; every element must be a positive integer. */
int tfb_parse_size_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err);
/* "MxNxK" (e.g. "1x4096x4096"): three positive integers; anything else is an error naming the text. */
int tfb_parse_shape(const char *text, size_t *m, size_t *n, size_t *k, tfb_error *err);

#endif
