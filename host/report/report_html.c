/* The HTML report: one self-contained file (inline chart and style, no scripts, no network), written as
 * well-formed XHTML so both an XML and an HTML parser accept it. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report_chart.h"
#include "tfbench/report_columns.h"
#include "tfbench/results_schema.h"

static const char *const STYLE =
    "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;margin:24px auto;max-width:1100px;color:#222;"
    "line-height:1.4;padding:0 12px}"
    "h1{margin-bottom:0}h2{border-bottom:1px solid #ccc;margin-top:32px}.sub{color:#666;margin-top:4px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top;white-space:nowrap}"
    "th{background:#f3f3f3}td.l,th.l{text-align:left}td.l{white-space:normal}tr.skip td{color:#888}"
    ".no{color:#b00;font-weight:bold}.note{color:#555;font-size:13px}.chart{overflow-x:auto}"
    ".swatch{display:inline-block;width:10px;height:10px;border-radius:5px;margin-right:6px}"
    ".big{font-size:20px;font-weight:bold}";

const char *tfb_report_style(void)
{
    return STYLE;
}

static void put_escaped(FILE *out, const char *text)
{
    chart_escape(out, text ? text : "");
}

static void cell_text(FILE *out, const char *text)
{
    fputs("<td class=\"l\">", out);
    put_escaped(out, text);
    fputs("</td>", out);
}

static void format_bytes(double bytes, char *out, size_t size)
{
    if (bytes >= 1024.0 * 1024 * 1024) snprintf(out, size, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    else if (bytes >= 1024.0 * 1024) snprintf(out, size, "%.1f MiB", bytes / (1024.0 * 1024));
    else if (bytes >= 1024) snprintf(out, size, "%.0f KiB", bytes / 1024);
    else snprintf(out, size, "%.0f B", bytes);
}

static void format_seconds(double seconds, char *out, size_t size)
{
    if (!(seconds > 0)) snprintf(out, size, "-");
    else if (seconds >= 1) snprintf(out, size, "%.3f s", seconds);
    else if (seconds >= 1e-3) snprintf(out, size, "%.3f ms", seconds * 1e3);
    else snprintf(out, size, "%.1f us", seconds * 1e6);
}

static void format_value(double value, char *out, size_t size)
{
    if (!(value > 0) || !isfinite(value)) snprintf(out, size, "-");
    else if (value >= 100) snprintf(out, size, "%.0f", value);
    else if (value >= 10) snprintf(out, size, "%.1f", value);
    else snprintf(out, size, "%.3g", value);
}

static void cell_number(FILE *out, double value)
{
    char text[48];
    format_value(value, text, sizeof text);
    fprintf(out, "<td>%s</td>", text);
}

/* A key/value table of an object's scalar members (sizes in *_bytes keys shown in KiB/MiB/GiB). */
static void object_table(FILE *out, const cJSON *obj, const char *skip_key)
{
    const cJSON *item;
    fputs("<table>\n", out);
    cJSON_ArrayForEach(item, obj) {
        if (cJSON_IsObject(item) || cJSON_IsArray(item) || (skip_key && strcmp(item->string, skip_key) == 0)) continue;
        char value[64];
        fputs("<tr><th class=\"l\">", out);
        put_escaped(out, item->string);
        fputs("</th>", out);
        size_t key_length = strlen(item->string);
        if (cJSON_IsString(item)) {
            cell_text(out, item->valuestring);
            fputs("</tr>\n", out);
            continue;
        }
        if (cJSON_IsBool(item)) snprintf(value, sizeof value, "%s", cJSON_IsTrue(item) ? "yes" : "no");
        else if (cJSON_IsNumber(item) && key_length > 6 && strcmp(item->string + key_length - 6, "_bytes") == 0)
            format_bytes(item->valuedouble, value, sizeof value);
        else if (cJSON_IsNumber(item)) snprintf(value, sizeof value, "%.6g", item->valuedouble);
        else snprintf(value, sizeof value, "-");
        fprintf(out, "<td class=\"l\">%s</td></tr>\n", value);
    }
    fputs("</table>\n", out);
}

static void header(FILE *out, const tfb_report_data *d)
{
    const cJSON *ctx = d->context;
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(ctx, "date");
    const cJSON *version = cJSON_GetObjectItemCaseSensitive(ctx, "tfbench_version");
    fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
          "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n"
          "<title>tfbench report: ", out);
    put_escaped(out, d->device_name[0] ? d->device_name : "unknown device");
    fprintf(out, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>tfbench report</h1>\n<p class=\"sub\">", STYLE);
    put_escaped(out, d->device_name[0] ? d->device_name : "unknown device");
    fputs(" &#183; ", out);
    put_escaped(out, cJSON_IsString(date) ? date->valuestring : "undated");
    fputs(" &#183; tfbench ", out);
    put_escaped(out, cJSON_IsString(version) ? version->valuestring : "?");
    fputs("</p>\n", out);
}

