/* Flash-style attention: one kernel per call, online softmax over K/V tiles held in local memory, the n x n score
 * matrix never materialized, so it runs at lengths where the naive suite cannot allocate its matrix. The tile
 * shape (items per work-group, query rows per item, keys per tile) is chosen per device and head dim by a short
 * search on a small probe, cached in the results' context (flash_tiles) so later cases reuse it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/attention.h"

/* CPU (PoCL): blocks of 64-256 query rows per work-group, so each K/V tile (whose transposition into local memory
 * is the costly part) feeds many rows from cache; R x BK/16 score accumulators must fit the 32 vector registers.
 * The first is the unsearched (--quick) choice. GPUs: tfb_flash_tiles sizes the tiles from local memory. */
static const tfb_flash_tile CPU_TILES[] = {{16, 8, 32}, {8, 16, 16}, {8, 8, 32}, {32, 8, 32}, {4, 16, 16}, {4, 8, 32}};
/* GPU tiles: the K and V tiles (2 x keys x d floats) take at most local memory less this reserve (the driver's own
 * use), keys a multiple of 16 up to GPU_MAX_KEYS (each item holds a score per key in registers). */
#define GPU_LOCAL_RESERVE 1024u
#define GPU_MAX_KEYS 128u
static const size_t PROBE_SEQ = 768;
static const tfb_axis TILE_SEARCH = {"tile_search", "1: every fitting tile is timed on a probe and the fastest kept; "
                                     "0: the first that runs", TFB_AXIS_LIST(1), TFB_AXIS_LIST(0), {0}};

typedef struct flash_state {
    tfb_attention_run_state base;  /* first: the shared execute/verify/measure take the state as this */
    tfb_flash_tile tile;
} flash_state;

static size_t flash_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    return tfb_attention_prefill_cases(run, "flash", out, max);
}

static double flash_flops(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_flops(&s, tfb_attention_case_causal(c));
}


static int tile_fits(const tfb_device_info *info, const tfb_flash_tile *t, size_t d)
{
    return t->wg <= info->max_work_group_size && 2ull * t->keys * d * sizeof(float) <= info->local_mem_bytes;
}

/* The most keys per tile that local memory holds for head dim d (0: not even 16). */
static unsigned gpu_tile_keys(const tfb_device_info *info, size_t d)
{
    uint64_t budget = info->local_mem_bytes > GPU_LOCAL_RESERVE ? info->local_mem_bytes - GPU_LOCAL_RESERVE : 0;
    uint64_t keys = budget / (2ull * d * sizeof(float)) / 16 * 16;
    return (unsigned)(keys > GPU_MAX_KEYS ? GPU_MAX_KEYS : keys);
}

/* GPUs: one or two query rows per item (q and o of a row are 2d registers), 64-256 items per group, and the
 * largest K/V tile local memory holds first, then half of it (more groups resident per compute unit). */
static size_t gpu_tiles(const tfb_device_info *info, size_t d, tfb_flash_tile *out, size_t max)
{
    unsigned keys = gpu_tile_keys(info, d), half = keys / 32 * 16;
    const tfb_flash_tile shapes[] = {{128, 1, keys}, {64, 1, keys}, {256, 1, keys}, {64, 2, keys}, {128, 1, half},
                                     {64, 1, half}};
    size_t count = 0;
    for (size_t i = 0; i < sizeof shapes / sizeof *shapes && count < max; i++)
        if (shapes[i].keys >= 16 && tile_fits(info, &shapes[i], d)) out[count++] = shapes[i];
    return count;
}

size_t tfb_flash_tiles(const tfb_device_info *info, size_t d, tfb_flash_tile *out, size_t max)
{
    if (info->gpu_kernels) return gpu_tiles(info, d, out, max);
    size_t count = 0;
    for (size_t i = 0; i < sizeof CPU_TILES / sizeof *CPU_TILES && count < max; i++)
        if (tile_fits(info, &CPU_TILES[i], d)) out[count++] = CPU_TILES[i];
    return count;
}

int tfb_flash_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                             const tfb_flash_tile *t, tfb_attention_plan *plan, tfb_error *err)
{
    return tfb_flash_attention_plan_with(ctx, s, causal, io, t, "", plan, err);
}

