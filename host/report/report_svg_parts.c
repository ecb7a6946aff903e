/* Pieces of the roofline chart: text and label placement (labels never cover markers or other labels), markers,
 * suite colors, the legend, and the key of points labeled only by their number. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_chart.h"

/* Known suites keep their color from run to run; others take the fallback colors in order of appearance. */
static const struct { const char *suite, *color; } SUITE_PALETTE[] = {
    {"stream", "#1f77b4"},    {"peak", "#5f5f5f"},   {"gemv", "#ff7f0e"},   {"gemm", "#2ca02c"},
    {"attention", "#d62728"}, {"intensity", "#9467bd"}, {"cache", "#8c564b"}, {"native", "#e377c2"},
};
static const char *const FALLBACK_COLORS[] = {"#17becf", "#bcbd22", "#393b79", "#ad494a", "#637939", "#843c39",
                                              "#7b4173", "#3182bd"};
#define LABEL_CHARS 34
#define LEGEND_CHARS 38
#define KEY_CHARS 70

void chart_escape(FILE *out, const char *text)
{
    for (; *text; text++) {
        switch (*text) {
        case '<': fputs("&lt;", out); break;
        case '>': fputs("&gt;", out); break;
        case '&': fputs("&amp;", out); break;
        case '"': fputs("&quot;", out); break;
        case '\'': fputs("&#39;", out); break;
        default:
            if ((unsigned char)*text >= 0x20 || *text == '\t') fputc(*text, out);  /* control chars are not XML */
        }
    }
}

void chart_assign_colors(chart *c)
{
    size_t fallback = 0;
    for (size_t i = 0; i < c->data->count && c->suite_count < MAX_SUITES; i++) {
        const char *suite = c->data->points[i].suite;
        size_t j;
        for (j = 0; j < c->suite_count && strcmp(c->suites[j], suite) != 0; j++) {}
        if (j < c->suite_count || c->data->points[i].kind == TFB_POINT_NONE) continue;
        const char *color = NULL;
        for (size_t k = 0; k < sizeof SUITE_PALETTE / sizeof *SUITE_PALETTE; k++)
            if (strcmp(SUITE_PALETTE[k].suite, suite) == 0) color = SUITE_PALETTE[k].color;
        if (!color) color = FALLBACK_COLORS[fallback++ % (sizeof FALLBACK_COLORS / sizeof *FALLBACK_COLORS)];
        c->suites[c->suite_count] = suite;
        c->suite_colors[c->suite_count++] = color;
    }
}

const char *chart_suite_color(const chart *c, const char *suite)
{
    for (size_t i = 0; i < c->suite_count; i++)
        if (strcmp(c->suites[i], suite) == 0) return c->suite_colors[i];
    return "#444444";
}

static void add_box(chart *c, chart_box box)
{
    if (c->box_count == c->box_capacity) {
        size_t capacity = c->box_capacity ? 2 * c->box_capacity : 128;
        chart_box *grown = realloc(c->boxes, capacity * sizeof *grown);
        if (!grown) {
            c->out_of_memory = 1;
            return;
        }
        c->boxes = grown;
        c->box_capacity = capacity;
    }
    c->boxes[c->box_count++] = box;
}

void chart_add_box(chart *c, double x0, double y0, double x1, double y1)
{
    add_box(c, (chart_box){x0, y0, x1, y1, 0});
}

void chart_add_line_box(chart *c, double x0, double y0, double x1, double y1)
{
    add_box(c, (chart_box){x0, y0, x1, y1, 1});
}

static int box_free(const chart *c, chart_box b)
{
    if (b.x0 < PLOT_LEFT + 2 || b.x1 > PLOT_LEFT + PLOT_WIDTH - 2 || b.y0 < PLOT_TOP + 2 ||
        b.y1 > PLOT_TOP + PLOT_HEIGHT - 2)
        return 0;
    for (size_t i = 0; i < c->box_count; i++) {
        const chart_box *o = &c->boxes[i];
        if (o->is_line && c->lines_crossable) continue;
        if (b.x0 < o->x1 && o->x0 < b.x1 && b.y0 < o->y1 && o->y0 < b.y1) return 0;
    }
    return 1;
}

int chart_place(chart *c, const double (*candidates)[2], size_t count, double w, double h)
{
    for (size_t i = 0; i < count; i++) {
        chart_box b = {candidates[i][0] - 1, candidates[i][1] - h, candidates[i][0] + w + 1, candidates[i][1] + 3, 0};
        if (!box_free(c, b)) continue;
        chart_add_box(c, b.x0, b.y0, b.x1, b.y1);
        return (int)i;
    }
    return -1;
}

