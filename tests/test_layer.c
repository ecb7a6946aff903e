/* The layer suite's pieces: the analytical model's per-layer accounting (exact values, and the whole-model counts it
 * is the one implementation of), and each small kernel of kernels/layer.cl on odd sizes against float64 on the
 * default device (PoCL): RMSNorm, the residual add with RMSNorm, rotary embedding with the KV append and with the
 * prefill scatter, SiLU(gate) x up, the add, the slot poison; and the token-major output of flash attention. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/attention.h"
#include "tfbench/fill.h"
#include "tfbench/gemm.h"
#include "tfbench/read_probe.h"
#include "tfbench/tfbench.h"
#include "device_fixture.h"
#include "../suites/layer/layer.h"

static int open_device(void **state)
{
    return fixture_open(state);
}

static int close_device(void **state)
{
    fixture_close(*state);
    return 0;
}

static const tfb_model_config *builtin(const char *name)
{
    const tfb_model_config *c = tfb_model_builtin(name);
    assert_non_null(c);
    return c;
}

/* Llama 2 7B, one decode step at context 4096, fp16 weights, fp32 cache: every count by hand. */
static void layer_decode_counts(void **state)
{
    (void)state;
    tfb_model_layer l;
    tfb_model_layer_decode(builtin("llama2-7b"), TFB_MODEL_EXACT, 4096, 1, TFB_MODEL_FP16, TFB_MODEL_FP32, &l);
    assert_int_equal(l.flops_projections, 2ull * 4 * 4096 * 4096);          /* 134,217,728 */
    assert_int_equal(l.flops_attention, 4ull * 4096 * 4096);                /* 4 d_head x 4096 pairs x 32 heads */
    assert_int_equal(l.flops_ffn, 2ull * 3 * 4096 * 11008);                 /* 270,532,608 */
    assert_int_equal(l.flops_total, 471859200ull);
    assert_int_equal(l.weight_elements, 202383360ull);                      /* 4 d^2 + 3 d f + 2 d */
    assert_int_equal(l.weight_bytes, 404766720ull);
    assert_int_equal(l.kv_read_bytes, 2ull * 32 * 128 * 4096 * 4);          /* 134,217,728 */
    assert_int_equal(l.kv_write_bytes, 32768ull);
    assert_int_equal(l.activation_bytes, 32768ull);
    assert_int_equal(l.bytes, 539049984ull);
    tfb_model_layer_decode(builtin("llama2-7b"), TFB_MODEL_EXACT, 512, 8, TFB_MODEL_FP32, TFB_MODEL_FP32, &l);
    assert_int_equal(l.flops_total, 8ull * (2ull * 4 * 4096 * 4096 + 4ull * 512 * 4096 + 2ull * 3 * 4096 * 11008));
    assert_int_equal(l.weight_bytes, 4ull * 202383360);                     /* read once for the whole batch */
    assert_int_equal(l.kv_read_bytes, 8ull * 2 * 4096 * 512 * 4);
    /* GQA: Llama 2 70B caches 2 x 8 x 128 values per token and layer, and its K and V are d x 1024 */
    assert_int_equal(tfb_model_layer_kv_elements(builtin("llama2-70b"), TFB_MODEL_EXACT), 2048);
    assert_int_equal(tfb_model_layer_kv_elements(builtin("llama2-70b"), TFB_MODEL_LECTURE), 2 * 64 * 128);
    tfb_model_layer_decode(builtin("llama2-70b"), TFB_MODEL_EXACT, 1, 1, TFB_MODEL_FP16, TFB_MODEL_FP16, &l);
    assert_int_equal(l.weight_elements, 2ull * 8192 * 8192 + 2ull * 8192 * 1024 + 3ull * 8192 * 28672 + 2 * 8192);
}

/* Prefill: token i sees keys 0..i, n (n + 1) / 2 pairs per head; every weight once for the whole prompt. */
static void layer_prefill_counts(void **state)
{
    (void)state;
    tfb_model_layer l;
    tfb_model_layer_prefill(builtin("llama2-7b"), TFB_MODEL_EXACT, 512, TFB_MODEL_FP32, TFB_MODEL_FP32, &l);
    assert_int_equal(l.pairs_per_head, 512ull * 513 / 2);
    assert_int_equal(l.flops_attention, 4ull * 131328 * 4096);               /* 2,151,677,952 */
    assert_int_equal(l.flops_projections, 512ull * 134217728);
    assert_int_equal(l.flops_ffn, 512ull * 270532608);
    assert_int_equal(l.weight_bytes, 4ull * 202383360);
    assert_int_equal(l.kv_read_bytes, 512ull * 2 * 4096 * 4);
    assert_int_equal(l.kv_write_bytes, l.kv_read_bytes);
    assert_int_equal(l.activation_bytes, 2ull * 512 * 4096 * 4);
}

