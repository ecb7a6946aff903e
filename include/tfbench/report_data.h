/* The report's data model: the points and ceilings of a results tree.
 * Drawn from the results JSON alone (a live run's tfb_results_to_json tree or a saved results.json), so every suite's
 * benchmarks appear without the report knowing the suite: a benchmark with FLOPs and a time is a roofline point,
 * `series` connects points, `cache_resident` points are hollow. */
#ifndef TFBENCH_REPORT_DATA_H
#define TFBENCH_REPORT_DATA_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"

typedef enum {
    TFB_POINT_NONE = 0,     /* table only: skipped, no FLOPs (stream copy, cache sweeps) or no time */
    TFB_POINT_PLOTTED,      /* at (intensity, GFLOP/s) */
    TFB_POINT_COMPUTE_ONLY  /* FLOPs but no memory traffic (peak): drawn on the right edge at its GFLOP/s */
} tfb_point_kind;

/* One benchmark of the results (or of the native file). Strings point into the JSON tree, never NULL. */
typedef struct tfb_report_point {
    const char *name, *suite, *impl, *dtype, *shape, *series, *skipped;
    double intensity, gflops, gbytes_per_second, roofline_fraction; /* fraction < 0: unknown */
    double time_s, rel_spread, working_set_bytes;
    long long m, n, k;
    int cache_resident;
    int verified;           /* 1 yes, 0 no, -1 not recorded */
    tfb_point_kind kind;
    int number;             /* 1-based label shared by the chart and the tables */
    int series_id;          /* equal for the points of one (suite, series); -1 without a series */
} tfb_report_point;

/* A bandwidth slope of one level of the memory hierarchy (context.ceilings.levels). */
typedef struct tfb_report_level {
    const char *name;
    double bandwidth_gbps, working_set_bytes;
} tfb_report_level;

typedef struct tfb_report_data {
    const cJSON *results;   /* the results tree itself */
    const cJSON *context;   /* the results' context object (may be NULL) */
    tfb_report_point *points;
    size_t count;
    tfb_report_level *levels;
    size_t level_count;
    double bandwidth_gbps;  /* measured ceilings; 0 when not measured */
    double bandwidth_read_gbps;  /* the read-only roof (GEMV, decode) */
    const char *bandwidth_read_source;
    double peak_gflops[3];  /* fp32, fp64, fp16 */
    const char *bandwidth_source, *device_name;
    const char *datasheet_name;  /* NULL when the device has no datasheet entry */
    double datasheet_bandwidth_gbps, datasheet_gflops[3];
} tfb_report_data;

enum { TFB_PREC_FP32, TFB_PREC_FP64, TFB_PREC_FP16, TFB_PREC_COUNT };

/* Collects the points of `results` (and of `native`, which may be NULL) and the ceilings. */
int tfb_report_data_load(tfb_report_data *data, const cJSON *results, const cJSON *native, tfb_error *err);
void tfb_report_data_free(tfb_report_data *data);
/* Ratio of a point's GFLOP/s to the same shape and dtype run by `impl` (e.g. "clblast"); 0 when there is none. */
double tfb_report_ratio_to(const tfb_report_data *data, const tfb_report_point *p, const char *impl);

#endif
