/* The OpenCL helpers on the default device (PoCL): errors are readable, timing follows its policy. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "tfbench/tfbench.h"
#include "device_fixture.h"

/* The fixture's folders: the kernels that fail to build, and the test-only kernels. */
static int open_device(void **state)
{
    int rc = fixture_open(state);
    fixture *f = *state;
    const char *src = getenv("TFB_SOURCE_DIR");
    if (f) snprintf(f->dir, sizeof f->dir, "%s/tests/data/broken-kernels", src ? src : ".");
    if (f) snprintf(f->other_dir, sizeof f->other_dir, "%s/tests/data/test-kernels", src ? src : ".");
    return rc;
}

static int close_device(void **state)
{
    fixture_close(*state);
    return 0;
}

static void build_failure_carries_the_log(void **state)
{
    fixture *f = *state;
    tfb_error err;
    cl_kernel kernel = NULL;
    f->ctx.kernel_dir = f->dir;
    int rc = tfb_kernel_create(&f->ctx, "stream.cl", "", "copy", &kernel, &err);
    f->ctx.kernel_dir = NULL;
    assert_int_equal(rc, TFB_ERROR);
    assert_null(kernel);
    assert_non_null(strstr(err.message, "clBuildProgram failed for stream.cl"));
    assert_non_null(strstr(err.message, "CL_BUILD_PROGRAM_FAILURE"));
    assert_non_null(strstr(err.message, "undefined_symbol_in_tfbench_test"));
}

static void missing_kernel_names_are_reported(void **state)
{
    fixture *f = *state;
    tfb_error err;
    cl_kernel kernel = NULL;
    assert_int_equal(tfb_kernel_create(&f->ctx, "stream.cl", "", "no_such_kernel", &kernel, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "CL_INVALID_KERNEL_NAME"));
    assert_non_null(strstr(err.message, "no_such_kernel"));
    assert_int_equal(tfb_kernel_create(&f->ctx, "nosuch.cl", "", "copy", &kernel, &err), TFB_ERROR);
    assert_non_null(strstr(err.message, "no embedded kernel named nosuch.cl"));
}

/* Issue 32, no silent truncation: build options cut to the program cache's key would find another options'
   program; a family prelude's name cut to its buffer would name another file (it was dropped without a word). */
static void names_that_do_not_fit_are_refused(void **state)
{
    fixture *f = *state;
    tfb_error err;
    cl_kernel kernel = NULL;
    char options[700] = "";
    for (size_t used = 0; used + 10 < 600;)
        used += (size_t)snprintf(options + used, sizeof options - used, " -DP%03zu=1", used);
    strcat(options, " -DVEC=4");
    assert_int_equal(tfb_kernel_create(&f->ctx, "stream.cl", options, "copy", &kernel, &err), TFB_ERROR);
    assert_null(kernel);
    assert_non_null(strstr(err.message, "kernel stream.cl: file and build options too long to cache"));
    assert_non_null(strstr(err.message, "limit 511"));

    const char *tmp = getenv("TMPDIR");
    char dir[4096], path[4200], prelude[201];
    snprintf(dir, sizeof dir, "%s/tfb-prelude-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/long.cl", dir);
    memset(prelude, 'p', 200);
    prelude[200] = '\0';
    FILE *file = fopen(path, "w");
    assert_non_null(file);
    fprintf(file, "// tfbench-prelude: %s.cl\n__kernel void k(__global float *x) { x[0] = 1.0f; }\n", prelude);
    fclose(file);
    f->ctx.kernel_dir = dir;
    int rc = tfb_kernel_create(&f->ctx, "long.cl", "", "k", &kernel, &err);
    f->ctx.kernel_dir = NULL;
    if (kernel) clReleaseKernel(kernel);
    unlink(path);
    rmdir(dir);
    assert_int_equal(rc, TFB_ERROR);
    assert_non_null(strstr(err.message, "long.cl names a prelude longer than 127 bytes"));
}

static void oversized_buffer_is_a_skip(void **state)
{
    fixture *f = *state;
    tfb_error err;
    cl_mem buf = NULL;
    size_t too_big = (size_t)f->ctx.info.max_alloc_bytes + 4096;
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, too_big, NULL, &buf, &err), TFB_SKIP);
    assert_null(buf);
    assert_non_null(strstr(err.message, "device allows"));
}

/* Buffers of 2 MiB and more live in host memory of our own on a CPU device (huge pages, CL_MEM_USE_HOST_PTR): the
 * host data is copied in, kernels and reads see it, and the driver frees it with the buffer; smaller ones and
 * devices with huge pages off take the driver's allocation. Both give the same bytes back. */
