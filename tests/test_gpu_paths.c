/* The kernel shapes chosen for GPUs, from a synthetic H200 (132 compute units, 60 MB of L2, 141 GB of memory, a
 * quarter of it per allocation, no cl_khr_fp16) with 228 KiB of local memory and with the 48 KiB NVIDIA's OpenCL
 * reports per work-group: the selection functions' answers, and every GPU-shaped kernel they can choose run on the
 * default device (PoCL) against the float64 reference, so the GPU paths are verified without a GPU. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "../suites/gemm/gemm_core.h"
#include "tfbench/attention.h"
#include "tfbench/tfbench.h"
#include "device_fixture.h"
#include "gemm_check.h"

#define H200_UNITS 132u
#define H200_L2 (60ull << 20)
#define H200_MEMORY 150754820096ull   /* 143771 MiB, what nvidia-smi showed on the lent H200 */

static tfb_device_info h200(uint64_t local_bytes)
{
    tfb_device_info d = {.compute_units = H200_UNITS, .clock_mhz = 1980, .global_mem_bytes = H200_MEMORY,
                         .max_alloc_bytes = H200_MEMORY / 4, .local_mem_bytes = local_bytes,
                         .global_cache_bytes = H200_L2, .max_work_group_size = 1024, .fp64 = 1, .fp16 = 0,
                         .is_cpu = 0, .gpu_kernels = 1};
    snprintf(d.name, sizeof d.name, "NVIDIA H200");
    snprintf(d.type, sizeof d.type, "GPU");
    return d;
}

static const uint64_t LOCAL_SIZES[] = {228u << 10, 48u << 10};

static int open_device(void **state)
{
    return fixture_open_cache(state, "gpu");
}

static int close_device(void **state)
{
    fixture_close_cache(*state);
    return 0;
}

/* ---- GEMV and GEMM ---- */

static size_t gpu_candidates(const tfb_device_info *d, const gemm_config *cfg, gemm_params *out)
{
    size_t count = gemm_candidates(d, cfg, out, 16);
    assert_true(count > 0);
    for (size_t i = 0; i < count; i++) {
        assert_true(gemm_params_valid(cfg, &out[i]));
        assert_true(gemm_group_items(cfg, &out[i]) <= d->max_work_group_size);
        assert_true(gemm_local_bytes(cfg, &out[i]) <= d->local_mem_bytes);
    }
    return count;
}

/* GEMV and batches up to 8: one work-group per panel with a reduction (its rows the batch class); larger batches:
 * local-memory tiles with a register block of at least 4 x 4 per work-item. */
static void gemm_layouts_follow_the_batch(void **state)
{
    static const size_t BATCHES[] = {1, 2, 3, 8, 9, 32, 128, 512, 2048};
    for (size_t l = 0; l < 2; l++) {
        tfb_device_info d = h200(LOCAL_SIZES[l]);
        gemm_params p[16];
        gemm_config gemv = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 4096, .k = 4096};
        for (size_t i = 0, count = gpu_candidates(&d, &gemv, p); i < count; i++)
            assert_true(p[i].layout == GEMM_LAYOUT_GROUP && p[i].tm == 1 && p[i].wg >= 64);
        for (size_t b = 0; b < sizeof BATCHES / sizeof *BATCHES; b++) {
            gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = BATCHES[b], .n = 4096, .k = 4096};
            size_t count = gpu_candidates(&d, &cfg, p), blocked = 0;
            for (size_t i = 0; i < count; i++) {
                assert_int_equal(p[i].layout, BATCHES[b] <= 8 ? GEMM_LAYOUT_GROUP : GEMM_LAYOUT_TILED);
                if (p[i].layout == GEMM_LAYOUT_GROUP) assert_true(p[i].tm >= BATCHES[b] && p[i].tm <= 8);
                blocked += p[i].layout == GEMM_LAYOUT_TILED && p[i].tm * p[i].wn >= 16;
            }
            if (BATCHES[b] > 8) assert_true(blocked >= 3);
        }
    }
}

