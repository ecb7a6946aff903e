/* Quantized weights: the block formats, the host's quantization and dequantization, and our kernels on them. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "gemm_quant.h"
#include "tfbench/checked.h"
#include "tfbench/fill.h"
#include "tfbench/half.h"
#include "tfbench/verify.h"

enum { MAX_BLOCK = 128 };

static const gemm_quant_format FORMATS[GEMM_QUANT_COUNT] = {
    [GEMM_QUANT_Q8_0] = {"q8_0", 32, 34, 0, "-DQ8_0"},
    [GEMM_QUANT_Q4_0] = {"q4_0", 32, 18, 1, "-DQ4_0"},
    [GEMM_QUANT_INT4_G128] = {"int4-g128", 128, 66, 1, "-DINT4_G128"},
};

const gemm_quant_format *gemm_quant_format_of(int quant)
{
    return quant > GEMM_QUANT_NONE && quant < GEMM_QUANT_COUNT ? &FORMATS[quant] : NULL;
}

size_t gemm_quant_matrix_bytes(int quant, size_t n, size_t k)
{
    const gemm_quant_format *f = gemm_quant_format_of(quant);
    return f ? tfb_mul3_size(n, k / f->block, f->block_bytes) : 0;
}

/* The IEEE half bits of a float that is a half value already (gemm_round_to_half's output, finite). */
static uint16_t half_bits(float h)
{
    uint16_t sign = signbit(h) ? 0x8000u : 0u;
    float a = fabsf(h);
    if (a == 0.0f) return sign;
    if (a < 0x1p-14f) return (uint16_t)(sign | (uint16_t)(a * 0x1p24f));  /* subnormal: steps of 2^-24 */
    int exponent;
    float fraction = frexpf(a, &exponent);  /* a = fraction * 2^exponent, fraction in [0.5, 1) */
    uint16_t mantissa = (uint16_t)((fraction * 2.0f - 1.0f) * 1024.0f);
    return (uint16_t)(sign | (uint16_t)((exponent - 1 + 15) << 10) | mantissa);
}

/* Round to nearest, halves away from zero (roundf), clamped to the code range. */
static int quantize_value(float w, float d, int lo, int hi)
{
    if (d == 0.0f) return 0;
    float q = roundf(w / d);
    return q < (float)lo ? lo : q > (float)hi ? hi : (int)q;
}

/* The rule (docs/quantization.md): q8_0's scale is the largest magnitude over 127, the 4-bit formats' the value of
 * largest magnitude over -8 (so it maps to code -8 exactly and the range [-8, 7] is used whole, as llama.cpp does);
 * each scale rounded to fp16 first, and every weight quantized against the stored scale. */
void gemm_quant_block(const gemm_quant_format *f, const float *weights, unsigned char *out)
{
    float extreme = 0.0f;
    for (unsigned j = 0; j < f->block; j++)
        if (fabsf(weights[j]) > fabsf(extreme)) extreme = weights[j];
    float d = gemm_round_to_half(f->four_bit ? extreme / -8.0f : fabsf(extreme) / 127.0f);
    uint16_t bits = half_bits(d);
    out[0] = (unsigned char)(bits & 0xffu);  /* little-endian, as the devices read it */
    out[1] = (unsigned char)(bits >> 8);
    unsigned char *values = out + 2;
    if (!f->four_bit) {
        for (unsigned j = 0; j < f->block; j++)
            values[j] = (unsigned char)(signed char)quantize_value(weights[j], d, -127, 127);
        return;
    }
    unsigned half = f->block / 2;
    for (unsigned j = 0; j < half; j++) {
        unsigned low = (unsigned)(quantize_value(weights[j], d, -8, 7) + 8);
        unsigned high = (unsigned)(quantize_value(weights[j + half], d, -8, 7) + 8);
        values[j] = (unsigned char)(low | high << 4);
    }
}

