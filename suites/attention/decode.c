/* Decode attention: one new query token per head against a KV cache of n tokens (the generation step), MHA
 * (kv_heads = heads), GQA and MQA (kv_heads = 1). The cache is split into chunks across work-items and the
 * partial softmax states combined (flash-decoding), so a single sequence still fills the device. Memory-bound:
 * the figure is GB/s of KV cache (plus Q and O) against the stream ceiling. One step's cache is usually smaller
 * than the out-of-cache size, so the timed repetitions rotate over several caches (tfb_work sets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/verify.h"
#include "tfbench/attention.h"

#define BLOCK_KEYS 16         /* keys scored together before a softmax update, and K's block (kernels/decode.cl) */
#define MAX_SETS 256
/* CPUs: 64 work-items per compute unit, splits of at least 256 keys (the partial results stay small beside the
 * cache), groups of 4. GPUs: 256 work-items (8 warps) per compute unit, splits down to one block, groups of one
 * warp (the kernel shares nothing within a group, so a small group spreads over more compute units). */
#define CPU_ITEMS_PER_UNIT 64
#define CPU_MIN_CHUNK 256
#define CPU_GROUP 4
#define GPU_ITEMS_PER_UNIT 256
#define GPU_MIN_CHUNK BLOCK_KEYS
#define GPU_GROUP 32

/* A decode case: the attention case first (tfb_attention_case_shape reads it), then the cache's format. */
typedef struct decode_case {
    tfb_attention_case attention;
    tfb_kv_dtype kv_dtype;
} decode_case;
TFB_CASE_PARAMS(decode_case, decode)

typedef struct decode_state {
    tfb_attention_shape shape;
    tfb_kv_dtype kv_dtype;
    size_t sets;
    tfb_attention_inputs inputs[MAX_SETS];
    tfb_attention_io io[MAX_SETS];
    tfb_attention_plan plan[MAX_SETS];
    tfb_launch launches[2 * MAX_SETS];  /* the plans' launches, set after set */
    double check_seconds;     /* wall time of the checks so far */
} decode_state;

/* Without a model: Llama 2 7B's heads (MHA 32, GQA 8, MQA 1), a long context; --quick a quarter of the heads. */
static const tfb_axis BATCH = {"batch", "sequences decoded together (--batch replaces it)", TFB_AXIS_LIST(4),
                               TFB_AXIS_LIST(2), {0}};
static const tfb_axis SEQ = {"seq", "n, tokens in the KV cache (--seq replaces it)", TFB_AXIS_LIST(8192),
                             TFB_AXIS_LIST(1000), {0}};
static const tfb_axis HEADS = {"heads", "query heads without a model (--model replaces it)", TFB_AXIS_LIST(32),
                               TFB_AXIS_LIST(8), {0}};
static const tfb_axis KV_HEADS = {"kv_heads", "KV heads without a model (--kv-heads, --model replace it)",
                                  TFB_AXIS_LIST(32, 8, 1), TFB_AXIS_LIST(8, 2, 1), {0}};
static const tfb_axis HEAD_DIM = {"head_dim", "d without a model (--head-dim, --model replace it)",
                                  TFB_AXIS_LIST(128), TFB_AXIS_LIST(64), {0}};
/* The cache's format (tfb_kv_dtype): fp32 in the default run and --quick (the names the gates compare); a run that
 * names the suite adds fp16 and q8_0. */
static const tfb_axis KV_DTYPE = {"kv_dtype", "KV-cache format, 0 fp32, 1 fp16, 2 q8_0 (--kv-dtype replaces it)",
                                  TFB_AXIS_LIST(TFB_KV_FP32), TFB_AXIS_LIST(TFB_KV_FP32),
                                  TFB_AXIS_LIST(TFB_KV_FP32, TFB_KV_FP16, TFB_KV_Q8_0)};
static const tfb_axis *const DECODE_AXES[] = {&BATCH, &SEQ, &HEADS, &KV_HEADS, &HEAD_DIM, &KV_DTYPE};

/* fp32 keeps its name ("fp32"); the other formats are named for the cache: "kv-fp16", "kv-q8_0". */
static void decode_case_init(tfb_case *c, const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    static const char *const NAMES[TFB_KV_DTYPE_COUNT] = {"fp32", "kv-fp16", "kv-q8_0"};
    tfb_attention_case_init(c, "decode", s, 0);
    decode_set_case_params(c, (decode_case){{*s, 0}, dtype});
    c->dtype = NAMES[dtype];
    tfb_case_name(c, "decode");
}

