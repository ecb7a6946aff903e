/* Per-device tile parameters of our kernels: a short search on first use, cached on disk as one small JSON file
 * per key (device, driver, kernel version, kernel, weight precision, batch class). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cjson/cJSON.h>
#include "gemm_core.h"
#include "gemm_quant.h"
#include "tfbench/file_io.h"

static const char *batch_class(const gemm_config *cfg)
{
    if (cfg->kind == GEMM_KIND_GEMV) return "m1";
    if (cfg->m <= 1) return "m1";
    if (cfg->m <= 2) return "m2";
    if (cfg->m <= 4) return "m4";
    if (cfg->m <= 8) return "m8";
    if (cfg->m <= GEMM_ROTATE_MAX_M) return "m16to64";
    return "m65plus";
}

static const char *weights_name(const gemm_config *cfg)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    return f ? f->name : cfg->half ? "fp16" : "fp32";
}

static const char *kind_name(const gemm_config *cfg)
{
    return cfg->kind == GEMM_KIND_GEMV ? "gemv" : "gemm";
}

/* Device and driver names become file-name safe: letters, digits, '-', '.', everything else '_'. */
static void append_safe(char *out, size_t size, const char *text)
{
    size_t used = strlen(out);
    for (const char *p = text; *p && used + 1 < size; p++) {
        char ch = *p;
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '-' ||
                   ch == '.';
        out[used++] = keep ? ch : '_';
    }
    out[used] = '\0';
}

/* The key has a batch class, not a shape, so one tuning serves every shape of its class; but a small problem (a
 * test's 1000 x 777) ranks the candidates differently from a model's 4096-wide weights (measured: the fp16 GEMV's
 * choice tuned on 1 x 1000 x 777 ran 4096 x 4096 27% slower than the one tuned on it), so small problems keep
 * entries of their own. */
static const char *size_class(const gemm_config *cfg)
{
    return cfg->n >= GEMM_TUNE_CACHE_MIN_DIM && cfg->k >= GEMM_TUNE_CACHE_MIN_DIM ? "" : "small-";
}

