/* --sweep batch|seq (docs/serving.md): the decode points of the serving curves, and after the suite the curves
 * themselves in context.serving, beside tfbench model's predictions: aggregate tokens/s against the batch up to the
 * memory wall, and attention's share of a step against the context up to the crossover. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "layer.h"
#include "tfbench/datasheet.h"

enum { BATCH_SWEEP_CONTEXT = 4096, BATCH_LIMIT = 32, BATCH_LIMIT_QUICK = 8, SEQ_FIRST = 512, SEQ_SPAN = 32768,
       SEQ_QUICK_POINTS = 5, SEQ_LOWEST = 16 };

size_t layer_serving_kv_dtype(const tfb_run *run)
{
    return run->workload->kv_dtype_count ? run->workload->kv_dtypes[0] : TFB_KV_FP32;
}

/* The cache the points keep: the sweep's reach is planned with it (the curves read each point's own). */
static tfb_model_dtype suite_kv_dtype(const tfb_run *run)
{
    layer_params p = {.kv_dtype = (int)layer_serving_kv_dtype(run)};
    return layer_kv_model_dtype(&p);
}

/* One layer of this decode point (the sweep measures per layer) fits the run's usable memory. */
static int layer_fits(const tfb_run *run, size_t batch, size_t context)
{
    layer_dims dims;
    tfb_error ignored;
    if (layer_dims_of(&run->workload->model, &dims, &ignored) != TFB_OK) return batch == 1 && context == SEQ_FIRST;
    layer_params p = {.phase = LAYER_DECODE, .half = 1, .kv_dtype = (int)layer_serving_kv_dtype(run), .rows = batch,
                      .context = context, .layers = 1};
    uint64_t kept, transient;
    layer_device_bytes(&dims, &p, &kept, &transient);
    return kept + transient <= run->sizing.usable_bytes;
}

static void plan_batches(const tfb_run *run, size_t context, layer_serving_plan *plan)
{
    const tfb_workload *w = run->workload;
    size_t limit = w->quick ? BATCH_LIMIT_QUICK : BATCH_LIMIT;
    plan->context_count = 1;
    plan->contexts[0] = context;
    if (w->batch_count) {
        memcpy(plan->batches, w->batches, w->batch_count * sizeof *w->batches);
        plan->batch_count = w->batch_count;
        return;
    }
    for (size_t b = 1; b <= limit && plan->batch_count < TFB_MAX_LIST; b *= 2) {
        if (b > 1 && !layer_fits(run, b, context)) break;
        plan->batches[plan->batch_count++] = b;
    }
}

/* Doubling from 512 (lower when the predicted crossover is under 1024) to 32768 or twice the predicted crossover,
 * whichever is further (--quick: x4 steps, 3 to 5 of them, stopping past the crossover), while one layer fits. */
static void plan_contexts(const tfb_run *run, layer_serving_plan *plan)
{
    const tfb_workload *w = run->workload;
    plan->batch_count = 1;
    plan->batches[0] = 1;
    if (w->seq_count) {
        memcpy(plan->contexts, w->seqs, w->seq_count * sizeof *w->seqs);
        plan->context_count = w->seq_count;
        return;
    }
    double crossover = tfb_model_crossover_bytes(&w->model, TFB_MODEL_FP16, suite_kv_dtype(run));
    double last = w->quick ? 0.0 : fmax(SEQ_SPAN, 2.0 * crossover);
    size_t step = w->quick ? 4 : 2, first = SEQ_FIRST;
    while (first > SEQ_LOWEST && 2.0 * (double)first > crossover) first /= 2;  /* a small model's early crossover */
    for (size_t n = first; plan->context_count < TFB_MAX_LIST; n *= step) {
        if (n > first && !layer_fits(run, 1, n)) break;
        plan->contexts[plan->context_count++] = n;
        int past = (double)n > crossover && plan->context_count >= 3;  /* a curve, and the crossover in it */
        if (w->quick && (past || plan->context_count == SEQ_QUICK_POINTS)) break;
        if (!w->quick && (double)n >= last) break;
    }
}