void gemm_dequant_block(const gemm_quant_format *f, const unsigned char *block, double *out)
{
    double d = tfb_half_to_double((uint16_t)(block[0] | block[1] << 8));
    const unsigned char *values = block + 2;
    if (!f->four_bit) {
        for (unsigned j = 0; j < f->block; j++) out[j] = d * (double)(signed char)values[j];
        return;
    }
    unsigned half = f->block / 2;
    for (unsigned j = 0; j < half; j++) {
        out[j] = d * (double)((int)(values[j] & 15u) - 8);
        out[j + half] = d * (double)((int)(values[j] >> 4) - 8);
    }
}

/* Local memory of the int8-activation GEMV: K codes, K / 2 pair terms (shorts) and K / 32 float scales. */
static size_t act_int8_local_bytes(size_t k)
{
    return 2 * k + k / 32 * sizeof(float);
}

int gemm_quant_act_int8_suits(const tfb_device_info *info, const gemm_config *cfg)
{
    return cfg->quant != GEMM_QUANT_NONE && cfg->kind == GEMM_KIND_GEMV && !info->gpu_kernels &&
           act_int8_local_bytes(cfg->k) <= info->local_mem_bytes;
}

/* What the kernel's quantize_x_block computes, in double: every step is exact (a float times a power of two, a
 * rounding to an integer), so the codes are the device's. ilogb of a subnormal or zero block is below -100, where
 * the kernel's exponent clamps too. */
void gemm_quant_activation_row(double *row, size_t k)
{
    for (size_t b = 0; b + 32 <= k; b += 32) {
        double amax = 0.0;
        for (size_t j = 0; j < 32; j++) amax = fmax(amax, fabs(row[b + j]));
        int e = amax > 0.0 ? ilogb(amax) : -100;
        if (e < -100) e = -100;
        for (size_t j = 0; j < 32; j++) {
            double code = fmin(fmax(rint(ldexp(row[b + j], 6 - e)), -127.0), 127.0);
            row[b + j] = ldexp(code, e - 6);
        }
    }
}

/* Derivation: every dequantized weight d x q is exact in fp32 (an 11-bit scale times an integer of at most 8
 * bits), so the only errors are the kernels' roundings, each at most u = 2^-24 times a partial sum no larger than
 * S = sum |a_i w_i| (all terms have one sign). gemv_quant rounds each product or FMA of a block (k), each block's
 * scaled add (k / 16 lanes... at most k) and the 16-lane reduction; gemm_quant one FMA per weight and the
 * reduction: at most 2k + 16 roundings, treated as gemm_tolerance treats k (random, sqrt growth, >= 8 sigma). */
double gemm_quant_tolerance(size_t k)
{
    return tfb_dot_tolerance_f32(2 * k + 16);
}

int gemm_quant_check_shape(const gemm_config *cfg, tfb_error *err)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    if (!f) return tfb_fail(err, "gemm: unknown weight format %d", cfg->quant);
    if (cfg->impl != GEMM_IMPL_TFBENCH) return tfb_skip(err, "CLBlast runs fp32 weights only here");
    if (cfg->k == 0 || cfg->k % f->block)
        return tfb_skip(err, "%s needs K a multiple of its block of %u weights (K = %zu)", f->name, f->block, cfg->k);
    if (cfg->window && (cfg->kind != GEMM_KIND_GEMV || cfg->window > cfg->k / f->block))
        return tfb_skip(err, "the dequantization-only variant needs a GEMV of at least %u blocks", cfg->window);
    return TFB_OK;
}

void gemm_quant_pack_row(const gemm_quant_format *f, size_t k, const double *row, unsigned char *packed)
{
    float block[MAX_BLOCK];
    for (size_t b = 0; b < k / f->block; b++) {
        for (unsigned j = 0; j < f->block; j++) block[j] = (float)row[b * f->block + j];  /* floats already */
        gemm_quant_block(f, block, packed + b * f->block_bytes);
    }
}

/* Row n of the matrix of `seed` quantized into `packed` (k / block blocks); `scratch` holds k doubles. */
static void quantize_row(const gemm_quant_format *f, const gemm_config *cfg, uint32_t seed, float lo, float hi,
                         size_t n, double *scratch, unsigned char *packed)
{
    tfb_hash_uniform_range(seed, (uint64_t)n * cfg->k, cfg->k, lo, hi, scratch);
    gemm_quant_pack_row(f, cfg->k, scratch, packed);
}

