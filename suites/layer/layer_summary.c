/* What the layer suite reports beyond the table: each case's op breakdown and accounting (JSON), and after the
 * suite, in context.ceilings.layer, each case against the bound of this run's ceilings and each model-level
 * figure (tokens/s of the whole model from layers x time per layer + the output head) beside tfbench model's
 * prediction for this device; the terminal summary prints that object. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "layer.h"
#include "tfbench/verify.h"

static const char *const GROUP_NAMES[GROUP_COUNT] = {"projections", "attention", "ffn", "small"};

static const char *const FUSIONS[] = {
    "qkv: the Q, K and V projections as one product over the concatenated weights",
    "gate_up: the FFN's gate and up projections as one product",
    "rope_append (decode) / rope_scatter (prefill): rotary embedding of Q and K in the pass that appends K and V "
    "to the cache (or lays them out for flash attention)",
    "add_rms_norm: the residual add after attention fused with the FFN's RMSNorm",
    "silu_mul: SiLU(gate) x up in one pass over the fused gate/up output",
    "attention: flash-decoding over the cache split and combined (decode); flash attention writing token-major rows "
    "for the O projection (prefill)",
};

static void add_fusions(cJSON *object, const layer_dims *dims)
{
    cJSON *fusions = cJSON_AddArrayToObject(object, "fusions");
    size_t count = sizeof FUSIONS / sizeof *FUSIONS;
    const char *const *list = dims->classic   ? layer_classic_fusions(&count)
                              : dims->experts ? layer_moe_fusions(&count)
                                              : FUSIONS;
    for (size_t i = 0; i < count; i++) cJSON_AddItemToArray(fusions, cJSON_CreateString(list[i]));
}

static void add_kernels(cJSON *extra, const layer_state *s)
{
    const layer_breakdown *b = s->profiled.executions ? &s->profiled : &s->executed;  /* as add_breakdown */
    static const char *const DECODE[] = {"rms_norm", "qkv", "rope_append", "decode_partial", "decode_combine", "o",
                                         "add_rms_norm", "gate_up", "silu_mul", "down", "add"};
    static const char *const PREFILL[] = {"rms_norm", "qkv", "rope_scatter", "flash_attention", "o", "add_rms_norm",
                                          "gate_up", "silu_mul", "down", "add"};
    static const char *const DECODE_CONVERTED[] = {"rms_norm", "qkv", "rope_append", "decode_append_kv",
                                                   "decode_partial", "decode_combine", "o", "add_rms_norm", "gate_up",
                                                   "silu_mul", "down", "add"};  /* an fp16 or q8_0 cache */
    cJSON *list = cJSON_AddArrayToObject(extra, "kernels");
    for (size_t i = 0; i < s->per_layer; i++) {
        cJSON *k = cJSON_CreateObject();
        const char *const *names = s->p.phase == LAYER_DECODE ? (s->units[0].kv_append ? DECODE_CONVERTED : DECODE)
                                                              : PREFILL;
        if (s->dims.classic) names = layer_classic_kernel_names(&s->dims, s->p.phase);
        if (s->dims.experts) names = layer_moe_kernel_names(s->p.phase);
        cJSON_AddStringToObject(k, "name", names[i]);
        cJSON_AddStringToObject(k, "group", GROUP_NAMES[s->groups[i]]);
        cJSON_AddNumberToObject(k, "seconds", b->kernel_s[i] / (double)s->p.layers);  /* per layer */
        cJSON_AddItemToArray(list, k);
    }
    add_fusions(extra, &s->dims);
    const layer_unit *u = &s->units[0];
    cJSON *tiles = cJSON_AddObjectToObject(extra, "tiles");
    cJSON_AddStringToObject(tiles, "qkv", u->qkv.tile);
    cJSON_AddStringToObject(tiles, "o", u->o.tile);
    cJSON_AddStringToObject(tiles, s->dims.classic ? "up" : "gate_up", u->gate_up.tile);
    cJSON_AddStringToObject(tiles, "down", u->down.tile);
    cJSON_AddStringToObject(tiles, "tuning", u->down.tuning);
}

