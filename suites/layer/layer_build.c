/* Building the stack: the model's shape, what one layer needs on the device, random weights packed for our GEMV/GEMM
 * kernels, activations poisoned, the attention state (a random past KV cache for decode), the small kernels, and
 * every launch in order. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "tfbench/checked.h"
#include "tfbench/fill.h"

/* Weights lie on a grid of 2^21 steps over s x [-1 + 2^-23, 1 + 2^-23): exact in fp32 on host and device alike,
 * mixed in sign, never zero (2^-23 is no multiple of the 2^-20 step), and scaled by a power of two s ~ 1/sqrt(K) so
 * each projection keeps its outputs near the size of its inputs, as trained weights do. */
enum { WEIGHT_BITS = 21 };
static const float GRID_LO = -1.0f + 0x1p-23f, GRID_HI = 1.0f + 0x1p-23f;

int layer_dims_of(const tfb_model_config *m, layer_dims *out, tfb_error *err)
{
    uint64_t dh = tfb_model_d_head(m);
    *out = (layer_dims){.d = (size_t)m->d_model, .heads = (size_t)m->n_heads, .kv_heads = (size_t)m->n_kv_heads,
                        .dh = (size_t)dh, .f = (size_t)m->d_ff};
    out->slots = out->heads + 2 * out->kv_heads;
    if (m->norm == TFB_NORM_LAYER || m->ffn == TFB_FFN_GELU || m->bias || m->positions == TFB_POSITIONS_LEARNED)
        return layer_classic_dims(m, out, err);
    if (dh % 2 || dh > TFB_MAX_HEAD_DIM)
        return tfb_skip(err, "head dim %llu: rotary pairs need an even head dim of at most %d",
                        (unsigned long long)dh, TFB_MAX_HEAD_DIM);
    return m->n_experts > 1 ? layer_moe_dims(m, out, err) : TFB_OK;
}

/* Weight matrix shapes: rows (output features) and columns (input features). */
static size_t weight_rows(const layer_dims *dims, int matrix)
{
    switch (matrix) {
    case W_QKV: return dims->slots * dims->dh;
    case W_GATE_UP: return dims->classic ? dims->f : 2 * dims->f;  /* the classic block: up alone */
    case W_O: case W_DOWN: return dims->d;
    default: return 1;
    }
}

size_t layer_weight_cols(const layer_dims *dims, int matrix)
{
    return matrix == W_DOWN ? dims->f : dims->d;
}

static size_t round_up(size_t x, size_t to)
{
    return (x + to - 1) / to * to;
}

/* Floats of the activations of one layer: h, qkv, o, x2, h2, gate_up, a, down, y. */
static size_t activation_floats(const layer_dims *dims, size_t rows)
{
    return rows * (7 * dims->d + dims->slots * dims->dh + 3 * dims->f);
}

/* The attention state: decode keeps the cache (K and V blocked, both padded to whole blocks) and the partial results
 * of its splits; prefill keeps Q, K, V and O of the prompt. */
static void attention_bytes(const layer_dims *dims, const layer_params *p, uint64_t *kept, uint64_t *transient)
{
    size_t kv_width = dims->kv_heads * dims->dh;
    if (p->phase == LAYER_PREFILL) {
        *kept = 4ull * p->rows * (2 * dims->d + 2 * kv_width);
        *transient = 0;
        return;
    }
    uint64_t v = 4ull * p->rows * kv_width * p->context, k = 4ull * p->rows * kv_width * round_up(p->context, 16);
    uint64_t partials = 8ull * p->rows * dims->d + 4ull * p->rows * dims->heads * (p->context / 256 + 1) * (dims->dh + 2);
    *kept = 2 * k + partials;
    *transient = 2 * v;  /* the row-major K and V the blocked copy is made from */
    if (p->kv_dtype == TFB_KV_FP32) return;
    /* converted from fp32 K and V (both transient) into one blocked buffer, beside the new token's staging rows */
    tfb_attention_shape shape = {p->rows, dims->heads, dims->kv_heads, 1, p->context, dims->dh};
    *kept = tfb_decode_cache_bytes(&shape, (tfb_kv_dtype)p->kv_dtype) + 8ull * p->rows * kv_width + partials;
}

