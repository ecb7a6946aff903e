#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/kernels.h"
#include "tfbench/launch.h"

#define BUILD_LOG_MAX 16384

static void build_log(tfb_context *ctx, cl_program program, char *out, size_t size)
{
    size_t length = 0;
    out[0] = '\0';
    clGetProgramBuildInfo(program, ctx->device, CL_PROGRAM_BUILD_LOG, size, out, &length);
    out[size - 1] = '\0';
}

/* The second prelude a kernel file names on its first line ("// tfbench-prelude: FILE"), into name; 0 if none. */
static int family_prelude(const char *source, char *name, size_t size)
{
    static const char MARK[] = "// tfbench-prelude: ";
    if (strncmp(source, MARK, sizeof MARK - 1) != 0) return 0;
    const char *start = source + sizeof MARK - 1;
    size_t length = strcspn(start, " \r\n");
    if (length == 0) return 0;
    if (length >= size) return -1;  /* a cut name would be another file */
    memcpy(name, start, length);
    name[length] = '\0';
    return 1;
}

/* Every program is kernels/prelude.cl (shared type plumbing), the prelude of its family if the kernel file names
 * one (the attention helpers), then the kernel file. */
static int create_program(tfb_context *ctx, const char *file, cl_program *out, tfb_error *err)
{
    char *sources[3] = {NULL, NULL, NULL}, family[128];
    size_t lengths[3] = {0, 0, 0}, count = 2;
    cl_int status = CL_SUCCESS;
    int rc = tfb_kernel_source(ctx->kernel_dir, "prelude.cl", &sources[0], &lengths[0], err);
    if (rc == TFB_OK) rc = tfb_kernel_source(ctx->kernel_dir, file, &sources[1], &lengths[1], err);
    int has_family = rc == TFB_OK ? family_prelude(sources[1], family, sizeof family) : 0;
    if (has_family < 0) rc = tfb_fail(err, "%s names a prelude longer than %zu bytes", file, sizeof family - 1);
    if (has_family > 0) {
        sources[2] = sources[1], lengths[2] = lengths[1], count = 3;
        rc = tfb_kernel_source(ctx->kernel_dir, family, &sources[1], &lengths[1], err);
    }
    if (rc == TFB_OK) {
        *out = clCreateProgramWithSource(ctx->context, (cl_uint)count, (const char **)sources, lengths, &status);
        if (status != CL_SUCCESS) rc = tfb_cl_fail(err, "clCreateProgramWithSource", status);
    }
    for (size_t i = 0; i < 3; i++) free(sources[i]);
    return rc;
}

static int build_program(tfb_context *ctx, const char *file, const char *options, cl_program *out, tfb_error *err)
{
    cl_program program;
    if (create_program(ctx, file, &program, err) != TFB_OK) return TFB_ERROR;
    char full_options[1024];
    int n = snprintf(full_options, sizeof full_options, "-cl-std=CL1.2 %s", options ? options : "");
    if (n < 0 || (size_t)n >= sizeof full_options) {  /* a cut -D list would build another kernel */
        clReleaseProgram(program);
        return tfb_fail(err, "build options of %s too long (%d bytes, limit %zu)", file, n, sizeof full_options - 1);
    }
    cl_int status = clBuildProgram(program, 1, &ctx->device, full_options, NULL, NULL);
    if (status != CL_SUCCESS) {
        char *log = malloc(BUILD_LOG_MAX);
        if (log) build_log(ctx, program, log, BUILD_LOG_MAX);
        tfb_fail(err, "clBuildProgram failed for %s [%s]: %s (%d)\nbuild log (line numbers count the preludes first):\n%s",
                 file, full_options, tfb_cl_error_name(status), (int)status, log ? log : "(unavailable)");
        free(log);
        clReleaseProgram(program);
        return TFB_ERROR;
    }
    *out = program;
    return TFB_OK;
}

int tfb_program_get(tfb_context *ctx, const char *file, const char *options, cl_program *out, tfb_error *err)
{
    char key[sizeof ctx->programs[0].key];
    int n = snprintf(key, sizeof key, "%s|%s", file, options ? options : "");
    if (n < 0 || (size_t)n >= sizeof key)  /* a cut key could find another options' program */
        return tfb_fail(err, "kernel %s: file and build options too long to cache (%d bytes, limit %zu)", file, n,
                        sizeof key - 1);
    for (size_t i = 0; i < ctx->program_count; i++) {
        if (strcmp(ctx->programs[i].key, key) == 0) {
            *out = ctx->programs[i].program;
            return TFB_OK;
        }
    }
    if (build_program(ctx, file, options, out, err) != TFB_OK) return TFB_ERROR;
    if (ctx->program_count == TFB_MAX_PROGRAMS) {  /* full: evict the oldest; its kernels keep it alive */
        clReleaseProgram(ctx->programs[0].program);
        memmove(ctx->programs, ctx->programs + 1, (TFB_MAX_PROGRAMS - 1) * sizeof ctx->programs[0]);
        ctx->program_count--;
    }
    tfb_program_entry *entry = &ctx->programs[ctx->program_count++];
    snprintf(entry->key, sizeof entry->key, "%s", key);
    entry->program = *out;
    return TFB_OK;
}

int tfb_kernel_create(tfb_context *ctx, const char *file, const char *options, const char *name, cl_kernel *out,
                      tfb_error *err)
{
    cl_program program;
    cl_int status;
    *out = NULL;
    if (tfb_program_get(ctx, file, options, &program, err) != TFB_OK) return TFB_ERROR;
    *out = clCreateKernel(program, name, &status);
    if (status != CL_SUCCESS) {
        tfb_cl_fail(err, "clCreateKernel", status);
        size_t used = strlen(err->message);
        snprintf(err->message + used, sizeof err->message - used, " (kernel %s in %s)", name, file);
        return TFB_ERROR;
    }
    return TFB_OK;
}

