/* The attention kernels (naive, flash, decode) against the float64 reference on the default device (PoCL): the
 * lecture's worked example, random inputs at odd lengths, both masks, MHA/GQA/MQA; and the accounting formulas. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/attention.h"
#include "tfbench/tfbench.h"
#include "device_fixture.h"

static int open_device(void **state)
{
    return fixture_open(state);
}

static int close_device(void **state)
{
    fixture_close(*state);
    return 0;
}

enum { NAIVE, FLASH, DECODE };
static const char *const IMPL_NAMES[] = {"naive", "flash", "decode"};
static const tfb_flash_tile DEFAULT_TILE = {16, 8, 32};

/* Builds the plan of `impl` for the tensors in io (chunk: decode keys per split, 0 = automatic). */
static void plan_for(fixture *f, int impl, const tfb_attention_shape *s, int causal, const tfb_attention_io *io,
                     const tfb_flash_tile *tile, size_t chunk, tfb_attention_plan *plan)
{
    tfb_error err = {{0}};
    int rc = impl == NAIVE   ? tfb_naive_attention_plan(&f->ctx, s, causal, io, plan, &err)
             : impl == FLASH ? tfb_flash_attention_plan(&f->ctx, s, causal, io, tile ? tile : &DEFAULT_TILE, plan, &err)
                             : tfb_decode_attention_plan(&f->ctx, s, io, chunk, plan, &err);
    if (rc != TFB_OK) fail_msg("%s plan: %s", IMPL_NAMES[impl], err.message);
}

/* Random inputs, one run, every (or, for long sequences, a spread of) output rows against the reference. */
static void check_random(fixture *f, int impl, const tfb_attention_shape *s, int causal, const tfb_flash_tile *tile,
                         size_t chunk)
{
    tfb_error err = {{0}};
    tfb_attention_inputs in = tfb_attention_inputs_for(42);
    tfb_attention_io io = {0};
    tfb_attention_plan plan;
    assert_int_equal(tfb_attention_io_create(&f->ctx, s, &in, &io, &err), TFB_OK);
    plan_for(f, impl, s, causal, &io, tile, chunk, &plan);
    assert_int_equal(tfb_attention_plan_run(&f->ctx, &plan, &err), TFB_OK);
    double worst = 0.0;
    char what[160];
    tfb_attention_label(s, causal, what, sizeof what);
    if (tfb_attention_io_check(&f->ctx, what, s, causal, &in, &io, &worst, &err) !=
        TFB_OK)
        fail_msg("%s %s: %s", IMPL_NAMES[impl], what, err.message);
    assert_true(worst <= 1.0);
    tfb_attention_plan_release(&plan);
    tfb_attention_io_release(&io);
}

static const size_t ODD_LENGTHS[] = {1, 3, 127, 1000};
static const size_t KV_HEADS[] = {4, 2, 1};   /* MHA, GQA, MQA for 4 query heads */

static void prefill_odd_lengths_masks_and_layouts(void **state, int impl)
{
    for (size_t n = 0; n < 4; n++)
        for (size_t kv = 0; kv < 3; kv++)
            for (int causal = 0; causal <= 1; causal++) {
                tfb_attention_shape s = {2, 4, KV_HEADS[kv], ODD_LENGTHS[n], ODD_LENGTHS[n], 64};
                check_random(*state, impl, &s, causal, NULL, 0);
            }
}

static void naive_matches_reference(void **state)
{
    prefill_odd_lengths_masks_and_layouts(state, NAIVE);
}

static void flash_matches_reference(void **state)
{
    prefill_odd_lengths_masks_and_layouts(state, FLASH);
}

/* The other head dims (128 with float16 rows, 24 with float8, 20 with float4) and the other tiles the search may
 * pick, on lengths that leave partial query blocks and partial key tiles. */
static void flash_tiles_and_head_dims(void **state)
{
    const tfb_flash_tile tiles[] = {{8, 16, 16}, {4, 8, 32}, {32, 8, 32}, {8, 4, 64}};
    const size_t dims[] = {128, 24, 20};
    for (size_t t = 0; t < sizeof tiles / sizeof *tiles; t++)
        for (int causal = 0; causal <= 1; causal++) {
            tfb_attention_shape s = {1, 2, 1, 301, 301, 128};
            check_random(*state, FLASH, &s, causal, &tiles[t], 0);
        }
    for (size_t i = 0; i < sizeof dims / sizeof *dims; i++) {
        tfb_attention_shape s = {1, 2, 2, 200, 200, dims[i]};
        check_random(*state, FLASH, &s, 1, NULL, 0);
        check_random(*state, NAIVE, &s, 1, NULL, 0);
    }
}

