/* gemv/gemm: every kernel variant verified on sizes that are no multiple of any tile, the tolerance, half rounding,
 * the tuning cache key and files, and packing. Runs on the default device (PoCL). */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "../suites/gemm/gemm_core.h"
#include "tfbench/fill.h"
#include "tfbench/tfbench.h"
#include "device_fixture.h"
#include "gemm_check.h"

/* The fixture's folder: a tuning cache of this test's own, removed afterwards. */
static int open_device(void **state)
{
    return fixture_open_cache(state, "gemm");
}

static int close_device(void **state)
{
    fixture_close_cache(*state);
    return 0;
}

static const size_t ODD[] = {1, 7, 127, 1000, 4097};

static void gemv_variants_on_odd_sizes(void **state)
{
    fixture *f = *state;
    gemm_config cfg = {.kind = GEMM_KIND_GEMV, .m = 1, .sets = 2, .seed = 5};
    gemm_params candidates[16];
    for (int half = 0; half <= 1; half++) {
        cfg.half = half;
        size_t count = gemm_candidates(&f->ctx.info, &cfg, candidates, 16);
        assert_true(count > 0);
        for (size_t c = 0; c < count; c++) {
            cfg.params = candidates[c];
            for (size_t i = 0; i < 5; i++) {
                cfg.n = ODD[i];
                cfg.k = ODD[4 - i];  /* pairs every extent with another: 1x4097, 7x1000, ..., 4097x1 */
                run_and_check(&f->ctx, &cfg);
            }
        }
    }
}

static void gemm_variants_on_odd_sizes(void **state)
{
    fixture *f = *state;
    static const size_t SHAPES[][3] = {{1, 7, 127}, {7, 127, 1000}, {127, 1000, 7}, {3, 4097, 127}, {1000, 7, 1},
                                       {9, 33, 300}};
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .sets = 1, .seed = 9};
    gemm_params candidates[16];
    for (int half = 0; half <= 1; half++) {
        cfg.half = half;
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
            cfg.m = SHAPES[i][0], cfg.n = SHAPES[i][1], cfg.k = SHAPES[i][2];
            size_t count = gemm_candidates(&f->ctx.info, &cfg, candidates, 16);
            for (size_t c = 0; c < count; c++) {
                cfg.params = candidates[c];
                run_and_check(&f->ctx, &cfg);
            }
        }
    }
}

/* The rotation: each set is a different matrix, and the output checked is the last set's. */
static void rotating_sets_and_k_blocks(void **state)
{
    fixture *f = *state;
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = 70, .n = 130, .k = 700, .sets = 3, .seed = 3,
                       .params = {32, 12, 96, 0, 0}};  /* K spans three 256-blocks, M a partial tile */
    run_and_check(&f->ctx, &cfg);
}

static void clblast_on_odd_sizes(void **state)
{
    fixture *f = *state;
    gemm_config gemv = {.kind = GEMM_KIND_GEMV, .impl = GEMM_IMPL_CLBLAST, .m = 1, .n = 127, .k = 1000, .sets = 2};
    gemm_config gemm = {.kind = GEMM_KIND_GEMM, .impl = GEMM_IMPL_CLBLAST, .m = 7, .n = 127, .k = 1000, .sets = 1};
    run_and_check(&f->ctx, &gemv);
    run_and_check(&f->ctx, &gemm);
}

/* A kernel that never ran leaves the poisoned output, which verification must reject. */
static void unwritten_output_fails(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    gemm_state *s = NULL;
    double worst;
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = 7, .n = 127, .k = 1000, .sets = 1, .params = {32, 8, 64, 0, 0}};
    assert_int_equal(gemm_prepare(&f->ctx, &cfg, &s, &err), TFB_OK);
    assert_int_equal(gemm_check(s, &worst, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "never written"));
    gemm_release(s);
}

static void tolerance_grows_with_k(void **state)
{
    double previous = 0.0;
    for (size_t i = 0; i < 5; i++) {
        double t = gemm_tolerance(ODD[i]);
        assert_true(t > previous);
        assert_true(t < 1e-3);  /* still catches a dropped term of ~1/K relative at K = 4097 */
        previous = t;
    }
    assert_true(gemm_tolerance(1) >= 5.96e-8);  /* at least one rounding */
}

