/* The Mixtral-style block: the Llama-style attention half (layer_build.c), then a mixture-of-experts FFN: the
 * router's GEMV (d -> E, our GEMV kernel), top-k and the softmax over the chosen logits on the device, the chosen
 * experts' gate/up products grouped over the tokens routed to each expert (each touched expert's weights read once,
 * an untouched one's not at all), SiLU(gate) x up, the down products scaled by the routing weights, and their sum
 * added to the residual (kernels/moe.cl). Routing is real: the router's output on the random inputs picks the
 * experts, and the check routes in float64. Prefill (and any phase that sets grouped()) first groups the slots by
 * expert on the device, then runs each expert's gate/up and down as a GEMM over its slots. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "layer.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"

#define UNIT 0x1p-24
#define TINY 1e-30
enum { PANEL = 16, MAX_EXPERTS = 32, GPU_WG = 64 };

struct layer_moe {
    tfb_linear router;
    cl_mem logits, chosen, weight, w_gate_up, w_down, gu, a, dn;  /* per slot: [rows][k][...] */
    cl_mem start, order;      /* prefill: the slots grouped by expert (route_group) */
    cl_kernel route, gate_up, silu, down, combine, store, group;
};

/* Prefill runs the experts as GEMMs over the slots grouped by expert; decode scans the few slots per panel. */
static int grouped(const layer_state *s)
{
    return s->p.phase == LAYER_PREFILL;
}

int layer_moe_dims(const tfb_model_config *m, layer_dims *dims, tfb_error *err)
{
    if (m->ffn != TFB_FFN_SWIGLU || m->norm != TFB_NORM_RMS || m->bias || m->positions != TFB_POSITIONS_ROPE)
        return tfb_skip(err, "the layer suite builds Mixtral-style experts (SwiGLU, RMSNorm, RoPE, no biases); %s "
                        "differs", m->name);
    if (m->n_experts > MAX_EXPERTS)
        return tfb_skip(err, "%llu experts: the device's top-k takes at most %d", (unsigned long long)m->n_experts,
                        MAX_EXPERTS);
    dims->experts = (size_t)m->n_experts;
    dims->top_k = (size_t)m->experts_per_token;
    return TFB_OK;
}

static size_t weight_size(int half)
{
    return half ? 2 : 4;
}

/* Rows rounded up to whole panels of 16 (zero-padded). */
static size_t panel_rows(size_t rows)
{
    return (rows + PANEL - 1) / PANEL * PANEL;
}

uint64_t layer_moe_bytes(const layer_dims *dims, int half, size_t rows)
{
    uint64_t per_expert = (uint64_t)panel_rows(2 * dims->f) * dims->d + (uint64_t)panel_rows(dims->d) * dims->f;
    uint64_t slots = (uint64_t)rows * dims->top_k;  /* logits, routing, and each slot's gate/up, SiLU and down rows */
    uint64_t activations = 4 * (rows * dims->experts + 2 * slots + slots * (3 * dims->f + dims->d));
    return tfb_linear_packed_bytes(dims->experts, dims->d, half) + dims->experts * per_expert * weight_size(half) +
           activations;
}

/* Expert e's gate/up (which 0) or down (1) matrix of layer `layer`. */
static uint32_t expert_seed(const layer_state *s, size_t layer, size_t e, int which)
{
    return s->seed + 50001u + 97u * (uint32_t)layer + 2u * (uint32_t)e + (uint32_t)which;
}

static int create(tfb_context *ctx, size_t bytes, cl_mem *out, tfb_error *err)
{
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, bytes, NULL, out, err);
    return rc == TFB_OK ? tfb_device_poison(ctx, *out, bytes, err) : rc;
}

/* Every expert's matrix `which`: random fp32 rows in the staging buffer, stored in the weights' format. */
static int fill_experts(tfb_context *ctx, const layer_state *s, size_t layer, struct layer_moe *m, int which,
                        cl_mem staging, tfb_error *err)
{
    size_t rows = which ? s->dims.d : 2 * s->dims.f, cols = which ? s->dims.f : s->dims.d;
    cl_mem target = which ? m->w_down : m->w_gate_up;
    cl_uint n = (cl_uint)rows, k = (cl_uint)cols;
    for (size_t e = 0; e < s->dims.experts; e++) {
        cl_ulong offset = (cl_ulong)e * panel_rows(rows) * cols;
        int rc = layer_grid_fill(ctx, staging, rows * cols, expert_seed(s, layer, e, which), cols, err);
        if (rc == TFB_OK)
            rc = TFB_SET_ARGS(m->store, err, TFB_MEM(staging), TFB_MEM(target), TFB_VAL(offset), TFB_VAL(n),
                              TFB_VAL(k));
        tfb_launch launch = {m->store, 2, {panel_rows(rows) / PANEL, cols}, {0}};
        tfb_work work = {&launch, 1, 1};
        if (rc == TFB_OK) rc = tfb_work_run_once(ctx, &work, err);
        if (rc != TFB_OK) return rc;
    }
    return TFB_OK;
}