static size_t decode_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    const tfb_workload *w = run->workload;
    tfb_axis_list default_seqs = tfb_axis_values(w, &SEQ), default_batches = tfb_axis_values(w, &BATCH);
    tfb_axis_list kv = tfb_axis_values(w, &KV_HEADS), dims = tfb_axis_values(w, &HEAD_DIM);
    tfb_axis_list formats = w->kv_dtype_count ? (tfb_axis_list){w->kv_dtypes, w->kv_dtype_count}
                                              : tfb_axis_values(w, &KV_DTYPE);
    const size_t *seqs = w->seq_count ? w->seqs : default_seqs.values;
    const size_t *batches = w->batch_count ? w->batches : default_batches.values;
    size_t seq_count = w->seq_count ? w->seq_count : default_seqs.count;
    size_t batch_count = w->batch_count ? w->batch_count : default_batches.count;
    tfb_attention_axes axes;
    tfb_attention_axes_for(w, tfb_axis_value(w, &HEADS), kv.values, kv.count, dims.values, dims.count, &axes);
    if (out) tfb_attention_warn_dropped("decode", &axes);
    size_t n = 0;
    for (size_t b = 0; b < batch_count; b++)
        for (size_t h = 0; h < axes.kv_count; h++)
            for (size_t di = 0; di < axes.dim_count; di++)
                for (size_t si = 0; si < seq_count; si++)
                    for (size_t f = 0; f < formats.count; f++) {
                        tfb_attention_shape s = {batches[b], axes.heads, axes.kv[h], 1, seqs[si], axes.dims[di]};
                        if (n < max) decode_case_init(&out[n], &s, (tfb_kv_dtype)formats.values[f]);
                        n++;
                    }
    return n;
}

static double decode_flops(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return tfb_attention_flops(&s, 0);
}

/* The KV cache once in its format (exact, scales included; padding keys not counted) plus Q and O in fp32. */
static double decode_kv_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    return 2.0 * tfb_kv_dtype_bytes(dtype, (double)tfb_attention_kv_count(s));
}

static double decode_bytes(const tfb_case *c)
{
    tfb_attention_shape s = tfb_attention_case_shape(c);
    return decode_kv_bytes(&s, decode_case_params(c).kv_dtype) + 2.0 * tfb_attention_written_bytes(&s);
}

/* Device memory of one step's cache, Q and O as timed (the K and V it is converted from are freed). */
static uint64_t decode_step_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    return tfb_add_size(tfb_decode_cache_bytes(s, dtype), tfb_mul_size(2 * sizeof(float), tfb_attention_q_count(s)));
}


