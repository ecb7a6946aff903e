/* Bandwidth versus working-set size (the Empirical Roofline Toolkit's idea): a read-only and a read-write kernel go
 * over working sets from a few KiB to past the last-level cache, repeating passes inside the kernel so small sets
 * are served from the caches. finish() detects the plateaus, labels them with the cache capacities (hwloc on a CPU
 * device; local memory and CL_DEVICE_GLOBAL_MEM_CACHE_SIZE otherwise) and records one bandwidth per level with the
 * ridge it gives against the fp32 peak: the hierarchical roofline. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fill.h"
#include "tfbench/roofline_fit.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

enum { K_READ, K_UPDATE };
static const char *const KIND_NAMES[] = {"read", "rw"};
#define MAX_BUFFERS 8         /* the largest working set may span several allocations */
#define MIN_PER_ITEM 8u       /* vectors per work-item at the smallest working sets */
#define MIN_WORKING_SET (8u * 1024)
#define VERIFY_PIECES 8u
#define VERIFY_PIECE 256u     /* floats */
#define READ_BLOCK 1024u     /* kernels/cache.cl BLOCK */
static const float UPDATE_MUL = -1.0f, UPDATE_ADD = 3.0f;
static const tfb_axis TOP = {"top_divisor", "the powers of two stop at the out-of-cache size / N (1: at one ring "
                             "buffer)", TFB_AXIS_LIST(1), TFB_AXIS_LIST(4), {0}};
static const tfb_axis CALIBRATION = {"calibration_ms", "the length one execution is sized to", TFB_AXIS_LIST(20),
                                     TFB_AXIS_LIST(5), {0}};
static const tfb_axis *const CACHE_AXES[] = {&TOP, &CALIBRATION};

typedef struct cache_ring {
    cl_mem buffers[MAX_BUFFERS];
    size_t count, buffer_bytes;
    cl_mem sums;              /* one float per work-item of the read kernel */
} cache_ring;

typedef struct cache_geometry {
    unsigned vec;             /* floats per vector */
    size_t group, max_items;
    int interleaved;
} cache_geometry;

typedef struct cache_state {
    cache_ring *ring;
    int kind;
    cache_geometry geo;
    size_t working_set, buffers_used, region_bytes, items;
    cl_uint per_item, passes;
    cl_kernel kernels[MAX_BUFFERS];
    tfb_launch launches[MAX_BUFFERS];
    float before[VERIFY_PIECES][VERIFY_PIECE];
    size_t piece_offset[VERIFY_PIECES];
} cache_state;

static cache_geometry geometry_of(const tfb_device_info *info)
{
    unsigned units = info->compute_units ? info->compute_units : 1;
    /* One work-item per core: a core's share is one item's, so each pass covers the whole share before the next
     * (with several items per core, each item would repeat its passes over a fraction of the share, served from a
     * faster level; a barrier per pass costs half the L1 bandwidth on PoCL). */
    if (info->is_cpu) return (cache_geometry){16, 1, (size_t)units, 0};
    return (cache_geometry){4, 256, (size_t)units * 4 * 256, 1};
}

/* The ring: the run's out-of-cache size in total, in as few allocations as the device allows. */
static void ring_layout(const tfb_run *run, size_t *count, size_t *buffer_bytes)
{
    const tfb_device_info *info = &run->ctx->info;
    cache_geometry geo = geometry_of(info);
    uint64_t granule = geo.max_items * geo.vec * sizeof(float) * 64;
    uint64_t total = tfb_run_out_of_cache_bytes(run), cap = info->max_alloc_bytes;
    size_t n = (size_t)((total + cap - 1) / cap);
    if (n < 1) n = 1;
    if (n > MAX_BUFFERS) n = MAX_BUFFERS;
    uint64_t per = (total / n + granule - 1) / granule * granule;
    if (per > cap) per = cap / granule * granule;
    if (per * n > run->sizing.usable_bytes) per = run->sizing.usable_bytes / n / granule * granule;
    *count = n;
    *buffer_bytes = (size_t)per;
}

