/* layer: one Llama-style decoder layer of the run's model (--model/--config, default Llama 2 7B), end to end:
 * RMSNorm, the fused Q/K/V projection (K and V sized by the KV heads), rotary embedding with the KV-cache append,
 * attention (flash-decoding over the cache for decode, flash attention for prefill), the O projection, the residual
 * add fused with the second RMSNorm, the fused gate/up projection, SiLU(gate) x up, the down projection and the
 * last residual add. Decode (a batch of sequences, one new token each, at context n) runs a stack of distinct layers
 * reaching the run's out-of-cache size, each with its own cache, as a model's step reads every weight once; prefill
 * (n prompt tokens, causal) is compute-bound and runs one. Figures are per layer. The output head is its own case
 * (the gemm suite's GEMV/GEMM), so the summary can give tokens/s for the whole model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"

/* What the run sweeps: --suite layer the whole sweep (fp16 and fp32 weights); the default run and --quick one decode
 * case (B 1, n 4096, fp16 weights: how decode is served), one prefill case (fp32 weights: prefill is compute-bound,
 * and fp32 weights run the GEMM kernel twice as fast here as converted fp16 ones; n 512 in the default run, about
 * 10 s of it on 2 cores; n 128 with --quick, which must stay under 40 s) and the output head at batch 1 (fp16).
 * One 7B layer at n 4096 is already out of cache, so the quick decode case builds one layer. --batch and --seq
 * replace the batches and the lengths (--seq both the decode contexts and the prompt lengths). */
static const tfb_axis BATCH = {"batch", "decode: sequences, one new token each (--batch replaces it)", TFB_AXIS_LIST(1),
                               TFB_AXIS_LIST(1), TFB_AXIS_LIST(1, 8, 32)};
static const tfb_axis CONTEXT = {"context", "decode: n, tokens in the KV cache (--seq replaces it)",
                                 TFB_AXIS_LIST(4096), TFB_AXIS_LIST(4096), TFB_AXIS_LIST(512, 4096)};
static const tfb_axis PROMPT = {"prompt", "prefill: n, prompt tokens (--seq replaces it)", TFB_AXIS_LIST(512),
                                TFB_AXIS_LIST(128), TFB_AXIS_LIST(128, 512, 2048)};
static const tfb_axis DECODE_WEIGHTS = {"decode_weights", "decode: weight formats, 0 fp32, 1 fp16, 2 q8_0, 3 q4_0, "
                                        "4 int4-g128 (--weights replaces it)", TFB_AXIS_LIST(TFB_WEIGHTS_FP16),
                                        TFB_AXIS_LIST(TFB_WEIGHTS_FP16),
                                        TFB_AXIS_LIST(TFB_WEIGHTS_FP16, TFB_WEIGHTS_FP32)};
static const tfb_axis DECODE_KV = {"decode_kv_dtype", "decode: KV-cache formats, 0 fp32, 1 fp16, 2 q8_0 (--kv-dtype "
                                   "replaces it)", TFB_AXIS_LIST(TFB_KV_FP32), TFB_AXIS_LIST(TFB_KV_FP32),
                                   TFB_AXIS_LIST(TFB_KV_FP32)};
/* The step as deployed (docs/quantization.md): decode at batch 1 and the first context with q4_0 weights and an fp16
 * cache beside the fp16 step, what 4 bits buy on this device; cheap: one layer (113 MB at 7B, under the 512 MiB
 * out-of-cache floor, so marked cache-resident; --weights q4_0 --kv-dtype fp16 measures the stack) and few samples. */
static const tfb_axis QUANTIZED_STEP = {"quantized_step", "1: also decode b1 at q4_0 weights and an fp16 cache",
                                        TFB_AXIS_LIST(1), TFB_AXIS_LIST(0), TFB_AXIS_LIST(1)};
/* --quick stores the prefill's weights in fp16 (fp32 arithmetic): one fp32 Llama 2 7B layer alone is 809 MB, and
 * --quick must stay within 1 GiB of memory (docs/measurement.md). */
static const tfb_axis PREFILL_WEIGHTS = {"prefill_weight_bits", "prefill: weight storage, fp16 or fp32",
                                         TFB_AXIS_LIST(32), TFB_AXIS_LIST(16), TFB_AXIS_LIST(16, 32)};
static const tfb_axis HEAD_WEIGHTS = {"head_weight_bits", "the output head at batch 1: weight storage",
                                      TFB_AXIS_LIST(16), TFB_AXIS_LIST(16), TFB_AXIS_LIST(16, 32)};
static const tfb_axis *const LAYER_AXES[] = {&BATCH, &CONTEXT, &PROMPT, &DECODE_WEIGHTS, &DECODE_KV, &QUANTIZED_STEP,
                                             &PREFILL_WEIGHTS, &HEAD_WEIGHTS};