/* Fewer queries than keys (a prefill chunk after a cached prefix): query i sees keys <= i + n_kv - n_q. */
static void prefill_chunk_after_a_prefix(void **state)
{
    tfb_attention_shape s = {1, 4, 2, 100, 333, 64};
    for (int causal = 0; causal <= 1; causal++) {
        check_random(*state, NAIVE, &s, causal, NULL, 0);
        check_random(*state, FLASH, &s, causal, NULL, 0);
    }
}

/* One query per head over caches of odd lengths (partial key blocks), MHA/GQA/MQA, one split per sequence and many
 * small splits. */
static void decode_matches_reference(void **state)
{
    const size_t kv_heads[] = {8, 2, 1}, chunks[] = {0, 16};
    for (size_t n = 0; n < 4; n++)
        for (size_t kv = 0; kv < 3; kv++)
            for (size_t c = 0; c < 2; c++) {
                tfb_attention_shape s = {2, 8, kv_heads[kv], 1, ODD_LENGTHS[n], 64};
                check_random(*state, DECODE, &s, 0, NULL, chunks[c]);
            }
    tfb_attention_shape wide = {1, 32, 8, 1, 777, 128};
    check_random(*state, DECODE, &wide, 0, NULL, 48);
    /* groups of 3 and 2 query heads per KV head: the kernel scores 1 and 2 heads per pass over a K block */
    const tfb_attention_shape odd_groups[] = {{1, 6, 2, 1, 127, 64}, {2, 8, 4, 1, 1000, 64}};
    for (size_t i = 0; i < 2; i++) check_random(*state, DECODE, &odd_groups[i], 0, NULL, 0);
    const size_t odd_dims[] = {80, 100, 20};  /* vector widths 16, 4 and 4 along d, --head-dim style */
    for (size_t i = 0; i < sizeof odd_dims / sizeof *odd_dims; i++) {
        tfb_attention_shape s = {1, 8, 2, 1, 1000, odd_dims[i]};
        check_random(*state, DECODE, &s, 0, NULL, 0);
    }
}

/* A converted cache (fp16, q8_0) against the reference from the cache as stored. */
static void check_cache_format(fixture *f, const tfb_attention_shape *s, tfb_kv_dtype dtype, size_t chunk)
{
    tfb_error err = {{0}};
    tfb_attention_inputs in = tfb_attention_inputs_for(7);
    tfb_attention_io io = {0};
    tfb_attention_plan plan;
    assert_int_equal(tfb_attention_io_create(&f->ctx, s, &in, &io, &err), TFB_OK);
    if (tfb_decode_attention_plan_kv(&f->ctx, s, &io, chunk, dtype, 0, &plan, &err) != TFB_OK)
        fail_msg("decode plan (%s): %s", tfb_kv_dtype_name(dtype), err.message);
    tfb_buffer_release(&io.k);  /* the plan reads only its converted cache */
    tfb_buffer_release(&io.v);
    assert_int_equal(tfb_attention_plan_run(&f->ctx, &plan, &err), TFB_OK);
    tfb_decode_cache_reader reader;
    assert_int_equal(tfb_decode_cache_reader_init(&reader, &f->ctx, s, &plan, &err), TFB_OK);
    tfb_attention_kv_source source = tfb_decode_cache_source(&reader);
    double worst = 0.0;
    char what[160];
    tfb_attention_label(s, 0, what, sizeof what);
    if (tfb_attention_io_check_kv(&f->ctx, what, s, 0, &in, &source, &io, &worst, &err) != TFB_OK)
        fail_msg("decode %s (%s): %s", what, tfb_kv_dtype_name(dtype), err.message);
    assert_true(worst <= 1.0);
    tfb_decode_cache_reader_release(&reader);
    tfb_attention_plan_release(&plan);
    tfb_attention_io_release(&io);
}

/* fp16 and q8_0 caches (and fp32 in their blocked layout) at odd lengths, MHA/GQA/MQA, one and many splits; q8_0
 * refuses a head dim that is not a multiple of 32; the sizes are exact. */
