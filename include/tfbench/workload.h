/* What a run measures, resolved from the options once by the CLI before any suite starts: the model (read from
 * --config once, not per suite) and the --shape numbers. Suites read these, never the model files or the shape text. */
#ifndef TFBENCH_WORKLOAD_H
#define TFBENCH_WORKLOAD_H

#include <stddef.h>
#include "tfbench/error.h"
#include "tfbench/model.h"
#include "tfbench/options.h"

typedef struct tfb_workload {
    tfb_model_config model;   /* --model or --config, else llama2-7b: the weight shapes of gemv and gemm */
    int model_named;          /* --model or --config was given: the attention suites then take its head layout */
    int has_shape;            /* --shape MxNxK was given */
    size_t shape_m, shape_n, shape_k;
} tfb_workload;

/* A bad --model, --config or --shape is an error naming it (the CLI's exit 2). */
int tfb_workload_resolve(const tfb_options *opt, tfb_workload *out, tfb_error *err);

#endif
