/* The report's view of a results tree: points and ceilings, read generically so new suites need no report code. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/report_data.h"
#include "tfbench/results.h"
#include "tfbench/results_schema.h"

static const char *json_string(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(item) && item->valuestring ? item->valuestring : "";
}

/* 1 true, 0 false, -1 absent. */
static int json_flag(const cJSON *obj, const char *key)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (cJSON_IsBool(item)) return cJSON_IsTrue(item);
    if (cJSON_IsNumber(item)) return item->valuedouble != 0;
    return -1;
}

static tfb_point_kind point_kind(const tfb_report_point *p, double flops, double bytes)
{
    if (p->skipped[0] || !(p->time_s > 0) || !(flops > 0) || !(p->gflops > 0)) return TFB_POINT_NONE;
    return bytes > 0 && p->intensity > 0 ? TFB_POINT_PLOTTED : TFB_POINT_COMPUTE_ONLY;
}

static void read_point(const cJSON *b, tfb_report_point *p)
{
    memset(p, 0, sizeof *p);
    p->name = json_string(b, TFB_KEY_B_NAME);
    p->suite = json_string(b, TFB_KEY_B_SUITE);
    p->impl = json_string(b, TFB_KEY_B_IMPL);
    p->dtype = json_string(b, TFB_KEY_B_DTYPE);
    p->shape = json_string(b, TFB_KEY_B_SHAPE);
    p->series = json_string(b, TFB_KEY_B_SERIES);
    p->skipped = json_string(b, TFB_KEY_B_SKIPPED);
    if (!p->skipped[0] && json_flag(b, TFB_KEY_B_ERROR_OCCURRED) == 1) p->skipped = json_string(b, TFB_KEY_B_ERROR_MESSAGE);
    if (!p->skipped[0] && json_flag(b, TFB_KEY_B_ERROR_OCCURRED) == 1) p->skipped = "error";
    if (!p->dtype[0]) p->dtype = "fp32";
    double flops = tfb_json_number(b, TFB_KEY_B_FLOPS, 0), bytes = tfb_json_number(b, TFB_KEY_B_BYTES, 0);
    p->time_s = tfb_json_number(b, TFB_KEY_B_TIME_MEDIAN_S, tfb_json_number(b, TFB_KEY_B_REAL_TIME, 0) * 1e-6);
    p->gflops = tfb_json_number(b, TFB_KEY_B_GFLOPS, p->time_s > 0 ? flops / p->time_s * 1e-9 : 0);
    p->gbytes_per_second = tfb_json_number(b, TFB_KEY_B_GBYTES_PER_SECOND, p->time_s > 0 ? bytes / p->time_s * 1e-9 : 0);
    p->intensity = tfb_json_number(b, TFB_KEY_B_INTENSITY, bytes > 0 ? flops / bytes : 0);
    p->roofline_fraction = tfb_json_number(b, TFB_KEY_B_ROOFLINE_FRACTION, -1);
    p->rel_spread = tfb_json_number(b, TFB_KEY_B_TIME_REL_SPREAD, 0);
    p->working_set_bytes = tfb_json_number(b, TFB_KEY_B_WORKING_SET_BYTES, 0);
    p->m = (long long)tfb_json_number(b, TFB_KEY_B_M, 0);
    p->n = (long long)tfb_json_number(b, TFB_KEY_B_N, 0);
    p->k = (long long)tfb_json_number(b, TFB_KEY_B_K, 0);
    p->cache_resident = json_flag(b, TFB_KEY_B_CACHE_RESIDENT) == 1;
    p->verified = json_flag(b, TFB_KEY_B_VERIFIED);
    p->kind = point_kind(p, flops, bytes);
}

static int add_benchmarks(tfb_report_data *data, const cJSON *root, size_t *capacity, tfb_error *err)
{
    const cJSON *list = root ? cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_BENCHMARKS) : NULL;
    const cJSON *b;
    cJSON_ArrayForEach(b, list) {
        if (!cJSON_IsObject(b)) continue;
        if (data->count == *capacity) {
            size_t grown_capacity = *capacity ? 2 * *capacity : 64;
            tfb_report_point *grown = realloc(data->points, grown_capacity * sizeof *grown);
            if (!grown) return tfb_fail(err, "out of memory reading the results");
            data->points = grown;
            *capacity = grown_capacity;
        }
        tfb_report_point *p = &data->points[data->count++];
        read_point(b, p);
        p->number = (int)data->count;
    }
    return TFB_OK;
}

static int read_levels(tfb_report_data *data, const cJSON *ceilings, tfb_error *err)
{
    const cJSON *levels = cJSON_GetObjectItemCaseSensitive(ceilings, TFB_KEY_LEVELS);
    int count = cJSON_IsArray(levels) ? cJSON_GetArraySize(levels) : 0;
    if (count == 0) return TFB_OK;
    data->levels = calloc((size_t)count, sizeof *data->levels);
    if (!data->levels) return tfb_fail(err, "out of memory reading the results");
    const cJSON *level;
    cJSON_ArrayForEach(level, levels) {
        double bandwidth = tfb_json_number(level, TFB_KEY_BANDWIDTH_GBPS, 0);
        if (!(bandwidth > 0)) continue;
        tfb_report_level *l = &data->levels[data->level_count++];
        l->name = json_string(level, "name");
        l->bandwidth_gbps = bandwidth;
        l->working_set_bytes = tfb_json_number(level, TFB_KEY_B_WORKING_SET_BYTES, 0);
    }
    return TFB_OK;
}