/* The whole-model counts are the per-layer ones: FLOPs per token, and the decode step with the cache in its dtype. */
static void model_counts_are_layer_counts(void **state)
{
    (void)state;
    const char *names[] = {"llama2-7b", "llama2-70b", "mixtral-8x7b", "gpt3-175b"};
    for (size_t i = 0; i < 4; i++) {
        const tfb_model_config *c = builtin(names[i]);
        tfb_model_layer l;
        tfb_model_flops f;
        tfb_model_layer_decode(c, TFB_MODEL_EXACT, 2048, 1, TFB_MODEL_FP16, TFB_MODEL_FP16, &l);
        tfb_model_count_flops(c, TFB_MODEL_EXACT, 2048, &f);
        assert_int_equal(f.total - f.head, c->n_layers * l.flops_total);
    }
    tfb_model_device dev = {"test", 1000.0, 100000.0, 1e12};
    tfb_model_decode same, fp32_cache;
    tfb_model_analyze_decode(builtin("llama2-7b"), TFB_MODEL_EXACT, 4096, 1, TFB_MODEL_FP16, &dev, &same);
    tfb_model_analyze_decode_kv(builtin("llama2-7b"), TFB_MODEL_EXACT, 4096, 1, TFB_MODEL_FP16, TFB_MODEL_FP32, &dev,
                                &fp32_cache);
    assert_int_equal(fp32_cache.kv_cache_bytes, 2 * same.kv_cache_bytes);
    assert_int_equal(fp32_cache.weight_bytes_per_step, same.weight_bytes_per_step);
    /* one step: weights + cache; 1000 GB/s over (13,214,695,424 + 32 x 134,217,728) bytes */
    assert_true(fabs(fp32_cache.tokens_per_second - 1e12 / (13214695424.0 + 32 * 134217728.0)) < 1e-9);
}

static cl_mem device_floats(fixture *f, const float *host, size_t count)
{
    tfb_error err = {{0}};
    cl_mem buffer = NULL;
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, count * sizeof(float),
                                       (void *)host, &buffer, &err), TFB_OK);
    return buffer;
}

static float *host_floats(fixture *f, cl_mem buffer, size_t count)
{
    tfb_error err = {{0}};
    float *out = malloc(count * sizeof *out);
    assert_non_null(out);
    assert_int_equal(tfb_buffer_read(&f->ctx, buffer, count * sizeof(float), out, &err), TFB_OK);
    return out;
}

static void random_floats(float *out, size_t count, uint32_t seed, float lo, float hi)
{
    for (size_t i = 0; i < count; i++) out[i] = tfb_hash_uniform(seed, i, lo, hi);
}

static cl_kernel layer_kernel(fixture *f, const char *name, size_t dh)
{
    tfb_error err = {{0}};
    char options[64];
    cl_kernel kernel = NULL;
    snprintf(options, sizeof options, "-DWG=64 -DD=%zu", dh);
    if (tfb_kernel_create(&f->ctx, "layer.cl", options, name, &kernel, &err) != TFB_OK) fail_msg("%s", err.message);
    return kernel;
}

static void run_launch(fixture *f, cl_kernel kernel, cl_uint dims, size_t g0, size_t g1, size_t l0)
{
    tfb_error err = {{0}};
    tfb_launch launch = {kernel, dims, {g0, g1}, {l0, l0 ? 1 : 0}};
    tfb_work work = {&launch, 1, 1};
    if (tfb_work_run_once(&f->ctx, &work, &err) != TFB_OK) fail_msg("%s", err.message);
}

static void assert_close(const float *got, const double *want, size_t count, double rtol)
{
    for (size_t i = 0; i < count; i++)
        if (!(fabs(got[i] - want[i]) <= rtol * fabs(want[i]) + 1e-30))
            fail_msg("element %zu: %.9g, expected %.9g", i, (double)got[i], want[i]);
}