/* Seconds per layer of each group, the rest of the span (launch gaps) as "other", and each one's share. */
static void add_breakdown(cJSON *extra, const layer_state *s)
{
    const layer_breakdown *b = s->profiled.executions ? &s->profiled : &s->executed;
    cJSON *o = cJSON_AddObjectToObject(extra, "breakdown");
    char source[96];
    if (s->profiled.executions && s->profiled.before_timing)
        snprintf(source, sizeof source, "the warm execution before the timed ones");
    else if (s->profiled.executions)
        snprintf(source, sizeof source, "%zu profiled executions after the timed ones", b->executions);
    else
        snprintf(source, sizeof source, "the checked run before the timed ones");
    cJSON_AddStringToObject(o, "source", source);
    double layers = (double)s->p.layers, kernels = 0.0;
    for (int g = 0; g < GROUP_COUNT; g++) kernels += b->group_s[g];
    double span = b->span_s > kernels ? b->span_s : kernels;
    cJSON_AddNumberToObject(o, "span_s", span / layers);
    for (int g = 0; g < GROUP_COUNT; g++) {
        char key[32];
        snprintf(key, sizeof key, "%s_s", GROUP_NAMES[g]);
        cJSON_AddNumberToObject(o, key, b->group_s[g] / layers);
        cJSON_AddNumberToObject(o, GROUP_NAMES[g], span > 0 ? b->group_s[g] / span : 0.0);
    }
    cJSON_AddNumberToObject(o, "other_s", (span - kernels) / layers);
    cJSON_AddNumberToObject(o, "other", span > 0 ? (span - kernels) / span : 0.0);
}

cJSON *layer_breakdown_json(const layer_state *s, const tfb_model_config *model)
{
    cJSON *extra = cJSON_CreateObject();
    tfb_model_dtype weights = layer_weight_dtype(&s->p);
    tfb_model_layer cost;
    if (s->p.phase == LAYER_DECODE) tfb_model_layer_decode(model, TFB_MODEL_EXACT, s->p.context, s->p.rows, weights,
                                                           layer_kv_model_dtype(&s->p), &cost);
    else tfb_model_layer_prefill(model, TFB_MODEL_EXACT, s->p.rows, weights, TFB_MODEL_FP32, &cost);
    cJSON_AddStringToObject(extra, "phase", s->p.phase == LAYER_DECODE ? "decode" : "prefill");
    cJSON_AddStringToObject(extra, "model", model->name);
    cJSON_AddStringToObject(extra, "family", s->dims.classic ? "classic" : s->dims.experts ? "moe" : "llama");
    cJSON_AddNumberToObject(extra, "rows", (double)s->p.rows);
    cJSON_AddNumberToObject(extra, "context_tokens", (double)s->p.context);
    cJSON_AddNumberToObject(extra, "layers_in_stack", (double)s->p.layers);
    cJSON_AddNumberToObject(extra, "model_layers", (double)model->n_layers);
    cJSON_AddStringToObject(extra, "weight_dtype", tfb_model_dtype_name(weights));
    cJSON_AddStringToObject(extra, "kv_dtype", tfb_model_dtype_name(layer_kv_model_dtype(&s->p)));
    cJSON_AddStringToObject(extra, "accumulate", "fp32");
    cJSON *m = cJSON_AddObjectToObject(extra, "layer_model");
    cJSON_AddNumberToObject(m, "flops_projections", (double)cost.flops_projections);
    cJSON_AddNumberToObject(m, "flops_attention", (double)cost.flops_attention);
    cJSON_AddNumberToObject(m, "flops_ffn", (double)cost.flops_ffn);
    cJSON_AddNumberToObject(m, "weight_bytes", (double)cost.weight_bytes);
    cJSON_AddNumberToObject(m, "kv_read_bytes", (double)cost.kv_read_bytes);
    cJSON_AddNumberToObject(m, "kv_write_bytes", (double)cost.kv_write_bytes);
    cJSON_AddNumberToObject(m, "activation_bytes", (double)cost.activation_bytes);
    add_kernels(extra, s);
    add_breakdown(extra, s);
    if (s->bracket_gbps[0] > 0 && s->bracket_gbps[1] > 0) {
        cJSON *b = cJSON_AddObjectToObject(extra, "read_bracket");
        cJSON_AddNumberToObject(b, "before_gbps", s->bracket_gbps[0]);
        cJSON_AddNumberToObject(b, "after_gbps", s->bracket_gbps[1]);
        cJSON_AddNumberToObject(b, "before_vector_width", s->bracket_vec[0]);
        cJSON_AddNumberToObject(b, "after_vector_width", s->bracket_vec[1]);
        cJSON_AddNumberToObject(b, "prefetch_bytes_ahead", s->bracket_prefetch);
        cJSON_AddNumberToObject(b, "bytes", (double)(s->probe.count + s->probe.items) * sizeof(float));
    }
    tfb_add_verification(extra, s->checked_rows, s->checked_cols, (double)s->p.rows * (double)s->dims.d,
                         "full_reference");
    cJSON_AddStringToObject(cJSON_GetObjectItem(extra, "verification"), "projections",
                            tfb_product_method(s->p.rows));
    tfb_add_verification_seconds(extra, s->check_seconds);
    return extra;
}

