/* tfbench model's serving predictions (docs/serving.md): the memory wall on the chosen device and on every datasheet
 * device, the predicted batch curve up to the wall, and attention's share against the context with its crossovers
 * (bytes, GQA-aware, and the lecture's FLOPs) - the lines `--suite layer --sweep batch|seq` measures points on. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "cli.h"
#include "tfbench/datasheet.h"

enum { CURVE_MAX_BATCH = 1 << 16, CURVE_FIRST_SEQ = 512, CURVE_LAST_SEQ = 131072 };

/* The predicted curve's batches: 1, 2, 4, ... up to the device's wall and the wall itself (to 64 when nothing fits). */
static uint64_t curve_last_batch(const tfb_model_serving_args *a)
{
    tfb_model_wall wall;
    tfb_model_memory_wall(a->config, a->seq, a->weights, a->kv, a->device->memory_bytes, &wall);
    uint64_t last = wall.max_batch ? wall.max_batch : 64;
    return last < CURVE_MAX_BATCH ? last : CURVE_MAX_BATCH;
}

static uint64_t next_batch(uint64_t batch, uint64_t last)
{
    return batch < last && batch * 2 > last ? last : batch * 2;
}

static cJSON *wall_json(const tfb_model_serving_args *a, const char *device, double memory_bytes)
{
    tfb_model_wall w;
    tfb_model_memory_wall(a->config, a->seq, a->weights, a->kv, memory_bytes, &w);
    return tfb_model_wall_json(&w, device);
}

cJSON *tfb_model_serving_json(const tfb_model_serving_args *a)
{
    cJSON *o = cJSON_CreateObject(), *walls = cJSON_AddArrayToObject(o, "memory_wall");
    cJSON_AddStringToObject(o, "headroom_rule", "weights + KV cache of all layers <= 0.9 x the device's memory");
    cJSON_AddItemToArray(walls, wall_json(a, a->device->name, a->device->memory_bytes));
    size_t count;
    const tfb_datasheet *sheets = tfb_datasheets(&count);
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(walls, wall_json(a, sheets[i].name, sheets[i].memory_gb * 1e9));
    cJSON *batches = cJSON_AddArrayToObject(o, "batch_curve");
    for (uint64_t b = 1, last = curve_last_batch(a); b <= last; b = next_batch(b, last)) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "batch", (double)b);
        double tokens = tfb_model_batch_bound(a->config, a->seq, b, a->weights, a->kv, a->device);
        cJSON_AddNumberToObject(p, "tokens_per_s", tokens);
        cJSON_AddNumberToObject(p, "tokens_per_s_per_sequence", tokens / (double)b);
        cJSON_AddItemToArray(batches, p);
    }
    cJSON *contexts = cJSON_AddArrayToObject(o, "context_curve");
    for (uint64_t n = CURVE_FIRST_SEQ; n <= CURVE_LAST_SEQ; n *= 2) {
        cJSON *p = cJSON_CreateObject();
        cJSON_AddNumberToObject(p, "seq", (double)n);
        cJSON_AddNumberToObject(p, "attention_share", tfb_model_attention_share_bytes(a->config, n, a->weights, a->kv));
        cJSON_AddNumberToObject(p, "lecture_attention_share", tfb_model_attention_share_lecture(a->config, n));
        cJSON_AddNumberToObject(p, "roofline_attention_share",
                                tfb_model_attention_share_roofline(a->config, n, a->weights, a->kv, a->device));
        cJSON_AddItemToArray(contexts, p);
    }
    cJSON_AddNumberToObject(o, "crossover_seq_predicted", tfb_model_crossover_bytes(a->config, a->weights, a->kv));
    cJSON_AddNumberToObject(o, "crossover_seq_lecture", tfb_model_crossover_context(a->config, TFB_MODEL_LECTURE));
    cJSON_AddNumberToObject(o, "crossover_seq_roofline",
                            tfb_model_crossover_roofline(a->config, a->weights, a->kv, a->device));
    return o;
}

static void print_wall(const tfb_model_serving_args *a, const char *device, double memory_bytes)
{
    tfb_model_wall w;
    tfb_model_memory_wall(a->config, a->seq, a->weights, a->kv, memory_bytes, &w);
    if (w.weights_fit)
        printf("  %-30.30s %7.1f GB: batch %" PRIu64 "\n", device, memory_bytes / 1e9, w.max_batch);
    else
        printf("  %-30.30s %7.1f GB: the weights alone (%.1f GB) pass the %.1f GB usable\n", device,
               memory_bytes / 1e9, (double)w.weight_bytes / 1e9, w.usable_bytes / 1e9);
}

void tfb_model_serving_print(const tfb_model_serving_args *a)
{
    tfb_model_wall w;
    tfb_model_memory_wall(a->config, a->seq, a->weights, a->kv, a->device->memory_bytes, &w);
    printf("\nServing (docs/serving.md)\n");
    printf("Memory wall at context %" PRIu64 ": weights %.2f GB + %.3f GB of KV cache per sequence <= 0.9 x memory\n",
           a->seq, (double)w.weight_bytes / 1e9, (double)w.kv_bytes_per_sequence / 1e9);
    print_wall(a, a->device->name, a->device->memory_bytes);
    size_t count;
    const tfb_datasheet *sheets = tfb_datasheets(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(sheets[i].name, a->device->name) != 0) print_wall(a, sheets[i].name, sheets[i].memory_gb * 1e9);
    printf("Batch curve on %s at context %" PRIu64 " (aggregate tokens/s bound):\n ", a->device->name, a->seq);
    for (uint64_t b = 1, last = curve_last_batch(a), shown = 0; b <= last; b = next_batch(b, last), shown++)
        printf("%s b%" PRIu64 " %.4g", shown % 6 == 0 && shown ? "\n " : "", b,
               tfb_model_batch_bound(a->config, a->seq, b, a->weights, a->kv, a->device));
    printf("\nAttention / (attention + FFN) at batch 1, bytes (FLOPs, the lecture's):\n ");
    for (uint64_t n = CURVE_FIRST_SEQ, shown = 0; n <= CURVE_LAST_SEQ; n *= 2, shown++)
        printf("%s n%" PRIu64 " %.0f%% (%.0f%%)", shown % 5 == 0 && shown ? "\n " : "", n,
               100 * tfb_model_attention_share_bytes(a->config, n, a->weights, a->kv),
               100 * tfb_model_attention_share_lecture(a->config, n));
    printf("\nCrossover: context %.0f in bytes (%s weights, %s KV cache); %.0f in the lecture's FLOPs\n",
           tfb_model_crossover_bytes(a->config, a->weights, a->kv), tfb_model_dtype_name(a->weights),
           tfb_model_dtype_name(a->kv), tfb_model_crossover_context(a->config, TFB_MODEL_LECTURE));
    printf("  in roofline time on %s (per op max(bytes / %.4g GB/s, FLOPs / %.4g GFLOP/s)): %.0f\n", a->device->name,
           a->device->bandwidth_gbps, a->device->peak_gflops,
           tfb_model_crossover_roofline(a->config, a->weights, a->kv, a->device));
}
