/* Arithmetic-intensity sweep (the empirical roofline, mixbench-style): one kernel family reads each element once,
 * runs a compile-time number of dependent FLOPs on it and writes it once, so intensity = FLOPs / (2 * element
 * bytes) exactly. Swept in powers of two from 1/8 FLOP/byte to >= 8x the expected ridge for fp32, fp64 where
 * supported and fp16 with cl_khr_fp16; finish() fits the two-line roofline and records the swept ridge.
 *
 * The input and output buffers together are >= 4x the last-level cache (a "ring"). One timed launch covers a slice
 * of the ring sized to last ~TARGET seconds, and the repetitions rotate over the slices from a cursor kept across
 * cases, so every launch reads data that was last touched a whole ring (>= 4x LLC) ago: out of cache at every
 * intensity, while the compute-bound points do not stream the whole gigabyte per repetition. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/half.h"
#include "tfbench/datasheet.h"
#include "tfbench/fill.h"
#include "tfbench/roofline_fit.h"
#include "tfbench/suite.h"
#include "tfbench/verify.h"

enum { P_FP32, P_FP64, P_FP16, PRECISIONS };
static const char *const DTYPES[] = {"fp32", "fp64", "fp16"};
static const tfb_axis CALIBRATION = {"calibration_ms", "the length the rotating slices of one sample are sized to",
                                     TFB_AXIS_LIST(50), TFB_AXIS_LIST(15), {0}};
static const tfb_axis *const INTENSITY_AXES[] = {&CALIBRATION};
static const size_t ELEMENT_BYTES[] = {4, 8, 2};
#define SLICES 64u            /* the ring is cut into 64ths; a launch covers a power-of-two number of them */
#define MAX_FLOPS 4096u       /* the largest chain_F in kernels/intensity.cl */
#define MAX_KERNELS (SLICES + 3)
#define VERIFY_PIECE 512u     /* elements checked per work-group */
/* Exact in fp16, fp32 and fp64; x -> x * MUL + ADD stays in [0.5, 2) for x in [0.5, 1.5). */
static const double MUL = 1.0 - 1.0 / 1024.0, ADD = 1.0 / 512.0;

typedef struct ring {
    cl_mem in, out;
    size_t bytes;             /* per buffer */
    int filled;               /* precision whose random inputs `in` holds + 1; 0 when none */
    unsigned cursor;          /* the next 64th of the ring to touch */
} ring;

typedef struct work_shape {
    unsigned vec, elems;      /* vector width, independent vectors per work-item */
    size_t group;
    int item_block;           /* each item's vectors consecutive (CPUs) rather than strided by the group size */
} work_shape;

typedef struct intensity_state {
    ring *ring;
    int precision;
    unsigned flops;           /* per element */
    work_shape shape;
    char options[128];
    cl_kernel kernels[MAX_KERNELS];
    size_t kernel_count;
    tfb_launch launches[SLICES];
    unsigned sets;            /* timing: the ring is split into `sets` slices */
    unsigned verified_first;  /* first of the two 64ths the verification run wrote */
    int finite_poison;        /* the check after timing: execute poisons with finite wrong values, not NaN */
} intensity_state;

static work_shape shape_for(const tfb_device_info *info, int precision)
{
    if (info->is_cpu)  /* one AVX-512 register per vector, 8 chains per item, groups of 32 items */
        return (work_shape){precision == P_FP64 ? 8 : 16, 8, 32, 1};
    return (work_shape){4, 4, 256, 0};
}

/* Bytes per buffer: half the out-of-cache working set, a multiple of 64 slices of whole work-groups (64 bytes is
 * the widest vector), within the allocation limits. */
static size_t ring_bytes(const tfb_run *run)
{
    const tfb_device_info *info = &run->ctx->info;
    work_shape shape = shape_for(info, P_FP32);
    uint64_t granule = (uint64_t)SLICES * shape.group * shape.elems * 64;
    uint64_t bytes = (tfb_run_out_of_cache_bytes(run) / 2 + granule - 1) / granule * granule;
    uint64_t cap = info->max_alloc_bytes < info->global_mem_bytes / 4 ? info->max_alloc_bytes : info->global_mem_bytes / 4;
    if (bytes > cap) bytes = cap / granule * granule;
    return (size_t)bytes;
}

