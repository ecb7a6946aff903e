/* Devices or fleet ranks side by side: the table of throughputs behind the multi-device and fleet reports. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/report_columns.h"
#include "tfbench/results_schema.h"
#include "tfbench/stats.h"

static const char *string_at(const cJSON *object, const char *key)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(object, key));
    return text ? text : "";
}

int tfb_columns_init(tfb_columns *c, size_t column_count, tfb_error *err)
{
    memset(c, 0, sizeof *c);
    c->columns = calloc(column_count ? column_count : 1, sizeof *c->columns);
    if (!c->columns) return tfb_fail(err, "out of memory");
    c->column_count = column_count;
    return TFB_OK;
}

void tfb_columns_free(tfb_columns *c)
{
    free(c->columns);
    free(c->rows);
    free(c->rate);
    free(c->state);
    memset(c, 0, sizeof *c);
}

void tfb_columns_describe(tfb_columns *c, size_t column, const char *label, const cJSON *context)
{
    tfb_column *col = &c->columns[column];
    snprintf(col->label, sizeof col->label, "%s", label);
    col->device = string_at(cJSON_GetObjectItemCaseSensitive(context, "device"), "name");
    col->host = string_at(context, "host_name");
    col->pci = string_at(cJSON_GetObjectItemCaseSensitive(context, "host"), "device_pci");
    col->ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
}

static int grow_rows(tfb_columns *c, tfb_error *err)
{
    size_t capacity = c->row_capacity ? 2 * c->row_capacity : 64, cells = capacity * c->column_count;
    tfb_row *rows = realloc(c->rows, capacity * sizeof *rows);
    if (rows) c->rows = rows;
    double *rate = rows ? realloc(c->rate, cells * sizeof *rate) : NULL;
    if (rate) c->rate = rate;
    unsigned char *state = rate ? realloc(c->state, cells) : NULL;
    if (!state) return tfb_fail(err, "out of memory");
    c->state = state;
    size_t old = c->row_capacity * c->column_count;
    memset(c->rate + old, 0, (cells - old) * sizeof *c->rate);
    memset(c->state + old, 0, cells - old);
    c->row_capacity = capacity;
    return TFB_OK;
}

static int find_row(tfb_columns *c, const char *name, const char *unit, size_t *row, tfb_error *err)
{
    for (size_t i = 0; i < c->row_count; i++)  /* rows are few (a run's benchmarks); a scan is enough */
        if (strcmp(c->rows[i].name, name) == 0) return *row = i, TFB_OK;
    if (c->row_count == c->row_capacity && grow_rows(c, err) != TFB_OK) return TFB_ERROR;
    c->rows[c->row_count] = (tfb_row){.name = name, .unit = unit};
    *row = c->row_count++;
    return TFB_OK;
}

/* Throughput in the unit of its row: GFLOP/s when the benchmark has FLOPs, else GB/s, else runs per second. */
static const char *rate_unit(const cJSON *b)
{
    if (tfb_json_number(b, TFB_KEY_B_GFLOPS, 0) > 0) return "GFLOP/s";
    if (tfb_json_number(b, TFB_KEY_B_GBYTES_PER_SECOND, 0) > 0) return "GB/s";
    return "runs/s";
}

static double rate_in(const cJSON *b, const char *unit)
{
    if (strcmp(unit, "GFLOP/s") == 0) return tfb_json_number(b, TFB_KEY_B_GFLOPS, 0);
    if (strcmp(unit, "GB/s") == 0) return tfb_json_number(b, TFB_KEY_B_GBYTES_PER_SECOND, 0);
    double seconds = tfb_json_number(b, TFB_KEY_B_TIME_MEDIAN_S, tfb_json_number(b, TFB_KEY_B_REAL_TIME, 0) * 1e-6);
    return seconds > 0 ? 1.0 / seconds : 0;
}

static tfb_cell_state cell_state(const cJSON *b, double rate)
{
    if (cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_VERIFIED)) &&
        cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_ERROR_OCCURRED)))
        return TFB_CELL_FAILED;
    if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_ERROR_OCCURRED)) || !(rate > 0)) return TFB_CELL_SKIPPED;
    return TFB_CELL_MEASURED;
}

int tfb_columns_add_benchmarks(tfb_columns *c, size_t column, const cJSON *benchmarks, int device_index,
                               tfb_error *err)
{
    const cJSON *b;
    cJSON_ArrayForEach(b, benchmarks) {
        if (device_index >= 0 && tfb_json_number(b, TFB_KEY_DEVICE_INDEX, -1) != device_index) continue;
        const char *name = string_at(b, TFB_KEY_BASE_NAME);
        if (!name[0]) name = string_at(b, TFB_KEY_B_NAME);
        if (!name[0]) continue;
        size_t row;
        if (find_row(c, name, rate_unit(b), &row, err) != TFB_OK) return TFB_ERROR;
        double rate = rate_in(b, c->rows[row].unit);
        c->state[row * c->column_count + column] = (unsigned char)cell_state(b, rate);
        c->rate[row * c->column_count + column] = rate > 0 ? rate : 0;
    }
    return TFB_OK;
}

int tfb_columns_from_devices(tfb_columns *c, const cJSON *results, tfb_error *err)
{
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_CONTEXT);
    const cJSON *devices = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_DEVICES), *device;
    const cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_BENCHMARKS);
    size_t count = cJSON_IsArray(devices) ? (size_t)cJSON_GetArraySize(devices) : 0, column = 0;
    if (tfb_columns_init(c, count < 2 ? 0 : count, err) != TFB_OK) return TFB_ERROR;
    if (count < 2) {
        tfb_columns_free(c);
        return TFB_SKIP;
    }
    c->noun = "device";
    cJSON_ArrayForEach(device, devices) {
        double index = tfb_json_number(device, TFB_KEY_DEVICE_INDEX, -1);
        if (!(index >= 0 && index < TFB_MAX_DEVICES) || index != floor(index)) {
            tfb_columns_free(c);
            return tfb_fail(err, "context.devices: an entry without a valid device_index");
        }
        tfb_columns_describe(c, column, string_at(device, TFB_KEY_DEVICE_LABEL), device);
        c->columns[column].number = (int)index;
        if (tfb_columns_add_benchmarks(c, column++, benchmarks, (int)index, err) != TFB_OK) {
            tfb_columns_free(c);
            return TFB_ERROR;
        }
    }
    return TFB_OK;
}

double tfb_columns_row_median(const tfb_columns *c, size_t row, size_t *measured)
{
    double *values = malloc((c->column_count ? c->column_count : 1) * sizeof *values);
    size_t n = 0;
    for (size_t j = 0; values && j < c->column_count; j++)
        if (c->state[row * c->column_count + j] == TFB_CELL_MEASURED) values[n++] = c->rate[row * c->column_count + j];
    double median = n ? tfb_median(values, n) : 0;
    free(values);
    if (measured) *measured = n;
    return median;
}