/* Why a ceiling is missing, and which out-of-cache rule decided what counts (context.ceilings). */
static void ceiling_notes(FILE *out, const tfb_report_data *d)
{
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(d->context, "ceilings");
    const cJSON *missing = cJSON_GetObjectItemCaseSensitive(ceilings, "bandwidth_missing");
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(ceilings, "out_of_cache"),
                                                         "description");
    const cJSON *notes[] = {missing, rule};
    const char *labels[] = {"bandwidth not measured", "out of cache"};
    for (size_t i = 0; i < 2; i++) {
        if (!cJSON_IsString(notes[i])) continue;
        fprintf(out, "<tr><td class=\"l\">%s</td><td></td>", labels[i]);
        cell_text(out, notes[i]->valuestring);
        fputs("</tr>\n", out);
    }
}

static void ceilings_section(FILE *out, const tfb_report_data *d)
{
    static const char *const NAMES[TFB_PREC_COUNT] = {"fp32", "fp64", "fp16"};
    fputs("<h2>Measured ceilings</h2>\n<table>\n<tr><th class=\"l\">ceiling</th><th>value</th>"
          "<th class=\"l\">from</th></tr>\n", out);
    if (d->bandwidth_gbps > 0) {
        fprintf(out, "<tr><td class=\"l\">read+write bandwidth</td><td>%.1f GB/s</td>", d->bandwidth_gbps);
        cell_text(out, d->bandwidth_source);
        fputs("</tr>\n", out);
    }
    if (d->bandwidth_read_gbps > 0) {
        fprintf(out, "<tr><td class=\"l\">read-only bandwidth</td><td>%.1f GB/s</td>", d->bandwidth_read_gbps);
        cell_text(out, d->bandwidth_read_source);
        fputs("</tr>\n", out);
    }
    for (int prec = 0; prec < TFB_PREC_COUNT; prec++) {
        if (!(d->peak_gflops[prec] > 0)) continue;
        fprintf(out, "<tr><td class=\"l\">peak %s</td><td>%.1f GFLOP/s</td><td class=\"l\">peak suite</td></tr>\n",
                NAMES[prec], d->peak_gflops[prec]);
        if (d->bandwidth_gbps > 0)
            fprintf(out, "<tr><td class=\"l\">ridge point %s</td><td>%.2f FLOP/byte</td><td class=\"l\">peak / "
                    "bandwidth</td></tr>\n", NAMES[prec], d->peak_gflops[prec] / d->bandwidth_gbps);
        if (prec == TFB_PREC_FP32 && d->bandwidth_read_gbps > 0)
            fprintf(out, "<tr><td class=\"l\">ridge point fp32, read</td><td>%.2f FLOP/byte</td><td class=\"l\">peak / "
                    "read bandwidth (GEMV, decode)</td></tr>\n", d->peak_gflops[prec] / d->bandwidth_read_gbps);
    }
    if (!(d->bandwidth_gbps > 0) && !(d->peak_gflops[0] > 0))
        fputs("<tr><td class=\"l\" colspan=\"3\">none measured: run the stream and peak suites</td></tr>\n", out);
    ceiling_notes(out, d);
    fputs("</table>\n", out);
    for (size_t i = 0; i < d->level_count; i++) {
        if (i == 0) fputs("<table>\n<tr><th class=\"l\">level</th><th>working set</th><th>bandwidth</th></tr>\n", out);
        char size[32];
        format_bytes(d->levels[i].working_set_bytes, size, sizeof size);
        fputs("<tr>", out);
        cell_text(out, d->levels[i].name);
        fprintf(out, "<td>%s</td><td>%.1f GB/s</td></tr>\n", size, d->levels[i].bandwidth_gbps);
        if (i + 1 == d->level_count) fputs("</table>\n", out);
    }
    if (d->datasheet_name) {
        fputs("<p class=\"note\">Datasheet of this device:</p>\n", out);
        const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(d->context, TFB_KEY_CEILINGS);
        object_table(out, cJSON_GetObjectItemCaseSensitive(ceilings, TFB_KEY_DATASHEET), NULL);
    }
}

/* A run on several devices (--device all): their ceilings and benchmarks side by side. */
static void devices_section(FILE *out, const tfb_report_data *d)
{
    tfb_columns columns;
    tfb_error err = {{0}};
    if (tfb_columns_from_devices(&columns, d->results, &err) != TFB_OK) return;
    fputs("<h2>Devices side by side</h2>\n<p class=\"note\">This run measured every device below in turn; each "
          "benchmark's name carries its device (<code>@d1</code>: flat device index 1). The roofline chart above "
          "and the ceilings before this section are the first device's.</p>\n", out);
    tfb_columns_html(&columns, NULL, out);
    tfb_columns_free(&columns);
}

