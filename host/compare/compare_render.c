/* The verdicts of a comparison as text and as JSON: one renderer for `tfbench compare` (two files) and for
   `tfbench compare FLEET.json` (each rank against the other ranks pooled), so a reader of either learns one schema. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tfbench/compare.h"

/* ---- text ---- */

static void format_value(char *out, size_t size, double value, tfb_metric metric)
{
    static const struct { double scale; const char *unit; } TIME[] = {{1, "s"}, {1e3, "ms"}, {1e6, "us"}, {1e9, "ns"}};
    if (metric == TFB_METRIC_GFLOPS) snprintf(out, size, "%.4g GFLOP/s", value);
    else if (metric == TFB_METRIC_GBPS) snprintf(out, size, "%.4g GB/s", value);
    else {
        size_t u = 0;
        while (u + 1 < sizeof TIME / sizeof TIME[0] && value * TIME[u].scale < 1) u++;
        snprintf(out, size, "%.2f %s", value * TIME[u].scale, TIME[u].unit);
    }
}

static double rel_spread(const tfb_interval *v) { return (v->hi - v->lo) / v->median; }

int tfb_compare_pair_measured(const tfb_compare_pair *p)
{
    return p->base && p->current && p->verdict != TFB_VERDICT_SKIPPED && p->verdict != TFB_VERDICT_NO_METRIC &&
           p->verdict != TFB_VERDICT_FAILED;
}

int tfb_compare_pair_counts(const tfb_compare_pair *p)
{
    return p->verdict == TFB_VERDICT_REGRESSION || p->verdict == TFB_VERDICT_FAILED;
}

static void print_side(FILE *out, const tfb_interval *v, int known, tfb_metric metric)
{
    char text[64] = "-";
    if (known) format_value(text, sizeof text, v->median, metric);
    if (known) fprintf(out, "  %14s %6.1f%%", text, 100 * rel_spread(v));
    else fprintf(out, "  %14s %7s", text, "");
}

static const char *verdict_label(const tfb_compare_pair *p)
{
    if (p->verdict == TFB_VERDICT_REGRESSION) return "REGRESSION";
    if (p->verdict == TFB_VERDICT_NOISE) return "within noise";
    if (p->verdict == TFB_VERDICT_FAILED) return "REGRESSION: wrong result now (verified: false)";
    if (p->verdict != TFB_VERDICT_SKIPPED) return tfb_verdict_name(p->verdict);
    if (p->current->failed) return p->base->failed ? "wrong result in both" : "wrong result now";
    if (p->base->failed) return "wrong result in baseline";
    if (p->base->skipped && p->current->skipped) return "skipped in both";
    return p->base->skipped ? "skipped in baseline" : "skipped now";
}

static void print_pair(FILE *out, const tfb_compare_pair *p, tfb_metric metric, int indent, int width)
{
    int measured = tfb_compare_pair_measured(p);
    fprintf(out, "%*s%-*s", indent, "", width, p->name);
    print_side(out, &p->base_value, measured, metric);
    print_side(out, &p->current_value, measured, metric);
    if (measured) fprintf(out, "  %+8.1f%%", 100 * p->change);
    else fprintf(out, "  %9s", "");
    fprintf(out, "  %s", verdict_label(p));
    if (measured && p->method == TFB_METHOD_U_TEST)
        fprintf(out, "  (u-test p=%.2g, change %+.1f%% .. %+.1f%%", p->p_value, 100 * p->change_lo,
                100 * p->change_hi);
    else if (measured) fprintf(out, "  (spread");
    if (measured && p->rounds) fprintf(out, ", %zu of %zu rounds agree", p->rounds_agreeing, p->rounds);
    if (measured) fputc(')', out);
    fputc('\n', out);
}

void tfb_compare_print_rule(FILE *out, const tfb_compare_report *r)
{
    fprintf(out, "metric: %s (%s is better), threshold %.1f%%; a change counts only when it is beyond the noise:\n",
            tfb_metric_name(r->metric), tfb_metric_higher_is_better(r->metric) ? "higher" : "lower",
            100 * r->threshold);
    if (r->method_counts[TFB_METHOD_U_TEST])
        fprintf(out, "  u-test (%zu benchmark(s), samples in both files): Mann-Whitney U p < %g and the change's "
                     "interval beyond %.1f%%\n", r->method_counts[TFB_METHOD_U_TEST], r->alpha,
                100 * TFB_COMPARE_INTERVAL_FLOOR * r->threshold);
    if (r->method_counts[TFB_METHOD_SPREAD] || !r->method_counts[TFB_METHOD_U_TEST])
        fprintf(out, "  spread (%zu benchmark(s), no samples): the [min, max] spreads of the two runs do not overlap\n",
                r->method_counts[TFB_METHOD_SPREAD]);
}

void tfb_compare_print_rows(FILE *out, const tfb_compare_report *r, const tfb_compare_rows *rows)
{
    int width = 9;
    for (size_t i = 0; i < r->count; i++) {
        int len = (int)strlen(r->pairs[i].name);
        if ((!rows->counted_only || tfb_compare_pair_counts(&r->pairs[i])) && len > width) width = len < 60 ? len : 60;
    }
    if (rows->header)
        fprintf(out, "%*s%-*s  %14s %7s  %14s %7s  %9s  %s\n", rows->indent, "", width, "benchmark", rows->base_label,
                "spread", rows->current_label, "spread", "change", "verdict");
    for (size_t i = 0; i < r->count; i++)
        if (!rows->counted_only || tfb_compare_pair_counts(&r->pairs[i]))
            print_pair(out, &r->pairs[i], r->metric, rows->indent, width);
}

