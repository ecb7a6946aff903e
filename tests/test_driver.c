/* The suite driver's case listing: a suite's cases() runs once per run (twice only for a sweep longer than the
 * first guess), and every listed case is named. And the check after timing of a long case: its last timed sample
 * runs on fresh poison and is the execution verified (no execution after timing); a kernel that stops writing
 * after its first run fails there. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <cmocka.h>
#include "tfbench/launch.h"
#include "tfbench/results.h"
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

/* A fake long case without a device: `output` is 1 when written right, 0 after the poison; the log keeps the
 * order of executions (E), timed samples (T), poisons (P) and checks (V). */
typedef struct fake_long {
    int output, lazy;         /* lazy: writes its output on the first execution only (a planted late bug) */
    int runs;
    char log[64];
} fake_long;
static fake_long fake;

static void note(char c)
{
    size_t n = strlen(fake.log);
    if (n + 1 < sizeof fake.log) fake.log[n] = c;
}

static int fake_setup(tfb_run *run, const tfb_case *c, void **state, tfb_error *err)
{
    *state = &fake;
    return TFB_OK;
}

static void fake_run(fake_long *f)
{
    if (!f->lazy || f->runs == 0) f->output = 1;
    f->runs++;
}

static int fake_execute(tfb_run *run, void *state, tfb_error *err)
{
    note('E');
    fake_run(state);
    return TFB_OK;
}

static int fake_verify(tfb_run *run, void *state, double *max_error, tfb_error *err)
{
    note('V');
    *max_error = 0.0;
    return ((fake_long *)state)->output ? TFB_OK : tfb_fail(err, "output still the poison");
}

static int fake_repoison(tfb_run *run, void *state, tfb_error *err)
{
    note('P');
    ((fake_long *)state)->output = 0;
    return TFB_OK;
}

static int fake_sample(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err)
{
    note('T');
    fake_run(user);
    *seconds = 0.5;
    return TFB_OK;
}

static int fake_measure(tfb_run *run, void *state, tfb_stats *time, tfb_error *err)
{
    tfb_timing_policy policy = tfb_timing_long_case(run->policy, TFB_LONG_CASE_SAMPLES);
    return tfb_repeat_measure(fake_sample, state, &policy, time, err);
}

static size_t one_case(const tfb_run *run, tfb_case *out, size_t max)
{
    if (max) tfb_case_reset(&out[0], "fp32"), snprintf(out[0].shape, sizeof out[0].shape, "long");
    return 1;
}

static int run_fake_long(int lazy, tfb_results *results)
{
    tfb_suite suite = {.name = "fake", .cases = one_case, .setup = fake_setup, .execute = fake_execute,
                       .verify = fake_verify, .measure = fake_measure, .repoison = fake_repoison};
    tfb_options opt = {0};
    tfb_run run = {.opt = &opt, .results = results, .policy = tfb_timing_default(0)};
    tfb_case_list list;
    tfb_error err;
    fake = (fake_long){.lazy = lazy};
    tfb_results_init(results);
    assert_int_equal(tfb_suite_list_cases(&run, &suite, &list, &err), TFB_OK);
    fflush(stderr);  /* the driver reports a failed case on stderr: quiet for the run, restored after it */
    int saved = dup(2), null_fd = open("/dev/null", O_WRONLY);
    if (saved >= 0 && null_fd >= 0) dup2(null_fd, 2);
    int failures = tfb_suite_run(&run, &suite, &list, &err);
    fflush(stderr);
    if (saved >= 0) dup2(saved, 2), close(saved);
    if (null_fd >= 0) close(null_fd);
    tfb_case_list_free(&list);
    return failures;
}

static void a_long_case_is_checked_on_its_last_timed_execution(void **state)
{
    (void)state;
    tfb_results results;
    assert_int_equal(run_fake_long(0, &results), 0);
    assert_string_equal(fake.log, "EVTTTTPTV");  /* 5 samples, the poison before the last, no execution after */
    assert_int_equal(results.items[0].time.count, TFB_LONG_CASE_SAMPLES);
    assert_int_equal(results.items[0].verified, 1);
    tfb_results_free(&results);
    assert_int_equal(run_fake_long(1, &results), 1);  /* right once, then never writes: caught after timing */
    assert_string_equal(fake.log, "EVTTTTPTV");
    assert_non_null(strstr(results.items[0].skipped, "FAILED"));
    assert_int_equal(results.items[0].time.count, 0);
    tfb_results_free(&results);
}

/* A case is long only when a warm execution is long too: a slow first run alone (the driver compiling kernels on a
 * fresh cache) keeps the stopping rule. */
static void a_slow_first_run_alone_is_no_long_case(void **state)
{
    (void)state;
    tfb_timing_policy base = tfb_timing_default(0);
    tfb_timing_policy quick = tfb_timing_for_case(base, 0.1, 0.0);
    tfb_timing_policy compiled = tfb_timing_for_case(base, 0.35, 0.02);
    tfb_timing_policy slow = tfb_timing_for_case(base, 4.8, 1.2);
    assert_memory_equal(&quick, &base, sizeof base);
    assert_memory_equal(&compiled, &base, sizeof base);
    assert_int_equal(slow.min_reps, TFB_LONG_CASE_SAMPLES);
    assert_int_equal(slow.max_reps, TFB_LONG_CASE_SAMPLES);
    assert_int_equal(slow.warmup, 0);  /* the warm execution was its warm-up */
    assert_true(slow.check_last && slow.max_noise == 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_short_suite_is_listed_by_one_call),
        cmocka_unit_test(a_long_sweep_is_asked_twice),
        cmocka_unit_test(a_filter_keeps_the_matching_cases),
        cmocka_unit_test(a_bad_filter_is_refused_before_the_run),
        cmocka_unit_test(a_long_case_is_checked_on_its_last_timed_execution),
        cmocka_unit_test(a_slow_first_run_alone_is_no_long_case),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