static int create_kernels(tfb_context *ctx, const layer_state *s, struct layer_moe *m, tfb_error *err)
{
    char options[96];
    int n = snprintf(options, sizeof options, "-DK=%zu -DE=%zu%s", s->dims.top_k, s->dims.experts,
                     s->p.half ? " -DHALF" : "");
    if (ctx->info.gpu_kernels && n > 0 && (size_t)n < sizeof options)  /* a work-group per panel (moe.cl) */
        snprintf(options + n, sizeof options - (size_t)n, " -DGPU_WG=%d", GPU_WG);
    const char *names[] = {"route_top_k", "expert_gate_up", "expert_silu", "expert_down", "expert_combine",
                           "pack_expert", "route_group"};
    cl_kernel *kernels[] = {&m->route, &m->gate_up, &m->silu, &m->down, &m->combine, &m->store, &m->group};
    if (grouped(s)) names[1] = "expert_gemm_gate_up", names[3] = "expert_gemm_down";
    for (size_t i = 0; i < sizeof names / sizeof *names - !grouped(s); i++)
        if (tfb_kernel_create(ctx, "moe.cl", options, names[i], kernels[i], err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

static int set_grouped_args(const layer_state *s, layer_unit *u, tfb_error *err)
{
    struct layer_moe *m = u->moe;
    cl_uint d = (cl_uint)s->dims.d, f = (cl_uint)s->dims.f, f2 = 2 * f, rows = (cl_uint)s->p.rows;
    cl_uint slots = rows * (cl_uint)s->dims.top_k;
    int rc = TFB_SET_ARGS(m->group, err, TFB_MEM(m->chosen), TFB_MEM(m->start), TFB_MEM(m->order), TFB_VAL(slots));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->gate_up, err, TFB_MEM(m->w_gate_up), TFB_MEM(u->h2), TFB_MEM(m->start), TFB_MEM(m->order),
                          TFB_MEM(m->gu), TFB_VAL(d), TFB_VAL(f2));
    if (rc == TFB_OK) rc = TFB_SET_ARGS(m->silu, err, TFB_MEM(m->gu), TFB_MEM(m->a), TFB_VAL(f));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->down, err, TFB_MEM(m->w_down), TFB_MEM(m->a), TFB_MEM(m->start), TFB_MEM(m->order),
                          TFB_MEM(m->weight), TFB_MEM(m->dn), TFB_VAL(d), TFB_VAL(f));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->combine, err, TFB_MEM(u->x2), TFB_MEM(m->dn), TFB_MEM(u->y), TFB_VAL(d), TFB_VAL(rows));
    return rc;
}

static int set_args(const layer_state *s, layer_unit *u, tfb_error *err)
{
    struct layer_moe *m = u->moe;
    cl_uint d = (cl_uint)s->dims.d, f = (cl_uint)s->dims.f, f2 = 2 * f, rows = (cl_uint)s->p.rows;
    int rc = TFB_SET_ARGS(m->route, err, TFB_MEM(m->logits), TFB_MEM(m->chosen), TFB_MEM(m->weight), TFB_VAL(rows));
    if (rc == TFB_OK && grouped(s)) return set_grouped_args(s, u, err);
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->gate_up, err, TFB_MEM(m->w_gate_up), TFB_MEM(u->h2), TFB_MEM(m->chosen), TFB_MEM(m->gu),
                          TFB_VAL(d), TFB_VAL(f2), TFB_VAL(rows));
    if (rc == TFB_OK) rc = TFB_SET_ARGS(m->silu, err, TFB_MEM(m->gu), TFB_MEM(m->a), TFB_VAL(f));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->down, err, TFB_MEM(m->w_down), TFB_MEM(m->a), TFB_MEM(m->chosen), TFB_MEM(m->weight),
                          TFB_MEM(m->dn), TFB_VAL(d), TFB_VAL(f), TFB_VAL(rows));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(m->combine, err, TFB_MEM(u->x2), TFB_MEM(m->dn), TFB_MEM(u->y), TFB_VAL(d), TFB_VAL(rows));
    return rc;
}

