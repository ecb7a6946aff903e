/* STREAM copy and triad (read + write) and a read-only sum: the device's two measured memory-bandwidth ceilings.
 * The working set reaches the run's out-of-cache size (tfb_sizing) by rotating over several sets of arrays when one
 * allocation is not enough; bytes = read + written. When the out-of-cache size is out of reach, each kind is also
 * measured at half the size, and finish() accepts the figure only if the two agree (the final plateau). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

enum { STREAM_COPY, STREAM_TRIAD, STREAM_READ, STREAM_KINDS };
static const char *const KIND_NAMES[] = {"copy", "triad", "read"};
static const size_t VEC_WIDTHS[] = TFB_STREAM_VEC_WIDTHS;  /* the read probe's too */
static const tfb_axis WIDTH = {"vector_width", "floats per vector load, every kind at each",
                               {VEC_WIDTHS, sizeof VEC_WIDTHS / sizeof *VEC_WIDTHS},
                               {VEC_WIDTHS, sizeof VEC_WIDTHS / sizeof *VEC_WIDTHS}, {0}};
static const tfb_axis *const STREAM_AXES[] = {&WIDTH};

/* The widest vector of the run's sweep: its read also with prefetch, and every kind's plateau twin. */
static unsigned widest_vector(const tfb_run *run)
{
    tfb_axis_list widths = tfb_axis_values(run->workload, &WIDTH);
    return (unsigned)widths.values[widths.count - 1];
}
static const float TRIAD_SCALAR = 3.0f;
#define MAX_SETS 8
/* The read kernel's layout (grid, floats per item, groups, widths) is tfbench/read_probe.h's, shared with the probe. */
typedef struct stream_params {
    int kind;                 /* STREAM_COPY, STREAM_TRIAD, STREAM_READ */
    unsigned vec;             /* floats per vector */
    int half;                 /* the plateau check's twin: half of the arrays */
    size_t sets;              /* rotating sets */
    size_t item_floats;       /* read: floats per work-item */
    unsigned prefetch;        /* read on a CPU: software prefetch this many bytes ahead (0: none) */
} stream_params;
TFB_CASE_PARAMS(stream_params, stream)

typedef struct stream_set {
    cl_mem a, b, c;           /* read: a is the data, b the partial sums */
} stream_set;

/* The arrays, kept across the cases of one kind (allocating and filling gigabytes per case would cost more than
 * measuring them). */
typedef struct stream_arrays {
    int kind;
    size_t count, sets;       /* floats per array, rotating sets */
    stream_set set[MAX_SETS];
    size_t item_floats;       /* read: floats per work-item */
    double *chunk_sums;       /* read: exact sum of every item_floats chunk, set after set */
} stream_arrays;

typedef struct stream_state {
    stream_arrays *arrays;
    unsigned vec;
    unsigned prefetch;        /* read: bytes ahead (kernels/stream.cl, READ_PREFETCH) */
    size_t used;              /* floats per array this case touches (half of them in the plateau check) */
    size_t group;
    int item_block;           /* read on a CPU: item g reads chunk g */
    cl_kernel kernels[MAX_SETS];
    tfb_launch launches[MAX_SETS];
    tfb_launch full_launches[MAX_SETS]; /* plateau twin: the same kernels over the whole arrays */
    double full_seconds;      /* plateau twin: median time of the whole arrays, timed alternately with the half */
    int checked;              /* copy/triad: the first (complete) check is done; later ones check a spread */
    uint32_t seed;
} stream_state;

static size_t arrays_of(int kind)
{
    return kind == STREAM_COPY ? 2 : kind == STREAM_TRIAD ? 3 : 1;
}

static size_t item_floats(const tfb_device_info *info)
{
    return info->gpu_kernels ? TFB_READ_ITEM_FLOATS_GPU : TFB_READ_ITEM_FLOATS_CPU;
}

/* Floats per array and sets: together the run's target size, each array within one allocation. The granule is a
 * whole number of read work-groups and of every vector width x 256 copy/triad items. */