static void format_bytes(double bytes, char *out, size_t size)
{
    const char *units[] = {"B", "KiB", "MiB", "GiB"};
    int u = 0;
    while (bytes >= 1024 && u < 3) bytes /= 1024, u++;
    snprintf(out, size, bytes == floor(bytes) ? "%.0f%s" : "%.1f%s", bytes, units[u]);
    if (bytes != floor(bytes) && u >= 2 && fmod(bytes * 1024, 1.0) == 0)  /* 1040MiB, not 1.0GiB */
        snprintf(out, size, "%.0f%s", bytes * 1024, units[u - 1]);
}

typedef struct cache_params {
    int kind;                 /* K_READ or K_UPDATE */
} cache_params;
TFB_CASE_PARAMS(cache_params, cache)

static void add_case(tfb_case *out, size_t max, size_t n, int kind, size_t working_set)
{
    if (n >= max) return;
    tfb_case *c = &out[n];
    char size[32];
    tfb_case_reset(c, "fp32");
    cache_set_case_params(c, (cache_params){.kind = kind});
    c->n = working_set;
    format_bytes((double)working_set, size, sizeof size);
    snprintf(c->shape, sizeof c->shape, "%s-%s", KIND_NAMES[kind], size);
    snprintf(c->series, sizeof c->series, "cache-%s", KIND_NAMES[kind]);
    tfb_case_name(c, "cache");
}

/* Powers of two from 8 KiB while they fit one buffer, then the whole ring (the out-of-cache point). --quick leaves
 * out the slow sizes between the last-level cache and the ring. */
static size_t cache_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    size_t count, buffer_bytes, n = 0;
    ring_layout(run, &count, &buffer_bytes);
    size_t divisor = tfb_axis_value(run->workload, &TOP);
    size_t largest = divisor > 1 ? (size_t)(tfb_run_out_of_cache_bytes(run) / divisor) : buffer_bytes;
    if (largest > buffer_bytes) largest = buffer_bytes;
    for (int kind = K_READ; kind <= K_UPDATE; kind++) {
        for (size_t ws = MIN_WORKING_SET; ws <= largest && ws < count * buffer_bytes; ws *= 2)
            add_case(out, max, n++, kind, ws);
        if (buffer_bytes > 0) add_case(out, max, n++, kind, count * buffer_bytes);
    }
    return n;
}

static double cache_bytes(const tfb_case *c)
{
    return (cache_case_params(c).kind == K_UPDATE ? 2.0 : 1.0) * (double)c->n;
}

static void release_ring(void *p)
{
    cache_ring *r = p;
    if (!r) return;
    for (size_t i = 0; i < r->count; i++) tfb_buffer_release(&r->buffers[i]);
    tfb_buffer_release(&r->sums);
    free(r);
}

static void cache_teardown(void *p)
{
    cache_state *s = p;
    if (!s) return;
    for (size_t i = 0; i < MAX_BUFFERS; i++) tfb_kernel_release(&s->kernels[i]);
    free(s);
}

/* Allocated and filled once for the whole sweep: random floats in [0.5, 1.5). */
static int shared_ring(tfb_run *run, cache_ring **out, tfb_error *err)
{
    if (run->shared) {
        *out = run->shared;
        return TFB_OK;
    }
    cache_ring *r = calloc(1, sizeof *r);
    if (!r) return tfb_fail(err, "out of memory");
    ring_layout(run, &r->count, &r->buffer_bytes);
    int rc = r->buffer_bytes ? TFB_OK : tfb_skip(err, "device memory too small for the cache sweep");
    for (size_t i = 0; rc == TFB_OK && i < r->count; i++) {
        rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, r->buffer_bytes, NULL, &r->buffers[i], err);
        if (rc == TFB_OK)
            rc = tfb_device_fill_uniform(run->ctx, r->buffers[i], r->buffer_bytes / sizeof(float),
                                         (uint32_t)run->seed + (uint32_t)i, 0.5f, 1.5f, err);
    }
    size_t items = geometry_of(&run->ctx->info).max_items;
    if (rc == TFB_OK) rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, items * sizeof(float), NULL, &r->sums, err);
    if (rc != TFB_OK) {
        release_ring(r);
        return rc;
    }
    run->shared = *out = r;
    return TFB_OK;
}

