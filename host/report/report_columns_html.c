/* Devices or fleet ranks side by side, drawn: the ceilings one line per column (terminal and HTML), a chart with one
 * series per column (each benchmark's throughput against the median of the columns), the per-benchmark table. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_chart.h"
#include "tfbench/report_columns.h"
#include "tfbench/results_schema.h"

#define SERIES_COLORED 10  /* columns past this are drawn grey: a fleet of hundreds has no palette */
#define PER_COLUMN_TABLE_MAX 16  /* wider fleets get the per-benchmark summary instead of one cell per rank */

static const char *const SERIES_COLORS[SERIES_COLORED] = {"#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b",
                                                          "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#393b79"};

static const struct { const char *key, *title, *unit; } CEILINGS[] = {
    {TFB_KEY_BANDWIDTH_GBPS, "r+w", "GB/s"},        {TFB_KEY_BANDWIDTH_READ_GBPS, "read", "GB/s"},
    {TFB_KEY_PEAK_GFLOPS_FP32, "fp32", "GFLOP/s"},  {TFB_KEY_PEAK_GFLOPS_FP64, "fp64", "GFLOP/s"},
    {TFB_KEY_PEAK_GFLOPS_FP16, "fp16", "GFLOP/s"},  {TFB_KEY_RIDGE_FP32, "ridge", "FLOP/B"},
};
#define CEILING_COUNT (sizeof CEILINGS / sizeof *CEILINGS)

static const char *series_color(size_t column)
{
    return column < SERIES_COLORED ? SERIES_COLORS[column] : "#b0b0b0";
}

static void format_ceiling(const cJSON *ceilings, size_t i, char *out, size_t size)
{
    double value = tfb_json_number(ceilings, CEILINGS[i].key, 0);
    if (value > 0) snprintf(out, size, value >= 100 ? "%.0f" : "%.3g", value);
    else snprintf(out, size, "-");
}

void tfb_columns_print_ceilings(const tfb_columns *c, FILE *out)
{
    fprintf(out, "%-8s %-32s", "", "device");
    for (size_t i = 0; i < CEILING_COUNT; i++) fprintf(out, " %9s", CEILINGS[i].title);
    fprintf(out, "\n%-8s %-32s", "", "");
    for (size_t i = 0; i < CEILING_COUNT; i++) fprintf(out, " %9s", CEILINGS[i].unit);
    fputc('\n', out);
    for (size_t j = 0; j < c->column_count; j++) {
        fprintf(out, "%-8.8s %-32.32s", c->columns[j].label, c->columns[j].device);
        for (size_t i = 0; i < CEILING_COUNT; i++) {
            char value[32];
            format_ceiling(c->columns[j].ceilings, i, value, sizeof value);
            fprintf(out, " %9s", c->columns[j].failed ? "failed" : value);
        }
        fputc('\n', out);
    }
}

void tfb_report_print_devices(const tfb_results *results, FILE *out)
{
    tfb_columns c;
    tfb_error err = {{0}};
    cJSON *root = tfb_results_to_json(results);
    if (root && tfb_columns_from_devices(&c, root, &err) == TFB_OK) {
        fputs("\nDevices side by side (bandwidth read+write and read-only, peaks, fp32 ridge):\n", out);
        tfb_columns_print_ceilings(&c, out);
        tfb_columns_free(&c);
    }
    cJSON_Delete(root);
}

/* ---- the chart ---- */

typedef struct columns_chart {
    FILE *out;
    const tfb_columns *c;
    const unsigned char *marked;
    double *median;           /* per row */
    double span;              /* the y axis runs over 2^-span .. 2^span times the median */
    double step;              /* x distance between two benchmarks */
    double width, height;
} columns_chart;

#define CC_LEFT 64.0
#define CC_TOP 30.0
#define CC_PLOT_HEIGHT 300.0
#define CC_STEP 22.0
#define CC_MIN_PLOT_WIDTH 440.0

static double cc_x(const columns_chart *cc, size_t row) { return CC_LEFT + cc->step * (0.5 + (double)row); }

static double cc_y(const columns_chart *cc, double ratio)
{
    double l = log2(ratio);
    if (l > cc->span) l = cc->span;
    if (l < -cc->span) l = -cc->span;
    return CC_TOP + CC_PLOT_HEIGHT * (0.5 - l / (2 * cc->span));
}

/* Whole powers of two that hold every cell, at least 2x and at most 16x either way (beyond: drawn at the edge). */
static double chart_span(const tfb_columns *c, const double *median)
{
    double most = 1.0;
    for (size_t r = 0; r < c->row_count; r++)
        for (size_t j = 0; median[r] > 0 && j < c->column_count; j++)
            if (c->state[r * c->column_count + j] == TFB_CELL_MEASURED)
                most = fmax(most, fabs(log2(c->rate[r * c->column_count + j] / median[r])));
    return fmin(4.0, ceil(most));
}

