/* Internal to the report: the roofline chart's drawing state, shared by report_chart.c (axes and coordinates),
 * report_svg.c (the plot) and report_svg_parts.c (legend, labels, key). */
#ifndef TFBENCH_HOST_REPORT_CHART_H
#define TFBENCH_HOST_REPORT_CHART_H

#include <stdio.h>
#include "tfbench/report.h"

#define CHART_WIDTH 1060.0
#define PLOT_LEFT 78.0
#define PLOT_TOP 48.0
#define PLOT_WIDTH 680.0
#define PLOT_HEIGHT 520.0
#define LEGEND_LEFT 790.0
#define FONT_SIZE 11.0
#define CHAR_WIDTH (0.60 * FONT_SIZE)  /* DejaVu Sans / Arial average advance, for label collision checks */
#define MAX_SUITES 24
#define CHART_PI 3.14159265358979323846
#define CHART_LECTURE_DECODE_INTENSITY 2.0  /* the lecture's batch-1 decode figure (FLOP/byte) */

typedef struct chart_box {
    double x0, y0, x1, y1;
    int is_line;              /* a piece of a roof line: crossable by a label as a last resort */
} chart_box;

typedef struct chart {
    FILE *out;
    const tfb_report_data *data;
    tfb_chart_axes axes;
    chart_box *boxes;         /* areas labels must not cover: markers and labels placed so far */
    size_t box_count, box_capacity;
    int out_of_memory;
    int lines_crossable;      /* set while placing last-resort labels */
    const char *suites[MAX_SUITES];
    const char *suite_colors[MAX_SUITES];
    size_t suite_count;
    int *numbered;            /* per point: 1 when only its number fits on the chart (listed in the key) */
    int *series_labeled;      /* per point: 1 when its series' name is on the chart (the point then shows its shape) */
    int *same_spot;           /* per point: how many later points of its suite share its spot; -1: shares an
                               * earlier one's (labeled with it) */
    double height;            /* canvas height, grown by the legend and the key */
} chart;

double chart_x(const chart *c, double intensity);
double chart_y(const chart *c, double gflops);
/* Where a point's marker is drawn (compute-only points sit on the right edge). */
void chart_point_xy(const chart *c, const tfb_report_point *p, double *x, double *y);
/* Colors by suite: a fixed palette for the known suites, the others in order of appearance. */
void chart_assign_colors(chart *c);
const char *chart_suite_color(const chart *c, const char *suite);

void chart_escape(FILE *out, const char *text);
void chart_add_box(chart *c, double x0, double y0, double x1, double y1);
void chart_add_line_box(chart *c, double x0, double y0, double x1, double y1);
/* First candidate box (x, y = text baseline start, width w) inside the plot and free of other boxes, or -1. */
int chart_place(chart *c, const double (*candidates)[2], size_t count, double w, double h);
void chart_text(chart *c, double x, double y, const char *anchor, const char *attrs, const char *text);
/* A label of `text` rotated to angle_deg, centred on (x, y); registered as an obstacle unless it collides (then -1). */
int chart_rotated_label(chart *c, double x, double y, double angle_deg, const char *fill, const char *text);

/* Both points in one named series of one suite: drawn as one connected line. */
int chart_same_series(const tfb_report_point *a, const tfb_report_point *b);
void chart_marker(FILE *out, const char *impl, double x, double y, const char *color, int hollow);
/* Labels the compute-only points (first pass, before the roof labels) or all the others (second pass). */
void chart_point_labels(chart *c, int compute_only);
void chart_legend(chart *c);
void chart_key(chart *c);

/* report_layer.c: the decoder-layer section of the HTML report (nothing when the results hold no layer case). */
void report_layer_section(FILE *out, const tfb_report_data *d);
/* report_moe.c: the mixture-of-experts batch curve (nothing without MoE decode cases). */
void report_moe_section(FILE *out, const tfb_report_data *d);

#endif