/* The buffer weights are generated in before packing: a few panels of rows of the widest matrix, made and packed
 * through it in turn (tfb_linear_create_grid); the experts' packing reads a whole fp32 row-major copy of the largest. */
static uint64_t staging_bytes(const layer_dims *dims)
{
    uint64_t largest = 0;
    size_t widest = 0;
    for (int w = W_QKV; w <= W_DOWN; w++) {
        uint64_t bytes = 4ull * weight_rows(dims, w) * layer_weight_cols(dims, w);
        if (bytes > largest) largest = bytes;
        if (layer_weight_cols(dims, w) > widest) widest = layer_weight_cols(dims, w);
    }
    return dims->experts ? largest : tfb_linear_staging_bytes(widest);
}

void layer_device_bytes(const layer_dims *dims, const layer_params *p, uint64_t *kept, uint64_t *transient)
{
    uint64_t weights = 0, staging = staging_bytes(dims), attention_kept, attention_transient;
    for (int w = W_QKV; w <= (dims->experts ? W_O : W_DOWN); w++)
        weights += p->quant ? tfb_linear_quant_bytes(p->quant, weight_rows(dims, w), layer_weight_cols(dims, w))
                            : tfb_linear_packed_bytes(weight_rows(dims, w), layer_weight_cols(dims, w), p->half);
    if (dims->experts) weights += layer_moe_bytes(dims, p->half, p->rows);
    attention_bytes(dims, p, &attention_kept, &attention_transient);
    *kept = weights + 8ull * dims->d + 4ull * activation_floats(dims, p->rows) + attention_kept;
    *transient = staging > attention_transient ? staging : attention_transient;
}

uint32_t layer_weight_seed(const layer_state *s, size_t layer, int matrix)
{
    return s->seed + 7001u + 16u * (uint32_t)layer + (uint32_t)matrix;
}

/* The power of two nearest 1 / sqrt(cols) from below. */
static float weight_scale(size_t cols)
{
    int bits = 0;
    while ((size_t)1 << (bits + 1) <= cols) bits++;
    return ldexpf(1.0f, -(bits + 1) / 2);
}

float layer_weight(const layer_state *s, size_t layer, int matrix, size_t index)
{
    uint32_t seed = layer_weight_seed(s, layer, matrix);
    if (matrix == W_NORM1 || matrix == W_NORM2) return tfb_hash_uniform(seed, index, 0.5f, 1.5f);
    if (matrix >= W_BIAS_QKV) return tfb_hash_uniform(seed, index, -LAYER_BIAS_RANGE, LAYER_BIAS_RANGE);
    float scale = weight_scale(layer_weight_cols(&s->dims, matrix));
    return tfb_linear_stored(tfb_hash_grid(seed, index, scale * GRID_LO, scale * GRID_HI, WEIGHT_BITS), s->p.half);
}

void layer_grid_row(uint32_t seed, size_t row, size_t cols, int half, double *out)
{
    float scale = weight_scale(cols);
    tfb_hash_grid_range(seed, (uint64_t)row * cols, cols, scale * GRID_LO, scale * GRID_HI, WEIGHT_BITS, out);
    for (size_t k = 0; k < cols; k++) out[k] = tfb_linear_stored((float)out[k], half);  /* out[k] is a float */
}

int layer_grid_fill(tfb_context *ctx, cl_mem staging, size_t count, uint32_t seed, size_t cols, tfb_error *err)
{
    float scale = weight_scale(cols);
    return tfb_device_fill_grid(ctx, staging, count, seed, scale * GRID_LO, scale * GRID_HI, WEIGHT_BITS, err);
}

void layer_weight_row(const layer_state *s, size_t layer, int matrix, size_t row, double *out)
{
    layer_grid_row(layer_weight_seed(s, layer, matrix), row, layer_weight_cols(&s->dims, matrix), s->p.half, out);
    if (s->p.quant) tfb_linear_dequantized(s->p.quant, layer_weight_cols(&s->dims, matrix), out);
}

