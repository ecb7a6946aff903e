/* The roofline chart (log-log, FLOP/byte vs GFLOP/s) as SVG: measured roofs and ridge points, the datasheet
 * roofline, cache-level slopes, the lecture's reference point, and every measured point, series connected. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_chart.h"

static const char *const PRECISION_NAMES[TFB_PREC_COUNT] = {"fp32", "fp64", "fp16"};
static const char *const PRECISION_DASH[TFB_PREC_COUNT] = {"none", "8 4", "2 3"};
static const char *const DATASHEET_COLOR = "#6a3d9a";
static const char *const LEVEL_COLOR = "#8a8a8a";
static const char *const READ_ROOF_COLOR = "#1f6f8b";

/* "0.01", "1", "100", "10k", "1M": decade tick labels. */
static void decade_label(int exponent, char *out, size_t size)
{
    if (exponent < 0) snprintf(out, size, "%.*f", -exponent, pow(10, exponent));
    else if (exponent < 4) snprintf(out, size, "%.0f", pow(10, exponent));
    else if (exponent < 6) snprintf(out, size, "%.0fk", pow(10, exponent - 3));
    else if (exponent < 9) snprintf(out, size, "%.0fM", pow(10, exponent - 6));
    else snprintf(out, size, "1e%d", exponent);
}

static void grid_and_ticks(chart *c)
{
    const tfb_chart_axes *a = &c->axes;
    char label[32];
    for (int e = a->x_lo; e <= a->x_hi; e++) {
        for (int m = 1; m < (e < a->x_hi ? 10 : 2); m++) {
            double x = chart_x(c, m * pow(10, e));
            fprintf(c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                    x, PLOT_TOP, x, PLOT_TOP + PLOT_HEIGHT, m == 1 ? "#d9d9d9" : "#f0f0f0");
        }
        decade_label(e, label, sizeof label);
        chart_text(c, chart_x(c, pow(10, e)), PLOT_TOP + PLOT_HEIGHT + 16, "middle", "", label);
    }
    for (int e = a->y_lo; e <= a->y_hi; e++) {
        for (int m = 1; m < (e < a->y_hi ? 10 : 2); m++) {
            double y = chart_y(c, m * pow(10, e));
            fprintf(c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"1\"/>\n",
                    PLOT_LEFT, y, PLOT_LEFT + PLOT_WIDTH, y, m == 1 ? "#d9d9d9" : "#f0f0f0");
        }
        decade_label(e, label, sizeof label);
        chart_text(c, PLOT_LEFT - 6, chart_y(c, pow(10, e)) + 4, "end", "", label);
    }
}

static void frame_and_titles(chart *c)
{
    fprintf(c->out, "<rect class=\"plot-area\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"none\" "
            "stroke=\"#333\" stroke-width=\"1\"/>\n", PLOT_LEFT, PLOT_TOP, PLOT_WIDTH, PLOT_HEIGHT);
    chart_text(c, PLOT_LEFT + PLOT_WIDTH / 2, PLOT_TOP + PLOT_HEIGHT + 40, "middle", "font-size=\"13\"",
               "Arithmetic intensity (FLOP/byte)");
    fprintf(c->out, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" font-size=\"13\" transform=\"translate(24 %.1f) "
            "rotate(-90)\">Performance (GFLOP/s)</text>\n", PLOT_TOP + PLOT_HEIGHT / 2);
    char title[320];
    snprintf(title, sizeof title, "Roofline: %s", c->data->device_name[0] ? c->data->device_name : "unknown device");
    chart_text(c, PLOT_LEFT, 28, "start", "font-size=\"16\" font-weight=\"bold\"", title);
}

