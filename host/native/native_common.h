/* What tfbench-native (OpenMP, OpenBLAS) and tfbench-native-cuda (CUDA, cuBLAS) share: their command line, the
 * shapes they measure (the same as tfbench's gemv and gemm suites) and the naming of their results, so both files
 * load onto one chart with `tfbench --native FILE`. Private to host/native. */
#ifndef TFBENCH_NATIVE_COMMON_H
#define TFBENCH_NATIVE_COMMON_H

#include <stdio.h>
#include "tfbench/options.h"
#include "tfbench/results.h"

#define NATIVE_EXIT_USAGE 2

typedef struct native_options {
    const char *json_path;
    int quick, stream_only;
    size_t m, n, k;           /* --shape, 0 when not given */
    size_t batches[TFB_MAX_LIST], batch_count;
} native_options;

/* --json FILE, --quick, --stream-only, --shape MxNxK, --batch 1,8,...; --help prints `usage` and exits 0. */
int native_parse_args(int argc, char **argv, void (*usage)(FILE *out), native_options *opt, tfb_error *err);

/* The cases: GEMV on every weight shape of Llama 2 7B (or the one --shape), GEMM over the batch sweep on the first
 * (8, 32, 128, 512; --quick 16, 128; or --batch, or --shape's M), and 2048^3 in the default run. */
typedef struct native_shapes {
    size_t gemv[3][2];        /* N x K of each GEMV */
    size_t gemv_count;
    size_t n, k;              /* the GEMM sweep's weight shape */
    size_t batches[TFB_MAX_LIST], batch_count;  /* M > 1 only */
    int square;               /* 2048^3 too */
} native_shapes;
void native_shapes_for(const native_options *opt, native_shapes *out);

/* A result named "native/IMPL/gemv/NxK/DTYPE" (m = 1) or "native/IMPL/gemm/MxNxK/DTYPE", with its suite, shape,
 * series (one per implementation, dtype and weight shape) and m, n, k set; NULL when out of memory. */
tfb_result *native_add_gemm_result(tfb_results *results, const char *impl, const char *dtype, size_t m, size_t n,
                                   size_t k);
/* Any other result ("native/cuda/stream/copy"), its fields as given, dtype fp32. */
tfb_result *native_add_result(tfb_results *results, const char *name, const char *suite, const char *impl,
                              const char *shape, const char *series);

#endif
