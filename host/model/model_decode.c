/* Decode-step roofline of a model on a device: what one step of a batch reads and computes. */
#include <math.h>
#include <string.h>
#include "tfbench/model.h"

/* The batch-independent pieces of one decode step, computed once so the ridge-batch search is cheap; the per-layer
 * terms come from tfb_model_layer_decode, the layer suite's accounting. */
typedef struct decode_terms {
    const tfb_model_config *config;
    uint64_t flops_per_token;
    uint64_t outside_layers;      /* weights outside the layers every step reads: the final norm and the output head
                                   * (a tied table is read whole anyway, as the head) */
    uint64_t embedding_row;       /* d_model: a token's embedding lookup */
    uint64_t n_layers, vocab_size;
    uint64_t kv_elements_per_seq;
    tfb_model_dtype dtype, kv_dtype;
} decode_terms;

enum { MAX_RIDGE_BATCH = 1 << 20 };

static void decode_terms_init(const tfb_model_config *config, uint64_t seq, tfb_model_dtype dtype,
                              tfb_model_dtype kv_dtype, decode_terms *t)
{
    tfb_model_flops flops;
    tfb_model_count_flops(config, TFB_MODEL_EXACT, seq, &flops);
    memset(t, 0, sizeof *t);
    t->config = config;
    t->flops_per_token = flops.total;
    t->n_layers = config->n_layers;
    t->vocab_size = config->vocab_size;
    /* a token's embedding row, and its position's row when positions are learned */
    t->embedding_row = config->d_model * (config->positions == TFB_POSITIONS_LEARNED ? 2 : 1);
    t->outside_layers = config->d_model * (config->norm == TFB_NORM_LAYER ? 2 : 1) +  /* the final norm */
                        config->vocab_size * config->d_model;
    t->kv_elements_per_seq = config->n_layers * tfb_model_layer_kv_elements(config, TFB_MODEL_EXACT) * seq;
    t->dtype = dtype;
    t->kv_dtype = kv_dtype;
}

/* Weights one step reads: every layer's (the batch's B*k routed experts taken as distinct: exact at batch 1, the
 * worst case above it), the final norm, the head, and the untied embedding rows once per sequence. */
static uint64_t step_weight_elements(const decode_terms *t, uint64_t batch)
{
    tfb_model_layer layer;
    tfb_model_layer_decode(t->config, TFB_MODEL_EXACT, 0, batch, t->dtype, t->kv_dtype, &layer);
    uint64_t rows = batch < t->vocab_size ? batch : t->vocab_size;
    return t->n_layers * layer.weight_elements + t->outside_layers + rows * t->embedding_row;
}

static uint64_t step_bytes(const decode_terms *t, uint64_t batch)
{
    return tfb_model_bytes(step_weight_elements(t, batch), t->dtype) +
           tfb_model_bytes(t->kv_elements_per_seq * batch, t->kv_dtype);
}

/* In floating point: the ridge search tries batches far beyond the one asked for, where exact counts could overflow. */
static double step_intensity(const decode_terms *t, uint64_t batch)
{
    double bytes = (double)step_weight_elements(t, batch) * tfb_model_dtype_bits(t->dtype) / 8.0 +
                   (double)t->kv_elements_per_seq * (double)batch * tfb_model_dtype_bits(t->kv_dtype) / 8.0;
    return (double)t->flops_per_token * (double)batch / bytes;
}

/* KV traffic grows with the batch too, so the intensity saturates and the ridge may be out of reach: scan rather than
 * solve, and answer 0 for "no batch". */
static uint64_t exact_ridge_batch(const decode_terms *t, double ridge)
{
    for (uint64_t batch = 1; batch <= MAX_RIDGE_BATCH; batch++)
        if (step_intensity(t, batch) >= ridge) return batch;
    return 0;
}

/* A count from a double that may come from a results file (a memory of 1e18 bytes, a ridge of 1e30): converting
 * a value beyond uint64_t is undefined behaviour, so it saturates. */
static uint64_t count_of(double x)
{
    if (!(x > 0)) return 0;
    return x >= 18446744073709549568.0 ? UINT64_MAX : (uint64_t)x;
}

