/* The out-of-cache sizing rules on synthetic devices, and the roof each kind of traffic is judged against. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/results.h"
#include "tfbench/sizing.h"

#define MIB (1024ull * 1024)
#define GIB (1024 * MIB)

static tfb_memory_view cpu(uint64_t llc, uint64_t global, uint64_t max_alloc)
{
    return (tfb_memory_view){1, llc, "L3 (hwloc)", global, max_alloc};
}

/* The machine of the report: hwloc says 480 MiB of L3, PoCL said 3.79 GB of global memory at one moment and
 * 5.03 GB minutes later. 3/4 of either holds 4 x 480 MiB, so the figure no longer depends on the moment. */
static void a_huge_llc_is_reached_whatever_the_moment(void **state)
{
    (void)state;
    const uint64_t moments[] = {3790000000ull, 5030000000ull};
    for (size_t i = 0; i < 2; i++) {
        tfb_memory_view view = cpu(480 * MIB, moments[i], i ? 2 * GIB : GIB);
        tfb_sizing s;
        tfb_sizing_decide(&view, &s);
        assert_int_equal(s.rule, TFB_OOC_4X_LLC);
        assert_int_equal(s.needed_bytes, 1920 * MIB);
        assert_int_equal(s.target_bytes, 1920 * MIB);
        assert_int_equal(s.usable_bytes, moments[i] / 4 * 3);
        assert_true(tfb_sizing_out_of_cache(&s, 1920 * MIB));
        assert_false(tfb_sizing_out_of_cache(&s, 1919 * MIB));
    }
}

/* A small reported cache is raised to the floor: VMs report L3s far from the measured plateau. */
static void a_small_llc_is_raised_to_the_floor(void **state)
{
    (void)state;
    tfb_memory_view view = cpu(32 * MIB, 4 * GIB, GIB);
    tfb_sizing s;
    tfb_sizing_decide(&view, &s);
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    assert_int_equal(s.needed_bytes, TFB_SIZING_FLOOR);
    char text[512];
    tfb_sizing_describe(&s, text, sizeof text);
    assert_non_null(strstr(text, "floor"));
}

static void a_gpu_uses_its_global_cache(void **state)
{
    (void)state;
    tfb_memory_view view = {0, 256 * MIB, "global memory cache", 141ull * 1000000000ull, 35ull * GIB};
    tfb_sizing s;
    tfb_sizing_decide(&view, &s);
    assert_int_equal(s.rule, TFB_OOC_GPU_CACHE);
    assert_int_equal(s.needed_bytes, GIB);
    assert_string_equal(tfb_ooc_rule_name(s.rule), "gpu_cache");
}

/* 4 x 1 GiB out of reach: the largest reachable size counts only once the half-size check agreed. */
static void out_of_reach_needs_the_plateau_check(void **state)
{
    (void)state;
    tfb_memory_view view = cpu(GIB, 3 * GIB, GIB);
    tfb_sizing s;
    tfb_sizing_decide(&view, &s);
    assert_int_equal(s.rule, TFB_OOC_PLATEAU_CHECK);
    assert_int_equal(s.target_bytes, 2304 * MIB);
    assert_false(tfb_sizing_out_of_cache(&s, 2304 * MIB));
    char why[512];
    tfb_sizing_why_missing(&s, why, sizeof why);
    assert_non_null(strstr(why, "needs 4 GiB"));
    assert_non_null(strstr(why, "allows 2.25 GiB"));
    tfb_sizing_record_plateau(&s, 1152 * MIB, 30.0, 33.0);  /* half 10% faster: still in a cache */
    assert_false(tfb_sizing_out_of_cache(&s, 2304 * MIB));
    tfb_sizing_why_missing(&s, why, sizeof why);
    assert_non_null(strstr(why, "30.0 vs 33.0"));
    tfb_sizing_record_plateau(&s, 1152 * MIB, 30.0, 31.2);
    assert_true(tfb_sizing_out_of_cache(&s, 1152 * MIB));
    assert_false(tfb_sizing_out_of_cache(&s, 1151 * MIB));
}

static void the_plateau_check_is_one_sided(void **state)
{
    (void)state;
    assert_true(tfb_plateau_agrees(30.0, 31.5));   /* 5% faster at half the size: the plateau */
    assert_false(tfb_plateau_agrees(30.0, 31.6));
    assert_true(tfb_plateau_agrees(30.0, 20.0));   /* slower at half the size: noise, not a cache */
    assert_false(tfb_plateau_agrees(0.0, 20.0));
}

