/* The one reader of results files (tfbench's JSON, tfbench-native's) behind `report`, `--native` and
 * `model --measured`: results files are untrusted input, so it is bounded and validating. Anything outside the
 * limits is refused with a message naming the benchmark and field (the commands exit 2), never parsed into a crash,
 * an endless loop or an SVG coordinate of -inf. */
#ifndef TFBENCH_RESULTS_READ_H
#define TFBENCH_RESULTS_READ_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"

#define TFB_RESULTS_MAX_BYTES ((size_t)64 << 20)
#define TFB_RESULTS_MAX_DEPTH 64
#define TFB_RESULTS_MAX_VALUES 4000000u
#define TFB_RESULTS_MAX_BENCHMARKS 10000u
#define TFB_RESULTS_MAX_NUMBER 1e18  /* any number in the file: flops and bytes of a run stay far below */
#define TFB_RESULTS_MAX_RATE 1e15    /* seconds, GFLOP/s, GB/s, FLOP/B: no real measurement gets near it */
#define TFB_RESULTS_MAX_COUNT 9007199254740992.0  /* 2^53: m, n, k, iterations, bytes as exact integers */

/* Nesting depth and value count of JSON text, checked before parsing (cJSON recurses per level and allocates per
 * value). Shared with compare's reader. */
int tfb_json_check_shape(const char *text, size_t length, size_t max_depth, size_t max_values, tfb_error *err);

/* Parses and validates `length` bytes (need not be NUL-terminated): an object with a "benchmarks" array of at most
 * TFB_RESULTS_MAX_BENCHMARKS objects; context, context.device, .host and .ceilings objects where present; every
 * number finite and within TFB_RESULTS_MAX_NUMBER; the benchmarks' and ceilings' figures within their ranges. */
int tfb_results_parse(const char *text, size_t length, cJSON **root, tfb_error *err);
/* Reads (at most TFB_RESULTS_MAX_BYTES, refused before reading) and parses a file; messages start with the path. */
int tfb_results_read(const char *path, cJSON **root, tfb_error *err);

#endif
