/* What each weight and cache format buys (docs/quantization.md): per decode point (batch, context) of the whole
 * model, every format's bytes per step, measured tokens/s, bound and fraction of it, and its speed-up over the fp16
 * step (fp16 weights, fp32 cache: the layer's default) measured, beside the ratio of their bytes: the speed-up a
 * purely bandwidth-bound step would get. Read from context.ceilings.layer.models (layer_summary.c). */
#include <stdio.h>
#include <string.h>
#include "layer.h"
#include "tfbench/results.h"

static const char *text(const cJSON *o, const char *key)
{
    const char *value = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return value ? value : "?";
}

static int same_point(const cJSON *a, const cJSON *b)
{
    return strcmp(text(a, "phase"), "decode") == 0 && strcmp(text(b, "phase"), "decode") == 0 &&
           tfb_json_number(a, "rows", 0) == tfb_json_number(b, "rows", 0) &&
           tfb_json_number(a, "context_tokens", 0) == tfb_json_number(b, "context_tokens", 0);
}

static const cJSON *fp16_step(const cJSON *models, const cJSON *point)
{
    const cJSON *o;
    cJSON_ArrayForEach(o, models) if (same_point(o, point) && strcmp(text(o, "dtype"), "fp16") == 0) return o;
    return NULL;
}

static cJSON *format_entry(const cJSON *o, const cJSON *fp16)
{
    double tokens = tfb_json_number(o, "tokens_per_second", 0), bound = tfb_json_number(o, "bound_tokens_per_second", 0);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "dtype", text(o, "dtype"));
    cJSON_AddNumberToObject(e, "rows", tfb_json_number(o, "rows", 0));
    cJSON_AddNumberToObject(e, "context_tokens", tfb_json_number(o, "context_tokens", 0));
    cJSON_AddNumberToObject(e, "bytes_per_step", tfb_json_number(o, "bytes_per_step", 0));
    cJSON_AddNumberToObject(e, "tokens_per_second", tokens);
    if (bound > 0) cJSON_AddNumberToObject(e, "bound_tokens_per_second", bound);
    if (bound > 0) cJSON_AddNumberToObject(e, "fraction_of_bound", tokens / bound);
    double base = tfb_json_number(fp16, "tokens_per_second", 0), base_bytes = tfb_json_number(fp16, "bytes_per_step", 0);
    if (base > 0 && base_bytes > 0 && tfb_json_number(o, "bytes_per_step", 0) > 0) {
        cJSON_AddNumberToObject(e, "speedup_over_fp16", tokens / base);
        cJSON_AddNumberToObject(e, "byte_ratio_over_fp16", base_bytes / tfb_json_number(o, "bytes_per_step", 0));
    }
    return e;
}

/* Points measured in more than one format only: one format has nothing to compare. */
void layer_formats_table(cJSON *layer)
{
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(layer, "models"), *o, *p;
    cJSON *formats = cJSON_CreateArray();
    cJSON_ArrayForEach(o, models)
    {
        int others = 0;
        cJSON_ArrayForEach(p, models) others += p != o && same_point(o, p);
        if (others) cJSON_AddItemToArray(formats, format_entry(o, fp16_step(models, o)));
    }
    if (cJSON_GetArraySize(formats) > 0) cJSON_AddItemToObject(layer, "formats", formats);
    else cJSON_Delete(formats);
}

void layer_formats_print(const cJSON *layer, FILE *out)
{
    const cJSON *formats = cJSON_GetObjectItemCaseSensitive(layer, "formats"), *o;
    if (cJSON_GetArraySize(formats) == 0) return;
    fprintf(out, "Weight and KV-cache formats, whole model (speed-up over fp16 weights with an fp32 cache, measured and "
                 "as bytes\npredict):\n  %-10s %-18s %12s %10s %10s %6s %9s %7s\n", "point", "format", "bytes/step",
            "tok/s", "bound", "of it", "speed-up", "bytes");
    cJSON_ArrayForEach(o, formats)
    {
        char point[32], speedup[16] = "-", ratio[16] = "-", bound[16] = "-", fraction[16] = "-";
        snprintf(point, sizeof point, "b%.0f n%.0f", tfb_json_number(o, "rows", 0),
                 tfb_json_number(o, "context_tokens", 0));
        if (tfb_json_number(o, "speedup_over_fp16", 0) > 0) {
            snprintf(speedup, sizeof speedup, "x%.2f", tfb_json_number(o, "speedup_over_fp16", 0));
            snprintf(ratio, sizeof ratio, "x%.2f", tfb_json_number(o, "byte_ratio_over_fp16", 0));
        }
        if (tfb_json_number(o, "bound_tokens_per_second", 0) > 0) {
            snprintf(bound, sizeof bound, "%.3g", tfb_json_number(o, "bound_tokens_per_second", 0));
            snprintf(fraction, sizeof fraction, "%.0f%%", 100 * tfb_json_number(o, "fraction_of_bound", 0));
        }
        fprintf(out, "  %-10s %-18s %12.4g %10.3g %10s %6s %9s %7s\n", point, text(o, "dtype"),
                tfb_json_number(o, "bytes_per_step", 0), tfb_json_number(o, "tokens_per_second", 0), bound, fraction,
                speedup, ratio);
    }
}
