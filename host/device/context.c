#define _DEFAULT_SOURCE  /* madvise */
#include <stdio.h>
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <string.h>
#include <sys/mman.h>
#include "tfbench/context.h"
#include "host_arena.h"

#define HUGE_PAGE_BYTES ((size_t)2 << 20)

int tfb_context_open(tfb_context *ctx, const tfb_device_entry *entry, const char *kernel_dir, tfb_error *err)
{
    cl_int status;
    memset(ctx, 0, sizeof *ctx);
    ctx->device = entry->device;
    ctx->info = entry->info;
    tfb_device_refresh_limits(entry->device, &ctx->info);
    ctx->kernel_dir = kernel_dir;
    const char *huge = getenv("TFB_HUGE_PAGES");
    ctx->info.huge_pages = ctx->info.is_cpu && !(huge && strcmp(huge, "0") == 0);
    const char *pinned = getenv("POCL_AFFINITY");
    ctx->info.pinned_threads = ctx->info.is_cpu && pinned && strcmp(pinned, "1") == 0;
    cl_context_properties props[] = {CL_CONTEXT_PLATFORM, (cl_context_properties)entry->platform, 0};
    ctx->context = clCreateContext(props, 1, &entry->device, NULL, NULL, &status);
    TFB_CL_CHECK(err, "clCreateContext", status);
    /* clCreateCommandQueue is deprecated in 2.0 but is the one call every 1.2+ driver has. */
    ctx->queue = clCreateCommandQueue(ctx->context, entry->device, CL_QUEUE_PROFILING_ENABLE, &status);
    if (status != CL_SUCCESS) {
        clReleaseContext(ctx->context);
        ctx->context = NULL;
        return tfb_cl_fail(err, "clCreateCommandQueue", status);
    }
    /* Last, so a failed open leaks no arena. Address space only: its footprint is what is alive at once (plus
     * fragments), never this; no arena (no address space) means buffers allocated one by one. */
    if (ctx->info.huge_pages) ctx->arena = tfb_host_arena_create((size_t)ctx->info.global_mem_bytes);
    return TFB_OK;
}

