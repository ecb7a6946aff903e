/* The suite driver's case listing: a suite's cases() runs once per run (twice only for a sweep longer than the
 * first guess), and every listed case is named. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/suite.h"

typedef struct counting {
    size_t cases, calls;
} counting;

/* A suite's cases() gets no user pointer, so the counter it reports to lives here (this test only). */
static counting counter;

static size_t counted_cases(const tfb_run *run, tfb_case *out, size_t max)
{
    (void)run;
    counter.calls++;
    for (size_t i = 0; i < counter.cases && i < max; i++) {
        tfb_case_reset(&out[i], "fp32");
        snprintf(out[i].shape, sizeof out[i].shape, "case%zu", i);
    }
    return counter.cases;
}

static void list_and_count(size_t cases, size_t expected_calls)
{
    tfb_suite suite = {.name = "counted", .cases = counted_cases};
    tfb_run run = {0};
    tfb_case_list list;
    tfb_error err;
    counter = (counting){cases, 0};
    assert_int_equal(tfb_suite_list_cases(&run, &suite, &list, &err), TFB_OK);
    assert_int_equal(list.count, cases);
    assert_int_equal(counter.calls, expected_calls);
    char last[64];
    snprintf(last, sizeof last, "counted/tfbench/case%zu/fp32", cases - 1);
    assert_string_equal(list.items[cases - 1].name, last);
    tfb_case_list_free(&list);
    assert_null(list.items);
}

static void a_short_suite_is_listed_by_one_call(void **state)
{
    (void)state;
    list_and_count(15, 1);
}

static void a_long_sweep_is_asked_twice(void **state)
{
    (void)state;
    list_and_count(200, 2);
}

/* --filter keeps the matching benchmarks, in order; an anchored alternation picks exactly the named ones. */
static void a_filter_keeps_the_matching_cases(void **state)
{
    (void)state;
    tfb_suite suite = {.name = "counted", .cases = counted_cases};
    tfb_workload workload = {.filter = "^counted/tfbench/(case3|case11)/fp32$"};
    tfb_run run = {.workload = &workload};
    tfb_case_list list;
    tfb_error err;
    counter = (counting){15, 0};
    assert_int_equal(tfb_suite_list_cases(&run, &suite, &list, &err), TFB_OK);
    assert_int_equal(list.count, 2);
    assert_string_equal(list.items[0].name, "counted/tfbench/case3/fp32");
    assert_string_equal(list.items[1].name, "counted/tfbench/case11/fp32");
    tfb_case_list_free(&list);
}

static void a_bad_filter_is_refused_before_the_run(void **state)
{
    (void)state;
    tfb_options opt = {.filter = "case(3"};
    tfb_workload workload;
    tfb_error err;
    assert_int_equal(tfb_workload_resolve(&opt, &workload, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "--filter"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_short_suite_is_listed_by_one_call),
        cmocka_unit_test(a_long_sweep_is_asked_twice),
        cmocka_unit_test(a_filter_keeps_the_matching_cases),
        cmocka_unit_test(a_bad_filter_is_refused_before_the_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
