/* The layer's data types as deployed (docs/quantization.md): projection weights in llama.cpp's q8_0 and q4_0 or
 * int4 with a scale per 128, quantized on the host by the gemm suite's codec from the same random rows the fp32
 * layer uses and run by its kernels; and a decode KV cache in fp16 or q8_0, decode attention's blocked cache, into
 * which each step's new key and value go through fp32 staging rows and decode_append_kv (kernels/decode.cl). */
#include <stdlib.h>
#include "layer.h"
#include "tfbench/fill.h"

void layer_set_formats(layer_params *p, size_t weights, size_t kv)
{
    p->half = weights == TFB_WEIGHTS_FP16;
    p->quant = weights == TFB_WEIGHTS_Q8_0   ? TFB_LINEAR_Q8_0
               : weights == TFB_WEIGHTS_Q4_0 ? TFB_LINEAR_Q4_0
               : weights == TFB_WEIGHTS_INT4_G128 ? TFB_LINEAR_INT4_G128 : TFB_LINEAR_FLOAT;
    p->kv_dtype = kv < TFB_KV_DTYPE_COUNT ? (int)kv : TFB_KV_FP32;
}

static size_t weight_format(const layer_params *p)
{
    static const size_t OF_QUANT[TFB_LINEAR_QUANT_COUNT] = {TFB_WEIGHTS_FP32, TFB_WEIGHTS_Q8_0, TFB_WEIGHTS_Q4_0,
                                                            TFB_WEIGHTS_INT4_G128};
    return p->quant ? OF_QUANT[p->quant] : p->half ? TFB_WEIGHTS_FP16 : TFB_WEIGHTS_FP32;
}

tfb_model_dtype layer_weight_dtype(const layer_params *p)
{
    static const tfb_model_dtype OF[TFB_WEIGHTS_COUNT] = {TFB_MODEL_FP32, TFB_MODEL_FP16, TFB_MODEL_Q8_0,
                                                          TFB_MODEL_Q4_0, TFB_MODEL_INT4_G128};
    return OF[weight_format(p)];
}

tfb_model_dtype layer_kv_model_dtype(const layer_params *p)
{
    return p->kv_dtype == TFB_KV_FP16 ? TFB_MODEL_FP16 : p->kv_dtype == TFB_KV_Q8_0 ? TFB_MODEL_Q8_0 : TFB_MODEL_FP32;
}

const char *layer_format_name(const layer_params *p)
{
    static const char *const NAMES[TFB_WEIGHTS_COUNT][TFB_KV_DTYPE_COUNT] = {
        {"fp32", "fp32-kv-fp16", "fp32-kv-q8_0"},         {"fp16", "fp16-kv-fp16", "fp16-kv-q8_0"},
        {"q8_0", "q8_0-kv-fp16", "q8_0-kv-q8_0"},         {"q4_0", "q4_0-kv-fp16", "q4_0-kv-q8_0"},
        {"int4-g128", "int4-g128-kv-fp16", "int4-g128-kv-q8_0"}};
    return NAMES[weight_format(p)][p->kv_dtype];
}

typedef struct weight_rows {
    uint32_t seed;
    size_t cols;
} weight_rows;

static void weight_row(void *user, size_t row, double *out)
{
    const weight_rows *w = user;
    layer_grid_row(w->seed, row, w->cols, 0, out);
}

int layer_linear_quantized(tfb_run *run, const layer_state *s, size_t layer, int matrix, size_t rows, cl_mem x,
                           cl_mem y, tfb_linear *out, tfb_error *err)
{
    weight_rows w = {layer_weight_seed(s, layer, matrix), layer_weight_cols(&s->dims, matrix)};
    return tfb_linear_create_quantized(run->ctx, &run->sizing, s->p.rows, rows, w.cols, s->p.quant, weight_row, &w, x,
                                       y, out, err);
}

int layer_kv_build(tfb_context *ctx, const layer_state *s, layer_unit *u, const tfb_attention_shape *shape,
                   tfb_error *err)
{
    int rc = tfb_decode_attention_plan_kv(ctx, shape, &u->io, 0, (tfb_kv_dtype)s->p.kv_dtype, 1, &u->plan, err);
    tfb_buffer_release(&u->io.k);  /* the plan holds K and V converted: the cache */
    tfb_buffer_release(&u->io.v);
    size_t bytes = s->p.rows * s->dims.kv_heads * s->dims.dh * sizeof(float);
    for (int i = 0; rc == TFB_OK && i < 2; i++) {
        rc = tfb_buffer_create(ctx, CL_MEM_READ_WRITE, bytes, NULL, &u->kv_new[i], err);
        if (rc == TFB_OK) rc = tfb_device_poison(ctx, u->kv_new[i], bytes, err);
    }
    if (rc == TFB_OK)
        rc = tfb_decode_append_create(&u->plan, shape, u->kv_new[0], u->kv_new[1], s->p.context - 1, &u->kv_append,
                                      &u->kv_launch, err);
    return rc;
}

/* The staging rows set to `value` and stored: q8_0 stores a NaN row as zeros (its scale from fmax), which the
 * check still tells from the appended key (no input is zero). */
int layer_kv_poison(tfb_context *ctx, const layer_state *s, layer_unit *u, float value, tfb_error *err)
{
    size_t count = s->p.rows * s->dims.kv_heads * s->dims.dh;
    float *row = malloc(count * sizeof *row);
    int rc = row ? TFB_OK : tfb_fail(err, "out of memory poisoning the KV cache");
    for (size_t i = 0; rc == TFB_OK && i < count; i++) row[i] = value;
    for (int i = 0; rc == TFB_OK && i < 2; i++) rc = tfb_buffer_write(ctx, u->kv_new[i], count * sizeof *row, row, err);
    free(row);
    tfb_work work = {&u->kv_launch, 1, 1};
    return rc == TFB_OK ? tfb_work_run_once(ctx, &work, err) : rc;
}

static int read_row(tfb_context *ctx, cl_mem buffer, size_t slice, size_t dh, double *out, tfb_error *err)
{
    float row[TFB_MAX_HEAD_DIM];
    TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                 clEnqueueReadBuffer(ctx->queue, buffer, CL_TRUE, slice * dh * sizeof(float), dh * sizeof(float), row,
                                     0, NULL, NULL));
    for (size_t i = 0; i < dh; i++) out[i] = row[i];
    return TFB_OK;
}

int layer_kv_read_slice(tfb_decode_cache_reader *reader, const layer_state *s, size_t layer, size_t slice,
                        double *k, double *v, tfb_error *err)
{
    size_t n = s->p.context, dh = s->dims.dh;
    tfb_attention_inputs in = tfb_attention_inputs_for(s->seed + 7919u * (uint32_t)(layer + 1));  /* build_attention's */
    tfb_hash_uniform_range(in.seed[TFB_ATTN_K], (uint64_t)slice * n * dh, n * dh, in.lo[TFB_ATTN_K],
                           in.hi[TFB_ATTN_K], k);
    tfb_hash_uniform_range(in.seed[TFB_ATTN_V], (uint64_t)slice * n * dh, n * dh, in.lo[TFB_ATTN_V],
                           in.hi[TFB_ATTN_V], v);
    const layer_unit *u = &s->units[layer];
    if (read_row(s->ctx, u->kv_new[0], slice, dh, k + (n - 1) * dh, err) != TFB_OK ||
        read_row(s->ctx, u->kv_new[1], slice, dh, v + (n - 1) * dh, err) != TFB_OK)
        return TFB_ERROR;
    tfb_attention_kv_source source = tfb_decode_cache_source(reader);
    return source.read(source.state, slice, k, v, err);
}
