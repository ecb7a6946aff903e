/* The empirical roofline's math on synthetic data: the two-line fit recovers a known knee exactly, and plateau
 * detection finds and labels the steps of a staircase. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "tfbench/roofline_fit.h"

static void exact_roofline(double bandwidth, double roof, const double *intensity, double *gflops, size_t n)
{
    for (size_t i = 0; i < n; i++) gflops[i] = fmin(bandwidth * intensity[i], roof);
}

static void fit_recovers_a_known_knee_exactly(void **state)
{
    (void)state;
    double intensity[11], gflops[11];
    for (size_t i = 0; i < 11; i++) intensity[i] = ldexp(1.0, (int)i - 3);  /* 1/8 .. 128 */
    exact_roofline(7.25, 90.0, intensity, gflops, 11);                      /* ridge 12.41 */
    tfb_roofline_fit fit;
    assert_int_equal(tfb_roofline_fit_points(intensity, gflops, 11, &fit), 0);
    assert_true(fabs(fit.bandwidth_gbps - 7.25) < 1e-9);
    assert_true(fabs(fit.roof_gflops - 90.0) < 1e-9);
    assert_true(fabs(fit.ridge - 90.0 / 7.25) < 1e-9);
    assert_int_equal(fit.on_slope, 7);  /* 1/8 .. 8 lie below the ridge */
    assert_true(fit.rms_log_error < 1e-12);
}

static void fit_ignores_order_and_a_point_on_the_knee(void **state)
{
    (void)state;
    double intensity[] = {64, 0.5, 4, 1, 16, 8, 2, 32};  /* knee exactly at 8 */
    double gflops[8];
    exact_roofline(2.0, 16.0, intensity, gflops, 8);
    tfb_roofline_fit fit;
    assert_int_equal(tfb_roofline_fit_points(intensity, gflops, 8, &fit), 0);
    assert_true(fabs(fit.ridge - 8.0) < 1e-9);
    assert_true(fabs(fit.bandwidth_gbps - 2.0) < 1e-9);
}

static void fit_with_noise_stays_close(void **state)
{
    (void)state;
    double intensity[10], gflops[10];
    for (size_t i = 0; i < 10; i++) intensity[i] = ldexp(1.0, (int)i - 3);
    exact_roofline(6.5, 88.0, intensity, gflops, 10);
    for (size_t i = 0; i < 10; i++) gflops[i] *= i % 2 ? 1.04 : 0.96;  /* +-4% */
    gflops[7] *= 0.8;                                                   /* a rounded knee (16 FLOP/byte) */
    tfb_roofline_fit fit;
    assert_int_equal(tfb_roofline_fit_points(intensity, gflops, 10, &fit), 0);
    assert_true(fabs(fit.ridge / (88.0 / 6.5) - 1.0) < 0.2);
}

static void fit_rejects_too_few_points(void **state)
{
    (void)state;
    double intensity[] = {1.0, -2.0, 4.0}, gflops[] = {1.0, 2.0, 0.0};
    tfb_roofline_fit fit;
    assert_int_equal(tfb_roofline_fit_points(intensity, gflops, 3, &fit), -1);
    assert_int_equal(tfb_roofline_fit_points(intensity, gflops, 0, &fit), -1);
}

static void curve_interpolates_in_log_space(void **state)
{
    (void)state;
    double intensity[] = {1, 4, 2}, gflops[] = {10, 40, 20};
    assert_true(fabs(tfb_curve_at(intensity, gflops, 3, 2.0) - 20.0) < 1e-9);
    assert_true(fabs(tfb_curve_at(intensity, gflops, 3, sqrt(2.0)) - 10.0 * sqrt(2.0)) < 1e-9);
    assert_true(tfb_curve_at(intensity, gflops, 3, 8.0) < 0);
    assert_true(tfb_curve_at(intensity, gflops, 3, 0.5) < 0);
}

/* 4 KiB .. 1 GiB in powers of 2: steps after 64 KiB, 2 MiB and 128 MiB with transition points between them, and
 * one DRAM point at the end. */
static size_t staircase(double *sizes, double *gbps)
{
    size_t n = 0;
    for (int e = 12; e <= 30; e++, n++) {
        sizes[n] = ldexp(1.0, e);
        gbps[n] = e <= 16 ? 400 : e == 17 ? 250 : e <= 21 ? 120 : e == 22 ? 80 : e <= 27 ? 40 : e == 28 ? 20 : e == 29 ? 12 : 8;
        gbps[n] *= n % 2 ? 1.03 : 0.97;  /* noise well inside the tolerance */
    }
    return n;
}

static const tfb_cache_level LEVELS[] = {{"L1", 96.0 * 1024}, {"L2", 4.0 * 1024 * 1024}, {"L3", 260.0 * 1024 * 1024}};