static void stream_layout(const tfb_run *run, int kind, size_t *sets, size_t *count)
{
    const tfb_device_info *info = &run->ctx->info;
    const uint64_t granule = (uint64_t)item_floats(info) * TFB_READ_GROUP_GPU * sizeof(float);
    uint64_t arrays = arrays_of(kind), cap = info->max_alloc_bytes / granule * granule;
    uint64_t per_array = tfb_run_out_of_cache_bytes(run) / arrays;
    uint64_t n = cap ? (per_array + cap - 1) / cap : 1;
    n = n < 1 ? 1 : n > MAX_SETS ? MAX_SETS : n;
    uint64_t bytes = (per_array / n + granule - 1) / granule * granule;
    if (bytes > cap) bytes = cap;
    if (bytes * arrays * n > run->sizing.usable_bytes) bytes = run->sizing.usable_bytes / (arrays * n) / granule * granule;
    *sets = (size_t)n;
    *count = (size_t)(bytes / sizeof(float));
}

/* p: kind, vec, half and prefetch; the layout is filled in here. */
static void add_case(const tfb_run *run, tfb_case *out, size_t max, size_t n, stream_params p)
{
    if (n >= max) return;
    tfb_case *c = &out[n];
    tfb_case_reset(c, "fp32");
    stream_layout(run, p.kind, &p.sets, &c->n);
    p.item_floats = item_floats(&run->ctx->info);
    stream_set_case_params(c, p);
    char width[16] = "";
    if (p.vec > 1) snprintf(width, sizeof width, "%u", p.vec);
    snprintf(c->shape, sizeof c->shape, "%s-float%s%s%s", KIND_NAMES[p.kind], width, p.prefetch ? "-prefetch" : "",
             p.half ? "-half" : "");
    snprintf(c->series, sizeof c->series, "stream");
    tfb_case_name(c, "stream");
}

/* Every kind at every vector width (on a CPU the read sum also at the widest with software prefetch); under the
 * plateau rule, each kind's widest variant again at half the size. */
static size_t stream_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    size_t n = 0;
    tfb_axis_list widths = tfb_axis_values(run->workload, &WIDTH);
    unsigned widest = widest_vector(run);
    int plateau = run->sizing.rule == TFB_OOC_PLATEAU_CHECK;
    for (int kind = 0; kind < STREAM_KINDS; kind++) {
        stream_params p = {.kind = kind, .vec = widest};
        for (size_t v = 0; v < widths.count; v++)
            add_case(run, out, max, n++, (stream_params){.kind = kind, .vec = (unsigned)widths.values[v]});
        if (kind == STREAM_READ && !run->ctx->info.gpu_kernels) {
            p.prefetch = TFB_READ_PREFETCH_CPU;
            add_case(run, out, max, n++, p);
            p.prefetch = 0;
        }
        p.half = 1;
        if (plateau) add_case(run, out, max, n++, p);
    }
    return n;
}

static double used_floats(const tfb_case *c)
{
    return stream_case_params(c).half ? (double)(c->n / 2) : (double)c->n;
}

static double stream_flops(const tfb_case *c)
{
    int kind = stream_case_params(c).kind;
    return (kind == STREAM_TRIAD ? 2.0 : kind == STREAM_READ ? 1.0 : 0.0) * used_floats(c);
}

/* Per repetition (one set). The read kernel's partial sums (one float per work-item) are its writes. */
static double stream_bytes_written(const tfb_case *c)
{
    stream_params p = stream_case_params(c);
    if (p.kind == STREAM_READ) return used_floats(c) / (double)p.item_floats * sizeof(float);
    return used_floats(c) * sizeof(float);
}

static double stream_bytes(const tfb_case *c)
{
    int kind = stream_case_params(c).kind;
    return (double)(arrays_of(kind) - (kind == STREAM_READ ? 0 : 1)) * used_floats(c) * sizeof(float) +
           stream_bytes_written(c);
}