static void decode_cache_formats(void **state)
{
    const size_t kv_heads[] = {8, 2, 1}, lengths[] = {1, 17, 300};
    const tfb_kv_dtype formats[] = {TFB_KV_FP16, TFB_KV_Q8_0};
    for (size_t f = 0; f < 2; f++)
        for (size_t n = 0; n < 3; n++)
            for (size_t kv = 0; kv < 3; kv++) {
                tfb_attention_shape s = {2, 8, kv_heads[kv], 1, lengths[n], 64};
                check_cache_format(*state, &s, formats[f], n == 2 ? 16 : 0);
            }
    tfb_attention_shape wide = {1, 32, 8, 1, 777, 128}, odd = {1, 8, 2, 1, 100, 80};
    for (size_t f = 0; f < 2; f++) check_cache_format(*state, &wide, formats[f], 48);
    check_cache_format(*state, &odd, TFB_KV_FP16, 0);
    fixture *fx = *state;
    tfb_error err = {{0}};
    tfb_attention_inputs in = tfb_attention_inputs_for(7);
    tfb_attention_io io = {0};
    tfb_attention_plan plan;
    assert_int_equal(tfb_attention_io_create(&fx->ctx, &odd, &in, &io, &err), TFB_OK);
    assert_int_equal(tfb_decode_attention_plan_kv(&fx->ctx, &odd, &io, 0, TFB_KV_Q8_0, 0, &plan, &err), TFB_SKIP);
    assert_non_null(strstr(err.message, "multiple of 32"));
    tfb_attention_plan_release(&plan);
    tfb_attention_io_release(&io);
    /* b4-h32-n8192-d128: 128 slices of 512 blocks; a block's two parts are 16 x 128 values (+ 16 x 4 fp16 scales) */
    tfb_attention_shape mha = {4, 32, 32, 1, 8192, 128};
    assert_true(tfb_decode_cache_bytes(&mha, TFB_KV_FP16) == 128ull * 512 * 2 * 16 * 128 * 2);
    assert_true(tfb_decode_cache_bytes(&mha, TFB_KV_Q8_0) == 128ull * 512 * 2 * (16 * 128 + 16 * 4 * 2));
    assert_true(tfb_kv_dtype_bytes(TFB_KV_Q8_0, 32.0 * 1000) == 34.0 * 1000);
    size_t list[TFB_MAX_LIST], count = 0;
    assert_int_equal(tfb_kv_dtype_parse_list("q8_0,fp32", list, TFB_MAX_LIST, &count, &err), TFB_OK);
    assert_int_equal(count, 2);
    assert_int_equal(list[0], TFB_KV_Q8_0);
    assert_int_equal(tfb_kv_dtype_parse_list("fp16,", list, TFB_MAX_LIST, &count, &err), TFB_ERROR);
    assert_int_equal(tfb_kv_dtype_parse_list("fp8", list, TFB_MAX_LIST, &count, &err), TFB_ERROR);
}

static void expect_axes(const tfb_attention_axes *axes, size_t heads, size_t kv_count, size_t kv_at, size_t kv,
                        size_t dim_count, size_t dim_at, size_t dim)
{
    assert_int_equal(axes->heads, heads);
    assert_int_equal(axes->kv_count, kv_count);
    assert_int_equal(axes->kv[kv_at], kv);
    assert_int_equal(axes->dim_count, dim_count);
    assert_int_equal(axes->dims[dim_at], dim);
}

/* The suites' head layout: the defaults, a model's (Llama 2 70B: 64 heads, 8 KV heads, d 8192 / 64 = 128), and
 * --kv-heads / --head-dim replacing either; KV-head counts that do not divide the heads are left out. */
static void axes_follow_model_and_overrides(void **state)
{
    (void)state;
    const size_t kv[] = {32, 8, 1}, dims[] = {64, 128};
    tfb_options opt;
    tfb_workload workload;
    tfb_error err;
    tfb_options_defaults(&opt);
    tfb_attention_axes axes;
    assert_int_equal(tfb_workload_resolve(&opt, &workload, &err), TFB_OK);
    tfb_attention_axes_for(&workload, 32, kv, 3, dims, 2, &axes);
    expect_axes(&axes, 32, 3, 1, 8, 2, 1, 128);

    opt.model = "llama2-70b";
    assert_int_equal(tfb_workload_resolve(&opt, &workload, &err), TFB_OK);
    tfb_attention_axes_for(&workload, 32, kv, 3, dims, 2, &axes);
    expect_axes(&axes, 64, 1, 0, 8, 1, 0, 128);

    opt.kv_heads[0] = 64, opt.kv_heads[1] = 3, opt.kv_heads[2] = 1, opt.kv_head_count = 3;
    opt.head_dims[0] = 80, opt.head_dim_count = 1;
    assert_int_equal(tfb_workload_resolve(&opt, &workload, &err), TFB_OK);
    tfb_attention_axes_for(&workload, 32, kv, 3, dims, 2, &axes);
    expect_axes(&axes, 64, 2, 1, 1, 1, 0, 80);  /* 3 does not divide 64 */
}