/* A device with little local memory and small work-groups gets only what fits, and the CPU keeps its layout. */
static void gemm_candidates_respect_the_device(void **state)
{
    tfb_device_info small = h200(16u << 10);
    small.max_work_group_size = 128;
    gemm_params p[16];
    gemm_config gemv = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 4096, .k = 4096};
    gemm_config big = {.kind = GEMM_KIND_GEMM, .m = 512, .n = 4096, .k = 4096};
    size_t count = gpu_candidates(&small, &gemv, p);
    for (size_t i = 0; i < count; i++) assert_true(p[i].wg <= 128);
    count = gemm_candidates(&small, &big, p, 16);
    for (size_t i = 0; i < count; i++) assert_true(gemm_group_items(&big, &p[i]) <= 128);
    tfb_device_info cpu = h200(48u << 10);
    cpu.is_cpu = 1, cpu.gpu_kernels = 0;
    count = gemm_candidates(&cpu, &big, p, 16);
    size_t prefetching = 0;  /* each CPU tile with and without the prefetch of the next K block */
    for (size_t i = 0; i < count; i++) {
        assert_int_equal(p[i].layout, GEMM_LAYOUT_ITEM);
        prefetching += p[i].prefetch == 2;
    }
    assert_int_equal(2 * prefetching, count);
}

/* Every GPU candidate of the H200 on the default device, fp32 and fp16 weights, on extents no tile divides. */
static void gpu_gemm_kernels_match_the_reference(void **state)
{
    fixture *f = *state;
    static const size_t SHAPES[][3] = {{1, 1000, 777}, {1, 33, 4097}, {3, 127, 300}, {8, 70, 129},
                                       {9, 130, 77}, {70, 200, 300}, {130, 33, 17}};
    tfb_device_info d = h200(48u << 10);
    gemm_params p[16];
    for (int half = 0; half <= 1; half++)
        for (size_t i = 0; i < sizeof SHAPES / sizeof *SHAPES; i++) {
            gemm_config cfg = {.kind = SHAPES[i][0] == 1 ? GEMM_KIND_GEMV : GEMM_KIND_GEMM, .half = half,
                               .m = SHAPES[i][0], .n = SHAPES[i][1], .k = SHAPES[i][2], .sets = 2, .seed = 11};
            for (size_t c = 0, count = gpu_candidates(&d, &cfg, p); c < count; c++) {
                cfg.params = p[c];
                run_and_check(&f->ctx, &cfg);
            }
        }
}

/* GPU tunings have their own cache files; a CPU file written before the GPU layouts (no layout fields) is still
 * used, and a file naming a GPU layout is never taken for a CPU device. */
static void tuning_caches_keep_cpu_and_gpu_apart(void **state)
{
    fixture *f = *state;
    tfb_error err = {{0}};
    tfb_device_info gpu = f->ctx.info;
    gpu.gpu_kernels = 1;
    gemm_config cfg = {.kind = GEMM_KIND_GEMM, .m = 100, .n = 100, .k = 100, .sets = 1, .seed = 1};
    char cpu_path[4096], gpu_path[4096], text[1024], source[16];
    gemm_params p;
    assert_int_equal(gemm_cache_path(&f->ctx.info, &cfg, cpu_path, sizeof cpu_path, &err), TFB_OK);
    assert_int_equal(gemm_cache_path(&gpu, &cfg, gpu_path, sizeof gpu_path, &err), TFB_OK);
    assert_non_null(strstr(strrchr(gpu_path, '/'), "-gpu-"));
    assert_null(strstr(strrchr(cpu_path, '/'), "-gpu-"));
    const char *format = "{\"device\": \"%s\", \"driver\": \"%s\", \"kernel_version\": %d, \"params\": %s}";
    snprintf(text, sizeof text, format, f->ctx.info.name, f->ctx.info.driver, GEMM_KERNEL_VERSION,
             "{\"tn\": 32, \"tm\": 8, \"mb\": 64, \"wg\": 0, \"streams\": 0, \"prefetch\": 0}");
    fixture_write_text(cpu_path, text);
    assert_int_equal(gemm_tuned_params(&f->ctx, &cfg, &p, source, sizeof source, &err), TFB_OK);
    assert_string_equal(source, "cache");
    assert_true(p.tn == 32 && p.tm == 8 && p.mb == 64 && p.layout == GEMM_LAYOUT_ITEM);
    snprintf(text, sizeof text, format, f->ctx.info.name, f->ctx.info.driver, GEMM_KERNEL_VERSION,
             "{\"tn\": 64, \"tm\": 4, \"mb\": 64, \"wg\": 0, \"streams\": 0, \"prefetch\": 0, "
             "\"layout\": 2, \"tk\": 16, \"wn\": 4}");
    fixture_write_text(cpu_path, text);
    assert_int_equal(gemm_tuned_params(&f->ctx, &cfg, &p, source, sizeof source, &err), TFB_OK);
    assert_string_equal(source, "search");
    assert_int_equal(p.layout, GEMM_LAYOUT_ITEM);
    unlink(cpu_path);
}

