/* The report folder: results.json, results.csv, roofline.svg, report.html, and the chart, prediction and HTML drawn
 * into it from the data model of tfbench/report_data.h. */
#ifndef TFBENCH_REPORT_H
#define TFBENCH_REPORT_H

#include <stddef.h>
#include <cjson/cJSON.h>
#include "tfbench/report_data.h"
#include "tfbench/results.h"

/* The chart's axes, in decades (log10): every plotted point, roof kink and reference line lies inside. */
typedef struct tfb_chart_axes {
    int x_lo, x_hi, y_lo, y_hi;
} tfb_chart_axes;

void tfb_chart_axes_compute(const tfb_report_data *data, tfb_chart_axes *axes);
/* The roofline chart as a standalone SVG document (malloc'ed, NUL-terminated). */
int tfb_report_svg(const tfb_report_data *data, char **svg, tfb_error *err);

/* The decode-rate prediction of the HTML report: tokens/s bound = bandwidth / weight bytes, for each bandwidth. */
typedef struct tfb_decode_bound {
    const char *source;     /* "measured stream bandwidth", ... */
    char detail[192];       /* which benchmark(s) it comes from */
    double bandwidth_gbps, tokens_per_second;
} tfb_decode_bound;

typedef struct tfb_decode_prediction {
    char model[64];
    double params, weight_bytes;  /* fp16 weights */
    tfb_decode_bound bounds[4];
    size_t count;
} tfb_decode_prediction;

void tfb_report_predict_decode(const tfb_report_data *data, tfb_decode_prediction *out);
/* The report's style sheet, for other pages drawn in the same look (the fleet report). */
const char *tfb_report_style(void);
/* The whole report as one self-contained HTML file (the chart inline, no scripts, no network). */
int tfb_report_html(const tfb_report_data *data, const char *svg, char **html, tfb_error *err);

/* Writes roofline.svg and report.html for a results tree (and an optional native results tree) into `dir`. */
int tfb_write_report_files(const cJSON *results, const cJSON *native, const char *dir, tfb_error *err);
/* Creates `dir` if needed and writes every report file into it (each atomically). `native` may be NULL. */
int tfb_write_report_dir(const tfb_results *results, const cJSON *native, const char *dir, tfb_error *err);

/* Before a run: creates the report folder if needed and checks that files can be written into it (exit 2 when
 * not, instead of failing after the whole run). */
int tfb_report_dir_prepare(const char *dir, tfb_error *err);
/* Reads a tfbench results file (ours or tfbench-native's) through the bounded, validating reader
 * (tfb_results_read, include/tfbench/results_read.h). Caller frees. */
int tfb_report_load_results(const char *path, cJSON **root, tfb_error *err);
/* "./tfbench-results/<device-slug>-<YYYYmmdd-HHMMSS>" for a run started at `when`, not yet existing. */
int tfb_report_default_dir(const char *device_name, long long when, char *out, size_t size, tfb_error *err);

#endif