float layer_input_value(const layer_state *s, size_t index)
{
    return tfb_hash_grid(s->seed + 7000u, index, GRID_LO, GRID_HI, WEIGHT_BITS);
}

/* One projection: its random row-major fp32 weights made a few panels at a time in the staging buffer, packed and
 * bound to x and y. */
static int build_linear(tfb_run *run, layer_state *s, size_t layer, int matrix, cl_mem staging, cl_mem x, cl_mem y,
                        tfb_linear *out, tfb_error *err)
{
    size_t rows = weight_rows(&s->dims, matrix), cols = layer_weight_cols(&s->dims, matrix);
    if (s->p.quant) return layer_linear_quantized(run, s, layer, matrix, rows, x, y, out, err);
    float scale = weight_scale(cols);
    tfb_grid_spec grid = {layer_weight_seed(s, layer, matrix), scale * GRID_LO, scale * GRID_HI, WEIGHT_BITS};
    return tfb_linear_create_grid(run->ctx, &run->sizing, s->p.rows, rows, cols, s->p.half, &grid, staging,
                                  (size_t)staging_bytes(&s->dims), x, y, out, err);
}

static int create_poisoned(tfb_context *ctx, size_t floats, cl_mem *out, tfb_error *err)
{
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, floats * sizeof(float), NULL, out, err);
    return rc == TFB_OK ? tfb_device_poison(ctx, *out, floats * sizeof(float), err) : rc;
}

static int build_activations(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err)
{
    const layer_dims *dm = &s->dims;
    size_t rows = s->p.rows;
    cl_mem *buffers[] = {&u->h, &u->qkv_out, &u->o_out, &u->x2, &u->h2, &u->gu, &u->a, &u->dn, &u->y};
    size_t widths[] = {dm->d, dm->slots * dm->dh, dm->d, dm->d, dm->d, 2 * dm->f, dm->f, dm->d, dm->d};
    int rc = TFB_OK;
    for (size_t i = 0; rc == TFB_OK && i < sizeof widths / sizeof *widths; i++)
        rc = create_poisoned(ctx, rows * widths[i], buffers[i], err);
    return rc;
}

static int build_gain(tfb_context *ctx, const layer_state *s, size_t layer, int matrix, cl_mem *out, tfb_error *err)
{
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, s->dims.d * sizeof(float), NULL, out, err);
    if (rc != TFB_OK) return rc;
    return tfb_device_fill_uniform(ctx, *out, s->dims.d, layer_weight_seed(s, layer, matrix), 0.5f, 1.5f, err);
}

static int build_weights(tfb_run *run, layer_state *s, size_t layer, cl_mem staging, tfb_error *err)
{
    layer_unit *u = &s->units[layer];
    cl_mem qkv_in = s->dims.post_norm ? u->x : u->h;  /* post-norm: no norm before attention */
    int rc = build_linear(run, s, layer, W_QKV, staging, qkv_in, u->qkv_out, &u->qkv, err);
    if (rc == TFB_OK) rc = build_linear(run, s, layer, W_O, staging, u->io.out, u->o_out, &u->o, err);
    if (rc == TFB_OK && s->dims.experts) rc = layer_moe_build(run, s, layer, staging, err);
    if (rc == TFB_OK && !s->dims.experts)
        rc = build_linear(run, s, layer, W_GATE_UP, staging, u->h2, u->gu, &u->gate_up, err);
    if (rc == TFB_OK && !s->dims.experts) rc = build_linear(run, s, layer, W_DOWN, staging, u->a, u->dn, &u->down, err);
    if (rc == TFB_OK) rc = build_gain(run->ctx, s, layer, W_NORM1, &u->gain1, err);
    if (rc == TFB_OK) rc = build_gain(run->ctx, s, layer, W_NORM2, &u->gain2, err);
    return rc;
}