/* The line min(bandwidth x I, peak) across the plot; either part may be absent (0). */
static void roof_path(chart *c, double bandwidth, double peak, const char *stroke, double width, const char *dash)
{
    double x_lo = pow(10, c->axes.x_lo), x_hi = pow(10, c->axes.x_hi);
    fprintf(c->out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"%.1f\" stroke-dasharray=\"%s\" "
            "clip-path=\"url(#tfb-plot-clip)\" d=\"", stroke, width, dash);
    if (bandwidth > 0 && peak > 0) {
        double ridge = peak / bandwidth;
        fprintf(c->out, "M%.1f %.1f L%.1f %.1f L%.1f %.1f", chart_x(c, x_lo), chart_y(c, bandwidth * x_lo),
                chart_x(c, ridge), chart_y(c, peak), chart_x(c, x_hi), chart_y(c, peak));
    } else if (bandwidth > 0) {
        fprintf(c->out, "M%.1f %.1f L%.1f %.1f", chart_x(c, x_lo), chart_y(c, bandwidth * x_lo), chart_x(c, x_hi),
                chart_y(c, bandwidth * x_hi));
    } else {
        fprintf(c->out, "M%.1f %.1f L%.1f %.1f", chart_x(c, x_lo), chart_y(c, peak), chart_x(c, x_hi), chart_y(c, peak));
    }
    fprintf(c->out, "\"/>\n");
}

static void format_rate(double value, const char *unit, char *out, size_t size)
{
    if (value >= 1e4) snprintf(out, size, "%.0f T%s", value / 1e3, unit);
    else if (value >= 1e3) snprintf(out, size, "%.1f T%s", value / 1e3, unit);
    else snprintf(out, size, "%.3g G%s", value, unit);
}

/* A label along the slope bandwidth x I, tried at several places between where the slope enters the plot and
 * `end_intensity`, above the line. */
static void slope_label(chart *c, double bandwidth, double end_intensity, const char *fill, const char *text)
{
    double entry = fmax(c->axes.x_lo, c->axes.y_lo - log10(bandwidth));
    double end = fmin(log10(end_intensity), c->axes.x_hi);
    if (end <= entry) return;
    double decade_x = PLOT_WIDTH / (c->axes.x_hi - c->axes.x_lo), decade_y = PLOT_HEIGHT / (c->axes.y_hi - c->axes.y_lo);
    double angle = -atan2(decade_y, decade_x);
    static const double SPOTS[] = {0.45, 0.3, 0.6, 0.2, 0.75, 0.1};
    for (size_t i = 0; i < sizeof SPOTS / sizeof *SPOTS; i++) {
        double lx = entry + SPOTS[i] * (end - entry), intensity = pow(10, lx);
        double x = chart_x(c, intensity) + 8 * sin(angle), y = chart_y(c, bandwidth * intensity) - 8 * cos(angle);
        if (chart_rotated_label(c, x, y, angle * 180 / CHART_PI, fill, text) == 0) return;
    }
}

/* The roof's label sits on the flat part, just right of the ridge, above the line when it fits. */
static void roof_label(chart *c, double bandwidth, double peak, const char *fill, const char *text)
{
    double w = strlen(text) * CHAR_WIDTH, y = chart_y(c, peak), right = PLOT_LEFT + PLOT_WIDTH - 24 - w;
    double x = bandwidth > 0 ? fmax(chart_x(c, peak / bandwidth) + 10, PLOT_LEFT + 6) : PLOT_LEFT + 6;
    double left = x - 20 - w;  /* left of the kink, above the slope: usually empty */
    const double spots[][2] = {{x, y - 5},     {x, y + 14},     {right, y - 5},   {right, y + 14},   {x + 60, y - 5},
                               {x + 60, y + 14}, {left, y - 18}, {left, y - 32},  {left - 40, y - 5}, {x, y - 19}};
    size_t count = sizeof spots / sizeof *spots;
    int at = chart_place(c, spots, count, w, FONT_SIZE);
    if (at < 0) {
        c->lines_crossable = 1;
        at = chart_place(c, spots, count, w, FONT_SIZE);
        c->lines_crossable = 0;
    }
    if (at >= 0) {
        char attrs[64];
        snprintf(attrs, sizeof attrs, "fill=\"%s\"", fill);
        chart_text(c, spots[at][0], spots[at][1], "start", attrs, text);
    }
}

/* A cache level within 5% of the measured bandwidth is that slope already (usually main memory). */
static int level_drawn(const tfb_report_data *d, const tfb_report_level *l)
{
    return !(d->bandwidth_gbps > 0) || fabs(l->bandwidth_gbps / d->bandwidth_gbps - 1) >= 0.05;
}

/* The line min(bandwidth x I, peak) as small boxes, so later labels do not cross it; a negative peak: the slope
 * alone, up to -peak. */