/* Work-items for one buffer's region: as many as the device runs at once, but each with >= MIN_PER_ITEM vectors. */
static void choose_items(cache_state *s)
{
    size_t vectors = s->region_bytes / (s->geo.vec * sizeof(float));
    size_t items = vectors / MIN_PER_ITEM;
    if (items > s->geo.max_items) items = s->geo.max_items;
    items = items / s->geo.group * s->geo.group;
    if (items == 0) items = s->geo.group;
    s->items = items;
    s->per_item = (cl_uint)(vectors / items);
}

static int set_passes(cache_state *s, cl_uint passes, tfb_error *err)
{
    s->passes = passes;
    for (size_t b = 0; b < s->buffers_used; b++) {
        cl_ulong offset = 0;
        int rc = s->kind == K_READ
                     ? TFB_SET_ARGS(s->kernels[b], err, TFB_MEM(s->ring->buffers[b]), TFB_MEM(s->ring->sums),
                                    TFB_VAL(offset), TFB_VAL(s->per_item), TFB_VAL(passes))
                     : TFB_SET_ARGS(s->kernels[b], err, TFB_MEM(s->ring->buffers[b]), TFB_VAL(UPDATE_MUL),
                                    TFB_VAL(UPDATE_ADD), TFB_VAL(offset), TFB_VAL(s->per_item), TFB_VAL(passes));
        if (rc != TFB_OK) return rc;
    }
    return TFB_OK;
}

static int cache_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    cache_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->kind = cache_case_params(c).kind;
    s->working_set = c->n;
    s->geo = geometry_of(&run->ctx->info);
    int rc = shared_ring(run, &s->ring, err);
    if (rc != TFB_OK) return rc;
    s->buffers_used = s->working_set > s->ring->buffer_bytes ? s->ring->count : 1;
    s->region_bytes = s->working_set / s->buffers_used;
    choose_items(s);
    if (s->per_item < 4 || s->per_item % 4) return tfb_fail(err, "cache: %zu bytes do not split into whole items", s->working_set);
    char options[64];
    snprintf(options, sizeof options, "-DVEC=%u%s", s->geo.vec, s->geo.interleaved ? " -DINTERLEAVED" : "");
    for (size_t b = 0; b < s->buffers_used; b++) {
        if (tfb_kernel_create(run->ctx, "cache.cl", options, s->kind == K_READ ? "read_sum" : "update",
                              &s->kernels[b], err) != TFB_OK)
            return TFB_ERROR;
        s->launches[b] = (tfb_launch){s->kernels[b], 1, {s->items}, {s->geo.group}};
    }
    return set_passes(s, 1, err);
}

static int read_floats(tfb_run *run, cl_mem buffer, size_t first, size_t count, float *out, tfb_error *err)
{
    TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                 clEnqueueReadBuffer(run->ctx->queue, buffer, CL_TRUE, first * sizeof(float), count * sizeof(float),
                                     out, 0, NULL, NULL));
    return TFB_OK;
}

/* Samples of the update kernel's first buffer, taken before the verified pass. */
static int sample_before(tfb_run *run, cache_state *s, tfb_error *err)
{
    size_t floats = s->region_bytes / sizeof(float), n = floats < VERIFY_PIECE ? floats : VERIFY_PIECE;
    for (size_t p = 0; p < VERIFY_PIECES; p++) {
        s->piece_offset[p] = (floats - n) / (VERIFY_PIECES - 1) * p;
        if (read_floats(run, s->ring->buffers[0], s->piece_offset[p], n, s->before[p], err) != TFB_OK) return TFB_ERROR;
    }
    return TFB_OK;
}