static void release_arrays(void *p)
{
    stream_arrays *arrays = p;
    if (!arrays) return;
    for (size_t s = 0; s < MAX_SETS; s++) {
        tfb_buffer_release(&arrays->set[s].a);
        tfb_buffer_release(&arrays->set[s].b);
        tfb_buffer_release(&arrays->set[s].c);
    }
    free(arrays->chunk_sums);
    free(arrays);
}

static void stream_teardown(void *p)
{
    stream_state *s = p;
    if (!s) return;
    for (size_t i = 0; i < MAX_SETS; i++) tfb_kernel_release(&s->kernels[i]);
    free(s);
}

static cl_mem output_of(const stream_arrays *arrays, size_t set)
{
    return arrays->kind == STREAM_TRIAD ? arrays->set[set].a : arrays->set[set].b;
}

static uint32_t set_seed(uint32_t seed, size_t set)
{
    return seed + 2 * (uint32_t)set;
}

/* The exact sum of every read chunk, from the generator the device used (float64 holds them exactly). */
static int read_reference(stream_arrays *arrays, uint32_t seed, tfb_error *err)
{
    size_t chunks = arrays->count / arrays->item_floats;
    arrays->chunk_sums = malloc(arrays->sets * chunks * sizeof(double));
    if (!arrays->chunk_sums) return tfb_fail(err, "out of memory");
    for (size_t s = 0; s < arrays->sets; s++) {
        for (size_t k = 0; k < chunks; k++) {
            double sum = 0.0;
            for (size_t i = k * arrays->item_floats; i < (k + 1) * arrays->item_floats; i++)
                sum += tfb_hash_grid(set_seed(seed, s), i, 0.5f, 1.5f, TFB_READ_GRID_BITS);
            arrays->chunk_sums[s * chunks + k] = sum;
        }
    }
    return TFB_OK;
}

/* Inputs random in [0.5, 1.5): never zero. */
static int fill_set(tfb_run *run, stream_arrays *arrays, size_t s, uint32_t seed, tfb_error *err)
{
    size_t bytes = arrays->count * sizeof(float);
    stream_set *set = &arrays->set[s];
    cl_mem *all[] = {&set->a, &set->b, &set->c};
    for (size_t i = 0; i < arrays_of(arrays->kind); i++)
        if (tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, bytes, NULL, all[i], err) != TFB_OK) return TFB_SKIP;
    switch (arrays->kind) {
    case STREAM_COPY: return tfb_device_fill_uniform(run->ctx, set->a, arrays->count, seed, 0.5f, 1.5f, err);
    case STREAM_TRIAD:
        if (tfb_device_fill_uniform(run->ctx, set->b, arrays->count, seed, 0.5f, 1.5f, err) != TFB_OK) return TFB_ERROR;
        return tfb_device_fill_uniform(run->ctx, set->c, arrays->count, seed + 1, 0.5f, 1.5f, err);
    default:
        if (tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, arrays->count / arrays->item_floats * sizeof(float), NULL,
                              &set->b, err) != TFB_OK)
            return TFB_ERROR;
        return tfb_device_fill_grid(run->ctx, set->a, arrays->count, seed, 0.5f, 1.5f, TFB_READ_GRID_BITS, err);
    }
}

static int create_arrays(tfb_run *run, stream_arrays *arrays, uint32_t seed, tfb_error *err)
{
    for (size_t s = 0; s < arrays->sets; s++) {
        int rc = fill_set(run, arrays, s, set_seed(seed, s), err);
        if (rc != TFB_OK) return rc;
    }
    return arrays->kind == STREAM_READ ? read_reference(arrays, seed, err) : TFB_OK;
}

/* The arrays for this case's kind: reused from the previous case when it had the same kind and size. */
static int shared_arrays(tfb_run *run, const tfb_case *c, stream_arrays **out, tfb_error *err)
{
    stream_arrays *arrays = run->shared;
    stream_params p = stream_case_params(c);
    if (arrays && arrays->kind == p.kind && arrays->count == c->n && arrays->sets == p.sets) {
        *out = arrays;
        return TFB_OK;
    }
    release_arrays(arrays);
    run->shared = arrays = calloc(1, sizeof *arrays);
    if (!arrays) return tfb_fail(err, "out of memory");
    *arrays = (stream_arrays){.kind = p.kind, .count = c->n, .sets = p.sets, .item_floats = p.item_floats};
    *out = arrays;
    int rc = create_arrays(run, arrays, (uint32_t)run->seed, err);
    if (rc != TFB_OK) {
        release_arrays(arrays);
        run->shared = NULL;
    }
    return rc;
}