static void roof_obstacles(chart *c, double bandwidth, double peak)
{
    for (double x = PLOT_LEFT; x <= PLOT_LEFT + PLOT_WIDTH; x += 2) {
        double intensity = pow(10, c->axes.x_lo + (x - PLOT_LEFT) / PLOT_WIDTH * (c->axes.x_hi - c->axes.x_lo));
        double gflops = bandwidth > 0 ? bandwidth * intensity : fabs(peak);
        if (peak < 0 && gflops > -peak) break;  /* a slope ending at the roof */
        if (peak > 0 && gflops > peak) gflops = peak;
        double y = chart_y(c, gflops);
        if (y >= PLOT_TOP && y <= PLOT_TOP + PLOT_HEIGHT) chart_add_line_box(c, x - 1.5, y - 2, x + 1.5, y + 2);
    }
}

static void all_roof_obstacles(chart *c)
{
    const tfb_report_data *d = c->data;
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) {
        if (d->peak_gflops[prec] > 0) roof_obstacles(c, d->bandwidth_gbps, d->peak_gflops[prec]);
        if (d->datasheet_name && prec != TFB_PREC_FP64 && d->datasheet_gflops[prec] > 0)
            roof_obstacles(c, d->datasheet_bandwidth_gbps, d->datasheet_gflops[prec]);
    }
    if (d->bandwidth_gbps > 0) roof_obstacles(c, d->bandwidth_gbps, d->peak_gflops[TFB_PREC_FP32]);
    if (d->bandwidth_read_gbps > 0) roof_obstacles(c, d->bandwidth_read_gbps, d->peak_gflops[TFB_PREC_FP32]);
    for (size_t i = 0; i < d->level_count; i++)
        if (level_drawn(d, &d->levels[i])) roof_obstacles(c, d->levels[i].bandwidth_gbps, -d->peak_gflops[TFB_PREC_FP32]);
}

static void ridge_marker(chart *c, int prec, double ridge, double peak)
{
    double x = chart_x(c, ridge), y = chart_y(c, peak);
    char text[64];
    snprintf(text, sizeof text, "ridge %s %.3g FLOP/B", PRECISION_NAMES[prec], ridge);
    if (prec == TFB_PREC_FP32)
        fprintf(c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#222\" stroke-width=\"1\" "
                "stroke-dasharray=\"3 3\"/>\n", x, y, x, PLOT_TOP + PLOT_HEIGHT);
    fprintf(c->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"#fff\" stroke=\"#222\" stroke-width=\"1.5\"/>\n", x, y);
    chart_add_box(c, x - 5, y - 5, x + 5, y + 5);
    double w = strlen(text) * CHAR_WIDTH;
    const double spots[][2] = {{x + 7, y + 16}, {x - w - 7, y - 7}, {x + 7, y + 30}, {x + 7, y + 44},
                               {x - w - 7, y - 21}, {x + 7, y - 7}, {x - w - 7, y + 16}};
    int at = chart_place(c, spots, sizeof spots / sizeof *spots, w, FONT_SIZE);
    if (at < 0) at = 0;  /* the ridge's value is the chart's point: shown even where it overlaps */
    chart_text(c, spots[at][0], spots[at][1], "start", "font-weight=\"bold\"", text);
}

static void measured_roofs(chart *c)
{
    const tfb_report_data *d = c->data;
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++)
        if (d->peak_gflops[prec] > 0)
            roof_path(c, d->bandwidth_gbps, d->peak_gflops[prec], "#222", prec == TFB_PREC_FP32 ? 2.2 : 1.6,
                      PRECISION_DASH[prec]);
    if (d->bandwidth_gbps > 0 && !(d->peak_gflops[TFB_PREC_FP32] > 0) && !(d->peak_gflops[TFB_PREC_FP64] > 0))
        roof_path(c, d->bandwidth_gbps, 0, "#222", 2.2, "none");
    if (d->bandwidth_read_gbps > 0)
        roof_path(c, d->bandwidth_read_gbps, d->peak_gflops[TFB_PREC_FP32], READ_ROOF_COLOR, 1.8, "none");
}

/* "memory 39.3 GB/s" along a bandwidth slope, up to where it meets the fp32 roof. */
static void bandwidth_label(chart *c, double bandwidth, const char *what, const char *fill)
{
    char text[128], rate[32];
    if (!(bandwidth > 0)) return;
    format_rate(bandwidth, "B/s", rate, sizeof rate);
    snprintf(text, sizeof text, "%s %s", what, rate);
    double peak = c->data->peak_gflops[TFB_PREC_FP32];
    slope_label(c, bandwidth, peak > 0 ? peak / bandwidth : pow(10, c->axes.x_hi), fill, text);
}