void layer_serving_points(const tfb_run *run, layer_serving_plan *plan)
{
    const tfb_workload *w = run->workload;
    memset(plan, 0, sizeof *plan);
    if (w->sweep == TFB_SWEEP_SEQ) {
        plan_contexts(run, plan);
        return;
    }
    plan->heads = 1;
    plan_batches(run, w->seq_count ? w->seqs[0] : BATCH_SWEEP_CONTEXT, plan);
}

/* One measured decode step of one layer, with the output head at its batch when the run has it. */
typedef struct serving_point {
    const tfb_result *layer, *head;
    double batch, seq;
    double group_s[GROUP_COUNT], span_s;
} serving_point;

static int decode_point(const tfb_result *r)
{
    const cJSON *phase = cJSON_GetObjectItemCaseSensitive(r->extra, "phase");
    return strcmp(r->suite, "layer") == 0 && !r->skipped[0] && r->verified == 1 && r->time.median > 0 &&
           cJSON_IsString(phase) && strcmp(phase->valuestring, "decode") == 0;
}

static const tfb_result *head_at(const tfb_results *all, const char *dtype, double batch)
{
    char prefix[64];
    snprintf(prefix, sizeof prefix, "layer/tfbench/head-b%.0f-", batch);
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *h = &all->items[i];
        if (!h->skipped[0] && h->verified == 1 && h->time.median > 0 && strcmp(h->dtype, dtype) == 0 &&
            strncmp(h->name, prefix, strlen(prefix)) == 0)
            return h;
    }
    return NULL;
}

static const char *const GROUP_KEYS[GROUP_COUNT] = {"projections_s", "attention_s", "ffn_s", "small_s"};

static size_t collect(const tfb_results *all, serving_point *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < all->count && n < max; i++) {
        const tfb_result *r = &all->items[i];
        if (!decode_point(r)) continue;
        serving_point *p = &out[n++];
        memset(p, 0, sizeof *p);
        p->layer = r;
        p->batch = tfb_json_number(r->extra, "rows", 0);
        p->seq = tfb_json_number(r->extra, "context_tokens", 0);
        const char *weights = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r->extra, "weight_dtype"));
        p->head = head_at(all, weights ? weights : r->dtype, p->batch);  /* a "fp16-kv-fp16" point: the fp16 head */
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(r->extra, "breakdown");
        for (int g = 0; g < GROUP_COUNT; g++) p->group_s[g] = tfb_json_number(b, GROUP_KEYS[g], 0);
        p->span_s = tfb_json_number(b, "span_s", 0);
    }
    return n;
}

static tfb_model_dtype dtype_of(const cJSON *extra, const char *key)
{
    tfb_model_dtype dtype = TFB_MODEL_FP32;
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(extra, key);
    if (cJSON_IsString(v)) tfb_model_dtype_parse(v->valuestring, &dtype);
    return dtype;
}

/* The device a prediction for this run uses: the curve's mean bracketed read bandwidth and the run's fp32 peak (the
 * kernels compute in fp32; 0 when the run did not measure it). */
static tfb_model_device run_device(const tfb_results *all, const serving_point *pts, size_t n)
{
    tfb_model_device d = {.peak_gflops = all->ceilings.peak_gflops_fp32,
                          .memory_bytes = (double)all->device.global_mem_bytes};
    double sum = 0.0;
    size_t count = 0;
    for (size_t i = 0; i < n; i++)
        if (pts[i].layer->own_read_gbps > 0) sum += pts[i].layer->own_read_gbps, count++;
    d.bandwidth_gbps = count ? sum / (double)count : all->ceilings.bandwidth_read_gbps;
    snprintf(d.name, sizeof d.name, "%.200s", all->device.name);
    return d;
}