static tfb_attention_shape attention_shape(const layer_state *s)
{
    const layer_dims *dm = &s->dims;
    if (s->p.phase == LAYER_DECODE)
        return (tfb_attention_shape){s->p.rows, dm->heads, dm->kv_heads, 1, s->p.context, dm->dh};
    return (tfb_attention_shape){1, dm->heads, dm->kv_heads, s->p.rows, s->p.rows, dm->dh};
}

/* Decode: a random past cache (the attention suites' inputs), copied into the blocked layout the decode kernel
 * reads (K and V of 16 keys together, kernels/layer.cl); the appended slot and the query are poisoned. Prefill: Q, K, V come from the layer, all poisoned;
 * flash writes token-major rows for the O projection. */
static int build_attention(tfb_run *run, layer_state *s, size_t layer, tfb_error *err)
{
    layer_unit *u = &s->units[layer];
    tfb_attention_shape shape = attention_shape(s);
    tfb_attention_inputs inputs = tfb_attention_inputs_for(s->seed + 7919u * (uint32_t)(layer + 1));
    int rc = tfb_attention_io_create(run->ctx, &shape, &inputs, &u->io, err);
    if (rc == TFB_OK) rc = tfb_device_poison(run->ctx, u->io.q, tfb_attention_q_count(&shape) * sizeof(float), err);
    if (rc != TFB_OK) return rc;
    if (s->p.phase == LAYER_DECODE && s->p.kv_dtype != TFB_KV_FP32) return layer_kv_build(run->ctx, s, u, &shape, err);
    if (s->p.phase == LAYER_DECODE) {
        rc = tfb_decode_attention_plan_kv(run->ctx, &shape, &u->io, 0, TFB_KV_FP32, 1, &u->plan, err);
        tfb_buffer_release(&u->io.k);  /* the plan holds the blocked copy of both (kernels/layer.cl): the cache */
        tfb_buffer_release(&u->io.v);
        return rc;
    }
    size_t kv_bytes = tfb_attention_kv_count(&shape) * sizeof(float);
    tfb_flash_tile tile;
    rc = tfb_device_poison(run->ctx, u->io.k, kv_bytes, err);
    if (rc == TFB_OK) rc = tfb_device_poison(run->ctx, u->io.v, kv_bytes, err);
    if (rc == TFB_OK) rc = tfb_flash_tile_for(run, s->dims.dh, &tile, err);
    if (rc != TFB_OK) return rc;
    return tfb_flash_attention_plan_with(run->ctx, &shape, 1, &u->io, &tile, "-DTOKEN_MAJOR_OUT", &u->plan, err);
}