static double inverse_rms(const float *x, size_t d)
{
    double sum = 0.0;
    for (size_t i = 0; i < d; i++) sum += (double)x[i] * x[i];
    return 1.0 / sqrt(sum / (double)d + 1e-5);
}

/* 3 rows of 37 and 2 rows of 101 (neither a multiple of the group of 64): plain and with the residual add. */
static void rms_norm_odd_sizes(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    enum { ROWS = 3, D = 37, ROWS2 = 2, D2 = 101 };
    float x[ROWS * D], gain[D2], a[ROWS2 * D2], b[ROWS2 * D2];
    double want[ROWS2 * D2], sums[ROWS2 * D2];
    random_floats(x, ROWS * D, 1, -2.0f, 2.0f), random_floats(gain, D2, 2, 0.5f, 1.5f);
    random_floats(a, ROWS2 * D2, 3, -1.0f, 1.0f), random_floats(b, ROWS2 * D2, 4, -1.0f, 1.0f);
    cl_mem dx = device_floats(f, x, ROWS * D), dg = device_floats(f, gain, D2), dy = device_floats(f, a, ROWS2 * D2);
    cl_mem da = device_floats(f, a, ROWS2 * D2), db = device_floats(f, b, ROWS2 * D2);
    cl_mem ds = device_floats(f, a, ROWS2 * D2);
    cl_kernel norm = layer_kernel(f, "rms_norm", 6), add_norm = layer_kernel(f, "add_rms_norm", 6);
    cl_uint d = D, d2 = D2;
    float eps = 1e-5f;
    assert_int_equal(TFB_SET_ARGS(norm, &err, TFB_MEM(dx), TFB_MEM(dg), TFB_MEM(dy), TFB_VAL(d), TFB_VAL(eps)), TFB_OK);
    run_launch(f, norm, 1, ROWS * 64, 1, 64);
    float *y = host_floats(f, dy, ROWS * D);
    for (size_t r = 0; r < ROWS; r++)
        for (size_t i = 0; i < D; i++) want[r * D + i] = x[r * D + i] * inverse_rms(x + r * D, D) * gain[i];
    assert_close(y, want, ROWS * D, 1e-6);
    assert_int_equal(TFB_SET_ARGS(add_norm, &err, TFB_MEM(da), TFB_MEM(db), TFB_MEM(ds), TFB_MEM(dg), TFB_MEM(dy),
                                  TFB_VAL(d2), TFB_VAL(eps)), TFB_OK);
    run_launch(f, add_norm, 1, ROWS2 * 64, 1, 64);
    float *s = host_floats(f, ds, ROWS2 * D2), *y2 = host_floats(f, dy, ROWS2 * D2), s32[ROWS2 * D2];
    for (size_t i = 0; i < ROWS2 * D2; i++) sums[i] = (double)(s32[i] = a[i] + b[i]);
    for (size_t r = 0; r < ROWS2; r++)
        for (size_t i = 0; i < D2; i++) want[r * D2 + i] = s32[r * D2 + i] * inverse_rms(s32 + r * D2, D2) * gain[i];
    assert_close(s, sums, ROWS2 * D2, 0.0);
    assert_close(y2, want, ROWS2 * D2, 1e-6);
    free(y), free(s), free(y2);
    cl_mem all[] = {dx, dg, dy, da, db, ds};
    for (size_t i = 0; i < 6; i++) tfb_buffer_release(&all[i]);
    tfb_kernel_release(&norm), tfb_kernel_release(&add_norm);
}

/* (x0, x1) -> (x0 c - x1 s, x0 s + x1 c) pair by pair; mag: |x0 c| + |x1 s| and |x0 s| + |x1 c|, what the
 * rounding of a difference is relative to. */
static void rotate(const float *x, const float *cs, size_t dh, double *out, double *mag, size_t stride)
{
    for (size_t i = 0; i < dh; i += 2) {
        double x0 = x[i], x1 = x[i + 1], c = cs[i], s = cs[i + 1];
        out[i * stride] = x0 * c - x1 * s;
        out[(i + 1) * stride] = x0 * s + x1 * c;
        mag[i * stride] = fabs(x0 * c) + fabs(x1 * s);
        mag[(i + 1) * stride] = fabs(x0 * s) + fabs(x1 * c);
    }
}