typedef struct serving_ctx {
    const tfb_results *all;
    const tfb_model_config *model;
    tfb_model_dtype weights, kv;
    tfb_model_device device;
    double batch_seq;
} serving_ctx;

/* The whole model's step: its layers at this point's time and bytes per layer, plus the output head. */
static cJSON *batch_entry(const serving_ctx *s, const serving_point *p)
{
    const tfb_result *r = p->layer, *h = p->head;
    double layers = (double)s->model->n_layers;
    double seconds = layers * r->time.median + (h ? h->time.median : 0.0);
    double bytes = layers * r->bytes + (h ? h->bytes : 0.0), flops = layers * r->flops + (h ? h->flops : 0.0);
    double gbps = r->own_read_gbps > 0 ? r->own_read_gbps : s->device.bandwidth_gbps;
    double memory_s = gbps > 0 ? bytes / (gbps * 1e9) : 0.0;
    /* the ops run one after another: each op whose FLOPs bind adds its excess over its bytes (docs/serving.md) */
    tfb_model_device point = s->device;
    point.bandwidth_gbps = gbps;
    double compute_s = layers * tfb_model_decode_layer_excess(s->model, (uint64_t)p->seq, (uint64_t)p->batch,
                                                               s->weights, s->kv, &point) +
                       (h ? tfb_model_head_excess(h->bytes, h->flops, &point) : 0.0);
    double bound_s = memory_s + compute_s;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "batch", p->batch);
    cJSON_AddNumberToObject(o, "seq", p->seq);
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddStringToObject(o, "head", h ? h->name : "none in this run: layers only");
    cJSON_AddNumberToObject(o, "seconds_per_step", seconds);
    cJSON_AddNumberToObject(o, "tokens_per_s", p->batch / seconds);
    cJSON_AddNumberToObject(o, "tokens_per_s_per_sequence", 1.0 / seconds);
    cJSON_AddNumberToObject(o, "bytes_per_step", bytes);
    cJSON_AddNumberToObject(o, "flops_per_step", flops);
    cJSON_AddNumberToObject(o, "read_gbps", gbps);
    if (bound_s > 0) {
        cJSON_AddNumberToObject(o, "bound_tokens_per_s", p->batch / bound_s);
        cJSON_AddStringToObject(o, "bound_roof", compute_s > 0 ? "read, bracketed, and fp32 peak where an op is "
                                                                 "compute-bound" : "read, bracketed");
        cJSON_AddNumberToObject(o, "compute_excess_s", compute_s);
        cJSON_AddNumberToObject(o, "fraction_of_bound", bound_s / seconds);
    } else {
        cJSON_AddNullToObject(o, "bound_tokens_per_s");
        cJSON_AddNullToObject(o, "fraction_of_bound");
    }
    cJSON_AddNumberToObject(o, "predicted_tokens_per_s",
                            tfb_model_batch_bound(s->model, (uint64_t)p->seq, (uint64_t)p->batch, s->weights, s->kv,
                                                  &s->device));
    return o;
}

/* (projections + attention) / (projections + attention + ffn): the lecture's grouping, Q/K/V/O with the scores. */
static double measured_share(const serving_point *p)
{
    double attention = p->group_s[GROUP_PROJECTIONS] + p->group_s[GROUP_ATTENTION];
    double both = attention + p->group_s[GROUP_FFN];
    return both > 0 ? attention / both : 0.0;
}

static void add_or_null(cJSON *o, const char *key, double value)
{
    if (value > 0) cJSON_AddNumberToObject(o, key, value);
    else cJSON_AddNullToObject(o, key);
}