static void decode_teardown(void *p)
{
    decode_state *st = p;
    if (!st) return;
    for (size_t i = 0; i < st->sets; i++) {
        tfb_attention_io_release(&st->io[i]);
        tfb_attention_plan_release(&st->plan[i]);
    }
    free(st);
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

tfb_decode_split tfb_decode_geometry(const tfb_device_info *info, const tfb_attention_shape *s)
{
    int gpu = info->gpu_kernels;
    size_t slices = s->batch * s->kv_heads, units = info->compute_units ? info->compute_units : 1;
    size_t target = units * (gpu ? GPU_ITEMS_PER_UNIT : CPU_ITEMS_PER_UNIT);
    size_t least = gpu ? GPU_MIN_CHUNK : CPU_MIN_CHUNK;
    size_t chunk = round_up((s->n_kv * slices + target - 1) / target, BLOCK_KEYS);
    return (tfb_decode_split){chunk < least ? least : chunk, gpu ? GPU_GROUP : CPU_GROUP};
}

/* KV caches to rotate over so one repetition's cache is out of the last-level cache when timed back to back. */
static size_t plan_sets(const tfb_run *run, const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    return tfb_sizing_sets(&run->sizing, decode_step_bytes(s, dtype), MAX_SETS);
}

static int set_decode_args(tfb_attention_plan *plan, const tfb_attention_shape *s, const tfb_attention_io *io,
                           tfb_error *err)
{
    cl_mem values = plan->kv_blocked ? plan->scratch[2] : io->v;
    cl_uint n_kv = (cl_uint)s->n_kv, chunk = (cl_uint)plan->chunk, splits = (cl_uint)plan->splits;
    cl_uint slices = (cl_uint)(s->batch * s->kv_heads), rows = (cl_uint)(s->batch * s->heads);
    float scale = tfb_attention_scale_log2(s->d);
    if (TFB_SET_ARGS(plan->kernels[0], err, TFB_MEM(io->q), TFB_MEM(plan->scratch[2]), TFB_MEM(values),
                     TFB_MEM(plan->scratch[0]), TFB_MEM(plan->scratch[1]), TFB_VAL(n_kv), TFB_VAL(chunk),
                     TFB_VAL(splits), TFB_VAL(slices), TFB_VAL(scale)) != TFB_OK)
        return TFB_ERROR;
    size_t group = plan->group;
    plan->launches[0] = (tfb_launch){plan->kernels[0], 1, {round_up(plan->splits * slices, group)}, {group}};
    plan->launches[1] = (tfb_launch){plan->kernels[1], 1, {round_up(rows, group)}, {group}};
    plan->steps = 2;
    return TFB_SET_ARGS(plan->kernels[1], err, TFB_MEM(plan->scratch[0]), TFB_MEM(plan->scratch[1]),
                        TFB_MEM(io->out), TFB_VAL(rows), TFB_VAL(splits));
}

/* The cache in the kernel's layout (scratch[2]): K key-blocked, or with kv_blocked K and V converted into blocks.
 * Written once, as an engine appends each token's K and V to its cache, so it is setup, not part of the timed step. */
static int pack_keys(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                     tfb_attention_plan *plan, tfb_error *err)
{
    size_t slices = s->batch * s->kv_heads, n_pad = round_up(s->n_kv, BLOCK_KEYS);
    size_t bytes = plan->kv_blocked ? tfb_decode_cache_bytes(s, plan->kv_dtype) : slices * n_pad * s->d * sizeof(float);
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, bytes, NULL, &plan->scratch[2], err);
    if (rc != TFB_OK) return rc;
    cl_uint n_kv = (cl_uint)s->n_kv, padded = (cl_uint)n_pad, count = (cl_uint)slices;
    if (plan->kv_blocked)
        rc = TFB_SET_ARGS(plan->kernels[2], err, TFB_MEM(io->k), TFB_MEM(io->v), TFB_MEM(plan->scratch[2]),
                          TFB_VAL(n_kv), TFB_VAL(padded), TFB_VAL(count));
    else
        rc = TFB_SET_ARGS(plan->kernels[2], err, TFB_MEM(io->k), TFB_MEM(plan->scratch[2]), TFB_VAL(n_kv),
                          TFB_VAL(padded), TFB_VAL(count));
    if (rc != TFB_OK) return TFB_ERROR;
    tfb_launch pack = {plan->kernels[2], 1, {round_up(slices * n_pad, plan->group)}, {plan->group}};
    tfb_work work = {&pack, 1, 1};
    return tfb_work_run_once(ctx, &work, err);
}

int tfb_decode_attention_plan(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                              size_t chunk, tfb_attention_plan *plan, tfb_error *err)
{
    return tfb_decode_attention_plan_kv(ctx, s, io, chunk, TFB_KV_FP32, 0, plan, err);
}