int gemm_cache_path(const tfb_device_info *info, const gemm_config *cfg, char *path, size_t size, tfb_error *err)
{
    char dir[4096];
    int n;
    const char *explicit_dir = getenv("TFB_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
    if (explicit_dir && *explicit_dir) n = snprintf(dir, sizeof dir, "%s", explicit_dir);
    else if (xdg && *xdg) n = snprintf(dir, sizeof dir, "%s/tfbench", xdg);
    else if (home && *home) n = snprintf(dir, sizeof dir, "%s/.cache/tfbench", home);
    else if (tfb_user_cache_dir("tfbench", dir, sizeof dir) == TFB_OK) n = 0;  /* no HOME: the user's own home */
    else return tfb_fail(err, "no tuning cache folder: set TFB_CACHE_DIR (or HOME)");
    /* a cut path would be another folder: refuse it (from TFB_CACHE_DIR, else XDG_CACHE_HOME, else HOME) */
    if (n < 0 || (size_t)n >= sizeof dir)
        return tfb_fail(err, "the tuning cache folder's path is %d bytes, over the limit of %zu: %.80s...", n,
                        sizeof dir - 1, dir);
    /* the cached parameters decide the kernels this process builds and runs: the folder must be this user's */
    if (tfb_make_private_dir(dir, "the tuning cache folder", err) != TFB_OK) return TFB_ERROR;
    char name[512];
    char quant_version[16] = "";  /* the quantized kernels keep a version of their own */
    if (cfg->quant)  /* i8: the int8-activation GEMV, a kernel and candidates of its own */
        snprintf(quant_version, sizeof quant_version, "q%d%s", GEMM_QUANT_KERNEL_VERSION, cfg->act_int8 ? "i8" : "");
    snprintf(name, sizeof name, "%s-v%d%s-%s-%s-%s%s", kind_name(cfg), GEMM_KERNEL_VERSION, quant_version,
             weights_name(cfg), batch_class(cfg), size_class(cfg), info->gpu_kernels ? "gpu-" : "");
    append_safe(name, sizeof name, info->name);
    append_safe(name, sizeof name, "-");
    append_safe(name, sizeof name, info->driver);
    if (snprintf(path, size, "%s/%s.json", dir, name) >= (int)size) return tfb_fail(err, "cache path too long");
    return TFB_OK;
}

/* GPU candidates. Batch <= 8 is memory-bound on every GPU: the GROUP layout (a work-group per panel, coalesced
 * interleaved K), its rows the batch class. Larger batches: local-memory tiles, a register block per work-item
 * (64 x 64 tiles of 4 x 4 up to 128 x 128 of 8 x 8; K slabs of 16). Only those that fit the device's work-group
 * size and local memory are offered. */
static size_t gpu_candidates(const tfb_device_info *info, const gemm_config *cfg, gemm_params *out, size_t max)
{
    static const gemm_params GROUP[] = {
        {16, 1, 0, 256, 0, 0, GEMM_LAYOUT_GROUP, 0, 0}, {16, 1, 0, 128, 0, 0, GEMM_LAYOUT_GROUP, 0, 0},
        {32, 1, 0, 128, 0, 0, GEMM_LAYOUT_GROUP, 0, 0}, {16, 1, 0, 512, 0, 0, GEMM_LAYOUT_GROUP, 0, 0},
        {32, 1, 0, 256, 0, 0, GEMM_LAYOUT_GROUP, 0, 0}, {64, 1, 0, 64, 0, 0, GEMM_LAYOUT_GROUP, 0, 0}};
    static const gemm_params TILED[] = {
        {64, 4, 64, 0, 0, 0, GEMM_LAYOUT_TILED, 16, 4}, {64, 8, 128, 0, 0, 0, GEMM_LAYOUT_TILED, 16, 4},
        {128, 8, 128, 0, 0, 0, GEMM_LAYOUT_TILED, 16, 8}, {64, 8, 64, 0, 0, 0, GEMM_LAYOUT_TILED, 16, 8},
        {32, 2, 32, 0, 0, 0, GEMM_LAYOUT_TILED, 16, 2}};
    int grouped = cfg->kind == GEMM_KIND_GEMV || cfg->m <= 8;
    const gemm_params *list = grouped ? GROUP : TILED;
    size_t count = 0, total = grouped ? sizeof GROUP / sizeof *GROUP : sizeof TILED / sizeof *TILED;
    unsigned rows = cfg->m <= 1 ? 1 : cfg->m <= 2 ? 2 : cfg->m <= 4 ? 4 : 8;
    for (size_t i = 0; i < total && count < max; i++) {
        gemm_params p = list[i];
        if (grouped) p.tm = cfg->kind == GEMM_KIND_GEMV ? 1 : rows;
        if (grouped && p.tm * p.tn > 128) continue;  /* at most 128 partial sums per work-item (registers) */
        if (gemm_group_items(cfg, &p) > info->max_work_group_size || gemm_local_bytes(cfg, &p) > info->local_mem_bytes)
            continue;
        out[count++] = p;
    }
    return count;
}

size_t gemm_candidates(const tfb_device_info *info, const gemm_config *cfg, gemm_params *out, size_t max)
{
    static const gemm_params GEMV[] = {{.tn = 16, .wg = 1, .streams = 8}, {.tn = 16, .wg = 1, .streams = 4},
                                       {.tn = 16, .wg = 4, .streams = 4}, {.tn = 32, .wg = 1, .streams = 8},
                                       {.tn = 32, .wg = 4, .streams = 2}};
    static const gemm_params GEMM[] = {{.tn = 32, .tm = 12, .mb = 96}, {.tn = 64, .tm = 6, .mb = 96},
                                       {.tn = 32, .tm = 14, .mb = 56}, {.tn = 48, .tm = 8, .mb = 64},
                                       {.tn = 32, .tm = 8, .mb = 64}};
    size_t count = 0;
    if (cfg->quant) return gemm_quant_candidates(cfg, out, max);  /* one layout, CPU and GPU alike */
    if (info->gpu_kernels) return gpu_candidates(info, cfg, out, max);
    if (cfg->kind == GEMM_KIND_GEMV) {
        /* On a CPU each shape with and without software prefetch into L1: measured, it gave a Xeon's fp16 weights
         * +17% (fp32 +3%) and cost a Zen 4's fp32 about 20% (3 alternating pairs), so the device decides. */
        for (size_t i = 0; i < sizeof GEMV / sizeof *GEMV && count < max; i++) {
            out[count++] = GEMV[i];
            if (count < max) out[count] = GEMV[i], out[count++].prefetch = 3;
        }
    } else if (cfg->m <= 8) {  /* small batch: one register tile covers the batch; only the panel width varies */
        unsigned tm = cfg->m <= 1 ? 1 : cfg->m <= 2 ? 2 : cfg->m <= 4 ? 4 : 8;
        for (unsigned tn = 16; tn <= 64 && count < max; tn *= 2)
            out[count++] = (gemm_params){.tn = tn, .tm = tm, .mb = tm};
    } else {
        for (size_t i = 0; i < sizeof GEMM / sizeof *GEMM && count < max; i++) out[count++] = GEMM[i];
    }
    /* GEMM on a CPU: each with and without the prefetch of the next K block into L2 (kernels/gemm.cl) */
    for (size_t i = 0, plain = count; cfg->kind == GEMM_KIND_GEMM && i < plain && count < max; i++)
        out[count] = out[i], out[count++].prefetch = 2;
    return count;
}

static int load_cached(const char *path, const tfb_device_info *info, const gemm_config *cfg, gemm_params *out)
{
    tfb_error ignored;
    char *text = NULL;
    size_t length = 0;
    if (tfb_read_file(path, 1 << 16, &text, &length, &ignored) != TFB_OK) return 0;
    cJSON *root = cJSON_Parse(text);
    free(text);
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(root, "params");
    const char *device = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "device"));
    const char *driver = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "driver"));
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(root, "kernel_version");
    int ok = params && device && driver && cJSON_IsNumber(version) && strcmp(device, info->name) == 0 &&
             strcmp(driver, info->driver) == 0 && version->valueint == GEMM_KERNEL_VERSION;
    if (ok) {
        /* the last three came with the GPU layouts: a CPU file written before them has none (all 0) */
        const char *fields[] = {"tn", "tm", "mb", "wg", "streams", "prefetch", "layout", "tk", "wn"};
        unsigned *slots[] = {&out->tn,      &out->tm,     &out->mb, &out->wg, &out->streams,
                             &out->prefetch, &out->layout, &out->tk, &out->wn};
        for (size_t i = 0; i < sizeof fields / sizeof *fields; i++) {
            const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, fields[i]);
            *slots[i] = 0;
            if (i >= 6 && !v) continue;
            ok = ok && cJSON_IsNumber(v) && v->valuedouble >= 0 && v->valuedouble <= 4096;
            if (ok) *slots[i] = (unsigned)v->valuedouble;
        }
        ok = ok && gemm_params_valid(cfg, out) &&
             (cfg->quant || (out->layout != GEMM_LAYOUT_ITEM) == (info->gpu_kernels != 0));
    }
    cJSON_Delete(root);
    return ok;
}