static int set_kernel_args(stream_state *s, size_t set, tfb_error *err)
{
    const stream_set *a = &s->arrays->set[set];
    switch (s->arrays->kind) {
    case STREAM_COPY: return TFB_SET_ARGS(s->kernels[set], err, TFB_MEM(a->a), TFB_MEM(a->b));
    case STREAM_TRIAD:
        return TFB_SET_ARGS(s->kernels[set], err, TFB_MEM(a->a), TFB_MEM(a->b), TFB_MEM(a->c), TFB_VAL(TRIAD_SCALAR));
    default: return TFB_SET_ARGS(s->kernels[set], err, TFB_MEM(a->a), TFB_MEM(a->b));
    }
}

/* Build options: the vector width; for the read kernel its layout (CPU: one block per item; see kernels/stream.cl). */
static void build_options(const tfb_run *run, const stream_state *s, char *out, size_t size)
{
    if (s->arrays->kind != STREAM_READ) {
        snprintf(out, size, "-DVEC=%u", s->vec);
        return;
    }
    tfb_read_kernel_options(out, size, s->vec, s->arrays->item_floats, run->ctx->info.gpu_kernels, s->prefetch);
}

static size_t launch_items(const tfb_run *run, const stream_state *s)
{
    if (s->arrays->kind == STREAM_READ) return s->used / s->arrays->item_floats;
    return s->used / s->vec;
}

/* Every set's output: NaN before the first check; before the check after timing, random wrong numbers of the
 * output's own magnitude (a kernel that skips its work once its output looks computed must not recognise them). */
static int poison_outputs(tfb_run *run, const stream_state *s, int plausible, tfb_error *err)
{
    int read = s->arrays->kind == STREAM_READ;
    size_t floats = read ? s->arrays->count / s->arrays->item_floats : s->arrays->count;
    float typical = read ? (float)s->arrays->item_floats : s->arrays->kind == STREAM_TRIAD ? 4.0f : 1.0f;
    for (size_t set = 0; set < s->arrays->sets; set++) {
        cl_mem out = output_of(s->arrays, set);
        int rc = plausible ? tfb_device_fill_uniform(run->ctx, out, floats, s->seed + 977 + (uint32_t)set,
                                                     0.9f * typical, 1.1f * typical, err)
                           : tfb_device_poison(run->ctx, out, floats * sizeof(float), err);
        if (rc != TFB_OK) return rc;
    }
    return TFB_OK;
}

static int stream_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    stream_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->vec = stream_case_params(c).vec;
    s->prefetch = stream_case_params(c).prefetch;
    s->seed = (uint32_t)run->seed;
    if (c->n == 0) return tfb_skip(err, "device memory too small for a stream array");
    int rc = shared_arrays(run, c, &s->arrays, err);
    if (rc != TFB_OK) return rc;
    s->used = (size_t)used_floats(c);
    s->item_block = s->arrays->kind == STREAM_READ && !run->ctx->info.gpu_kernels;
    char options[128];
    build_options(run, s, options, sizeof options);
    size_t items = launch_items(run, s);
    s->group = s->arrays->kind != STREAM_READ ? (items % 256 == 0 ? 256 : 0)
                                              : run->ctx->info.gpu_kernels ? TFB_READ_GROUP_GPU : TFB_READ_GROUP_CPU;
    for (size_t set = 0; set < s->arrays->sets; set++) {
        const char *name = s->arrays->kind == STREAM_READ ? "read_sum" : KIND_NAMES[s->arrays->kind];
        if (tfb_kernel_create(run->ctx, "stream.cl", options, name, &s->kernels[set], err) != TFB_OK ||
            set_kernel_args(s, set, err) != TFB_OK)
            return TFB_ERROR;
        s->launches[set] = (tfb_launch){s->kernels[set], 1, {items}, {s->group}};
        s->full_launches[set] = (tfb_launch){s->kernels[set], 1, {items * (s->used < s->arrays->count ? 2 : 1)},
                                             {s->group}};
    }
    return poison_outputs(run, s, 0, err);
}

