/* Quantized weights: the block layouts byte for byte (llama.cpp's q8_0 and q4_0 nibble order, int4-g128), the
 * rounding rule, exact byte counts, and every kernel variant verified against the dequantized float64 reference on
 * PoCL (GEMV, GEMM, the dequantization-only GEMV). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "../suites/gemm/gemm_quant.h"
#include "tfbench/half.h"
#include "tfbench/tfbench.h"
#include "device_fixture.h"
#include "gemm_check.h"

static int open_device(void **state)
{
    return fixture_open_cache(state, "quant");
}

static int close_device(void **state)
{
    fixture_close_cache(*state);
    return 0;
}

static double block_scale(const unsigned char *block)
{
    return tfb_half_to_double((uint16_t)(block[0] | block[1] << 8));
}

/* q8_0: scale = max |w| / 127 rounded to fp16, q = round(w / scale), 34 bytes. */
static void q8_0_block_layout(void **state)
{
    (void)state;
    const gemm_quant_format *f = gemm_quant_format_of(GEMM_QUANT_Q8_0);
    assert_int_equal(f->block, 32);
    assert_int_equal(f->block_bytes, 34);
    float w[32];
    for (int j = 0; j < 32; j++) w[j] = (float)(j - 16) / 8.0f;  /* -2 .. 1.875: largest magnitude 2 */
    w[5] = 0.3f;
    unsigned char block[34];
    gemm_quant_block(f, w, block);
    double d = block_scale(block);
    assert_true(d == (double)gemm_round_to_half(2.0f / 127.0f));
    assert_int_equal((signed char)block[2 + 0], -127);                        /* -2 / d, clamped */
    assert_int_equal((signed char)block[2 + 16], 0);
    assert_int_equal((signed char)block[2 + 5], (int)roundf(0.3f / (float)d));  /* 19 */
    assert_int_equal((signed char)block[2 + 24], (int)roundf(1.0f / (float)d));
    double back[32];
    gemm_dequant_block(f, block, back);
    for (int j = 0; j < 32; j++) assert_true(fabs(back[j] - w[j]) <= d / 2 * 1.01);
}

/* q4_0: scale = (value of largest magnitude) / -8, nibble = round(w / scale) + 8, byte j = weight j (low nibble) |
 * weight j + 16 (high nibble), 18 bytes: llama.cpp's order. */
static void q4_0_nibble_order(void **state)
{
    (void)state;
    const gemm_quant_format *f = gemm_quant_format_of(GEMM_QUANT_Q4_0);
    assert_int_equal(f->block_bytes, 18);
    float w[32];
    for (int j = 0; j < 32; j++) w[j] = 0.0f;
    w[0] = -8.0f;   /* largest magnitude: scale 1, code -8 -> nibble 0 */
    w[1] = 3.0f;    /* nibble 11 */
    w[16] = 7.0f;   /* nibble 15, the high nibble of byte 0 */
    w[17] = -2.4f;  /* rounds to -2: nibble 6, high nibble of byte 1 */
    w[31] = 0.5f;   /* rounds away from zero to 1: nibble 9, high nibble of byte 15 */
    unsigned char block[18];
    gemm_quant_block(f, w, block);
    assert_true(block_scale(block) == 1.0);
    assert_int_equal(block[2 + 0], 0 | 15 << 4);
    assert_int_equal(block[2 + 1], 11 | 6 << 4);
    assert_int_equal(block[2 + 15], 8 | 9 << 4);
    double back[32];
    gemm_dequant_block(f, block, back);
    assert_true(back[0] == -8.0 && back[1] == 3.0 && back[16] == 7.0 && back[17] == -2.0 && back[31] == 1.0);
}