/* The read-write slope ("memory"), and the read-only one ("read") that GEMV and decode points are judged against. */
static void measured_slope_labels(chart *c)
{
    bandwidth_label(c, c->data->bandwidth_gbps, "memory", "#222");
    bandwidth_label(c, c->data->bandwidth_read_gbps, "read", READ_ROOF_COLOR);
}

static void measured_roof_labels(chart *c)
{
    const tfb_report_data *d = c->data;
    char text[128], rate[32];
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) {
        if (!(d->peak_gflops[prec] > 0)) continue;
        format_rate(d->peak_gflops[prec], "FLOP/s", rate, sizeof rate);
        snprintf(text, sizeof text, "%s peak %s", PRECISION_NAMES[prec], rate);
        roof_label(c, d->bandwidth_gbps, d->peak_gflops[prec], "#222", text);
    }
}

static void ridge_markers(chart *c)
{
    const tfb_report_data *d = c->data;
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++)
        if (d->peak_gflops[prec] > 0 && d->bandwidth_gbps > 0)
            ridge_marker(c, prec, d->peak_gflops[prec] / d->bandwidth_gbps, d->peak_gflops[prec]);
}

/* A cache level's slope, up to the fp32 roof (the roof itself is drawn once, as measured). */
static void level_path(chart *c, double bandwidth, double peak)
{
    double x_lo = pow(10, c->axes.x_lo), x_end = peak > 0 ? peak / bandwidth : pow(10, c->axes.x_hi);
    fprintf(c->out, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.2\" stroke-dasharray=\"5 3\" "
            "clip-path=\"url(#tfb-plot-clip)\" d=\"M%.1f %.1f L%.1f %.1f\"/>\n", LEVEL_COLOR, chart_x(c, x_lo),
            chart_y(c, bandwidth * x_lo), chart_x(c, x_end), chart_y(c, bandwidth * x_end));
}

static void level_slopes(chart *c)
{
    const tfb_report_data *d = c->data;
    double peak = d->peak_gflops[TFB_PREC_FP32];
    char text[128], rate[32];
    for (size_t i = 0; i < d->level_count; i++) {
        const tfb_report_level *l = &d->levels[i];
        if (!level_drawn(d, l)) continue;
        level_path(c, l->bandwidth_gbps, peak);
        format_rate(l->bandwidth_gbps, "B/s", rate, sizeof rate);
        snprintf(text, sizeof text, "%s %s", l->name[0] ? l->name : "level", rate);
        slope_label(c, l->bandwidth_gbps, peak > 0 ? peak / l->bandwidth_gbps : pow(10, c->axes.x_hi), LEVEL_COLOR,
                    text);
    }
}

static int datasheet_has(const tfb_report_data *d, int prec)
{
    return d->datasheet_name && prec != TFB_PREC_FP64 && d->datasheet_gflops[prec] > 0;
}

/* The datasheet's roofs (fp32 and the fp16 matrix rate) and slope; labeled after the measured ones. */
static void datasheet_roofs(chart *c)
{
    const tfb_report_data *d = c->data;
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++)
        if (datasheet_has(d, prec))
            roof_path(c, d->datasheet_bandwidth_gbps, d->datasheet_gflops[prec], DATASHEET_COLOR, 1.4, "10 3 2 3");
}

static void datasheet_labels(chart *c)
{
    const tfb_report_data *d = c->data;
    if (!d->datasheet_name) return;
    char text[160], rate[32];
    double bandwidth = d->datasheet_bandwidth_gbps;
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) {
        if (!datasheet_has(d, prec)) continue;
        format_rate(d->datasheet_gflops[prec], "FLOP/s", rate, sizeof rate);
        snprintf(text, sizeof text, "datasheet %s %s%s", PRECISION_NAMES[prec], rate,
                 prec == TFB_PREC_FP16 ? " (matrix)" : "");
        roof_label(c, bandwidth, d->datasheet_gflops[prec], DATASHEET_COLOR, text);
    }
}

