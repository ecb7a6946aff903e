/* GEMV: decode at batch 1, y[N] = W[N x K] x, on the distinct weight shapes of a model, out of cache (the timed
 * runs rotate over weight matrices totalling >= 4x the last-level cache). Our kernel, fp32 and fp16 weights, and
 * CLBlastSgemv side by side. Names: gemv/IMPL/NxK/DTYPE (N x K = the weight matrix; M = 1). */
#include <stdio.h>
#include <string.h>
#include "gemm_core.h"

static size_t gemv_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    gemm_weight_shape shapes[GEMM_MAX_SHAPES];
    size_t shape_count, n = 0;
    gemm_suite_shapes(run, shapes, &shape_count);
    static const int VARIANTS[][2] = {{GEMM_IMPL_TFBENCH, 0}, {GEMM_IMPL_CLBLAST, 0}, {GEMM_IMPL_TFBENCH, 1}};
    for (size_t i = 0; i < shape_count; i++)
        for (size_t v = 0; v < sizeof VARIANTS / sizeof *VARIANTS; v++, n++)
            if (n < max)
                gemm_case_init(&out[n], "gemv", GEMM_KIND_GEMV, VARIANTS[v][0], VARIANTS[v][1], 1, shapes[i].n,
                               shapes[i].k);
    return n;
}

const tfb_suite tfb_suite_gemv = {
    .name = "gemv",
    .description = "decode GEMV on a model's weight shapes, out of cache: ours (fp32, fp16 weights) and CLBlast",
    .in_default_run = 1,
    .cases = gemv_cases,
    .flops = gemm_case_flops,
    .bytes = gemm_case_bytes,
    .bytes_written = gemm_case_bytes_written,
    .setup = gemm_suite_setup,
    .execute = gemm_suite_execute,
    .verify = gemm_suite_verify,
    .measure = gemm_suite_measure,
    .annotate = gemm_suite_annotate,
    .teardown = gemm_suite_teardown,
    .repoison = gemm_suite_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_SHAPE,  /* batch 1 by definition */
};
