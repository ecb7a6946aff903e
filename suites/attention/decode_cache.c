/* Decode's converted KV caches on the host side: their exact sizes, and the check's reading of them. The check
 * compares the kernel's output with a float64 reference computed from the cache as stored (fp16 values, q8_0 codes
 * times their scales), and first checks each stored value against the fp32 input it was converted from, within
 * the format's rounding: so a wrong conversion and a wrong dequantization in the kernel both fail. The layout is
 * kernels/decode.cl's KV_BLOCKED one: per slice, blocks of 16 keys, each a K part then a V part. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/attention.h"
#include "tfbench/checked.h"
#include "tfbench/half.h"

#define BLOCK_KEYS 16

static size_t value_bytes(tfb_kv_dtype dtype)
{
    return dtype == TFB_KV_FP32 ? 4 : dtype == TFB_KV_FP16 ? 2 : 1;
}

/* One part (K or V) of a block: 16 x d values, and for q8_0 one fp16 scale per 32 of them. */
static size_t part_bytes(size_t d, tfb_kv_dtype dtype)
{
    size_t scales = dtype == TFB_KV_Q8_0 ? BLOCK_KEYS * (d / TFB_KV_Q8_GROUP) * 2 : 0;
    return BLOCK_KEYS * d * value_bytes(dtype) + scales;
}

uint64_t tfb_decode_slice_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    return tfb_mul3_size((s->n_kv + BLOCK_KEYS - 1) / BLOCK_KEYS, 2, part_bytes(s->d, dtype));
}

uint64_t tfb_decode_cache_bytes(const tfb_attention_shape *s, tfb_kv_dtype dtype)
{
    return tfb_mul_size(s->batch * s->kv_heads, tfb_decode_slice_bytes(s, dtype));
}

static uint16_t half_at(const unsigned char *p)
{
    uint16_t bits;
    memcpy(&bits, p, sizeof bits);
    return bits;
}

/* Value `index` of a part whose values start at `values` (q8_0: times `scale`, its group's decoded scale).
 * `halves` decodes every fp16 bit pattern (tfb_half_to_double, once per pattern rather than per value). */
static double stored_value(tfb_kv_dtype dtype, const double *halves, const unsigned char *values, size_t index,
                           double scale)
{
    if (dtype == TFB_KV_FP32) {
        float x;
        memcpy(&x, values + 4 * index, sizeof x);
        return x;
    }
    if (dtype == TFB_KV_FP16) return halves[half_at(values + 2 * index)];
    return scale * (int8_t)values[index];
}

/* How far a stored value may be from its input x: 0 for fp32, half an fp16 ulp (2^-11 relative, and 2^-25 below
 * 2^-14, where fp16 steps by 2^-24: a decoder layer's rotated keys get there), and for q8_0 half a step of the
 * group's scale amax / 127 plus the scale's own fp16 rounding (the same two terms) times the largest code, 127. */
static double allowed(tfb_kv_dtype dtype, double x, double group_max)
{
    if (dtype == TFB_KV_FP32) return 0.0;
    if (dtype == TFB_KV_FP16) return fmax(fabs(x) * 0x1p-11, 0x1p-25);
    return (group_max / 127.0 * (0.5 + 127.0 * 0x1p-11) + 127.0 * 0x1p-25) * (1.0 + 1e-6);
}

/* Replaces the inputs in `x` (one key or value row) by the stored values, checking each. */
static int take_row(tfb_kv_dtype dtype, const char *what, size_t slice, size_t key, double *x, const double *stored,
                    size_t d, tfb_error *err)
{
    double group_max = 0.0;
    for (size_t i = 0; i < d; i++) {
        if (dtype == TFB_KV_Q8_0 && i % TFB_KV_Q8_GROUP == 0) {
            group_max = 0.0;
            for (size_t j = i; j < i + TFB_KV_Q8_GROUP; j++) group_max = fmax(group_max, fabs(x[j]));
        }
        double limit = allowed(dtype, x[i], group_max);
        if (!(fabs(stored[i] - x[i]) <= limit))
            return tfb_fail(err, "%s cache (%s) of slice %zu, key %zu, dim %zu holds %.9g for the input %.9g (its "
                            "rounding allows %.3g)", what, tfb_kv_dtype_name(dtype), slice, key, i, stored[i], x[i],
                            limit);
    }
    memcpy(x, stored, d * sizeof *x);
    return TFB_OK;
}

