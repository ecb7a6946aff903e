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
    copy_string(r->name, sizeof r->name, b, TFB_KEY_B_NAME);
    copy_string(r->suite, sizeof r->suite, b, TFB_KEY_B_SUITE);
    copy_string(r->impl, sizeof r->impl, b, TFB_KEY_B_IMPL);
    copy_string(r->dtype, sizeof r->dtype, b, TFB_KEY_B_DTYPE);
    copy_string(r->shape, sizeof r->shape, b, TFB_KEY_B_SHAPE);
    copy_string(r->series, sizeof r->series, b, TFB_KEY_B_SERIES);
    copy_string(r->skipped, sizeof r->skipped, b, TFB_KEY_B_SKIPPED);
    r->m = (long long)number(b, TFB_KEY_B_M);
    r->n = (long long)number(b, TFB_KEY_B_N);
    r->k = (long long)number(b, TFB_KEY_B_K);
    r->flops = number(b, TFB_KEY_B_FLOPS);
    r->bytes = number(b, TFB_KEY_B_BYTES);
    r->time = (tfb_stats){.count = (size_t)number(b, TFB_KEY_B_ITERATIONS),
                          .median = number(b, TFB_KEY_B_TIME_MEDIAN_S),
                          .min = number(b, TFB_KEY_B_TIME_MIN_S), .max = number(b, TFB_KEY_B_TIME_MAX_S),
                          .mean = number(b, TFB_KEY_B_TIME_MEAN_S), .stddev = number(b, TFB_KEY_B_TIME_STDDEV_S),
                          .rel_spread = number(b, TFB_KEY_B_TIME_REL_SPREAD)};
    tfb_result_derive(r);
    r->working_set_bytes = (unsigned long long)number(b, TFB_KEY_B_WORKING_SET_BYTES);
    r->cache_resident = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_CACHE_RESIDENT));
    r->verified = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_VERIFIED)) ? 1 : 0;
    r->max_error = number(b, TFB_KEY_B_MAX_ERROR);
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
        const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_NAME));
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