/* A small allocation limit: more copies rotate, within the usable memory and the suite's limit. */
static void sets_respect_target_memory_and_limit(void **state)
{
    (void)state;
    tfb_memory_view view = cpu(480 * MIB, 4 * GIB, 256 * MIB);
    tfb_sizing s;
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_sets(&s, 100 * MIB, 64), 20);  /* 1920 MiB / 100 MiB, rounded up */
    assert_int_equal(tfb_sizing_sets(&s, 100 * MIB, 8), 8);
    assert_int_equal(tfb_sizing_sets(&s, 2 * GIB, 8), 1);      /* bigger than usable: one copy */
    assert_int_equal(tfb_sizing_sets(&s, 0, 8), 1);
    s.target_bytes = s.usable_bytes = 1000 * MIB;
    assert_int_equal(tfb_sizing_sets(&s, 300 * MIB, 8), 3);    /* 4 would not fit */
}

static tfb_ceilings ceilings(double read, double read_write, double peak)
{
    tfb_ceilings c;
    memset(&c, 0, sizeof c);
    c.bandwidth_read_gbps = read;
    c.bandwidth_gbps = read_write;
    c.peak_gflops_fp32 = peak;
    return c;
}

static void traffic_picks_its_roof(void **state)
{
    (void)state;
    tfb_ceilings c = ceilings(40.0, 30.0, 400.0);
    const char *kind = NULL;
    /* GEMV: 1 MB read, 4 KB written: the read roof */
    assert_true(tfb_roofline_for(&c, "fp32", 0.5, 1e6, 4e3, &kind) == 20.0);
    assert_string_equal(kind, "read");
    /* triad-like: a third written: the read-write roof */
    assert_true(tfb_roofline_for(&c, "fp32", 0.5, 3e6, 1e6, &kind) == 15.0);
    assert_string_equal(kind, "read_write");
    /* a suite that does not say: read-write */
    assert_true(tfb_roofline_for(&c, "fp32", 0.5, 3e6, -1.0, &kind) == 15.0);
    /* above the ridge: the peak */
    assert_true(tfb_roofline_for(&c, "fp32", 100.0, 1e6, 0.0, &kind) == 400.0);
    /* no read ceiling: the read-write roof stands in */
    c.bandwidth_read_gbps = 0;
    assert_true(tfb_roofline_for(&c, "fp32", 0.5, 1e6, 0.0, &kind) == 15.0);
    assert_string_equal(kind, "read_write");
    /* one part missing: the other alone */
    c = ceilings(0, 30.0, 0);
    assert_true(tfb_roofline_for(&c, "fp32", 2.0, 1e6, 0.0, &kind) == 60.0);
    c = ceilings(0, 0, 400.0);
    assert_true(tfb_roofline_for(&c, "fp32", 2.0, 1e6, 0.0, &kind) == 400.0);
    assert_null(kind);
    assert_true(tfb_roofline_for(&c, "fp32", 0.0, 1e6, 0.0, &kind) == 0.0);
}

static void ceilings_keep_the_best_of_each_traffic(void **state)
{
    (void)state;
    tfb_ceilings c = ceilings(0, 0, 300.0);
    tfb_ceilings_offer_bandwidth(&c, 0, 28.0, "stream/tfbench/triad-float4/fp32");
    tfb_ceilings_offer_bandwidth(&c, 0, 27.0, "stream/tfbench/copy-float4/fp32");
    tfb_ceilings_offer_bandwidth(&c, 1, 30.0, "stream/tfbench/read-float16/fp32");
    tfb_ceilings_derive(&c);
    assert_true(c.bandwidth_gbps == 28.0 && c.bandwidth_read_gbps == 30.0);
    assert_string_equal(c.bandwidth_source, "stream/tfbench/triad-float4/fp32");
    assert_string_equal(c.bandwidth_read_source, "stream/tfbench/read-float16/fp32");
    assert_true(fabs(c.ridge_fp32 - 300.0 / 28.0) < 1e-12 && fabs(c.ridge_read_fp32 - 10.0) < 1e-12);
}

/* The ladder's rungs: the floor, doubling while below 4x the cache, then 4x the cache; none when there is
 * nothing to lower (4x at the floor) or the plateau rule decides. */
