/* The bounded, validating reader of results files (see include/tfbench/results_read.h). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/results.h"
#include "tfbench/file_io.h"
#include "tfbench/results_read.h"
#include "tfbench/results_schema.h"

/* Every number of the tree finite and of sane size (cJSON reads 1e999 as infinity). Depth is bounded already. */
static int check_numbers(const cJSON *item, tfb_error *err)
{
    if (cJSON_IsNumber(item) && !(fabs(item->valuedouble) <= TFB_RESULTS_MAX_NUMBER))
        return tfb_fail(err, "%s%.100s%s%g: not finite or beyond %g, not a measurement", item->string ? "field \"" : "",
                        item->string ? item->string : "", item->string ? "\" = " : "", item->valuedouble,
                        TFB_RESULTS_MAX_NUMBER);
    for (const cJSON *child = item->child; child; child = child->next)
        if (check_numbers(child, err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

/* A field that must be a number (or null, or absent) within [lo, hi]. */
static int check_range(const cJSON *object, const char *key, double lo, double hi, const char *where, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    if (!item || cJSON_IsNull(item)) return TFB_OK;
    if (!cJSON_IsNumber(item)) return tfb_fail(err, "%s: field \"%s\" must be a number", where, key);
    if (!(item->valuedouble >= lo && item->valuedouble <= hi))
        return tfb_fail(err, "%s: field \"%s\" = %g is out of range (%g .. %g)", where, key, item->valuedouble, lo, hi);
    return TFB_OK;
}

static int check_object(const cJSON *parent, const char *key, const char *where, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(parent, key);
    if (!item || cJSON_IsNull(item) || cJSON_IsObject(item)) return TFB_OK;
    return tfb_fail(err, "%s.%s must be an object", where, key);
}

static int check_benchmark(const cJSON *b, size_t index, tfb_error *err)
{
    static const char *const COUNTS[] = {TFB_KEY_B_M,          TFB_KEY_B_N,     TFB_KEY_B_K,
                                         TFB_KEY_B_ITERATIONS, TFB_KEY_B_WORKING_SET_BYTES,
                                         TFB_KEY_B_FLOPS,      TFB_KEY_B_BYTES};
    static const char *const RATES[] = {
        TFB_KEY_B_TIME_MEDIAN_S, TFB_KEY_B_TIME_MIN_S,       TFB_KEY_B_TIME_MAX_S,   TFB_KEY_B_TIME_MEAN_S,
        TFB_KEY_B_TIME_STDDEV_S, TFB_KEY_B_REAL_TIME,        TFB_KEY_B_CPU_TIME,     TFB_KEY_B_GFLOPS,
        TFB_KEY_B_GBYTES_PER_SECOND, TFB_KEY_B_INTENSITY,    TFB_KEY_B_TIME_REL_SPREAD, TFB_KEY_B_MAX_ERROR};
    char where[256];
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_NAME);
    snprintf(where, sizeof where, "benchmark #%zu%s%.120s%s", index, cJSON_IsString(name) ? " (\"" : "",
             cJSON_IsString(name) ? name->valuestring : "", cJSON_IsString(name) ? "\")" : "");
    if (!cJSON_IsObject(b)) return tfb_fail(err, "%s is not an object", where);
    for (size_t i = 0; i < sizeof COUNTS / sizeof *COUNTS; i++)
        if (check_range(b, COUNTS[i], 0, TFB_RESULTS_MAX_COUNT, where, err) != TFB_OK) return TFB_ERROR;
    for (size_t i = 0; i < sizeof RATES / sizeof *RATES; i++)
        if (check_range(b, RATES[i], 0, TFB_RESULTS_MAX_RATE, where, err) != TFB_OK) return TFB_ERROR;
    return check_range(b, TFB_KEY_B_ROOFLINE_FRACTION, -1, TFB_RESULTS_MAX_RATE, where, err);
}

static int check_context(const cJSON *context, tfb_error *err)
{
    static const char *const CEILINGS[] = {TFB_KEY_BANDWIDTH_GBPS, TFB_KEY_PEAK_GFLOPS_FP32, TFB_KEY_PEAK_GFLOPS_FP64,
                                           TFB_KEY_PEAK_GFLOPS_FP16, TFB_KEY_RIDGE_FP32};
    if (!context || cJSON_IsNull(context)) return TFB_OK;
    if (!cJSON_IsObject(context)) return tfb_fail(err, "context must be an object");
    if (check_object(context, "device", "context", err) || check_object(context, "host", "context", err) ||
        check_object(context, TFB_KEY_CEILINGS, "context", err))
        return TFB_ERROR;
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
    if (check_object(ceilings, TFB_KEY_DATASHEET, "context.ceilings", err)) return TFB_ERROR;
    for (size_t i = 0; i < sizeof CEILINGS / sizeof *CEILINGS; i++)
        if (check_range(ceilings, CEILINGS[i], 0, TFB_RESULTS_MAX_RATE, "context.ceilings", err) != TFB_OK)
            return TFB_ERROR;
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(ceilings, TFB_KEY_LEVELS), *level;
    if (levels && !cJSON_IsNull(levels) && !cJSON_IsArray(levels))
        return tfb_fail(err, "context.ceilings.levels must be an array");
    cJSON_ArrayForEach(level, levels) {
        if (!cJSON_IsObject(level)) return tfb_fail(err, "context.ceilings.levels: every level must be an object");
        int rc = check_range(level, TFB_KEY_BANDWIDTH_GBPS, 0, TFB_RESULTS_MAX_RATE, "context.ceilings.levels", err);
        if (rc != TFB_OK) return TFB_ERROR;
    }
    return TFB_OK;
}

static int validate(const cJSON *root, tfb_error *err)
{
    if (!cJSON_IsObject(root)) return tfb_fail(err, "not a tfbench results file (not a JSON object)");
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_BENCHMARKS);
    if (!cJSON_IsArray(list)) return tfb_fail(err, "not a tfbench results file (no \"benchmarks\" list)");
    size_t count = (size_t)cJSON_GetArraySize(list), index = 0;
    if (count > TFB_RESULTS_MAX_BENCHMARKS)
        return tfb_fail(err, "%zu benchmarks, more than a results file holds (limit %u)", count,
                        TFB_RESULTS_MAX_BENCHMARKS);
    if (check_context(cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_CONTEXT), err)) return TFB_ERROR;
    const cJSON *b;
    cJSON_ArrayForEach(b, list)
        if (check_benchmark(b, index++, err) != TFB_OK) return TFB_ERROR;
    return check_numbers(root, err);  /* the fields no check above names */
}

int tfb_results_parse(const char *text, size_t length, cJSON **root, tfb_error *err)
{
    *root = NULL;
    if (tfb_json_check_shape(text, length, TFB_RESULTS_MAX_DEPTH, TFB_RESULTS_MAX_VALUES, err) != TFB_OK)
        return TFB_ERROR;
    cJSON *parsed = cJSON_ParseWithLength(text, length);
    if (!parsed) return tfb_fail(err, "not valid JSON");
    if (validate(parsed, err) != TFB_OK) {
        cJSON_Delete(parsed);
        return TFB_ERROR;
    }
    *root = parsed;
    return TFB_OK;
}

int tfb_results_read(const char *path, cJSON **root, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    *root = NULL;
    if (tfb_read_file(path, TFB_RESULTS_MAX_BYTES, &text, &length, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_results_parse(text, length, root, err);
    free(text);
    if (rc == TFB_OK) return TFB_OK;
    char message[sizeof err->message];
    snprintf(message, sizeof message, "%s", err->message);
    return tfb_fail(err, "%s: %.3900s", path, message);
}