static int save_cached(const char *path, const tfb_device_info *info, const gemm_config *cfg, const gemm_params *p,
                       double seconds, tfb_error *err)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "device", info->name);
    cJSON_AddStringToObject(root, "driver", info->driver);
    cJSON_AddNumberToObject(root, "kernel_version", GEMM_KERNEL_VERSION);
    cJSON_AddStringToObject(root, "kernel", kind_name(cfg));
    cJSON_AddStringToObject(root, "weights", weights_name(cfg));
    cJSON_AddStringToObject(root, "batch_class", batch_class(cfg));
    char shape[64];
    snprintf(shape, sizeof shape, "%zux%zux%zu", cfg->m, cfg->n, cfg->k);
    cJSON_AddStringToObject(root, "tuned_on", shape);
    cJSON_AddNumberToObject(root, "seconds", seconds);
    cJSON *params = cJSON_AddObjectToObject(root, "params");
    cJSON_AddNumberToObject(params, "tn", p->tn);
    cJSON_AddNumberToObject(params, "tm", p->tm);
    cJSON_AddNumberToObject(params, "mb", p->mb);
    cJSON_AddNumberToObject(params, "wg", p->wg);
    cJSON_AddNumberToObject(params, "streams", p->streams);
    cJSON_AddNumberToObject(params, "prefetch", p->prefetch);
    cJSON_AddNumberToObject(params, "layout", p->layout);
    cJSON_AddNumberToObject(params, "tk", p->tk);
    cJSON_AddNumberToObject(params, "wn", p->wn);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return tfb_fail(err, "out of memory writing %s", path);
    int rc = tfb_write_file_atomic(path, text, strlen(text), err);
    free(text);
    return rc;
}

