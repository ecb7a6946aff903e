/* The classic block (GPT-2/GPT-3 style, pre-norm; BERT's post-norm when the config says so): LayerNorm with gain
 * and bias, the fused Q/K/V projection with its bias (added in the pass that appends K and V to the cache), attention
 * without rotary embedding (learned positions are added once at the model's input), the O projection whose bias is
 * added with the residual and the next LayerNorm in one pass, the up projection whose bias is added inside GELU, the
 * down projection whose bias is added with the last residual. It runs in the Llama-style block's launch order and
 * buffers (layer_build.c); this file has what differs: the shape check, the biases and betas, the small kernels,
 * their references, their names. */
#include <math.h>
#include <stdio.h>
#include "layer.h"
#include "tfbench/fill.h"
#include "tfbench/verify.h"

#define UNIT 0x1p-24
#define TINY 1e-30

int layer_classic_dims(const tfb_model_config *m, layer_dims *dims, tfb_error *err)
{
    if (m->norm != TFB_NORM_LAYER || m->ffn != TFB_FFN_GELU || m->positions != TFB_POSITIONS_LEARNED)
        return tfb_skip(err, "the layer suite builds the Llama-style block (RMSNorm, SwiGLU, RoPE) and the classic one "
                        "(LayerNorm, GELU, learned positions); %s mixes them", m->name);
    if (!m->bias) return tfb_skip(err, "the layer suite builds the classic block with biases; %s has none", m->name);
    if (dims->dh > TFB_MAX_HEAD_DIM)
        return tfb_skip(err, "head dim %zu: the attention kernels take at most %d", dims->dh, TFB_MAX_HEAD_DIM);
    dims->classic = 1;
    dims->gelu_erf = m->gelu == TFB_GELU_ERF;
    dims->post_norm = m->post_norm;
    return TFB_OK;
}

size_t layer_classic_width(const layer_dims *dims, int matrix)
{
    switch (matrix) {
    case W_BIAS_QKV: return dims->slots * dims->dh;
    case W_BIAS_UP: return dims->f;
    default: return dims->d;  /* O's and down's biases, the two betas */
    }
}

int layer_classic_build(tfb_context *ctx, const layer_state *s, size_t layer, tfb_error *err)
{
    layer_unit *u = &s->units[layer];
    for (int w = W_BIAS_QKV; w <= W_BETA2; w++) {
        size_t count = layer_classic_width(&s->dims, w);
        int rc = tfb_buffer_create(ctx, CL_MEM_READ_ONLY, count * sizeof(float), NULL, &u->bias[w], err);
        if (rc == TFB_OK)
            rc = tfb_device_fill_uniform(ctx, u->bias[w], count, layer_weight_seed(s, layer, w), -LAYER_BIAS_RANGE,
                                         LAYER_BIAS_RANGE, err);
        if (rc != TFB_OK) return rc;
    }
    if (!s->dims.post_norm) return TFB_OK;
    size_t bytes = s->p.rows * s->dims.d * sizeof(float);
    int rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, bytes, NULL, &u->post_sum, err);
    return rc == TFB_OK ? tfb_device_poison(ctx, u->post_sum, bytes, err) : rc;
}

static int set_args(const layer_state *s, layer_unit *u, tfb_error *err)
{
    cl_uint d = (cl_uint)s->dims.d, f = (cl_uint)s->dims.f;
    cl_ulong count = (cl_ulong)s->p.rows * s->dims.d;
    float eps = LAYER_NORM_EPS;
    int rc = TFB_SET_ARGS(u->norm, err, TFB_MEM(u->x), TFB_MEM(u->gain1), TFB_MEM(u->bias[W_BETA1]), TFB_MEM(u->h),
                          TFB_VAL(d), TFB_VAL(eps));
    if (rc == TFB_OK) rc = layer_set_qkv_args(s, u, u->bias[W_BIAS_QKV], err);
    int post = s->dims.post_norm;  /* post-norm: the attention's LayerNorm after its add, the FFN's after the last */
    cl_mem gain = post ? u->gain1 : u->gain2, beta = u->bias[post ? W_BETA1 : W_BETA2];
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(u->add_norm, err, TFB_MEM(u->x), TFB_MEM(u->o_out), TFB_MEM(u->bias[W_BIAS_O]),
                          TFB_MEM(u->x2), TFB_MEM(gain), TFB_MEM(beta), TFB_MEM(u->h2), TFB_VAL(d), TFB_VAL(eps));
    if (rc == TFB_OK)
        rc = TFB_SET_ARGS(u->silu, err, TFB_MEM(u->gu), TFB_MEM(u->bias[W_BIAS_UP]), TFB_MEM(u->a), TFB_VAL(f));
    if (rc == TFB_OK && post)
        rc = TFB_SET_ARGS(u->add, err, TFB_MEM(u->h2), TFB_MEM(u->dn), TFB_MEM(u->bias[W_BIAS_DOWN]),
                          TFB_MEM(u->post_sum), TFB_MEM(u->gain2), TFB_MEM(u->bias[W_BETA2]), TFB_MEM(u->y), TFB_VAL(d),
                          TFB_VAL(eps));
    else if (rc == TFB_OK)
        rc = TFB_SET_ARGS(u->add, err, TFB_MEM(u->x2), TFB_MEM(u->dn), TFB_MEM(u->bias[W_BIAS_DOWN]), TFB_MEM(u->y),
                          TFB_VAL(d), TFB_VAL(count));
    return rc;
}