/* One pass over every buffer of the working set. */
static int cache_execute(tfb_run *run, void *state, tfb_error *err)
{
    cache_state *s = state;
    int rc = s->kind == K_UPDATE ? sample_before(run, s, err) : tfb_device_poison(run->ctx, s->ring->sums,
                                                                                   s->items * sizeof(float), err);
    tfb_work work = {s->launches, s->buffers_used, 1};
    if (rc == TFB_OK) rc = tfb_work_run_once(run->ctx, &work, err);
    return rc;
}

static int verify_update(tfb_run *run, cache_state *s, double *max_error, tfb_error *err)
{
    size_t floats = s->region_bytes / sizeof(float), n = floats < VERIFY_PIECE ? floats : VERIFY_PIECE;
    float got[VERIFY_PIECE];
    double want[VERIFY_PIECE];
    for (size_t p = 0; p < VERIFY_PIECES; p++) {
        if (read_floats(run, s->ring->buffers[0], s->piece_offset[p], n, got, err) != TFB_OK) return TFB_ERROR;
        for (size_t i = 0; i < n; i++) want[i] = (double)UPDATE_MUL * s->before[p][i] + UPDATE_ADD;
        double worst = 0.0;
        if (tfb_check_f32("read-write pass", got, want, n, 0.0, 1e-7, &worst, err) != TFB_OK) return TFB_ERROR;
        if (worst > *max_error) *max_error = worst;
    }
    return TFB_OK;
}

/* The float64 sum of item g's vectors in buffer 0, from the data read back. */
static int item_sum(tfb_run *run, cache_state *s, size_t g, double *sum, tfb_error *err)
{
    size_t vec = s->geo.vec, count = (size_t)s->per_item * vec;
    size_t stride = s->geo.interleaved ? s->items * vec : vec, first = s->geo.interleaved ? g * vec : g * count;
    float *data = malloc((s->geo.interleaved ? s->region_bytes / sizeof(float) : count) * sizeof *data);
    if (!data) return tfb_fail(err, "out of memory");
    int rc = read_floats(run, s->ring->buffers[0], s->geo.interleaved ? 0 : first,
                         s->geo.interleaved ? s->region_bytes / sizeof(float) : count, data, err);
    *sum = 0.0;
    for (size_t v = 0; rc == TFB_OK && v < s->per_item; v++) {
        const float *vector = s->geo.interleaved ? data + first + v * stride : data + v * vec;
        for (size_t l = 0; l < vec; l++) *sum += vector[l];
    }
    free(data);
    return rc;
}

/* Relative rounding bound of one item's sum of positive terms: the adds along the longest path (a block's chain,
 * the block totals, the lanes), each off by at most half an ulp; doubled for margin. */
static double read_tolerance(const cache_state *s)
{
    double blocks = ceil((double)s->per_item / READ_BLOCK);
    return 2.0 * (READ_BLOCK / 4.0 + blocks + s->geo.vec + 4.0) * 0x1p-24;
}

/* The first and the last item's sums; every item's sum must at least have been written (not the NaN poison). */
static int verify_read(tfb_run *run, cache_state *s, double *max_error, tfb_error *err)
{
    float *got = malloc(s->items * sizeof *got);
    double *want = malloc(s->items * sizeof *want);
    int rc = got && want ? read_floats(run, s->ring->sums, 0, s->items, got, err) : tfb_fail(err, "out of memory");
    size_t checked[] = {0, s->items - 1};
    for (size_t i = 0; rc == TFB_OK && i < 2; i++) {
        double worst = 0.0;
        rc = item_sum(run, s, checked[i], &want[checked[i]], err);
        if (rc == TFB_OK)
            rc = tfb_check_f32("read sum", &got[checked[i]], &want[checked[i]], 1, 0.0, read_tolerance(s), &worst, err);
        if (worst > *max_error) *max_error = worst;
    }
    for (size_t i = 0; rc == TFB_OK && i < s->items; i++)
        if (!isfinite(got[i])) rc = tfb_fail(err, "read sum of work-item %zu was not written", i);
    free(got);
    free(want);
    return rc;
}