static cJSON *context_entry(const serving_ctx *s, const serving_point *p)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "seq", p->seq);
    cJSON_AddStringToObject(o, "name", p->layer->name);
    cJSON_AddNumberToObject(o, "time_per_layer_s", p->layer->time.median);
    cJSON_AddNumberToObject(o, "attention_share", measured_share(p));
    double both = p->group_s[GROUP_PROJECTIONS] + p->group_s[GROUP_ATTENTION];
    cJSON_AddNumberToObject(o, "attention_share_of_step", p->span_s > 0 ? both / p->span_s : 0.0);
    cJSON_AddNumberToObject(o, "predicted_attention_share",
                            tfb_model_attention_share_bytes(s->model, (uint64_t)p->seq, s->weights, s->kv));
    cJSON_AddNumberToObject(o, "lecture_attention_share",
                            tfb_model_attention_share_lecture(s->model, (uint64_t)p->seq));
    add_or_null(o, "roofline_attention_share",
                tfb_model_attention_share_roofline(s->model, (uint64_t)p->seq, s->weights, s->kv, &s->device));
    cJSON *b = cJSON_AddObjectToObject(o, "breakdown");
    double kernels = 0.0;
    for (int g = 0; g < GROUP_COUNT; g++) {
        cJSON_AddNumberToObject(b, GROUP_KEYS[g], p->group_s[g]);
        kernels += p->group_s[g];
    }
    cJSON_AddNumberToObject(b, "other_s", p->span_s > kernels ? p->span_s - kernels : 0.0);
    cJSON_AddNumberToObject(b, "span_s", p->span_s);
    return o;
}

/* Where the measured share passes 50% for good (the last upward crossing: a noisy point below the crossover that
 * pokes above 50% does not count), between the two contexts around it, linear in log(n). 0: not bracketed. */
double layer_serving_crossover(const double *seq, const double *share, size_t n)
{
    for (size_t i = n > 0 ? n - 1 : 0; i >= 1; i--) {
        if (!(share[i - 1] < 0.5 && share[i] >= 0.5) || !(seq[i - 1] > 0 && seq[i] > seq[i - 1])) continue;
        double t = (0.5 - share[i - 1]) / (share[i] - share[i - 1]);
        return exp(log(seq[i - 1]) + t * (log(seq[i]) - log(seq[i - 1])));
    }
    return 0.0;
}

static cJSON *wall_entry(const serving_ctx *s, const char *device, double memory_bytes, const char *source)
{
    tfb_model_wall w;
    tfb_model_memory_wall(s->model, (uint64_t)s->batch_seq, s->weights, s->kv, memory_bytes, &w);
    cJSON *o = tfb_model_wall_json(&w, device);
    cJSON_AddStringToObject(o, "source", source);
    return o;
}

static cJSON *memory_walls(const serving_ctx *s)
{
    cJSON *list = cJSON_CreateArray();
    cJSON_AddItemToArray(list, wall_entry(s, s->all->device.name, (double)s->all->device.global_mem_bytes,
                                          "this device (global memory)"));
    size_t count;
    const tfb_datasheet *sheets = tfb_datasheets(&count);
    for (size_t i = 0; i < count; i++)
        cJSON_AddItemToArray(list, wall_entry(s, sheets[i].name, sheets[i].memory_gb * 1e9, "datasheet"));
    return list;
}

/* The point with the most batches shares its context with the batch curve: the sweep's n. */
static double batch_curve_seq(const serving_point *pts, size_t n)
{
    double best = 0.0;
    size_t best_count = 0;
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;
        for (size_t j = 0; j < n; j++) count += pts[j].seq == pts[i].seq;
        if (count > best_count) best = pts[i].seq, best_count = count;
    }
    return best;
}

/* Predicted lines for the charts: batches 1, 2, 4, ... up to the largest wall or measured batch; contexts 256 ...
 * past four times the furthest crossover or measured context. */
