/* A results file states some figures twice: the median beside the samples it came from, GFLOP/s beside the work
   and the time. An edit (or a bug) that changes one statement only would turn compare's verdict, since the report
   shows one and the verdict uses the other, so a file that contradicts itself is refused rather than believed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "compare_check.h"
#include "tfbench/results_schema.h"
#include "tfbench/stats.h"

int tfb_compare_same_figure(double a, double b)
{
    if (!isfinite(a) || !isfinite(b)) return 0;
    return fabs(a - b) <= TFB_COMPARE_ROUNDING * fmax(fabs(a), fabs(b));
}

/* A finite number under key; 0 when absent, null or of another type (the reader has refused wrong types). */
static int number_of(const cJSON *bench, const char *key, double *out)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(bench, key);
    if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble)) return 0;
    *out = item->valuedouble;
    return 1;
}

static int contradiction(const char *name, const char *key, double stated, const char *source, double derived,
                         const char *unit, tfb_error *err)
{
    return tfb_fail(err, "benchmark \"%s\": field \"%s\" (%.9g%s) contradicts %s (%.9g%s)", name, key, stated, unit,
                    source, derived, unit);
}

/* The median, min and max stated beside samples_s are the samples' own (tfb_stats_compute's definitions). */
static int check_samples(const cJSON *bench, const char *name, double median_s, tfb_error *err)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(bench, TFB_KEY_SAMPLES), *item;
    if (!cJSON_IsArray(list) || !list->child) return TFB_OK;
    size_t count = (size_t)cJSON_GetArraySize(list), i = 0;
    double *samples = malloc(count * sizeof *samples), stated;
    tfb_stats st;
    if (!samples) return tfb_fail(err, "out of memory");
    cJSON_ArrayForEach(item, list) samples[i++] = item->valuedouble;
    int computed = tfb_stats_compute(samples, count, &st);
    free(samples);
    if (computed != TFB_OK) return tfb_fail(err, "benchmark \"%s\": samples_s cannot be summarized", name);
    double median = st.median, low = st.min, high = st.max;
    const char *median_key = number_of(bench, TFB_KEY_B_TIME_MEDIAN_S, &stated) ? TFB_KEY_B_TIME_MEDIAN_S
                                                                                 : TFB_KEY_B_REAL_TIME;
    if (!tfb_compare_same_figure(median_s, median))
        return contradiction(name, median_key, median_s, "the median of samples_s", median, " s", err);
    if (number_of(bench, TFB_KEY_B_TIME_MIN_S, &stated) && !tfb_compare_same_figure(stated, low))
        return contradiction(name, TFB_KEY_B_TIME_MIN_S, stated, "the fastest of samples_s", low, " s", err);
    if (number_of(bench, TFB_KEY_B_TIME_MAX_S, &stated) && !tfb_compare_same_figure(stated, high))
        return contradiction(name, TFB_KEY_B_TIME_MAX_S, stated, "the slowest of samples_s", high, " s", err);
    if (number_of(bench, "sample_count", &stated) && stated != (double)count)
        return tfb_fail(err, "benchmark \"%s\": field \"sample_count\" (%.0f) contradicts the %zu values of samples_s",
                        name, stated, count);
    return TFB_OK;
}

static int unit_scale(const cJSON *bench, double *scale)
{
    static const struct { const char *name; double scale; } UNITS[] = {
        {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
    const char *unit = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(bench, TFB_KEY_B_TIME_UNIT));
    for (size_t i = 0; unit && i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (strcmp(unit, UNITS[i].name) == 0) return *scale = UNITS[i].scale, 1;
    return 0;
}

/* tfbench's layout (time_median_s present): real_time restates the median, every rate is the work over it. */
static int check_restated(const cJSON *bench, const char *name, double median_s, tfb_error *err)
{
    static const struct { const char *rate, *work; double scale; const char *unit; } RATES[] = {
        {TFB_KEY_B_GFLOPS, TFB_KEY_B_FLOPS, 1e-9, " GFLOP/s"},
        {TFB_KEY_B_GBYTES_PER_SECOND, TFB_KEY_B_BYTES, 1e-9, " GB/s"},
        {TFB_KEY_B_ITEMS_PER_SECOND, TFB_KEY_B_FLOPS, 1.0, "/s"},
        {TFB_KEY_B_BYTES_PER_SECOND, TFB_KEY_B_BYTES, 1.0, " B/s"}};
    double stated, scale, work;
    if (number_of(bench, TFB_KEY_B_REAL_TIME, &stated) && unit_scale(bench, &scale) &&
        !tfb_compare_same_figure(stated * scale, median_s))
        return contradiction(name, TFB_KEY_B_REAL_TIME, stated * scale, TFB_KEY_B_TIME_MEDIAN_S, median_s, " s", err);
    for (size_t i = 0; i < sizeof RATES / sizeof RATES[0]; i++) {
        if (!number_of(bench, RATES[i].rate, &stated) || !number_of(bench, RATES[i].work, &work)) continue;
        double derived = work / median_s * RATES[i].scale;
        if (!tfb_compare_same_figure(stated, derived)) {
            char source[96];
            snprintf(source, sizeof source, "%s / %s", RATES[i].work, TFB_KEY_B_TIME_MEDIAN_S);
            return contradiction(name, RATES[i].rate, stated, source, derived, RATES[i].unit, err);
        }
    }
    return TFB_OK;
}

int tfb_compare_check_consistency(const cJSON *bench, const char *name, double median_s, tfb_error *err)
{
    double stated;
    if (check_samples(bench, name, median_s, err) != TFB_OK) return TFB_ERROR;
    if (number_of(bench, TFB_KEY_B_TIME_MEDIAN_S, &stated)) return check_restated(bench, name, median_s, err);
    return TFB_OK;
}