/* int4-g128: one scale per 128 weights, byte j = weight j | weight j + 64 << 4, 66 bytes (4.125 bits a weight). */
static void int4_g128_layout(void **state)
{
    (void)state;
    const gemm_quant_format *f = gemm_quant_format_of(GEMM_QUANT_INT4_G128);
    assert_int_equal(f->block, 128);
    assert_int_equal(f->block_bytes, 66);
    float w[128];
    for (int j = 0; j < 128; j++) w[j] = 0.0f;
    w[100] = 16.0f;  /* largest magnitude, positive: scale -2, code -8 */
    w[36] = -6.0f;   /* code 3: nibble 11, low nibble of byte 36 */
    w[63] = 14.0f;   /* code -7: nibble 1 */
    unsigned char block[66];
    gemm_quant_block(f, w, block);
    assert_true(block_scale(block) == -2.0);
    assert_int_equal(block[2 + 36], 11 | 0 << 4);  /* weight 100 is the high nibble of byte 36 */
    assert_int_equal(block[2 + 63], 1 | 8 << 4);
    assert_int_equal(block[2 + 0], 8 | 8 << 4);
}

static void exact_bytes(void **state)
{
    (void)state;
    assert_int_equal(gemm_quant_matrix_bytes(GEMM_QUANT_Q8_0, 11008, 4096), 11008u * 128u * 34u);
    assert_int_equal(gemm_quant_matrix_bytes(GEMM_QUANT_Q4_0, 4096, 11008), 4096u * 344u * 18u);
    assert_int_equal(gemm_quant_matrix_bytes(GEMM_QUANT_INT4_G128, 4096, 4096), 4096u * 32u * 66u);
    assert_null(gemm_quant_format_of(GEMM_QUANT_NONE));
    assert_null(gemm_quant_format_of(GEMM_QUANT_COUNT));
}

/* The int8-activation GEMV's codes (gemm_quant_activation_row): scale 2^(e - 6) for a block whose largest |x| is
 * 2^e x [1, 2), codes rint(x / scale) within [-127, 127]; a zero block stays zero. */
static void activation_codes(void **state)
{
    (void)state;
    double row[64] = {0};
    row[0] = 1.5;          /* e = 0: scale 1/64 */
    row[1] = 0.3;          /* 19.2 -> 19 */
    row[2] = -0.5078125;   /* -32.5 -> -32 (to even) */
    row[3] = 0x1p-8;       /* 0.25 -> 0 */
    row[32] = 1.999;       /* e = 0: 127.936 -> 128, clamped to 127 */
    row[33] = -1.0;        /* -64 */
    gemm_quant_activation_row(row, 64);
    assert_true(row[0] == 96.0 / 64 && row[1] == 19.0 / 64 && row[2] == -32.0 / 64 && row[3] == 0.0);
    assert_true(row[32] == 127.0 / 64 && row[33] == -1.0 && row[34] == 0.0);
    double small[32] = {3e-3, -1e-3};  /* e = -9: scale 2^-15, 98.304 -> 98, -32.768 -> -33 */
    gemm_quant_activation_row(small, 32);
    assert_true(small[0] == 98.0 * 0x1p-15 && small[1] == -33.0 * 0x1p-15 && small[2] == 0.0);
}

static void check_all_candidates(tfb_context *ctx, gemm_config cfg)
{
    gemm_params candidates[16];
    size_t count = gemm_candidates(&ctx->info, &cfg, candidates, 16);
    assert_true(count > 0);
    for (size_t c = 0; c < count; c++) {
        cfg.params = candidates[c];
        run_and_check(ctx, &cfg);
    }
}

