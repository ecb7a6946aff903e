/* The local roof in `tfbench compare`: its reading from a benchmark (extra.local_roof, written by the run's suite
 * driver) and the rescaling of each benchmark to the baseline's local roof: read bandwidth for the memory-bound,
 * fp32 peak for the compute-bound (docs/compare.md#the-local-roof). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "compare_local.h"
#include "tfbench/compare.h"

static int read_side(const cJSON *roof, const char *key, const char *name, double *out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(roof, key);
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || item->valuedouble <= 0 ||
        item->valuedouble > TFB_COMPARE_ABSURD)
        return tfb_fail(err, "benchmark \"%s\": field \"local_roof.%s\" must be a positive number", name, key);
    *out = item->valuedouble;
    return TFB_OK;
}

/* One pair of figures, both sides or neither. */
static int read_pair(const cJSON *roof, const char *before, const char *after, const char *name, double out[2],
                     tfb_error *err)
{
    if (!cJSON_GetObjectItemCaseSensitive(roof, before) && !cJSON_GetObjectItemCaseSensitive(roof, after))
        return TFB_OK;
    return read_side(roof, before, name, &out[0], err) || read_side(roof, after, name, &out[1], err) ? TFB_ERROR
                                                                                                   : TFB_OK;
}

int tfb_compare_read_local_roof(const cJSON *bench, const char *name, double gbps[2], double gflops[2],
                                tfb_error *err)
{
    const cJSON *roof = cJSON_GetObjectItemCaseSensitive(bench, TFB_COMPARE_KEY_LOCAL_ROOF);
    gbps[0] = gbps[1] = gflops[0] = gflops[1] = 0.0;
    if (!roof || cJSON_IsNull(roof)) return TFB_OK;
    if (!cJSON_IsObject(roof)) return tfb_fail(err, "benchmark \"%s\": field \"local_roof\" must be an object", name);
    if (read_pair(roof, "before_gbps", "after_gbps", name, gbps, err) ||
        read_pair(roof, "before_gflops", "after_gflops", name, gflops, err)) {
        gbps[0] = gbps[1] = gflops[0] = gflops[1] = 0.0;
        return TFB_ERROR;
    }
    return TFB_OK;
}

/* The peak its dtype is held to: fp64's for a name ending in /fp64, else fp32's (fp16 kernels are held to it too). */
static double dtype_peak(const tfb_compare_ceilings *c, const char *name)
{
    size_t n = strlen(name);
    return n >= 5 && strcmp(name + n - 5, "/fp64") == 0 ? c->peak_gflops_fp64 : c->peak_gflops_fp32;
}

tfb_bound tfb_compare_bound(const tfb_compare_entry *e, const tfb_compare_ceilings *c)
{
    if (!(e->gflops > 0)) return e->gbps > 0 ? TFB_BOUND_MEMORY : TFB_BOUND_UNKNOWN;  /* a copy or a read */
    if (!(e->gbps > 0)) return TFB_BOUND_COMPUTE;                                      /* FMA chains */
    if (!(e->roof_gflops > 0)) return TFB_BOUND_UNKNOWN;
    double peak = dtype_peak(c, e->name);  /* no peak measured: a roof can only be the bandwidth's */
    return !(peak > 0) || e->roof_gflops < peak * (1.0 - TFB_COMPARE_LOCAL_ROOF_EPS) ? TFB_BOUND_MEMORY
                                                                                     : TFB_BOUND_COMPUTE;
}

static double geometric_mean(const double gbps[2])
{
    return gbps[0] > 0 && gbps[1] > 0 ? sqrt(gbps[0] * gbps[1]) : 0.0;
}

static int by_name(const void *a, const void *b)
{
    const tfb_compare_entry *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* The figure pair the entry is judged at: read GB/s when memory-bound, fp32 GFLOP/s when compute-bound. */
static const double *local_figures(const tfb_compare_entry *e, tfb_bound bound)
{
    return bound == TFB_BOUND_MEMORY ? e->local_roof_gbps : bound == TFB_BOUND_COMPUTE ? e->local_peak_gflops : NULL;
}

/* current local roof / baseline local roof of one benchmark; 0 when it has none on either side. */
static double local_scale(const tfb_compare_entry *b, const tfb_compare_entry *e, tfb_bound bound)
{
    if (b->skipped || e->skipped) return 0.0;
    const double *then = local_figures(b, bound), *now = local_figures(e, bound);
    if (!then || !now) return 0.0;
    double g_then = geometric_mean(then), g_now = geometric_mean(now);
    return g_then > 0 && g_now > 0 ? g_now / g_then : 0.0;
}

size_t tfb_compare_normalize_local(const tfb_compare_doc *base, tfb_compare_doc *current)
{
    const tfb_compare_entry **index = malloc((base->count ? base->count : 1) * sizeof *index);
    size_t scaled = 0;
    if (!index) return 0;
    for (size_t i = 0; i < base->count; i++) index[i] = &base->entries[i];
    qsort(index, base->count, sizeof *index, by_name);
    for (size_t i = 0; i < current->count; i++) {
        tfb_compare_entry *e = &current->entries[i];
        tfb_compare_entry key = {.name = e->name};
        const tfb_compare_entry *wanted = &key, **hit = bsearch(&wanted, index, base->count, sizeof *index, by_name);
        tfb_bound bound = hit ? tfb_compare_bound(*hit, &base->ceilings) : TFB_BOUND_UNKNOWN;
        double scale = hit ? local_scale(*hit, e, bound) : 0.0;  /* a faster machine now: the times count as longer */
        if (!(scale > 0)) continue;
        e->time_median *= scale;
        e->time_min *= scale;
        e->time_max *= scale;
        for (size_t s = 0; s < e->sample_count; s++) e->samples[s] *= scale;
        e->gflops /= scale;
        e->gbps /= scale;
        e->local_normalized = bound == TFB_BOUND_MEMORY ? 1 : 2;
        scaled++;
    }
    free(index);
    return scaled;
}

static double half_log_range(const double gbps[2])
{
    return gbps[0] > 0 && gbps[1] > 0 ? 0.5 * fabs(log(gbps[1] / gbps[0])) : 0.0;
}

double tfb_compare_local_doubt(const tfb_compare_entry *base, const tfb_compare_entry *current)
{
    if (!current->local_normalized) return 0.0;
    tfb_bound bound = current->local_normalized == 1 ? TFB_BOUND_MEMORY : TFB_BOUND_COMPUTE;
    return half_log_range(local_figures(base, bound)) + half_log_range(local_figures(current, bound));
}