static void add_predicted_lines(cJSON *root, const serving_ctx *s, double max_batch, double max_seq)
{
    cJSON *batches = cJSON_AddArrayToObject(root, "predicted_batch_curve");
    for (double b = 1; b <= fmax(1.0, max_batch) * 2 && b <= 65536; b *= 2) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "batch", b);
        cJSON_AddNumberToObject(o, "tokens_per_s", tfb_model_batch_bound(s->model, (uint64_t)s->batch_seq,
                                                                         (uint64_t)b, s->weights, s->kv, &s->device));
        cJSON_AddItemToArray(batches, o);
    }
    cJSON *contexts = cJSON_AddArrayToObject(root, "predicted_context_curve");
    for (double n = 256; n <= max_seq * 4 && n <= 4194304; n *= 2) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seq", n);
        cJSON_AddNumberToObject(o, "attention_share", tfb_model_attention_share_bytes(s->model, (uint64_t)n,
                                                                                      s->weights, s->kv));
        cJSON_AddNumberToObject(o, "lecture_attention_share", tfb_model_attention_share_lecture(s->model, (uint64_t)n));
        add_or_null(o, "roofline_attention_share",
                    tfb_model_attention_share_roofline(s->model, (uint64_t)n, s->weights, s->kv, &s->device));
        cJSON_AddItemToArray(contexts, o);
    }
}

static void add_batch_curve(cJSON *root, const serving_ctx *s, const serving_point *pts, size_t n,
                            double *max_batch)
{
    cJSON *curve = cJSON_AddArrayToObject(root, "batch_curve");
    for (size_t i = 0; i < n; i++) {
        if (pts[i].seq != s->batch_seq) continue;
        cJSON_AddItemToArray(curve, batch_entry(s, &pts[i]));
        *max_batch = fmax(*max_batch, pts[i].batch);
    }
    tfb_model_decode d;
    tfb_model_analyze_decode_kv(s->model, TFB_MODEL_EXACT, (uint64_t)s->batch_seq, 1, s->weights, s->kv, &s->device,
                                &d);
    int ridge = s->device.peak_gflops > 0 && s->device.bandwidth_gbps > 0 && d.ridge_batch;
    if (ridge) cJSON_AddNumberToObject(root, "ridge_batch", (double)d.ridge_batch);
    else cJSON_AddNullToObject(root, "ridge_batch");
    const char *rule = "the smallest batch whose step FLOPs / bytes reach fp32 peak / bracketed read bandwidth";
    if (!(s->device.peak_gflops > 0)) rule = "none: this run measured no fp32 peak (add --suite peak)";
    else if (!ridge) rule = "none: the KV reads grow with the batch, so the step's FLOPs / bytes stay below fp32 peak / "
                            "bracketed read bandwidth at every batch";
    cJSON_AddStringToObject(root, "ridge_batch_rule", rule);
    cJSON *walls = memory_walls(s);
    cJSON_AddItemToObject(root, "memory_wall", walls);
    const cJSON *w;
    cJSON_ArrayForEach(w, walls) *max_batch = fmax(*max_batch, tfb_json_number(w, "max_batch", 0));
}

static double add_context_curve(cJSON *root, const serving_ctx *s, const serving_point *pts, size_t n)
{
    double seq[TFB_MAX_LIST * 4], share[TFB_MAX_LIST * 4], max_seq = 0.0;
    size_t count = 0;
    cJSON *curve = cJSON_AddArrayToObject(root, "context_curve");
    for (size_t i = 0; i < n; i++) {
        if (pts[i].batch != 1) continue;
        cJSON_AddItemToArray(curve, context_entry(s, &pts[i]));
        max_seq = fmax(max_seq, pts[i].seq);
        if (count < sizeof seq / sizeof *seq) seq[count] = pts[i].seq, share[count++] = measured_share(&pts[i]);
    }
    double measured = layer_serving_crossover(seq, share, count);
    double predicted = tfb_model_crossover_bytes(s->model, s->weights, s->kv);
    double lecture = tfb_model_crossover_context(s->model, TFB_MODEL_LECTURE);
    double roofline = tfb_model_crossover_roofline(s->model, s->weights, s->kv, &s->device);
    add_or_null(root, "crossover_seq_measured", measured);
    add_or_null(root, "crossover_seq_predicted", predicted);
    add_or_null(root, "crossover_seq_lecture", lecture);
    add_or_null(root, "crossover_seq_roofline", roofline);
    cJSON_AddStringToObject(root, "crossover_roofline_rule",
                            roofline > 0 ? "per op max(bytes / bracketed read bandwidth, FLOPs / fp32 peak)"
                            : s->device.peak_gflops > 0 ? "none: attention leads the FFN at every context"
                                                        : "none: this run measured no fp32 peak (add --suite peak)");
    if (measured > 0 && predicted > 0) cJSON_AddNumberToObject(root, "crossover_measured_over_predicted",
                                                              measured / predicted);
    if (measured > 0 && roofline > 0) cJSON_AddNumberToObject(root, "crossover_measured_over_roofline",
                                                             measured / roofline);
    return fmax(max_seq, fmax(measured, fmax(predicted, fmax(lecture, roofline))));
}