/* The expected ridge of a precision from the ceilings measured earlier in this run, or a device-class guess. */
typedef struct intensity_params {
    int precision;            /* P_FP32, P_FP64, P_FP16 */
    unsigned flops_per_element;
} intensity_params;
TFB_CASE_PARAMS(intensity_params, intensity)

static double expected_ridge(const tfb_run *run, int precision)
{
    const tfb_ceilings *c = &run->results->ceilings;
    double peaks[] = {c->peak_gflops_fp32, c->peak_gflops_fp64, c->peak_gflops_fp16};
    if (c->bandwidth_gbps > 0 && peaks[precision] > 0) return peaks[precision] / c->bandwidth_gbps;
    return run->ctx->info.is_cpu ? 16.0 : 64.0;
}

static size_t intensity_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    int supported[] = {1, run->ctx->info.fp64, run->ctx->info.fp16};
    size_t n = 0;
    for (int p = P_FP32; p < PRECISIONS; p++) {
        if (!supported[p]) continue;
        /* 8x the ridge: a CPU core loads, then computes, so the roof is approached only as load time vanishes */
        double top = fmax(4.0, 8.0 * expected_ridge(run, p));
        for (double intensity = 0.125; intensity < 2 * top; intensity *= 2) {
            double flops = intensity * 2.0 * (double)ELEMENT_BYTES[p];
            if (flops < 1.0) continue;  /* fp16 at 1/8 would need half a FLOP per element */
            if (flops > MAX_FLOPS) break;
            if (n < max) {
                tfb_case *c = &out[n];
                tfb_case_reset(c, DTYPES[p]);
                intensity_set_case_params(c, (intensity_params){.precision = p, .flops_per_element = (unsigned)flops});
                snprintf(c->shape, sizeof c->shape, "I%g", intensity);
                snprintf(c->series, sizeof c->series, "intensity-%s", DTYPES[p]);
                tfb_case_name(c, "intensity");
            }
            n++;
        }
    }
    return n;
}

static void release_ring(void *p)
{
    ring *r = p;
    if (!r) return;
    tfb_buffer_release(&r->in);
    tfb_buffer_release(&r->out);
    free(r);
}

static void intensity_teardown(void *p)
{
    intensity_state *s = p;
    if (!s) return;
    for (size_t i = 0; i < s->kernel_count; i++) tfb_kernel_release(&s->kernels[i]);
    free(s);
}

static size_t elements_of(const intensity_state *s)
{
    return s->ring->bytes / ELEMENT_BYTES[s->precision];
}

static size_t vectors_per_64th(const intensity_state *s)
{
    return elements_of(s) / SLICES / s->shape.vec;
}

/* Converts chunks of fp32 random values (staged in `out`) into `in` for fp64 and fp16. */
static int convert_inputs(tfb_run *run, intensity_state *s, tfb_error *err)
{
    ring *r = s->ring;
    size_t total = elements_of(s), chunk = r->bytes / sizeof(float);
    cl_kernel convert = NULL;
    int rc = tfb_kernel_create(run->ctx, "intensity.cl", s->options, "from_float", &convert, err);
    for (size_t first = 0; rc == TFB_OK && first < total; first += chunk) {
        cl_ulong offset = first, count = total - first < chunk ? total - first : chunk;
        rc = tfb_device_fill_uniform(run->ctx, r->out, count, (uint32_t)run->seed + (uint32_t)(first / chunk), 0.5f,
                                     1.5f, err);
        if (rc == TFB_OK) rc = TFB_SET_ARGS(convert, err, TFB_MEM(r->out), TFB_MEM(r->in), TFB_VAL(offset), TFB_VAL(count));
        tfb_launch launch = {convert, 1, {(count + 255) / 256 * 256}, {256}};
        if (rc == TFB_OK) rc = tfb_enqueue(run->ctx, &launch, NULL, err);
    }
    tfb_kernel_release(&convert);
    if (rc == TFB_OK) TFB_CL_CHECK(err, "clFinish", clFinish(run->ctx->queue));
    return rc;
}