void gemm_quant_round_row(const gemm_quant_format *f, size_t k, double *row)
{
    unsigned char block[MAX_BLOCK];
    float values[MAX_BLOCK];
    for (size_t b = 0; b < k / f->block; b++) {
        double *part = row + b * f->block;
        for (unsigned j = 0; j < f->block; j++) values[j] = (float)part[j];
        gemm_quant_block(f, values, block);
        gemm_dequant_block(f, block, part);
    }
}

void gemm_quant_weight_row(const gemm_config *cfg, uint32_t seed, float lo, float hi, size_t n, double *row)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    tfb_hash_uniform_range(seed, (uint64_t)n * cfg->k, cfg->k, lo, hi, row);
    gemm_quant_round_row(f, cfg->k, row);
    for (size_t b = cfg->window; cfg->window && b < cfg->k / f->block; b++)  /* the window's repeats */
        memcpy(row + b * f->block, row + b % cfg->window * f->block, f->block * sizeof *row);
}

/* The matrix of `seed` is quantized once on the host and written into every buffer: the timed runs rotate over
 * distinct buffers (addresses, which is what the caches see) holding the same values, which keeps the host's
 * quantization to one matrix per case. */
int gemm_quant_upload(tfb_context *ctx, const gemm_config *cfg, uint32_t seed, float lo, float hi, cl_mem *weights,
                      size_t count, tfb_error *err)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    size_t row_bytes = cfg->k / f->block * f->block_bytes, bytes = gemm_quant_matrix_bytes(cfg->quant, cfg->n, cfg->k);
    unsigned char *packed = bytes && bytes < SIZE_MAX / 2 ? malloc(bytes) : NULL;
    double *scratch = calloc(cfg->k, sizeof *scratch);
    int rc = packed && scratch ? TFB_OK : tfb_fail(err, "out of memory quantizing %zu x %zu weights", cfg->n, cfg->k);
    for (size_t n = 0; rc == TFB_OK && n < cfg->n; n++)
        quantize_row(f, cfg, seed, lo, hi, n, scratch, packed + n * row_bytes);
    for (size_t i = 0; rc == TFB_OK && i < count; i++) rc = tfb_buffer_write(ctx, weights[i], bytes, packed, err);
    free(scratch);
    free(packed);
    return rc;
}

/* Work-groups of the gemm kernel: all m blocks of a row group in one (up to this many), see kernels/quant.cl. */
enum { MAX_M_BLOCKS_PER_GROUP = 64 };

static tfb_launch quant_launch(const gemm_config *cfg, cl_kernel kernel)
{
    const gemm_params *p = &cfg->params;
    size_t row_groups = (cfg->n + p->streams - 1) / p->streams;
    if (cfg->kind == GEMM_KIND_GEMV)
        return (tfb_launch){kernel, 1, {(row_groups + p->wg - 1) / p->wg * p->wg}, {p->wg}};
    size_t blocks = (cfg->m + p->tm - 1) / p->tm;
    size_t group = blocks < MAX_M_BLOCKS_PER_GROUP ? blocks : MAX_M_BLOCKS_PER_GROUP;
    return (tfb_launch){kernel, 2, {(blocks + group - 1) / group * group, row_groups}, {group, 1}};
}

