/* The local roof in `tfbench compare`: its reading from a benchmark (extra.local_roof, written by the run's suite
 * driver) and the rescaling of memory-bound benchmarks to the baseline's local roof (docs/compare.md). */
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
        return tfb_fail(err, "benchmark \"%s\": field \"local_roof.%s\" must be a positive number of GB/s", name, key);
    *out = item->valuedouble;
    return TFB_OK;
}

int tfb_compare_read_local_roof(const cJSON *bench, const char *name, double gbps[2], tfb_error *err)
{
    const cJSON *roof = cJSON_GetObjectItemCaseSensitive(bench, TFB_COMPARE_KEY_LOCAL_ROOF);
    gbps[0] = gbps[1] = 0.0;
    if (!roof || cJSON_IsNull(roof)) return TFB_OK;
    if (!cJSON_IsObject(roof)) return tfb_fail(err, "benchmark \"%s\": field \"local_roof\" must be an object", name);
    if (read_side(roof, "before_gbps", name, &gbps[0], err) || read_side(roof, "after_gbps", name, &gbps[1], err)) {
        gbps[0] = gbps[1] = 0.0;
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

int tfb_compare_is_memory_bound(const tfb_compare_entry *e, const tfb_compare_ceilings *c)
{
    if (!(e->gflops > 0)) return e->gbps > 0;  /* a copy or a read: bytes only */
    double peak = dtype_peak(c, e->name);  /* no peak measured: a roof can only be the bandwidth's */
    return e->roof_gflops > 0 && (!(peak > 0) || e->roof_gflops < peak * (1.0 - TFB_COMPARE_LOCAL_ROOF_EPS));
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
        const tfb_compare_entry *b = hit ? *hit : NULL;
        double then = b ? geometric_mean(b->local_roof_gbps) : 0.0, now = geometric_mean(e->local_roof_gbps);
        if (!b || b->skipped || e->skipped || !(then > 0 && now > 0) || !tfb_compare_is_memory_bound(b, &base->ceilings))
            continue;
        double scale = now / then;  /* a faster memory now: the times count as longer */
        e->time_median *= scale;
        e->time_min *= scale;
        e->time_max *= scale;
        for (size_t s = 0; s < e->sample_count; s++) e->samples[s] *= scale;
        e->gflops /= scale;
        e->gbps /= scale;
        e->local_normalized = 1;
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
    return half_log_range(base->local_roof_gbps) + half_log_range(current->local_roof_gbps);
}