static void prediction_section(FILE *out, const tfb_report_data *d)
{
    tfb_decode_prediction pred;
    tfb_report_predict_decode(d, &pred);
    fputs("<h2>Decode prediction</h2>\n", out);
    if (!pred.weight_bytes) {
        fputs("<p>No model configuration available.</p>\n", out);
        return;
    }
    fputs("<p>The analytical model: ", out);
    put_escaped(out, pred.model);
    fprintf(out, " has %.3f billion parameters, %.2f GB of fp16 weights. At batch 1 every decode step streams all weights "
            "once, so tokens/s &#8804; bandwidth / weight bytes (KV cache and activations left out: an upper bound)."
            "</p>\n<table>\n<tr><th class=\"l\">bandwidth used</th><th>GB/s</th><th>tokens/s bound</th>"
            "<th class=\"l\">from</th></tr>\n", pred.params / 1e9, pred.weight_bytes / 1e9);
    for (size_t i = 0; i < pred.count; i++) {
        const tfb_decode_bound *b = &pred.bounds[i];
        fprintf(out, "<tr><td class=\"l\">%s</td><td>%.1f</td><td class=\"big\">%.2f</td>", b->source,
                b->bandwidth_gbps, b->tokens_per_second);
        cell_text(out, b->detail);
        fputs("</tr>\n", out);
    }
    if (pred.count == 0) fputs("<tr><td class=\"l\" colspan=\"4\">no bandwidth measured</td></tr>\n", out);
    int has_gemv = 0;
    for (size_t i = 0; i < pred.count; i++) has_gemv |= strstr(pred.bounds[i].source, "GEMV") != NULL;
    fputs(has_gemv ? "</table>\n<p class=\"note\">The GEMV row is the rate our own GEMV kernels streamed (fp32) "
                     "weights at; the bound assumes fp16 weights streamed at that rate. "
                   : "</table>\n<p class=\"note\">No out-of-cache GEMV was measured (run the gemv suite for the "
                     "rate a decode step's matrix-vector products actually reach). ", out);
    const cJSON *device = cJSON_GetObjectItemCaseSensitive(d->context, "device");
    const cJSON *memory = cJSON_GetObjectItemCaseSensitive(device, "global_mem_bytes");
    if (cJSON_IsNumber(memory) && memory->valuedouble < pred.weight_bytes)
        fprintf(out, "The weights (%.2f GB) do not fit in this device's %.2f GB of memory: the figures say what its "
                "bandwidth would allow, not what it can run.", pred.weight_bytes / 1e9, memory->valuedouble / 1e9);
    fputs("</p>\n", out);
}

static void chart_section(FILE *out, const char *svg)
{
    fputs("<h2>Roofline</h2>\n<p class=\"note\">Log-log: arithmetic intensity (FLOP per byte of minimum memory "
          "traffic) against achieved GFLOP/s. Hover a point for its name and figures; numbers match the # column "
          "of the tables. Hollow points ran on a cache-resident working set, so their bytes/s is not a memory figure. "
          "Benchmarks without FLOPs (copy, bandwidth sweeps) are in the tables only.</p>\n<div class=\"chart\">\n",
          out);
    fputs(svg ? svg : "<p>(no chart)</p>\n", out);
    fputs("</div>\n", out);
}

static int suite_uses(const tfb_report_data *d, const char *suite, const char *impl)
{
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->points[i].suite, suite) == 0 && tfb_report_ratio_to(d, &d->points[i], impl) > 0) return 1;
    return 0;
}

static void point_notes(FILE *out, const tfb_report_point *p)
{
    fputs("<td class=\"l\">", out);
    if (p->skipped[0]) {
        fputs(p->verified == 0 ? "wrong result: " : "skipped: ", out);  /* verified false: a failed check, no skip */
        put_escaped(out, strncmp(p->skipped, "FAILED: ", 8) == 0 ? p->skipped + 8 : p->skipped);
    } else {
        char size[32];
        format_bytes(p->working_set_bytes, size, sizeof size);
        if (p->working_set_bytes > 0) fprintf(out, "working set %s", size);
        if (p->cache_resident) fputs(", cache-resident", out);
        if (p->kind == TFB_POINT_NONE) fputs(", no FLOPs: not on the chart", out);
        if (p->kind == TFB_POINT_COMPUTE_ONLY) fputs(", no memory traffic: on the chart's right edge", out);
    }
    fputs("</td>", out);
}