/* Index 0 of prefill/heads is fp16 weights, 1 fp32; decode: weight formats (tfb_weight_format) and caches. */
typedef struct layer_sweep {
    size_t batches[TFB_MAX_LIST], batch_count;
    size_t contexts[TFB_MAX_LIST], context_count;
    size_t prompts[TFB_MAX_LIST], prompt_count;
    size_t weights[TFB_MAX_LIST], weight_count, kvs[TFB_MAX_LIST], kv_count;
    int prefill[2], heads[2], quantized_step;
} layer_sweep;

static void copy_list(size_t *out, size_t *count, const size_t *from, size_t n)
{
    memcpy(out, from, n * sizeof *from);
    *count = n;
}

static void copy_axis(const tfb_workload *w, const tfb_axis *axis, size_t *out, size_t *count)
{
    tfb_axis_list list = tfb_axis_values(w, axis);
    copy_list(out, count, list.values, list.count);
}

/* Which weight storages an axis of bits turns on: [0] fp16, [1] fp32. */
static void weight_kinds(const tfb_workload *w, const tfb_axis *axis, int kinds[2])
{
    tfb_axis_list bits = tfb_axis_values(w, axis);
    for (size_t i = 0; i < bits.count; i++) kinds[bits.values[i] == 16 ? 0 : 1] = 1;
}

/* --sweep: fp16 decode points only, the head at each batch of the batch curve. */
static void serving_sweep(const tfb_run *run, layer_sweep *s)
{
    layer_serving_plan plan;
    layer_serving_points(run, &plan);
    memset(s, 0, sizeof *s);
    s->weights[s->weight_count++] = TFB_WEIGHTS_FP16;
    s->kvs[s->kv_count++] = layer_serving_kv_dtype(run);
    s->heads[0] = plan.heads;
    copy_list(s->batches, &s->batch_count, plan.batches, plan.batch_count);
    copy_list(s->contexts, &s->context_count, plan.contexts, plan.context_count);
}

static void layer_sweep_for(const tfb_run *run, layer_sweep *s)
{
    const tfb_workload *w = run->workload;
    if (w->sweep != TFB_SWEEP_NONE) {
        serving_sweep(run, s);
        return;
    }
    memset(s, 0, sizeof *s);
    copy_axis(w, &DECODE_WEIGHTS, s->weights, &s->weight_count);
    copy_axis(w, &DECODE_KV, s->kvs, &s->kv_count);
    if (w->weight_format_count) copy_list(s->weights, &s->weight_count, w->weight_formats, w->weight_format_count);
    if (w->kv_dtype_count) copy_list(s->kvs, &s->kv_count, w->kv_dtypes, w->kv_dtype_count);
    s->quantized_step = (int)tfb_axis_value(w, &QUANTIZED_STEP);
    weight_kinds(w, &PREFILL_WEIGHTS, s->prefill);
    weight_kinds(w, &HEAD_WEIGHTS, s->heads);
    copy_axis(w, &BATCH, s->batches, &s->batch_count);
    copy_axis(w, &CONTEXT, s->contexts, &s->context_count);
    copy_axis(w, &PROMPT, s->prompts, &s->prompt_count);
    static const size_t MOE_CURVE[] = {1, 2, 4, 8, 16, 32};  /* a mixture of experts' full sweep: its batch curve */
    if (w->model.n_experts > 1 && s->batch_count > 1) copy_list(s->batches, &s->batch_count, MOE_CURVE, 6);
    if (w->batch_count) copy_list(s->batches, &s->batch_count, w->batches, w->batch_count);
    if (w->seq_count) {
        copy_list(s->contexts, &s->context_count, w->seqs, w->seq_count);
        copy_list(s->prompts, &s->prompt_count, w->seqs, w->seq_count);
    }
}

/* Decode stacks enough distinct layers to reach the run's out-of-cache size within the device's memory. */
static size_t stack_layers(const tfb_run *run, const layer_params *p)
{
    layer_dims dims;
    tfb_error ignored;
    if (p->phase != LAYER_DECODE || layer_dims_of(&run->workload->model, &dims, &ignored) != TFB_OK) return 1;
    uint64_t kept, transient;
    layer_device_bytes(&dims, p, &kept, &transient);
    size_t layers = tfb_sizing_sets(&run->sizing, kept, LAYER_MAX_STACK);
    while (layers > 1 && kept * layers + transient > run->sizing.usable_bytes) layers--;
    return layers;
}