/* Random inputs in [0.5, 1.5) of this case's precision, filled on the device once per precision. */
static int fill_inputs(tfb_run *run, intensity_state *s, tfb_error *err)
{
    ring *r = s->ring;
    if (r->filled == s->precision + 1) return TFB_OK;
    r->filled = 0;
    int rc = s->precision == P_FP32
                 ? tfb_device_fill_uniform(run->ctx, r->in, elements_of(s), (uint32_t)run->seed, 0.5f, 1.5f, err)
                 : convert_inputs(run, s, err);
    if (rc == TFB_OK) r->filled = s->precision + 1;
    return rc;
}

static int shared_ring(tfb_run *run, ring **out, tfb_error *err)
{
    if (run->shared) {
        *out = run->shared;
        return TFB_OK;
    }
    ring *r = calloc(1, sizeof *r);
    if (!r) return tfb_fail(err, "out of memory");
    r->bytes = ring_bytes(run);
    int rc = r->bytes ? TFB_OK : tfb_skip(err, "device memory too small for the intensity buffers");
    if (rc == TFB_OK) rc = tfb_buffer_create(run->ctx, CL_MEM_READ_ONLY, r->bytes, NULL, &r->in, err);
    if (rc == TFB_OK) rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, r->bytes, NULL, &r->out, err);
    /* touched once now, so no timed launch pays for the first write to a page */
    if (rc == TFB_OK) rc = tfb_device_poison(run->ctx, r->out, r->bytes, err);
    if (rc != TFB_OK) {
        release_ring(r);
        return rc;
    }
    run->shared = *out = r;
    return TFB_OK;
}

static int intensity_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    static const char *const types[] = {"float", "double", "half"};
    static const char *const extensions[] = {"", "-DUSE_FP64", "-DUSE_FP16"};
    intensity_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    intensity_params p = intensity_case_params(c);
    s->precision = p.precision;
    s->flops = p.flops_per_element;
    s->shape = shape_for(&run->ctx->info, s->precision);
    snprintf(s->options, sizeof s->options, "-DTYPE=%s -DVEC=%u -DELEMS=%u %s %s", types[s->precision], s->shape.vec,
             s->shape.elems, extensions[s->precision], s->shape.item_block ? "-DITEM_BLOCK" : "");
    int rc = shared_ring(run, &s->ring, err);
    if (rc == TFB_OK) rc = fill_inputs(run, s, err);
    return rc;
}

/* A launch of chain_<flops> over `count` 64ths of the ring starting at 64th `first`. */
static int slice_launch(tfb_run *run, intensity_state *s, unsigned first, unsigned count, tfb_launch *out,
                        tfb_error *err)
{
    if (s->kernel_count == MAX_KERNELS) return tfb_fail(err, "intensity: too many kernels for one case");
    cl_kernel *kernel = &s->kernels[s->kernel_count++];
    char name[32];
    snprintf(name, sizeof name, "chain_%u", s->flops);
    if (tfb_kernel_create(run->ctx, "intensity.cl", s->options, name, kernel, err) != TFB_OK) return TFB_ERROR;
    cl_ulong offset = (cl_ulong)first * vectors_per_64th(s);
    float mul = (float)MUL, add = (float)ADD;
    *out = (tfb_launch){*kernel, 1, {count * vectors_per_64th(s) / s->shape.elems}, {s->shape.group}};
    return TFB_SET_ARGS(*kernel, err, TFB_MEM(s->ring->in), TFB_MEM(s->ring->out), TFB_VAL(mul), TFB_VAL(add),
                        TFB_VAL(offset));
}