/* The time a point of this work takes at the roof of this run's ceilings (fp32 arithmetic: fp16 weights are
 * converted, so an fp16 peak does not apply; the read roof where writes are at most 10% of the traffic). */
static double bound_seconds(const tfb_ceilings *c, double flops, double bytes, double written, const char **kind)
{
    double roof = tfb_roofline_for(c, "fp32", bytes > 0 ? flops / bytes : 0.0, bytes, written, kind);
    return roof > 0 ? flops / (roof * 1e9) : 0.0;
}

/* The run's ceilings with a decode step's own bracketed read bandwidth (own_read_gbps) in place of the read
 * ceiling: the substitution the results' roofline makes for the same point. */
double layer_case_bound_seconds(const tfb_ceilings *c, const tfb_result *r, const char **kind)
{
    tfb_ceilings own = *c;
    if (r->own_read_gbps > 0) own.bandwidth_read_gbps = r->own_read_gbps;
    const char *roof = NULL;
    double bound = bound_seconds(&own, r->flops, r->bytes, r->bytes_written, &roof);
    if (kind) *kind = r->own_read_gbps > 0 && roof && strcmp(roof, "read") == 0 ? "read, bracketed" : roof;
    return bound;
}

static int layer_point(const tfb_result *r, const char *phase)
{
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(r->extra, "phase");
    return strcmp(r->suite, "layer") == 0 && !r->skipped[0] && r->verified == 1 && r->time.median > 0 &&
           cJSON_IsString(p) && strcmp(p->valuestring, phase) == 0;
}

/* The output head at `rows` rows in the layer's weight dtype, else in another (the default run measures the head
 * in fp16 only: for a prefill its one GEMV is a few thousandths of the step either way). */
static const tfb_result *head_for(const tfb_results *all, const tfb_result *layer, double rows)
{
    char name[192];
    const tfb_result *other = NULL;
    snprintf(name, sizeof name, "layer/tfbench/head-b%.0f-", rows);
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *h = &all->items[i];
        if (!layer_point(h, "head") || strncmp(h->name, name, strlen(name)) != 0) continue;
        if (strcmp(h->dtype, layer->dtype) == 0) return h;
        other = other ? other : h;
    }
    return other;
}

static cJSON *case_entry(const tfb_ceilings *c, const tfb_result *r)
{
    const char *kind = NULL;
    double bound = layer_case_bound_seconds(c, r, &kind);
    double run_bound = bound_seconds(c, r->flops, r->bytes, r->bytes_written, NULL);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddStringToObject(o, "shape", r->shape);
    cJSON_AddStringToObject(o, "dtype", r->dtype);
    cJSON_AddStringToObject(o, "phase", cJSON_GetObjectItemCaseSensitive(r->extra, "phase")->valuestring);
    cJSON_AddNumberToObject(o, "rows", tfb_json_number(r->extra, "rows", 0));
    cJSON_AddNumberToObject(o, "context_tokens", tfb_json_number(r->extra, "context_tokens", 0));
    cJSON_AddNumberToObject(o, "layers_in_stack", tfb_json_number(r->extra, "layers_in_stack", 0));
    cJSON_AddNumberToObject(o, "time_per_layer_s", r->time.median);
    cJSON_AddNumberToObject(o, "bound_s", bound);
    cJSON_AddNumberToObject(o, "fraction_of_bound", bound > 0 ? bound / r->time.median : 0.0);
    if (kind) cJSON_AddStringToObject(o, "roof", kind);
    if (r->own_read_gbps > 0) {
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(r->extra, "read_bracket");
        cJSON_AddItemToObject(o, "read_bracket", cJSON_Duplicate(b, 1));
        cJSON_AddNumberToObject(o, "bound_run_ceilings_s", run_bound);
        cJSON_AddNumberToObject(o, "fraction_of_run_bound", run_bound > 0 ? run_bound / r->time.median : 0.0);
    }
    const cJSON *breakdown = cJSON_GetObjectItemCaseSensitive(r->extra, "breakdown");
    if (breakdown) cJSON_AddItemToObject(o, "breakdown", cJSON_Duplicate(breakdown, 1));
    return o;
}