static int stream_repoison(tfb_run *run, void *state, tfb_error *err)
{
    return poison_outputs(run, state, 1, err);
}

static int stream_execute(tfb_run *run, void *state, tfb_error *err)
{
    stream_state *s = state;
    tfb_work work = {s->launches, 1, s->arrays->sets};
    return tfb_work_run_once(run->ctx, &work, err);
}

#define VERIFY_CHUNK (1u << 20)

/* `scratch` holds n doubles: triad's second input. */
static void expected_values(int kind, uint32_t seed, size_t start, size_t n, double *want, double *scratch)
{
    tfb_hash_uniform_range(seed, start, n, 0.5f, 1.5f, want);
    if (kind == STREAM_COPY) return;
    tfb_hash_uniform_range(seed + 1, start, n, 0.5f, 1.5f, scratch);
    for (size_t i = 0; i < n; i++) want[i] += TRIAD_SCALAR * scratch[i];
}

/* The check after the timed repetitions reads one chunk in AFTER_SPREAD (a seeded offset), and the first and last
 * chunk: the poison it runs on fills every element, so a kernel that skips its work, or part of it, once its
 * output holds numbers is caught, at an eighth of the host time (the complete checks of the host mirror were half
 * of the stream suite's time on a 2-core machine). */
#define AFTER_SPREAD 8

static int chunk_checked(const stream_state *s, size_t set, size_t chunk, size_t chunks)
{
    if (!s->checked || chunk == 0 || chunk + 1 == chunks) return 1;
    return chunk % AFTER_SPREAD == tfb_hash32(s->seed ^ (uint32_t)set) % AFTER_SPREAD;
}

/* Every element this case wrote in one set (after the timed repetitions: a spread of its chunks), against the
 * closed-form expectation, one chunk at a time; `want` holds 2 x VERIFY_CHUNK doubles (the second half: triad's
 * second input). */
static int verify_set(tfb_run *run, const stream_state *s, size_t set, float *got, double *want, double *max_error,
                      tfb_error *err)
{
    const stream_arrays *arrays = s->arrays;
    size_t chunks = (s->used + VERIFY_CHUNK - 1) / VERIFY_CHUNK;
    for (size_t start = 0; start < s->used; start += VERIFY_CHUNK) {
        size_t n = s->used - start < VERIFY_CHUNK ? s->used - start : VERIFY_CHUNK;
        if (!chunk_checked(s, set, start / VERIFY_CHUNK, chunks)) continue;
        TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                     clEnqueueReadBuffer(run->ctx->queue, output_of(arrays, set), CL_TRUE, start * sizeof(float),
                                         n * sizeof(float), got, 0, NULL, NULL));
        expected_values(arrays->kind, set_seed(s->seed, set), start, n, want, want + VERIFY_CHUNK);
        double worst = 0.0;
        if (tfb_check_f32(arrays->kind == STREAM_COPY ? "copy output" : "triad output", got, want, n, 0.0, 2e-7,
                          &worst, err) != TFB_OK)
            return TFB_ERROR;
        if (worst > *max_error) *max_error = worst;
    }
    return TFB_OK;
}

/* Every partial sum is exact, so it must equal its chunk's sum (CPU layout: item g read chunk g) or, where a group's
 * items share its block interleaved (GPU layout), the group's partials must add up to its chunks exactly. */