void layer_serving_finish(tfb_run *run)
{
    enum { MAX_POINTS = TFB_MAX_LIST * 4 };
    serving_point pts[MAX_POINTS];
    tfb_results *all = run->results;
    size_t n = collect(all, pts, MAX_POINTS);
    if (n == 0) return;
    serving_ctx s = {.all = all, .model = &run->workload->model, .weights = dtype_of(pts[0].layer->extra,
                                                                                      "weight_dtype"),
                     .kv = dtype_of(pts[0].layer->extra, "kv_dtype"), .device = run_device(all, pts, n),
                     .batch_seq = batch_curve_seq(pts, n)};
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "sweep", run->workload->sweep == TFB_SWEEP_SEQ ? "seq" : "batch");
    cJSON_AddStringToObject(root, "model", s.model->name);
    cJSON_AddNumberToObject(root, "model_layers", (double)s.model->n_layers);
    cJSON_AddStringToObject(root, "weight_dtype", tfb_model_dtype_name(s.weights));
    cJSON_AddStringToObject(root, "kv_dtype", tfb_model_dtype_name(s.kv));
    cJSON_AddNumberToObject(root, "read_gbps", s.device.bandwidth_gbps);
    cJSON_AddNumberToObject(root, "peak_gflops", s.device.peak_gflops);
    cJSON_AddStringToObject(root, "headroom_rule", "weights + KV cache of all layers <= 0.9 x the device's memory");
    double max_batch = 1.0;
    add_batch_curve(root, &s, pts, n, &max_batch);
    double max_seq = add_context_curve(root, &s, pts, n);
    add_predicted_lines(root, &s, max_batch, max_seq);
    if (!all->context_extra) all->context_extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(all->context_extra, "serving");
    cJSON_AddItemToObject(all->context_extra, "serving", root);
}

static double num(const cJSON *o, const char *key)
{
    return tfb_json_number(o, key, 0.0);
}

static void print_batch_curve(const cJSON *root, FILE *out)
{
    const cJSON *o, *curve = cJSON_GetObjectItemCaseSensitive(root, "batch_curve");
    if (cJSON_GetArraySize(curve) == 0) return;
    fprintf(out, "\nServing, batch curve of %s at context %.0f (%.0f layers x time per layer + the head):\n",
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "model")),
            num(cJSON_GetArrayItem(curve, 0), "seq"), num(root, "model_layers"));
    fprintf(out, "  %6s %12s %12s %10s %12s %7s %12s\n", "batch", "tokens/s", "per seq", "GB/step", "bound", "of it",
            "tfbench model");
    cJSON_ArrayForEach(o, curve)
        fprintf(out, "  %6.0f %12.4g %12.4g %10.3f %12.4g %6.0f%% %12.4g\n", num(o, "batch"), num(o, "tokens_per_s"),
                num(o, "tokens_per_s_per_sequence"), num(o, "bytes_per_step") / 1e9, num(o, "bound_tokens_per_s"),
                100 * num(o, "fraction_of_bound"), num(o, "predicted_tokens_per_s"));
    const cJSON *ridge = cJSON_GetObjectItemCaseSensitive(root, "ridge_batch");
    if (cJSON_IsNumber(ridge)) fprintf(out, "  ridge batch %.0f\n", ridge->valuedouble);
    else fprintf(out, "  ridge batch %s\n",
                 cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "ridge_batch_rule")));
    fprintf(out, "  memory wall (%s):", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "headroom_rule")));
    cJSON_ArrayForEach(o, cJSON_GetObjectItemCaseSensitive(root, "memory_wall"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "weights_fit")))
            fprintf(out, "\n    %-40.40s %6.1f GB: batch %.0f", cJSON_GetStringValue(cJSON_GetObjectItem(o, "device")),
                    num(o, "memory_bytes") / 1e9, num(o, "max_batch"));
        else
            fprintf(out, "\n    %-40.40s %6.1f GB: the weights alone (%.1f GB) do not fit",
                    cJSON_GetStringValue(cJSON_GetObjectItem(o, "device")), num(o, "memory_bytes") / 1e9,
                    num(o, "weight_bytes") / 1e9);
    }
    fputc('\n', out);
}