static void point_row(FILE *out, const tfb_report_data *d, const tfb_report_point *p, int clblast, int openblas)
{
    char time_text[32];
    fprintf(out, "<tr%s><td>%d</td>", p->skipped[0] ? " class=\"skip\"" : "", p->number);
    cell_text(out, p->name);
    format_seconds(p->time_s, time_text, sizeof time_text);
    fprintf(out, "<td>%s</td>", time_text);
    if (p->time_s > 0) fprintf(out, "<td>%.1f%%</td>", 100 * p->rel_spread);
    else fputs("<td>-</td>", out);
    cell_number(out, p->gflops);
    cell_number(out, p->gbytes_per_second);
    cell_number(out, p->intensity);
    if (p->roofline_fraction >= 0) fprintf(out, "<td>%.0f%%</td>", 100 * p->roofline_fraction);
    else fputs("<td>-</td>", out);
    if (clblast) cell_number(out, tfb_report_ratio_to(d, p, "clblast"));
    if (openblas) cell_number(out, tfb_report_ratio_to(d, p, "openblas"));
    const char *verified = p->verified == 1 ? "yes" : p->verified == 0 ? "no" : "-";
    fprintf(out, "<td%s>%s</td>", strcmp(verified, "no") == 0 ? " class=\"no\"" : "", verified);
    point_notes(out, p);
    fputs("</tr>\n", out);
}

static void suite_table(FILE *out, const tfb_report_data *d, const char *suite, const char *color)
{
    int clblast = suite_uses(d, suite, "clblast"), openblas = suite_uses(d, suite, "openblas");
    fprintf(out, "<h3><span class=\"swatch\" style=\"background:%s\"></span>", color);
    put_escaped(out, suite[0] ? suite : "(no suite)");
    fputs("</h3>\n<table>\n<tr><th>#</th><th class=\"l\">benchmark</th><th>median</th><th>spread</th>"
          "<th>GFLOP/s</th><th>GB/s</th><th>FLOP/B</th><th>of roofline</th>", out);
    if (clblast) fputs("<th>vs CLBlast</th>", out);
    if (openblas) fputs("<th>vs OpenBLAS</th>", out);
    fputs("<th>verified</th><th class=\"l\">notes</th></tr>\n", out);
    for (size_t i = 0; i < d->count; i++)
        if (strcmp(d->points[i].suite, suite) == 0) point_row(out, d, &d->points[i], clblast, openblas);
    fputs("</table>\n", out);
}

static void results_section(FILE *out, const tfb_report_data *d, const chart *colors)
{
    fputs("<h2>Results by suite</h2>\n<p class=\"note\">median: device time of one repetition (median of the "
          "timed repetitions, warm-up excluded); spread: (max - min) / median; of roofline: achieved / measured "
          "roofline at the benchmark's intensity and precision; vs CLBlast / vs OpenBLAS: our GFLOP/s over theirs on "
          "the same shape; verified: checked against a float64 CPU reference.</p>\n", out);
    if (d->count == 0) fputs("<p>No benchmarks in the results.</p>\n", out);
    for (size_t i = 0; i < d->count; i++) {
        size_t j;
        for (j = 0; j < i && strcmp(d->points[j].suite, d->points[i].suite) != 0; j++) {}
        if (j == i) suite_table(out, d, d->points[i].suite, chart_suite_color(colors, d->points[i].suite));
    }
}

static void system_section(FILE *out, const tfb_report_data *d)
{
    fputs("<h2>Device and host</h2>\n<h3>OpenCL device</h3>\n", out);
    object_table(out, cJSON_GetObjectItemCaseSensitive(d->context, "device"), NULL);
    fputs("<h3>Host (hwloc)</h3>\n", out);
    object_table(out, cJSON_GetObjectItemCaseSensitive(d->context, "host"), NULL);
    fputs("<h3>Every ceiling recorded (context.ceilings)</h3>\n", out);
    object_table(out, cJSON_GetObjectItemCaseSensitive(d->context, TFB_KEY_CEILINGS), NULL);
    fputs("<p class=\"note\">results.json (Google Benchmark layout) and results.csv beside this file hold every "
          "figure above.</p>\n", out);
}

int tfb_report_html(const tfb_report_data *data, const char *svg, char **html, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out) return tfb_fail(err, "out of memory writing the HTML report");
    chart colors = {.data = data};
    chart_assign_colors(&colors);
    header(out, data);
    chart_section(out, svg);
    ceilings_section(out, data);
    devices_section(out, data);
    prediction_section(out, data);
    report_layer_section(out, data);
    report_moe_section(out, data);
    results_section(out, data, &colors);
    system_section(out, data);
    fputs("</body>\n</html>\n", out);
    if (fclose(out) != 0 || !text) {
        free(text);
        return tfb_fail(err, "out of memory writing the HTML report");
    }
    *html = text;
    return TFB_OK;
}