void chart_text(chart *c, double x, double y, const char *anchor, const char *attrs, const char *text)
{
    fprintf(c->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" %s>", x, y, anchor, attrs);
    chart_escape(c->out, text);
    fprintf(c->out, "</text>\n");
}

/* A rotated label as a chain of small boxes along its baseline (one axis-aligned box would cover far more). */
static size_t rotated_boxes(double x, double y, double length, double angle, chart_box *boxes, size_t max)
{
    size_t count = (size_t)ceil(length / 10);
    if (count > max) count = max;
    double half_x = 5 * fabs(cos(angle)) + 0.5 * FONT_SIZE * fabs(sin(angle));
    double half_y = 5 * fabs(sin(angle)) + 0.5 * FONT_SIZE * fabs(cos(angle));
    for (size_t i = 0; i < count; i++) {
        double t = -0.5 * length + (i + 0.5) * length / (double)count;
        double cx = x + t * cos(angle), cy = y + t * sin(angle);
        boxes[i] = (chart_box){cx - half_x, cy - half_y, cx + half_x, cy + half_y, 0};
    }
    return count;
}

int chart_rotated_label(chart *c, double x, double y, double angle_deg, const char *fill, const char *text)
{
    chart_box boxes[64];
    size_t count = rotated_boxes(x, y, strlen(text) * CHAR_WIDTH, angle_deg * CHART_PI / 180, boxes, 64);
    for (size_t i = 0; i < count; i++)
        if (!box_free(c, boxes[i])) return -1;
    for (size_t i = 0; i < count; i++) add_box(c, boxes[i]);
    fprintf(c->out, "<text x=\"0\" y=\"0\" text-anchor=\"middle\" fill=\"%s\" transform=\"translate(%.1f %.1f) "
            "rotate(%.1f) translate(0 %.1f)\">", fill, x, y, angle_deg, FONT_SIZE * 0.35);
    chart_escape(c->out, text);
    fprintf(c->out, "</text>\n");
    return 0;
}

void chart_marker(FILE *out, const char *impl, double x, double y, const char *color, int hollow)
{
    char paint[96];
    if (hollow) snprintf(paint, sizeof paint, "fill=\"#fff\" stroke=\"%s\" stroke-width=\"1.8\"", color);
    else snprintf(paint, sizeof paint, "fill=\"%s\" stroke=\"#fff\" stroke-width=\"0.8\"", color);
    if (strcmp(impl, "clblast") == 0)
        fprintf(out, "<rect x=\"%.1f\" y=\"%.1f\" width=\"8.5\" height=\"8.5\" %s/>", x - 4.25, y - 4.25, paint);
    else if (strcmp(impl, "openblas") == 0)
        fprintf(out, "<path d=\"M%.1f %.1f l5.5 5.5 l-5.5 5.5 l-5.5 -5.5 z\" %s/>", x, y - 5.5, paint);
    else if (impl[0] && strcmp(impl, "tfbench") != 0)
        fprintf(out, "<path d=\"M%.1f %.1f l5 8.7 l-10 0 z\" %s/>", x, y - 5.8, paint);
    else
        fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" %s/>", x, y, paint);
}

/* Copies at most `chars` bytes of text, ending on a character boundary, with "..." when cut. */
static void clip_text(const char *text, size_t chars, char *out, size_t size)
{
    size_t length = strlen(text);
    if (length <= chars) {
        snprintf(out, size, "%s", text);
        return;
    }
    size_t cut = chars - 3;
    while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80) cut--;
    snprintf(out, size, "%.*s...", (int)cut, text);
}

int chart_same_series(const tfb_report_point *a, const tfb_report_point *b)
{
    return a->series_id >= 0 && a->series_id == b->series_id;  /* indexed once by tfb_report_data_load */
}

/* "suite shape [dtype] [impl]"; the suite is left out when the point's series is labeled already. */
static void point_label_text(const tfb_report_point *p, int in_labeled_series, char *out, size_t size)
{
    char full[512];
    int impl_shown = p->impl[0] && strcmp(p->impl, "tfbench") != 0 && !in_labeled_series;
    snprintf(full, sizeof full, "%s%s%s%s%s%s%s", in_labeled_series ? "" : p->suite, in_labeled_series ? "" : " ",
             p->shape[0] ? p->shape : p->name,
             strcmp(p->dtype, "fp32") != 0 ? " " : "", strcmp(p->dtype, "fp32") != 0 ? p->dtype : "",
             impl_shown ? " " : "", impl_shown ? p->impl : "");
    clip_text(full, LABEL_CHARS, out, size);
}