static void cc_axes(columns_chart *cc)
{
    double right = CC_LEFT + cc->step * (double)cc->c->row_count;
    fprintf(cc->out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" stroke=\"#888\"/>\n",
            CC_LEFT, CC_TOP, right - CC_LEFT, CC_PLOT_HEIGHT);
    for (int e = -(int)cc->span; e <= (int)cc->span; e++) {
        double y = cc_y(cc, pow(2.0, e));
        fprintf(cc->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>\n", CC_LEFT, y, right, y,
                e == 0 ? "#444" : "#e4e4e4");
        fprintf(cc->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%gx</text>\n", CC_LEFT - 6,
                y + 4, pow(2.0, e));
    }
    for (size_t r = 0; r < cc->c->row_count; r++)
        fprintf(cc->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%zu</text>\n",
                cc_x(cc, r), CC_TOP + CC_PLOT_HEIGHT + 14, r + 1);
    fprintf(cc->out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"middle\" transform=\"rotate(-90 14 "
            "%.1f)\" >throughput / median</text>\n", 14.0, CC_TOP + CC_PLOT_HEIGHT / 2,
            CC_TOP + CC_PLOT_HEIGHT / 2);
}

/* One column's series: its measured cells joined where consecutive rows both have one. */
static void cc_series(columns_chart *cc, size_t j)
{
    const tfb_columns *c = cc->c;
    const char *color = series_color(j);
    for (size_t r = 0; r < c->row_count; r++) {
        size_t cell = r * c->column_count + j, next = cell + c->column_count;
        if (c->state[cell] != TFB_CELL_MEASURED || !(cc->median[r] > 0)) continue;
        double x = cc_x(cc, r), y = cc_y(cc, c->rate[cell] / cc->median[r]);
        if (r + 1 < c->row_count && c->state[next] == TFB_CELL_MEASURED && cc->median[r + 1] > 0)
            fprintf(cc->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                    "stroke-width=\"1.2\"/>\n", x, y, cc_x(cc, r + 1), cc_y(cc, c->rate[next] / cc->median[r + 1]),
                    color);
        fprintf(cc->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\"><title>", x, y, color);
        chart_escape(cc->out, c->columns[j].label);
        fputs(": ", cc->out);
        chart_escape(cc->out, c->rows[r].name);
        fprintf(cc->out, " %.4g %s (%.2fx the median)</title></circle>\n", c->rate[cell], c->rows[r].unit,
                c->rate[cell] / cc->median[r]);
        if (cc->marked && cc->marked[cell])
            fprintf(cc->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"7\" fill=\"none\" stroke=\"#d62728\" "
                    "stroke-width=\"2\"/>\n", x, y);
    }
}

static void cc_legend(columns_chart *cc)
{
    double y = CC_TOP + CC_PLOT_HEIGHT + 36;
    size_t shown = cc->c->column_count < SERIES_COLORED ? cc->c->column_count : SERIES_COLORED;
    for (size_t j = 0; j < shown; j++, y += 16) {
        fprintf(cc->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\" "
                "font-size=\"11\">", CC_LEFT + 4, y - 4, series_color(j), CC_LEFT + 14, y);
        chart_escape(cc->out, cc->c->columns[j].label);
        fputs(": ", cc->out);
        chart_escape(cc->out, cc->c->columns[j].device);
        fputs("</text>\n", cc->out);
    }
    if (cc->c->column_count > shown)
        fprintf(cc->out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\">the other %zu in grey</text>\n", CC_LEFT + 14, y,
                cc->c->column_count - shown);
    if (cc->marked)
        fprintf(cc->out, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"11\" fill=\"#d62728\">red ring: an outlier (slower "
                "than the fleet median beyond the rule)</text>\n", CC_LEFT + 14, y + 16);
}

void tfb_columns_svg(const tfb_columns *c, const unsigned char *marked, FILE *out)
{
    columns_chart cc = {.out = out, .c = c, .marked = marked};
    cc.median = calloc(c->row_count ? c->row_count : 1, sizeof *cc.median);
    if (!cc.median) return;
    for (size_t r = 0; r < c->row_count; r++) cc.median[r] = tfb_columns_row_median(c, r, NULL);
    cc.span = chart_span(c, cc.median);
    size_t legend_lines = (c->column_count < SERIES_COLORED ? c->column_count : SERIES_COLORED + 1) + 2;
    cc.step = c->row_count ? fmax(CC_STEP, CC_MIN_PLOT_WIDTH / (double)c->row_count) : CC_STEP;
    cc.width = CC_LEFT + cc.step * (double)c->row_count + 20 + 200;  /* room for the legend's device names */
    cc.height = CC_TOP + CC_PLOT_HEIGHT + 40 + 16.0 * (double)legend_lines;
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
            "font-family=\"DejaVu Sans, Arial, sans-serif\">\n", cc.width, cc.height, cc.width, cc.height);
    cc_axes(&cc);
    for (size_t j = c->column_count; j-- > 0;) cc_series(&cc, j);  /* the first columns on top */
    cc_legend(&cc);
    fputs("</svg>\n", out);
    free(cc.median);
}

/* ---- HTML ---- */

void tfb_html_escape(FILE *out, const char *text)
{
    chart_escape(out, text ? text : "");
}