static void assert_within(const float *got, const double *want, const double *mag, size_t count, double rel)
{
    for (size_t i = 0; i < count; i++)
        if (!(fabs(got[i] - want[i]) <= rel * mag[i]))
            fail_msg("element %zu: %.9g, expected %.9g", i, (double)got[i], want[i]);
}

enum { HEADS = 3, KV = 1, DH = 6, SLOTS = HEADS + 2 * KV };

enum { B = 2, N = 19, NPAD = 32 };

/* The decode cache (kernels/layer.cl): per sequence and KV head, blocks of 16 keys, each K [DH][16] then V [16][DH].
 * Position 18 is lane 2 of block 1. */
enum { CACHE = B * KV * NPAD * 2 * DH };
static size_t cache_k(size_t b, size_t j)
{
    return (b * (NPAD / 16) + 1) * 32 * DH + j * 16 + 2;
}

static size_t cache_v(size_t b, size_t j)
{
    return (b * (NPAD / 16) + 1) * 32 * DH + 16 * DH + 2 * DH + j;
}

/* The check after timing's poison: the slot of position 18 of both sequences, K and V, and nothing else. */
static void check_poison_slot(fixture *f, cl_mem dcache, const float *before)
{
    tfb_error err = {{0}};
    float value = 7.5f;
    cl_kernel poison = layer_kernel(f, "poison_slot", DH);
    cl_uint slices = B * KV, n_pad = NPAD, pos = N - 1;
    assert_int_equal(TFB_SET_ARGS(poison, &err, TFB_MEM(dcache), TFB_VAL(slices), TFB_VAL(n_pad), TFB_VAL(pos),
                                  TFB_VAL(value)), TFB_OK);
    run_launch(f, poison, 2, DH, slices, 0);
    float *cache = host_floats(f, dcache, CACHE);
    size_t changed = 0;
    for (size_t b = 0; b < B; b++)
        for (size_t j = 0; j < DH; j++) assert_true(cache[cache_k(b, j)] == value && cache[cache_v(b, j)] == value);
    for (size_t i = 0; i < CACHE; i++) changed += cache[i] != before[i];
    assert_int_equal(changed, 2 * B * DH);  /* before: the appended cache, whose slot holds no 7.5 */
    free(cache);
    tfb_kernel_release(&poison);
}

/* Decode: 2 sequences at position 18 of a 19-token cache (32 padded keys): Q rotated into q, K rotated into its
 * block's lane 18 % 16, V copied into the block's row 2; every other cache value untouched. */
static void rope_append_odd_sizes(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    float qkv[B * SLOTS * DH], cs[DH], q0[B * HEADS * DH], c0[CACHE];
    random_floats(qkv, B * SLOTS * DH, 5, -1.0f, 1.0f), random_floats(cs, DH, 6, -1.0f, 1.0f);
    random_floats(c0, CACHE, 7, 2.0f, 3.0f);
    memset(q0, 0, sizeof q0);
    cl_mem dqkv = device_floats(f, qkv, B * SLOTS * DH), dcs = device_floats(f, cs, DH);
    cl_mem dq = device_floats(f, q0, B * HEADS * DH), dcache = device_floats(f, c0, CACHE);
    cl_kernel rope = layer_kernel(f, "rope_append", DH);
    cl_uint heads = HEADS, kv = KV, n_pad = NPAD, pos = N - 1;
    assert_int_equal(TFB_SET_ARGS(rope, &err, TFB_MEM(dqkv), TFB_MEM(dcs), TFB_MEM(dq), TFB_MEM(dcache),
                                  TFB_MEM(dcache), TFB_VAL(heads), TFB_VAL(kv), TFB_VAL(n_pad), TFB_VAL(pos)), TFB_OK);
    run_launch(f, rope, 2, SLOTS, B, 0);
    float *q = host_floats(f, dq, B * HEADS * DH), *cache = host_floats(f, dcache, CACHE);
    static double want_q[B * HEADS * DH], want_c[CACHE], mag_q[B * HEADS * DH], mag_c[CACHE];
    for (size_t i = 0; i < CACHE; i++) want_c[i] = c0[i], mag_c[i] = 0.0;  /* untouched: exact */
    for (size_t b = 0; b < B; b++) {
        for (size_t h = 0; h < HEADS; h++)
            rotate(qkv + (b * SLOTS + h) * DH, cs, DH, want_q + (b * HEADS + h) * DH, mag_q + (b * HEADS + h) * DH, 1);
        rotate(qkv + (b * SLOTS + HEADS) * DH, cs, DH, want_c + cache_k(b, 0), mag_c + cache_k(b, 0), 16);
        for (size_t j = 0; j < DH; j++) want_c[cache_v(b, j)] = qkv[(b * SLOTS + HEADS + KV) * DH + j];
    }
    assert_within(q, want_q, mag_q, B * HEADS * DH, 4 * 0x1p-24);
    for (size_t i = 0; i < CACHE; i++)  /* V copied exactly: its magnitude 0 leaves no tolerance */
        if (!(fabs(cache[i] - want_c[i]) <= 4 * 0x1p-24 * mag_c[i]))
            fail_msg("cache element %zu: %.9g, expected %.9g", i, (double)cache[i], want_c[i]);
    check_poison_slot(f, dcache, cache);
    free(q), free(cache);
    cl_mem all[] = {dqkv, dcs, dq, dcache};
    for (size_t i = 0; i < 4; i++) tfb_buffer_release(&all[i]);
    tfb_kernel_release(&rope);
}