int tfb_decode_attention_plan_kv(tfb_context *ctx, const tfb_attention_shape *s, const tfb_attention_io *io,
                                 size_t chunk, tfb_kv_dtype dtype, int blocked, tfb_attention_plan *plan,
                                 tfb_error *err)
{
    memset(plan, 0, sizeof *plan);
    if (s->n_q != 1) return tfb_fail(err, "decode attention takes one query token per head, not %zu", s->n_q);
    if (dtype == TFB_KV_Q8_0 && s->d % TFB_KV_Q8_GROUP)
        return tfb_skip(err, "a q8_0 cache needs a head dim that is a multiple of %d, not %zu", TFB_KV_Q8_GROUP, s->d);
    plan->kv_dtype = dtype;
    plan->kv_blocked = blocked || dtype != TFB_KV_FP32;
    tfb_decode_split split = tfb_decode_geometry(&ctx->info, s);
    plan->group = split.group;
    plan->chunk = round_up(chunk ? chunk : split.chunk, BLOCK_KEYS);
    if (plan->chunk > round_up(s->n_kv, BLOCK_KEYS)) plan->chunk = round_up(s->n_kv, BLOCK_KEYS);
    plan->splits = (s->n_kv + plan->chunk - 1) / plan->chunk;
    size_t partials = s->batch * s->heads * plan->splits;
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, partials * s->d * sizeof(float), NULL, &plan->scratch[0], err);
    if (rc == TFB_OK)
        rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, partials * 2 * sizeof(float), NULL, &plan->scratch[1], err);
    if (rc != TFB_OK) return rc;
    char options[160];
    /* CPUs: PREFETCH is the hint of the L2 stage (prefetcht1, measured best on PoCL; the kernel adds an L1 stage
     * for GQA, not for MHA, see kernels/decode.cl); GPUs stream without help */
    snprintf(options, sizeof options, "-DD=%zu -DDV=%u -DG=%zu%s -DKV_FORMAT=%d%s", s->d,
             tfb_attention_vector_width(s->d), s->heads / s->kv_heads, ctx->info.gpu_kernels ? "" : " -DPREFETCH=2",
             (int)dtype, plan->kv_blocked ? " -DKV_BLOCKED" : "");
    const char *pack = plan->kv_blocked ? "decode_pack_kv" : "decode_pack_keys";
    const char *names[3] = {"decode_partial", "decode_combine", pack};
    for (int i = 0; i < 3; i++)
        if (tfb_kernel_create(ctx, "decode.cl", options, names[i], &plan->kernels[i], err) != TFB_OK) return TFB_ERROR;
    rc = pack_keys(ctx, s, io, plan, err);
    return rc == TFB_OK ? set_decode_args(plan, s, io, err) : rc;
}

static int decode_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    decode_state *st = calloc(1, sizeof *st);
    if (!st) return tfb_fail(err, "out of memory");
    *state = st;
    st->shape = tfb_attention_case_shape(c);
    st->kv_dtype = decode_case_params(c).kv_dtype;
    const tfb_attention_shape *s = &st->shape;
    int rc = tfb_attention_fits(run->ctx, tfb_attention_io_device_bytes(s), "Q, the KV cache and O", err);
    size_t wanted = plan_sets(run, s, st->kv_dtype);
    for (size_t i = 0; rc == TFB_OK && i < wanted; i++, st->sets++) {
        st->inputs[i] = tfb_attention_inputs_for((uint32_t)(run->seed + 7919 * i));
        rc = tfb_attention_io_create(run->ctx, s, &st->inputs[i], &st->io[i], err);
        if (rc == TFB_OK)
            rc = tfb_decode_attention_plan_kv(run->ctx, s, &st->io[i], 0, st->kv_dtype, 1, &st->plan[i], err);
        if (rc == TFB_OK) tfb_buffer_release(&st->io[i].k); /* the plan holds the cache in its own layout */
        if (rc == TFB_OK) tfb_buffer_release(&st->io[i].v);
        if (rc == TFB_OK) memcpy(&st->launches[2 * i], st->plan[i].launches, 2 * sizeof(tfb_launch));
    }
    return rc;
}

static int decode_execute(tfb_run *run, void *state, tfb_error *err)
{
    decode_state *st = state;
    tfb_work work = {st->launches, 2, st->sets};
    return tfb_work_run_once(run->ctx, &work, err);
}

/* Every query head's output of every rotating KV cache against the float64 reference. */
static int decode_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    decode_state *st = state;
    int rc = TFB_OK;
    double started = tfb_now_seconds();
    *max_error = 0.0;
    for (size_t i = 0; rc == TFB_OK && i < st->sets; i++) {
        double worst = 0.0;
        char what[96];
        snprintf(what, sizeof what, "decode output (KV cache %zu of %zu)", i + 1, st->sets);
        tfb_decode_cache_reader reader = {0};
        tfb_attention_kv_source source = tfb_decode_cache_source(&reader);
        if (st->plan[i].kv_blocked)
            rc = tfb_decode_cache_reader_init(&reader, run->ctx, &st->shape, &st->plan[i], err);
        if (rc == TFB_OK)
            rc = tfb_attention_io_check_kv(run->ctx, what, &st->shape, 0, &st->inputs[i],
                                           st->plan[i].kv_blocked ? &source : NULL, &st->io[i], &worst, err);
        tfb_decode_cache_reader_release(&reader);
        if (worst > *max_error) *max_error = worst;
    }
    st->check_seconds += tfb_now_seconds() - started;
    return rc;
}