/* The search runs on a smaller problem of the same kind (K kept: it decides which cache the panel lives in).
 * Memory-bound problems keep their rotating weight sets: streaming from memory is what they are tuned for. N stays
 * up to 4096, so the weights (64 MiB in fp32 at K = 4096) come from memory as a model's do: cut to 1024 they sat
 * in the cache and the prefetch of the next K block made no difference there (286 vs 287 GFLOP/s at 128 x 1024 x
 * 4096 on a 2-core Xeon VM), though it gave the model's 128 x 4096 x 4096 216 -> 254 and 512 x 4096 x 4096 209 ->
 * 256. Every compute-bound class (M > 64) is tuned at M = 512, a prefill's batch: tuned at the first case's M = 128
 * (two row blocks) the search picked a tile without the prefetch, and the layer's prefill at n = 512 lost 14%. */
static gemm_config tuning_problem(const gemm_config *cfg)
{
    gemm_config t = *cfg;
    t.impl = GEMM_IMPL_TFBENCH;
    if (t.kind == GEMM_KIND_GEMM && t.m > GEMM_ROTATE_MAX_M) t.sets = 1;
    if (t.kind == GEMM_KIND_GEMM && t.m > GEMM_ROTATE_MAX_M) t.m = 512;  /* the whole class on one batch: see above */
    if (t.kind == GEMM_KIND_GEMM && t.n > 4096) t.n = 4096;
    if (t.quant && t.n > 4096) t.n = 4096;  /* the host quantizes each candidate's matrix: keep it to 4096 rows */
    t.window = 0;                           /* a dequantization-only case runs the tuning of its format */
    return t;
}

static int time_candidate(tfb_context *ctx, const gemm_config *cfg, double *seconds, tfb_error *err)
{
    gemm_state *s = NULL;
    tfb_timing_policy quick = {.warmup = 1, .min_reps = 3, .max_reps = 3, .min_seconds = 0};
    tfb_stats time;
    int rc = gemm_prepare(ctx, cfg, &s, err);
    if (rc == TFB_OK) rc = gemm_time(s, &quick, &time, err);
    if (rc == TFB_OK) *seconds = time.min;  /* the least disturbed run: other processes share the CPU */
    gemm_release(s);
    return rc;
}

int gemm_tuned_params(tfb_context *ctx, const gemm_config *cfg, gemm_params *out, char *source, size_t source_size,
                      tfb_error *err)
{
    char path[4096];
    if (gemm_cache_path(&ctx->info, cfg, path, sizeof path, err) != TFB_OK) return TFB_ERROR;
    if (load_cached(path, &ctx->info, cfg, out)) {
        snprintf(source, source_size, "cache");
        return TFB_OK;
    }
    gemm_params candidates[16];
    size_t count = gemm_candidates(&ctx->info, cfg, candidates, 16);
    gemm_config problem = tuning_problem(cfg);
    double best = 0.0;
    tfb_error last = {{0}};
    for (size_t i = 0; i < count; i++) {
        double seconds;
        problem.params = candidates[i];
        if (time_candidate(ctx, &problem, &seconds, &last) != TFB_OK) continue;  /* e.g. too many registers */
        if (best == 0.0 || seconds < best) best = seconds, *out = candidates[i];
    }
    if (best == 0.0) return tfb_fail(err, "tuning: no candidate ran: %s", last.message);
    snprintf(source, source_size, "search");
    return save_cached(path, &ctx->info, &problem, out, best, err);
}