/* Candidate spots around a marker, nearest first; points on the right edge try the left side first. */
static int place_label(chart *c, double x, double y, const char *text, const char *attrs, int left_first, int force)
{
    double w = strlen(text) * CHAR_WIDTH, r = x + 8, l = x - 8 - w;
    double near = left_first ? l : r, far = left_first ? r : l;
    const double spots[][2] = {{near, y + 4},       {far, y + 4},        {x + 5, y - 8},       {x + 5, y + 16},
                               {x - 5 - w, y - 8},  {x - 5 - w, y + 16}, {near, y - 17},       {near, y + 25},
                               {far, y - 17},       {far, y + 25},       {x - w / 2, y - 10},  {x - w / 2, y + 18}};
    size_t count = sizeof spots / sizeof *spots;
    int at = chart_place(c, spots, count, w, FONT_SIZE);
    if (at < 0 && !force) return -1;
    if (at < 0) {  /* a label may cross a line, never another label or a marker */
        c->lines_crossable = 1;
        at = chart_place(c, spots, count, w, FONT_SIZE);
        c->lines_crossable = 0;
    }
    chart_text(c, at >= 0 ? spots[at][0] : near, at >= 0 ? spots[at][1] : y + 4, "start", attrs, text);
    return 0;
}

/* Points of one suite drawn within a few pixels of each other share one label ("... (+3 more)"). */
static void find_shared_spots(chart *c)
{
    const tfb_report_data *d = c->data;
    for (size_t i = 0; i < d->count; i++) {
        if (d->points[i].kind == TFB_POINT_NONE) continue;
        double x, y;
        chart_point_xy(c, &d->points[i], &x, &y);
        for (size_t j = 0; j < i; j++) {
            double xj, yj;
            if (d->points[j].kind == TFB_POINT_NONE || c->same_spot[j] < 0 ||
                strcmp(d->points[j].suite, d->points[i].suite) != 0)
                continue;
            chart_point_xy(c, &d->points[j], &xj, &yj);
            if (fabs(x - xj) > 3 || fabs(y - yj) > 3) continue;
            c->same_spot[j]++;
            c->same_spot[i] = -1;
            break;
        }
    }
}

/* The member of point i's series drawn furthest right (the series label goes there), and the series' size. */
static size_t series_end(const chart *c, size_t i, size_t *size)
{
    const tfb_report_point *points = c->data->points;
    size_t end = i;
    *size = 0;
    for (size_t j = 0; j < c->data->count; j++) {
        if (points[j].kind != TFB_POINT_PLOTTED || !chart_same_series(&points[i], &points[j])) continue;
        (*size)++;
        if (points[j].intensity > points[end].intensity ||
            (points[j].intensity == points[end].intensity && points[j].gflops > points[end].gflops))
            end = j;
    }
    return end;
}

/* Pixels between the series' extreme points: a series drawn on one spot needs no name. */
static double series_span(const chart *c, size_t i)
{
    double x0 = INFINITY, y0 = INFINITY, x1 = -INFINITY, y1 = -INFINITY;
    for (size_t j = 0; j < c->data->count; j++) {
        const tfb_report_point *p = &c->data->points[j];
        if (p->kind != TFB_POINT_PLOTTED || !chart_same_series(&c->data->points[i], p)) continue;
        double x, y;
        chart_point_xy(c, p, &x, &y);
        x0 = fmin(x0, x), x1 = fmax(x1, x), y0 = fmin(y0, y), y1 = fmax(y1, y);
    }
    return fmax(x1 - x0, y1 - y0);
}

