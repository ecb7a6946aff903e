/* GEMM across batch sizes: C[M x N] = A[M x K] W^T for M = tokens in flight, on one weight shape of the model
 * (plus 2048^3), ours (fp32, fp16 weights) and CLBlastSgemm side by side. finish() reports the measured crossover
 * batch next to the prediction from the measured ridge point. Names: gemm/IMPL/MxNxK/DTYPE. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "gemm_core.h"

static const size_t DEFAULT_BATCHES[] = {1, 8, 32, 128, 512};
static const size_t QUICK_BATCHES[] = {1, 16, 128};

static size_t add_variants(tfb_case *out, size_t n, size_t max, size_t m, size_t rows, size_t cols)
{
    static const int VARIANTS[][2] = {{GEMM_IMPL_TFBENCH, 0}, {GEMM_IMPL_CLBLAST, 0}, {GEMM_IMPL_TFBENCH, 1}};
    for (size_t v = 0; v < sizeof VARIANTS / sizeof *VARIANTS; v++, n++)
        if (n < max) gemm_case_init(&out[n], "gemm", GEMM_KIND_GEMM, VARIANTS[v][0], VARIANTS[v][1], m, rows, cols);
    return n;
}

static size_t gemm_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    gemm_weight_shape shapes[GEMM_MAX_SHAPES];
    size_t shape_count, n = 0;
    char model[64];
    tfb_error err = {{0}};
    if (gemm_model_shapes(run->opt, shapes, &shape_count, model, sizeof model, &err) != TFB_OK) {
        if (max > 0) {
            gemm_case_init(&out[0], "gemm", GEMM_KIND_GEMM, GEMM_IMPL_TFBENCH, 0, 1, 1, 1);
            snprintf(out[0].shape, sizeof out[0].shape, "%s", err.message);
            out[0].p[2] = 1;
        }
        return 1;
    }
    const tfb_options *opt = run->opt;
    const size_t *batches = opt->quick ? QUICK_BATCHES : DEFAULT_BATCHES;
    size_t batch_count = opt->quick ? sizeof QUICK_BATCHES / sizeof *QUICK_BATCHES
                                    : sizeof DEFAULT_BATCHES / sizeof *DEFAULT_BATCHES;
    size_t shape_m = 0, unused_n, unused_k;
    if (opt->shape) tfb_parse_shape(opt->shape, &shape_m, &unused_n, &unused_k, &err);
    if (opt->batch_count) batches = opt->batches, batch_count = opt->batch_count;
    else if (opt->shape) batches = &shape_m, batch_count = 1;
    for (size_t b = 0; b < batch_count; b++) n = add_variants(out, n, max, batches[b], shapes[0].n, shapes[0].k);
    if (!opt->shape && !opt->batch_count && !opt->quick) n = add_variants(out, n, max, 2048, 2048, 2048);
    return n;
}

const tfb_suite tfb_suite_gemm = {
    .name = "gemm",
    .description = "GEMM across batch sizes on a model's weights: ours (fp32, fp16 weights) and CLBlast",
    .in_default_run = 1,
    .cases = gemm_cases,
    .flops = gemm_case_flops,
    .bytes = gemm_case_bytes,
    .setup = gemm_suite_setup,
    .execute = gemm_suite_execute,
    .verify = gemm_suite_verify,
    .measure = gemm_suite_measure,
    .annotate = gemm_suite_annotate,
    .teardown = gemm_suite_teardown,
};