void tfb_kernel_release(cl_kernel *kernel)
{
    if (*kernel) clReleaseKernel(*kernel);
    *kernel = NULL;
}

int tfb_kernel_set_args(cl_kernel kernel, const tfb_arg *args, size_t count, tfb_error *err)
{
    for (size_t i = 0; i < count; i++) {
        cl_int status = clSetKernelArg(kernel, (cl_uint)i, args[i].size, args[i].value);
        if (status != CL_SUCCESS) {
            tfb_cl_fail(err, "clSetKernelArg", status);
            size_t used = strlen(err->message);
            snprintf(err->message + used, sizeof err->message - used, " (argument %zu)", i);
            return TFB_ERROR;
        }
    }
    return TFB_OK;
}

int tfb_enqueue(tfb_context *ctx, const tfb_launch *launch, cl_event *event, tfb_error *err)
{
    const size_t *local = launch->local[0] ? launch->local : NULL;
    TFB_CL_CHECK(err, "clEnqueueNDRangeKernel",
                 clEnqueueNDRangeKernel(ctx->queue, launch->kernel, launch->dims, NULL, launch->global, local, 0,
                                        NULL, event));
    return TFB_OK;
}

/* Enqueues one set; *first and *last (either may be NULL: not wanted) receive the events of its first and last
 * launch, which the caller releases. */
static int enqueue_set(tfb_context *ctx, const tfb_work *work, size_t set, cl_event *first, cl_event *last,
                       tfb_error *err)
{
    const tfb_launch *launches = work->launches + set * work->per_set;
    for (size_t i = 0; i < work->per_set; i++) {
        cl_event *mark_first = first && i == 0 ? first : NULL;
        cl_event *mark_last = last && i + 1 == work->per_set ? last : NULL;
        cl_event event = NULL;
        if (tfb_enqueue(ctx, &launches[i], mark_first || mark_last ? &event : NULL, err) != TFB_OK) return TFB_ERROR;
        if (mark_first) *mark_first = event;
        if (mark_last) {
            if (mark_first) clRetainEvent(event);  /* one launch is both: each pointer holds a reference */
            *mark_last = event;
        }
    }
    return TFB_OK;
}

static int event_span(cl_event first, cl_event last, double *seconds, tfb_error *err)
{
    cl_ulong start = 0, end = 0;
    TFB_CL_CHECK(err, "clWaitForEvents", clWaitForEvents(1, &last));
    TFB_CL_CHECK(err, "clGetEventProfilingInfo",
                 clGetEventProfilingInfo(first, CL_PROFILING_COMMAND_START, sizeof start, &start, NULL));
    TFB_CL_CHECK(err, "clGetEventProfilingInfo",
                 clGetEventProfilingInfo(last, CL_PROFILING_COMMAND_END, sizeof end, &end, NULL));
    *seconds = end > start ? 1e-9 * (double)(end - start) : 0.0;
    return TFB_OK;
}

int tfb_work_run_once(tfb_context *ctx, const tfb_work *work, tfb_error *err)
{
    for (size_t set = 0; set < work->sets; set++)
        for (size_t i = 0; i < work->per_set; i++)
            if (tfb_enqueue(ctx, &work->launches[set * work->per_set + i], NULL, err) != TFB_OK) return TFB_ERROR;
    TFB_CL_CHECK(err, "clFinish", clFinish(ctx->queue));
    return TFB_OK;
}

typedef struct work_timer {
    tfb_context *ctx;
    const tfb_work *work;
} work_timer;

/* The executions' sets are enqueued back to back (rotation continues across them); the sample is the first one's
 * START to the last one's END. */
static int measure_work(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err)
{
    work_timer *t = user;
    cl_event start = NULL, end = NULL;
    int rc = TFB_OK;
    for (unsigned long e = 0; rc == TFB_OK && e < executions; e++)
        rc = enqueue_set(t->ctx, t->work, (first + e) % t->work->sets, e == 0 ? &start : NULL,
                         e + 1 == executions ? &end : NULL, err);
    if (rc == TFB_OK) rc = event_span(start, end, seconds, err);
    if (start) clReleaseEvent(start);
    if (end) clReleaseEvent(end);
    return rc;
}

int tfb_work_time(tfb_context *ctx, const tfb_work *work, const tfb_timing_policy *policy, tfb_stats *out,
                  tfb_error *err)
{
    work_timer timer = {ctx, work};
    if (work->per_set == 0 || work->sets == 0) return tfb_fail(err, "nothing to time (empty work)");
    return tfb_repeat_measure(measure_work, &timer, policy, out, err);
}

typedef struct wall_timer {
    tfb_context *ctx;
    tfb_wall_fn fn;
    void *user;
} wall_timer;

static int measure_wall(void *user, size_t first, unsigned long executions, double *seconds, tfb_error *err)
{
    wall_timer *t = user;
    (void)first;
    double start = tfb_now_seconds();
    for (unsigned long e = 0; e < executions; e++)
        if (t->fn(t->user, err) != TFB_OK) return TFB_ERROR;
    TFB_CL_CHECK(err, "clFinish", clFinish(t->ctx->queue));
    *seconds = tfb_now_seconds() - start;
    return TFB_OK;
}

int tfb_wall_time(tfb_context *ctx, tfb_wall_fn fn, void *user, const tfb_timing_policy *policy, tfb_stats *out,
                  tfb_error *err)
{
    wall_timer timer = {ctx, fn, user};
    TFB_CL_CHECK(err, "clFinish", clFinish(ctx->queue));
    return tfb_repeat_measure(measure_wall, &timer, policy, out, err);
}
