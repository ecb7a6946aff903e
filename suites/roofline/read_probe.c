/* The read-bandwidth probe (include/tfbench/read_probe.h). Inputs on the stream suite's 1/256 grid in [0.5, 1.5), so
 * every partial sum is exact and a sample of them is checked for equality after each width's measurement. */
#include <stdio.h>
#include <stdlib.h>
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"

#define PROBE_CHECKED 16       /* partial sums checked per measurement, at seeded places */
#define PROBE_LO 0.5f          /* the inputs' grid: [PROBE_LO, PROBE_HI) in steps of 2^-TFB_READ_GRID_BITS */
#define PROBE_HI 1.5f
static const unsigned WIDTHS[] = TFB_STREAM_VEC_WIDTHS;
#define WIDTH_COUNT (sizeof WIDTHS / sizeof *WIDTHS)

static unsigned variant_vec(size_t v)
{
    return v < WIDTH_COUNT ? WIDTHS[v] : WIDTHS[WIDTH_COUNT - 1];
}

static unsigned variant_prefetch(size_t v)
{
    return v < WIDTH_COUNT ? 0 : TFB_READ_PREFETCH_CPU;
}

static size_t probe_floats(const tfb_run *run, uint64_t bytes, size_t granule)
{
    uint64_t cap = run->ctx->info.max_alloc_bytes;
    if (bytes > cap) bytes = cap;
    return (size_t)(bytes / sizeof(float) / granule * granule);
}

void tfb_read_kernel_options(char *out, size_t size, unsigned vec, size_t item_floats, int interleaved,
                             unsigned prefetch)
{
    int used = snprintf(out, size, "-DVEC=%u -DITEM_FLOATS=%zu%s", vec, item_floats,
                        interleaved ? "" : " -DITEM_BLOCK");
    if (prefetch && used > 0 && (size_t)used < size)
        snprintf(out + used, size - (size_t)used, " -DREAD_PREFETCH=%u", prefetch);
}

static int create_kernels(tfb_run *run, tfb_read_probe *p, tfb_error *err)
{
    p->variants = p->interleaved ? WIDTH_COUNT : TFB_READ_PROBE_VARIANTS;
    for (size_t w = 0; w < p->variants; w++) {
        char options[128];
        tfb_read_kernel_options(options, sizeof options, variant_vec(w), p->item_floats, p->interleaved,
                                variant_prefetch(w));
        if (tfb_kernel_create(run->ctx, "stream.cl", options, "read_sum", &p->kernels[w], err) != TFB_OK ||
            TFB_SET_ARGS(p->kernels[w], err, TFB_MEM(p->data), TFB_MEM(p->partial)) != TFB_OK)
            return TFB_ERROR;
        p->launches[w] = (tfb_launch){p->kernels[w], 1, {p->items}, {p->group}};
    }
    return TFB_OK;
}

/* The exact sum of every input, which the partial sums must add up to. Each input is lo + (hi - lo) u / 2^bits for
 * its grid index u, so the total is count x lo + (hi - lo) x (sum of u) / 2^bits: integer work, exact in float64
 * (summing the floats one by one took ~1.5 s at 1.88 GiB, a tenth of the layer decode case). */
static void exact_total(tfb_read_probe *p)
{
    uint64_t sum = 0;
    for (uint64_t i = 0; i < p->count;) {
        uint32_t high = tfb_hash32(p->seed ^ (uint32_t)(i >> 32));  /* as tfb_hash_grid: once per 2^32 indices */
        uint64_t end = ((i >> 32) + 1) << 32;
        if (end > p->count) end = p->count;
        for (; i < end; i++) sum += tfb_grid_index((uint32_t)i ^ high, TFB_READ_GRID_BITS);
    }
    double step = (double)(PROBE_HI - PROBE_LO) / (1u << TFB_READ_GRID_BITS);
    p->total = (double)p->count * PROBE_LO + (double)sum * step;
}

int tfb_read_probe_setup(tfb_run *run, tfb_read_probe *p, tfb_error *err)
{
    return tfb_read_probe_setup_bytes(run, p, tfb_run_out_of_cache_bytes(run), err);
}

int tfb_read_probe_setup_bytes(tfb_run *run, tfb_read_probe *p, uint64_t bytes, tfb_error *err)
{
    p->interleaved = run->ctx->info.gpu_kernels;
    p->group = p->interleaved ? TFB_READ_GROUP_GPU : TFB_READ_GROUP_CPU;
    p->item_floats = p->interleaved ? TFB_READ_ITEM_FLOATS_GPU : TFB_READ_ITEM_FLOATS_CPU;
    p->count = probe_floats(run, bytes, p->item_floats * p->group);
    p->items = p->count / p->item_floats;
    p->seed = (uint32_t)run->seed + 5151u;
    if (p->count == 0) return tfb_skip(err, "no room for the read probe's buffer");
    if (tfb_buffer_create(run->ctx, CL_MEM_READ_ONLY, p->count * sizeof(float), NULL, &p->data, err) != TFB_OK ||
        tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, p->items * sizeof(float), NULL, &p->partial, err) != TFB_OK)
        return TFB_SKIP;
    if (tfb_device_fill_grid(run->ctx, p->data, p->count, p->seed, PROBE_LO, PROBE_HI, TFB_READ_GRID_BITS, err) !=
        TFB_OK)
        return TFB_ERROR;
    exact_total(p);
    return create_kernels(run, p, err);
}

