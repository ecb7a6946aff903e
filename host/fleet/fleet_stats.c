/* The fleet's statistics: per benchmark the median of the ranks' throughputs, their scaled MAD, each rank's
 * deviation, and the outliers (slower than the median beyond the rule of tfb_fleet_rule), slowest first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fleet.h"
#include "tfbench/results_schema.h"
#include "tfbench/stats.h"

int tfb_fleet_columns(const cJSON *fleet, tfb_columns *c, tfb_error *err)
{
    const cJSON *ranks = cJSON_GetObjectItemCaseSensitive(fleet, "ranks"), *r;
    if (!cJSON_IsArray(ranks)) return tfb_fail(err, "not a fleet file: no \"ranks\" list");
    if (tfb_columns_init(c, (size_t)cJSON_GetArraySize(ranks), err) != TFB_OK) return TFB_ERROR;
    size_t j = 0;
    c->noun = "rank";
    cJSON_ArrayForEach(r, ranks) {
        char label[64];
        const cJSON *results = cJSON_GetObjectItemCaseSensitive(r, "results");
        double number = tfb_json_number(r, "rank", (double)j);  /* fleet files are read as untrusted input */
        int rank = number >= 0 && number < 1e7 ? (int)number : (int)j;
        snprintf(label, sizeof label, "rank %d", rank);
        tfb_columns_describe(c, j, label, cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_CONTEXT));
        tfb_column *col = &c->columns[j];
        col->number = rank;
        const char *device = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "device"));
        const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r, "host_name"));
        if (!col->device[0] && device) col->device = device;
        if (!col->host[0] && host) col->host = host;
        col->failed = !cJSON_IsObject(results);
        if (cJSON_IsObject(results) &&
            tfb_columns_add_benchmarks(c, j, cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_BENCHMARKS), -1,
                                       err) != TFB_OK) {
            tfb_columns_free(c);
            return TFB_ERROR;
        }
        j++;
    }
    return TFB_OK;
}

/* The row's median and scaled MAD over its measured cells; how many there are. */
static size_t row_spread(const tfb_columns *c, size_t row, double *median, double *scaled_mad)
{
    size_t n = 0;
    *median = tfb_columns_row_median(c, row, &n);
    *scaled_mad = 0;
    double *dev = malloc((n ? n : 1) * sizeof *dev);
    if (!dev || n == 0) return free(dev), n;
    size_t k = 0;
    for (size_t j = 0; j < c->column_count; j++)
        if (c->state[row * c->column_count + j] == TFB_CELL_MEASURED)
            dev[k++] = fabs(c->rate[row * c->column_count + j] - *median);
    *scaled_mad = TFB_FLEET_MAD_SCALE * tfb_median(dev, k);
    free(dev);
    return n;
}

static int is_outlier(double rate, double median, double scaled_mad, size_t measured, const tfb_fleet_rule *rule)
{
    if (!(rate < median * (1.0 - rule->threshold))) return 0;
    return measured < 3 || median - rate > rule->mad_limit * scaled_mad;
}

size_t tfb_fleet_mark_outliers(const tfb_columns *c, const tfb_fleet_rule *rule, unsigned char *marked)
{
    size_t found = 0;
    for (size_t r = 0; r < c->row_count; r++) {
        double median, scaled_mad;
        size_t n = row_spread(c, r, &median, &scaled_mad);
        for (size_t j = 0; j < c->column_count; j++) {
            size_t cell = r * c->column_count + j;
            marked[cell] = n >= 2 && c->state[cell] == TFB_CELL_MEASURED &&
                           is_outlier(c->rate[cell], median, scaled_mad, n, rule);
            found += marked[cell];
        }
    }
    return found;
}

static int rank_of(const tfb_columns *c, size_t j)
{
    return c->columns[j].number;
}

