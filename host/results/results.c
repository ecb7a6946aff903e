#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "tfbench/results.h"

void tfb_results_init(tfb_results *results)
{
    memset(results, 0, sizeof *results);
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(results->date, sizeof results->date, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
}

void tfb_results_free(tfb_results *results)
{
    for (size_t i = 0; i < results->count; i++) {
        cJSON_Delete(results->items[i].extra);
        free(results->items[i].samples);
    }
    free(results->items);
    cJSON_Delete(results->ceilings.extra);
    cJSON_Delete(results->context_extra);
    memset(results, 0, sizeof *results);
}

tfb_result *tfb_results_add(tfb_results *results)
{
    if (results->count == results->capacity) {
        size_t capacity = results->capacity ? 2 * results->capacity : 64;
        tfb_result *grown = realloc(results->items, capacity * sizeof *grown);
        if (!grown) return NULL;
        results->items = grown;
        results->capacity = capacity;
    }
    tfb_result *r = &results->items[results->count++];
    memset(r, 0, sizeof *r);
    r->roofline_fraction = -1.0;
    r->bytes_written = -1.0;
    r->verified = -1;
    return r;
}

const tfb_result *tfb_results_find(const tfb_results *results, const char *name)
{
    for (size_t i = 0; i < results->count; i++)
        if (strcmp(results->items[i].name, name) == 0) return &results->items[i];
    return NULL;
}

void tfb_result_derive(tfb_result *r)
{
    double t = r->time.median;
    r->gflops = t > 0 ? r->flops / t * 1e-9 : 0.0;
    r->gbytes_per_second = t > 0 ? r->bytes / t * 1e-9 : 0.0;
    r->intensity = r->bytes > 0 ? r->flops / r->bytes : 0.0;
}

static double peak_for_dtype(const tfb_ceilings *c, const char *dtype)
{
    if (strcmp(dtype, "fp64") == 0) return c->peak_gflops_fp64;
    /* fp16 storage with fp32 arithmetic is bounded by the fp32 roof, unless fp16 math was measured. */
    if (strcmp(dtype, "fp16") == 0 && c->peak_gflops_fp16 > 0) return c->peak_gflops_fp16;
    return c->peak_gflops_fp32;
}

/* The memory roof of a point's traffic: the read roof when writes are at most TFB_READ_DOMINATED of it. */
static double memory_roof(const tfb_ceilings *c, double bytes, double bytes_written, const char **kind)
{
    int read_dominated = bytes > 0 && bytes_written >= 0 && bytes_written <= TFB_READ_DOMINATED * bytes;
    if (read_dominated && c->bandwidth_read_gbps > 0) {
        *kind = "read";
        return c->bandwidth_read_gbps;
    }
    *kind = c->bandwidth_gbps > 0 ? "read_write" : NULL;
    return c->bandwidth_gbps;
}

double tfb_roofline_for(const tfb_ceilings *c, const char *dtype, double intensity, double bytes, double bytes_written,
                        const char **kind)
{
    const char *used = NULL;
    double peak = peak_for_dtype(c, dtype), bandwidth = memory_roof(c, bytes, bytes_written, &used);
    if (kind) *kind = used;
    if (!(intensity > 0) || (!(peak > 0) && !(bandwidth > 0))) return 0.0;
    if (!(bandwidth > 0)) return peak;
    double roof = intensity * bandwidth;
    return peak > 0 && peak < roof ? peak : roof;
}

double tfb_roofline_gflops(const tfb_ceilings *c, const char *dtype, double intensity)
{
    if (!(peak_for_dtype(c, dtype) > 0) || !(c->bandwidth_gbps > 0)) return 0.0;
    return tfb_roofline_for(c, dtype, intensity, 0.0, -1.0, NULL);
}

void tfb_results_apply_roofline(tfb_results *results)
{
    for (size_t i = 0; i < results->count; i++) {
        tfb_result *r = &results->items[i];
        if (r->skipped[0] || r->flops <= 0) continue;
        tfb_ceilings own = results->ceilings;
        if (r->own_read_gbps > 0) own.bandwidth_read_gbps = r->own_read_gbps;
        r->roof_gflops = tfb_roofline_for(&own, r->dtype, r->intensity, r->bytes, r->bytes_written, &r->roof_kind);
        r->roofline_fraction = r->roof_gflops > 0 ? r->gflops / r->roof_gflops : -1.0;
    }
}

void tfb_ceilings_offer_bandwidth(tfb_ceilings *c, int read_only, double gbps, const char *source)
{
    double *slot = read_only ? &c->bandwidth_read_gbps : &c->bandwidth_gbps;
    char *name = read_only ? c->bandwidth_read_source : c->bandwidth_source;
    size_t size = read_only ? sizeof c->bandwidth_read_source : sizeof c->bandwidth_source;
    if (!(gbps > *slot)) return;
    *slot = gbps;
    snprintf(name, size, "%s", source);
}

void tfb_ceilings_derive(tfb_ceilings *c)
{
    double peak = c->peak_gflops_fp32;
    c->ridge_fp32 = peak > 0 && c->bandwidth_gbps > 0 ? peak / c->bandwidth_gbps : 0.0;
    c->ridge_read_fp32 = peak > 0 && c->bandwidth_read_gbps > 0 ? peak / c->bandwidth_read_gbps : 0.0;
    if (c->bandwidth_gbps > 0 && c->bandwidth_read_gbps > 0) c->bandwidth_missing[0] = '\0';
}
