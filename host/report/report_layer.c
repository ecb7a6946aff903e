/* The report's decoder-layer section, drawn from context.ceilings.layer (the layer suite's summary) alone: each
 * case against its bound with its op breakdown as a stacked bar, and the whole model's tokens/s measured beside
 * the bound and tfbench model's prediction. Absent when the results hold no layer case. */
#include <math.h>
#include <string.h>
#include "report_chart.h"
#include "tfbench/results.h"
#include "tfbench/results_schema.h"

static const char *const GROUPS[] = {"projections", "attention", "ffn", "small", "other"};
static const char *const GROUP_COLORS[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#bbbbbb"};
enum { GROUP_COUNT = 5 };

static double share(const cJSON *o, const char *key)
{
    double value = tfb_json_number(o, key, 0.0);
    return value < 0 ? 0.0 : value > 1 ? 1.0 : value;
}

static void put_text(FILE *out, const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    chart_escape(out, cJSON_IsString(v) ? v->valuestring : "?");
}

static void stacked_bar(FILE *out, const cJSON *breakdown)
{
    fputs("<td class=\"l\"><div style=\"display:flex;width:320px;height:14px;border:1px solid #999\">", out);
    for (int g = 0; breakdown && g < GROUP_COUNT; g++)
        fprintf(out, "<div title=\"%s %.0f%%\" style=\"width:%.1f%%;background:%s\"></div>", GROUPS[g],
                100 * share(breakdown, GROUPS[g]), 100 * share(breakdown, GROUPS[g]), GROUP_COLORS[g]);
    fputs("</div></td>", out);
}

static void legend(FILE *out)
{
    fputs("<p class=\"note\">", out);
    for (int g = 0; g < GROUP_COUNT; g++)
        fprintf(out, "<span class=\"swatch\" style=\"background:%s\"></span>%s &#160; ", GROUP_COLORS[g], GROUPS[g]);
    fputs("(other: the gaps between kernels)</p>\n", out);
}

static void case_row(FILE *out, const cJSON *o)
{
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "breakdown");
    fputs("<tr>", out);
    fputs("<td class=\"l\">", out);
    put_text(out, o, "shape");
    fputs(" ", out);
    put_text(out, o, "dtype");
    fprintf(out, "</td><td>%.0f</td><td>%.4g ms</td>", tfb_json_number(o, "layers_in_stack", 0),
            1e3 * tfb_json_number(o, "time_per_layer_s", 0));
    double bound = tfb_json_number(o, "bound_s", 0);
    const cJSON *bracket = cJSON_GetObjectItemCaseSensitive(o, "read_bracket");
    if (bound > 0 && bracket)
        fprintf(out, "<td>%.4g ms<br/><small>read %.3g / %.3g GB/s before / after</small></td><td>%.0f%%</td>",
                1e3 * bound, tfb_json_number(bracket, "before_gbps", 0), tfb_json_number(bracket, "after_gbps", 0),
                100 * tfb_json_number(o, "fraction_of_bound", 0));
    else if (bound > 0)
        fprintf(out, "<td>%.4g ms</td><td>%.0f%%</td>", 1e3 * bound, 100 * tfb_json_number(o, "fraction_of_bound", 0));
    else fputs("<td>-</td><td>-</td>", out);
    stacked_bar(out, b);
    fputs("<td class=\"l\">", out);
    for (int g = 0; b && g < GROUP_COUNT; g++) fprintf(out, "%s%.0f%%", g ? " / " : "", 100 * share(b, GROUPS[g]));
    fputs("</td></tr>\n", out);
}

static void model_row(FILE *out, const cJSON *o)
{
    double measured = tfb_json_number(o, "tokens_per_second", 0);
    double bound = tfb_json_number(o, "bound_tokens_per_second", 0);
    double model = tfb_json_number(o, "model_tokens_per_second", 0);
    fputs("<tr><td class=\"l\">", out);
    put_text(out, o, "phase");
    const cJSON *phase = cJSON_GetObjectItemCaseSensitive(o, "phase");
    if (cJSON_IsString(phase) && strcmp(phase->valuestring, "decode") == 0)
        fprintf(out, " b%.0f n%.0f ", tfb_json_number(o, "rows", 0), tfb_json_number(o, "context_tokens", 0));
    else
        fprintf(out, " n%.0f ", tfb_json_number(o, "rows", 0));
    put_text(out, o, "dtype");
    fprintf(out, "</td><td class=\"big\">%.3g</td>", measured);
    if (bound > 0) fprintf(out, "<td>%.3g</td><td>%.0f%%</td>", bound, 100 * measured / bound);
    else fputs("<td>-</td><td>-</td>", out);
    if (model > 0) fprintf(out, "<td>%.3g</td><td>%.0f%%</td>", model, 100 * measured / model);
    else fputs("<td>-</td><td>-</td>", out);
    fputs("</tr>\n", out);
}