/* The verification run: two neighbouring 64ths at the cursor, their outputs poisoned first. */
static int intensity_execute(tfb_run *run, void *state, tfb_error *err)
{
    intensity_state *s = state;
    ring *r = s->ring;
    s->verified_first = r->cursor + 2 <= SLICES ? r->cursor : 0;
    size_t slice_bytes = r->bytes / SLICES;
    /* words of float NaN bits are NaN as fp64 too; fp16 needs half NaNs (the low half of a float NaN is +0.0) */
    const cl_uint nan_bits = s->precision == P_FP16 ? 0x7e007e00u : 0x7fc00000u;
    const cl_uint poison = s->finite_poison ? TFB_FINITE_POISON_BITS : nan_bits;
    TFB_CL_CHECK(err, "clEnqueueFillBuffer",
                 clEnqueueFillBuffer(run->ctx->queue, r->out, &poison, sizeof poison, s->verified_first * slice_bytes,
                                     2 * slice_bytes, 0, NULL, NULL));
    tfb_launch launch;
    if (slice_launch(run, s, s->verified_first, 2, &launch, err) != TFB_OK) return TFB_ERROR;
    r->cursor = (s->verified_first + 2) % SLICES;
    tfb_work work = {&launch, 1, 1};
    return tfb_work_run_once(run->ctx, &work, err);
}

static int intensity_repoison(tfb_run *run, void *state, tfb_error *err)
{
    intensity_state *s = state;
    s->finite_poison = 1;
    return TFB_OK;
}

static double element_value(int precision, const unsigned char *raw, size_t i)
{
    if (precision == P_FP64) return ((const double *)raw)[i];
    if (precision == P_FP16) return tfb_half_to_double(((const uint16_t *)raw)[i]);
    return ((const float *)raw)[i];
}

/* The chain in float64 from the input the device read. */
static double chain_reference(double x, unsigned flops)
{
    if (flops % 2) x *= MUL;
    for (unsigned k = 0; k < flops / 2; k++) x = x * MUL + ADD;
    return x;
}

/* Rounding of each step adds up along the chain (damped, as the map contracts); fp64 is compared in fp32. */
static double tolerance(int precision, unsigned flops)
{
    double steps = flops / 2 + 1;
    if (precision == P_FP16) return 2e-2;
    if (precision == P_FP64) return 1e-7;
    return 1e-6 + steps * 1.2e-7;
}

static int read_range(tfb_run *run, cl_mem buffer, size_t offset, size_t bytes, void *host, tfb_error *err)
{
    TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                 clEnqueueReadBuffer(run->ctx->queue, buffer, CL_TRUE, offset, bytes, host, 0, NULL, NULL));
    return TFB_OK;
}

/* Host copies of one piece of the ring: its inputs, outputs and the reference. */
typedef struct piece_buffers {
    unsigned char *in, *out;
    float *got;
    double *want;
} piece_buffers;

static int check_piece(tfb_run *run, intensity_state *s, size_t first, size_t n, piece_buffers *b, double *max_error,
                       tfb_error *err)
{
    size_t width = ELEMENT_BYTES[s->precision];
    double worst = 0.0;
    if (read_range(run, s->ring->in, first * width, n * width, b->in, err) != TFB_OK ||
        read_range(run, s->ring->out, first * width, n * width, b->out, err) != TFB_OK)
        return TFB_ERROR;
    for (size_t i = 0; i < n; i++) {
        b->got[i] = (float)element_value(s->precision, b->out, i);
        b->want[i] = chain_reference(element_value(s->precision, b->in, i), s->flops);
    }
    int rc = tfb_check_f32("FMA chain output", b->got, b->want, n, 0.0, tolerance(s->precision, s->flops), &worst, err);
    if (rc != TFB_OK) {
        char message[sizeof err->message];
        snprintf(message, sizeof message, "%s", err->message);
        rc = tfb_fail(err, "element %zu of the ring: %.3900s", first, message);
    }
    if (worst > *max_error) *max_error = worst;
    return rc;
}

/* One piece of every work-group's block (group x ELEMS consecutive vectors, kernels/intensity.cl) of both verified
 * 64ths, at a seeded random place in the block, against the float64 chain. */
