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
static const tfb_axis DECODE_WEIGHTS = {"decode_weight_bits", "decode: weight storage, fp16 or fp32",
                                        TFB_AXIS_LIST(16), TFB_AXIS_LIST(16), TFB_AXIS_LIST(16, 32)};
static const tfb_axis PREFILL_WEIGHTS = {"prefill_weight_bits", "prefill: weight storage, fp16 or fp32",
                                         TFB_AXIS_LIST(32), TFB_AXIS_LIST(32), TFB_AXIS_LIST(16, 32)};
static const tfb_axis HEAD_WEIGHTS = {"head_weight_bits", "the output head at batch 1: weight storage",
                                      TFB_AXIS_LIST(16), TFB_AXIS_LIST(16), TFB_AXIS_LIST(16, 32)};
static const tfb_axis *const LAYER_AXES[] = {&BATCH, &CONTEXT, &PROMPT, &DECODE_WEIGHTS, &PREFILL_WEIGHTS,
                                             &HEAD_WEIGHTS};

/* Index 0 of decode/prefill/heads is fp16 weights, 1 fp32. */
typedef struct layer_sweep {
    size_t batches[TFB_MAX_LIST], batch_count;
    size_t contexts[TFB_MAX_LIST], context_count;
    size_t prompts[TFB_MAX_LIST], prompt_count;
    int decode[2], prefill[2], heads[2];
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

static void layer_sweep_for(const tfb_workload *w, layer_sweep *s)
{
    memset(s, 0, sizeof *s);
    weight_kinds(w, &DECODE_WEIGHTS, s->decode);
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

static tfb_model_dtype weight_dtype(int half)
{
    return half ? TFB_MODEL_FP16 : TFB_MODEL_FP32;
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

static void layer_case(const tfb_run *run, tfb_case *c, int phase, int half, size_t rows, size_t context)
{
    const tfb_model_config *m = &run->workload->model;
    tfb_model_layer cost;
    layer_params p = {.phase = phase, .half = half, .rows = rows, .context = context};
    if (phase == LAYER_DECODE)
        tfb_model_layer_decode(m, TFB_MODEL_EXACT, context, rows, weight_dtype(half), TFB_MODEL_FP32, &cost);
    else
        tfb_model_layer_prefill(m, TFB_MODEL_EXACT, rows, weight_dtype(half), TFB_MODEL_FP32, &cost);
    p.flops = (double)cost.flops_total;
    p.bytes = (double)cost.bytes;
    p.bytes_written = (double)(cost.kv_write_bytes + cost.activation_bytes / 2);
    p.layers = stack_layers(run, &p);
    tfb_case_reset(c, half ? "fp16" : "fp32");
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

static size_t layer_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    layer_sweep s;
    size_t n = 0;
    layer_sweep_for(run->workload, &s);
    for (int h = 0; h < 2; h++) {
        int half = h == 0;
        size_t heads[TFB_MAX_LIST + 1], head_count = 0;
        for (size_t i = 0; s.decode[h] && i < s.context_count; i++)
            for (size_t b = 0; b < s.batch_count; b++, n++)
                if (n < max) layer_case(run, &out[n], LAYER_DECODE, half, s.batches[b], s.contexts[i]);
        for (size_t i = 0; s.prefill[h] && i < s.prompt_count; i++, n++)
            if (n < max) layer_case(run, &out[n], LAYER_PREFILL, half, s.prompts[i], s.prompts[i]);
        heads[head_count++] = 1;  /* prefill's next token, and decode at batch 1 */
        for (size_t b = 0; s.decode[h] && b < s.batch_count; b++)
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
    .summarize = layer_summarize,
    .repoison = layer_suite_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_BATCH | TFB_USES_SEQ,  /* heads and head dim: the model's */
    TFB_SUITE_AXES(LAYER_AXES),
};