static int cache_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    cache_state *s = state;
    *max_error = 0.0;
    return s->kind == K_UPDATE ? verify_update(run, s, max_error, err) : verify_read(run, s, max_error, err);
}

/* Passes per launch so that one launch lasts about `target` seconds (at least one pass). */
static int calibrate(tfb_run *run, cache_state *s, double target, tfb_error *err)
{
    tfb_work work = {s->launches, 1, 1};
    tfb_timing_policy once = {.warmup = 1, .min_reps = 1, .max_reps = 1, .min_seconds = 0};
    cl_uint passes = 1;
    for (int attempt = 0; attempt < 6; attempt++) {  /* until launch overhead is small against the probe */
        tfb_stats probe;
        if (set_passes(s, passes, err) != TFB_OK || tfb_work_time(run->ctx, &work, &once, &probe, err) != TFB_OK)
            return TFB_ERROR;
        double scaled = passes * target / fmax(probe.median, 1e-9);
        if (probe.median >= target / 8 || scaled < passes) return set_passes(s, (cl_uint)fmin(fmax(scaled, 1.0), 1 << 24), err);
        passes = (cl_uint)fmin(scaled, 1 << 24);
    }
    return TFB_OK;
}

static int cache_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    cache_state *s = state;
    double target = tfb_axis_value(run->workload, &CALIBRATION) / 1e3;
    if (calibrate(run, s, target, err) != TFB_OK) return TFB_ERROR;
    tfb_work work = {s->launches, 1, s->buffers_used};  /* one buffer per repetition, rotating */
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void cache_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    cache_state *s = state;
    double floats = (double)s->region_bytes / sizeof(float) * s->passes;
    r->bytes = (s->kind == K_UPDATE ? 2.0 : 1.0) * floats * sizeof(float);
    r->flops = (s->kind == K_UPDATE ? 2.0 : 1.0) * floats;  /* one add per element read; one FMA per update */
    r->bytes_written = s->kind == K_UPDATE ? floats * sizeof(float) : 0.0;  /* the read kernel's sums are noise */
    tfb_result_derive(r);
    r->working_set_bytes = s->working_set;
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddStringToObject(extra, "kernel", s->kind == K_READ ? "read" : "read-write");
    cJSON_AddNumberToObject(extra, "passes", s->passes);
    cJSON_AddNumberToObject(extra, "work_items", (double)s->items);
    cJSON_AddNumberToObject(extra, "buffers", (double)s->buffers_used);
    r->extra = extra;
}

/* This run's verified points of one kernel, by working set (the cases run in increasing order). */
static size_t sweep_points(const tfb_results *results, int kind, double *sizes, double *gbps)
{
    char series[32];
    snprintf(series, sizeof series, "cache-%s", KIND_NAMES[kind]);
    size_t n = 0;
    for (size_t i = 0; i < results->count && n < TFB_FIT_MAX_POINTS; i++) {
        const tfb_result *r = &results->items[i];
        if (strcmp(r->suite, "cache") != 0 || strcmp(r->series, series) != 0 || r->skipped[0] || r->verified != 1)
            continue;
        size_t j = n++;
        for (; j > 0 && sizes[j - 1] > (double)r->working_set_bytes; j--) {
            sizes[j] = sizes[j - 1];
            gbps[j] = gbps[j - 1];
        }
        sizes[j] = (double)r->working_set_bytes;
        gbps[j] = r->gbytes_per_second;
    }
    return n;
}

/* What the whole device holds at each level: per-core caches times the cores on a CPU (the working set is split
 * across them); local memory per compute unit and the global memory cache on other devices. */