static int intensity_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    intensity_state *s = state;
    size_t per_64th = elements_of(s) / SLICES, start = s->verified_first * per_64th, end = start + 2 * per_64th;
    size_t block = s->shape.group * s->shape.elems * s->shape.vec, piece = block < VERIFY_PIECE ? block : VERIFY_PIECE;
    piece_buffers b = {malloc(VERIFY_PIECE * 8), malloc(VERIFY_PIECE * 8), malloc(VERIFY_PIECE * sizeof(float)),
                       malloc(VERIFY_PIECE * sizeof(double))};
    int rc = b.in && b.out && b.got && b.want ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    *max_error = 0.0;
    for (size_t group = start; rc == TFB_OK && group < end; group += block) {
        size_t span = end - group < block ? end - group : block, n = span < piece ? span : piece;
        size_t places = span - n + 1;
        size_t at = group + (size_t)tfb_hash_uniform((uint32_t)s->flops, group, 0.0f, (float)places) % places;
        rc = check_piece(run, s, at, n, &b, max_error, err);
    }
    free(b.in);
    free(b.out);
    free(b.got);
    free(b.want);
    return rc;
}

static unsigned pow2_at_least(double x)
{
    unsigned p = 1;
    while (p < SLICES && p < x) p *= 2;
    return p;
}

/* How many slices the ring is cut into so that one launch lasts about `target` seconds: a 64th is timed once. */
static int choose_sets(tfb_run *run, intensity_state *s, double target, tfb_error *err)
{
    ring *r = s->ring;
    tfb_launch probe;
    if (slice_launch(run, s, r->cursor, 1, &probe, err) != TFB_OK) return TFB_ERROR;
    r->cursor = (r->cursor + 1) % SLICES;
    tfb_work work = {&probe, 1, 1};
    tfb_timing_policy once = {.warmup = 0, .min_reps = 1, .max_reps = 1, .min_seconds = 0};
    tfb_stats time;
    if (tfb_work_time(run->ctx, &work, &once, &time, err) != TFB_OK) return TFB_ERROR;
    s->sets = pow2_at_least(time.median * SLICES / target);
    return TFB_OK;
}

static int intensity_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    intensity_state *s = state;
    ring *r = s->ring;
    double target = tfb_axis_value(run->workload, &CALIBRATION) / 1e3;
    if (choose_sets(run, s, target, err) != TFB_OK) return TFB_ERROR;
    unsigned width = SLICES / s->sets, first = (r->cursor + width - 1) / width % s->sets;
    for (unsigned j = 0; j < s->sets; j++)
        if (slice_launch(run, s, (first + j) % s->sets * width, width, &s->launches[j], err) != TFB_OK) return TFB_ERROR;
    tfb_work work = {s->launches, 1, s->sets};
    if (tfb_work_time(run->ctx, &work, &run->policy, time, err) != TFB_OK) return TFB_ERROR;
    r->cursor = (unsigned)((first + run->policy.warmup + time->count) % s->sets * width);
    return TFB_OK;
}

static void intensity_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    intensity_state *s = state;
    double elements = (double)elements_of(s) / s->sets;
    r->flops = (double)s->flops * elements;
    r->bytes = 2.0 * (double)ELEMENT_BYTES[s->precision] * elements;
    r->bytes_written = r->bytes / 2;  /* each element read once and its result written once */
    tfb_result_derive(r);
    r->working_set_bytes = 2ull * s->ring->bytes;
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    cJSON *extra = cJSON_CreateObject();
    cJSON_AddNumberToObject(extra, "flops_per_element", s->flops);
    cJSON_AddNumberToObject(extra, "vector_width", s->shape.vec);
    cJSON_AddNumberToObject(extra, "chains_per_item", s->shape.elems);
    cJSON_AddBoolToObject(extra, "item_block", s->shape.item_block);
    cJSON_AddNumberToObject(extra, "slice_bytes", r->bytes);
    cJSON_AddNumberToObject(extra, "slices", s->sets);
    size_t block = s->shape.group * s->shape.elems * s->shape.vec;  /* what intensity_verify reads */
    size_t groups = (2 * (elements_of(s) / SLICES) + block - 1) / block;
    tfb_add_verification(extra, groups, block < VERIFY_PIECE ? block : VERIFY_PIECE,
                         2.0 * (double)(elements_of(s) / SLICES), "sample");
    r->extra = extra;
}