/* Prefill: 5 tokens, token t rotated with row t of the table, into [heads][n][D] and [kv_heads][n][D]. */
static void rope_scatter_odd_sizes(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    enum { TOKENS = 5 };
    float qkv[TOKENS * SLOTS * DH], cs[TOKENS * DH], zero[TOKENS * HEADS * DH] = {0};
    random_floats(qkv, TOKENS * SLOTS * DH, 9, -1.0f, 1.0f), random_floats(cs, TOKENS * DH, 10, -1.0f, 1.0f);
    cl_mem dqkv = device_floats(f, qkv, TOKENS * SLOTS * DH), dcs = device_floats(f, cs, TOKENS * DH);
    cl_mem dq = device_floats(f, zero, TOKENS * HEADS * DH), dk = device_floats(f, zero, TOKENS * KV * DH);
    cl_mem dv = device_floats(f, zero, TOKENS * KV * DH);
    cl_kernel rope = layer_kernel(f, "rope_scatter", DH);
    cl_uint heads = HEADS, kv = KV, n = TOKENS;
    assert_int_equal(TFB_SET_ARGS(rope, &err, TFB_MEM(dqkv), TFB_MEM(dcs), TFB_MEM(dq), TFB_MEM(dk), TFB_MEM(dv),
                                  TFB_VAL(heads), TFB_VAL(kv), TFB_VAL(n)), TFB_OK);
    run_launch(f, rope, 2, SLOTS, TOKENS, 0);
    float *q = host_floats(f, dq, TOKENS * HEADS * DH), *k = host_floats(f, dk, TOKENS * KV * DH);
    float *v = host_floats(f, dv, TOKENS * DH);
    double want_q[TOKENS * HEADS * DH], want_k[TOKENS * DH], want_v[TOKENS * DH];
    double mag_q[TOKENS * HEADS * DH], mag_k[TOKENS * DH];
    for (size_t t = 0; t < TOKENS; t++) {
        for (size_t h = 0; h < HEADS; h++)
            rotate(qkv + (t * SLOTS + h) * DH, cs + t * DH, DH, want_q + (h * TOKENS + t) * DH,
                   mag_q + (h * TOKENS + t) * DH, 1);
        rotate(qkv + (t * SLOTS + HEADS) * DH, cs + t * DH, DH, want_k + t * DH, mag_k + t * DH, 1);
        for (size_t j = 0; j < DH; j++) want_v[t * DH + j] = qkv[(t * SLOTS + HEADS + KV) * DH + j];
    }
    assert_within(q, want_q, mag_q, TOKENS * HEADS * DH, 4 * 0x1p-24);
    assert_within(k, want_k, mag_k, TOKENS * DH, 4 * 0x1p-24);
    assert_close(v, want_v, TOKENS * DH, 0.0);
    free(q), free(k), free(v);
    cl_mem all[] = {dqkv, dcs, dq, dk, dv};
    for (size_t i = 0; i < 5; i++) tfb_buffer_release(&all[i]);
    tfb_kernel_release(&rope);
}

