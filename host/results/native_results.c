/* --native FILE: the points of a tfbench-native run (same JSON layout) added to this run's results, so tables,
 * JSON and charts show the CPU libraries beside the device. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/native.h"
#include "tfbench/results_schema.h"

static double number(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0.0;
}

static void copy_string(char *out, size_t size, const cJSON *o, const char *key)
{
    const char *v = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    snprintf(out, size, "%s", v ? v : "");
}

static int add_point(tfb_results *results, const cJSON *b)
{
    tfb_result *r = tfb_results_add(results);
    if (!r) return TFB_ERROR;
    copy_string(r->name, sizeof r->name, b, "name");
    copy_string(r->suite, sizeof r->suite, b, "suite");
    copy_string(r->impl, sizeof r->impl, b, "impl");
    copy_string(r->dtype, sizeof r->dtype, b, "dtype");
    copy_string(r->shape, sizeof r->shape, b, "shape");
    copy_string(r->series, sizeof r->series, b, "series");
    copy_string(r->skipped, sizeof r->skipped, b, "skipped");
    r->m = (long long)number(b, "m"), r->n = (long long)number(b, "n"), r->k = (long long)number(b, "k");
    r->flops = number(b, "flops");
    r->bytes = number(b, "bytes");
    r->time = (tfb_stats){.count = (size_t)number(b, "iterations"), .median = number(b, "time_median_s"),
                          .min = number(b, "time_min_s"), .max = number(b, "time_max_s"),
                          .mean = number(b, "time_mean_s"), .stddev = number(b, "time_stddev_s"),
                          .rel_spread = number(b, "time_rel_spread")};
    tfb_result_derive(r);
    r->working_set_bytes = (unsigned long long)number(b, "working_set_bytes");
    r->cache_resident = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "cache_resident"));
    r->verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, "verified")) ? 1 : 0;
    r->max_error = number(b, "max_error");
    r->extra = cJSON_CreateObject();
    cJSON_AddBoolToObject(r->extra, "native", 1);
    return TFB_OK;
}

int tfb_results_add_native(tfb_results *results, const cJSON *root, const char *path, tfb_error *err)
{
    const cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_BENCHMARKS);
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_CONTEXT);
    if (!cJSON_IsArray(benchmarks))
        return tfb_fail(err, "--native %s: not a tfbench-native results file (no \"benchmarks\" array)", path);
    int rc = TFB_OK;
    const cJSON *b;
    cJSON_ArrayForEach(b, benchmarks) {
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, "name"));
        if (!name || strncmp(name, "native/", 7) != 0) continue;  /* only tfbench-native's own points */
        if ((rc = add_point(results, b)) != TFB_OK) break;
    }
    if (rc == TFB_OK) {
        if (!results->context_extra) results->context_extra = cJSON_CreateObject();
        cJSON *native = cJSON_CreateObject();
        cJSON_AddStringToObject(native, "file", path);
        const char *core = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(context, "openblas_core"));
        cJSON_AddStringToObject(native, "openblas_core", core ? core : "");
        cJSON_AddItemToObject(results->context_extra, "native", native);
    }
    return rc == TFB_OK ? TFB_OK : tfb_fail(err, "out of memory loading %s", path);
}
