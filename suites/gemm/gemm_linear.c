/* tfbench/gemm.h: our kernels on a caller's buffers, and the gemm suite's case for one projection. */
#include <stdio.h>
#include <string.h>
#include "gemm_core.h"
#include "tfbench/checked.h"
#include "tfbench/gemm.h"

/* The largest panel width any tuned kernel uses (GPU tiles included): the packed size before the tile is known. */
enum { WIDEST_PANEL = 128 };

size_t tfb_linear_packed_bytes(size_t n, size_t k, int half)
{
    size_t rows = (n + WIDEST_PANEL - 1) / WIDEST_PANEL * WIDEST_PANEL;
    return tfb_mul3_size(rows, k, half ? 2 : 4);
}

static void describe_tile(const gemm_config *cfg, char *out, size_t size)
{
    const gemm_params *p = &cfg->params;
    if (p->layout == GEMM_LAYOUT_TILED)
        snprintf(out, size, "gemm tiled tn %u tm %u mb %u tk %u wn %u", p->tn, p->tm, p->mb, p->tk, p->wn);
    else if (p->layout == GEMM_LAYOUT_GROUP)
        snprintf(out, size, "gemv group tn %u wg %u rows %u", p->tn, p->wg, p->tm);
    else if (cfg->kind == GEMM_KIND_GEMV)
        snprintf(out, size, "gemv tn %u wg %u streams %u prefetch %u", p->tn, p->wg, p->streams, p->prefetch);
    else
        snprintf(out, size, "gemm tn %u tm %u mb %u", p->tn, p->tm, p->mb);
}

/* The configuration the gemv and gemm suites would tune and run for this shape (their rotating weight sets
 * included, which the memory-bound tuning streams over). */
static gemm_config linear_config(const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half)
{
    gemm_config cfg = {.kind = m == 1 ? GEMM_KIND_GEMV : GEMM_KIND_GEMM, .impl = GEMM_IMPL_TFBENCH, .half = half,
                       .m = m, .n = n, .k = k, .sets = 1};
    if (cfg.kind == GEMM_KIND_GEMV || m <= GEMM_ROTATE_MAX_M)
        cfg.sets = tfb_sizing_sets(sizing, tfb_mul3_size(n, k, half ? 2 : 4), GEMM_MAX_SETS);
    return cfg;
}

/* The tuned configuration, its description and the (empty) packed buffer: what both ways of filling it share. */
static int linear_begin(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half,
                        gemm_config *cfg, tfb_linear *out, tfb_error *err)
{
    memset(out, 0, sizeof *out);
    *out = (tfb_linear){.m = m, .n = n, .k = k, .half = half};
    *cfg = linear_config(sizing, m, n, k, half);
    int rc = gemm_tuned_params(ctx, cfg, &cfg->params, out->tuning, sizeof out->tuning, err);
    if (rc != TFB_OK) return rc;
    cfg->sets = 1;
    describe_tile(cfg, out->tile, sizeof out->tile);
    return tfb_buffer_create(ctx, CL_MEM_READ_ONLY, gemm_weight_bytes(cfg), NULL, &out->packed, err);
}

int tfb_linear_create(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half, cl_mem rows,
                      cl_mem x, cl_mem y, tfb_linear *out, tfb_error *err)
{
    gemm_config cfg;
    int rc = linear_begin(ctx, sizing, m, n, k, half, &cfg, out, err);
    if (rc == TFB_OK) rc = gemm_pack(ctx, &cfg, rows, out->packed, &out->pack_seconds, err);
    if (rc == TFB_OK) rc = gemm_launch_create(ctx, &cfg, x, out->packed, y, &out->kernel, &out->launch, err);
    return rc;
}

size_t tfb_linear_staging_bytes(size_t k)
{
    return gemm_staging_bytes(k);
}

int tfb_linear_create_grid(tfb_context *ctx, const tfb_sizing *sizing, size_t m, size_t n, size_t k, int half,
                           const tfb_grid_spec *grid, cl_mem staging, size_t staging_bytes, cl_mem x, cl_mem y,
                           tfb_linear *out, tfb_error *err)
{
    gemm_config cfg;
    int rc = linear_begin(ctx, sizing, m, n, k, half, &cfg, out, err);
    if (rc == TFB_OK)
        rc = gemm_pack_grid(ctx, &cfg, grid, staging, staging_bytes / (k * sizeof(float)), out->packed,
                            &out->pack_seconds, err);
    if (rc == TFB_OK) rc = gemm_launch_create(ctx, &cfg, x, out->packed, y, &out->kernel, &out->launch, err);
    return rc;
}

void tfb_linear_release(tfb_linear *linear)
{
    tfb_kernel_release(&linear->kernel);
    tfb_buffer_release(&linear->packed);
}

float tfb_linear_stored(float w, int half)
{
    return half ? gemm_round_to_half(w) : w;
}

void tfb_gemm_case(tfb_case *c, const char *suite, size_t m, size_t n, size_t k, int half)
{
    gemm_case_init(c, suite, GEMM_KIND_GEMM, GEMM_IMPL_TFBENCH, half, m, n, k);
}
