/* The report's serving section (docs/serving.md), drawn from context.serving alone: aggregate tokens/s against the
 * batch with the memory walls as vertical lines, and attention's share of a decode step against the context with
 * the crossovers, measured points over tfbench model's predicted lines, in the lecture's two pictures' form. */
#include <math.h>
#include <string.h>
#include "report_chart.h"
#include "tfbench/results.h"

enum { SVG_W = 760, SVG_H = 400 };
#define P_LEFT 76.0
#define P_TOP 28.0
#define P_W 600.0
#define P_H 300.0

/* A plot with a log2 x axis and a linear y axis. */
typedef struct plot {
    FILE *out;
    double lx0, lx1;          /* log2 of the x range */
    double y0, y1;
} plot;

static double px(const plot *p, double x)
{
    return P_LEFT + P_W * (log2(x) - p->lx0) / (p->lx1 - p->lx0);
}

static double py(const plot *p, double y)
{
    return P_TOP + P_H * (1.0 - (y - p->y0) / (p->y1 - p->y0));
}

static double num(const cJSON *o, const char *key)
{
    return tfb_json_number(o, key, 0.0);
}

/* 1, 2 or 5 times a power of ten, near a fifth of `top`. */
static double nice_step(double top)
{
    double raw = top / 5.0, power = pow(10.0, floor(log10(raw)));
    double m = raw / power;
    return (m < 1.5 ? 1.0 : m < 3.5 ? 2.0 : 5.0) * power;
}

static void axes(const plot *p, const char *x_label, const char *y_label, int percent)
{
    FILE *out = p->out;
    fprintf(out, "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n",
            P_LEFT, P_TOP, P_W, P_H);
    int first = (int)ceil(p->lx0), last = (int)floor(p->lx1), every = (last - first) / 12 + 1;
    for (int e = first; e <= last; e += every) {
        double x = px(p, pow(2.0, e));
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#eee\"/>\n", x, P_TOP, x,
                P_TOP + P_H);
        fprintf(out, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\">%.0f</text>\n", x,
                P_TOP + P_H + 15, pow(2.0, e));
    }
    double step = nice_step(p->y1 - p->y0);
    for (double y = p->y0; y <= p->y1 + step * 1e-9; y += step) {
        fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#eee\"/>\n", P_LEFT, py(p, y),
                P_LEFT + P_W, py(p, y));
        fprintf(out, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%.4g%s</text>\n", P_LEFT - 6,
                py(p, y) + 4, percent ? 100 * y : y, percent ? "%" : "");
    }
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\">", P_LEFT + P_W / 2,
            P_TOP + P_H + 34);
    chart_escape(out, x_label);
    fprintf(out, "</text>\n<text x=\"16\" y=\"%.0f\" font-size=\"12\" text-anchor=\"middle\" "
            "transform=\"rotate(-90 16 %.0f)\">", P_TOP + P_H / 2, P_TOP + P_H / 2);
    chart_escape(out, y_label);
    fputs("</text>\n", out);
}

static void line_of(const plot *p, const cJSON *list, const char *x_key, const char *y_key, const char *style)
{
    const cJSON *o;
    fputs("<polyline fill=\"none\" points=\"", p->out);
    cJSON_ArrayForEach(o, list)
    {
        double x = num(o, x_key), y = num(o, y_key);
        if (x > 0 && log2(x) >= p->lx0 - 1e-9 && log2(x) <= p->lx1 + 1e-9)
            fprintf(p->out, "%.1f,%.1f ", px(p, x), py(p, y));
    }
    fprintf(p->out, "\" %s/>\n", style);
}

static void points_of(const plot *p, const cJSON *list, const char *x_key, const char *y_key, const char *color)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, list)
    {
        double x = num(o, x_key), y = num(o, y_key);
        if (!(x > 0) || !cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(o, y_key))) continue;
        fprintf(p->out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" fill=\"%s\" stroke=\"#000\"><title>%.0f: %.4g"
                "</title></circle>\n", px(p, x), py(p, y), color, x, y);
    }
}

static void vertical(const plot *p, double x, const char *style, const char *label, int row)
{
    if (!(x > 0) || log2(x) < p->lx0 || log2(x) > p->lx1) return;
    fprintf(p->out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" %s/>\n", px(p, x), P_TOP, px(p, x),
            P_TOP + P_H, style);
    int right = px(p, x) > P_LEFT + 0.7 * P_W;  /* labels of lines near the right edge run leftwards */
    fprintf(p->out, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"%s\">", px(p, x) + (right ? -3 : 3),
            P_TOP + 12 + 12 * row, right ? "end" : "start");
    chart_escape(p->out, label);
    fputs("</text>\n", p->out);
}