static int check_partials(const stream_state *s, const float *got, const double *want, size_t items, tfb_error *err)
{
    size_t group = s->group;
    for (size_t g = 0; g < items; g++) {
        if (!isfinite(got[g])) return tfb_fail(err, "read partial %zu was not written (%g)", g, (double)got[g]);
        if (s->item_block && (double)got[g] != want[g])
            return tfb_fail(err, "read partial %zu = %.9g, expected exactly %.9g", g, (double)got[g], want[g]);
    }
    for (size_t w = 0; w < items / group; w++) {
        double sum = 0.0, expected = 0.0;
        for (size_t l = w * group; l < (w + 1) * group; l++) sum += got[l], expected += want[l];
        if (sum != expected)
            return tfb_fail(err, "read work-group %zu summed %.9g, expected exactly %.9g", w, sum, expected);
    }
    return TFB_OK;
}

static int verify_read(tfb_run *run, const stream_state *s, double *max_error, tfb_error *err)
{
    size_t items = s->used / s->arrays->item_floats, chunks = s->arrays->count / s->arrays->item_floats;
    float *got = malloc(items * sizeof *got);
    int rc = got ? TFB_OK : tfb_fail(err, "out of memory");
    for (size_t set = 0; rc == TFB_OK && set < s->arrays->sets; set++) {
        rc = tfb_buffer_read(run->ctx, s->arrays->set[set].b, items * sizeof *got, got, err);
        if (rc == TFB_OK) rc = check_partials(s, got, s->arrays->chunk_sums + set * chunks, items, err);
    }
    free(got);
    *max_error = 0.0;
    return rc;
}

static int stream_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    stream_state *s = state;
    *max_error = 0.0;
    if (s->arrays->kind == STREAM_READ) return verify_read(run, s, max_error, err);
    float *got = malloc(VERIFY_CHUNK * sizeof *got);
    double *want = malloc(2 * VERIFY_CHUNK * sizeof *want);  /* the expectation, and triad's second input */
    int rc = got && want ? TFB_OK : tfb_fail(err, "out of memory");
    for (size_t set = 0; rc == TFB_OK && set < s->arrays->sets; set++)
        rc = verify_set(run, s, set, got, want, max_error, err);
    free(got);
    free(want);
    s->checked = 1;
    return rc;
}

#define PLATEAU_ROUNDS 7

/* The plateau twin: half-size and full-size repetitions alternate, so a shared machine's drift moves both alike. */
static int measure_plateau(tfb_run *run, stream_state *s, tfb_stats *time, tfb_error *err)
{
    tfb_timing_policy round = {.warmup = 1, .min_reps = 3, .max_reps = 3, .min_seconds = 0};
    tfb_work half = {s->launches, 1, s->arrays->sets}, full = {s->full_launches, 1, s->arrays->sets};
    double half_times[PLATEAU_ROUNDS], full_times[PLATEAU_ROUNDS];
    for (size_t r = 0; r < PLATEAU_ROUNDS; r++) {
        tfb_stats h, f;
        if (tfb_work_time(run->ctx, &half, &round, &h, err) != TFB_OK ||
            tfb_work_time(run->ctx, &full, &round, &f, err) != TFB_OK)
            return TFB_ERROR;
        half_times[r] = h.median;
        full_times[r] = f.median;
    }
    s->full_seconds = tfb_median(full_times, PLATEAU_ROUNDS);
    return tfb_stats_compute(half_times, PLATEAU_ROUNDS, time) == 0 ? TFB_OK : tfb_fail(err, "no plateau timings");
}

static int stream_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    stream_state *s = state;
    if (s->used < s->arrays->count) return measure_plateau(run, s, time, err);
    tfb_work work = {s->launches, 1, s->arrays->sets};  /* one set per repetition, rotating */
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void stream_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    stream_state *s = state;
    size_t arrays = arrays_of(s->arrays->kind);
    r->working_set_bytes = (unsigned long long)(arrays * s->used * sizeof(float) * s->arrays->sets);
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "vector_width", s->vec);
    cJSON_AddNumberToObject(extra, "array_bytes", (double)(s->used * sizeof(float)));
    cJSON_AddNumberToObject(extra, "sets", (double)s->arrays->sets);
    cJSON_AddStringToObject(extra, "out_of_cache_rule", tfb_ooc_rule_name(run->sizing.rule));
    if (stream_case_params(c).half) {
        cJSON_AddStringToObject(extra, "role", "plateau check: half of the largest reachable size, timed alternately "
                                               "with the whole");
        cJSON_AddNumberToObject(extra, "full_size_gbps", s->full_seconds > 0 ? 2.0 * r->bytes / s->full_seconds * 1e-9 : 0);
    }
    if (s->arrays->kind == STREAM_READ)
        cJSON_AddNumberToObject(extra, "floats_per_work_item", (double)s->arrays->item_floats);
    if (s->prefetch) cJSON_AddNumberToObject(extra, "prefetch_bytes_ahead", s->prefetch);
    r->extra = extra;
}

