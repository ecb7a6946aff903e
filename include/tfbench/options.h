/* Command-line options of the benchmark run. */
#ifndef TFBENCH_OPTIONS_H
#define TFBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>
#include "tfbench/error.h"

#define TFB_MAX_LIST 32
#define TFB_MAX_HEAD_DIM 512  /* the attention kernels keep a query row and its output in registers */

typedef struct tfb_options {
    int list;                 /* --list */
    int help, version;
    const char *device;       /* --device N|NAME (default "0") */
    const char *suites;       /* --suite a,b (NULL: the default suite) */
    const char *json_path, *csv_path, *out_dir;
    const char *kernel_dir;
    const char *model;        /* --model NAME: weight shapes for gemv/gemm, head layout for attention */
    const char *config;       /* --config FILE.json */
    const char *shape;        /* --shape MxNxK */
    const char *native_path;  /* --native FILE: tfbench-native results to show beside ours */
    size_t batches[TFB_MAX_LIST], batch_count;     /* --batch 1,2,4 */
    size_t kv_heads[TFB_MAX_LIST], kv_head_count;  /* --kv-heads 32,8,1 */
    size_t seqs[TFB_MAX_LIST], seq_count;          /* --seq 128,1024 */
    size_t head_dims[TFB_MAX_LIST], head_dim_count; /* --head-dim 64,128 */
    int quick;
    int verbose;              /* -1 quiet, 0 normal, 1 verbose */
    uint64_t seed;
} tfb_options;

void tfb_options_defaults(tfb_options *opt);
/* Parses argv[1..]; unknown flags, missing values and malformed numbers are errors. */
int tfb_options_parse(int argc, char **argv, tfb_options *opt, tfb_error *err);
/* "1,2,4" -> {1,2,4}; every element must be a positive integer. */
int tfb_parse_size_list(const char *text, size_t *out, size_t max, size_t *count, tfb_error *err);
void tfb_options_usage(FILE *out);
/* "MxNxK" (e.g. "1x4096x4096"): three positive integers; anything else is an error naming the text. */
int tfb_parse_shape(const char *text, size_t *m, size_t *n, size_t *k, tfb_error *err);

#endif
