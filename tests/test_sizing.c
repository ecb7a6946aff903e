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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_huge_llc_is_reached_whatever_the_moment),
        cmocka_unit_test(a_small_llc_is_raised_to_the_floor),
        cmocka_unit_test(a_gpu_uses_its_global_cache),
        cmocka_unit_test(out_of_reach_needs_the_plateau_check),
        cmocka_unit_test(the_plateau_check_is_one_sided),
        cmocka_unit_test(sets_respect_target_memory_and_limit),
        cmocka_unit_test(traffic_picks_its_roof),
        cmocka_unit_test(ceilings_keep_the_best_of_each_traffic),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