/* This run's verified points of one precision. */
static size_t sweep_points(const tfb_results *results, const char *dtype, double *intensity, double *gflops)
{
    size_t n = 0;
    for (size_t i = 0; i < results->count && n < TFB_FIT_MAX_POINTS; i++) {
        const tfb_result *r = &results->items[i];
        if (strcmp(r->suite, "intensity") != 0 || strcmp(r->dtype, dtype) != 0 || r->skipped[0] || r->verified != 1)
            continue;
        intensity[n] = r->intensity;
        gflops[n++] = r->gflops;
    }
    return n;
}

static cJSON *ceilings_extra(tfb_results *results)
{
    if (!results->ceilings.extra) results->ceilings.extra = cJSON_CreateObject();
    return results->ceilings.extra;
}

static void set_number(cJSON *object, const char *key, double value)
{
    if (!object) return;
    cJSON_DeleteItemFromObjectCaseSensitive(object, key);
    if (isfinite(value) && value > 0) cJSON_AddNumberToObject(object, key, value);
    else cJSON_AddNullToObject(object, key);
}

/* The fit of one precision and how the curve compares with the separately measured lines, in context.ceilings. */
static void record_fit(tfb_results *results, int p, const double *intensity, const double *gflops, size_t n,
                       const tfb_roofline_fit *fit)
{
    const tfb_ceilings *c = &results->ceilings;
    double peaks[] = {c->peak_gflops_fp32, c->peak_gflops_fp64, c->peak_gflops_fp16};
    size_t low = 0, top = 0;
    for (size_t i = 1; i < n; i++) {
        if (intensity[i] < intensity[low]) low = i;
        if (intensity[i] > intensity[top]) top = i;
    }
    char key[48];
    snprintf(key, sizeof key, "ridge_%s_swept", DTYPES[p]);
    set_number(ceilings_extra(results), key, fit->ridge);
    cJSON *detail = cJSON_CreateObject();
    set_number(detail, "bandwidth_gbps", fit->bandwidth_gbps);
    set_number(detail, "roof_gflops", fit->roof_gflops);
    set_number(detail, "ridge", fit->ridge);
    set_number(detail, "ridge_peak_over_stream", c->bandwidth_gbps > 0 ? peaks[p] / c->bandwidth_gbps : 0);
    set_number(detail, "curve_at_ridge_fraction", tfb_curve_at(intensity, gflops, n, fit->ridge) / fit->roof_gflops);
    set_number(detail, "low_end_fraction_of_stream",
               c->bandwidth_gbps > 0 ? gflops[low] / (c->bandwidth_gbps * intensity[low]) : 0);
    set_number(detail, "top_fraction_of_peak", peaks[p] > 0 ? gflops[top] / peaks[p] : 0);
    set_number(detail, "rms_log_error", fit->rms_log_error);
    cJSON_AddNumberToObject(detail, "points", (double)n);
    if (p == P_FP32) results->ceilings.fitted_roof_fp32 = fit->roof_gflops;
    snprintf(key, sizeof key, "intensity_%s", DTYPES[p]);
    cJSON_DeleteItemFromObjectCaseSensitive(ceilings_extra(results), key);
    cJSON_AddItemToObject(ceilings_extra(results), key, detail);
}

static void intensity_finish(tfb_run *run)
{
    for (int p = P_FP32; p < PRECISIONS; p++) {
        double intensity[TFB_FIT_MAX_POINTS], gflops[TFB_FIT_MAX_POINTS];
        size_t n = sweep_points(run->results, DTYPES[p], intensity, gflops);
        tfb_roofline_fit fit;
        if (n >= 3 && tfb_roofline_fit_points(intensity, gflops, n, &fit) == 0)
            record_fit(run->results, p, intensity, gflops, n, &fit);
        else if (n > 0)
            tfb_run_note(run, "intensity %s: too few verified points (%zu) to fit a roofline\n", DTYPES[p], n);
    }
}

static double detail_number(const cJSON *detail, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(detail, key);
    return cJSON_IsNumber(item) ? item->valuedouble : -1.0;
}