static void the_ladder_climbs_from_the_floor_to_4x(void **state)
{
    (void)state;
    uint64_t rungs[TFB_LADDER_MAX];
    tfb_sizing s;
    tfb_memory_view view = cpu(480 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_ladder(&s, rungs, TFB_LADDER_MAX), 3);
    assert_int_equal(rungs[0], 512 * MIB);
    assert_int_equal(rungs[1], GIB);
    assert_int_equal(rungs[2], 1920 * MIB);
    view = cpu(256 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_ladder(&s, rungs, TFB_LADDER_MAX), 2);
    assert_int_equal(rungs[1], GIB);
    view = cpu(32 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_ladder(&s, rungs, TFB_LADDER_MAX), 0);
    view = cpu(GIB, 4 * GIB, GIB);
    tfb_sizing_decide(&view, &s);
    assert_int_equal(s.rule, TFB_OOC_PLATEAU_CHECK);
    assert_int_equal(tfb_sizing_ladder(&s, rungs, TFB_LADDER_MAX), 0);
    view = cpu(64ull * GIB, 512 * GIB, 512 * GIB);  /* 4x 64 GiB: more rungs than room, the top one kept */
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_ladder(&s, rungs, 4), 4);
    assert_int_equal(rungs[2], 2 * GIB);
    assert_int_equal(rungs[3], 256 * GIB);
}