/* weights: a tfb_weight_format; kv: a tfb_kv_dtype (decode). */
static void layer_case(const tfb_run *run, tfb_case *c, int phase, size_t weights, size_t kv, size_t rows,
                       size_t context)
{
    const tfb_model_config *m = &run->workload->model;
    tfb_model_layer cost;
    layer_params p = {.phase = phase, .rows = rows, .context = context};
    layer_set_formats(&p, weights, kv);
    if (phase == LAYER_DECODE)
        tfb_model_layer_decode(m, TFB_MODEL_EXACT, context, rows, layer_weight_dtype(&p), layer_kv_model_dtype(&p),
                               &cost);
    else
        tfb_model_layer_prefill(m, TFB_MODEL_EXACT, rows, layer_weight_dtype(&p), TFB_MODEL_FP32, &cost);
    p.flops = (double)cost.flops_total;
    p.bytes = (double)cost.bytes;
    p.bytes_written = (double)(cost.kv_write_bytes + cost.activation_bytes / 2);
    p.layers = stack_layers(run, &p);
    tfb_case_reset(c, layer_format_name(&p));
    c->m = rows, c->n = context, c->k = (size_t)m->d_model;
    if (phase == LAYER_DECODE) snprintf(c->shape, sizeof c->shape, "decode-b%zu-n%zu", rows, context);
    else snprintf(c->shape, sizeof c->shape, "prefill-n%zu", rows);
    if (phase == LAYER_DECODE) snprintf(c->series, sizeof c->series, "layer/decode-n%zu/%s", context, c->dtype);
    else snprintf(c->series, sizeof c->series, "layer/prefill/%s", c->dtype);
    layer_set_case_params(c, p);
    tfb_case_name(c, "layer");
}

/* The output head, d_model -> vocabulary, for `rows` rows: the gemm suite's own case, renamed into this suite. */
static void head_case(const tfb_run *run, tfb_case *c, int half, size_t rows)
{
    const tfb_model_config *m = &run->workload->model;
    const tfb_suite *gemm = &tfb_suite_gemm;
    tfb_case inner;
    tfb_gemm_case(&inner, "layer", rows, (size_t)m->vocab_size, (size_t)m->d_model, half);
    layer_params p = {.phase = LAYER_HEAD, .half = half, .rows = rows, .layers = 1, .flops = gemm->flops(&inner),
                      .bytes = gemm->bytes(&inner), .bytes_written = gemm->bytes_written(&inner)};
    tfb_case_reset(c, half ? "fp16" : "fp32");
    c->m = rows, c->n = inner.n, c->k = inner.k;
    snprintf(c->shape, sizeof c->shape, "head-b%zu-%zux%zu", rows, inner.n, inner.k);
    snprintf(c->series, sizeof c->series, "layer/head/%s", c->dtype);
    layer_set_case_params(c, p);
    tfb_case_name(c, "layer");
}

static int listed(const size_t *list, size_t count, size_t value)
{
    for (size_t i = 0; i < count; i++)
        if (list[i] == value) return 1;
    return 0;
}

/* The step as deployed (QUANTIZED_STEP), unless the sweep has it already: one layer. */
static size_t quantized_step(const tfb_run *run, const layer_sweep *s, tfb_case *out)
{
    if (!s->quantized_step || !s->context_count || (listed(s->weights, s->weight_count, TFB_WEIGHTS_Q4_0) &&
                                                    listed(s->kvs, s->kv_count, TFB_KV_FP16) &&
                                                    listed(s->batches, s->batch_count, 1)))
        return 0;
    if (!out) return 1;
    layer_case(run, out, LAYER_DECODE, TFB_WEIGHTS_Q4_0, TFB_KV_FP16, 1, s->contexts[0]);
    layer_params p = layer_case_params(out);
    p.layers = 1;
    p.light = 1;
    layer_set_case_params(out, p);
    return 1;
}

static size_t layer_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    layer_sweep s;
    size_t n = 0;
    layer_sweep_for(run, &s);
    for (size_t f = 0; f < s.weight_count; f++)
        for (size_t kv = 0; kv < s.kv_count; kv++)
            for (size_t i = 0; i < s.context_count; i++)
                for (size_t b = 0; b < s.batch_count; b++, n++)
                    if (n < max)
                        layer_case(run, &out[n], LAYER_DECODE, s.weights[f], s.kvs[kv], s.batches[b], s.contexts[i]);
    n += quantized_step(run, &s, n < max ? &out[n] : NULL);
    for (int h = 0; h < 2; h++) {
        int half = h == 0;
        size_t heads[TFB_MAX_LIST + 1], head_count = 0;
        for (size_t i = 0; s.prefill[h] && i < s.prompt_count; i++, n++)
            if (n < max)
                layer_case(run, &out[n], LAYER_PREFILL, half ? TFB_WEIGHTS_FP16 : TFB_WEIGHTS_FP32, TFB_KV_FP32,
                           s.prompts[i], s.prompts[i]);
        heads[head_count++] = 1;  /* prefill's next token, and decode at batch 1 */
        for (size_t b = 0; s.weight_count && b < s.batch_count; b++)
            if (!listed(heads, head_count, s.batches[b])) heads[head_count++] = s.batches[b];
        for (size_t i = 0; s.heads[h] && i < head_count; i++, n++)
            if (n < max) head_case(run, &out[n], half, heads[i]);
    }
    return n;
}