static cJSON *benchmark_json(const tfb_columns *c, size_t r, const unsigned char *marked)
{
    double median, scaled_mad;
    size_t n = row_spread(c, r, &median, &scaled_mad);
    cJSON *o = cJSON_CreateObject(), *list = cJSON_CreateArray(), *wrong = cJSON_CreateArray();
    cJSON_AddStringToObject(o, "name", c->rows[r].name);
    cJSON_AddStringToObject(o, "unit", c->rows[r].unit);
    cJSON_AddNumberToObject(o, "ranks_measured", (double)n);
    cJSON_AddNumberToObject(o, "median", median);
    cJSON_AddNumberToObject(o, "scaled_mad", scaled_mad);
    for (size_t j = 0; j < c->column_count; j++) {
        size_t cell = r * c->column_count + j;
        if (c->state[cell] == TFB_CELL_FAILED) cJSON_AddItemToArray(wrong, cJSON_CreateNumber(rank_of(c, j)));
        if (c->state[cell] != TFB_CELL_MEASURED) continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddNumberToObject(e, "rank", rank_of(c, j));
        cJSON_AddNumberToObject(e, "value", c->rate[cell]);
        cJSON_AddNumberToObject(e, "deviation_percent", median > 0 ? 100.0 * (c->rate[cell] / median - 1.0) : 0.0);
        cJSON_AddBoolToObject(e, "outlier", marked[cell]);
        cJSON_AddItemToArray(list, e);
    }
    cJSON_AddItemToObject(o, "ranks", list);
    cJSON_AddItemToObject(o, "wrong_result_ranks", wrong);
    return o;
}

static int by_deviation(const void *a, const void *b)
{
    double x = tfb_json_number(*(const cJSON *const *)a, "deviation_percent", 0);
    double y = tfb_json_number(*(const cJSON *const *)b, "deviation_percent", 0);
    return x < y ? -1 : x > y;
}

/* The outlier cells, slowest (most negative deviation) first. */
static cJSON *outliers_json(const tfb_columns *c, const unsigned char *marked, size_t found)
{
    cJSON **items = calloc(found ? found : 1, sizeof *items), *list = cJSON_CreateArray();
    size_t k = 0;
    for (size_t r = 0; items && r < c->row_count; r++) {
        double median = tfb_columns_row_median(c, r, NULL);
        for (size_t j = 0; j < c->column_count; j++) {
            size_t cell = r * c->column_count + j;
            if (!marked[cell]) continue;
            cJSON *o = items[k++] = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "rank", rank_of(c, j));
            cJSON_AddStringToObject(o, "host_name", c->columns[j].host);
            cJSON_AddStringToObject(o, "device", c->columns[j].device);
            cJSON_AddStringToObject(o, "benchmark", c->rows[r].name);
            cJSON_AddStringToObject(o, "unit", c->rows[r].unit);
            cJSON_AddNumberToObject(o, "value", c->rate[cell]);
            cJSON_AddNumberToObject(o, "median", median);
            cJSON_AddNumberToObject(o, "deviation_percent", 100.0 * (c->rate[cell] / median - 1.0));
        }
    }
    if (items) qsort(items, k, sizeof *items, by_deviation);
    for (size_t i = 0; items && i < k; i++) cJSON_AddItemToArray(list, items[i]);
    free(items);
    return list;
}

int tfb_fleet_add_statistics(cJSON *fleet, const tfb_fleet_rule *rule, tfb_error *err)
{
    tfb_columns c;
    if (tfb_fleet_columns(fleet, &c, err) != TFB_OK) return TFB_ERROR;
    unsigned char *marked = calloc(c.row_count * c.column_count + 1, 1);
    if (!marked) {
        tfb_columns_free(&c);
        return tfb_fail(err, "out of memory");
    }
    size_t found = tfb_fleet_mark_outliers(&c, rule, marked);
    cJSON *benchmarks = cJSON_AddArrayToObject(fleet, "fleet_benchmarks");
    for (size_t r = 0; r < c.row_count; r++) cJSON_AddItemToArray(benchmarks, benchmark_json(&c, r, marked));
    cJSON_AddItemToObject(fleet, "outliers", outliers_json(&c, marked, found));
    free(marked);
    tfb_columns_free(&c);
    return TFB_OK;
}