/* Section 2 of the lecture (np.random.seed(42), 4 tokens, d_k 3): the inputs are printed to 2 decimals by the
 * lecture's own rounding, so they are exact; the printed output is rounded to 2 decimals. */
static const double LECTURE_Q[4][3] = {{0.5, -0.14, 0.65}, {1.52, -0.23, -0.23}, {1.58, 0.77, -0.47}, {0.54, -0.46, -0.47}};
static const double LECTURE_K[4][3] = {{0.24, -1.91, -1.72}, {-0.56, -1.01, 0.31}, {-0.91, -1.41, 1.47}, {-0.23, 0.07, -1.42}};
static const double LECTURE_V[4][3] = {{-0.54, 0.11, -1.15}, {0.38, -0.6, -0.29}, {-0.6, 1.85, -0.01}, {-1.06, 0.82, -1.22}};
static const double LECTURE_OUT[4][3] = {{-0.38, 0.71, -0.46}, {-0.52, 0.35, -0.9}, {-0.67, 0.46, -1.0}, {-0.51, 0.37, -0.88}};

static cl_mem upload(fixture *f, const double *values, size_t count)
{
    float host[12];
    for (size_t i = 0; i < count; i++) host[i] = (float)values[i];
    cl_mem buffer = NULL;
    tfb_error err;
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, count * sizeof(float), host, &buffer, &err), TFB_OK);
    return buffer;
}

/* Runs `impl` on the lecture's tensors (decode: the last query only) and compares with the printed output. */
static void lecture_run(fixture *f, int impl)
{
    tfb_attention_shape s = {1, 1, 1, impl == DECODE ? 1 : 4, 4, 3};
    size_t first_row = impl == DECODE ? 3 : 0;
    tfb_attention_io io = {upload(f, LECTURE_Q[first_row], s.n_q * 3), upload(f, &LECTURE_K[0][0], 12),
                           upload(f, &LECTURE_V[0][0], 12), NULL, {0}};
    tfb_error err;
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, s.n_q * 3 * sizeof(float), NULL, &io.out, &err),
                     TFB_OK);
    assert_int_equal(tfb_device_poison(&f->ctx, io.out, s.n_q * 3 * sizeof(float), &err), TFB_OK);
    tfb_attention_plan plan;
    plan_for(f, impl, &s, 0, &io, NULL, 0, &plan);
    assert_int_equal(tfb_attention_plan_run(&f->ctx, &plan, &err), TFB_OK);
    float got[12];
    double reference[4][3];
    assert_int_equal(tfb_buffer_read(&f->ctx, io.out, s.n_q * 3 * sizeof(float), got, &err), TFB_OK);
    tfb_reference_attention(&LECTURE_Q[0][0], &LECTURE_K[0][0], &LECTURE_V[0][0], &reference[0][0], 4, 4, 3, 0,
                            1.0 / sqrt(3.0));
    for (size_t i = 0; i < s.n_q; i++)
        for (int c = 0; c < 3; c++) {
            double value = got[i * 3 + c];
            size_t row = first_row + i;
            if (fabs(value - LECTURE_OUT[row][c]) > 0.005 || fabs(value - reference[row][c]) > 1e-5)
                fail_msg("%s: out[%zu][%d] = %.6f, lecture prints %.2f, reference %.6f", IMPL_NAMES[impl], row, c,
                         value, LECTURE_OUT[row][c], reference[row][c]);
        }
    tfb_attention_plan_release(&plan);
    tfb_attention_io_release(&io);
}

static void lecture_worked_example(void **state)
{
    lecture_run(*state, NAIVE);
    lecture_run(*state, FLASH);
    lecture_run(*state, DECODE);
}

/* An output the kernel never wrote is still the NaN poison, and the check says so. */
static void unwritten_output_fails_the_check(void **state)
{
    fixture *f = *state;
    tfb_attention_shape s = {1, 2, 2, 5, 5, 16};
    tfb_attention_inputs in = tfb_attention_inputs_for(1);
    tfb_attention_io io = {0};
    tfb_error err = {{0}};
    double worst;
    assert_int_equal(tfb_attention_io_create(&f->ctx, &s, &in, &io, &err), TFB_OK);
    assert_int_equal(tfb_attention_io_check(&f->ctx, "poisoned", &s, 0, &in, &io, &worst, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "never written"));
    tfb_attention_io_release(&io);
}

