#include <math.h>
#include "tfbench/fill.h"
#include "tfbench/launch.h"

int tfb_device_fill_grid(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                         unsigned bits, tfb_error *err)
{
    return tfb_device_fill_grid_at(ctx, buffer, 0, count, seed, lo, hi, bits, err);
}

int tfb_device_fill_grid_at(tfb_context *ctx, cl_mem buffer, uint64_t first, size_t count, uint32_t seed, float lo,
                            float hi, unsigned bits, tfb_error *err)
{
    cl_kernel kernel;
    cl_ulong n = count, from = first;
    cl_uint s = seed, b = bits;
    float step = ldexpf(1.0f, -(int)bits);
    if (bits < 1 || bits > 24) return tfb_fail(err, "fill: %u random bits (1 to 24 fit a float exactly)", bits);
    if (tfb_kernel_create(ctx, "fill.cl", "", "fill_uniform", &kernel, err) != TFB_OK) return TFB_ERROR;
    int rc = TFB_SET_ARGS(kernel, err, TFB_MEM(buffer), TFB_VAL(s), TFB_VAL(lo), TFB_VAL(hi), TFB_VAL(n), TFB_VAL(b),
                          TFB_VAL(step), TFB_VAL(from));
    const size_t group = 256;
    tfb_launch launch = {kernel, 1, {(count + group - 1) / group * group}, {group}};
    if (rc == TFB_OK) rc = tfb_enqueue(ctx, &launch, NULL, err);
    tfb_kernel_release(&kernel);
    if (rc != TFB_OK) return rc;
    TFB_CL_CHECK(err, "clFinish", clFinish(ctx->queue));
    return TFB_OK;
}

int tfb_device_fill_uniform(tfb_context *ctx, cl_mem buffer, size_t count, uint32_t seed, float lo, float hi,
                            tfb_error *err)
{
    return tfb_device_fill_grid(ctx, buffer, count, seed, lo, hi, 24, err);
}

int tfb_device_poison(tfb_context *ctx, cl_mem buffer, size_t bytes, tfb_error *err)
{
    const float poison = NAN;
    TFB_CL_CHECK(err, "clEnqueueFillBuffer",
                 clEnqueueFillBuffer(ctx->queue, buffer, &poison, sizeof poison, 0, bytes / sizeof poison * sizeof poison, 0, NULL, NULL));
    TFB_CL_CHECK(err, "clFinish", clFinish(ctx->queue));
    return TFB_OK;
}

int tfb_device_poison_finite(tfb_context *ctx, cl_mem buffer, size_t bytes, tfb_error *err)
{
    const cl_uint poison = TFB_FINITE_POISON_BITS;
    TFB_CL_CHECK(err, "clEnqueueFillBuffer",
                 clEnqueueFillBuffer(ctx->queue, buffer, &poison, sizeof poison, 0,
                                     bytes / sizeof poison * sizeof poison, 0, NULL, NULL));
    TFB_CL_CHECK(err, "clFinish", clFinish(ctx->queue));
    return TFB_OK;
}