static int create_small_kernels(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err)
{
    char options[64];
    snprintf(options, sizeof options, "-DWG=%d -DD=%zu%s", LAYER_NORM_WG, s->dims.dh, u->kv_append ? " -DKV_STAGED" : "");
    const char *names[] = {"rms_norm", s->p.phase == LAYER_DECODE ? "rope_append" : "rope_scatter", "add_rms_norm",
                           "silu_mul", "add", "poison_slot"};
    cl_kernel *kernels[] = {&u->norm, &u->rope, &u->add_norm, &u->silu, &u->add, &u->poison};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (tfb_kernel_create(ctx, "layer.cl", options, names[i], kernels[i], err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

int layer_set_qkv_args(const layer_state *s, layer_unit *u, cl_mem table, tfb_error *err)
{
    const layer_dims *dm = &s->dims;
    cl_uint heads = (cl_uint)dm->heads, kv_heads = (cl_uint)dm->kv_heads, rows = (cl_uint)s->p.rows;
    if (s->p.phase == LAYER_PREFILL)
        return TFB_SET_ARGS(u->rope, err, TFB_MEM(u->qkv_out), TFB_MEM(table), TFB_MEM(u->io.q), TFB_MEM(u->io.k),
                            TFB_MEM(u->io.v), TFB_VAL(heads), TFB_VAL(kv_heads), TFB_VAL(rows));
    cl_uint n_pad = (cl_uint)round_up(s->p.context, 16), pos = (cl_uint)s->p.context - 1;
    /* a converted cache: K and V to the staging rows (KV_STAGED); fp32: both into the blocked cache */
    cl_mem k = u->kv_append ? u->kv_new[0] : u->plan.scratch[2], v = u->kv_append ? u->kv_new[1] : u->plan.scratch[2];
    return TFB_SET_ARGS(u->rope, err, TFB_MEM(u->qkv_out), TFB_MEM(table), TFB_MEM(u->io.q), TFB_MEM(k), TFB_MEM(v),
                        TFB_VAL(heads), TFB_VAL(kv_heads), TFB_VAL(n_pad), TFB_VAL(pos));
}

static int set_small_args(const layer_state *s, layer_unit *u, tfb_error *err)
{
    cl_uint d = (cl_uint)s->dims.d, f = (cl_uint)s->dims.f;
    cl_ulong count = (cl_ulong)s->p.rows * s->dims.d;
    float eps = LAYER_RMS_EPS;
    int rc = TFB_SET_ARGS(u->norm, err, TFB_MEM(u->x), TFB_MEM(u->gain1), TFB_MEM(u->h), TFB_VAL(d), TFB_VAL(eps));
    if (rc == TFB_OK) rc = layer_set_qkv_args(s, u, s->rope, err);
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(u->add_norm, err, TFB_MEM(u->x), TFB_MEM(u->o_out), TFB_MEM(u->x2), TFB_MEM(u->gain2),
                          TFB_MEM(u->h2), TFB_VAL(d), TFB_VAL(eps));
    if (rc == TFB_OK) rc = TFB_SET_ARGS(u->silu, err, TFB_MEM(u->gu), TFB_MEM(u->a), TFB_VAL(f));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(u->add, err, TFB_MEM(u->x2), TFB_MEM(u->dn), TFB_MEM(u->y), TFB_VAL(count));
    return rc;
}

/* The layer's launches in order, each with the group the op breakdown counts it in. */
static void assemble_launches(layer_state *s, size_t layer)
{
    layer_unit *u = &s->units[layer];
    size_t rows = s->p.rows, wg = LAYER_NORM_WG, n = 0;
    tfb_launch *l = &s->launches[layer * s->per_layer];
    int *g = s->groups;
    if (!s->dims.post_norm) l[n] = (tfb_launch){u->norm, 1, {rows * wg}, {wg}}, g[n++] = GROUP_SMALL;
    l[n] = u->qkv.launch, g[n++] = GROUP_PROJECTIONS;
    l[n] = (tfb_launch){u->rope, 2, {s->dims.slots, rows}, {0}}, g[n++] = GROUP_SMALL;
    if (u->kv_append) l[n] = u->kv_launch, g[n++] = GROUP_SMALL;
    for (size_t i = 0; i < u->plan.steps; i++) l[n] = u->plan.launches[i], g[n++] = GROUP_ATTENTION;
    l[n] = u->o.launch, g[n++] = GROUP_PROJECTIONS;
    l[n] = (tfb_launch){u->add_norm, 1, {rows * wg}, {wg}}, g[n++] = GROUP_SMALL;
    if (s->dims.experts) {
        s->per_layer = layer_moe_launches(s, u, l, g, n);
        return;
    }
    l[n] = u->gate_up.launch, g[n++] = GROUP_FFN;
    l[n] = (tfb_launch){u->silu, 2, {round_up(s->dims.f, 64), rows}, {0}}, g[n++] = GROUP_SMALL;
    l[n] = u->down.launch, g[n++] = GROUP_FFN;
    if (s->dims.post_norm)  /* the last add fused with the output's LayerNorm: one group per row */
        l[n] = (tfb_launch){u->add, 1, {rows * wg}, {wg}}, g[n++] = GROUP_SMALL;
    else
        l[n] = (tfb_launch){u->add, 1, {round_up(rows * s->dims.d, 256)}, {0}}, g[n++] = GROUP_SMALL;
    s->per_layer = n;
}

/* (cos, sin) of position x theta_i, theta_i = base^(-2i / dh), in float64 then rounded once: decode needs the one
 * position of the new token, prefill every prompt position. */
static int build_rope(tfb_context *ctx, layer_state *s, tfb_error *err)
{
    size_t pairs = s->dims.dh / 2, first = s->p.phase == LAYER_DECODE ? s->p.context - 1 : 0;
    s->rope_rows = s->p.phase == LAYER_DECODE ? 1 : s->p.rows;
    s->rope_host = malloc(s->rope_rows * pairs * 2 * sizeof *s->rope_host);
    if (!s->rope_host) return tfb_fail(err, "out of memory for the rotary table");
    for (size_t r = 0; r < s->rope_rows; r++)
        for (size_t i = 0; i < pairs; i++) {
            double angle = (double)(first + r) * pow(LAYER_ROPE_BASE, -2.0 * (double)i / (double)s->dims.dh);
            s->rope_host[(r * pairs + i) * 2] = (float)cos(angle);
            s->rope_host[(r * pairs + i) * 2 + 1] = (float)sin(angle);
        }
    return tfb_buffer_create(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, s->rope_rows * pairs * 2 * sizeof(float),
                             s->rope_host, &s->rope, err);
}

static int build_input(tfb_context *ctx, layer_state *s, tfb_error *err)
{
    size_t count = s->p.rows * s->dims.d;
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, count * sizeof(float), NULL, &s->input, err);
    if (rc != TFB_OK) return rc;
    return tfb_device_fill_grid(ctx, s->input, count, s->seed + 7000u, GRID_LO, GRID_HI, WEIGHT_BITS, err);
}

/* The appended slot of every sequence and KV head set to `value` (NaN before the first check, a finite wrong
 * number before the check after timing). */
int layer_poison_slot(tfb_context *ctx, const layer_state *s, layer_unit *u, float value, tfb_error *err)
{
    if (u->kv_append) return layer_kv_poison(ctx, s, u, value, err);
    cl_uint slices = (cl_uint)(s->p.rows * s->dims.kv_heads);
    cl_uint n_pad = (cl_uint)round_up(s->p.context, 16), pos = (cl_uint)s->p.context - 1;
    int rc = TFB_SET_ARGS(u->poison, err, TFB_MEM(u->plan.scratch[2]), TFB_VAL(slices), TFB_VAL(n_pad), TFB_VAL(pos),
                          TFB_VAL(value));
    tfb_launch launch = {u->poison, 2, {s->dims.dh, slices}, {0}};
    tfb_work work = {&launch, 1, 1};
    return rc == TFB_OK ? tfb_work_run_once(ctx, &work, err) : rc;
}

static int build_unit(tfb_run *run, layer_state *s, size_t layer, cl_mem staging, tfb_error *err)
{
    layer_unit *u = &s->units[layer];
    u->x = layer == 0 ? s->input : s->units[layer - 1].y;
    int rc = build_activations(run->ctx, s, u, err);
    if (rc == TFB_OK) rc = build_attention(run, s, layer, err);
    if (rc == TFB_OK) rc = build_weights(run, s, layer, staging, err);
    if (rc == TFB_OK && s->dims.classic) rc = layer_classic_build(run->ctx, s, layer, err);
    if (rc == TFB_OK && s->dims.classic) rc = layer_classic_kernels(run->ctx, s, u, err);
    if (rc == TFB_OK && !s->dims.classic) rc = create_small_kernels(run->ctx, s, u, err);
    if (rc == TFB_OK && !s->dims.classic) rc = set_small_args(s, u, err);
    if (rc == TFB_OK && s->p.phase == LAYER_DECODE) rc = layer_poison_slot(run->ctx, s, u, NAN, err);
    if (rc == TFB_OK) assemble_launches(s, layer);
    return rc;
}

/* TFB_SKIP, with the sizes, when the stack's buffers exceed the device's allocation limit or 3/4 of its memory. */
static int stack_fits(const tfb_run *run, const layer_state *s, tfb_error *err)
{
    uint64_t kept, transient;
    layer_device_bytes(&s->dims, &s->p, &kept, &transient);
    uint64_t k_cache = 8ull * s->p.rows * s->dims.kv_heads * s->dims.dh * round_up(s->p.context, 16);
    uint64_t largest = s->p.phase == LAYER_DECODE && k_cache > transient ? k_cache : transient;
    uint64_t total = kept * s->p.layers + transient, usable = run->ctx->info.global_mem_bytes / 4 * 3;
    char need[32], limit[32], one[32];
    tfb_format_bytes((size_t)kept, one, sizeof one);
    if (largest > run->ctx->info.max_alloc_bytes) {
        tfb_format_bytes((size_t)largest, need, sizeof need);
        tfb_format_bytes((size_t)run->ctx->info.max_alloc_bytes, limit, sizeof limit);
        return tfb_skip(err, "one layer (%s) needs a %s buffer; the device allows %s per allocation", one, need, limit);
    }
    if (total <= usable) return TFB_OK;
    tfb_format_bytes((size_t)total, need, sizeof need);
    tfb_format_bytes((size_t)usable, limit, sizeof limit);
    return tfb_skip(err, "%zu layer(s) of %s need %s; tfbench uses at most 3/4 of the device's memory, %s",
                    s->p.layers, one, need, limit);
}

int layer_build(tfb_run *run, layer_state *s, tfb_error *err)
{
    if (layer_dims_of(&run->workload->model, &s->dims, err) != TFB_OK || stack_fits(run, s, err) != TFB_OK)
        return TFB_SKIP;
    if ((s->p.quant && s->dims.experts) || (s->p.kv_dtype != TFB_KV_FP32 && (s->dims.classic || s->dims.experts)))
        return tfb_skip(err, "%s: quantized weights are built for dense blocks, converted caches for the dense "
                        "Llama-style one", layer_format_name(&s->p));
    s->units = calloc(s->p.layers, sizeof *s->units);
    if (!s->units) return tfb_fail(err, "out of memory");
    cl_mem staging = NULL;
    int rc = build_input(run->ctx, s, err);
    if (rc == TFB_OK) rc = build_rope(run->ctx, s, err);
    if (rc == TFB_OK)
        rc = tfb_buffer_create(run->ctx, CL_MEM_READ_WRITE, (size_t)staging_bytes(&s->dims), NULL, &staging, err);
    for (size_t layer = 0; rc == TFB_OK && layer < s->p.layers; layer++) rc = build_unit(run, s, layer, staging, err);
    tfb_buffer_release(&staging);
    return rc;
}

static void release_unit(layer_unit *u)
{
    tfb_linear_release(&u->qkv);
    tfb_linear_release(&u->o);
    tfb_linear_release(&u->gate_up);
    tfb_linear_release(&u->down);
    cl_mem *buffers[] = {&u->gain1, &u->gain2, &u->h, &u->qkv_out, &u->o_out, &u->x2, &u->h2, &u->gu, &u->a, &u->dn,
                         &u->y, &u->kv_new[0], &u->kv_new[1]};
    for (size_t i = 0; i < sizeof buffers / sizeof *buffers; i++) tfb_buffer_release(buffers[i]);
    layer_classic_release(u);
    layer_moe_release(u);
    tfb_attention_io_release(&u->io);
    tfb_attention_plan_release(&u->plan);
    cl_kernel *kernels[] = {&u->norm, &u->rope, &u->add_norm, &u->silu, &u->add, &u->poison, &u->kv_append};
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) tfb_kernel_release(kernels[i]);
}

void layer_release(layer_state *s)
{
    for (size_t i = 0; s->units && i < s->p.layers; i++) release_unit(&s->units[i]);
    free(s->units);
    s->units = NULL;
    tfb_buffer_release(&s->input);
    tfb_buffer_release(&s->rope);
    free(s->rope_host);
    s->rope_host = NULL;
    tfb_read_probe_release(&s->probe);
}
