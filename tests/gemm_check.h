/* What the GEMM tests share (test_gemm.c, test_gpu_paths.c): one configuration prepared, run over every weight set
 * and checked against the float64 reference, the test failing with the configuration and the message. Tests only. */
#ifndef TFBENCH_TESTS_GEMM_CHECK_H
#define TFBENCH_TESTS_GEMM_CHECK_H

#include "../suites/gemm/gemm_core.h"

static inline void run_and_check(tfb_context *ctx, const gemm_config *cfg)
{
    tfb_error err = {{0}};
    gemm_state *s = NULL;
    double worst = -1.0;
    int rc = gemm_prepare(ctx, cfg, &s, &err);
    if (rc == TFB_OK) rc = gemm_run_all_sets(s, &err);
    if (rc == TFB_OK) rc = gemm_check(s, &worst, &err);
    if (rc != TFB_OK)
        fail_msg("%s %zux%zux%zu %s layout %s tn%u tm%u mb%u wg%u streams%u tk%u wn%u: %s",
                 cfg->kind == GEMM_KIND_GEMV ? "gemv" : "gemm", cfg->m, cfg->n, cfg->k, cfg->half ? "fp16" : "fp32",
                 gemm_layout_name(cfg->params.layout), cfg->params.tn, cfg->params.tm, cfg->params.mb, cfg->params.wg,
                 cfg->params.streams, cfg->params.tk, cfg->params.wn, err.message);
    assert_true(worst >= 0.0 && worst <= 1.0);
    gemm_release(s);
}

#endif
