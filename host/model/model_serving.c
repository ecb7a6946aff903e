/* Serving predictions (docs/serving.md): the memory wall (how many sequences fit beside the weights) and where
 * attention's cost passes the FFN's, in bytes (what a memory-bound decode step pays) and in the lecture's FLOPs. */
#include <math.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "tfbench/model.h"

static double bytes_of(double elements, tfb_model_dtype dtype)
{
    return elements * tfb_model_dtype_bits(dtype) / 8.0;
}

void tfb_model_memory_wall(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                           tfb_model_dtype kv, double memory_bytes, tfb_model_wall *out)
{
    tfb_model_params params;
    tfb_model_count_params(config, TFB_MODEL_EXACT, &params);
    memset(out, 0, sizeof *out);
    out->seq = seq;
    out->memory_bytes = memory_bytes > 0 ? memory_bytes : 0.0;
    out->usable_bytes = floor(TFB_MODEL_WALL_USABLE * out->memory_bytes);
    out->weight_bytes = tfb_model_bytes(params.total, weights);
    out->kv_bytes_per_sequence = tfb_model_kv_cache_bytes(config, TFB_MODEL_EXACT, seq, 1, kv);
    out->weights_fit = out->usable_bytes >= (double)out->weight_bytes;
    if (!out->weights_fit || out->kv_bytes_per_sequence == 0) return;
    double room = out->usable_bytes - (double)out->weight_bytes;
    double batch = floor(room / (double)out->kv_bytes_per_sequence);
    out->max_batch = batch >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)batch;
}

struct cJSON *tfb_model_wall_json(const tfb_model_wall *w, const char *device)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "device", device);
    cJSON_AddNumberToObject(o, "memory_bytes", w->memory_bytes);
    cJSON_AddNumberToObject(o, "usable_bytes", w->usable_bytes);
    cJSON_AddNumberToObject(o, "weight_bytes", (double)w->weight_bytes);
    cJSON_AddNumberToObject(o, "kv_bytes_per_sequence", (double)w->kv_bytes_per_sequence);
    cJSON_AddBoolToObject(o, "weights_fit", w->weights_fit);
    cJSON_AddNumberToObject(o, "max_batch", (double)w->max_batch);
    cJSON_AddNumberToObject(o, "seq", (double)w->seq);
    return o;
}

/* One layer's decode of one sequence in elements: the attention's weights (Q, K, V, O), the FFN's routed weights
 * (and router), and K and V per cached token. The layer accounting's FLOPs are 2 per weight per token. */
typedef struct layer_split {
    double attention_weights, ffn_weights, kv_per_token;
    double score_flops_per_token;   /* Q K^T and P V for one cached token: 2 x 2 x n_heads x d_head */
} layer_split;

static void split_layer(const tfb_model_config *config, layer_split *out)
{
    tfb_model_layer layer;
    tfb_model_layer_decode(config, TFB_MODEL_EXACT, 0, 1, TFB_MODEL_FP16, TFB_MODEL_FP16, &layer);
    out->attention_weights = (double)layer.flops_projections / 2.0;
    out->ffn_weights = (double)layer.flops_ffn / 2.0;
    out->kv_per_token = (double)tfb_model_layer_kv_elements(config, TFB_MODEL_EXACT);
    out->score_flops_per_token = 4.0 * (double)config->n_heads * (double)tfb_model_d_head(config);
}

double tfb_model_crossover_bytes(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv)
{
    layer_split s;
    split_layer(config, &s);
    double gap = bytes_of(s.ffn_weights - s.attention_weights, weights);
    double per_token = bytes_of(s.kv_per_token, kv);
    return gap > 0 && per_token > 0 ? gap / per_token : 0.0;
}

double tfb_model_attention_share_bytes(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                                       tfb_model_dtype kv)
{
    layer_split s;
    split_layer(config, &s);
    double attention = bytes_of(s.attention_weights, weights) + bytes_of(s.kv_per_token * (double)seq, kv);
    double ffn = bytes_of(s.ffn_weights, weights);
    return attention + ffn > 0 ? attention / (attention + ffn) : 0.0;
}

/* An op's roofline time: it cannot beat its bytes at bandwidth W nor its FLOPs at peak P (bytes/s, FLOP/s). */
static double op_seconds(double bytes, double flops, double w, double p)
{
    return fmax(bytes / w, flops / p);
}