int tfb_flash_attention_plan_with(tfb_context *ctx, const tfb_attention_shape *s, int causal,
                                  const tfb_attention_io *io, const tfb_flash_tile *t, const char *extra_options,
                                  tfb_attention_plan *plan, tfb_error *err)
{
    memset(plan, 0, sizeof *plan);
    plan->tile = *t;
    if (!tile_fits(&ctx->info, t, s->d)) return tfb_skip(err, "the flash tile does not fit this device");
    char options[192];
    snprintf(options, sizeof options, "-DD=%zu -DDV=%u -DBK=%u -DR=%u -DWG=%u %s", s->d,
             tfb_attention_vector_width(s->d), t->keys, t->rows, t->wg, extra_options);
    if (tfb_kernel_create(ctx, "flash.cl", options, "flash_attention", &plan->kernels[0], err) != TFB_OK)
        return TFB_ERROR;
    cl_uint n_q = (cl_uint)s->n_q, n_kv = (cl_uint)s->n_kv, heads = (cl_uint)s->heads;
    cl_uint group = (cl_uint)(s->heads / s->kv_heads);
    cl_int mask = causal;
    float scale = tfb_attention_scale_log2(s->d);
    size_t block_rows = (size_t)t->wg * t->rows, blocks = (s->n_q + block_rows - 1) / block_rows;
    plan->launches[0] = (tfb_launch){plan->kernels[0], 2, {blocks * t->wg, s->batch * s->heads}, {t->wg, 1}};
    plan->steps = 1;
    return TFB_SET_ARGS(plan->kernels[0], err, TFB_MEM(io->q), TFB_MEM(io->k), TFB_MEM(io->v), TFB_MEM(io->out),
                        TFB_VAL(n_q), TFB_VAL(n_kv), TFB_VAL(heads), TFB_VAL(group), TFB_VAL(scale), TFB_VAL(mask));
}

static cJSON *tile_cache(tfb_run *run)
{
    tfb_results *results = run->results;
    if (!results->context_extra) results->context_extra = cJSON_CreateObject();
    cJSON *tiles = cJSON_GetObjectItem(results->context_extra, "flash_tiles");
    if (!tiles) tiles = cJSON_AddObjectToObject(results->context_extra, "flash_tiles");
    return tiles;
}

static int tile_from_cache(cJSON *tiles, const char *key, tfb_flash_tile *t)
{
    cJSON *entry = cJSON_GetObjectItem(tiles, key);
    if (!cJSON_IsObject(entry)) return 0;
    t->wg = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "work_group"));
    t->rows = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "rows_per_item"));
    t->keys = (unsigned)cJSON_GetNumberValue(cJSON_GetObjectItem(entry, "keys_per_tile"));
    return t->wg && t->rows && t->keys;
}

/* Times one tile on the probe; *seconds = the median, or a huge value when the tile does not build or run. */
static int time_tile(tfb_run *run, const tfb_attention_shape *probe, const tfb_attention_io *io, const tfb_flash_tile *t,
                     double *seconds, tfb_error *err)
{
    tfb_attention_plan plan;
    tfb_stats stats;
    tfb_timing_policy brief = {.warmup = 1, .min_reps = 3, .max_reps = 3, .min_seconds = 0};
    int rc = tfb_flash_attention_plan(run->ctx, probe, 0, io, t, &plan, err);
    tfb_work work = {plan.launches, plan.steps, 1};
    if (rc == TFB_OK) rc = tfb_work_time(run->ctx, &work, &brief, &stats, err);
    tfb_attention_plan_release(&plan);
    *seconds = rc == TFB_OK ? stats.median : 1e30;
    return rc;
}

/* The fastest fitting tile on a small non-causal probe of head dim d (one tile under --quick). */
static int search_tile(tfb_run *run, size_t d, tfb_flash_tile *best, double *best_seconds, tfb_error *err)
{
    tfb_flash_tile list[16];
    size_t count = tfb_flash_tiles(&run->ctx->info, d, list, 16);
    tfb_attention_shape probe = {1, 4, 4, PROBE_SEQ, PROBE_SEQ, d};
    tfb_attention_inputs inputs = tfb_attention_inputs_for((uint32_t)run->seed);
    tfb_attention_io io = {0};
    int rc = tfb_attention_io_create(run->ctx, &probe, &inputs, &io, err);
    tfb_error last = {{0}};
    *best_seconds = 1e30;
    for (size_t i = 0; rc == TFB_OK && i < count; i++) {
        double seconds;
        /* a tile the driver refuses (registers, resources) is passed over: the next one may run */
        if (time_tile(run, &probe, &io, &list[i], &seconds, &last) == TFB_OK && seconds < *best_seconds) {
            *best = list[i];
            *best_seconds = seconds;
        }
        if (!tfb_axis_value(run->workload, &TILE_SEARCH) && *best_seconds < 1e30) break;
    }
    tfb_attention_io_release(&io);
    if (rc == TFB_OK && count == 0) return tfb_skip(err, "no flash tile fits this device's local memory");
    if (rc == TFB_OK && *best_seconds >= 1e30) return tfb_fail(err, "no flash tile ran: %s", last.message);
    return rc;
}