static void large_buffers_keep_their_contents(void **state)
{
    fixture *f = *state;
    tfb_error err;
    const size_t count = (3u << 20) / sizeof(float) + 5;  /* not a whole number of huge pages */
    float *in = malloc(count * sizeof *in), *out = malloc(count * sizeof *out);
    assert_true(in && out);
    for (size_t i = 0; i < count; i++) in[i] = (float)i * 0.5f - 7.0f;
    assert_int_equal(f->ctx.info.huge_pages, f->ctx.info.is_cpu);
    for (int huge = 0; huge < 2; huge++) {
        f->ctx.info.huge_pages = huge;
        const size_t sizes[] = {64, count * sizeof *in};
        for (size_t i = 0; i < 2; i++) {
            size_t bytes = sizes[i];
            cl_mem buf;
            memset(out, 0, bytes);
            cl_mem_flags flags = CL_MEM_READ_WRITE | (i ? CL_MEM_COPY_HOST_PTR : 0);  /* a caller may say so */
            assert_int_equal(tfb_buffer_create(&f->ctx, flags, bytes, in, &buf, &err), TFB_OK);
            assert_int_equal(tfb_buffer_read(&f->ctx, buf, bytes, out, &err), TFB_OK);
            assert_memory_equal(in, out, bytes);
            assert_int_equal(tfb_buffer_write(&f->ctx, buf, sizeof *in, &in[1], &err), TFB_OK);
            assert_int_equal(tfb_buffer_read(&f->ctx, buf, sizeof *out, out, &err), TFB_OK);
            assert_true(out[0] == in[1]);
            tfb_buffer_release(&buf);
        }
    }
    f->ctx.info.huge_pages = f->ctx.info.is_cpu;
    free(in);
    free(out);
}

static void wrong_argument_is_named(void **state)
{
    fixture *f = *state;
    tfb_error err;
    cl_kernel kernel;
    cl_mem buf;
    assert_int_equal(tfb_kernel_create(&f->ctx, "stream.cl", "-DVEC=4", "copy", &kernel, &err), TFB_OK);
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, 4096, NULL, &buf, &err), TFB_OK);
    float extra = 1.0f;  /* copy() takes two arguments; a third is refused by the driver */
    assert_int_equal(TFB_SET_ARGS(kernel, &err, TFB_MEM(buf), TFB_MEM(buf), TFB_VAL(extra)), TFB_ERROR);
    assert_non_null(strstr(err.message, "clSetKernelArg failed: CL_INVALID_ARG_INDEX"));
    assert_non_null(strstr(err.message, "(argument 2)"));
    tfb_kernel_release(&kernel);
    tfb_buffer_release(&buf);
}

static void copy_is_timed_and_correct(void **state)
{
    fixture *f = *state;
    tfb_error err;
    const size_t count = 1 << 16;
    cl_kernel kernel;
    cl_mem a, c;
    assert_int_equal(tfb_kernel_create(&f->ctx, "stream.cl", "-DVEC=8", "copy", &kernel, &err), TFB_OK);
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, count * 4, NULL, &a, &err), TFB_OK);
    assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE, count * 4, NULL, &c, &err), TFB_OK);
    assert_int_equal(tfb_device_fill_uniform(&f->ctx, a, count, 9, 0.5f, 1.5f, &err), TFB_OK);
    assert_int_equal(tfb_device_poison(&f->ctx, c, count * 4, &err), TFB_OK);
    assert_int_equal(TFB_SET_ARGS(kernel, &err, TFB_MEM(a), TFB_MEM(c)), TFB_OK);
    tfb_launch launch = {kernel, 1, {count / 8}, {64}};
    tfb_work work = {&launch, 1, 1};
    tfb_timing_policy policy = {.warmup = 1, .min_reps = 7, .max_reps = 50, .min_seconds = 0.0};
    tfb_stats stats;
    assert_int_equal(tfb_work_time(&f->ctx, &work, &policy, &stats, &err), TFB_OK);
    assert_int_equal(stats.count, 7);
    assert_true(stats.min > 0 && stats.min <= stats.median && stats.median <= stats.max);
    float *got = malloc(count * sizeof *got);
    double *want = malloc(count * sizeof *want);
    assert_int_equal(tfb_buffer_read(&f->ctx, c, count * 4, got, &err), TFB_OK);
    for (size_t i = 0; i < count; i++) want[i] = tfb_hash_uniform(9, i, 0.5f, 1.5f);
    assert_int_equal(tfb_check_f32("copy", got, want, count, 0.0, 0.0, NULL, &err), TFB_OK);
    free(got);
    free(want);
    tfb_kernel_release(&kernel);
    tfb_buffer_release(&a);
    tfb_buffer_release(&c);
}