/* A key line: a point (dash NULL), a line (dash "none": solid) or nothing (color NULL), then its text. */
static void key_entry(FILE *out, int row, const char *color, const char *dash, const char *text)
{
    double y = P_TOP + P_H + 52 + 14 * row;
    if (!dash)
        fprintf(out, "<circle cx=\"%.0f\" cy=\"%.0f\" r=\"4.5\" fill=\"%s\" stroke=\"#000\"/>\n", P_LEFT + 12, y,
                color);
    else if (color)
        fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" stroke=\"%s\" stroke-width=\"2\" "
                "stroke-dasharray=\"%s\"/>\n", P_LEFT, y, P_LEFT + 24, y, color, dash);
    fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">", P_LEFT + 30, y + 4);
    chart_escape(out, text);
    fputs("</text>\n", out);
}

static void svg_open(FILE *out, int key_rows)
{
    fprintf(out, "<div class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
            "font-family=\"DejaVu Sans,Arial,sans-serif\">\n", SVG_W, SVG_H + 14 * key_rows);
}

static void range_of(const cJSON *list, const char *key, double *lo, double *hi)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, list)
    {
        double v = num(o, key);
        if (v > 0) *lo = fmin(*lo, v), *hi = fmax(*hi, v);
    }
}

static void batch_chart(FILE *out, const cJSON *s)
{
    const cJSON *curve = cJSON_GetObjectItemCaseSensitive(s, "batch_curve");
    const cJSON *predicted = cJSON_GetObjectItemCaseSensitive(s, "predicted_batch_curve");
    const cJSON *walls = cJSON_GetObjectItemCaseSensitive(s, "memory_wall"), *w;
    double lo = 1, hi = 2, ylo = INFINITY, yhi = 0;
    range_of(curve, "batch", &lo, &hi);
    range_of(walls, "max_batch", &lo, &hi);
    range_of(curve, "tokens_per_s", &ylo, &yhi);
    range_of(curve, "bound_tokens_per_s", &ylo, &yhi);
    double measured_hi = 1;
    range_of(curve, "batch", &lo, &measured_hi);
    const cJSON *o;
    cJSON_ArrayForEach(o, predicted) if (num(o, "batch") <= 2 * measured_hi) yhi = fmax(yhi, num(o, "tokens_per_s"));
    plot p = {.out = out, .lx0 = 0, .lx1 = ceil(log2(hi * 1.2)), .y0 = 0, .y1 = yhi > 0 ? yhi * 1.1 : 1};
    svg_open(out, 4);
    axes(&p, "batch (sequences decoded together)", "aggregate tokens/s", 0);
    cJSON *near = cJSON_CreateArray();  /* the predicted line where this device was measured */
    cJSON_ArrayForEach(o, predicted) if (num(o, "batch") <= 2 * measured_hi)
        cJSON_AddItemToArray(near, cJSON_Duplicate(o, 1));
    line_of(&p, near, "batch", "tokens_per_s", "stroke=\"#1f77b4\" stroke-width=\"2\"");
    cJSON_Delete(near);
    line_of(&p, curve, "batch", "bound_tokens_per_s", "stroke=\"#2ca02c\" stroke-dasharray=\"4 3\"");
    points_of(&p, curve, "batch", "tokens_per_s", "#d62728");
    int row = 0;
    cJSON_ArrayForEach(w, walls)
    {
        if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(w, "weights_fit")) || num(w, "max_batch") < 1) continue;
        char label[96];
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(w, "device");
        snprintf(label, sizeof label, "wall %.24s: %.0f", cJSON_IsString(name) ? name->valuestring : "?",
                 num(w, "max_batch"));
        vertical(&p, num(w, "max_batch"), "stroke=\"#555\" stroke-dasharray=\"6 3\"", label, row++ % 8);
    }
    key_entry(out, 0, "#d62728", NULL, "measured: layers x time per layer + the output head");
    key_entry(out, 1, "#2ca02c", "4 3",
              "bound of each point: bytes / its bracketed read bandwidth, or FLOPs / the fp32 peak");
    key_entry(out, 2, "#1f77b4", "none", "tfbench model with this run's read bandwidth and peak");
    key_entry(out, 3, "#555", "6 3",
              "memory wall: the largest batch whose weights + KV cache fit 90% of the device's memory");
    fputs("</svg></div>\n", out);
}