static int choose_tile(tfb_run *run, size_t d, tfb_flash_tile *tile, tfb_error *err)
{
    char key[32];
    snprintf(key, sizeof key, "d%zu", d);
    cJSON *tiles = tile_cache(run);
    if (tile_from_cache(tiles, key, tile)) return TFB_OK;
    double seconds;
    int rc = search_tile(run, d, tile, &seconds, err);
    if (rc != TFB_OK) return rc;
    tfb_attention_shape probe = {1, 4, 4, PROBE_SEQ, PROBE_SEQ, d};
    cJSON *entry = cJSON_AddObjectToObject(tiles, key);
    cJSON_AddNumberToObject(entry, "work_group", tile->wg);
    cJSON_AddNumberToObject(entry, "rows_per_item", tile->rows);
    cJSON_AddNumberToObject(entry, "keys_per_tile", tile->keys);
    cJSON_AddBoolToObject(entry, "searched", tfb_axis_value(run->workload, &TILE_SEARCH) != 0);
    cJSON_AddNumberToObject(entry, "probe_gflops", tfb_attention_flops(&probe, 0) / seconds / 1e9);
    tfb_run_note(run, "flash: d=%zu tile %u items x %u rows, %u keys (%.1f GFLOP/s on the probe)\n", d, tile->wg,
                 tile->rows, tile->keys, tfb_attention_flops(&probe, 0) / seconds / 1e9);
    return TFB_OK;
}

static void flash_teardown(void *p)
{
    flash_state *st = p;
    if (!st) return;
    tfb_attention_io_release(&st->base.io);
    tfb_attention_plan_release(&st->base.plan);
    free(st);
}

static int flash_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    flash_state *st = calloc(1, sizeof *st);
    if (!st) return tfb_fail(err, "out of memory");
    *state = st;
    st->base.shape = tfb_attention_case_shape(c);
    st->base.causal = tfb_attention_case_causal(c);
    st->base.what = "flash attention output";
    st->base.inputs = tfb_attention_inputs_for((uint32_t)run->seed);
    int rc = tfb_attention_fits(run->ctx, tfb_attention_io_device_bytes(&st->base.shape), "Q, K, V and O", err);
    if (rc == TFB_OK) rc = choose_tile(run, st->base.shape.d, &st->tile, err);
    if (rc == TFB_OK) rc = tfb_attention_io_create(run->ctx, &st->base.shape, &st->base.inputs, &st->base.io, err);
    if (rc != TFB_OK) return rc;
    return tfb_flash_attention_plan(run->ctx, &st->base.shape, st->base.causal, &st->base.io, &st->tile, &st->base.plan, err);
}

static void flash_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    flash_state *st = state;
    r->working_set_bytes = tfb_attention_io_device_bytes(&st->base.shape);
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    r->extra = tfb_attention_extra(&st->base.shape, st->base.causal, r->working_set_bytes);
    cJSON_AddNumberToObject(r->extra, "work_group", st->tile.wg);
    cJSON_AddNumberToObject(r->extra, "rows_per_item", st->tile.rows);
    cJSON_AddNumberToObject(r->extra, "keys_per_tile", st->tile.keys);
    tfb_attention_add_verification(r->extra, &st->base.shape, 1, st->base.check_seconds);
}

int tfb_flash_tile_for(tfb_run *run, size_t d, tfb_flash_tile *tile, tfb_error *err)
{
    return choose_tile(run, d, tile, err);
}

static const tfb_axis *const FLASH_AXES[] = {&tfb_attention_seq_axis, &tfb_attention_head_dim_axis,
                                               &tfb_attention_long_axis, &TILE_SEARCH};

const tfb_suite tfb_suite_flash = {
    .name = "flash",
    .description = "flash-style attention: one kernel, online softmax, K/V tiles in local memory, no n x n matrix",
    .in_default_run = 1,
    .cases = flash_cases,
    .flops = flash_flops,
    .bytes = tfb_attention_case_bytes,
    .bytes_written = tfb_attention_case_bytes_written,
    .setup = flash_setup,
    .execute = tfb_attention_state_execute,
    .verify = tfb_attention_state_verify,
    .measure = tfb_attention_state_measure,
    .annotate = flash_annotate,
    .teardown = flash_teardown,
    .repoison = tfb_attention_state_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_BATCH | TFB_USES_SEQ | TFB_USES_KV_HEADS | TFB_USES_HEAD_DIM,
    TFB_SUITE_AXES(FLASH_AXES),
};