static void executions_per_sample_fill_the_target(void **state)
{
    (void)state;
    assert_int_equal(tfb_executions_per_sample(1e-3, 1e-5), 100);
    assert_int_equal(tfb_executions_per_sample(1e-3, 3e-4), 4);   /* ceil(3.33): a sample never falls short */
    assert_int_equal(tfb_executions_per_sample(1e-3, 2e-3), 1);   /* already longer than the target */
    assert_int_equal(tfb_executions_per_sample(0.0, 1e-5), 1);    /* no target: one execution per sample */
    assert_int_equal(tfb_executions_per_sample(1e-3, 0.0), TFB_MAX_EXECUTIONS);  /* under the clock's resolution */
    assert_int_equal(tfb_executions_per_sample(1.0, 1e-9), TFB_MAX_EXECUTIONS);
}

/* Several back-to-back executions per sample: each one runs, and the rotating sets go on across the warm-ups, the
 * executions and the samples (execution e runs set e % sets), whatever number of executions the warm-up chose. */
static void samples_rotate_sets_across_executions(void **state)
{
    enum { SETS = 3, WARMUP = 2, SAMPLES = 4 };
    fixture *f = *state;
    tfb_error err;
    cl_kernel kernels[SETS];
    cl_mem counters[SETS];
    tfb_launch launches[SETS];
    const cl_int zero = 0;
    f->ctx.kernel_dir = f->other_dir;
    for (size_t s = 0; s < SETS; s++) {
        assert_int_equal(tfb_kernel_create(&f->ctx, "count.cl", "", "bump", &kernels[s], &err), TFB_OK);
        assert_int_equal(tfb_buffer_create(&f->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, sizeof zero, &zero,
                                           &counters[s], &err), TFB_OK);
        assert_int_equal(TFB_SET_ARGS(kernels[s], &err, TFB_MEM(counters[s])), TFB_OK);
        launches[s] = (tfb_launch){kernels[s], 1, {1}, {1}};
    }
    f->ctx.kernel_dir = NULL;
    tfb_work work = {launches, 1, SETS};
    tfb_sample_record record = {NULL, 0};
    tfb_timing_policy policy = {.warmup = WARMUP, .min_reps = SAMPLES, .max_reps = SAMPLES, .sample_seconds = 1e-3,
                                .record = &record};
    tfb_stats stats;
    assert_int_equal(tfb_work_time(&f->ctx, &work, &policy, &stats, &err), TFB_OK);
    assert_int_equal(stats.count, SAMPLES);
    assert_int_equal(record.count, SAMPLES);
    assert_true(stats.executions >= 1 && stats.executions <= TFB_MAX_EXECUTIONS);
    assert_true(tfb_median(record.values, record.count) == stats.median);
    size_t total = WARMUP + SAMPLES * stats.executions;
    for (size_t s = 0; s < SETS; s++) {
        cl_int ran = -1;
        assert_int_equal(tfb_buffer_read(&f->ctx, counters[s], sizeof ran, &ran, &err), TFB_OK);
        assert_int_equal(ran, total / SETS + (s < total % SETS));
        tfb_kernel_release(&kernels[s]);
        tfb_buffer_release(&counters[s]);
    }
    free(record.values);
}

/* The pinning is the user's when POCL_AFFINITY is set (any value), tfbench's otherwise (this test process may use
 * every CPU unless ctest runs it under taskset, where it must leave the variable unset). */
static void pinning_respects_the_user(void **state)
{
    (void)state;
    setenv("POCL_AFFINITY", "0", 1);
    assert_int_equal(tfb_pin_cpu_driver_threads(), 0);
    assert_string_equal(getenv("POCL_AFFINITY"), "0");
    unsetenv("POCL_AFFINITY");
    int pinned = tfb_pin_cpu_driver_threads();
    const char *value = getenv("POCL_AFFINITY");
    if (pinned) assert_string_equal(value, "1");
    else assert_null(value);
    unsetenv("POCL_AFFINITY");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pinning_respects_the_user),
        cmocka_unit_test(build_failure_carries_the_log),
        cmocka_unit_test(missing_kernel_names_are_reported),
        cmocka_unit_test(oversized_buffer_is_a_skip),
        cmocka_unit_test(large_buffers_keep_their_contents),
        cmocka_unit_test(wrong_argument_is_named),
        cmocka_unit_test(copy_is_timed_and_correct),
        cmocka_unit_test(executions_per_sample_fill_the_target),
        cmocka_unit_test(samples_rotate_sets_across_executions),
        cmocka_unit_test(names_that_do_not_fit_are_refused),
    };
    return cmocka_run_group_tests(tests, open_device, close_device);
}
