/* tfbench/gemm.h's quantized projections: the caller's weight rows quantized on the host with the gemm suite's
 * codec (gemm_quant.c), uploaded once, and run by its tuned kernels/quant.cl kernel on the caller's buffers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gemm_quant.h"
#include "tfbench/checked.h"
#include "tfbench/gemm.h"

_Static_assert((int)TFB_LINEAR_Q8_0 == (int)GEMM_QUANT_Q8_0 && (int)TFB_LINEAR_Q4_0 == (int)GEMM_QUANT_Q4_0 &&
                   (int)TFB_LINEAR_INT4_G128 == (int)GEMM_QUANT_INT4_G128 &&
                   (int)TFB_LINEAR_QUANT_COUNT == (int)GEMM_QUANT_COUNT,
               "tfb_linear's formats are the gemm suite's");

size_t tfb_linear_quant_bytes(int quant, size_t n, size_t k)
{
    return gemm_quant_matrix_bytes(quant, n, k);
}

double tfb_linear_quant_tolerance(size_t k)
{
    return gemm_quant_tolerance(k);
}

unsigned tfb_linear_quant_block(int quant)
{
    const gemm_quant_format *f = gemm_quant_format_of(quant);
    return f ? f->block : 1;
}

void tfb_linear_dequantized(int quant, size_t k, double *row)
{
    const gemm_quant_format *f = gemm_quant_format_of(quant);
    if (f) gemm_quant_round_row(f, k, row);
}

/* Every row generated and quantized on the host, then one write: the packed matrix is what the kernel streams. */
static int upload(tfb_context *ctx, const gemm_config *cfg, tfb_linear_row_fn row, void *user, cl_mem packed,
                  tfb_error *err)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    size_t row_bytes = cfg->k / f->block * f->block_bytes, bytes = gemm_quant_matrix_bytes(cfg->quant, cfg->n, cfg->k);
    unsigned char *host = malloc(bytes);
    double *values = malloc(cfg->k * sizeof *values);
    int rc = host && values ? TFB_OK : tfb_fail(err, "out of memory quantizing %zu x %zu weights", cfg->n, cfg->k);
    for (size_t n = 0; rc == TFB_OK && n < cfg->n; n++) {
        row(user, n, values);
        gemm_quant_pack_row(f, cfg->k, values, host + n * row_bytes);
    }
    if (rc == TFB_OK) rc = tfb_buffer_write(ctx, packed, bytes, host, err);
    free(values);
    free(host);
    return rc;
}

int tfb_linear_create_quantized(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int quant,
                                tfb_linear_row_fn row, void *user, cl_mem x, cl_mem y, tfb_linear *out,
                                tfb_error *err)
{
    memset(out, 0, sizeof *out);
    *out = (tfb_linear){.m = m, .n = n, .k = k, .quant = quant};
    gemm_config cfg = {.kind = m == 1 ? GEMM_KIND_GEMV : GEMM_KIND_GEMM, .impl = GEMM_IMPL_TFBENCH, .quant = quant,
                       .m = m, .n = n, .k = k, .sets = 1};
    int rc = gemm_quant_check_shape(&cfg, err);
    if (rc != TFB_OK) return rc;
    if (cfg.kind == GEMM_KIND_GEMV || m <= GEMM_ROTATE_MAX_M)  /* tuned as the gemv and gemm suites run it */
        cfg.sets = tfb_sizing_sets(sizing, gemm_quant_matrix_bytes(quant, n, k), GEMM_MAX_SETS);
    rc = gemm_tuned_params(ctx, &cfg, &cfg.params, out->tuning, sizeof out->tuning, err);
    if (rc != TFB_OK) return rc;
    cfg.sets = 1;
    snprintf(out->tile, sizeof out->tile, "%s %s rows %u %s %u", gemm_quant_format_of(quant)->name,
             cfg.kind == GEMM_KIND_GEMV ? "gemv" : "gemm", cfg.params.streams,
             cfg.kind == GEMM_KIND_GEMV ? "wg" : "tm", cfg.kind == GEMM_KIND_GEMV ? cfg.params.wg : cfg.params.tm);
    double started = tfb_now_seconds();
    rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, gemm_quant_matrix_bytes(quant, n, k), NULL, &out->packed, err);
    if (rc == TFB_OK) rc = upload(ctx, &cfg, row, user, out->packed, err);
    out->pack_seconds = tfb_now_seconds() - started;  /* host quantization and upload, wall time */
    if (rc == TFB_OK) rc = gemm_quant_launch_create(ctx, &cfg, x, out->packed, y, &out->kernel, &out->launch, err);
    return rc;
}