/* A batch-1 decode step's groups in roofline time: the Q, K, V, O projections and the FFN (fixed), and the scores
 * per cached token (the attention grows by that per token). 0 when the device lacks a ceiling. */
typedef struct roofline_split {
    double projections_s, ffn_s, per_token_s;
} roofline_split;

static int split_roofline(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv,
                          const tfb_model_device *device, roofline_split *out)
{
    double w = device->bandwidth_gbps * 1e9, p = device->peak_gflops * 1e9;
    memset(out, 0, sizeof *out);
    if (!(w > 0) || !(p > 0)) return 0;
    layer_split s;
    split_layer(config, &s);
    out->projections_s = op_seconds(bytes_of(s.attention_weights, weights), 2.0 * s.attention_weights, w, p);
    out->ffn_s = op_seconds(bytes_of(s.ffn_weights, weights), 2.0 * s.ffn_weights, w, p);
    out->per_token_s = op_seconds(bytes_of(s.kv_per_token, kv), s.score_flops_per_token, w, p);
    return out->per_token_s > 0;
}

double tfb_model_crossover_roofline(const tfb_model_config *config, tfb_model_dtype weights, tfb_model_dtype kv,
                                    const tfb_model_device *device)
{
    roofline_split r;
    if (!split_roofline(config, weights, kv, device, &r)) return 0.0;
    double gap = r.ffn_s - r.projections_s;
    return gap > 0 ? gap / r.per_token_s : 0.0;
}

double tfb_model_attention_share_roofline(const tfb_model_config *config, uint64_t seq, tfb_model_dtype weights,
                                          tfb_model_dtype kv, const tfb_model_device *device)
{
    roofline_split r;
    if (!split_roofline(config, weights, kv, device, &r)) return 0.0;
    double attention = r.projections_s + r.per_token_s * (double)seq;
    return attention / (attention + r.ffn_s);
}

double tfb_model_attention_share_lecture(const tfb_model_config *config, uint64_t seq)
{
    tfb_model_flops flops;
    tfb_model_count_flops(config, TFB_MODEL_LECTURE, seq, &flops);
    return tfb_model_attention_fraction(&flops);
}

/* How much longer than its bytes an op takes where its FLOPs bind: max(0, FLOPs / P - bytes / W). */
static double compute_excess(double bytes, double flops, double w, double p)
{
    return p > 0 ? fmax(0.0, flops / p - bytes / w) : 0.0;
}

double tfb_model_decode_layer_excess(const tfb_model_config *config, uint64_t seq, uint64_t batch,
                                     tfb_model_dtype weights, tfb_model_dtype kv, const tfb_model_device *device)
{
    double w = device->bandwidth_gbps * 1e9, p = device->peak_gflops * 1e9;
    if (!(w > 0) || !(p > 0) || batch == 0) return 0.0;
    tfb_model_layer layer;
    tfb_model_layer_decode(config, TFB_MODEL_EXACT, seq, batch, weights, kv, &layer);
    double projection_bytes = bytes_of((double)layer.flops_projections / 2.0 / (double)batch, weights);
    double ffn_bytes = (double)layer.weight_bytes - projection_bytes;  /* the experts read (and the norm gains) */
    return compute_excess(projection_bytes, (double)layer.flops_projections, w, p) +
           compute_excess((double)layer.kv_read_bytes, (double)layer.flops_attention, w, p) +
           compute_excess(ffn_bytes, (double)layer.flops_ffn, w, p);
}

double tfb_model_head_excess(double bytes, double flops, const tfb_model_device *device)
{
    double w = device->bandwidth_gbps * 1e9, p = device->peak_gflops * 1e9;
    return w > 0 ? compute_excess(bytes, flops, w, p) : 0.0;
}

double tfb_model_batch_bound(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_model_dtype weights,
                             tfb_model_dtype kv, const tfb_model_device *device)
{
    tfb_model_decode d;
    if (!(device->bandwidth_gbps > 0)) return 0.0;
    tfb_model_analyze_decode_kv(config, TFB_MODEL_EXACT, seq, batch, weights, kv, device, &d);
    double head = (double)config->d_model * (double)config->vocab_size;
    double seconds = (double)d.bytes_per_step / (device->bandwidth_gbps * 1e9) +
                     (double)config->n_layers * tfb_model_decode_layer_excess(config, seq, batch, weights, kv, device) +
                     tfb_model_head_excess(bytes_of(head, weights), 2.0 * head * (double)batch, device);
    return (double)batch / seconds;
}
