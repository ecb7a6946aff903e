/* What a benchmark run was asked for, as the command line said it: read by the driver and the suites. Parsing argv
 * and the usage text belong to the CLI (tfbench/options_parse.h). */
#ifndef TFBENCH_OPTIONS_H
#define TFBENCH_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

#define TFB_MAX_LIST 32
#define TFB_MAX_HEAD_DIM 512  /* the attention kernels keep a query row and its output in registers */

typedef struct tfb_options {
    int list;                 /* --list */
    int help, version;
    const char *device;       /* --device N|NAME (default "0") */
    const char *suites;       /* --suite a,b (NULL: the default suite) */
    const char *filter;       /* --filter REGEX: only the benchmarks whose name matches (POSIX extended) */
    const char *json_path, *csv_path, *out_dir;
    const char *kernel_dir;
    const char *model;        /* --model NAME: weight shapes for gemv/gemm, head layout for attention */
    const char *config;       /* --config FILE.json */
    const char *shape;        /* --shape MxNxK */
    const char *native_path;  /* --native FILE: tfbench-native results to show beside ours */
    const char *sweep;        /* --sweep batch|seq: the layer suite's serving curves (docs/serving.md) */
    size_t batches[TFB_MAX_LIST], batch_count;     /* --batch 1,2,4 */
    size_t kv_heads[TFB_MAX_LIST], kv_head_count;  /* --kv-heads 32,8,1 */
    size_t seqs[TFB_MAX_LIST], seq_count;          /* --seq 128,1024 */
    size_t head_dims[TFB_MAX_LIST], head_dim_count; /* --head-dim 64,128 */
    size_t kv_dtypes[TFB_MAX_LIST], kv_dtype_count; /* --kv-dtype fp32,fp16,q8_0 (tfb_kv_dtype values) */
    size_t weight_formats[TFB_MAX_LIST], weight_format_count; /* --weights fp32,...,int4-g128 (tfb_weight_format) */
    int quick;
    int local_roof;           /* --local-roof: a read and a peak probe around every case's samples (docs/compare.md) */
    /* The timing's stopping rule (tfb_timing_policy); < 0: the default. --repetitions N fixes the sample count. */
    double repetitions;       /* --repetitions N */
    double min_time;          /* --min-time S */
    double max_time;          /* --max-time S */
    double max_noise;         /* --max-noise PCT, as a fraction */
    double case_timeout;      /* --case-timeout S: the watchdog's limit per case; 0 none; < 0 the default rule */
    int verbose;              /* -1 quiet, 0 normal, 1 verbose */
    uint64_t seed;
} tfb_options;

#endif