/* Buffers within the allocation limit: Llama 3 405B's FFN matrix (3.5 GB fp32) fits a quarter of the H200, a
 * 16 x 2^30-float matrix (64 GiB) is a skip that names the limit. */
static void buffers_stay_within_the_allocation_limit(void **state)
{
    tfb_context ctx;
    memset(&ctx, 0, sizeof ctx);
    ctx.info = h200(48u << 10);
    tfb_error err = {{0}};
    gemm_config ffn = {.kind = GEMM_KIND_GEMM, .m = 512, .n = 53248, .k = 16384, .sets = 1};
    assert_int_equal(gemm_fits(&ctx, &ffn, &err), TFB_OK);
    gemm_config huge = {.kind = GEMM_KIND_GEMV, .m = 1, .n = 16, .k = 1ull << 30, .sets = 1};
    assert_int_equal(gemm_fits(&ctx, &huge, &err), TFB_SKIP);
    assert_non_null(strstr(err.message, "per allocation"));
}

/* ---- stream sizing ---- */

/* The working set is at least 4x the L2 whether the driver reports the 60 MB L2 or (as NVIDIA's OpenCL does) the
 * L1s, and fits the usable memory; each of a triad's arrays stays within one allocation. */
static void stream_sizes_leave_the_l2_behind(void **state)
{
    static const uint64_t REPORTED[] = {H200_L2, 132ull * 32 << 10};
    tfb_host_info host;
    memset(&host, 0, sizeof host);
    for (size_t i = 0; i < 2; i++) {
        tfb_device_info d = h200(48u << 10);
        d.global_cache_bytes = REPORTED[i];
        tfb_memory_view view = tfb_run_memory_view(&d, &host);
        tfb_sizing sizing;
        tfb_sizing_decide(&view, &sizing);
        assert_int_equal(sizing.rule, TFB_OOC_GPU_CACHE);
        assert_true(sizing.target_bytes >= 4 * H200_L2);
        assert_true(sizing.target_bytes <= sizing.usable_bytes);
        assert_true(sizing.target_bytes / 3 <= d.max_alloc_bytes);
        assert_true(tfb_sizing_out_of_cache(&sizing, sizing.target_bytes));
        assert_false(tfb_sizing_out_of_cache(&sizing, 2 * H200_L2));
    }
}

/* ---- flash attention ---- */

/* The largest K/V tile local memory holds (keys a multiple of 16, at most 128) comes first: 32 keys at d = 128 in
 * 48 KiB, 128 keys in 228 KiB; every tile fits. */
static void flash_tiles_fill_local_memory(void **state)
{
    static const size_t DIMS[] = {64, 128, 256};
    static const unsigned FIRST_KEYS[2][3] = {{128, 128, 112}, {80, 32, 16}};
    for (size_t l = 0; l < 2; l++) {
        tfb_device_info d = h200(LOCAL_SIZES[l]);
        for (size_t i = 0; i < 3; i++) {
            tfb_flash_tile t[16];
            size_t count = tfb_flash_tiles(&d, DIMS[i], t, 16);
            assert_true(count > 0);
            assert_int_equal(t[0].keys, FIRST_KEYS[l][i]);
            for (size_t c = 0; c < count; c++) {
                assert_true(2ull * t[c].keys * DIMS[i] * sizeof(float) <= d.local_mem_bytes);
                assert_true(t[c].keys % 16 == 0 && t[c].wg <= d.max_work_group_size && t[c].rows <= 2);
            }
        }
    }
    tfb_device_info tiny = h200(8u << 10);
    tfb_flash_tile t[16];
    assert_int_equal(tfb_flash_tiles(&tiny, 128, t, 16), 0);  /* not even 16 keys: the suite reports a skip */
}

