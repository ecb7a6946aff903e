/* The serving curves' assembly (suites/layer/layer_sweep.c, docs/serving.md) on synthetic shares: where the measured
 * attention share passes 50% for good, interpolated in log(context). No device. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include "../suites/layer/layer.h"

/* 0.4 at 4096 and 0.6 at 8192: t = 0.5, n = 4096 x 2^0.5 = 5792.6. */
static void crossover_interpolates_in_log_context(void **state)
{
    (void)state;
    const double seq[] = {1024, 2048, 4096, 8192, 16384}, share[] = {0.3, 0.35, 0.4, 0.6, 0.7};
    assert_true(fabs(layer_serving_crossover(seq, share, 5) - 4096.0 * sqrt(2.0)) < 1e-9);
    const double exact[] = {0.3, 0.5, 0.7};  /* a point at exactly 50% is the crossover */
    assert_true(layer_serving_crossover(seq, exact, 3) == 2048.0);
}

/* A noisy short-context point above 50% is not the crossover: the last upward crossing is. */
static void crossover_takes_the_last_upward_crossing(void **state)
{
    (void)state;
    const double seq[] = {512, 1024, 2048, 4096, 8192}, share[] = {0.45, 0.57, 0.44, 0.49, 0.59};
    double n = layer_serving_crossover(seq, share, 5);
    assert_true(fabs(n - 4096.0 * pow(2.0, 0.1)) < 1e-6);
}

/* None when the curve never straddles 50%, runs downward, or has fewer than two points; never from a context
 * that does not grow. */
static void crossover_absent(void **state)
{
    (void)state;
    const double seq[] = {512, 1024, 2048}, below[] = {0.1, 0.2, 0.3}, above[] = {0.6, 0.7, 0.8};
    const double down[] = {0.7, 0.5, 0.3}, same_seq[] = {512, 512};
    assert_true(layer_serving_crossover(seq, below, 3) == 0.0);
    assert_true(layer_serving_crossover(seq, above, 3) == 0.0);
    assert_true(layer_serving_crossover(seq, down, 3) == 0.0);
    assert_true(layer_serving_crossover(seq, below, 1) == 0.0);
    assert_true(layer_serving_crossover(seq, below, 0) == 0.0);
    const double up[] = {0.4, 0.6};
    assert_true(layer_serving_crossover(same_seq, up, 2) == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crossover_interpolates_in_log_context),
        cmocka_unit_test(crossover_takes_the_last_upward_crossing),
        cmocka_unit_test(crossover_absent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