static double layer_flops(const tfb_case *c) { return layer_case_params(c).flops; }
static double layer_bytes(const tfb_case *c) { return layer_case_params(c).bytes; }
static double layer_bytes_written(const tfb_case *c) { return layer_case_params(c).bytes_written; }

static int layer_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    layer_state *s = calloc(1, sizeof *s);
    if (!s) return tfb_fail(err, "out of memory");
    *state = s;
    s->ctx = run->ctx;
    s->p = layer_case_params(c);
    s->seed = (uint32_t)run->seed;
    if (s->p.phase != LAYER_HEAD) return layer_build(run, s, err);
    const tfb_model_config *m = &run->workload->model;
    s->gemm = &tfb_suite_gemm;
    tfb_gemm_case(&s->head_case, "layer", s->p.rows, (size_t)m->vocab_size, (size_t)m->d_model, s->p.half);
    return s->gemm->setup(run, &s->head_case, &s->head_state, err);
}

static int layer_suite_execute(tfb_run *run, void *state, tfb_error *err)
{
    layer_state *s = state;
    return s->gemm ? s->gemm->execute(run, s->head_state, err) : layer_execute(run, s, err);
}

static int layer_suite_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    layer_state *s = state;
    return s->gemm ? s->gemm->verify(run, s->head_state, max_error, err) : layer_verify(run, s, max_error, err);
}

static int layer_suite_repoison(tfb_run *run, void *state, tfb_error *err)
{
    layer_state *s = state;
    return s->gemm ? s->gemm->repoison(run, s->head_state, err) : layer_repoison(run, s, err);
}

static int layer_suite_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    layer_state *s = state;
    return s->gemm ? s->gemm->measure(run, s->head_state, time, err) : layer_measure(run, s, time, err);
}

static void layer_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    layer_state *s = state;
    if (s->gemm) {
        s->gemm->annotate(run, &s->head_case, s->head_state, r);
        cJSON_AddStringToObject(r->extra, "phase", "head");
        cJSON_AddStringToObject(r->extra, "role", "output head: d_model -> vocabulary logits");
        return;
    }
    uint64_t kept, transient;
    layer_device_bytes(&s->dims, &s->p, &kept, &transient);
    r->working_set_bytes = kept * s->p.layers;
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    r->extra = layer_breakdown_json(s, &run->workload->model);
    if (s->bracket_gbps[0] > 0 && s->bracket_gbps[1] > 0)  /* the point on the chart against its own bracket */
        r->own_read_gbps = 0.5 * (s->bracket_gbps[0] + s->bracket_gbps[1]);
    tfb_error err;
    if (s->dims.experts && layer_moe_annotate(run, s, &run->workload->model, r, &err) != TFB_OK)
        tfb_run_note(run, "layer: experts touched not read back: %s\n", err.message);
}

static void layer_summarize_all(const tfb_results *results, FILE *out)
{
    layer_summarize(results, out);
    layer_serving_summarize(results, out);
}

static void layer_teardown(void *state)
{
    layer_state *s = state;
    if (!s) return;
    if (s->gemm && s->head_state) s->gemm->teardown(s->head_state);
    layer_release(s);
    free(s);
}

const tfb_suite tfb_suite_layer = {
    .name = "layer",
    .description = "one decoder layer end to end (decode step and prefill), against the bound of this run's ceilings",
    .in_default_run = 1,
    .cases = layer_cases,
    .flops = layer_flops,
    .bytes = layer_bytes,
    .bytes_written = layer_bytes_written,
    .setup = layer_setup,
    .execute = layer_suite_execute,
    .verify = layer_suite_verify,
    .measure = layer_suite_measure,
    .annotate = layer_annotate,
    .teardown = layer_teardown,
    .finish = layer_finish,
    .summarize = layer_summarize_all,
    .repoison = layer_suite_repoison,
    /* heads and head dim: the model's */
    .options_used = TFB_USES_MODEL | TFB_USES_BATCH | TFB_USES_SEQ | TFB_USES_SWEEP | TFB_USES_KV_DTYPE | TFB_USES_WEIGHTS,
    TFB_SUITE_AXES(LAYER_AXES),
};
