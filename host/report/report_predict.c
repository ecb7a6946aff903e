/* The report's decode prediction: the analytical model's weight bytes against each measured (or published)
 * bandwidth. Batch 1, weights only: KV-cache and activation traffic are left out, so every figure is an upper bound. */
#include <string.h>
#include "tfbench/model.h"
#include "tfbench/report.h"

static const char *const DEFAULT_MODEL = "llama2-7b";

static const tfb_model_config *report_model(const tfb_report_data *d)
{
    const cJSON *model = cJSON_GetObjectItemCaseSensitive(d->context, "model");
    const tfb_model_config *config = NULL;
    if (cJSON_IsString(model)) config = tfb_model_builtin(model->valuestring);
    if (!config && cJSON_IsObject(model) && cJSON_IsString(cJSON_GetObjectItemCaseSensitive(model, "name")))
        config = tfb_model_builtin(cJSON_GetObjectItemCaseSensitive(model, "name")->valuestring);
    return config ? config : tfb_model_builtin(DEFAULT_MODEL);
}

static void add_bound(tfb_decode_prediction *out, const char *source, double bandwidth, const char *detail)
{
    if (!(bandwidth > 0) || out->count == sizeof out->bounds / sizeof *out->bounds) return;
    tfb_decode_bound *b = &out->bounds[out->count++];
    b->source = source;
    b->bandwidth_gbps = bandwidth;
    b->tokens_per_second = tfb_model_tokens_per_second(out->weight_bytes, bandwidth);
    snprintf(b->detail, sizeof b->detail, "%s", detail);
}

/* Our GEMV kernels' out-of-cache, verified results taken together: their bytes over their time, the rate a decode
 * step running them back to back would stream weights at. */
static double measured_gemv_bandwidth(const tfb_report_data *d, size_t *used)
{
    double bytes = 0, seconds = 0;
    *used = 0;
    for (size_t i = 0; i < d->count; i++) {
        const tfb_report_point *p = &d->points[i];
        if (strcmp(p->suite, "gemv") != 0 || strcmp(p->impl, "tfbench") != 0 || p->kind == TFB_POINT_NONE ||
            p->cache_resident || p->verified == 0)
            continue;
        bytes += p->gbytes_per_second * 1e9 * p->time_s;
        seconds += p->time_s;
        (*used)++;
    }
    return seconds > 0 ? bytes / seconds * 1e-9 : 0.0;
}

void tfb_report_predict_decode(const tfb_report_data *d, tfb_decode_prediction *out)
{
    memset(out, 0, sizeof *out);
    const tfb_model_config *config = report_model(d);
    if (!config) return;
    tfb_model_params params;
    tfb_model_count_params(config, TFB_MODEL_EXACT, &params);
    snprintf(out->model, sizeof out->model, "%s", config->name);
    out->params = (double)params.total;
    out->weight_bytes = (double)tfb_model_bytes(params.total, TFB_MODEL_FP16);
    char detail[192];
    snprintf(detail, sizeof detail, "%s", d->bandwidth_source[0] ? d->bandwidth_source : "stream suite");
    add_bound(out, "measured stream bandwidth", d->bandwidth_gbps, detail);
    size_t used;
    double gemv = measured_gemv_bandwidth(d, &used);
    snprintf(detail, sizeof detail, "%zu out-of-cache gemv/tfbench benchmark%s: total bytes / total time", used,
             used == 1 ? "" : "s");
    add_bound(out, "measured GEMV bandwidth", gemv, detail);
    if (d->datasheet_name) {
        snprintf(detail, sizeof detail, "%s datasheet", d->datasheet_name);
        add_bound(out, "datasheet bandwidth", d->datasheet_bandwidth_gbps, detail);
    }
}
