/* What a run measures, resolved from the options once by the CLI before any suite starts: the model (read from
 * --config once, not per suite), the --shape numbers and the sweep lists. Suites read these, never the options, the
 * model files or the shape text. */
#ifndef TFBENCH_WORKLOAD_H
#define TFBENCH_WORKLOAD_H

#include <stddef.h>
#include "tfbench/error.h"
#include "tfbench/model.h"
#include "tfbench/options.h"

/* --sweep: the layer suite's serving curves instead of its own sweep. */
typedef enum { TFB_SWEEP_NONE = 0, TFB_SWEEP_BATCH, TFB_SWEEP_SEQ } tfb_sweep_kind;

typedef struct tfb_workload {
    tfb_model_config model;   /* --model or --config, else llama2-7b: the weight shapes of gemv and gemm */
    int model_named;          /* --model or --config was given: the attention suites then take its head layout */
    int has_shape;            /* --shape MxNxK was given */
    size_t shape_m, shape_n, shape_k;
    /* the sweeps the command line asked for (count 0: the suite's default) */
    size_t batches[TFB_MAX_LIST], batch_count;
    size_t kv_heads[TFB_MAX_LIST], kv_head_count;
    size_t seqs[TFB_MAX_LIST], seq_count;
    size_t head_dims[TFB_MAX_LIST], head_dim_count;
    size_t kv_dtypes[TFB_MAX_LIST], kv_dtype_count;  /* tfb_kv_dtype values */
    size_t weight_formats[TFB_MAX_LIST], weight_format_count;  /* tfb_weight_format values (--weights) */
    int quick;                /* --quick: every suite's short sweep */
    tfb_sweep_kind sweep;     /* --sweep batch|seq (the options checked the word) */
    const char *filter;       /* --filter: a valid POSIX extended regex of benchmark names, or NULL */
    int suites_named;         /* --suite named the suites: one whose default-run share is a subset runs all of it */
} tfb_workload;

/* A bad --model, --config, --shape, --filter or --kernel-dir (missing, or not a folder) is an error naming it (the
 * CLI's exit 2). */
int tfb_workload_resolve(const tfb_options *opt, tfb_workload *out, tfb_error *err);

#endif