/* A case's weight or cache format as its extra names it (fp32 if absent). */
static tfb_model_dtype extra_dtype(const tfb_result *r, const char *key)
{
    const char *name = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(r->extra, key));
    tfb_model_dtype dtype = TFB_MODEL_FP32;
    if (name) tfb_model_dtype_parse(name, &dtype);
    return dtype;
}

/* The prediction `tfbench model --measured` makes from this run's file: its bandwidth is the read-write ceiling. */
static int model_prediction(const tfb_results *all, const tfb_model_config *m, const tfb_result *r,
                            tfb_model_decode *out)
{
    const tfb_ceilings *c = &all->ceilings;
    if (!(c->bandwidth_gbps > 0)) return 0;
    tfb_model_device device = {.bandwidth_gbps = c->bandwidth_gbps, .peak_gflops = c->peak_gflops_fp32,
                               .memory_bytes = (double)all->device.global_mem_bytes};
    snprintf(device.name, sizeof device.name, "%.127s", all->device.name);
    tfb_model_analyze_decode_kv(m, TFB_MODEL_EXACT, (uint64_t)tfb_json_number(r->extra, "context_tokens", 1),
                                (uint64_t)tfb_json_number(r->extra, "rows", 1), extra_dtype(r, "weight_dtype"),
                                extra_dtype(r, "kv_dtype"), &device, out);
    return 1;
}

/* Tokens/s of the whole model: its layers at this case's time per layer, plus the output head measured alone;
 * the bound of this run's ceilings the same way; decode beside tfbench model's prediction. */
static cJSON *model_entry(const tfb_results *all, const tfb_model_config *m, const tfb_result *r, int decode)
{
    double rows = tfb_json_number(r->extra, "rows", 1), layers = (double)m->n_layers;
    const tfb_result *head = head_for(all, r, decode ? rows : 1);
    if (!head) return NULL;
    const tfb_ceilings *c = &all->ceilings;
    double seconds = layers * r->time.median + head->time.median;
    double bound = layers * layer_case_bound_seconds(c, r, NULL) +
                   bound_seconds(c, head->flops, head->bytes, head->bytes_written, NULL);
    double tokens = rows;  /* decode: one per sequence of the batch; prefill: the prompt */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddStringToObject(o, "head", head->name);
    cJSON_AddStringToObject(o, "phase", decode ? "decode" : "prefill");
    cJSON_AddStringToObject(o, "dtype", r->dtype);
    cJSON_AddNumberToObject(o, "rows", rows);
    cJSON_AddNumberToObject(o, "context_tokens", tfb_json_number(r->extra, "context_tokens", 0));
    cJSON_AddNumberToObject(o, "seconds", seconds);
    cJSON_AddNumberToObject(o, "bytes_per_step", layers * r->bytes + head->bytes);
    cJSON_AddNumberToObject(o, "tokens_per_second", tokens / seconds);
    if (decode) cJSON_AddNumberToObject(o, "tokens_per_second_per_sequence", 1.0 / seconds);
    if (bound > 0) cJSON_AddNumberToObject(o, "bound_tokens_per_second", tokens / bound);
    tfb_model_decode predicted;
    if (decode && model_prediction(all, m, r, &predicted)) {
        cJSON_AddNumberToObject(o, "model_tokens_per_second", predicted.tokens_per_second_aggregate);
        cJSON_AddNumberToObject(o, "model_bandwidth_gbps", c->bandwidth_gbps);
        cJSON_AddNumberToObject(o, "model_ridge_batch", (double)predicted.ridge_batch);
        cJSON_AddNumberToObject(o, "model_ridge_batch_weights_only", (double)predicted.ridge_batch_weights_only);
    }
    return o;
}