/* A series' name in italics at its right end, placed before the point labels. */
static void series_labels(chart *c)
{
    const tfb_report_data *d = c->data;
    for (size_t i = 0; i < d->count; i++) {
        size_t size, end;
        if (d->points[i].kind != TFB_POINT_PLOTTED || !d->points[i].series[0]) continue;
        end = series_end(c, i, &size);
        if (size < 2 || end != i || series_span(c, i) < 12) continue;
        double x, y;
        char text[LABEL_CHARS + 4], attrs[96];
        chart_point_xy(c, &d->points[i], &x, &y);
        clip_text(d->points[i].series, LABEL_CHARS, text, sizeof text);
        snprintf(attrs, sizeof attrs, "fill=\"%s\" font-style=\"italic\"", chart_suite_color(c, d->points[i].suite));
        if (place_label(c, x, y, text, attrs, 0, 0) != 0) continue;
        for (size_t j = 0; j < d->count; j++)
            if (d->points[j].kind == TFB_POINT_PLOTTED && chart_same_series(&d->points[i], &d->points[j]))
                c->series_labeled[j] = 1;
    }
}

/* Every drawn point gets its "suite shape" label where it fits, else its number (listed in the key). */
void chart_point_labels(chart *c, int compute_only)
{
    const tfb_report_data *d = c->data;
    if (compute_only) find_shared_spots(c);
    else series_labels(c);
    for (size_t i = 0; i < d->count; i++) {
        const tfb_report_point *p = &d->points[i];
        if (p->kind == TFB_POINT_NONE || c->same_spot[i] < 0 || (p->kind == TFB_POINT_COMPUTE_ONLY) != compute_only)
            continue;
        double x, y;
        char text[LABEL_CHARS + 32], attrs[64];
        chart_point_xy(c, p, &x, &y);
        point_label_text(p, c->series_labeled[i], text, LABEL_CHARS + 8);
        if (c->same_spot[i] > 0) snprintf(text + strlen(text), sizeof text - strlen(text), " (+%d more)", c->same_spot[i]);
        int left_first = p->kind == TFB_POINT_COMPUTE_ONLY;
        if (place_label(c, x, y, text, "fill=\"#222\"", left_first, 0) == 0) continue;
        snprintf(text, sizeof text, "%d", p->number);
        snprintf(attrs, sizeof attrs, "fill=\"%s\"", chart_suite_color(c, p->suite));
        place_label(c, x, y, text, attrs, left_first, 1);
        c->numbered[i] = 1;
    }
}

typedef struct legend {
    chart *c;
    double y;
} legend;

static void legend_heading(legend *l, const char *text)
{
    l->y += l->y > PLOT_TOP + 10 ? 8 : 0;
    chart_text(l->c, LEGEND_LEFT, l->y, "start", "font-weight=\"bold\"", text);
    l->y += 17;
}

static void legend_entry(legend *l, const char *text)
{
    char clipped[LEGEND_CHARS + 4];
    clip_text(text, LEGEND_CHARS, clipped, sizeof clipped);
    chart_text(l->c, LEGEND_LEFT + 28, l->y + 4, "start", "", clipped);
    l->y += 17;
}

static void legend_line(legend *l, const char *stroke, double width, const char *dash, const char *text)
{
    fprintf(l->c->out, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"%.1f\" "
            "stroke-dasharray=\"%s\"/>", LEGEND_LEFT, l->y, LEGEND_LEFT + 22, l->y, stroke, width, dash);
    legend_entry(l, text);
}

static int any_point(const chart *c, int (*test)(const tfb_report_point *, const char *), const char *arg)
{
    for (size_t i = 0; i < c->data->count; i++)
        if (c->data->points[i].kind != TFB_POINT_NONE && test(&c->data->points[i], arg)) return 1;
    return 0;
}

static int has_impl(const tfb_report_point *p, const char *impl)
{
    if (strcmp(impl, "other") == 0)
        return p->impl[0] && strcmp(p->impl, "tfbench") && strcmp(p->impl, "clblast") && strcmp(p->impl, "openblas");
    return strcmp(p->impl[0] ? p->impl : "tfbench", impl) == 0;
}

static int is_cache_resident(const tfb_report_point *p, const char *unused)
{
    return p->cache_resident;
}

static int is_compute_only(const tfb_report_point *p, const char *unused)
{
    return p->kind == TFB_POINT_COMPUTE_ONLY;
}

static int has_series(const tfb_report_point *p, const char *unused)
{
    return p->kind == TFB_POINT_PLOTTED && p->series[0];
}

/* "flash, omp": the implementations drawn with the generic marker. */
static void other_impls(const chart *c, char *out, size_t size)
{
    out[0] = '\0';
    for (size_t i = 0; i < c->data->count; i++) {
        const tfb_report_point *p = &c->data->points[i];
        if (p->kind == TFB_POINT_NONE || !has_impl(p, "other") || strstr(out, p->impl)) continue;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%s%s", used ? ", " : "", p->impl);
    }
}