int tfb_context_open_spec(tfb_context *ctx, const char *spec, const char *kernel_dir, tfb_error *err)
{
    tfb_device_entry *devices = NULL;
    size_t count = 0, index = 0;
    if (tfb_devices_enumerate(&devices, &count, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_device_find(devices, count, spec, &index, err);
    if (rc == TFB_OK) rc = tfb_context_open(ctx, &devices[index], kernel_dir, err);
    free(devices);
    return rc;
}

void tfb_context_close(tfb_context *ctx)
{
    for (size_t i = 0; i < ctx->program_count; i++) clReleaseProgram(ctx->programs[i].program);
    ctx->program_count = 0;
    if (ctx->queue) clReleaseCommandQueue(ctx->queue);
    if (ctx->context) clReleaseContext(ctx->context);
    ctx->queue = NULL;
    ctx->context = NULL;
    tfb_host_arena_destroy(ctx->arena);  /* after the context: the driver has released every buffer */
    ctx->arena = NULL;
}

void tfb_context_trim_host_memory(tfb_context *ctx, size_t keep)
{
    if (ctx->arena) tfb_host_arena_trim(ctx->arena, keep);
    /* the built programs: each holds its binaries and the driver's compile state on the heap (tens of MB over a
     * run); live kernels keep theirs, and the next suite rebuilds what it needs from the driver's kernel cache */
    for (size_t i = 0; i < ctx->program_count; i++) clReleaseProgram(ctx->programs[i].program);
    ctx->program_count = 0;
#ifdef __GLIBC__
    /* the driver's buffers under 2 MiB come from malloc: a suite's thousands of them (decode's rotating caches)
     * leave free heap that glibc keeps */
    malloc_trim(0);
#endif
}

static double gib(double bytes)
{
    return bytes / (1024.0 * 1024.0 * 1024.0);
}

typedef struct host_block {
    tfb_host_arena *arena;   /* NULL: from aligned_alloc */
    void *memory;
    size_t bytes;
} host_block;

static void CL_CALLBACK release_host_memory(cl_mem buffer, void *user)
{
    host_block *block = user;
    (void)buffer;
    if (block->arena) tfb_host_arena_give(block->arena, block->memory, block->bytes);
    else free(block->memory);
    free(block);
}

/* From the context's arena (memory the process keeps between buffers), else a fresh 2 MiB aligned allocation. */
static host_block *take_host_memory(tfb_context *ctx, size_t bytes)
{
    host_block *block = malloc(sizeof *block);
    if (!block) return NULL;
    *block = (host_block){ctx->arena, ctx->arena ? tfb_host_arena_take(ctx->arena, bytes) : NULL, bytes};
    if (block->memory) return block;
    block->arena = NULL;
    size_t rounded = (bytes + HUGE_PAGE_BYTES - 1) / HUGE_PAGE_BYTES * HUGE_PAGE_BYTES;
    block->memory = aligned_alloc(HUGE_PAGE_BYTES, rounded);
    if (block->memory) {
        (void)madvise(block->memory, rounded, MADV_HUGEPAGE);  /* advice only: without THP the pages stay small */
        return block;
    }
    free(block);
    return NULL;
}

/* On a CPU device a buffer is host memory, and PoCL allocates it in 4 KiB pages: under a hypervisor's nested paging
   every streaming kernel then pays a two-level page walk per 4 KiB. Buffers of a huge page or more are allocated here
   instead, in huge pages (THP in madvise mode gives them to no one else), and handed to the driver with
   CL_MEM_USE_HOST_PTR; the memory goes back to the arena (or is freed) when the driver releases the buffer. */
static cl_mem create_in_huge_pages(tfb_context *ctx, cl_mem_flags flags, size_t bytes, const void *host,
                                   cl_int *status)
{
    host_block *block = take_host_memory(ctx, bytes);
    if (!block) {
        *status = CL_OUT_OF_HOST_MEMORY;
        return NULL;
    }
    if (host) memcpy(block->memory, host, bytes);
    flags &= ~(cl_mem_flags)CL_MEM_COPY_HOST_PTR;  /* copied above; the two flags exclude each other */
    cl_mem buffer = clCreateBuffer(ctx->context, flags | CL_MEM_USE_HOST_PTR, bytes, block->memory, status);
    if (*status == CL_SUCCESS) *status = clSetMemObjectDestructorCallback(buffer, release_host_memory, block);
    if (*status == CL_SUCCESS) return buffer;
    if (buffer) clReleaseMemObject(buffer);  /* no callback registered: the memory is ours to give back */
    release_host_memory(NULL, block);
    return NULL;
}

int tfb_buffer_create(tfb_context *ctx, cl_mem_flags flags, size_t bytes, const void *host, cl_mem *out, tfb_error *err)
{
    cl_int status;
    *out = NULL;
    if (bytes > ctx->info.max_alloc_bytes)
        return tfb_skip(err, "needs a %.2f GiB buffer, device allows %.2f GiB per allocation", gib((double)bytes),
                        gib((double)ctx->info.max_alloc_bytes));
    if (ctx->info.huge_pages && bytes >= HUGE_PAGE_BYTES) {
        *out = create_in_huge_pages(ctx, flags, bytes, host, &status);
    } else {
        if (host) flags |= CL_MEM_COPY_HOST_PTR;
        *out = clCreateBuffer(ctx->context, flags, bytes ? bytes : 1, (void *)host, &status);
    }
    if (status == CL_MEM_OBJECT_ALLOCATION_FAILURE || status == CL_OUT_OF_RESOURCES ||
        status == CL_OUT_OF_HOST_MEMORY)
        return tfb_skip(err, "could not allocate %.2f GiB on the device (%s)", gib((double)bytes),
                        tfb_cl_error_name(status));
    TFB_CL_CHECK(err, "clCreateBuffer", status);
    return TFB_OK;
}

int tfb_buffer_write(tfb_context *ctx, cl_mem buf, size_t bytes, const void *host, tfb_error *err)
{
    TFB_CL_CHECK(err, "clEnqueueWriteBuffer",
                 clEnqueueWriteBuffer(ctx->queue, buf, CL_TRUE, 0, bytes, host, 0, NULL, NULL));
    return TFB_OK;
}

int tfb_buffer_read(tfb_context *ctx, cl_mem buf, size_t bytes, void *host, tfb_error *err)
{
    TFB_CL_CHECK(err, "clEnqueueReadBuffer",
                 clEnqueueReadBuffer(ctx->queue, buf, CL_TRUE, 0, bytes, host, 0, NULL, NULL));
    return TFB_OK;
}

void tfb_buffer_release(cl_mem *buf)
{
    if (*buf) clReleaseMemObject(*buf);
    *buf = NULL;
}
