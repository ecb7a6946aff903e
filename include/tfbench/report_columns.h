/* Devices (a run with --device all) or the ranks of a fleet run side by side: one column each, one row per
 * benchmark, each cell the benchmark's throughput in that column. The multi-device report and the fleet report
 * draw their ceilings table, their chart (one series per column) and their per-benchmark table from it. */
#ifndef TFBENCH_REPORT_COLUMNS_H
#define TFBENCH_REPORT_COLUMNS_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"
#include "tfbench/results.h"

typedef enum tfb_cell_state {
    TFB_CELL_ABSENT = 0,      /* not in that column's results */
    TFB_CELL_MEASURED,
    TFB_CELL_SKIPPED,         /* did not run there (too big, unsupported) */
    TFB_CELL_FAILED           /* a wrong result there (verified: false) */
} tfb_cell_state;

typedef struct tfb_column {
    char label[64];           /* "d1" (flat device index 1), "rank 3" */
    const char *device;       /* the device's name; strings point into the JSON the columns were read from */
    const char *host;         /* host name */
    const char *pci;          /* the device's PCI locality where known, else "" */
    const cJSON *ceilings;    /* context.ceilings; NULL when absent */
    int failed;               /* a fleet rank without results: its cells are all absent */
    int number;               /* the rank (fleet) or the flat device index (devices) */
} tfb_column;

typedef struct tfb_row {
    const char *name;         /* the benchmark's name without the device qualification */
    const char *unit;         /* what the cells hold: "GFLOP/s" (it has FLOPs), else "GB/s", else "runs/s" */
} tfb_row;

typedef struct tfb_columns {
    tfb_column *columns;
    size_t column_count;
    tfb_row *rows;
    size_t row_count, row_capacity;
    double *rate;             /* rows x column_count, row-major: the cell's throughput; 0 unless measured */
    unsigned char *state;     /* rows x column_count: tfb_cell_state */
    const char *noun;         /* what a column is, for the report's words: "device", "rank" */
} tfb_columns;

int tfb_columns_init(tfb_columns *c, size_t column_count, tfb_error *err);
void tfb_columns_free(tfb_columns *c);
/* Column `column` from a results file's context (device, host, ceilings); label as given. */
void tfb_columns_describe(tfb_columns *c, size_t column, const char *label, const cJSON *context);
/* The benchmarks of one column: every entry of `benchmarks`, or with device_index >= 0 only those whose
 * device_index field says so (a multi-device file). Rows are matched by base_name, else name. */
int tfb_columns_add_benchmarks(tfb_columns *c, size_t column, const cJSON *benchmarks, int device_index,
                               tfb_error *err);
/* The columns of a multi-device results file (context.devices); TFB_SKIP, with nothing to free, when it has fewer
 * than two devices. */
int tfb_columns_from_devices(tfb_columns *c, const cJSON *results, tfb_error *err);
/* The median of a row's measured cells; 0 when none; *measured (may be NULL) gets how many there are. */
double tfb_columns_row_median(const tfb_columns *c, size_t row, size_t *measured);

/* The ceilings, one line per column (terminal). */
void tfb_columns_print_ceilings(const tfb_columns *c, FILE *out);
/* After a multi-device run: the devices' ceilings side by side (nothing for a single-device results). */
void tfb_report_print_devices(const tfb_results *results, FILE *out);
/* HTML: the ceilings table, the chart (each cell against its row's median, one series per column; `marked`, rows x
 * columns, may be NULL: the cells drawn as outliers) and the per-benchmark table. */
void tfb_columns_html(const tfb_columns *c, const unsigned char *marked, FILE *out);
/* Text escaped for HTML and XML (control characters dropped). */
void tfb_html_escape(FILE *out, const char *text);
/* The chart alone, as an inline SVG element. */
void tfb_columns_svg(const tfb_columns *c, const unsigned char *marked, FILE *out);

#endif
