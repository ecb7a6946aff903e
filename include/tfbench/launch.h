/* The one helper every suite uses: build a program, create a kernel, set its arguments, enqueue, and time
 * with profiling events (sampled by tfbench/sampling.h, which has no OpenCL in it). */
#ifndef TFBENCH_LAUNCH_H
#define TFBENCH_LAUNCH_H

#include "tfbench/context.h"
#include "tfbench/sampling.h"
#include "tfbench/stats.h"

/* Builds (or returns the cached) program for kernels/<file> with the given build options. A failed build's
 * message carries the build log. */
int tfb_program_get(tfb_context *ctx, const char *file, const char *options, cl_program *out, tfb_error *err);
int tfb_kernel_create(tfb_context *ctx, const char *file, const char *options, const char *name,
                      cl_kernel *out, tfb_error *err);
void tfb_kernel_release(cl_kernel *kernel);

typedef struct tfb_arg {
    size_t size;
    const void *value;        /* NULL with size > 0: __local memory of `size` bytes */
} tfb_arg;

#define TFB_MEM(buffer) ((tfb_arg){sizeof(cl_mem), &(buffer)})
#define TFB_VAL(lvalue) ((tfb_arg){sizeof(lvalue), &(lvalue)})
#define TFB_LOCAL(bytes) ((tfb_arg){(bytes), NULL})

int tfb_kernel_set_args(cl_kernel kernel, const tfb_arg *args, size_t count, tfb_error *err);
#define TFB_SET_ARGS(kernel, err, ...)                                                             \
    tfb_kernel_set_args((kernel), (tfb_arg[]){__VA_ARGS__},                                        \
                        sizeof((tfb_arg[]){__VA_ARGS__}) / sizeof(tfb_arg), (err))

typedef struct tfb_launch {
    cl_kernel kernel;
    cl_uint dims;
    size_t global[3];
    size_t local[3];          /* local[0] == 0: let the driver choose */
} tfb_launch;

/* What one timed repetition runs: `sets` rotating sets of `per_set` launches (launches[set * per_set + i]).
 * Repetition r runs set r % sets, so a memory-bound kernel can rotate over buffers larger than the caches. */
typedef struct tfb_work {
    const tfb_launch *launches;
    size_t per_set;
    size_t sets;
} tfb_work;

int tfb_enqueue(tfb_context *ctx, const tfb_launch *launch, cl_event *event, tfb_error *err);
/* Runs every set once and waits: the run that verification checks. */
int tfb_work_run_once(tfb_context *ctx, const tfb_work *work, tfb_error *err);
/* Device time of one sample = first launch's START to last launch's END (profiling events) over its back-to-back
 * executions; execution e runs set e % sets, counting on across warm-ups and samples. */
int tfb_work_time(tfb_context *ctx, const tfb_work *work, const tfb_timing_policy *policy, tfb_stats *out,
                  tfb_error *err);

/* For libraries whose events do not cover their whole call (CLBlast): wall clock from the call to clFinish. */
typedef int (*tfb_wall_fn)(void *user, tfb_error *err);
int tfb_wall_time(tfb_context *ctx, tfb_wall_fn fn, void *user, const tfb_timing_policy *policy, tfb_stats *out,
                  tfb_error *err);

#endif