static void print_sweep_table(const tfb_results *results, FILE *out)
{
    double columns[TFB_FIT_MAX_POINTS];
    size_t ncol = 0;
    for (size_t i = 0; i < results->count && ncol < TFB_FIT_MAX_POINTS; i++) {
        const tfb_result *r = &results->items[i];
        if (strcmp(r->suite, "intensity") != 0 || r->skipped[0] || r->verified != 1) continue;
        size_t j = 0;
        while (j < ncol && columns[j] != r->intensity) j++;
        if (j == ncol) columns[ncol++] = r->intensity;
    }
    fprintf(out, "\nIntensity sweep, GFLOP/s by FLOP/byte (mixbench-style, out of cache):\n%6s", "");
    for (size_t j = 0; j < ncol; j++) fprintf(out, " %6g", columns[j]);
    for (int p = P_FP32; p < PRECISIONS; p++) {
        double intensity[TFB_FIT_MAX_POINTS], gflops[TFB_FIT_MAX_POINTS];
        size_t n = sweep_points(results, DTYPES[p], intensity, gflops);
        if (n == 0) continue;
        fprintf(out, "\n  %-4s", DTYPES[p]);
        for (size_t j = 0; j < ncol; j++) {
            size_t i = 0;
            while (i < n && intensity[i] != columns[j]) i++;
            if (i < n) fprintf(out, " %6.3g", gflops[i]);
            else fprintf(out, " %6s", "-");
        }
    }
    fputc('\n', out);
}

static double datasheet_ridge(const tfb_results *results, int p)
{
    const tfb_datasheet *sheet =
        tfb_datasheet_for_device(results->device.name, (double)results->device.global_mem_bytes / 1e9);
    if (!sheet || !(sheet->bandwidth_gbps > 0)) return -1.0;
    double rates[] = {sheet->fp32_gflops, sheet->fp64_gflops, sheet->fp16_gflops};
    return rates[p] > 0 ? rates[p] / sheet->bandwidth_gbps : -1.0;
}

/* The sweep as a short table and one ridge line per precision. */
static void intensity_summarize(const tfb_results *results, FILE *out)
{
    const cJSON *extra = results->ceilings.extra;
    print_sweep_table(results, out);
    for (int p = P_FP32; p < PRECISIONS; p++) {
        char key[48], paren[64] = "", sheet[48] = "n/a";
        snprintf(key, sizeof key, "intensity_%s", DTYPES[p]);
        const cJSON *detail = cJSON_GetObjectItemCaseSensitive(extra, key);
        if (!detail) continue;
        double ridge = detail_number(detail, "ridge"), two = detail_number(detail, "ridge_peak_over_stream");
        double at_ridge = detail_number(detail, "curve_at_ridge_fraction"), sheet_ridge = datasheet_ridge(results, p);
        snprintf(paren, sizeof paren, two > 0 ? "%.1f" : "n/a", two);
        if (sheet_ridge > 0) snprintf(sheet, sizeof sheet, "%.1f", sheet_ridge);
        fprintf(out, "ridge %s: %.1f FLOP/byte (peak/stream %s); datasheet %s; fit %.3g GB/s x %.3g GFLOP/s",
                DTYPES[p], ridge, paren, sheet, detail_number(detail, "bandwidth_gbps"),
                detail_number(detail, "roof_gflops"));
        if (at_ridge > 0) fprintf(out, "; curve at the ridge %.2fx the roof", at_ridge);
        fputc('\n', out);
    }
}

const tfb_suite tfb_suite_intensity = {
    .name = "intensity",
    .description = "empirical roofline: FMA chains swept over arithmetic intensity, fitted ridge per precision",
    .in_default_run = 0,
    .cases = intensity_cases,
    .setup = intensity_setup,
    .execute = intensity_execute,
    .verify = intensity_verify,
    .measure = intensity_measure,
    .annotate = intensity_annotate,
    .teardown = intensity_teardown,
    .finish = intensity_finish,
    .summarize = intensity_summarize,
    .release_shared = release_ring,
    .repoison = intensity_repoison,
    .options_used = 0,  /* its own intensity sweep */
    TFB_SUITE_AXES(INTENSITY_AXES),
};