void tfb_compare_print_counts(FILE *out, const tfb_compare_report *r)
{
    fprintf(out, "%zu regression(s), %zu improvement(s), %zu unchanged, %zu within noise, %zu missing, %zu new, "
                 "%zu skipped, %zu without %s\n",
            r->counts[TFB_VERDICT_REGRESSION] + r->counts[TFB_VERDICT_FAILED], r->counts[TFB_VERDICT_IMPROVEMENT],
            r->counts[TFB_VERDICT_SAME], r->counts[TFB_VERDICT_NOISE], r->counts[TFB_VERDICT_MISSING],
            r->counts[TFB_VERDICT_NEW], r->counts[TFB_VERDICT_SKIPPED], r->counts[TFB_VERDICT_NO_METRIC],
            tfb_metric_name(r->metric));
}

/* ---- JSON ---- */

static cJSON *origin_json(const tfb_compare_origin *origin)
{
    const tfb_compare_doc *doc = origin->doc;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "file", origin->file);
    cJSON_AddStringToObject(o, "device", doc->device);
    cJSON_AddStringToObject(o, "driver", doc->driver);
    cJSON_AddStringToObject(o, "version", doc->version);
    cJSON_AddBoolToObject(o, "tfbench", doc->from_tfbench);
    return o;
}

static cJSON *value_json(const tfb_interval *v)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "median", v->median);
    cJSON_AddNumberToObject(o, "min", v->lo);
    cJSON_AddNumberToObject(o, "max", v->hi);
    cJSON_AddNumberToObject(o, "rel_spread", rel_spread(v));
    return o;
}

static cJSON *side_json(const tfb_compare_entry *entry, const tfb_interval *v, int measured)
{
    if (!entry) return cJSON_CreateNull();
    if (measured) return value_json(v);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddBoolToObject(o, "skipped", entry->skipped);
    if (entry->failed) cJSON_AddBoolToObject(o, "verified", 0);
    return o;
}

static cJSON *pair_json(const tfb_compare_pair *p)
{
    int measured = tfb_compare_pair_measured(p);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", p->name);
    cJSON_AddStringToObject(o, "verdict", tfb_verdict_name(p->verdict));
    cJSON_AddItemToObject(o, "baseline", side_json(p->base, &p->base_value, measured));
    cJSON_AddItemToObject(o, "current", side_json(p->current, &p->current_value, measured));
    if (measured) {
        cJSON_AddNumberToObject(o, "change_percent", 100 * p->change);
        cJSON_AddBoolToObject(o, "spreads_overlap", p->overlap);
        cJSON_AddStringToObject(o, "method", tfb_compare_method_name(p->method));
    }
    if (measured && p->method == TFB_METHOD_U_TEST) {
        cJSON_AddNumberToObject(o, "p_value", p->p_value);
        cJSON_AddNumberToObject(o, "change_low_percent", 100 * p->change_lo);
        cJSON_AddNumberToObject(o, "change_high_percent", 100 * p->change_hi);
    }
    if (measured && p->rounds) {
        cJSON_AddNumberToObject(o, "rounds", (double)p->rounds);
        cJSON_AddNumberToObject(o, "rounds_agreeing", (double)p->rounds_agreeing);
    }
    return o;
}

cJSON *tfb_compare_report_json(const tfb_compare_report *r, const tfb_compare_about *about)
{
    cJSON *root = cJSON_CreateObject(), *summary = cJSON_CreateObject();
    cJSON_AddItemToObject(root, "baseline", origin_json(&about->base));
    cJSON_AddItemToObject(root, "current", origin_json(&about->current));
    cJSON_AddStringToObject(root, "metric", tfb_metric_name(r->metric));
    cJSON_AddBoolToObject(root, "higher_is_better", tfb_metric_higher_is_better(r->metric));
    cJSON_AddNumberToObject(root, "threshold_percent", 100 * r->threshold);
    cJSON_AddNumberToObject(root, "alpha", r->alpha);
    cJSON_AddNumberToObject(root, "rounds", (double)about->rounds);
    cJSON_AddNumberToObject(root, "work_rescaled_benchmarks", (double)about->work_rescaled);
    cJSON *warnings = cJSON_AddArrayToObject(root, "warnings");
    for (size_t i = 0; i < about->warning_count; i++)
        cJSON_AddItemToArray(warnings, cJSON_CreateString(about->warnings[i]));
    for (int v = 0; v < TFB_VERDICT_COUNT; v++)
        cJSON_AddNumberToObject(summary, tfb_verdict_name((tfb_verdict)v), (double)r->counts[v]);
    cJSON_AddItemToObject(root, "summary", summary);
    cJSON_AddBoolToObject(root, "regression", r->counts[TFB_VERDICT_REGRESSION] + r->counts[TFB_VERDICT_FAILED] > 0);
    cJSON *list = cJSON_AddArrayToObject(root, "benchmarks");
    for (size_t i = 0; i < r->count; i++) cJSON_AddItemToArray(list, pair_json(&r->pairs[i]));
    return root;
}