/* context.ceilings.layer.formats (suites/layer/layer_formats_table.c): what each weight and cache format buys. */
static void formats_table(FILE *out, const cJSON *layer)
{
    const cJSON *formats = cJSON_GetObjectItemCaseSensitive(layer, "formats"), *o;
    if (!cJSON_IsArray(formats) || cJSON_GetArraySize(formats) == 0) return;
    fputs("<h3>Weight and KV-cache formats: the whole model's decode step</h3>\n<table>\n<tr><th class=\"l\">point"
          "</th><th class=\"l\">format</th><th>bytes per step</th><th>tokens/s measured</th><th>bound</th>"
          "<th>of bound</th><th>speed-up over fp16</th><th>bytes predict</th></tr>\n", out);
    cJSON_ArrayForEach(o, formats)
    {
        if (!cJSON_IsObject(o)) continue;
        double bound = tfb_json_number(o, "bound_tokens_per_second", 0);
        double speedup = tfb_json_number(o, "speedup_over_fp16", 0);
        fprintf(out, "<tr><td class=\"l\">b%.0f n%.0f</td><td class=\"l\">", tfb_json_number(o, "rows", 0),
                tfb_json_number(o, "context_tokens", 0));
        put_text(out, o, "dtype");
        fprintf(out, "</td><td>%.4g</td><td class=\"big\">%.3g</td>", tfb_json_number(o, "bytes_per_step", 0),
                tfb_json_number(o, "tokens_per_second", 0));
        if (bound > 0)
            fprintf(out, "<td>%.3g</td><td>%.0f%%</td>", bound, 100 * tfb_json_number(o, "fraction_of_bound", 0));
        else fputs("<td>-</td><td>-</td>", out);
        if (speedup > 0)
            fprintf(out, "<td>x%.2f</td><td>x%.2f</td>", speedup, tfb_json_number(o, "byte_ratio_over_fp16", 0));
        else fputs("<td>-</td><td>-</td>", out);
        fputs("</tr>\n", out);
    }
    fputs("</table>\n<p class=\"note\">Speed-up: tokens/s over those of fp16 weights with an fp32 cache at the same "
          "point; bytes predict: the ratio of their bytes per step, the speed-up of a step bound by bandwidth alone "
          "(docs/quantization.md).</p>\n", out);
}

void report_layer_section(FILE *out, const tfb_report_data *d)
{
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(d->context, TFB_KEY_CEILINGS);
    const cJSON *layer = cJSON_GetObjectItemCaseSensitive(ceilings, "layer"), *o;
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(layer, "cases");
    if (!cJSON_IsArray(cases) || cJSON_GetArraySize(cases) == 0) return;
    fputs("<h2>Decoder layer: ", out);
    put_text(out, layer, "model");
    const cJSON *family = cJSON_GetObjectItemCaseSensitive(layer, "family");  /* llama, classic or moe */
    const char *kind = !cJSON_IsString(family)                          ? NULL
                       : strcmp(family->valuestring, "classic") == 0 ? "classic"
                       : strcmp(family->valuestring, "moe") == 0     ? "mixture-of-experts"
                                                                     : "Llama-style";
    if (kind) fprintf(out, " (%s block)", kind);
    fputs("</h2>\n<p class=\"note\">One whole layer per case (time per layer of a stack of distinct layers out of "
          "cache), against its bound (decode: bytes / the read bandwidth measured just before and after its own "
          "timing; prefill: the roofline of this run's ceilings), and where its time goes (profiling events of every "
          "kernel of the same run).</p>\n", out);
    legend(out);
    fputs("<table>\n<tr><th class=\"l\">case</th><th>stack</th><th>per layer</th><th>bound</th><th>of bound</th>"
          "<th class=\"l\">breakdown</th><th class=\"l\">proj / attn / ffn / small / other</th></tr>\n", out);
    cJSON_ArrayForEach(o, cases) if (cJSON_IsObject(o)) case_row(out, o);
    fputs("</table>\n", out);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(layer, "models");
    if (!cJSON_IsArray(models) || cJSON_GetArraySize(models) == 0) return;
    fprintf(out, "<h3>The whole model: %.0f layers x time per layer + the output head</h3>\n<table>\n<tr>"
            "<th class=\"l\">case</th><th>tokens/s measured</th><th>bound</th><th>of bound</th>"
            "<th>tfbench model --measured</th><th>of it</th></tr>\n", tfb_json_number(layer, "model_layers", 0));
    cJSON_ArrayForEach(o, models) if (cJSON_IsObject(o)) model_row(out, o);
    fputs("</table>\n<p class=\"note\">Decode: tokens/s of the batch (one per sequence per step); prefill: the "
          "prompt's tokens over its pass plus the next token's head. tfbench model --measured uses the read-write "
          "bandwidth of the stream suite; the bound here, decode's bracketed read bandwidth.</p>\n", out);
    formats_table(out, layer);
}