void layer_finish(tfb_run *run)
{
    tfb_results *all = run->results;
    const tfb_model_config *m = &run->workload->model;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "model", m->name);
    cJSON_AddNumberToObject(root, "model_layers", (double)m->n_layers);
    cJSON *cases = cJSON_AddArrayToObject(root, "cases"), *models = cJSON_AddArrayToObject(root, "models");
    layer_dims dims = {0};
    tfb_error ignored;
    layer_dims_of(m, &dims, &ignored);
    add_fusions(root, &dims);
    cJSON_AddStringToObject(root, "family", dims.classic ? "classic" : dims.experts ? "moe" : "llama");
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *r = &all->items[i];
        int decode = layer_point(r, "decode");
        if (!decode && !layer_point(r, "prefill")) continue;
        cJSON_AddItemToArray(cases, case_entry(&all->ceilings, r));
        cJSON *model = model_entry(all, m, r, decode);
        if (model) cJSON_AddItemToArray(models, model);
    }
    layer_moe_curve(root, all, m);
    layer_formats_table(root);
    if (!all->ceilings.extra) all->ceilings.extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(all->ceilings.extra, "layer");
    cJSON_AddItemToObject(all->ceilings.extra, "layer", root);
    if (run->workload->sweep != TFB_SWEEP_NONE) layer_serving_finish(run);
}

static double number(const cJSON *o, const char *key)
{
    return tfb_json_number(o, key, 0.0);
}

static const char *text(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : "?";
}

static void format_time(double seconds, char *out, size_t size)
{
    if (seconds >= 1.0) snprintf(out, size, "%.3f s", seconds);
    else if (seconds >= 1e-3) snprintf(out, size, "%.2f ms", seconds * 1e3);
    else snprintf(out, size, "%.1f us", seconds * 1e6);
}

/* width: of the dtype column (4, or the longest format name of the run) */
static void print_case(const cJSON *o, int width, FILE *out)
{
    char per_layer[24], bound[24], share[64] = "";
    const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "breakdown");
    format_time(number(o, "time_per_layer_s"), per_layer, sizeof per_layer);
    format_time(number(o, "bound_s"), bound, sizeof bound);
    if (b)
        snprintf(share, sizeof share, "%4.0f%% %4.0f%% %4.0f%% %4.0f%% %4.0f%%", 100 * number(b, "projections"),
                 100 * number(b, "attention"), 100 * number(b, "ffn"), 100 * number(b, "small"),
                 100 * number(b, "other"));
    if (number(o, "bound_s") > 0)
        fprintf(out, "  %-20.20s %-*s %5.0f %10s %10s %6.0f%%  %s\n", text(o, "shape"), width, text(o, "dtype"),
                number(o, "layers_in_stack"), per_layer, bound, 100 * number(o, "fraction_of_bound"), share);
    else
        fprintf(out, "  %-20.20s %-*s %5.0f %10s %10s %7s  %s\n", text(o, "shape"), width, text(o, "dtype"),
                number(o, "layers_in_stack"), per_layer, "-", "-", share);
    const cJSON *bracket = cJSON_GetObjectItemCaseSensitive(o, "read_bracket");
    if (!bracket) return;
    double before = number(bracket, "before_gbps"), after = number(bracket, "after_gbps");
    double moved = 2 * fabs(after - before) / (after + before);
    char against_run[64] = "no stream ceiling in this run";  /* --suite layer alone */
    if (number(o, "fraction_of_run_bound") > 0)
        snprintf(against_run, sizeof against_run, "the stream ceiling: %.0f%%", 100 * number(o, "fraction_of_run_bound"));
    fprintf(out, "  %-20s read bandwidth %.1f GB/s before, %.1f after its timing (%s)%s\n", "", before, after,
            against_run, moved > 0.1 ? "; it moved over 10% meanwhile: the fraction is uncertain" : "");
}

static void print_model(const cJSON *o, FILE *out)
{
    char bound[48] = "", model[64] = "";
    if (number(o, "bound_tokens_per_second") > 0)
        snprintf(bound, sizeof bound, "; bound %.3g (%.0f%%)", number(o, "bound_tokens_per_second"),
                 100 * number(o, "tokens_per_second") / number(o, "bound_tokens_per_second"));
    if (number(o, "model_tokens_per_second") > 0)
        snprintf(model, sizeof model, "; tfbench model %.3g (%.0f%%)", number(o, "model_tokens_per_second"),
                 100 * number(o, "tokens_per_second") / number(o, "model_tokens_per_second"));
    if (strcmp(text(o, "phase"), "decode") == 0)
        fprintf(out, "  decode b%-3.0f n%-6.0f %s %9.3g tok/s (%.3g per sequence)%s%s\n", number(o, "rows"),
                number(o, "context_tokens"), text(o, "dtype"), number(o, "tokens_per_second"),
                number(o, "tokens_per_second_per_sequence"), bound, model);
    else
        fprintf(out, "  prefill n%-6.0f     %s %9.3g tok/s%s\n", number(o, "rows"), text(o, "dtype"),
                number(o, "tokens_per_second"), bound);
}