static int read_ceilings(tfb_report_data *data, const cJSON *context, tfb_error *err)
{
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
    data->device_name = json_string(cJSON_GetObjectItemCaseSensitive(context, "device"), "name");
    data->bandwidth_gbps = tfb_json_number(ceilings, TFB_KEY_BANDWIDTH_GBPS, 0);
    data->bandwidth_source = json_string(ceilings, TFB_KEY_BANDWIDTH_SOURCE);
    data->bandwidth_read_gbps = tfb_json_number(ceilings, TFB_KEY_BANDWIDTH_READ_GBPS, 0);
    data->bandwidth_read_source = json_string(ceilings, TFB_KEY_BANDWIDTH_READ_SOURCE);
    data->peak_gflops[TFB_PREC_FP32] = tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP32, 0);
    data->peak_gflops[TFB_PREC_FP64] = tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP64, 0);
    data->peak_gflops[TFB_PREC_FP16] = tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP16, 0);
    const cJSON *sheet = cJSON_GetObjectItemCaseSensitive(ceilings, TFB_KEY_DATASHEET);
    if (cJSON_IsObject(sheet) && tfb_json_number(sheet, TFB_KEY_BANDWIDTH_GBPS, 0) > 0) {
        data->datasheet_name = json_string(sheet, "name");
        data->datasheet_bandwidth_gbps = tfb_json_number(sheet, TFB_KEY_BANDWIDTH_GBPS, 0);
        data->datasheet_gflops[TFB_PREC_FP32] = tfb_json_number(sheet, "fp32_gflops", 0);
        data->datasheet_gflops[TFB_PREC_FP64] = tfb_json_number(sheet, "fp64_gflops", 0);
        data->datasheet_gflops[TFB_PREC_FP16] = tfb_json_number(sheet, "fp16_gflops", 0);
    }
    return read_levels(data, ceilings, err);
}

static int by_suite_and_series(const void *a, const void *b)
{
    const tfb_report_point *x = *(const tfb_report_point *const *)a, *y = *(const tfb_report_point *const *)b;
    int c = strcmp(x->suite, y->suite);
    return c ? c : strcmp(x->series, y->series);
}

/* Series ids in one sort (O(n log n)), so the chart compares integers instead of names for every pair of points. */
static int index_series(tfb_report_data *data, tfb_error *err)
{
    tfb_report_point **order = malloc((data->count ? data->count : 1) * sizeof *order);
    if (!order) return tfb_fail(err, "out of memory reading the results");
    for (size_t i = 0; i < data->count; i++) order[i] = &data->points[i];
    qsort(order, data->count, sizeof *order, by_suite_and_series);
    int id = -1;
    for (size_t i = 0; i < data->count; i++) {
        if (!order[i]->series[0]) {
            order[i]->series_id = -1;
            continue;
        }
        if (id < 0 || by_suite_and_series(&order[i - 1], &order[i]) != 0 || !order[i - 1]->series[0]) id++;
        order[i]->series_id = id;
    }
    free(order);
    return TFB_OK;
}

int tfb_report_data_load(tfb_report_data *data, const cJSON *results, const cJSON *native, tfb_error *err)
{
    memset(data, 0, sizeof *data);
    if (!cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_BENCHMARKS)))
        return tfb_fail(err, "not a tfbench results file: no \"benchmarks\" list");
    data->results = results;
    data->context = cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_CONTEXT);
    size_t capacity = 0;
    int rc = read_ceilings(data, data->context, err);
    if (rc == TFB_OK) rc = add_benchmarks(data, results, &capacity, err);
    if (rc == TFB_OK && native) rc = add_benchmarks(data, native, &capacity, err);
    if (rc == TFB_OK) rc = index_series(data, err);
    if (rc != TFB_OK) tfb_report_data_free(data);
    return rc;
}

void tfb_report_data_free(tfb_report_data *data)
{
    free(data->points);
    free(data->levels);
    memset(data, 0, sizeof *data);
}

/* Same work: equal m, n, k when the benchmarks give them, else the same shape label. */
static int same_work(const tfb_report_point *a, const tfb_report_point *b)
{
    if (strcmp(a->dtype, b->dtype) != 0) return 0;
    if (a->m || a->n || a->k) return a->m == b->m && a->n == b->n && a->k == b->k;
    return strcmp(a->suite, b->suite) == 0 && strcmp(a->shape, b->shape) == 0;
}

double tfb_report_ratio_to(const tfb_report_data *data, const tfb_report_point *p, const char *impl)
{
    if (p->kind == TFB_POINT_NONE || strcmp(p->impl, impl) == 0) return 0.0;
    for (size_t i = 0; i < data->count; i++) {
        const tfb_report_point *other = &data->points[i];
        int sized = p->m || p->n || p->k;  /* integers first: this runs for every pair of table rows */
        if (other == p || other->kind == TFB_POINT_NONE || (sized && (other->m != p->m || other->n != p->n ||
                                                                      other->k != p->k)))
            continue;
        if (strcmp(other->impl, impl) != 0) continue;
        if (same_work(p, other)) return p->gflops / other->gflops;
    }
    return 0.0;
}