static void datasheet_slope_label(chart *c)
{
    const tfb_report_data *d = c->data;
    if (!d->datasheet_name) return;
    char text[160], rate[32];
    double bandwidth = d->datasheet_bandwidth_gbps;
    format_rate(bandwidth, "B/s", rate, sizeof rate);
    snprintf(text, sizeof text, "datasheet %s %s", d->datasheet_name, rate);
    double peak = fmax(d->datasheet_gflops[TFB_PREC_FP32], d->datasheet_gflops[TFB_PREC_FP16]);
    slope_label(c, bandwidth, peak > 0 ? peak / bandwidth : pow(10, c->axes.x_hi), DATASHEET_COLOR, text);
}

/* The lecture's batch-1 decode intensity: a vertical line, labeled along it where it is free, else across. */
static void lecture_reference(chart *c)
{
    double x = chart_x(c, CHART_LECTURE_DECODE_INTENSITY);
    fprintf(c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#b22222\" stroke-width=\"1\" "
            "stroke-dasharray=\"1 3\"/>\n", x, PLOT_TOP, x, PLOT_TOP + PLOT_HEIGHT);
    const char *text = "lecture: batch-1 decode \xe2\x89\x88 2 FLOP/B";
    double length = (strlen(text) - 2) * CHAR_WIDTH, half = 0.5 * length;
    static const double FROM_TOP[] = {0.0, 0.3, 0.6, 1.0};
    for (size_t i = 0; i < sizeof FROM_TOP / sizeof *FROM_TOP; i++) {
        double y = PLOT_TOP + 6 + half + FROM_TOP[i] * (PLOT_HEIGHT - 12 - 2 * half);
        if (chart_rotated_label(c, x + 9, y, -90, "#b22222", text) == 0) return;
        if (chart_rotated_label(c, x - 5, y, -90, "#b22222", text) == 0) return;
    }
    const double spots[][2] = {{x + 5, PLOT_TOP + 16}, {x - 5 - length, PLOT_TOP + 16}, {x + 5, PLOT_TOP + PLOT_HEIGHT - 8},
                               {x - 5 - length, PLOT_TOP + PLOT_HEIGHT - 8}, {x + 5, PLOT_TOP + 30}};
    int at = chart_place(c, spots, sizeof spots / sizeof *spots, length, FONT_SIZE);
    if (at < 0) at = 0;
    chart_text(c, spots[at][0], spots[at][1], "start", "fill=\"#b22222\"", text);
}

static int point_order(const void *a, const void *b)
{
    const tfb_report_point *p = *(const tfb_report_point *const *)a, *q = *(const tfb_report_point *const *)b;
    if (p->intensity != q->intensity) return p->intensity < q->intensity ? -1 : 1;
    return p->gflops < q->gflops ? -1 : p->gflops > q->gflops;
}

/* One polyline per series (suite + series name) of two or more plotted points, in order of intensity. */
static void series_lines(chart *c, const tfb_report_point **members)
{
    const tfb_report_data *d = c->data;
    for (size_t i = 0; i < d->count; i++) {
        const tfb_report_point *first = &d->points[i];
        if (first->kind != TFB_POINT_PLOTTED || !first->series[0]) continue;
        size_t n = 0, j;
        for (j = 0; j < i && !(d->points[j].kind == TFB_POINT_PLOTTED && chart_same_series(&d->points[j], first)); j++) {}
        if (j < i) continue;  /* drawn with its first member */
        for (j = i; j < d->count; j++)
            if (d->points[j].kind == TFB_POINT_PLOTTED && chart_same_series(&d->points[j], first)) members[n++] = &d->points[j];
        if (n < 2) continue;
        qsort(members, n, sizeof *members, point_order);
        fprintf(c->out, "<polyline class=\"series\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" "
                "stroke-opacity=\"0.8\" points=\"", chart_suite_color(c, first->suite));
        for (j = 0; j < n; j++) fprintf(c->out, "%s%.1f,%.1f", j ? " " : "", chart_x(c, members[j]->intensity),
                                        chart_y(c, members[j]->gflops));
        fprintf(c->out, "\"/>\n");
    }
}

