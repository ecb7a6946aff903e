/* GEMV: decode at batch 1, y[N] = W[N x K] x, on the distinct weight shapes of a model, out of cache (the timed
 * runs rotate over weight matrices totalling >= 4x the last-level cache). Our kernel, fp32 and fp16 weights (and
 * q8_0, q4_0, int4-g128 when the suite is named), and CLBlastSgemv side by side.
 * Names: gemv/IMPL/NxK/DTYPE (N x K = the weight matrix; M = 1). */
#include <stdio.h>
#include <string.h>
#include "gemm_core.h"

/* The weight formats: values of GEMM_WEIGHTS_* (fp32 includes CLBlast beside ours). */
static const tfb_axis WEIGHTS = {"weights", "weight formats: 0 fp32 (and CLBlast), 1 fp16, 2 q8_0, 3 q4_0, 4 int4-g128 "
                                 "(docs/quantization.md)", TFB_AXIS_LIST(0, 1), TFB_AXIS_LIST(0, 1),
                                 TFB_AXIS_LIST(0, 1, 2, 3, 4)};
/* Beside each quantized format, on the first shape: the same kernel with its weights in the cache (8 blocks of each
 * row read over and over), what the dequantization alone costs (docs/quantization.md). */
static const tfb_axis DEQUANT_ONLY = {"dequant_only", "1: also each quantized format on the first shape with its "
                                      "weights in the cache (the arithmetic's own rate)", TFB_AXIS_LIST(0),
                                      TFB_AXIS_LIST(0), TFB_AXIS_LIST(1)};
static const tfb_axis *const GEMV_AXES[] = {&WEIGHTS, &DEQUANT_ONLY};
enum { DEQUANT_WINDOW = 8 };

static size_t gemv_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    gemm_weight_shape shapes[GEMM_MAX_SHAPES];
    size_t shape_count, n = 0;
    gemm_suite_shapes(run, shapes, &shape_count);
    tfb_axis_list formats = tfb_axis_values(run->workload, &WEIGHTS);
    for (size_t i = 0; i < shape_count; i++)
        for (size_t f = 0; f < formats.count; f++) {
            size_t weights = formats.values[f];
            if (n < max) gemm_case_init_weights(&out[n], "gemv", GEMM_KIND_GEMV, (int)weights, 1, shapes[i].n,
                                                shapes[i].k);
            n++;
            if (weights >= GEMM_WEIGHTS_Q8_0 && i == 0 && tfb_axis_value(run->workload, &DEQUANT_ONLY)) {
                if (n < max) {
                    gemm_case_init_weights(&out[n], "gemv", GEMM_KIND_GEMV, (int)weights, 1, shapes[i].n, shapes[i].k);
                    gemm_case_set_window(&out[n], DEQUANT_WINDOW);
                }
                n++;
            }
            if (weights != GEMM_WEIGHTS_FP32) continue;
            if (n < max) gemm_case_init(&out[n], "gemv", GEMM_KIND_GEMV, GEMM_IMPL_CLBLAST, 0, 1, shapes[i].n,
                                        shapes[i].k);
            n++;
        }
    return n;
}

const tfb_suite tfb_suite_gemv = {
    .name = "gemv",
    .description = "decode GEMV on a model's weight shapes, out of cache: ours (fp32, fp16, q8_0, q4_0, int4-g128 "
                   "weights) and CLBlast",
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
    TFB_SUITE_AXES(GEMV_AXES),
};