static void print_context_curve(const cJSON *root, FILE *out)
{
    const cJSON *o, *curve = cJSON_GetObjectItemCaseSensitive(root, "context_curve");
    if (cJSON_GetArraySize(curve) == 0) return;
    fprintf(out, "\nServing, context curve at batch 1: attention (Q/K/V/O + scores) / (attention + FFN) time:\n");
    fprintf(out, "  %8s %10s %9s %9s %9s %9s   %s\n", "context", "per layer", "measured", "bytes", "FLOPs",
            "roofline", "proj / attn / ffn / small ms");
    cJSON_ArrayForEach(o, curve)
    {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "breakdown");
        char roofline[16] = "-";
        if (num(o, "roofline_attention_share") > 0)
            snprintf(roofline, sizeof roofline, "%.0f%%", 100 * num(o, "roofline_attention_share"));
        fprintf(out, "  %8.0f %8.2f ms %8.0f%% %8.0f%% %8.0f%% %9s   %.2f / %.2f / %.2f / %.2f\n", num(o, "seq"),
                1e3 * num(o, "time_per_layer_s"), 100 * num(o, "attention_share"),
                100 * num(o, "predicted_attention_share"), 100 * num(o, "lecture_attention_share"), roofline,
                1e3 * num(b, "projections_s"), 1e3 * num(b, "attention_s"), 1e3 * num(b, "ffn_s"),
                1e3 * num(b, "small_s"));
    }
    char measured[64] = "not within the measured contexts";
    if (num(root, "crossover_seq_measured") > 0)
        snprintf(measured, sizeof measured, "%.0f (x%.2f of the bytes' prediction)",
                 num(root, "crossover_seq_measured"), num(root, "crossover_measured_over_predicted"));
    fprintf(out, "  crossover: measured %s; predicted %.0f (bytes, %s weights, %s cache); lecture %.0f (FLOPs, MHA)\n",
            measured, num(root, "crossover_seq_predicted"),
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "weight_dtype")),
            cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "kv_dtype")),
            num(root, "crossover_seq_lecture"));
    if (num(root, "crossover_seq_roofline") > 0)
        fprintf(out, "  roofline time (per op max(bytes / W, FLOPs / P)): %.0f", num(root, "crossover_seq_roofline"));
    else
        fprintf(out, "  roofline time: %s", cJSON_GetStringValue(cJSON_GetObjectItem(root, "crossover_roofline_rule")));
    if (num(root, "crossover_measured_over_roofline") > 0)
        fprintf(out, " (measured x%.2f of it)", num(root, "crossover_measured_over_roofline"));
    fputc('\n', out);
}

void layer_serving_summarize(const tfb_results *results, FILE *out)
{
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(results->context_extra, "serving");
    if (!cJSON_IsObject(root)) return;
    if (strcmp(cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(root, "sweep")), "seq") == 0) {
        print_context_curve(root, out);
        return;
    }
    print_batch_curve(root, out);
}