/* A score matrix larger than the allocation limit is a skip that says how much memory the case needs. */
static void naive_too_big_is_a_skip(void **state)
{
    fixture *f = *state;
    size_t n = 1;
    while ((double)n * (double)n * 4.0 * 8.0 <= (double)f->ctx.info.max_alloc_bytes) n *= 2;
    tfb_attention_shape s = {1, 8, 8, n, n, 64};
    tfb_attention_io none = {0};
    tfb_attention_plan plan;
    tfb_error err = {{0}};
    assert_int_equal(tfb_naive_attention_plan(&f->ctx, &s, 1, &none, &plan, &err), TFB_SKIP);
    assert_non_null(strstr(err.message, "needs"));
    assert_non_null(strstr(err.message, "GiB"));
    tfb_attention_plan_release(&plan);
}

static void decode_needs_one_query(void **state)
{
    fixture *f = *state;
    tfb_attention_shape s = {1, 2, 2, 2, 8, 16};
    tfb_attention_io none = {0};
    tfb_attention_plan plan;
    tfb_error err = {{0}};
    assert_int_equal(tfb_decode_attention_plan(&f->ctx, &s, &none, 0, &plan, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "one query"));
    tfb_attention_plan_release(&plan);
}

/* FLOPs 4 n^2 d per head (half causal), 4 n d per head per decoded token; bytes Q, K, V, O once; naive adds the
 * score matrix four times (written, read + written by the softmax, read). */
static void accounting_formulas(void **state)
{
    (void)state;
    tfb_attention_shape prefill = {2, 8, 2, 1024, 1024, 64};
    double heads = 16.0, n = 1024.0, d = 64.0;
    assert_true(tfb_attention_flops(&prefill, 0) == 4.0 * n * n * d * heads);
    assert_true(tfb_attention_flops(&prefill, 1) == 2.0 * n * n * d * heads);
    double q_bytes = 4.0 * 2 * 8 * n * d, kv_bytes = 4.0 * 2 * 2 * n * d;
    assert_true(tfb_attention_min_bytes(&prefill) == 2 * q_bytes + 2 * kv_bytes);
    assert_true(tfb_attention_score_bytes(&prefill, 0) == 4.0 * n * n * heads);
    assert_true(tfb_attention_naive_bytes(&prefill, 0) == 2 * q_bytes + 2 * kv_bytes + 16.0 * n * n * heads);
    assert_true(tfb_attention_naive_bytes(&prefill, 1) == 2 * q_bytes + 2 * kv_bytes + 8.0 * n * n * heads);
    assert_true(tfb_attention_io_device_bytes(&prefill) == (uint64_t)(2 * q_bytes + 2 * kv_bytes));
    assert_true(tfb_attention_score_device_bytes(&prefill) == (uint64_t)(4.0 * n * n * heads));

    tfb_attention_shape decode = {4, 32, 8, 1, 8192, 128};
    assert_true(tfb_attention_flops(&decode, 0) == 4.0 * 8192 * 128 * 32 * 4);
    assert_true(tfb_attention_flops(&decode, 1) == tfb_attention_flops(&decode, 0));  /* one query sees all */
    double cache = 2.0 * 4 * 4 * 8 * 8192 * 128;
    assert_true(tfb_attention_min_bytes(&decode) == cache + 2.0 * 4 * 4 * 32 * 128);
    tfb_attention_shape mha = decode;
    mha.kv_heads = 32;
    assert_true(tfb_attention_min_bytes(&mha) - 2.0 * 4 * 4 * 32 * 128 == 4 * cache);  /* GQA-8 of 32: 4x less */

    char label[96];
    tfb_attention_label(&decode, 0, label, sizeof label);
    assert_string_equal(label, "b4-h32-kv8-n8192-d128");
    tfb_attention_label(&prefill, 1, label, sizeof label);
    assert_string_equal(label, "b2-h8-kv2-n1024-d64-causal");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accounting_formulas),
        cmocka_unit_test(axes_follow_model_and_overrides),
        cmocka_unit_test(lecture_worked_example),
        cmocka_unit_test(naive_matches_reference),
        cmocka_unit_test(flash_matches_reference),
        cmocka_unit_test(flash_tiles_and_head_dims),
        cmocka_unit_test(prefill_chunk_after_a_prefix),
        cmocka_unit_test(decode_matches_reference),
        cmocka_unit_test(decode_cache_formats),
        cmocka_unit_test(unwritten_output_fails_the_check),
        cmocka_unit_test(naive_too_big_is_a_skip),
        cmocka_unit_test(decode_needs_one_query),
    };
    return cmocka_run_group_tests(tests, open_device, close_device);
}