/* f = 13 (no vector width divides it), 3 rows; then the add over 37 values. */
static void silu_mul_and_add_odd_sizes(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    enum { ROWS = 3, F = 13, COUNT = 37 };
    float gu[ROWS * 2 * F], a[COUNT + 2], b[COUNT];
    double want[ROWS * F], sums[COUNT];
    random_floats(gu, ROWS * 2 * F, 11, -6.0f, 6.0f), random_floats(a, COUNT + 2, 12, -1.0f, 1.0f);
    random_floats(b, COUNT, 13, -1.0f, 1.0f);
    cl_mem dgu = device_floats(f, gu, ROWS * 2 * F), dout = device_floats(f, a, ROWS * F);  /* 39 >= COUNT */
    cl_mem da = device_floats(f, a, COUNT), db = device_floats(f, b, COUNT);
    cl_kernel silu = layer_kernel(f, "silu_mul", 6), add = layer_kernel(f, "add", 6);
    cl_uint width = F;
    cl_ulong count = COUNT;
    assert_int_equal(TFB_SET_ARGS(silu, &err, TFB_MEM(dgu), TFB_MEM(dout), TFB_VAL(width)), TFB_OK);
    run_launch(f, silu, 2, 64, ROWS, 0);
    float *got = host_floats(f, dout, ROWS * F);
    for (size_t r = 0; r < ROWS; r++)
        for (size_t i = 0; i < F; i++) {
            double g = gu[r * 2 * F + i];
            want[r * F + i] = g / (1.0 + exp(-g)) * gu[r * 2 * F + F + i];
        }
    assert_close(got, want, ROWS * F, 16 * 0x1p-24);
    assert_int_equal(TFB_SET_ARGS(add, &err, TFB_MEM(da), TFB_MEM(db), TFB_MEM(dout), TFB_VAL(count)), TFB_OK);
    run_launch(f, add, 1, 64, 1, 0);
    free(got);
    got = host_floats(f, dout, COUNT);
    for (size_t i = 0; i < COUNT; i++) sums[i] = (double)(a[i] + b[i]);
    assert_close(got, sums, COUNT, 0.0);
    free(got);
    cl_mem all[] = {dgu, dout, da, db};
    for (size_t i = 0; i < 4; i++) tfb_buffer_release(&all[i]);
    tfb_kernel_release(&silu), tfb_kernel_release(&add);
}

/* -DTOKEN_MAJOR_OUT: the same numbers as the head-major output, at [token][head][D]; 3 heads over 1 KV head, 7
 * tokens, causal, head dim 20 (vector width 4). */
static void flash_token_major_output(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    tfb_attention_shape s = {1, 3, 1, 7, 7, 20};
    tfb_attention_inputs in = tfb_attention_inputs_for(42);
    tfb_attention_io io = {0};
    tfb_attention_plan head_major, token_major;
    tfb_flash_tile tile = {16, 8, 32};
    assert_int_equal(tfb_attention_io_create(&f->ctx, &s, &in, &io, &err), TFB_OK);
    assert_int_equal(tfb_flash_attention_plan(&f->ctx, &s, 1, &io, &tile, &head_major, &err), TFB_OK);
    assert_int_equal(tfb_attention_plan_run(&f->ctx, &head_major, &err), TFB_OK);
    float *by_head = host_floats(f, io.out, 3 * 7 * 20);
    assert_int_equal(tfb_flash_attention_plan_with(&f->ctx, &s, 1, &io, &tile, "-DTOKEN_MAJOR_OUT", &token_major, &err),
                     TFB_OK);
    assert_int_equal(tfb_attention_plan_run(&f->ctx, &token_major, &err), TFB_OK);
    float *by_token = host_floats(f, io.out, 3 * 7 * 20);
    for (size_t h = 0; h < 3; h++)
        for (size_t t = 0; t < 7; t++)
            for (size_t j = 0; j < 20; j++)
                assert_true(by_token[(t * 3 + h) * 20 + j] == by_head[(h * 7 + t) * 20 + j]);
    free(by_head), free(by_token);
    tfb_attention_plan_release(&head_major), tfb_attention_plan_release(&token_major);
    tfb_attention_io_release(&io);
}

/* A decode case's bound is its bytes over the mean of the read bandwidth measured just around its timing (its
 * own_read_gbps, which the suite sets only when both probes measured); without that bracket, its read roof from
 * the run's ceilings (writes under 10% of the traffic); a prefill case's, its FLOPs at the fp32 peak. */
