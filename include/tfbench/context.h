/* The opened device: context, profiling queue, and the programs built on it (cached per file + options). */
#ifndef TFBENCH_CONTEXT_H
#define TFBENCH_CONTEXT_H

#include "tfbench/device.h"

#define TFB_MAX_PROGRAMS 96

typedef struct tfb_program_entry {
    char key[512];            /* "file|options" */
    cl_program program;
} tfb_program_entry;

typedef struct tfb_context {
    cl_context context;
    cl_command_queue queue;   /* in-order, CL_QUEUE_PROFILING_ENABLE */
    cl_device_id device;
    tfb_device_info info;
    const char *kernel_dir;   /* NULL: kernels embedded in the binary */
    tfb_program_entry programs[TFB_MAX_PROGRAMS];
    size_t program_count;
    /* CPU devices with huge pages: host memory for large buffers, kept between them (host/device/host_arena.h) */
    struct tfb_host_arena *arena;
} tfb_context;

int tfb_context_open(tfb_context *ctx, const tfb_device_entry *entry, const char *kernel_dir, tfb_error *err);
/* Enumerates the devices and opens the one `spec` names (an index or a name substring, as --device takes). */
int tfb_context_open_spec(tfb_context *ctx, const char *spec, const char *kernel_dir, tfb_error *err);
void tfb_context_close(tfb_context *ctx);
/* Returns the host pages of freed large buffers beyond the first `keep` bytes to the system (tfb_host_arena_trim;
 * none without an arena), and the C library's free heap (glibc's malloc_trim). */
void tfb_context_trim_host_memory(tfb_context *ctx, size_t keep);

/* Buffers with the error turned into a message; TFB_SKIP when the size exceeds the device's limits. */
int tfb_buffer_create(tfb_context *ctx, cl_mem_flags flags, size_t bytes, const void *host, cl_mem *out, tfb_error *err);
int tfb_buffer_write(tfb_context *ctx, cl_mem buf, size_t bytes, const void *host, tfb_error *err);
int tfb_buffer_read(tfb_context *ctx, cl_mem buf, size_t bytes, void *host, tfb_error *err);
void tfb_buffer_release(cl_mem *buf);

#endif