static int decode_repoison(tfb_run *run, void *state, tfb_error *err)
{
    decode_state *st = state;
    for (size_t i = 0; i < st->sets; i++)
        if (tfb_attention_io_repoison(run->ctx, &st->shape, &st->io[i], err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

static int decode_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    decode_state *st = state;
    tfb_work work = {st->launches, 2, st->sets};
    return tfb_work_time(run->ctx, &work, &run->policy, time, err);
}

static void decode_annotate(tfb_run *run, const tfb_case *c, void *state, tfb_result *r)
{
    decode_state *st = state;
    const tfb_attention_shape *s = &st->shape;
    uint64_t step = decode_step_bytes(s, st->kv_dtype);
    r->working_set_bytes = step * st->sets;
    r->cache_resident = tfb_run_cache_resident(run, r->working_set_bytes);
    r->extra = tfb_attention_extra(s, 0, r->working_set_bytes);
    double kv_bytes = decode_kv_bytes(s, st->kv_dtype);
    const tfb_attention_plan *plan = &st->plan[0];
    cJSON_AddStringToObject(r->extra, "kv_dtype", tfb_kv_dtype_name(st->kv_dtype));
    if (st->kv_dtype != TFB_KV_FP32) /* tfb_attention_extra's minimum is the fp32 one */
        cJSON_ReplaceItemInObject(r->extra, "min_bytes", cJSON_CreateNumber(r->bytes));
    double partial_bytes = 2.0 * sizeof(float) * (double)(s->batch * s->heads * plan->splits * (s->d + 2));
    cJSON_AddNumberToObject(r->extra, "kv_cache_bytes", kv_bytes);
    cJSON_AddNumberToObject(r->extra, "kv_caches_rotated", (double)st->sets);
    tfb_attention_add_verification(r->extra, s, st->sets, st->check_seconds);
    cJSON_AddNumberToObject(r->extra, "splits", (double)plan->splits);
    cJSON_AddStringToObject(r->extra, "k_layout", plan->kv_blocked ? "blocks of 16 keys: K [d][16] then V [16][d]"
                                                                    : "key-blocked, 16 keys x d per block");
    cJSON_AddNumberToObject(r->extra, "keys_per_split", (double)plan->chunk);
    cJSON_AddNumberToObject(r->extra, "work_group", (double)plan->group);
    cJSON_AddNumberToObject(r->extra, "actual_bytes", r->bytes + partial_bytes);
}

/* A measured, verified decode result of ours; its shape from the JSON fields of tfb_attention_extra. */
static int decode_point(const tfb_result *r)
{
    return strcmp(r->suite, "decode") == 0 && strcmp(r->impl, "tfbench") == 0 && !r->skipped[0] &&
           r->verified == 1 && r->time.median > 0 && r->extra;
}

static int same_shape_but_kv_heads(const tfb_result *a, const tfb_result *b)
{
    static const char *const keys[] = {"batch", "heads", "kv_tokens", "head_dim"};
    if (strcmp(a->dtype, b->dtype) != 0) return 0; /* the same cache format */
    for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
        if (tfb_json_number(a->extra, keys[i], -1) != tfb_json_number(b->extra, keys[i], -2)) return 0;
    return 1;
}

static const tfb_result *mha_twin(const tfb_results *all, const tfb_result *r)
{
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *m = &all->items[i];
        if (decode_point(m) && same_shape_but_kv_heads(m, r) &&
            tfb_json_number(m->extra, "kv_heads", -1) == tfb_json_number(m->extra, "heads", -2))
            return m;
    }
    return NULL;
}

/* The lecture's claim that a decode step's time follows its KV cache: every GQA/MQA point against the MHA point of
 * the same batch, heads, length and head dim, in context.ceilings.decode_kv_layouts. */
static void decode_finish(tfb_run *run)
{
    tfb_results *all = run->results;
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < all->count; i++) {
        const tfb_result *r = &all->items[i], *mha;
        if (!decode_point(r) || tfb_json_number(r->extra, "kv_heads", -1) >= tfb_json_number(r->extra, "heads", -1) ||
            !(mha = mha_twin(all, r)))
            continue;
        double bytes_ratio =
            tfb_json_number(mha->extra, "kv_cache_bytes", 0) / tfb_json_number(r->extra, "kv_cache_bytes", 1);
        double time_ratio = mha->time.median / r->time.median;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "name", r->name);
        cJSON_AddStringToObject(o, "mha", mha->name);
        cJSON_AddNumberToObject(o, "kv_bytes_ratio", bytes_ratio);
        cJSON_AddNumberToObject(o, "time_ratio", time_ratio);
        cJSON_AddNumberToObject(o, "gbytes_per_second", r->gbytes_per_second);
        cJSON_AddNumberToObject(o, "mha_gbytes_per_second", mha->gbytes_per_second);
        cJSON_AddNumberToObject(o, "intensity", r->intensity);
        cJSON_AddItemToArray(list, o);
    }
    if (!all->ceilings.extra) all->ceilings.extra = cJSON_CreateObject();
    cJSON_DeleteItemFromObjectCaseSensitive(all->ceilings.extra, "decode_kv_layouts");
    cJSON_AddItemToObject(all->ceilings.extra, "decode_kv_layouts", list);
}