static void half_rounding_matches_ieee(void **state)
{
    assert_true(gemm_round_to_half(1.0f) == 1.0f);
    assert_true(gemm_round_to_half(1.0f + 0x1p-11f) == 1.0f);                 /* tie -> even */
    assert_true(gemm_round_to_half(1.0f + 3 * 0x1p-11f) == 1.0f + 0x1p-9f);   /* tie -> even, upwards */
    assert_true(gemm_round_to_half(-0.7f) == -0.7001953125f);
    assert_true(gemm_round_to_half(65504.0f) == 65504.0f);
    assert_true(isinf(gemm_round_to_half(1e5f)));
    assert_true(gemm_round_to_half(0x1p-24f) == 0x1p-24f);                   /* smallest subnormal */
    assert_true(gemm_round_to_half(0x1p-26f) == 0.0f);
    assert_true(gemm_round_to_half(65519.0f) == 65504.0f);                   /* below the midpoint */
    assert_true(isinf(gemm_round_to_half(65520.0f)));                        /* the midpoint: to even = 2^16 */
    assert_true(gemm_round_to_half(3 * 0x1p-25f) == 0x1p-23f);               /* subnormal tie -> even */
    assert_true(gemm_round_to_half(0x1p-14f - 0x1p-30f) == 0x1p-14f);        /* the last subnormal step rounds up */
    /* against the definition, in double: 11 significant bits (steps of 2^-24 below 2^-14), ties to even */
    for (uint32_t i = 0; i < 200000; i++) {
        float x = ldexpf(tfb_hash_uniform(17, i, 1.0f, 2.0f), (int)(tfb_hash32(i) % 40) - 30);
        int exponent;
        frexp((double)x, &exponent);
        int quantum = exponent - 11 < -24 ? -24 : exponent - 11;
        double want = ldexp(nearbyint(ldexp((double)x, -quantum)), quantum);
        assert_true(gemm_round_to_half(x) == (float)want && gemm_round_to_half(-x) == -(float)want);
    }
}

static void cache_key_names_device_driver_version(void **state)
{
    fixture *f = *state;
    tfb_error err;
    char a[4096], b[4096], c[4096];
    gemm_config fp32 = {.kind = GEMM_KIND_GEMM, .m = 256, .n = 64, .k = 64};
    gemm_config fp16 = fp32, small = fp32;
    fp16.half = 1;
    small.m = 4;
    assert_int_equal(gemm_cache_path(&f->ctx.info, &fp32, a, sizeof a, &err), TFB_OK);
    assert_int_equal(gemm_cache_path(&f->ctx.info, &fp16, b, sizeof b, &err), TFB_OK);
    assert_int_equal(gemm_cache_path(&f->ctx.info, &small, c, sizeof c, &err), TFB_OK);
    assert_true(strncmp(a, f->dir, strlen(f->dir)) == 0);
    assert_true(strcmp(a, b) != 0 && strcmp(a, c) != 0);
    char version[16];
    snprintf(version, sizeof version, "-v%d-", GEMM_KERNEL_VERSION);
    assert_non_null(strstr(a, version));
    assert_null(strchr(a + strlen(f->dir) + 1, ' '));  /* sanitized: no spaces, no further folders */
    assert_null(strchr(a + strlen(f->dir) + 1, '/'));
}

/* f->dir followed by levels folders of 200 characters each. */
static size_t deep_dir(char *out, size_t size, const char *top, int levels)
{
    size_t used = (size_t)snprintf(out, size, "%s", top);
    for (int level = 0; level < levels && used + 202 < size; level++) {
        out[used++] = '/';
        memset(out + used, 'a' + level % 26, 200);
        used += 200;
        out[used] = '\0';
    }
    return used;
}

/* Issue 32: a TFB_CACHE_DIR over 2,047 characters was cut, and the cache went to the cut folder. Now a path that
   fits is used whole, and one that does not is refused with a message. */
static void long_cache_dir_is_used_whole_or_refused(void **state)
{
    fixture *f = *state;
    tfb_error err;
    char dir[8192], path[4096];
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = 256, .n = 64, .k = 64};
    size_t length = deep_dir(dir, sizeof dir, f->dir, 14);
    assert_true(length > 2048 && length < 3600);
    setenv("TFB_CACHE_DIR", dir, 1);
    int rc = gemm_cache_path(&f->ctx.info, &cfg, path, sizeof path, &err);
    for (size_t end = length; end > strlen(f->dir); end -= 201) {  /* the folders it made, deepest first */
        dir[end] = '\0';
        rmdir(dir);
    }
    deep_dir(dir, sizeof dir, f->dir, 14);
    assert_int_equal(rc, TFB_OK);
    assert_true(strncmp(path, dir, length) == 0 && path[length] == '/');
    length = deep_dir(dir, sizeof dir, f->dir, 25);
    assert_true(length > 4096);
    setenv("TFB_CACHE_DIR", dir, 1);
    assert_int_equal(gemm_cache_path(&f->ctx.info, &cfg, path, sizeof path, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "the tuning cache folder's path is"));
    assert_non_null(strstr(err.message, "over the limit of 4095"));
    setenv("TFB_CACHE_DIR", f->dir, 1);
}

