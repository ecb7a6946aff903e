/* The report's mixture-of-experts batch curve, drawn from context.ceilings.layer.moe_batch_curve (the layer suite's
 * MoE decode cases): tokens/s of the model's layers at each batch, measured, beside two bounds at each case's own
 * bracketed read bandwidth: the bytes of the experts the step touched, and a dense model of the same active size
 * (whose weights per step do not grow with the batch). The gap between the two bounds is "memory still scales with
 * total parameters"; bytes per token are in the table under it. Absent without such cases. */
#include <math.h>
#include <string.h>
#include "report_chart.h"
#include "tfbench/results.h"
#include "tfbench/results_schema.h"

enum { CURVE_WIDTH = 720, CURVE_HEIGHT = 360, MARGIN_LEFT = 70, MARGIN_BOTTOM = 44, MARGIN_TOP = 16,
       MARGIN_RIGHT = 230 };

typedef struct curve_axes {
    double x_lo, x_hi, y_lo, y_hi;  /* log2 batch, log10 tokens/s */
} curve_axes;

static const char *const SERIES[] = {"tokens_per_second", "bound_tokens_per_second", "dense_bound_tokens_per_second"};
static const char *const SERIES_NAMES[] = {"measured", "bound: experts touched", "bound: dense, same active size"};
static const char *const SERIES_STYLE[] = {"stroke=\"#1f77b4\" stroke-width=\"2\"",
                                           "stroke=\"#d62728\" stroke-dasharray=\"6 4\"",
                                           "stroke=\"#2ca02c\" stroke-dasharray=\"2 3\""};

static double px(const curve_axes *a, double batch)
{
    double span = a->x_hi > a->x_lo ? a->x_hi - a->x_lo : 1.0;
    return MARGIN_LEFT + (log2(batch) - a->x_lo) / span * (CURVE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT);
}

static double py(const curve_axes *a, double rate)
{
    double span = a->y_hi > a->y_lo ? a->y_hi - a->y_lo : 1.0;
    return CURVE_HEIGHT - MARGIN_BOTTOM - (log10(rate) - a->y_lo) / span * (CURVE_HEIGHT - MARGIN_BOTTOM - MARGIN_TOP);
}

static void find_axes(const cJSON *curve, curve_axes *a)
{
    const cJSON *o;
    *a = (curve_axes){INFINITY, -INFINITY, INFINITY, -INFINITY};
    cJSON_ArrayForEach(o, curve) {
        double b = tfb_json_number(o, "batch", 0);
        if (b > 0) a->x_lo = fmin(a->x_lo, log2(b)), a->x_hi = fmax(a->x_hi, log2(b));
        for (int s = 0; s < 3; s++) {
            double v = tfb_json_number(o, SERIES[s], 0);
            if (v > 0) a->y_lo = fmin(a->y_lo, log10(v)), a->y_hi = fmax(a->y_hi, log10(v));
        }
    }
    a->y_lo = floor(a->y_lo), a->y_hi = ceil(a->y_hi);
    if (a->y_hi <= a->y_lo) a->y_hi = a->y_lo + 1;
}

static void draw_axes(FILE *out, const curve_axes *a)
{
    double bottom = CURVE_HEIGHT - MARGIN_BOTTOM, right = CURVE_WIDTH - MARGIN_RIGHT;
    fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" stroke=\"#999\"/>\n",
            MARGIN_LEFT, MARGIN_TOP, right - MARGIN_LEFT, bottom - MARGIN_TOP);
    for (double e = a->x_lo; e <= a->x_hi + 1e-9; e += 1)
        fprintf(out, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%.0f</text>\n",
                px(a, pow(2, e)), bottom + 14, pow(2, e));
    for (double e = a->y_lo; e <= a->y_hi + 1e-9; e += 1)
        fprintf(out, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%g</text>\n", MARGIN_LEFT - 4,
                py(a, pow(10, e)) + 4, pow(10, e));
    fprintf(out, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"12\">batch (sequences per decode "
            "step)</text>\n", (MARGIN_LEFT + right) / 2, CURVE_HEIGHT - 8);
    fprintf(out, "<text x=\"14\" y=\"%.1f\" font-size=\"12\" transform=\"rotate(-90 14 %.1f)\" text-anchor=\"middle\">"
            "tokens/s (the layers)</text>\n", (bottom + MARGIN_TOP) / 2, (bottom + MARGIN_TOP) / 2);
}