/* Decodes the slice's bytes into its K and V rows, each checked against its input (take_row). */
static int decode_slice(const tfb_decode_cache_reader *r, size_t slice, const unsigned char *bytes, double *k,
                        double *v, tfb_error *err)
{
    const tfb_attention_shape *s = r->shape;
    tfb_kv_dtype dtype = r->plan->kv_dtype;
    size_t part = part_bytes(s->d, dtype);
    double stored_k[TFB_MAX_HEAD_DIM], stored_v[TFB_MAX_HEAD_DIM];
    for (size_t key = 0; key < s->n_kv; key++) {
        const unsigned char *kpart = bytes + key / BLOCK_KEYS * 2 * part, *vpart = kpart + part;
        size_t j = key % BLOCK_KEYS;
        double k_scale = 0.0, v_scale = 0.0;
        for (size_t i = 0; i < s->d; i++) {
            /* K: values [d][16]; V: values [16][d]; scales of both [d/32][16] */
            if (dtype == TFB_KV_Q8_0 && i % TFB_KV_Q8_GROUP == 0) {
                size_t scale_at = BLOCK_KEYS * s->d + (i / TFB_KV_Q8_GROUP * BLOCK_KEYS + j) * 2;
                k_scale = r->halves[half_at(kpart + scale_at)];
                v_scale = r->halves[half_at(vpart + scale_at)];
            }
            stored_k[i] = stored_value(dtype, r->halves, kpart, i * BLOCK_KEYS + j, k_scale);
            stored_v[i] = stored_value(dtype, r->halves, vpart, j * s->d + i, v_scale);
        }
        if (take_row(dtype, "K", slice, key, k + key * s->d, stored_k, s->d, err) != TFB_OK ||
            take_row(dtype, "V", slice, key, v + key * s->d, stored_v, s->d, err) != TFB_OK)
            return TFB_ERROR;
    }
    return TFB_OK;
}

/* One slice read into a buffer of its own: the check's threads read slices at once (OpenCL's enqueues are
 * thread-safe). */
static int read_slice(void *state, size_t slice, double *k, double *v, tfb_error *err)
{
    const tfb_decode_cache_reader *r = state;
    size_t bytes = tfb_decode_slice_bytes(r->shape, r->plan->kv_dtype);
    unsigned char *host = malloc(bytes);
    if (!host) return tfb_fail(err, "out of memory reading the KV cache");
    cl_int status = clEnqueueReadBuffer(r->ctx->queue, r->plan->scratch[2], CL_TRUE, slice * bytes, bytes, host, 0,
                                        NULL, NULL);
    int rc = status == CL_SUCCESS ? decode_slice(r, slice, host, k, v, err)
                                  : tfb_fail(err, "clEnqueueReadBuffer of the KV cache failed (%d)", (int)status);
    free(host);
    return rc;
}

int tfb_decode_cache_reader_init(tfb_decode_cache_reader *reader, tfb_context *ctx, const tfb_attention_shape *s,
                                 const tfb_attention_plan *plan, tfb_error *err)
{
    *reader = (tfb_decode_cache_reader){ctx, s, plan, malloc(65536 * sizeof(double))};
    if (!reader->halves) return tfb_fail(err, "out of memory reading the KV cache");
    for (uint32_t bits = 0; bits < 65536; bits++) reader->halves[bits] = tfb_half_to_double((uint16_t)bits);
    return TFB_OK;
}

tfb_attention_kv_source tfb_decode_cache_source(tfb_decode_cache_reader *reader)
{
    return (tfb_attention_kv_source){read_slice, reader};
}

void tfb_decode_cache_reader_release(tfb_decode_cache_reader *reader)
{
    free(reader->halves);
    reader->halves = NULL;
}

/* From the program of the plan's packing kernel: the same build options (head dim, format, layout). */
int tfb_decode_append_create(const tfb_attention_plan *plan, const tfb_attention_shape *s, cl_mem k_rows,
                             cl_mem v_rows, size_t pos, cl_kernel *kernel, tfb_launch *launch, tfb_error *err)
{
    cl_program program = NULL;
    cl_int status;
    TFB_CL_CHECK(err, "clGetKernelInfo",
                 clGetKernelInfo(plan->kernels[2], CL_KERNEL_PROGRAM, sizeof program, &program, NULL));
    *kernel = clCreateKernel(program, "decode_append_kv", &status);
    TFB_CL_CHECK(err, "clCreateKernel(decode_append_kv)", status);
    cl_uint n_pad = (cl_uint)((s->n_kv + BLOCK_KEYS - 1) / BLOCK_KEYS * BLOCK_KEYS), at = (cl_uint)pos;
    cl_uint slices = (cl_uint)(s->batch * s->kv_heads);
    *launch = (tfb_launch){*kernel, 1, {slices}, {0}};
    return TFB_SET_ARGS(*kernel, err, TFB_MEM(k_rows), TFB_MEM(v_rows), TFB_MEM(plan->scratch[2]), TFB_VAL(n_pad),
                        TFB_VAL(at), TFB_VAL(slices));
}