int layer_classic_kernels(tfb_context *ctx, const layer_state *s, layer_unit *u, tfb_error *err)
{
    char options[80];
    snprintf(options, sizeof options, "-DWG=%d -DD=%zu%s", LAYER_NORM_WG, s->dims.dh,
             s->dims.gelu_erf ? " -DGELU_ERF" : "");
    const char *names[] = {"layer_norm", s->p.phase == LAYER_DECODE ? "bias_append" : "bias_scatter",
                           "add_bias_layer_norm", "bias_gelu", s->dims.post_norm ? "add_bias_layer_norm" : "add_bias"};
    cl_kernel *kernels[] = {&u->norm, &u->rope, &u->add_norm, &u->silu, &u->add};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (tfb_kernel_create(ctx, "layer_classic.cl", options, names[i], kernels[i], err) != TFB_OK) return TFB_ERROR;
    if (tfb_kernel_create(ctx, "layer.cl", options, "poison_slot", &u->poison, err) != TFB_OK) return TFB_ERROR;
    return set_args(s, u, err);
}

void layer_classic_release(layer_unit *u)
{
    for (int w = 0; w < W_COUNT; w++) tfb_buffer_release(&u->bias[w]);
    tfb_buffer_release(&u->post_sum);
}

/* y = (x - mean) / sqrt(var + eps) x gain + beta. Bound: the mean's error dm <= dot(d) mean|x| enters every centred
 * value; the variance's relative error (dot(d), twice for the centred values' own error) halves through the square
 * root; then rsqrt, two products and the fma with beta. */
void layer_classic_norm_row(const layer_state *s, size_t layer, int gain, int beta, const float *x, double *want,
                            double *bound)
{
    size_t d = s->dims.d;
    double sum = 0.0, magnitude = 0.0, squares = 0.0;
    for (size_t i = 0; i < d; i++) sum += x[i], magnitude += fabs((double)x[i]);
    double mean = sum / (double)d, mean_error = tfb_dot_tolerance_f32(d) * magnitude / (double)d;
    for (size_t i = 0; i < d; i++) squares += ((double)x[i] - mean) * ((double)x[i] - mean);
    double inv = 1.0 / sqrt(squares / (double)d + (double)LAYER_NORM_EPS);
    for (size_t i = 0; i < d; i++) {
        double g = layer_weight(s, layer, gain, i), b = layer_weight(s, layer, beta, i);
        double centred = ((double)x[i] - mean) * inv * g;
        want[i] = centred + b;
        bound[i] = (2 * tfb_dot_tolerance_f32(d) + 10 * UNIT) * fabs(centred) + 2 * mean_error * inv * fabs(g) +
                   2 * UNIT * (fabs(want[i]) + fabs(b)) + TINY;
    }
}

/* GELU(up + bias): the sum rounds once (u |g|, GELU's slope is below 1.13); tanh and erf are within 16 ulp in
 * OpenCL's full profile, and the cubic's three roundings reach the tanh argument t: 0.5 |g| (16u + 8u |t|) more. */
void layer_classic_gelu_row(const layer_state *s, size_t layer, const float *up, double *want, double *bound)
{
    for (size_t i = 0; i < s->dims.f; i++) {
        double g = (double)(float)(up[i] + layer_weight(s, layer, W_BIAS_UP, i)), t = 0.0;
        if (s->dims.gelu_erf) {
            want[i] = 0.5 * g * (1.0 + erf(g / sqrt(2.0)));
        } else {
            t = 0.79788456080286536 * (g + 0.044715 * g * g * g);  /* sqrt(2 / pi) */
            want[i] = 0.5 * g * (1.0 + tanh(t));
        }
        bound[i] = 2 * UNIT * fabs(g) + 0.5 * fabs(g) * (32 * UNIT + 16 * UNIT * fabs(t)) + 8 * UNIT * fabs(want[i]) +
                   TINY;
    }
}

const char *const *layer_classic_kernel_names(const layer_dims *dims, int phase)
{
    static const char *const POST_DECODE[] = {"qkv", "bias_append", "decode_partial", "decode_combine", "o",
                                              "add_bias_layer_norm", "up", "bias_gelu", "down", "add_bias_layer_norm"};
    static const char *const POST_PREFILL[] = {"qkv", "bias_scatter", "flash_attention", "o", "add_bias_layer_norm",
                                               "up", "bias_gelu", "down", "add_bias_layer_norm"};
    if (dims->post_norm) return phase == LAYER_DECODE ? POST_DECODE : POST_PREFILL;
    static const char *const DECODE[] = {"layer_norm", "qkv", "bias_append", "decode_partial", "decode_combine", "o",
                                         "add_bias_layer_norm", "up", "bias_gelu", "down", "add_bias"};
    static const char *const PREFILL[] = {"layer_norm", "qkv", "bias_scatter", "flash_attention", "o",
                                          "add_bias_layer_norm", "up", "bias_gelu", "down", "add_bias"};
    return phase == LAYER_DECODE ? DECODE : PREFILL;
}

const char *const *layer_classic_fusions(size_t *count)
{
    static const char *const FUSIONS[] = {
        "qkv: the Q, K and V projections as one product over the concatenated weights",
        "bias_append (decode) / bias_scatter (prefill): the Q, K and V biases added in the pass that appends K and V "
        "to the cache (or lays them out for flash attention)",
        "add_bias_layer_norm: the O projection's bias and the residual add fused with the FFN's LayerNorm",
        "bias_gelu: the up projection's bias added inside GELU",
        "add_bias: the down projection's bias added with the last residual",
        "attention: flash-decoding over the cache split and combined (decode); flash attention writing token-major "
        "rows for the O projection (prefill)",
    };
    *count = sizeof FUSIONS / sizeof *FUSIONS;
    return FUSIONS;
}