static void staircase_gives_four_named_levels(void **state)
{
    (void)state;
    double sizes[32], gbps[32];
    size_t n = staircase(sizes, gbps);
    tfb_plateau plateaus[8];
    size_t count = tfb_detect_plateaus(sizes, gbps, n, TFB_LEVEL_RUN_TOLERANCE, TFB_LEVEL_DROP, plateaus, 8);
    assert_int_equal(count, 4);
    assert_int_equal(plateaus[0].first, 0);
    assert_int_equal(plateaus[0].last, 4);    /* 4 KiB .. 64 KiB, the +-3% noise merged into one level */
    assert_int_equal(plateaus[1].first, 6);   /* 256 KiB: the 128 KiB transition dropped */
    assert_int_equal(plateaus[1].last, 9);
    assert_int_equal(plateaus[2].first, 11);
    assert_int_equal(plateaus[2].last, 15);
    assert_int_equal(plateaus[3].first, 18);  /* the lone DRAM point is kept */
    assert_true(fabs(plateaus[0].bandwidth_gbps / 400.0 - 1.0) < 0.05);
    assert_true(fabs(plateaus[3].bandwidth_gbps / 8.0 - 1.0) < 0.05);
    assert_int_equal(tfb_name_plateaus(plateaus, count, sizes, LEVELS, 3, 512.0 * 1024 * 1024), 3);
    assert_string_equal(plateaus[0].label, "L1");
    assert_string_equal(plateaus[1].label, "L2");
    assert_string_equal(plateaus[2].label, "L3");
    assert_string_equal(plateaus[3].label, "DRAM");
    assert_true(plateaus[2].agrees && plateaus[2].topology == &LEVELS[2]);
}

static void a_noise_spike_does_not_split_a_plateau(void **state)
{
    (void)state;
    double sizes[] = {1, 2, 4, 8, 16, 32, 64}, gbps[] = {100, 101, 99, 160, 100, 98, 100};
    tfb_plateau plateaus[4];
    size_t count = tfb_detect_plateaus(sizes, gbps, 7, TFB_LEVEL_RUN_TOLERANCE, TFB_LEVEL_DROP, plateaus, 4);
    assert_int_equal(count, 1);
    assert_int_equal(plateaus[0].first, 0);
    assert_int_equal(plateaus[0].last, 6);
    assert_true(fabs(plateaus[0].bandwidth_gbps - 100.0) < 1e-9);
}

/* Less than 1.25x apart is one level (ERT's rule), however many +-5% runs the noise makes of it. */
static void a_small_step_is_not_a_level(void **state)
{
    (void)state;
    double sizes[] = {1, 2, 4, 8, 16, 32, 64, 128}, gbps[] = {300, 290, 310, 260, 255, 262, 100, 101};
    tfb_plateau plateaus[4];
    size_t count = tfb_detect_plateaus(sizes, gbps, 8, TFB_LEVEL_RUN_TOLERANCE, TFB_LEVEL_DROP, plateaus, 4);
    assert_int_equal(count, 2);
    assert_int_equal(plateaus[0].last, 5);
    assert_int_equal(plateaus[1].first, 6);
}

/* The machines this was built on: a VM's topology reports an L3 far from where the measured level ends. */
static void a_level_the_topology_does_not_fit_is_marked(void **state)
{
    (void)state;
    const double mib = 1024.0 * 1024;
    double sizes[] = {32768, 65536, 2 * mib, 4 * mib, 32 * mib, 64 * mib, 256 * mib, 512 * mib};
    double gbps[] = {400, 400, 200, 200, 150, 150, 30, 30};
    const tfb_cache_level vm[] = {{"L1", 65536}, {"L2", 2 * mib}, {"L3", 8 * mib}};
    tfb_plateau plateaus[8];
    size_t count = tfb_detect_plateaus(sizes, gbps, 8, TFB_LEVEL_RUN_TOLERANCE, TFB_LEVEL_DROP, plateaus, 8);
    assert_int_equal(count, 4);
    assert_int_equal(tfb_name_plateaus(plateaus, count, sizes, vm, 3, 512 * mib), 2);
    assert_string_equal(plateaus[0].label, "L1");
    assert_string_equal(plateaus[1].label, "L2");
    assert_string_equal(plateaus[2].label, "L3?");  /* 32-64 MiB measured, 8 MiB reported */
    assert_false(plateaus[2].agrees);
    assert_true(plateaus[2].topology == &vm[2]);
    assert_string_equal(plateaus[3].label, "DRAM");
    /* No proved out-of-cache size: the last level is not called memory, and past the topology it is L4?. */
    tfb_name_plateaus(plateaus, count, sizes, vm, 3, 0);
    assert_string_equal(plateaus[3].label, "L4?");
    assert_null(plateaus[3].topology);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fit_recovers_a_known_knee_exactly),
        cmocka_unit_test(fit_ignores_order_and_a_point_on_the_knee),
        cmocka_unit_test(fit_with_noise_stays_close),
        cmocka_unit_test(fit_rejects_too_few_points),
        cmocka_unit_test(curve_interpolates_in_log_space),
        cmocka_unit_test(staircase_gives_four_named_levels),
        cmocka_unit_test(a_noise_spike_does_not_split_a_plateau),
        cmocka_unit_test(a_small_step_is_not_a_level),
        cmocka_unit_test(a_level_the_topology_does_not_fit_is_marked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