static void decode_summarize(const tfb_results *results, FILE *out)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(results->ceilings.extra, "decode_kv_layouts");
    if (cJSON_GetArraySize(list) == 0) return;
    /* decode only reads (the KV cache): its roof is the read ceiling where one was measured */
    const tfb_ceilings *c = &results->ceilings;
    double ceiling = c->bandwidth_read_gbps > 0 ? c->bandwidth_read_gbps : c->bandwidth_gbps;
    double ridge = c->bandwidth_read_gbps > 0 ? c->ridge_read_fp32 : c->ridge_fp32;
    fprintf(out, "\nDecode: time against KV-cache bytes, each layout vs MHA of the same shape:\n");
    const cJSON *o;
    cJSON_ArrayForEach(o, list)
    {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
        double gbps = tfb_json_number(o, "gbytes_per_second", 0);
        double mha_gbps = tfb_json_number(o, "mha_gbytes_per_second", 0);
        double intensity = tfb_json_number(o, "intensity", 0);
        char of_ceiling[80] = "";
        /* past the ridge the time follows FLOPs, not bytes */
        if (ridge > 0 && intensity >= ridge)
            snprintf(of_ceiling, sizeof of_ceiling, " (compute-bound: %.1f FLOP/B, ridge %.1f)", intensity, ridge);
        else if (ceiling > 0)
            snprintf(of_ceiling, sizeof of_ceiling, " (%.0f%% and %.0f%% of the memory roof)", 100 * gbps / ceiling,
                     100 * mha_gbps / ceiling);
        fprintf(out, "  %-44.44s %5.2fx fewer KV bytes, %5.2fx less time; %.1f vs %.1f GB/s%s\n",
                cJSON_IsString(name) ? name->valuestring : "?", tfb_json_number(o, "kv_bytes_ratio", 0),
                tfb_json_number(o, "time_ratio", 0), gbps, mha_gbps, of_ceiling);
    }
}

const tfb_suite tfb_suite_decode = {
    .name = "decode",
    .description = "decode attention: one query token per head over a KV cache (MHA/GQA/MQA), split and combined",
    .in_default_run = 1,
    .cases = decode_cases,
    .flops = decode_flops,
    .bytes = decode_bytes,
    .bytes_written = tfb_attention_case_bytes_written,
    .setup = decode_setup,
    .execute = decode_execute,
    .verify = decode_verify,
    .measure = decode_measure,
    .annotate = decode_annotate,
    .teardown = decode_teardown,
    .finish = decode_finish,
    .summarize = decode_summarize,
    .repoison = decode_repoison,
    .options_used = TFB_USES_MODEL | TFB_USES_BATCH | TFB_USES_SEQ | TFB_USES_KV_HEADS | TFB_USES_HEAD_DIM |
                    TFB_USES_KV_DTYPE,
    TFB_SUITE_AXES(DECODE_AXES),
};