/* Partial sum `item` at width `vec`: on a CPU the item's own block, on a GPU its lane of its group's interleaved
 * block. */
static double expected_partial(const tfb_read_probe *p, unsigned vec, size_t item)
{
    double sum = 0.0;
    if (!p->interleaved) {
        for (size_t i = item * p->item_floats; i < (item + 1) * p->item_floats; i++)
            sum += tfb_hash_grid(p->seed, i, PROBE_LO, PROBE_HI, TFB_READ_GRID_BITS);
        return sum;
    }
    size_t g = item / p->group, lane = item % p->group, vecs = p->item_floats / vec;
    for (size_t v = 0; v < vecs; v++)
        for (size_t e = 0; e < vec; e++) {
            size_t index = ((g * vecs + v) * p->group + lane) * vec + e;
            sum += tfb_hash_grid(p->seed, index, PROBE_LO, PROBE_HI, TFB_READ_GRID_BITS);
        }
    return sum;
}

/* A seeded sample of the partial sums must each be exact, and all of them together the exact total (each is exact
 * on the grid, so is their sum in float64: one wrong block anywhere shows). */
static int check_partials(tfb_run *run, const tfb_read_probe *p, unsigned vec, tfb_error *err)
{
    float *got = malloc(p->items * sizeof *got);
    if (!got) return tfb_fail(err, "out of memory");
    int rc = tfb_buffer_read(run->ctx, p->partial, p->items * sizeof *got, got, err);
    for (size_t i = 0; rc == TFB_OK && i < PROBE_CHECKED; i++) {
        size_t item = i == 0 ? p->items - 1 : (size_t)tfb_hash32((uint32_t)i ^ p->seed) % p->items;
        double want = expected_partial(p, vec, item);
        if ((double)got[item] != want)
            rc = tfb_fail(err, "read probe (float%u): partial sum %zu = %.9g, expected exactly %.9g", vec, item,
                          (double)got[item], want);
    }
    double sum = 0.0;
    for (size_t i = 0; rc == TFB_OK && i < p->items; i++) sum += got[i];
    if (rc == TFB_OK && sum != p->total)
        rc = tfb_fail(err, "read probe (float%u): the partial sums add up to %.17g, expected exactly %.17g", vec, sum,
                      p->total);
    free(got);
    return rc;
}

int tfb_read_probe_measure(tfb_run *run, tfb_read_probe *p, int all, double *gbps, tfb_error *err)
{
    tfb_timing_policy policy = tfb_timing_default(1);
    policy.sample_seconds = 0.0;  /* one execution per sample: each reads the whole buffer */
    policy.max_noise = 0.0;
    policy.record = NULL;
    double bytes = (double)(p->count + p->items) * sizeof(float);
    *gbps = 0.0;
    size_t first = all ? 0 : p->best, end = all ? p->variants : p->best + 1;
    for (size_t w = first; w < end; w++) {
        tfb_work work = {&p->launches[w], 1, 1};
        tfb_stats time;
        if (tfb_device_poison(run->ctx, p->partial, p->items * sizeof(float), err) != TFB_OK ||
            tfb_work_time(run->ctx, &work, &policy, &time, err) != TFB_OK ||
            check_partials(run, p, variant_vec(w), err) != TFB_OK)
            return TFB_ERROR;
        double figure = time.median > 0 ? bytes / time.median * 1e-9 : 0.0;
        if (figure > *gbps) *gbps = figure, p->best = w;
    }
    p->best_vec = variant_vec(p->best);
    p->best_prefetch = variant_prefetch(p->best);
    return TFB_OK;
}

size_t tfb_read_probe_items_of(const tfb_read_probe *p, uint64_t bytes)
{
    size_t granule = p->item_floats * p->group;
    size_t floats = (size_t)(bytes / sizeof(float) / granule * granule);
    return (floats < p->count ? floats : p->count) / p->item_floats;
}

int tfb_read_probe_time_items(tfb_run *run, tfb_read_probe *p, size_t items, double *seconds, tfb_error *err)
{
    tfb_timing_policy once = {.min_reps = 1, .max_reps = 1};
    tfb_launch launch = p->launches[p->variants - 1];
    launch.global[0] = items;
    tfb_work work = {&launch, 1, 1};
    tfb_stats time;
    if (tfb_work_time(run->ctx, &work, &once, &time, err) != TFB_OK) return TFB_ERROR;
    *seconds = time.median;
    return TFB_OK;
}

int tfb_read_probe_check_last(tfb_run *run, tfb_read_probe *p, tfb_error *err)
{
    return check_partials(run, p, variant_vec(p->variants - 1), err);
}

void tfb_read_probe_release(tfb_read_probe *p)
{
    for (size_t w = 0; w < TFB_READ_PROBE_VARIANTS; w++) tfb_kernel_release(&p->kernels[w]);
    tfb_buffer_release(&p->data);
    tfb_buffer_release(&p->partial);
}