int gemm_quant_launch_create(tfb_context *ctx, const gemm_config *cfg, cl_mem a, cl_mem weights, cl_mem c,
                             cl_kernel *kernel, tfb_launch *launch, tfb_error *err)
{
    const gemm_quant_format *f = gemm_quant_format_of(cfg->quant);
    const gemm_params *p = &cfg->params;
    char options[96];
    int gemv = cfg->kind == GEMM_KIND_GEMV, act_int8 = gemv && cfg->act_int8;
    int used = gemv ? snprintf(options, sizeof options, "%s -DROWS=%u -DWG=%u", f->define, p->streams, p->wg)
                    : snprintf(options, sizeof options, "%s -DROWS=%u -DTM=%u", f->define, p->streams, p->tm);
    if (gemv && cfg->window)
        used += snprintf(options + used, sizeof options - (size_t)used, " -DWINDOW=%u", cfg->window);
    if (act_int8) snprintf(options + used, sizeof options - (size_t)used, " -DACT_INT8");
    if (tfb_kernel_create(ctx, "quant.cl", options, gemv ? "gemv_quant" : "gemm_quant", kernel, err) != TFB_OK)
        return TFB_ERROR;
    cl_uint m = (cl_uint)cfg->m, n = (cl_uint)cfg->n, k = (cl_uint)cfg->k;
    *launch = quant_launch(cfg, *kernel);
    if (act_int8)  /* the codes, the pair terms, the scales (kernels/quant.cl) */
        return TFB_SET_ARGS(*kernel, err, TFB_MEM(a), TFB_MEM(weights), TFB_MEM(c), TFB_VAL(n), TFB_VAL(k),
                            TFB_LOCAL(cfg->k), TFB_LOCAL(cfg->k), TFB_LOCAL(cfg->k / 32 * sizeof(float)));
    if (gemv) return TFB_SET_ARGS(*kernel, err, TFB_MEM(a), TFB_MEM(weights), TFB_MEM(c), TFB_VAL(n), TFB_VAL(k));
    return TFB_SET_ARGS(*kernel, err, TFB_MEM(a), TFB_MEM(weights), TFB_MEM(c), TFB_VAL(m), TFB_VAL(n), TFB_VAL(k));
}

/* The parameters: streams = weight rows per work-item, wg = GEMV work-items per group, tm = GEMM rows of A per
 * work-item (the batch class up to 8). tn is unused (16 so the common code's panel arithmetic stays defined). */
size_t gemm_quant_candidates(const gemm_config *cfg, gemm_params *out, size_t max)
{
    /* At least 2 rows an item: x (K floats) is read once per block for all of an item's rows, and at K = 11008 it
     * no longer fits L1: one row an item read it from L2 per row and ran 4096 x 11008 at a quarter of 4096 x 4096's
     * rate (q8_0, q4_0 on the 2-core Zen 4), though it won the search on 4096 x 4096. */
    static const unsigned GEMV[][2] = {{2, 8}, {4, 4}, {4, 1}, {8, 1}, {8, 2}, {16, 1}};
    /* int8 activations: a work-group quantizes x once for its WG x ROWS rows, so at least 32 rows a group */
    static const unsigned GEMV_INT8[][2] = {{2, 16}, {4, 8}, {4, 16}, {8, 4}, {8, 8}, {16, 2}};
    static const unsigned GEMM_ROWS[] = {1, 2, 4};
    size_t count = 0;
    if (cfg->kind == GEMM_KIND_GEMV) {
        const unsigned(*list)[2] = cfg->act_int8 ? GEMV_INT8 : GEMV;
        size_t size = cfg->act_int8 ? sizeof GEMV_INT8 / sizeof *GEMV_INT8 : sizeof GEMV / sizeof *GEMV;
        for (size_t i = 0; i < size && count < max; i++)
            out[count++] = (gemm_params){.tn = 16, .streams = list[i][0], .wg = list[i][1]};
        return count;
    }
    unsigned tm = cfg->m <= 1 ? 1 : cfg->m <= 2 ? 2 : cfg->m <= 4 ? 4 : 8;
    for (size_t i = 0; i < sizeof GEMM_ROWS / sizeof *GEMM_ROWS && count < max; i++)
        out[count++] = (gemm_params){.tn = 16, .streams = GEMM_ROWS[i], .tm = tm};
    return count;
}

int gemm_quant_params_valid(const gemm_config *cfg, const gemm_params *p)
{
    if (p->tn != 16 || p->layout != GEMM_LAYOUT_ITEM || p->streams < 1 || p->streams > 16) return 0;
    if (cfg->kind == GEMM_KIND_GEMV) return p->wg >= 1 && p->wg <= 256;
    return p->tm >= 1 && p->tm <= 16;
}