static void point_markers(chart *c)
{
    const tfb_report_data *d = c->data;
    for (size_t i = 0; i < d->count; i++) {
        const tfb_report_point *p = &d->points[i];
        if (p->kind == TFB_POINT_NONE) continue;
        double x, y;
        chart_point_xy(c, p, &x, &y);
        fprintf(c->out, "<g class=\"pt\" data-n=\"%d\" data-intensity=\"%.6g\" data-gflops=\"%.6g\"><title>#%d ",
                p->number, p->intensity, p->gflops, p->number);
        chart_escape(c->out, p->name);
        if (p->kind == TFB_POINT_COMPUTE_ONLY) fprintf(c->out, ": %.4g GFLOP/s, no memory traffic", p->gflops);
        else fprintf(c->out, ": %.4g GFLOP/s at %.4g FLOP/B, %.4g GB/s", p->gflops, p->intensity, p->gbytes_per_second);
        if (p->roofline_fraction >= 0) fprintf(c->out, ", %.0f%% of roofline", 100 * p->roofline_fraction);
        fprintf(c->out, "%s</title>", p->cache_resident ? " (cache-resident)" : "");
        /* hollow marks a cache-resident memory figure; a compute-only point has none */
        chart_marker(c->out, p->impl, x, y, chart_suite_color(c, p->suite),
                     p->cache_resident && p->kind == TFB_POINT_PLOTTED);
        fprintf(c->out, "</g>\n");
    }
}

static void add_marker_boxes(chart *c)
{
    for (size_t i = 0; i < c->data->count; i++) {
        const tfb_report_point *p = &c->data->points[i];
        if (p->kind == TFB_POINT_NONE) continue;
        double x, y;
        chart_point_xy(c, p, &x, &y);
        chart_add_box(c, x - 5.5, y - 5.5, x + 5.5, y + 5.5);
    }
}

static void draw(chart *c, const tfb_report_point **members)
{
    fprintf(c->out, "<defs><clipPath id=\"tfb-plot-clip\"><rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>"
            "</clipPath></defs>\n", PLOT_LEFT, PLOT_TOP, PLOT_WIDTH, PLOT_HEIGHT);
    fprintf(c->out, "<rect x=\"0\" y=\"0\" width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
    chart_assign_colors(c);
    grid_and_ticks(c);
    frame_and_titles(c);
    add_marker_boxes(c);
    datasheet_roofs(c);
    level_slopes(c);
    measured_roofs(c);
    measured_slope_labels(c);
    datasheet_slope_label(c);
    all_roof_obstacles(c);
    ridge_markers(c);
    chart_point_labels(c, 1);  /* points pinned to the right edge have the fewest places for a label */
    measured_roof_labels(c);
    datasheet_labels(c);
    lecture_reference(c);
    series_lines(c, members);
    point_markers(c);
    chart_point_labels(c, 0);
    chart_legend(c);
    chart_key(c);
}

int tfb_report_svg(const tfb_report_data *data, char **svg, tfb_error *err)
{
    char *body = NULL, *text = NULL;
    size_t body_length = 0, length = 0;
    chart c = {.data = data, .height = PLOT_TOP + PLOT_HEIGHT + 58};
    tfb_chart_axes_compute(data, &c.axes);
    c.numbered = calloc(data->count + 1, sizeof *c.numbered);
    c.same_spot = calloc(data->count + 1, sizeof *c.same_spot);
    c.series_labeled = calloc(data->count + 1, sizeof *c.series_labeled);
    const tfb_report_point **members = calloc(data->count + 1, sizeof *members);
    c.out = open_memstream(&body, &body_length);
    if (c.numbered && c.same_spot && c.series_labeled && members && c.out) {
        draw(&c, members);
        fclose(c.out);
    }
    FILE *out = body ? open_memstream(&text, &length) : NULL;
    if (out) {
        fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"tfb-roofline\" width=\"%.0f\" height=\"%.0f\" "
                "viewBox=\"0 0 %.0f %.0f\" font-family=\"DejaVu Sans, Arial, Helvetica, sans-serif\" "
                "font-size=\"%.0f\">\n<title>Roofline chart</title>\n%s</svg>\n",
                CHART_WIDTH, c.height, CHART_WIDTH, c.height, FONT_SIZE, body);
        fclose(out);
    }
    int failed = !c.numbered || !c.same_spot || !c.series_labeled || !members || !c.out || !out || c.out_of_memory;
    free(body);
    free(c.numbered);
    free(c.same_spot);
    free(c.series_labeled);
    free(members);
    free(c.boxes);
    if (failed) {
        free(text);
        return tfb_fail(err, "out of memory drawing the roofline chart");
    }
    *svg = text;
    return TFB_OK;
}