static size_t device_levels(const tfb_results *results, tfb_cache_level *levels)
{
    const tfb_host_info *h = &results->host;
    const tfb_device_info *d = &results->device;
    double cores = h->cores ? h->cores : 1, units = d->compute_units ? d->compute_units : 1;
    size_t n = 0;
    if (d->is_cpu) {
        if (h->l1d_bytes) levels[n++] = (tfb_cache_level){"L1", (double)h->l1d_bytes * cores};
        if (h->l2_bytes) levels[n++] = (tfb_cache_level){"L2", (double)h->l2_bytes * cores};
        if (h->l3_total_bytes) levels[n++] = (tfb_cache_level){"L3", (double)h->l3_total_bytes};
    } else {
        if (d->local_mem_bytes) levels[n++] = (tfb_cache_level){"L1/local", (double)d->local_mem_bytes * units};
        if (d->global_cache_bytes) levels[n++] = (tfb_cache_level){"L2", (double)d->global_cache_bytes};
    }
    return n;
}

/* The fp32 roof the level ridges use: the peak suite's, else the intensity sweep's fitted roof. */
static double fp32_roof(const tfb_results *results)
{
    const tfb_ceilings *c = &results->ceilings;
    return c->peak_gflops_fp32 > 0 ? c->peak_gflops_fp32 : c->fitted_roof_fp32;
}

/* One kernel's sweep, its levels and their names. */
typedef struct cache_sweep {
    double sizes[TFB_FIT_MAX_POINTS], gbps[TFB_FIT_MAX_POINTS];
    size_t n, count;
    tfb_plateau levels[TFB_FIT_MAX_POINTS];
} cache_sweep;

/* Working sets from this size on are memory (the run's out-of-cache rule). */
static double dram_from(const tfb_sizing *sizing)
{
    if (sizing->rule == TFB_OOC_PLATEAU_CHECK) return (double)sizing->plateau_bytes;
    return (double)sizing->needed_bytes;
}

static void detect_levels(const tfb_run *run, int kind, const tfb_cache_level *topology, size_t topology_count,
                          cache_sweep *sweep)
{
    sweep->n = sweep_points(run->results, kind, sweep->sizes, sweep->gbps);
    sweep->count = tfb_detect_plateaus(sweep->sizes, sweep->gbps, sweep->n, TFB_LEVEL_RUN_TOLERANCE, TFB_LEVEL_DROP,
                                       sweep->levels, TFB_FIT_MAX_POINTS);
    tfb_name_plateaus(sweep->levels, sweep->count, sweep->sizes, topology, topology_count, dram_from(&run->sizing));
}

static void add_topology(cJSON *level, const tfb_plateau *p)
{
    cJSON_AddBoolToObject(level, "topology_agrees", p->agrees);
    if (!p->topology) return;
    cJSON_AddStringToObject(level, "topology_name", p->topology->name);
    cJSON_AddNumberToObject(level, "topology_bytes", p->topology->capacity_bytes);
}

static cJSON *level_json(const cache_sweep *reads, size_t i, const cache_sweep *rw, double roof)
{
    const tfb_plateau *p = &reads->levels[i];
    cJSON *level = cJSON_CreateObject();
    cJSON_AddStringToObject(level, "name", p->label);
    cJSON_AddNumberToObject(level, "working_set_bytes", round(p->working_set_bytes));
    cJSON_AddNumberToObject(level, "first_bytes", reads->sizes[p->first]);
    cJSON_AddNumberToObject(level, "last_bytes", reads->sizes[p->last]);
    cJSON_AddNumberToObject(level, "bandwidth_gbps", p->bandwidth_gbps);
    if (roof > 0) cJSON_AddNumberToObject(level, "ridge_fp32", roof / p->bandwidth_gbps);
    else cJSON_AddNullToObject(level, "ridge_fp32");
    for (size_t j = 0; j < rw->count; j++)
        if (strcmp(rw->levels[j].label, p->label) == 0)
            cJSON_AddNumberToObject(level, "read_write_gbps", rw->levels[j].bandwidth_gbps);
    cJSON_AddNumberToObject(level, "points", (double)(p->last - p->first + 1));
    add_topology(level, p);
    return level;
}

