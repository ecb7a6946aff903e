/* Mixture of experts at batch B: the experts a decode step is expected to touch, and what that does to the bytes
 * read and the bandwidth bound. tfb_model_analyze_decode counts B x k experts as distinct (exact at B = 1, the worst
 * case above it); here the expectation under uniform, independent routing replaces it. */
#include <math.h>
#include "tfbench/model.h"

const uint64_t tfb_model_moe_batches[TFB_MODEL_MOE_CURVE] = {1, 2, 4, 8, 16, 32};

double tfb_model_expected_experts(const tfb_model_config *config, uint64_t batch)
{
    double e = (double)config->n_experts, k = (double)config->experts_per_token;
    if (config->n_experts <= 1) return 1.0;
    return e * (1.0 - pow(1.0 - k / e, (double)batch));
}

void tfb_model_moe_memory(const tfb_model_config *config, tfb_model_dtype dtype, uint64_t *total_bytes,
                          uint64_t *active_bytes)
{
    tfb_model_params params;
    tfb_model_count_params(config, TFB_MODEL_EXACT, &params);
    *total_bytes = tfb_model_bytes(params.total, dtype);
    *active_bytes = tfb_model_bytes(params.active, dtype);
}

void tfb_model_moe_point_at(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_model_dtype weights,
                            tfb_model_dtype kv, double bandwidth_gbps, tfb_model_moe_point *out)
{
    tfb_model_params params;
    tfb_model_layer layer;
    tfb_model_decode decode;
    tfb_model_device device = {"", bandwidth_gbps, 0.0, 0.0};
    tfb_model_count_params(config, TFB_MODEL_EXACT, &params);
    tfb_model_layer_decode(config, TFB_MODEL_EXACT, seq, batch, weights, kv, &layer);
    tfb_model_analyze_decode_kv(config, TFB_MODEL_EXACT, seq, batch, weights, kv, &device, &decode);
    uint64_t counted = batch * config->experts_per_token;  /* what the layer and the step took as distinct */
    if (counted > config->n_experts) counted = config->n_experts;
    double expert_bytes = (double)params.expert * tfb_model_dtype_bits(weights) / 8.0;
    out->batch = batch;
    out->experts = tfb_model_expected_experts(config, batch);
    double fewer = ((double)counted - out->experts) * expert_bytes;  /* the worst case minus the expectation */
    out->layer_bytes = (double)layer.weight_bytes - fewer;
    out->step_bytes = (double)decode.weight_bytes_per_step - (double)config->n_layers * fewer +
                      (double)tfb_model_kv_cache_bytes(config, TFB_MODEL_EXACT, seq, batch, kv);
    out->bytes_per_token = out->step_bytes / (double)batch;
    out->tokens_per_second = bandwidth_gbps > 0 ? (double)batch * bandwidth_gbps * 1e9 / out->step_bytes : 0.0;
}