/* Row counts that are no multiple of any candidate's rows per item, K of several blocks, two weight sets. */
static void gemv_every_format(void **state)
{
    fixture *f = *state;
    static const size_t SHAPES[][2] = {{1, 128}, {7, 256}, {259, 384}, {1000, 1024}};
    for (int q = GEMM_QUANT_Q8_0; q < GEMM_QUANT_COUNT; q++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            check_all_candidates(&f->ctx, (gemm_config){.kind = GEMM_KIND_GEMV, .quant = q, .m = 1,
                                                        .n = SHAPES[i][0], .k = SHAPES[i][1], .sets = 2, .seed = 11});
}

static void gemm_every_format(void **state)
{
    fixture *f = *state;
    static const size_t SHAPES[][3] = {{2, 33, 256}, {3, 130, 128}, {9, 67, 384}, {70, 40, 256}};
    for (int q = GEMM_QUANT_Q8_0; q < GEMM_QUANT_COUNT; q++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            check_all_candidates(&f->ctx, (gemm_config){.kind = GEMM_KIND_GEMM, .quant = q, .m = SHAPES[i][0],
                                                        .n = SHAPES[i][1], .k = SHAPES[i][2], .sets = 1, .seed = 4});
}

/* The dequantization-only GEMV reads block b of a row from block b % window; its reference repeats them alike. */
static void dequant_only_window(void **state)
{
    fixture *f = *state;
    check_all_candidates(&f->ctx, (gemm_config){.kind = GEMM_KIND_GEMV, .quant = GEMM_QUANT_Q4_0, .m = 1, .n = 100,
                                                .k = 32 * 20, .sets = 1, .seed = 8, .window = 8});
}

/* The int8-activation GEMV (the CPU variant: PoCL picks it) against the reference on the same activation codes:
 * every format and candidate, rows no candidate divides, and its dequantization-only form. */
static void gemv_int8_activations(void **state)
{
    fixture *f = *state;
    gemm_config cfg = {.kind = GEMM_KIND_GEMV, .quant = GEMM_QUANT_Q4_0, .m = 1, .n = 64, .k = 256};
    assert_true(gemm_quant_act_int8_suits(&f->ctx.info, &cfg));
    cfg.kind = GEMM_KIND_GEMM;
    assert_false(gemm_quant_act_int8_suits(&f->ctx.info, &cfg));
    static const size_t SHAPES[][2] = {{7, 256}, {259, 384}};  /* (kept to two: the test's time limit) */
    for (int q = GEMM_QUANT_Q8_0; q < GEMM_QUANT_COUNT; q++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++)
            check_all_candidates(&f->ctx, (gemm_config){.kind = GEMM_KIND_GEMV, .quant = q, .act_int8 = 1, .m = 1,
                                                        .n = SHAPES[i][0], .k = SHAPES[i][1], .sets = 2, .seed = 12});
    check_all_candidates(&f->ctx, (gemm_config){.kind = GEMM_KIND_GEMV, .quant = GEMM_QUANT_INT4_G128, .act_int8 = 1,
                                                .m = 1, .n = 100, .k = 128 * 10, .sets = 1, .seed = 9, .window = 8});
}

/* K not a multiple of the block is a skip that says why; CLBlast has no quantized path. */
static void refusals(void **state)
{
    fixture *f = *state;
    gemm_config cfg = {.kind = GEMM_KIND_GEMV, .quant = GEMM_QUANT_INT4_G128, .m = 1, .n = 64, .k = 192, .sets = 1,
                       .params = {.tn = 16, .wg = 1, .streams = 1}};
    gemm_state *s = NULL;
    tfb_error err = {{0}};
    assert_int_equal(gemm_prepare(&f->ctx, &cfg, &s, &err), TFB_SKIP);
    assert_non_null(strstr(err.message, "K a multiple of its block of 128"));
    gemm_release(s);
    cfg.k = 256;
    cfg.impl = GEMM_IMPL_CLBLAST;
    assert_int_equal(gemm_prepare(&f->ctx, &cfg, &s, &err), TFB_SKIP);
    gemm_release(s);
}

int main(void)
{
    const struct CMUnitTest host[] = {
        cmocka_unit_test(q8_0_block_layout),
        cmocka_unit_test(q4_0_nibble_order),
        cmocka_unit_test(int4_g128_layout),
        cmocka_unit_test(exact_bytes),
        cmocka_unit_test(activation_codes),
    };
    const struct CMUnitTest device[] = {
        cmocka_unit_test(gemv_every_format),
        cmocka_unit_test(gemm_every_format),
        cmocka_unit_test(dequant_only_window),
        cmocka_unit_test(gemv_int8_activations),
        cmocka_unit_test(refusals),
    };
    int failed = cmocka_run_group_tests(host, NULL, NULL);
    return failed + cmocka_run_group_tests(device, open_device, close_device);
}