/* Decode points of one dtype and context in batch order: where the aggregate stops growing with the batch (a
 * step that buys less than half the tokens/s its extra sequences would at the same time per step). */
static void print_batching(const cJSON *models, FILE *out)
{
    const cJSON *o, *prev = NULL;
    cJSON_ArrayForEach(o, models)
    {
        int decode = strcmp(text(o, "phase"), "decode") == 0;
        int same = prev && decode && strcmp(text(prev, "dtype"), text(o, "dtype")) == 0 &&
                   number(prev, "context_tokens") == number(o, "context_tokens");
        if (decode && !same)
            fprintf(out, "  %s n%.0f: b%.0f %.3g tok/s", text(o, "dtype"), number(o, "context_tokens"),
                    number(o, "rows"), number(o, "tokens_per_second"));
        if (same) {
            double gain = number(o, "tokens_per_second") / number(prev, "tokens_per_second");
            double more = number(o, "rows") / number(prev, "rows");
            fprintf(out, ", b%.0f %.3g (x%.2f for x%.0f sequences%s)", number(o, "rows"),
                    number(o, "tokens_per_second"), gain, more, gain < 0.5 * more ? ": stops paying" : "");
        }
        const cJSON *next = o->next;
        int ends = decode && (!next || strcmp(text(next, "phase"), "decode") != 0 ||
                              strcmp(text(next, "dtype"), text(o, "dtype")) != 0 ||
                              number(next, "context_tokens") != number(o, "context_tokens"));
        if (ends && number(o, "model_ridge_batch_weights_only") > 0)
            fprintf(out, "; model ridge batch %.0f (weights only)", number(o, "model_ridge_batch_weights_only"));
        if (ends) fprintf(out, "\n");
        prev = decode ? o : NULL;
    }
}

void layer_summarize(const tfb_results *results, FILE *out)
{
    const cJSON *root = cJSON_GetObjectItemCaseSensitive(results->ceilings.extra, "layer");
    const cJSON *cases = cJSON_GetObjectItemCaseSensitive(root, "cases"), *o;
    if (cJSON_GetArraySize(cases) == 0) return;
    fprintf(out, "\nDecoder layer of %s, per layer against its bound (decode: bytes / the read bandwidth measured "
                 "just\nbefore and after its timing; prefill: the roofline of this run's ceilings):\n",
            text(root, "model"));
    if (strcmp(text(root, "family"), "classic") == 0)
        fprintf(out, "  classic block; fusions: QKV one product; Q/K/V biases with the KV append; O bias and residual "
                     "add with\n           LayerNorm; up bias in GELU; down bias with the residual; flash-decoding / "
                     "flash attention\n");
    else if (strcmp(text(root, "family"), "moe") == 0)
        fprintf(out, "  mixture of experts; fusions: QKV one product; RoPE with the KV append; residual add with "
                     "RMSNorm;\n           top-k with its softmax; each touched expert read once for its tokens; "
                     "weighted sum with the residual\n");
    else
        fprintf(out, "  fusions: QKV one product; gate/up one product; RoPE with the KV append; residual add with "
                     "RMSNorm;\n           SiLU x up; flash-decoding / flash attention writing token-major rows\n");
    int width = 4;
    cJSON_ArrayForEach(o, cases) if ((int)strlen(text(o, "dtype")) > width) width = (int)strlen(text(o, "dtype"));
    fprintf(out, "  %-20s %-*s %5s %10s %10s %7s  %s\n", "case", width, "", "stack", "per layer", "bound", "of it",
            "proj attn  ffn small other");
    cJSON_ArrayForEach(o, cases) print_case(o, width, out);
    const cJSON *models = cJSON_GetObjectItemCaseSensitive(root, "models");
    if (cJSON_GetArraySize(models) == 0) return;
    fprintf(out, "Whole model (%.0f layers x time per layer + the output head), against the same bound and tfbench "
                 "model --measured:\n", number(root, "model_layers"));
    cJSON_ArrayForEach(o, models) print_model(o, out);
    fprintf(out, "Decode batching, aggregate tokens/s:\n");
    print_batching(models, out);
    layer_formats_print(root, out);
    layer_moe_print_curve(root, out);
}