static void context_chart(FILE *out, const cJSON *s)
{
    const cJSON *curve = cJSON_GetObjectItemCaseSensitive(s, "context_curve");
    const cJSON *predicted = cJSON_GetObjectItemCaseSensitive(s, "predicted_context_curve");
    double lo = INFINITY, hi = 0;
    range_of(curve, "seq", &lo, &hi);
    lo = fmin(lo, 256);
    hi = fmax(hi, fmax(num(s, "crossover_seq_predicted"), num(s, "crossover_seq_lecture")) * 2);
    double roofline = num(s, "crossover_seq_roofline");  /* 0 (null) without the run's fp32 peak */
    plot p = {.out = out, .lx0 = floor(log2(lo)), .lx1 = ceil(log2(hi)), .y0 = 0, .y1 = 1};
    svg_open(out, roofline > 0 ? 5 : 4);
    axes(&p, "context n (tokens in the KV cache), batch 1", "attention / (attention + FFN)", 1);
    fprintf(out, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#999\" stroke-dasharray=\"2 2\"/>\n",
            P_LEFT, py(&p, 0.5), P_LEFT + P_W, py(&p, 0.5));
    line_of(&p, predicted, "seq", "attention_share", "stroke=\"#1f77b4\" stroke-width=\"2\"");
    line_of(&p, predicted, "seq", "lecture_attention_share", "stroke=\"#ff7f0e\" stroke-dasharray=\"5 3\"");
    if (roofline > 0)
        line_of(&p, predicted, "seq", "roofline_attention_share", "stroke=\"#2ca02c\" stroke-dasharray=\"1 2\" "
                                                                  "stroke-width=\"2\"");
    points_of(&p, curve, "seq", "attention_share", "#d62728");
    char label[64];
    snprintf(label, sizeof label, "measured %.0f", num(s, "crossover_seq_measured"));
    vertical(&p, num(s, "crossover_seq_measured"), "stroke=\"#d62728\"", label, 0);
    snprintf(label, sizeof label, "bytes %.0f", num(s, "crossover_seq_predicted"));
    vertical(&p, num(s, "crossover_seq_predicted"), "stroke=\"#1f77b4\" stroke-dasharray=\"6 3\"", label, 1);
    snprintf(label, sizeof label, "lecture %.0f", num(s, "crossover_seq_lecture"));
    vertical(&p, num(s, "crossover_seq_lecture"), "stroke=\"#ff7f0e\" stroke-dasharray=\"2 3\"", label, 2);
    key_entry(out, 0, "#d62728", NULL,
              "measured: (Q/K/V/O projections + attention) time / (that + the FFN's), profiling events");
    key_entry(out, 1, "#1f77b4", "none", "predicted in bytes: weights and KV cache read (GQA-aware), the run's dtypes");
    key_entry(out, 2, "#ff7f0e", "5 3", "the lecture's FLOPs (8d^2 + 4nd against 6 d d_ff, every layer MHA)");
    snprintf(label, sizeof label, "roofline %.0f", roofline);
    vertical(&p, roofline, "stroke=\"#2ca02c\" stroke-dasharray=\"1 2\"", label, 3);
    key_entry(out, 3, NULL, "", "vertical lines: where each passes 50% (the crossover)");
    if (roofline > 0)
        key_entry(out, 4, "#2ca02c", "1 2", "predicted in roofline time: per op max(bytes / read bandwidth, FLOPs / "
                                            "fp32 peak), this run's ceilings");
    fputs("</svg></div>\n", out);
}

static void wall_notes(FILE *out, const cJSON *s)
{
    const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(s, "memory_wall"), 0);
    if (!first || cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(first, "weights_fit"))) return;
    fprintf(out, "<p class=\"note\">The whole model does not fit this device: %.2f GB of weights against %.2f GB "
            "usable (90%% of %.2f GB). The walls drawn are the datasheet devices'; the points were measured one layer "
            "at a time.</p>\n", num(first, "weight_bytes") / 1e9, num(first, "usable_bytes") / 1e9,
            num(first, "memory_bytes") / 1e9);
}

void report_serving_section(FILE *out, const tfb_report_data *d)
{
    const cJSON *s = cJSON_GetObjectItemCaseSensitive(d->context, "serving");
    if (!cJSON_IsObject(s)) return;
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(s, "model");
    fputs("<h2>Serving: ", out);
    chart_escape(out, cJSON_IsString(model) ? model->valuestring : "?");
    fputs("</h2>\n", out);
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "batch_curve")) > 1) {
        fputs("<h3>Batch against throughput</h3>\n<p class=\"note\">A decode step reads the weights once for the "
              "whole batch, so aggregate tokens/s grows with the batch until the KV cache of the batch no longer "
              "fits beside the weights (the memory wall).</p>\n", out);
        wall_notes(out, s);
        batch_chart(out, s);
    }
    if (cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(s, "context_curve")) > 1) {
        fputs("<h3>When attention dominates</h3>\n<p class=\"note\">Attention's share of a batch-1 decode step grows "
              "with the context, as its KV cache read does, and passes the FFN's at the crossover.</p>\n", out);
        context_chart(out, s);
    }
}