/* The check of the plateau rule, from each kind's twin: its half-size and full-size figures, timed alternately. */
static void plateau_check(tfb_run *run, int agreed[STREAM_KINDS])
{
    const tfb_results *results = run->results;
    for (int kind = 0; kind < STREAM_KINDS; kind++) {
        char half[64];
        snprintf(half, sizeof half, "stream/tfbench/%s-float%u-half/fp32", KIND_NAMES[kind], widest_vector(run));
        const tfb_result *h = tfb_results_find(results, half);
        agreed[kind] = 0;
        if (!h || h->verified != 1 || h->skipped[0]) continue;
        double full_gbps = tfb_json_number(h->extra, "full_size_gbps", 0.0);
        tfb_sizing_record_plateau(&run->sizing, h->working_set_bytes, full_gbps, h->gbytes_per_second);
        agreed[kind] = tfb_plateau_agrees(full_gbps, h->gbytes_per_second);
    }
}

static int kind_of(const tfb_result *r)
{
    for (int kind = 0; kind < STREAM_KINDS; kind++)
        if (strncmp(r->shape, KIND_NAMES[kind], strlen(KIND_NAMES[kind])) == 0) return kind;
    return -1;
}

/* The best verified, out-of-cache variant of each traffic is a ceiling: copy/triad the read-write one, the read
 * sum the read-only one. Under the plateau rule a kind's figures count only when its own check agreed. */
static void stream_finish(tfb_run *run)
{
    int agreed[STREAM_KINDS] = {1, 1, 1};
    int plateau = run->sizing.rule == TFB_OOC_PLATEAU_CHECK;
    if (plateau) plateau_check(run, agreed);
    tfb_ceilings *ceil = &run->results->ceilings;
    for (size_t i = 0; i < run->results->count; i++) {
        tfb_result *r = &run->results->items[i];
        int kind = kind_of(r);
        if (strcmp(r->suite, "stream") != 0 || kind < 0 || r->skipped[0] || r->verified != 1) continue;
        r->cache_resident = !agreed[kind] || tfb_run_cache_resident(run, r->working_set_bytes);
        if (r->cache_resident || strstr(r->shape, "-half")) continue;
        tfb_ceilings_offer_bandwidth(ceil, kind == STREAM_READ, r->gbytes_per_second, r->name);
    }
    if (!(ceil->bandwidth_gbps > 0) || !(ceil->bandwidth_read_gbps > 0))
        tfb_sizing_why_missing(&run->sizing, ceil->bandwidth_missing, sizeof ceil->bandwidth_missing);
    tfb_ceilings_derive(ceil);
}

const tfb_suite tfb_suite_stream = {
    .name = "stream",
    .description = "memory bandwidth ceilings: STREAM copy and triad (read+write), a read-only sum; float1/4/8/16",
    .in_default_run = 1,
    .measures_bandwidth = 1,
    .cases = stream_cases,
    .flops = stream_flops,
    .bytes = stream_bytes,
    .bytes_written = stream_bytes_written,
    .setup = stream_setup,
    .execute = stream_execute,
    .verify = stream_verify,
    .measure = stream_measure,
    .annotate = stream_annotate,
    .teardown = stream_teardown,
    .finish = stream_finish,
    .release_shared = release_arrays,
    .repoison = stream_repoison,
    .options_used = 0,  /* sizes from the device and its caches, nothing from the workload */
    TFB_SUITE_AXES(STREAM_AXES),
};
