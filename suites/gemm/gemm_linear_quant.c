/* tfbench/gemm.h's quantized projections: the caller's weight rows quantized on the host with the gemm suite's
 * codec (gemm_quant.c), uploaded once, and run by its tuned kernels/quant.cl kernel on the caller's buffers. */
#define _GNU_SOURCE  /* sched_getaffinity, CPU_COUNT */
#include <pthread.h>
#include <sched.h>
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

void tfb_linear_int8_activations(size_t k, double *row)
{
    gemm_quant_activation_row(row, k);
}

void tfb_linear_dequantized(int quant, size_t k, double *row)
{
    const gemm_quant_format *f = gemm_quant_format_of(quant);
    if (f) gemm_quant_round_row(f, k, row);
}

enum { MAX_THREADS = 16 };

/* Rows start, start + stride, ... of the matrix generated and quantized into `host`. */
typedef struct quant_share {
    const gemm_config *cfg;
    tfb_linear_row_fn row;
    void *user;
    unsigned char *host;
    size_t start, stride;
    int failed;
} quant_share;

static void *quantize_rows(void *arg)
{
    quant_share *q = arg;
    const gemm_quant_format *f = gemm_quant_format_of(q->cfg->quant);
    size_t k = q->cfg->k, row_bytes = k / f->block * f->block_bytes;
    double *values = malloc(k * sizeof *values);
    q->failed = !values;
    for (size_t n = q->start; values && n < q->cfg->n; n += q->stride) {
        q->row(q->user, n, values);
        gemm_quant_pack_row(f, k, values, q->host + n * row_bytes);
    }
    free(values);
    return NULL;
}

/* Every CPU this process may use quantizes (the device is idle meanwhile: a 7B layer is 200M weights). */
static size_t quant_threads(const gemm_config *cfg)
{
    cpu_set_t mask;
    int usable = sched_getaffinity(0, sizeof mask, &mask) == 0 ? CPU_COUNT(&mask) : 1;
    size_t threads = usable > 1 ? (size_t)usable : 1;
    if (threads > MAX_THREADS) threads = MAX_THREADS;
    return (double)cfg->n * (double)cfg->k < 1e6 ? 1 : threads;  /* small matrices: one thread */
}

/* Every row generated and quantized on the host, then one write: the packed matrix is what the kernel streams. */
static int upload(tfb_context *ctx, const gemm_config *cfg, tfb_linear_row_fn row, void *user, cl_mem packed,
                  tfb_error *err)
{
    size_t bytes = gemm_quant_matrix_bytes(cfg->quant, cfg->n, cfg->k), count = quant_threads(cfg);
    unsigned char *host = malloc(bytes);
    if (!host) return tfb_fail(err, "out of memory quantizing %zu x %zu weights", cfg->n, cfg->k);
    quant_share shares[MAX_THREADS];
    pthread_t threads[MAX_THREADS];
    int started[MAX_THREADS] = {0}, failed = 0;
    for (size_t t = 0; t < count; t++) {
        shares[t] = (quant_share){cfg, row, user, host, t, count, 0};
        started[t] = t > 0 && pthread_create(&threads[t], NULL, quantize_rows, &shares[t]) == 0;
    }
    for (size_t t = 0; t < count; t++)  /* share 0, and any whose thread did not start, on this thread */
        if (!started[t]) quantize_rows(&shares[t]);
    for (size_t t = 0; t < count; t++) {
        if (started[t]) pthread_join(threads[t], NULL);
        failed |= shares[t].failed;
    }
    int rc = failed ? tfb_fail(err, "out of memory quantizing %zu x %zu weights", cfg->n, cfg->k)
                    : tfb_buffer_write(ctx, packed, bytes, host, err);
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
    cfg.act_int8 = gemm_quant_act_int8_suits(&ctx->info, &cfg);  /* as the gemv suite decides it */
    out->act_int8 = cfg.act_int8;
    if (cfg.kind == GEMM_KIND_GEMV || m <= GEMM_ROTATE_MAX_M)  /* tuned as the gemv and gemm suites run it */
        cfg.sets = tfb_sizing_sets(sizing, gemm_quant_matrix_bytes(quant, n, k), GEMM_MAX_SETS);
    rc = gemm_tuned_params(ctx, &cfg, &cfg.params, out->tuning, sizeof out->tuning, err);
    if (rc != TFB_OK) return rc;
    cfg.sets = 1;
    snprintf(out->tile, sizeof out->tile, "%s %s%s rows %u %s %u", gemm_quant_format_of(quant)->name,
             cfg.kind == GEMM_KIND_GEMV ? "gemv" : "gemm", cfg.act_int8 ? " int8-activations" : "", cfg.params.streams,
             cfg.kind == GEMM_KIND_GEMV ? "wg" : "tm", cfg.kind == GEMM_KIND_GEMV ? cfg.params.wg : cfg.params.tm);
    double started = tfb_now_seconds();
    rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, gemm_quant_matrix_bytes(quant, n, k), NULL, &out->packed, err);
    if (rc == TFB_OK) rc = upload(ctx, &cfg, row, user, out->packed, err);
    out->pack_seconds = tfb_now_seconds() - started;  /* host quantization and upload, wall time */
    if (rc == TFB_OK) rc = gemm_quant_launch_create(ctx, &cfg, x, out->packed, y, &out->kernel, &out->launch, err);
    return rc;
}