static void layer_bound_from_bracket(void **state)
{
    (void)state;
    tfb_ceilings c = {.bandwidth_gbps = 28.0, .bandwidth_read_gbps = 34.0, .peak_gflops_fp32 = 180.0};
    tfb_result r = {.dtype = "fp16", .flops = 4.7e8, .bytes = 5.4e8, .bytes_written = 5e4};
    const char *kind = NULL;
    r.own_read_gbps = 0.5 * (30 + 20);  /* probes of 30 and 20 GB/s */
    assert_true(fabs(layer_case_bound_seconds(&c, &r, &kind) - 5.4e8 / 25e9) <= 1e-12 * (5.4e8 / 25e9));
    assert_string_equal(kind, "read, bracketed");
    r.own_read_gbps = 0.0;  /* half a bracket, or none */
    assert_true(fabs(layer_case_bound_seconds(&c, &r, &kind) - 5.4e8 / 34e9) <= 1e-12 * (5.4e8 / 34e9));
    assert_string_equal(kind, "read");
    r = (tfb_result){.dtype = "fp32", .flops = 5.2e10, .bytes = 8.2e8, .bytes_written = 6.3e6};
    assert_true(fabs(layer_case_bound_seconds(&c, &r, NULL) - 5.2e10 / 180e9) <= 1e-12 * (5.2e10 / 180e9));
}

/* The read probe on the device: a figure from one of the stream widths; and a corrupted input (one float of the
 * last work-item's block, whose partial sum is always among the checked ones) refused with the partial named. */
static void read_probe_measures_and_checks(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    tfb_run run = {.ctx = &f->ctx, .seed = 7, .sizing = {.target_bytes = 64u << 20}};
    tfb_read_probe probe = {0};
    double gbps = 0.0;
    assert_int_equal(tfb_read_probe_setup(&run, &probe, &err), TFB_OK);
    assert_int_equal(probe.count, (64u << 20) / sizeof(float));
    assert_int_equal(tfb_read_probe_measure(&run, &probe, 1, &gbps, &err), TFB_OK);
    assert_true(gbps > 0);
    assert_true(probe.best_vec == 1 || probe.best_vec == 4 || probe.best_vec == 8 || probe.best_vec == 16);
    assert_int_equal(probe.variants, probe.interleaved ? 4 : 5);  /* a CPU also reads with prefetch */
    assert_true(probe.best_prefetch == 0 || (probe.best_prefetch == TFB_READ_PREFETCH_CPU && probe.best_vec == 16));
    size_t winner = probe.best;
    double again = 0.0;  /* the second side of a bracket: the winner only */
    assert_int_equal(tfb_read_probe_measure(&run, &probe, 0, &again, &err), TFB_OK);
    assert_true(again > 0);
    assert_int_equal(probe.best, winner);
    if (!probe.interleaved) {  /* the CPU layout: item g reads floats g * item_floats .. */
        const float wrong = 7.0f;  /* off the [0.5, 1.5) grid */
        size_t at = (probe.items - 1) * probe.item_floats + 5;
        cl_int status = clEnqueueWriteBuffer(f->ctx.queue, probe.data, CL_TRUE, at * sizeof wrong, sizeof wrong,
                                             &wrong, 0, NULL, NULL);
        assert_int_equal(status, CL_SUCCESS);
        assert_int_equal(tfb_read_probe_measure(&run, &probe, 1, &gbps, &err), TFB_ERROR);
        assert_non_null(strstr(err.message, "read probe (float1): partial sum"));
    }
    tfb_read_probe_release(&probe);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(layer_decode_counts),
        cmocka_unit_test(layer_prefill_counts),
        cmocka_unit_test(model_counts_are_layer_counts),
        cmocka_unit_test(rms_norm_odd_sizes),
        cmocka_unit_test(rope_append_odd_sizes),
        cmocka_unit_test(rope_scatter_odd_sizes),
        cmocka_unit_test(silu_mul_and_add_odd_sizes),
        cmocka_unit_test(flash_token_major_output),
        cmocka_unit_test(layer_bound_from_bracket),
        cmocka_unit_test(read_probe_measures_and_checks),
    };
    return cmocka_run_group_tests(tests, open_device, close_device);
}