static void check_plan(fixture *f, const tfb_attention_shape *s, int causal, const tfb_flash_tile *tile, int decode)
{
    tfb_error err = {{0}};
    tfb_attention_inputs in = tfb_attention_inputs_for(7);
    tfb_attention_io io = {0};
    tfb_attention_plan plan;
    double worst = 0.0;
    char what[160];
    tfb_attention_label(s, causal, what, sizeof what);
    assert_int_equal(tfb_attention_io_create(&f->ctx, s, &in, &io, &err), TFB_OK);
    int rc = decode ? tfb_decode_attention_plan(&f->ctx, s, &io, 0, &plan, &err)
                    : tfb_flash_attention_plan(&f->ctx, s, causal, &io, tile, &plan, &err);
    if (rc == TFB_OK) rc = tfb_attention_plan_run(&f->ctx, &plan, &err);
    if (rc == TFB_OK)
        rc = tfb_attention_io_check(&f->ctx, what, s, causal, &in, &io, &worst, &err);
    if (rc != TFB_OK) fail_msg("%s %s: %s", decode ? "decode" : "flash", what, err.message);
    assert_true(worst <= 1.0);
    tfb_attention_plan_release(&plan);
    tfb_attention_io_release(&io);
}

/* Every H200 flash tile (both local sizes) on the default device, at lengths that leave partial tiles. */
static void gpu_flash_tiles_match_the_reference(void **state)
{
    static const size_t DIMS[] = {64, 128};
    for (size_t l = 0; l < 2; l++) {
        tfb_device_info d = h200(LOCAL_SIZES[l]);
        for (size_t i = 0; i < 2; i++) {
            tfb_flash_tile t[16];
            size_t count = tfb_flash_tiles(&d, DIMS[i], t, 16);
            for (size_t c = 0; c < count; c++) {
                tfb_attention_shape s = {1, 2, 1, 301, 301, DIMS[i]};
                check_plan(*state, &s, (int)(c % 2), &t[c], 0);
            }
        }
    }
}

/* ---- decode ---- */

/* The default decode sweep (b4, 32 heads, n 8192, d 128): MHA and GQA-8 put at least 2 work-groups on each of the
 * 132 compute units; MQA has only 2048 blocks of 16 keys, and takes one per work-item. CPUs keep long splits. */
static void decode_splits_fill_every_compute_unit(void **state)
{
    tfb_device_info d = h200(48u << 10);
    static const size_t KV[] = {32, 8, 1};
    for (size_t i = 0; i < 3; i++) {
        tfb_attention_shape s = {4, 32, KV[i], 1, 8192, 128};
        tfb_decode_split split = tfb_decode_geometry(&d, &s);
        size_t splits = (s.n_kv + split.chunk - 1) / split.chunk, items = splits * s.batch * s.kv_heads;
        assert_int_equal(split.group, 32);
        assert_true(split.chunk % 16 == 0);
        if (KV[i] > 1) assert_true(items / split.group >= 2 * H200_UNITS);
        else assert_int_equal(split.chunk, 16);
    }
    tfb_device_info cpu = d;
    cpu.is_cpu = 1, cpu.gpu_kernels = 0, cpu.compute_units = 2;
    tfb_attention_shape s = {4, 32, 8, 1, 8192, 128};
    tfb_decode_split split = tfb_decode_geometry(&cpu, &s);
    assert_true(split.chunk >= 256 && split.group == 4);
}

/* The GPU geometry (short splits, groups of 32, no prefetch) on the default device: its kernels forced onto the
 * GPU shapes for the test, MHA/GQA/MQA at odd lengths. */
static void gpu_decode_matches_the_reference(void **state)
{
    fixture *f = *state;
    static const size_t KV[] = {8, 2, 1}, LENGTHS[] = {1, 127, 1000};
    int saved = f->ctx.info.gpu_kernels;
    f->ctx.info.gpu_kernels = 1;
    for (size_t i = 0; i < 3; i++)
        for (size_t n = 0; n < 3; n++) {
            tfb_attention_shape s = {2, 8, KV[i], 1, LENGTHS[n], 64};
            check_plan(f, &s, 0, NULL, 1);
        }
    f->ctx.info.gpu_kernels = saved;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gemm_layouts_follow_the_batch),
        cmocka_unit_test(gemm_candidates_respect_the_device),
        cmocka_unit_test(gpu_gemm_kernels_match_the_reference),
        cmocka_unit_test(tuning_caches_keep_cpu_and_gpu_apart),
        cmocka_unit_test(buffers_stay_within_the_allocation_limit),
        cmocka_unit_test(stream_sizes_leave_the_l2_behind),
        cmocka_unit_test(flash_tiles_fill_local_memory),
        cmocka_unit_test(gpu_flash_tiles_match_the_reference),
        cmocka_unit_test(decode_splits_fill_every_compute_unit),
        cmocka_unit_test(gpu_decode_matches_the_reference),
    };
    return cmocka_run_group_tests(tests, open_device, close_device);
}