int layer_moe_build(tfb_run *run, const layer_state *s, size_t layer, cl_mem staging, tfb_error *err)
{
    layer_unit *u = &s->units[layer];
    const layer_dims *dm = &s->dims;
    size_t rows = s->p.rows, slots = rows * dm->top_k, w = weight_size(s->p.half);
    struct layer_moe *m = u->moe = calloc(1, sizeof *m);
    if (!m) return tfb_fail(err, "out of memory");
    int rc = create(run->ctx, rows * dm->experts * sizeof(float), &m->logits, err);
    if (rc == TFB_OK) rc = create(run->ctx, slots * sizeof(cl_int), &m->chosen, err);
    if (rc == TFB_OK) rc = create(run->ctx, slots * sizeof(float), &m->weight, err);
    if (rc == TFB_OK) rc = create(run->ctx, slots * 2 * dm->f * sizeof(float), &m->gu, err);
    if (rc == TFB_OK) rc = create(run->ctx, slots * dm->f * sizeof(float), &m->a, err);
    if (rc == TFB_OK) rc = create(run->ctx, slots * dm->d * sizeof(float), &m->dn, err);
    if (rc == TFB_OK && grouped(s)) rc = create(run->ctx, (dm->experts + 1) * sizeof(cl_int), &m->start, err);
    if (rc == TFB_OK && grouped(s)) rc = create(run->ctx, slots * sizeof(cl_int), &m->order, err);
    if (rc == TFB_OK) rc = create(run->ctx, dm->experts * panel_rows(2 * dm->f) * dm->d * w, &m->w_gate_up, err);
    if (rc == TFB_OK) rc = create(run->ctx, dm->experts * panel_rows(dm->d) * dm->f * w, &m->w_down, err);
    if (rc == TFB_OK) rc = create_kernels(run->ctx, s, m, err);
    if (rc == TFB_OK) rc = fill_experts(run->ctx, s, layer, m, 0, staging, err);
    if (rc == TFB_OK) rc = fill_experts(run->ctx, s, layer, m, 1, staging, err);
    if (rc == TFB_OK)
        rc = layer_grid_fill(run->ctx, staging, dm->experts * dm->d, layer_weight_seed(s, layer, W_GATE_UP), dm->d,
                             err);
    if (rc == TFB_OK)
        rc = tfb_linear_create(run->ctx, &run->sizing, rows, dm->experts, dm->d, s->p.half, staging, u->h2, m->logits,
                               &m->router, err);
    if (rc == TFB_OK) rc = set_args(s, u, err);
    return rc;
}

size_t layer_moe_launches(const layer_state *s, const layer_unit *u, tfb_launch *l, int *g, size_t n)
{
    const struct layer_moe *m = u->moe;
    const layer_dims *dm = &s->dims;
    size_t rows = s->p.rows, slots = rows * dm->top_k, group = s->ctx->info.gpu_kernels ? GPU_WG : 1;
    l[n] = m->router.launch, g[n++] = GROUP_FFN;
    l[n] = (tfb_launch){m->route, 1, {rows}, {0}}, g[n++] = GROUP_SMALL;
    if (grouped(s)) {  /* a CPU runs one item per work-group, as the scanning kernels; a GPU the driver's choice */
        size_t one = s->ctx->info.gpu_kernels ? 0 : 1, up_panels = panel_rows(2 * dm->f) / PANEL;
        l[n] = (tfb_launch){m->group, 1, {1}, {0}}, g[n++] = GROUP_SMALL;
        l[n] = (tfb_launch){m->gate_up, 2, {up_panels, dm->experts}, {one, one}}, g[n++] = GROUP_FFN;
        l[n] = (tfb_launch){m->silu, 2, {(dm->f + 63) / 64 * 64, slots}, {0}}, g[n++] = GROUP_SMALL;
        l[n] = (tfb_launch){m->down, 2, {panel_rows(dm->d) / PANEL, dm->experts}, {one, one}}, g[n++] = GROUP_FFN;
        l[n] = (tfb_launch){m->combine, 2, {(dm->d + 63) / 64 * 64, rows}, {0}}, g[n++] = GROUP_SMALL;
        return n;
    }
    l[n] = (tfb_launch){m->gate_up, 2, {panel_rows(2 * dm->f) / PANEL * group, 1}, {group, 1}}, g[n++] = GROUP_FFN;
    l[n] = (tfb_launch){m->silu, 2, {(dm->f + 63) / 64 * 64, slots}, {0}}, g[n++] = GROUP_SMALL;
    l[n] = (tfb_launch){m->down, 2, {panel_rows(dm->d) / PANEL * group, 1}, {group, 1}}, g[n++] = GROUP_FFN;
    l[n] = (tfb_launch){m->combine, 2, {(dm->d + 63) / 64 * 64, rows}, {0}}, g[n++] = GROUP_SMALL;
    return n;
}