static void tuning_is_cached_and_bad_files_ignored(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = 100, .n = 100, .k = 100, .sets = 1, .seed = 1};
    gemm_params first, second, third;
    char source[16], path[4096];
    assert_int_equal(gemm_cache_path(&f->ctx.info, &cfg, path, sizeof path, &err), TFB_OK);
    unlink(path);
    assert_int_equal(gemm_tuned_params(&f->ctx, &cfg, &first, source, sizeof source, &err), TFB_OK);
    assert_string_equal(source, "search");
    assert_true(gemm_params_valid(&cfg, &first));
    assert_int_equal(gemm_tuned_params(&f->ctx, &cfg, &second, source, sizeof source, &err), TFB_OK);
    assert_string_equal(source, "cache");
    assert_memory_equal(&first, &second, sizeof first);
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fputs("{\"params\": {\"tn\": 17}}", file);  /* invalid and keyless: must be ignored, then rewritten */
    fclose(file);
    assert_int_equal(gemm_tuned_params(&f->ctx, &cfg, &third, source, sizeof source, &err), TFB_OK);
    assert_string_equal(source, "search");
    unlink(path);
}

/* A test-sized problem has a cache entry of its own: its tuning must not decide for a model's shapes. */
static void small_problems_have_their_own_tuning(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    gemm_config small = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 1000, .k = 777, .sets = 1, .seed = 1};
    gemm_config model = small, wide = small;
    model.n = model.k = GEMM_TUNE_CACHE_MIN_DIM;
    wide.n = 4 * GEMM_TUNE_CACHE_MIN_DIM;  /* still short in K */
    char a[4096], b[4096], c[4096];
    assert_int_equal(gemm_cache_path(&f->ctx.info, &small, a, sizeof a, &err), TFB_OK);
    assert_int_equal(gemm_cache_path(&f->ctx.info, &model, b, sizeof b, &err), TFB_OK);
    assert_int_equal(gemm_cache_path(&f->ctx.info, &wide, c, sizeof c, &err), TFB_OK);
    assert_non_null(strstr(strrchr(a, '/'), "-small-"));
    assert_null(strstr(strrchr(b, '/'), "-small-"));
    assert_string_equal(a, c);
    assert_true(strcmp(a, b) != 0);
}

static void packed_weights_are_padded_to_panels(void **state)
{
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .n = 1000, .k = 7, .params = {48, 8, 64, 0, 0}};
    assert_int_equal(gemm_weight_bytes(&cfg), 21 * 48 * 7 * sizeof(float));  /* ceil(1000 / 48) = 21 panels */
    cfg.half = 1;
    assert_int_equal(gemm_weight_bytes(&cfg), 21 * 48 * 7 * 2);
    cfg.impl = GEMM_IMPL_CLBLAST;
    cfg.half = 0;
    assert_int_equal(gemm_weight_bytes(&cfg), 1000 * 7 * sizeof(float));    /* CLBlast: row-major, unpadded */
}

/* Packed `bytes` of cfg's matrix made by gemm_pack_grid through a staging buffer of `staging_rows` rows. */
static void *pack_through_staging(tfb_context *ctx, const gemm_config *cfg, const tfb_grid_spec *grid,
                                  size_t staging_rows, size_t bytes)
{
    tfb_error err = {{0}};
    cl_mem staging, packed;
    double seconds;
    void *host = malloc(bytes);
    assert_non_null(host);
    assert_int_equal(tfb_buffer_create(ctx, CL_MEM_READ_WRITE, staging_rows * cfg->k * sizeof(float), NULL, &staging,
                                       &err), TFB_OK);
    assert_int_equal(tfb_buffer_create(ctx, CL_MEM_READ_WRITE, bytes, NULL, &packed, &err), TFB_OK);
    assert_int_equal(gemm_pack_grid(ctx, cfg, grid, staging, staging_rows, packed, &seconds, &err), TFB_OK);
    assert_int_equal(tfb_buffer_read(ctx, packed, bytes, host, &err), TFB_OK);
    tfb_buffer_release(&staging);
    tfb_buffer_release(&packed);
    return host;
}