static void legend_markers(legend *l)
{
    static const char *const IMPLS[] = {"tfbench", "clblast", "openblas", "other"};
    legend_heading(l, "Markers");
    for (size_t i = 0; i < sizeof IMPLS / sizeof *IMPLS; i++) {
        if (!any_point(l->c, has_impl, IMPLS[i])) continue;
        char names[256];
        if (i == 3) other_impls(l->c, names, sizeof names);
        chart_marker(l->c->out, IMPLS[i], LEGEND_LEFT + 11, l->y, "#555", 0);
        legend_entry(l, i == 3 ? names : IMPLS[i]);
    }
    if (any_point(l->c, is_cache_resident, NULL)) {
        chart_marker(l->c->out, "tfbench", LEGEND_LEFT + 11, l->y, "#555", 1);
        legend_entry(l, "hollow: cache-resident working set");
    }
    if (any_point(l->c, is_compute_only, NULL)) {
        fprintf(l->c->out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">\xe2\x87\xa5</text>", LEGEND_LEFT + 11,
                l->y + 4);
        legend_entry(l, "right edge: no memory traffic");
    }
}

static void legend_lines(legend *l)
{
    const tfb_report_data *d = l->c->data;
    char text[160];
    legend_heading(l, "Lines");
    if (d->peak_gflops[TFB_PREC_FP32] > 0 || d->bandwidth_gbps > 0)
        legend_line(l, "#222", 2.2, "none", "measured roofline fp32 (read+write)");
    if (d->bandwidth_read_gbps > 0) legend_line(l, "#1f6f8b", 1.8, "none", "measured read-only roof");
    if (d->peak_gflops[TFB_PREC_FP64] > 0) legend_line(l, "#222", 1.6, "8 4", "measured roofline fp64");
    if (d->peak_gflops[TFB_PREC_FP16] > 0) legend_line(l, "#222", 1.6, "2 3", "measured roofline fp16");
    if (d->level_count) legend_line(l, "#8a8a8a", 1.2, "5 3", "cache-level bandwidth");
    if (d->datasheet_name) {
        snprintf(text, sizeof text, "datasheet %s", d->datasheet_name);
        legend_line(l, "#6a3d9a", 1.4, "10 3 2 3", text);
    }
    if (any_point(l->c, has_series, NULL)) legend_line(l, "#555", 1.6, "none", "series (a sweep), connected");
    legend_line(l, "#b22222", 1.0, "1 3", "lecture's batch-1 decode figure");
}

void chart_legend(chart *c)
{
    legend l = {c, PLOT_TOP + 4};
    legend_heading(&l, "Suites");
    for (size_t i = 0; i < c->suite_count; i++) {
        fprintf(c->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" fill=\"%s\"/>", LEGEND_LEFT + 11, l.y,
                c->suite_colors[i]);
        legend_entry(&l, c->suites[i][0] ? c->suites[i] : "(no suite)");
    }
    if (c->suite_count == 0) legend_entry(&l, "no measured points");
    legend_markers(&l);
    legend_lines(&l);
    if (l.y + 10 > c->height) c->height = l.y + 10;
}

void chart_key(chart *c)
{
    size_t count = 0;
    for (size_t i = 0; i < c->data->count; i++) count += c->numbered[i];
    if (!count) return;
    double y = c->height + 6, column_width = (CHART_WIDTH - PLOT_LEFT) / 2;
    chart_text(c, PLOT_LEFT, y, "start", "font-weight=\"bold\"", "Points labeled by number:");
    size_t shown = 0;
    for (size_t i = 0; i < c->data->count; i++) {
        if (!c->numbered[i]) continue;
        const tfb_report_point *p = &c->data->points[i];
        char entry[KEY_CHARS + 32], name[KEY_CHARS + 4];
        clip_text(p->name, KEY_CHARS - 16, name, sizeof name);
        if (c->same_spot[i] > 0) snprintf(entry, sizeof entry, "%d  %s (+%d more)", p->number, name, c->same_spot[i]);
        else snprintf(entry, sizeof entry, "%d  %s", p->number, name);
        double x = PLOT_LEFT + (double)(shown % 2) * column_width, row_y = y + 17 + (double)(shown / 2) * 16;
        chart_text(c, x, row_y, "start", "", entry);
        shown++;
    }
    c->height = y + 17 + (double)((shown + 1) / 2) * 16 + 4;
}