/* One series as a polyline over the points of one dtype, in batch order as the suite ran them. */
static void draw_series(FILE *out, const cJSON *curve, const curve_axes *a, int s, const char *dtype)
{
    const cJSON *o;
    fprintf(out, "<polyline fill=\"none\" %s points=\"", SERIES_STYLE[s]);
    cJSON_ArrayForEach(o, curve) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "dtype");
        double b = tfb_json_number(o, "batch", 0), v = tfb_json_number(o, SERIES[s], 0);
        if (b > 0 && v > 0 && cJSON_IsString(t) && strcmp(t->valuestring, dtype) == 0)
            fprintf(out, "%.1f,%.1f ", px(a, b), py(a, v));
    }
    fputs("\"/>\n", out);
}

static void draw_legend(FILE *out)
{
    double x = CURVE_WIDTH - MARGIN_RIGHT + 10;
    for (int s = 0; s < 3; s++) {
        double y = MARGIN_TOP + 14 + 18 * s;
        fprintf(out, "<line x1=\"%.0f\" y1=\"%.0f\" x2=\"%.0f\" y2=\"%.0f\" %s/>", x, y - 4, x + 22, y - 4,
                SERIES_STYLE[s]);
        fprintf(out, "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%s</text>\n", x + 26, y, SERIES_NAMES[s]);
    }
}

static void curve_table(FILE *out, const cJSON *curve)
{
    const cJSON *o;
    fputs("<table>\n<tr><th class=\"l\">case</th><th>experts touched</th><th>expected E(1-(1-k/E)^B)</th>"
          "<th>tokens/s</th><th>GB per token</th><th>GB per token, dense same active</th><th>bound</th>"
          "<th>dense bound</th></tr>\n", out);
    cJSON_ArrayForEach(o, curve) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
        fputs("<tr><td class=\"l\">", out);
        chart_escape(out, cJSON_IsString(name) ? name->valuestring : "?");
        fprintf(out, "</td><td>%.2f</td><td>%.2f</td><td>%.3g</td><td>%.3g</td><td>%.3g</td><td>%.3g</td>"
                "<td>%.3g</td></tr>\n", tfb_json_number(o, "experts_touched_mean", 0),
                tfb_json_number(o, "experts_expected", 0), tfb_json_number(o, "tokens_per_second", 0),
                tfb_json_number(o, "bytes_per_token", 0) / 1e9,
                tfb_json_number(o, "bytes_per_token_dense_equivalent", 0) / 1e9,
                tfb_json_number(o, "bound_tokens_per_second", 0),
                tfb_json_number(o, "dense_bound_tokens_per_second", 0));
    }
    fputs("</table>\n", out);
}

void report_moe_section(FILE *out, const tfb_report_data *d)
{
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(d->context, TFB_KEY_CEILINGS);
    const cJSON *layer = cJSON_GetObjectItemCaseSensitive(ceilings, "layer");
    const cJSON *curve = cJSON_GetObjectItemCaseSensitive(layer, "moe_batch_curve"), *o;
    if (!cJSON_IsArray(curve) || cJSON_GetArraySize(curve) == 0) return;
    curve_axes a;
    find_axes(curve, &a);
    if (!isfinite(a.x_lo) || !isfinite(a.y_lo)) return;
    fputs("<h3>Mixture of experts by batch</h3>\n<p class=\"note\">Decode tokens/s of the model's layers (time per "
          "layer x layers) at each batch, against the bound from the experts each step touched and the bound of a "
          "dense model of the same active size, both at the case's own bracketed read bandwidth.</p>\n", out);
    fprintf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\">\n",
            CURVE_WIDTH, CURVE_HEIGHT);
    draw_axes(out, &a);
    const char *dtypes[2] = {"fp16", "fp32"};
    for (int t = 0; t < 2; t++)
        for (int s = 0; s < 3; s++) draw_series(out, curve, &a, s, dtypes[t]);
    cJSON_ArrayForEach(o, curve) {
        double b = tfb_json_number(o, "batch", 0), v = tfb_json_number(o, "tokens_per_second", 0);
        if (b > 0 && v > 0)
            fprintf(out, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#1f77b4\"/>\n", px(&a, b), py(&a, v));
    }
    draw_legend(out);
    fputs("</svg>\n", out);
    curve_table(out, curve);
}