/* Weights made and packed a few panels at a time hold, bit for bit, what one fill of the whole row-major matrix
 * packed at once holds: one panel per round, three, and all of them (the last panel partial, zero-padded), fp32 and
 * fp16, and a staging buffer smaller than one panel is refused. */
static void panel_staging_packs_what_a_full_copy_packs(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    gemm_config cfg = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 300, .k = 37, .params = {32, 0, 0, 4, 2}};
    tfb_grid_spec grid = {77u, -0.75f, 1.25f, 21};
    cl_mem rows, packed;
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, cfg.n * cfg.k * sizeof(float), NULL, &rows, &err),
                     TFB_OK);
    assert_int_equal(tfb_device_fill_grid(&f->ctx, rows, cfg.n * cfg.k, grid.seed, grid.lo, grid.hi, grid.bits, &err),
                     TFB_OK);
    for (int half = 0; half <= 1; half++) {
        cfg.half = half;
        size_t bytes = gemm_weight_bytes(&cfg);
        double seconds;
        void *whole = malloc(bytes);
        assert_non_null(whole);
        assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, bytes, NULL, &packed, &err), TFB_OK);
        assert_int_equal(gemm_pack(&f->ctx, &cfg, rows, packed, &seconds, &err), TFB_OK);
        assert_int_equal(tfb_buffer_read(&f->ctx, packed, bytes, whole, &err), TFB_OK);
        const size_t staging_rows[] = {32, 3 * 32 + 5, 320};
        for (size_t i = 0; i < sizeof staging_rows / sizeof *staging_rows; i++) {
            void *panels = pack_through_staging(&f->ctx, &cfg, &grid, staging_rows[i], bytes);
            assert_memory_equal(panels, whole, bytes);
            free(panels);
        }
        assert_int_equal(gemm_pack_grid(&f->ctx, &cfg, &grid, rows, 31, packed, &seconds, &err), TFB_ERROR);
        assert_non_null(strstr(err.message, "holds no panel"));
        tfb_buffer_release(&packed);
        free(whole);
    }
    tfb_buffer_release(&rows);
}

static void pack_time_is_reported(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    gemm_state *s = NULL;
    gemm_config cfg = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 300, .k = 300, .sets = 2,
                       .params = {16, 0, 0, 4, 2}};
    assert_int_equal(gemm_prepare(&f->ctx, &cfg, &s, &err), TFB_OK);
    assert_true(gemm_pack_seconds(s) > 0.0);
    assert_true(gemm_working_set_bytes(s) >= 2 * 300 * 304 * sizeof(float));
    gemm_release(s);
}

static void shape_parsing(void **state)
{
    tfb_error err;
    size_t m, n, k;
    assert_int_equal(tfb_parse_shape("1x4096x11008", &m, &n, &k, &err), TFB_OK);
    assert_true(m == 1 && n == 4096 && k == 11008);
    const char *bad[] = {"", "4096", "1x2", "1x2x", "0x2x3", "1x-2x3", "1x2x3x4", "axbxc", "1 x2x3"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        assert_int_equal(tfb_parse_shape(bad[i], &m, &n, &k, &err), TFB_ERROR);
        assert_non_null(strstr(err.message, "MxNxK"));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemv_variants_on_odd_sizes),
        cmocka_unit_test(gemm_variants_on_odd_sizes),
        cmocka_unit_test(rotating_sets_and_k_blocks),
        cmocka_unit_test(clblast_on_odd_sizes),
        cmocka_unit_test(unwritten_output_fails),
        cmocka_unit_test(tolerance_grows_with_k),
        cmocka_unit_test(half_rounding_matches_ieee),
        cmocka_unit_test(cache_key_names_device_driver_version),
        cmocka_unit_test(long_cache_dir_is_used_whole_or_refused),
        cmocka_unit_test(tuning_is_cached_and_bad_files_ignored),
        cmocka_unit_test(small_problems_have_their_own_tuning),
        cmocka_unit_test(packed_weights_are_padded_to_panels),
        cmocka_unit_test(panel_staging_packs_what_a_full_copy_packs),
        cmocka_unit_test(pack_time_is_reported),
        cmocka_unit_test(shape_parsing),
    };
    return cmocka_run_group_tests(tests, open_device, close_device);
}