static tfb_sizing ladder_of(const double gbps[3])
{
    tfb_memory_view view = cpu(480 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing s;
    tfb_sizing_decide(&view, &s);
    tfb_ladder_point points[3] = {{512 * MIB, gbps[0]}, {GIB, gbps[1]}, {1920 * MIB, gbps[2]}};
    tfb_sizing_apply_ladder(&s, points, 3);
    return s;
}

/* This VM: hwloc says 480 MiB, the reads say DRAM from 512 MiB (33.3, 33.4, 32.6 GB/s measured). */
static void a_measured_plateau_lowers_the_working_sets(void **state)
{
    (void)state;
    tfb_sizing s = ladder_of((const double[]){33.3, 33.4, 32.6});
    assert_int_equal(s.rule, TFB_OOC_MEASURED);
    assert_string_equal(tfb_ooc_rule_name(s.rule), "measured_plateau");
    assert_int_equal(s.needed_bytes, 512 * MIB);
    assert_int_equal(s.target_bytes, 512 * MIB);
    assert_int_equal(s.topology_bytes, 1920 * MIB);
    assert_int_equal(s.ladder_count, 3);
    assert_true(tfb_sizing_out_of_cache(&s, 512 * MIB));
    assert_false(tfb_sizing_out_of_cache(&s, 511 * MIB));
    assert_int_equal(tfb_sizing_sets(&s, 100 * MIB, 64), 6);
    char text[640];
    tfb_sizing_describe(&s, text, sizeof text);
    assert_non_null(strstr(text, "measured_plateau: read bandwidth 33.3 GB/s at 512 MiB, 33.4 at 1 GiB, 32.6 at "));
    assert_non_null(strstr(text, "working sets >= 512 MiB count as out of cache"));
}

/* A rung more than 5% faster than 4x the cache is still cached: the plateau starts above it, and a fast rung
 * between slow ones (noise or a cache) stops the search there, so the sizes never shrink past a doubt. */
static void a_faster_rung_keeps_the_sizes_above_it(void **state)
{
    (void)state;
    tfb_sizing s = ladder_of((const double[]){58.0, 31.0, 30.0});
    assert_int_equal(s.rule, TFB_OOC_MEASURED);
    assert_int_equal(s.needed_bytes, GIB);
    s = ladder_of((const double[]){30.0, 31.6, 30.0});  /* 1 GiB 5.3% faster than the top */
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    assert_int_equal(s.needed_bytes, 1920 * MIB);
    s = ladder_of((const double[]){24.0, 31.5, 30.0});  /* a slower small rung is noise, not a cache */
    assert_int_equal(s.rule, TFB_OOC_MEASURED);
    assert_int_equal(s.needed_bytes, 512 * MIB);
    char text[640];
    s = ladder_of((const double[]){50.0, 45.0, 30.0});
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    assert_int_equal(s.target_bytes, 1920 * MIB);
    tfb_sizing_describe(&s, text, sizeof text);
    assert_non_null(strstr(text, "found no earlier plateau"));
}

/* A rung without a figure, or a top rung that is not 4x the cache, decides nothing. */
static void a_broken_ladder_changes_nothing(void **state)
{
    (void)state;
    tfb_sizing s = ladder_of((const double[]){31.0, 0.0, 30.0});
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    s = ladder_of((const double[]){31.0, 30.0, 0.0});
    assert_int_equal(s.needed_bytes, 1920 * MIB);
    tfb_memory_view view = cpu(480 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing_decide(&view, &s);
    tfb_ladder_point short_top[2] = {{512 * MIB, 30.0}, {GIB, 30.0}};
    tfb_sizing_apply_ladder(&s, short_top, 2);
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    assert_int_equal(s.needed_bytes, 1920 * MIB);
}

/* --quick: half the floor and the floor first; when they agree half the floor (the first rung on the plateau) is the
 * out-of-cache size and the full ladder (1.88 GiB on a 480 MiB L3) is never touched; when the half is faster (a
 * real cache) nothing is decided. */
static void the_quick_ladder_stops_at_the_floor_on_the_plateau(void **state)
{
    (void)state;
    uint64_t rungs[TFB_LADDER_MAX];
    tfb_sizing s;
    tfb_memory_view view = cpu(480 * MIB, 8 * GIB, 4 * GIB);
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_quick_ladder(&s, rungs, TFB_LADDER_MAX), 2);
    assert_int_equal(rungs[0], 256 * MIB);
    assert_int_equal(rungs[1], 512 * MIB);
    tfb_ladder_point slow_half[2] = {{256 * MIB, 31.0}, {512 * MIB, 30.0}};  /* 3.3% faster: DRAM both */
    assert_int_equal(tfb_sizing_apply_quick_ladder(&s, slow_half, 2), 1);
    assert_int_equal(s.rule, TFB_OOC_MEASURED);
    assert_int_equal(s.needed_bytes, 256 * MIB);
    assert_int_equal(s.target_bytes, 256 * MIB);
    assert_int_equal(s.topology_bytes, 1920 * MIB);
    assert_int_equal(tfb_sizing_sets(&s, 100 * MIB, 8), 3);  /* rotating sets reach 256 MiB, not 512 */
    assert_int_equal(s.ladder_count, 2);
    char text[640];
    tfb_sizing_describe(&s, text, sizeof text);
    assert_non_null(strstr(text, "measured_plateau: read bandwidth 31.0 GB/s at 256 MiB, 30.0 at 512 MiB agree within "
                                 "5% (--quick stops the read ladder there), so working sets >= 256 MiB count"));
    tfb_sizing_decide(&view, &s);
    tfb_ladder_point cached_half[2] = {{256 * MIB, 45.0}, {512 * MIB, 30.0}};
    assert_int_equal(tfb_sizing_apply_quick_ladder(&s, cached_half, 2), 0);
    assert_int_equal(s.rule, TFB_OOC_4X_LLC);
    assert_int_equal(s.needed_bytes, 1920 * MIB);
    assert_int_equal(s.ladder_count, 0);
    tfb_ladder_point no_figure[2] = {{256 * MIB, 31.0}, {512 * MIB, 0.0}};
    assert_int_equal(tfb_sizing_apply_quick_ladder(&s, no_figure, 2), 0);
    view = cpu(32 * MIB, 8 * GIB, 4 * GIB);  /* 4x at the floor: no ladder, quick or not */
    tfb_sizing_decide(&view, &s);
    assert_int_equal(tfb_sizing_quick_ladder(&s, rungs, TFB_LADDER_MAX), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_huge_llc_is_reached_whatever_the_moment),
        cmocka_unit_test(a_small_llc_is_raised_to_the_floor),
        cmocka_unit_test(a_gpu_uses_its_global_cache),
        cmocka_unit_test(out_of_reach_needs_the_plateau_check),
        cmocka_unit_test(the_plateau_check_is_one_sided),
        cmocka_unit_test(sets_respect_target_memory_and_limit),
        cmocka_unit_test(the_ladder_climbs_from_the_floor_to_4x),
        cmocka_unit_test(a_measured_plateau_lowers_the_working_sets),
        cmocka_unit_test(a_faster_rung_keeps_the_sizes_above_it),
        cmocka_unit_test(a_broken_ladder_changes_nothing),
        cmocka_unit_test(the_quick_ladder_stops_at_the_floor_on_the_plateau),
        cmocka_unit_test(traffic_picks_its_roof),
        cmocka_unit_test(ceilings_keep_the_best_of_each_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