static void html_text(FILE *out, const char *tag, const char *text)
{
    fprintf(out, "<%s class=\"l\">", tag);
    chart_escape(out, text);
    fprintf(out, "</%s>", tag);
}

static void html_ceilings(const tfb_columns *c, FILE *out)
{
    fputs("<table>\n<tr><th class=\"l\"></th><th class=\"l\">device</th><th class=\"l\">host</th>"
          "<th class=\"l\">PCI</th>", out);
    for (size_t i = 0; i < CEILING_COUNT; i++) fprintf(out, "<th>%s %s</th>", CEILINGS[i].title, CEILINGS[i].unit);
    fputs("</tr>\n", out);
    for (size_t j = 0; j < c->column_count; j++) {
        const tfb_column *col = &c->columns[j];
        fprintf(out, "<tr><td class=\"l\"><span class=\"swatch\" style=\"background:%s\"></span>", series_color(j));
        chart_escape(out, col->label);
        fputs("</td>", out);
        html_text(out, "td", col->device);
        html_text(out, "td", col->host);
        html_text(out, "td", col->pci[0] ? col->pci : "-");
        for (size_t i = 0; i < CEILING_COUNT; i++) {
            char value[32];
            format_ceiling(col->ceilings, i, value, sizeof value);
            fprintf(out, "<td>%s</td>", col->failed ? "failed" : value);
        }
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

static void html_cell(const tfb_columns *c, const unsigned char *marked, size_t r, size_t j, double median, FILE *out)
{
    size_t cell = r * c->column_count + j;
    static const char *const NOT_MEASURED[] = {"-", "", "skipped", "WRONG"};
    if (c->state[cell] != TFB_CELL_MEASURED) {
        fprintf(out, "<td%s>%s</td>", c->state[cell] == TFB_CELL_FAILED ? " class=\"no\"" : "",
                NOT_MEASURED[c->state[cell]]);
        return;
    }
    fprintf(out, "<td%s>%.4g<br/>%+.1f%%</td>", marked && marked[cell] ? " class=\"no\"" : "", c->rate[cell],
            median > 0 ? 100.0 * (c->rate[cell] / median - 1.0) : 0.0);
}

/* One cell per column; for wide fleets the slowest and fastest column of the row instead. */
static void html_row_cells(const tfb_columns *c, const unsigned char *marked, size_t r, double median, FILE *out)
{
    if (c->column_count <= PER_COLUMN_TABLE_MAX) {
        for (size_t j = 0; j < c->column_count; j++) html_cell(c, marked, r, j, median, out);
        return;
    }
    size_t slowest = c->column_count, fastest = c->column_count;
    for (size_t j = 0; j < c->column_count; j++) {
        size_t cell = r * c->column_count + j;
        if (c->state[cell] != TFB_CELL_MEASURED) continue;
        if (slowest == c->column_count || c->rate[cell] < c->rate[r * c->column_count + slowest]) slowest = j;
        if (fastest == c->column_count || c->rate[cell] > c->rate[r * c->column_count + fastest]) fastest = j;
    }
    for (size_t k = 0; k < 2; k++) {
        size_t j = k == 0 ? slowest : fastest;
        if (j == c->column_count) fputs("<td>-</td><td>-</td>", out);
        else {
            html_text(out, "td", c->columns[j].label);
            html_cell(c, marked, r, j, median, out);
        }
    }
}

static void html_table(const tfb_columns *c, const unsigned char *marked, FILE *out)
{
    int wide = c->column_count > PER_COLUMN_TABLE_MAX;
    fputs("<table>\n<tr><th>#</th><th class=\"l\">benchmark</th><th class=\"l\">unit</th><th>median</th>", out);
    for (size_t j = 0; !wide && j < c->column_count; j++) html_text(out, "th", c->columns[j].label);
    if (wide) fputs("<th class=\"l\">slowest</th><th></th><th class=\"l\">fastest</th><th></th>", out);
    fputs("</tr>\n", out);
    for (size_t r = 0; r < c->row_count; r++) {
        double median = tfb_columns_row_median(c, r, NULL);
        fprintf(out, "<tr><td>%zu</td>", r + 1);
        html_text(out, "td", c->rows[r].name);
        html_text(out, "td", c->rows[r].unit);
        fprintf(out, "<td>%.4g</td>", median);
        html_row_cells(c, marked, r, median, out);
        fputs("</tr>\n", out);
    }
    fputs("</table>\n", out);
}

void tfb_columns_html(const tfb_columns *c, const unsigned char *marked, FILE *out)
{
    fputs("<h3>Ceilings</h3>\n", out);
    html_ceilings(c, out);
    const char *noun = c->noun ? c->noun : "column";
    fprintf(out, "<h3>Each benchmark against the median of the %ss</h3>\n<p class=\"note\">Throughput (GFLOP/s "
            "where the benchmark has FLOPs, else GB/s, else runs per second) over the median of every %s that "
            "measured it, log scale, one series per %s; the numbers are the rows of the table below.</p>\n"
            "<div class=\"chart\">\n", noun, noun, noun);
    tfb_columns_svg(c, marked, out);
    fputs("</div>\n", out);
    html_table(c, marked, out);
}