/* context.ceilings.levels: the read-only sweep's levels, named, with the read-write bandwidth of the same level. */
static void cache_finish(tfb_run *run)
{
    cache_sweep read_sweep, write_sweep;
    cache_sweep *reads = &read_sweep, *writes = &write_sweep;
    tfb_cache_level topology[4];
    size_t topology_count = device_levels(run->results, topology);
    detect_levels(run, K_READ, topology, topology_count, reads);
    detect_levels(run, K_UPDATE, topology, topology_count, writes);
    if (reads->count == 0) return;
    double roof = fp32_roof(run->results);
    cJSON *levels = cJSON_CreateArray();
    for (size_t i = 0; i < reads->count; i++) cJSON_AddItemToArray(levels, level_json(reads, i, writes, roof));
    if (!run->results->ceilings.extra) run->results->ceilings.extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(run->results->ceilings.extra, "levels");
    cJSON_AddItemToObject(run->results->ceilings.extra, "levels", levels);
}

static size_t json_bytes(const cJSON *o, const char *key)
{
    double bytes = tfb_json_number(o, key, 0);
    return bytes > 0 && bytes < 0x1p62 ? (size_t)bytes : 0;
}

static void print_level(const cJSON *level, const tfb_ceilings *ceilings, FILE *out)
{
    char first[32], last[32], rw[32] = "-", note[160] = "";
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(level, "name");
    const cJSON *topology = cJSON_GetObjectItemCaseSensitive(level, "topology_name");
    const char *label = cJSON_IsString(name) ? name->valuestring : "?";
    double gbps = tfb_json_number(level, "bandwidth_gbps", -1.0), read_write = tfb_json_number(level, "read_write_gbps", -1.0);
    tfb_format_bytes(json_bytes(level, "first_bytes"), first, sizeof first);
    tfb_format_bytes(json_bytes(level, "last_bytes"), last, sizeof last);
    if (read_write > 0) snprintf(rw, sizeof rw, "%.1f", read_write);
    if (strcmp(label, "DRAM") == 0 && ceilings->bandwidth_read_gbps > 0)
        snprintf(note, sizeof note, "stream read ceiling %.1f GB/s (%+.0f%%)", ceilings->bandwidth_read_gbps,
                 100.0 * (gbps / ceilings->bandwidth_read_gbps - 1.0));
    else if (cJSON_IsString(topology)) {
        char capacity[32];
        tfb_format_bytes(json_bytes(level, "topology_bytes"), capacity, sizeof capacity);
        int agrees = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(level, "topology_agrees"));
        snprintf(note, sizeof note, "hwloc %s %s: %s", topology->valuestring, capacity,
                 agrees ? "agrees" : "does not fit the measured extent");
    } else snprintf(note, sizeof note, "no topology level left to compare");
    fprintf(out, "  %-6s %9s - %-9s %7.1f GB/s (rw %6s)  %s\n", label, first, last, gbps, rw, note);
}

static void cache_summarize(const tfb_results *results, FILE *out)
{
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(results->ceilings.extra, "levels");
    if (!cJSON_IsArray(levels)) return;
    fprintf(out, "\nMemory levels (read-only sweep; a level is a run within 5%%, the next one >= 1.25x slower):\n");
    const cJSON *level;
    cJSON_ArrayForEach(level, levels) print_level(level, &results->ceilings, out);
}

const tfb_suite tfb_suite_cache = {
    .name = "cache",
    .description = "bandwidth versus working set (read-only, read-write): cache plateaus and per-level ridges",
    .in_default_run = 0,
    .cases = cache_cases,
    .bytes = cache_bytes,
    .setup = cache_setup,
    .execute = cache_execute,
    .verify = cache_verify,
    .measure = cache_measure,
    .annotate = cache_annotate,
    .teardown = cache_teardown,
    .finish = cache_finish,
    .summarize = cache_summarize,
    .release_shared = release_ring,
    .options_used = 0,  /* working sets from the cache sizes */
    TFB_SUITE_AXES(CACHE_AXES),
};