int layer_moe_repoison(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err)
{
    struct layer_moe *m = u->moe;
    size_t slots = s->p.rows * s->dims.top_k;
    cl_mem buffers[] = {m->logits, m->weight, m->gu, m->a, m->dn};
    size_t floats[] = {s->p.rows * s->dims.experts, slots, slots * 2 * s->dims.f, slots * s->dims.f,
                       slots * s->dims.d};
    for (size_t i = 0; i < sizeof floats / sizeof *floats; i++)
        if (tfb_device_poison_finite(ctx, buffers[i], floats[i] * sizeof(float), err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_device_poison(ctx, m->chosen, slots * sizeof(cl_int), err);  /* no expert: nothing routed */
    if (rc == TFB_OK && m->order) rc = tfb_device_poison(ctx, m->order, slots * sizeof(cl_int), err);
    if (rc == TFB_OK && m->start) rc = tfb_device_poison(ctx, m->start, (s->dims.experts + 1) * sizeof(cl_int), err);
    return rc;
}

void layer_moe_release(layer_unit *u)
{
    struct layer_moe *m = u->moe;
    if (!m) return;
    tfb_linear_release(&m->router);
    cl_mem *buffers[] = {&m->logits, &m->chosen, &m->weight, &m->w_gate_up, &m->w_down, &m->gu, &m->a, &m->dn,
                         &m->start, &m->order};
    for (size_t i = 0; i < sizeof buffers / sizeof *buffers; i++) tfb_buffer_release(buffers[i]);
    cl_kernel *kernels[] = {&m->route, &m->gate_up, &m->silu, &m->down, &m->combine, &m->store, &m->group};
    for (size_t i = 0; i < sizeof kernels / sizeof *kernels; i++) tfb_kernel_release(kernels[i]);
    free(m);
    u->moe = NULL;
}

/* ---- The check: routing in float64, then every element of every routed slot. ---- */

typedef struct moe_rows {
    float *logits, *weight, *gu, *a, *dn, *y;
    cl_int *chosen;
} moe_rows;

typedef struct moe_checker {
    const layer_state *s;
    size_t layer;
    const float *h2, *x2;     /* the layer's own rows, as the device left them */
    moe_rows got;
    double worst;
    double *row;              /* one weight row */
} moe_checker;

static int read_back(tfb_context *ctx, cl_mem buffer, size_t bytes, void **out, tfb_error *err)
{
    *out = malloc(bytes);
    if (!*out) return tfb_fail(err, "out of memory for the reference");
    TFB_CL_CHECK(err, "clEnqueueReadBuffer", clEnqueueReadBuffer(ctx->queue, buffer, CL_TRUE, 0, bytes, *out, 0, NULL,
                                                                 NULL));
    return TFB_OK;
}

static int load(tfb_context *ctx, const layer_state *s, const layer_unit *u, moe_rows *r, tfb_error *err)
{
    const struct layer_moe *m = u->moe;
    size_t rows = s->p.rows, slots = rows * s->dims.top_k, f = s->dims.f, d = s->dims.d;
    int rc = read_back(ctx, m->logits, rows * s->dims.experts * sizeof(float), (void **)&r->logits, err);
    if (rc == TFB_OK) rc = read_back(ctx, m->chosen, slots * sizeof(cl_int), (void **)&r->chosen, err);
    if (rc == TFB_OK) rc = read_back(ctx, m->weight, slots * sizeof(float), (void **)&r->weight, err);
    if (rc == TFB_OK) rc = read_back(ctx, m->gu, slots * 2 * f * sizeof(float), (void **)&r->gu, err);
    if (rc == TFB_OK) rc = read_back(ctx, m->a, slots * f * sizeof(float), (void **)&r->a, err);
    if (rc == TFB_OK) rc = read_back(ctx, m->dn, slots * d * sizeof(float), (void **)&r->dn, err);
    if (rc == TFB_OK) rc = read_back(ctx, u->y, rows * d * sizeof(float), (void **)&r->y, err);
    return rc;
}

static void free_rows(moe_rows *r)
{
    void *all[] = {r->logits, r->chosen, r->weight, r->gu, r->a, r->dn, r->y};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) free(all[i]);
}

static int check_value(moe_checker *c, const char *step, size_t token, size_t at, double got, double want,
                       double bound, tfb_error *err)
{
    double error = fabs(got - want);
    if (isnan(got))
        return tfb_fail(err, "layer %zu of %zu, sequence %zu: %s[%zu] was never written (expected %.6g)", c->layer + 1,
                        c->s->p.layers, token, step, at, want);
    if (!(error <= bound))
        return tfb_fail(err, "layer %zu of %zu, sequence %zu: %s[%zu] = %.9g, expected %.9g (error %.3g > tolerance "
                        "%.3g)", c->layer + 1, c->s->p.layers, token, step, at, got, want, error, bound);
    if (error / bound > c->worst) c->worst = error / bound;
    return TFB_OK;
}

/* sum_k w_k x_k in float64 and its bound dot(n) sum |w_k x_k|. */
static double dot(const double *w, const float *x, size_t n, double *bound)
{
    double sum = 0.0, magnitude = 0.0;
    for (size_t k = 0; k < n; k++) {
        double term = w[k] * (double)x[k];
        sum += term;
        magnitude += fabs(term);
    }
    *bound = tfb_dot_tolerance_f32(n) * magnitude + TINY;
    return sum;
}

/* Experts in descending order of `logits` (the lower expert first on equal logits), as route_top_k picks them. */
static void rank(const double *logits, size_t experts, size_t *order)
{
    for (size_t i = 0; i < experts; i++) order[i] = i;
    for (size_t i = 1; i < experts; i++)
        for (size_t j = i; j > 0 && logits[order[j]] > logits[order[j - 1]]; j--) {
            size_t t = order[j];
            order[j] = order[j - 1];
            order[j - 1] = t;
        }
}

/* The router's logits against float64; the device's top-k exactly the top-k of its own logits; and against the
 * float64 ranking, where a different pick is accepted only at a tie: the two experts' float64 logits within the
 * sum of their rounding bounds (then either order is right, and the device's is what the rest is checked on). */
static int check_routing(moe_checker *c, size_t t, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t e_count = dm->experts, k = dm->top_k, order[MAX_EXPERTS], device_order[MAX_EXPERTS];
    double want[MAX_EXPERTS], bound[MAX_EXPERTS], own[MAX_EXPERTS];
    for (size_t e = 0; e < e_count; e++) {
        layer_grid_row(layer_weight_seed(c->s, c->layer, W_GATE_UP), e, dm->d, c->s->p.half, c->row);
        want[e] = dot(c->row, c->h2 + t * dm->d, dm->d, &bound[e]);
        own[e] = c->got.logits[t * e_count + e];
        if (check_value(c, "router logits", t, e, own[e], want[e], bound[e], err) != TFB_OK) return TFB_ERROR;
    }
    rank(want, e_count, order);
    rank(own, e_count, device_order);
    double top = own[device_order[0]], total = 0.0;
    for (size_t j = 0; j < k; j++) total += exp(own[device_order[j]] - top);
    for (size_t j = 0; j < k; j++) {
        size_t picked = (size_t)c->got.chosen[t * k + j], expected = order[j];
        if (picked != device_order[j])
            return tfb_fail(err, "layer %zu, sequence %zu: routing slot %zu chose expert %zu; the top-%zu of the "
                            "device's own logits has expert %zu there", c->layer + 1, t, j, picked, k,
                            device_order[j]);
        if (picked != expected && fabs(want[picked] - want[expected]) > bound[picked] + bound[expected])
            return tfb_fail(err, "layer %zu, sequence %zu: routing slot %zu chose expert %zu, float64 routes to "
                            "expert %zu (logits %.9g and %.9g: no tie)", c->layer + 1, t, j, picked, expected,
                            want[picked], want[expected]);
        double weight = exp(own[picked] - top) / total;
        if (check_value(c, "routing weight", t, j, c->got.weight[t * k + j], weight, 16 * UNIT * weight + TINY, err))
            return TFB_ERROR;
    }
    return TFB_OK;
}

/* Row sources of one expert's product: the slots routed to it (their token's h2 row for gate/up; for down their
 * SiLU row times their routing weight, so the weight rides in the product), and the expert's rows as stored. */
typedef struct expert_rows {
    const moe_checker *c;
    size_t e, cols, count;
    int which;
    size_t *slots;            /* the slots routed to e, ascending */
} expert_rows;

static void expert_input_row(void *user, size_t i, double *out)
{
    const expert_rows *x = user;
    const layer_dims *dm = &x->c->s->dims;
    size_t slot = x->slots[i];
    double scale = x->which ? x->c->got.weight[slot] : 1.0;
    const float *in = x->which ? x->c->got.a + slot * dm->f : x->c->h2 + slot / dm->top_k * dm->d;
    for (size_t k = 0; k < x->cols; k++) out[k] = scale * in[k];
}

static void expert_weight_row(void *user, size_t row, double *out)
{
    const expert_rows *x = user;
    layer_grid_row(expert_seed(x->c->s, x->c->layer, x->e, x->which), row, x->cols, x->c->s->p.half, out);
}

/* Matrix `which` of expert e against every slot routed to it, as one product (tfb_product_check: every element,
 * directly for a handful of slots, by Freivalds' projections past that): gate/up rows from the slot's token's h2,
 * down rows from its SiLU output, scaled by its routing weight (one more rounding: 2u on top of dot(f)). */
static int check_expert(moe_checker *c, size_t e, int which, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t width = which ? dm->d : 2 * dm->f, slots = c->s->p.rows * dm->top_k;
    const float *device = which ? c->got.dn : c->got.gu;
    expert_rows x = {.c = c, .e = e, .cols = which ? dm->f : dm->d, .which = which,
                     .slots = malloc(slots * sizeof(size_t))};
    if (!x.slots) return tfb_fail(err, "out of memory for the reference");
    for (size_t slot = 0; slot < slots; slot++)
        if ((size_t)c->got.chosen[slot] == e) x.slots[x.count++] = slot;
    float *got = x.count ? malloc(x.count * width * sizeof *got) : NULL;
    int rc = x.count == 0 || got ? TFB_OK : tfb_fail(err, "out of memory for the reference");
    for (size_t i = 0; rc == TFB_OK && i < x.count; i++)
        memcpy(got + i * width, device + x.slots[i] * width, width * sizeof *got);
    double rtol = tfb_dot_tolerance_f32(x.cols) * (1 + 2 * UNIT) + (which ? 2 * UNIT : 0.0), worst = 0.0;
    tfb_product p = {.m = x.count, .n = width, .k = x.cols, .c = got, .a_row = expert_input_row,
                     .w_row = expert_weight_row, .a_user = &x, .w_user = &x, .rtol = rtol, .atol = TINY,
                     .seed = c->s->seed + 131u * (uint32_t)e + (uint32_t)which};
    char what[200];
    snprintf(what, sizeof what, "layer %zu of %zu, expert %zu: %s (row i: the i-th slot routed to it, slots in "
             "token order)", c->layer + 1, c->s->p.layers, e, which ? "expert down x routing weight" :
             "expert gate/up");
    if (rc == TFB_OK && x.count) rc = tfb_product_check(what, &p, &worst, err);
    if (worst > c->worst) c->worst = worst;
    free(got);
    free(x.slots);
    return rc;
}

static int check_silu_and_sum(moe_checker *c, tfb_error *err)
{
    const layer_dims *dm = &c->s->dims;
    size_t k = dm->top_k, f = dm->f, d = dm->d;
    for (size_t slot = 0; slot < c->s->p.rows * k; slot++)
        for (size_t i = 0; i < f; i++) {
            double g = c->got.gu[slot * 2 * f + i], want = g / (1.0 + exp(-g)) * c->got.gu[slot * 2 * f + f + i];
            if (check_value(c, "expert SiLU(gate) x up", slot / k, i, c->got.a[slot * f + i], want,
                            16 * UNIT * fabs(want) + TINY, err))
                return TFB_ERROR;
        }
    for (size_t t = 0; t < c->s->p.rows; t++)
        for (size_t i = 0; i < d; i++) {
            double want = c->x2[t * d + i], magnitude = fabs(want);
            for (size_t j = 0; j < k; j++) {
                want += c->got.dn[(t * k + j) * d + i];
                magnitude += fabs((double)c->got.dn[(t * k + j) * d + i]);
            }
            if (check_value(c, "weighted sum of the experts plus the residual (the layer's output)", t, i,
                            c->got.y[t * d + i], want, (double)(k + 1) * UNIT * magnitude + TINY, err))
                return TFB_ERROR;
        }
    return TFB_OK;
}

int layer_moe_check(tfb_context *ctx, const layer_state *s, size_t layer, const float *h2, const float *x2,
                    double *worst, tfb_error *err)
{
    size_t widest = 2 * s->dims.f > s->dims.d ? 2 * s->dims.f : s->dims.d;
    moe_checker c = {.s = s, .layer = layer, .h2 = h2, .x2 = x2, .row = malloc(widest * sizeof(double))};
    int rc = c.row ? load(ctx, s, &s->units[layer], &c.got, err) : tfb_fail(err, "out of memory for the reference");
    for (size_t t = 0; rc == TFB_OK && t < s->p.rows; t++) rc = check_routing(&c, t, err);
    for (size_t e = 0; rc == TFB_OK && e < s->dims.experts; e++) rc = check_expert(&c, e, 0, err);
    if (rc == TFB_OK) rc = check_silu_and_sum(&c, err);
    for (size_t e = 0; rc == TFB_OK && e < s->dims.experts; e++) rc = check_expert(&c, e, 1, err);
    if (c.worst > *worst) *worst = c.worst;
    free_rows(&c.got);
    free(c.row);
    return rc;
}

/* Distinct experts the last execution routed to in layer `layer` (read back from the device). */
int layer_moe_touched(tfb_context *ctx, const layer_state *s, size_t layer, size_t *touched, tfb_error *err)
{
    size_t slots = s->p.rows * s->dims.top_k;
    cl_int *chosen = NULL;
    unsigned long long seen = 0;
    int rc = read_back(ctx, s->units[layer].moe->chosen, slots * sizeof(cl_int), (void **)&chosen, err);
    for (size_t i = 0; rc == TFB_OK && i < slots; i++)
        if (chosen[i] >= 0 && (size_t)chosen[i] < s->dims.experts) seen |= 1ull << chosen[i];
    *touched = 0;
    for (size_t e = 0; e < s->dims.experts; e++) *touched += seen >> e & 1u;
    free(chosen);
    return rc;
}

/* The bytes this step really read: the layer's accounting with the experts each layer touched in place of the
 * B x k (at most E) the case was sized with, beside the uniform-routing expectation. The result's bytes (and so its
 * bound) become the touched figure. */
int layer_moe_annotate(tfb_run *run, const layer_state *s, const tfb_model_config *model, tfb_result *r,
                       tfb_error *err)
{
    tfb_model_params params;
    tfb_model_layer cost;
    tfb_model_dtype weights = s->p.half ? TFB_MODEL_FP16 : TFB_MODEL_FP32;
    tfb_model_count_params(model, TFB_MODEL_EXACT, &params);
    if (s->p.phase == LAYER_DECODE)
        tfb_model_layer_decode(model, TFB_MODEL_EXACT, s->p.context, s->p.rows, weights, TFB_MODEL_FP32, &cost);
    else  /* prefill: its tokens x k routed experts, at most E, as the case counted them */
        tfb_model_layer_prefill(model, TFB_MODEL_EXACT, s->p.rows, weights, TFB_MODEL_FP32, &cost);
    double expert_bytes = (double)tfb_model_bytes(params.expert, weights), mean = 0.0;
    size_t counted = s->p.rows * s->dims.top_k < s->dims.experts ? s->p.rows * s->dims.top_k : s->dims.experts;
    cJSON *list = cJSON_AddArrayToObject(r->extra, "experts_touched");
    for (size_t l = 0; l < s->p.layers; l++) {
        size_t touched;
        if (layer_moe_touched(run->ctx, s, l, &touched, err) != TFB_OK) return TFB_ERROR;
        cJSON_AddItemToArray(list, cJSON_CreateNumber((double)touched));
        mean += (double)touched / (double)s->p.layers;
    }
    double expected = tfb_model_expected_experts(model, s->p.rows);
    cJSON_AddNumberToObject(r->extra, "experts_touched_mean", mean);
    cJSON_AddNumberToObject(r->extra, "experts_expected", expected);
    cJSON_AddNumberToObject(r->extra, "n_experts", (double)s->dims.experts);
    cJSON_AddNumberToObject(r->extra, "experts_per_token", (double)s->dims.top_k);
    cJSON_AddNumberToObject(r->extra, "bytes_worst_case", (double)cost.bytes);
    double formula = (double)cost.bytes - ((double)counted - expected) * expert_bytes;
    cJSON_AddNumberToObject(r->extra, "bytes_formula", formula);
    /* a dense layer of the same active size: the k experts' bytes whatever the batch */
    cJSON_AddNumberToObject(r->extra, "bytes_dense_equivalent",
                            (double)cost.bytes - ((double)counted - (double)s->dims.top_k) * expert_bytes);
    r->bytes = (double)cost.bytes - ((double)counted - mean) * expert_bytes;
    cJSON_AddNumberToObject(r->extra, "bytes_touched", r->bytes);
    tfb_result_derive(r);
    return TFB_OK;
}

const char *const *layer_moe_kernel_names(int phase)
{
    static const char *const DECODE[] = {"rms_norm", "qkv", "rope_append", "decode_partial", "decode_combine", "o",
                                         "add_rms_norm", "router", "route_top_k", "expert_gate_up", "expert_silu",
                                         "expert_down", "expert_combine"};
    static const char *const PREFILL[] = {"rms_norm", "qkv", "rope_scatter", "flash_attention", "o", "add_rms_norm",
                                          "router", "route_top_k", "route_group", "expert_gemm_gate_up",
                                          "expert_silu", "expert_gemm_down", "expert_combine"};
    return phase == LAYER_PREFILL ? PREFILL : DECODE;
}

const char *const *layer_moe_fusions(size_t *count)
{
    static const char *const FUSIONS[] = {
        "qkv: the Q, K and V projections as one product over the concatenated weights",
        "rope_append: rotary embedding of Q and K in the pass that appends K and V to the cache",
        "add_rms_norm: the residual add after attention fused with the FFN's RMSNorm",
        "route_top_k: top-k of the router's logits and the softmax over the chosen ones in one pass",
        "expert_gate_up / expert_down: each touched expert's gate and up (then down) rows read once for every token "
        "routed to it; the routing weight applied in the down pass",
        "expert_combine: the weighted experts' sum added to the residual",
        "attention: flash-decoding over the cache split and combined",
    };
    *count = sizeof FUSIONS / sizeof *FUSIONS;
    return FUSIONS;
}

/* One point of the batch curve from a verified MoE decode result: the whole stack of model layers at the measured
 * time per layer (the output head left out: it is dense), bytes per token from the experts touched, and the bounds at
 * the case's own bracketed read bandwidth: from the experts touched, and for a dense model of the same active size. */
static cJSON *curve_point(const tfb_result *r, double model_layers)
{
    double rows = (double)r->m, layer_s = r->time.median, bw = r->own_read_gbps * 1e9;
    double touched = r->bytes, dense = tfb_json_number(r->extra, "bytes_dense_equivalent", 0.0);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", r->name);
    cJSON_AddStringToObject(o, "dtype", r->dtype);
    cJSON_AddNumberToObject(o, "batch", rows);
    cJSON_AddNumberToObject(o, "context_tokens", (double)r->n);
    cJSON_AddNumberToObject(o, "experts_touched_mean", tfb_json_number(r->extra, "experts_touched_mean", 0.0));
    cJSON_AddNumberToObject(o, "experts_expected", tfb_json_number(r->extra, "experts_expected", 0.0));
    cJSON_AddNumberToObject(o, "tokens_per_second", rows / (model_layers * layer_s));
    cJSON_AddNumberToObject(o, "bytes_per_token", model_layers * touched / rows);
    cJSON_AddNumberToObject(o, "bytes_per_token_dense_equivalent", model_layers * dense / rows);
    cJSON_AddNumberToObject(o, "read_gbps", r->own_read_gbps);
    cJSON_AddNumberToObject(o, "bound_tokens_per_second", bw > 0 ? rows * bw / (model_layers * touched) : 0.0);
    cJSON_AddNumberToObject(o, "dense_bound_tokens_per_second", bw > 0 && dense > 0 ? rows * bw / (model_layers * dense)
                                                                                   : 0.0);
    return o;
}

void layer_moe_curve(cJSON *root, const tfb_results *all, const tfb_model_config *model)
{
    cJSON *curve = NULL;
    for (size_t i = 0; model->n_experts > 1 && i < all->count; i++) {
        const tfb_result *r = &all->items[i];
        const cJSON *phase = cJSON_GetObjectItemCaseSensitive(r->extra, "phase");
        if (strcmp(r->suite, "layer") != 0 || r->skipped[0] || r->verified != 1 || !(r->time.median > 0) ||
            !cJSON_GetObjectItemCaseSensitive(r->extra, "experts_touched_mean") || !cJSON_IsString(phase) ||
            strcmp(phase->valuestring, "decode") != 0)
            continue;
        if (!curve) curve = cJSON_AddArrayToObject(root, "moe_batch_curve");
        cJSON_AddItemToArray(curve, curve_point(r, (double)model->n_layers));
    }
}

void layer_moe_print_curve(const cJSON *layer, FILE *out)
{
    const cJSON *curve = cJSON_GetObjectItemCaseSensitive(layer, "moe_batch_curve"), *o;
    if (cJSON_GetArraySize(curve) == 0) return;
    fprintf(out, "Mixture of experts by batch (the layers only, from the experts each layer touched):\n");
    fprintf(out, "  %-6s %5s %6s %16s %11s %11s %11s %16s\n", "", "B", "n", "experts (expect)", "tokens/s", "GB/token",
            "bound", "dense same active");
    cJSON_ArrayForEach(o, curve) {
        const cJSON *dtype = cJSON_GetObjectItemCaseSensitive(o, "dtype");
        fprintf(out, "  %-6s %5.0f %6.0f %8.2f (%5.2f) %11.3g %11.3g %11.3g %16.3g\n",
                cJSON_IsString(dtype) ? dtype->valuestring : "?", tfb_json_number(o, "batch", 0),
                tfb_json_number(o, "context_tokens", 0), tfb_json_number(o, "experts_touched_mean", 0),
                tfb_json_number(o, "experts_expected", 0), tfb_json_number(o, "tokens_per_second", 0),
                tfb_json_number(o, "bytes_per_token", 0) / 1e9, tfb_json_number(o, "bound_tokens_per_second", 0),
                tfb_json_number(o, "dense_bound_tokens_per_second", 0));
    }
}