static uint64_t max_batch_in_memory(uint64_t weight_bytes, uint64_t kv_per_seq, double memory_bytes)
{
    if (memory_bytes <= (double)weight_bytes || kv_per_seq == 0) return 0;
    return count_of(floor((memory_bytes - (double)weight_bytes) / (double)kv_per_seq));
}

static void fill_rates(tfb_model_decode *out, uint64_t batch, double bytes_per_step, const tfb_model_device *device)
{
    double memory_time = bytes_per_step / (device->bandwidth_gbps * 1e9);
    double compute_time = device->peak_gflops > 0 ? (double)out->flops_per_step / (device->peak_gflops * 1e9) : 0.0;
    out->tokens_per_second = 1.0 / memory_time;
    out->tokens_per_second_aggregate = (double)batch / memory_time;
    out->tokens_per_second_roofline = 1.0 / fmax(memory_time, compute_time);
}

static void analyze_exact(const tfb_model_config *config, uint64_t seq, uint64_t batch, tfb_model_dtype dtype,
                          tfb_model_dtype kv_dtype, const tfb_model_device *device, tfb_model_decode *out)
{
    decode_terms t;
    decode_terms_init(config, seq, dtype, kv_dtype, &t);
    out->weight_bytes_per_step = tfb_model_bytes(step_weight_elements(&t, batch), dtype);
    out->flops_per_step = t.flops_per_token * batch;
    out->arithmetic_intensity = step_intensity(&t, batch);
    out->ridge_batch = exact_ridge_batch(&t, out->ridge_point);
    fill_rates(out, batch, (double)step_bytes(&t, batch), device);
    t.kv_elements_per_seq = 0;  /* as if the KV cache stayed on chip: the weights' share of the problem alone */
    out->ridge_batch_weights_only = exact_ridge_batch(&t, out->ridge_point);
}

/* The lecture: 2 FLOPs per weight per token called "2 FLOP/byte" at batch 1, all weights read per token, KV traffic
 * left out. */
static void analyze_lecture(const tfb_model_config *config, uint64_t seq, uint64_t batch,
                            const tfb_model_device *device, tfb_model_decode *out)
{
    tfb_model_flops flops;
    tfb_model_count_flops(config, TFB_MODEL_LECTURE, seq, &flops);
    out->weight_bytes_per_step = out->weight_bytes;
    out->flops_per_step = flops.total * batch;
    out->arithmetic_intensity = 2.0 * (double)batch;
    out->ridge_batch = count_of(ceil(out->ridge_point / 2.0));
    out->ridge_batch_weights_only = out->ridge_batch;
    fill_rates(out, batch, (double)out->weight_bytes, device);
}

void tfb_model_analyze_decode_kv(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                                 tfb_model_dtype dtype, tfb_model_dtype kv_dtype, const tfb_model_device *device,
                                 tfb_model_decode *out)
{
    tfb_model_params params;
    tfb_model_count_params(config, mode, &params);
    memset(out, 0, sizeof *out);
    out->weight_bytes = tfb_model_bytes(params.total, dtype);
    out->kv_cache_bytes = tfb_model_kv_cache_bytes(config, mode, seq, batch, kv_dtype);
    out->ridge_point = device->bandwidth_gbps > 0 ? device->peak_gflops / device->bandwidth_gbps : 0.0;
    out->max_batch_in_memory = max_batch_in_memory(out->weight_bytes,
                                                   tfb_model_kv_cache_bytes(config, mode, seq, 1, kv_dtype),
                                                   device->memory_bytes);
    if (mode == TFB_MODEL_LECTURE)
        analyze_lecture(config, seq, batch, device, out);
    else
        analyze_exact(config, seq, batch, dtype, kv_dtype, device, out);
}

void tfb_model_analyze_decode(const tfb_model_config *config, tfb_model_mode mode, uint64_t seq, uint64_t batch,
                              tfb_model_dtype dtype, const tfb_model_device *device, tfb_model_decode *out)
{
    tfb_model_analyze_decode_kv(config, mode, seq, batch, dtype, dtype, device, out);
}
