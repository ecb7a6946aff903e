/* OpenCL platforms and devices: enumeration with a flat index, selection, and the opened context. */
#ifndef TFBENCH_DEVICE_H
#define TFBENCH_DEVICE_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <CL/cl.h>
#include "tfbench/error.h"

typedef struct tfb_device_info {
    char platform[128];
    char name[256];
    char vendor[128];
    char version[128];        /* CL_DEVICE_VERSION */
    char driver[128];         /* CL_DRIVER_VERSION */
    char type[16];            /* "CPU", "GPU", "ACCELERATOR", "OTHER" */
    unsigned compute_units;
    unsigned clock_mhz;
    uint64_t global_mem_bytes;
    uint64_t max_alloc_bytes;
    uint64_t local_mem_bytes;
    uint64_t global_cache_bytes;
    size_t max_work_group_size;
    int fp64;                 /* cl_khr_fp64 or a non-zero CL_DEVICE_DOUBLE_FP_CONFIG */
    int fp16;                 /* cl_khr_fp16 */
    int is_cpu;
    /* Kernel shapes (work-group layouts, tiles, splits) are chosen for GPUs: every non-CPU device, and any device
     * when TFB_GPU_KERNELS=1 is set (so the GPU-shaped kernels are verified on PoCL too). Timing and sizing still
     * follow is_cpu. */
    int gpu_kernels;
    /* Buffers of 2 MiB or more in transparent huge pages (host/device/context.c): on when the device is the CPU,
     * unless TFB_HUGE_PAGES=0. Set when a context is opened. */
    int huge_pages;
    /* A CPU device whose driver threads are pinned one per CPU (POCL_AFFINITY=1, tfb_pin_cpu_driver_threads). */
    int pinned_threads;
} tfb_device_info;

typedef struct tfb_device_entry {
    cl_platform_id platform;
    cl_device_id device;
    tfb_device_info info;
} tfb_device_entry;

/* Checks the PoCL variables tfbench reads or sets before the driver sees them (host/device/driver_env.c):
 * POCL_MAX_PTHREAD_COUNT (1 .. 4096), POCL_AFFINITY (0 or 1), POCL_CACHE_DIR (created if missing; must be this
 * user's and not writable by others). Without POCL_CACHE_DIR, XDG_CACHE_HOME and HOME, PoCL would use the shared
 * /tmp/pocl: POCL_CACHE_DIR is set to $TFB_CACHE_DIR/pocl, else ~/.cache/pocl/kcache of this user's home, else a
 * new private folder under $TMPDIR. Called by tfb_devices_enumerate. */
int tfb_driver_env_check(tfb_error *err);
/* The POCL_* variables set ("POCL_DEVICES=pthread, ..."), for the message when no device appears. */
void tfb_driver_env_describe(char *out, size_t size);
/* All devices of all platforms, in a stable flat order. No platform at all is an error naming the ICD loader (and
 * the POCL_* variables set, which may have made PoCL show nothing). */
/* Sets POCL_AFFINITY=1 (PoCL's workers one per CPU) when the user has not set it and this process may use every
 * online CPU; returns 1 when it did. Called before the OpenCL platforms load (tfb_devices_enumerate). */
int tfb_pin_cpu_driver_threads(void);
int tfb_devices_enumerate(tfb_device_entry **out, size_t *count, tfb_error *err);
/* spec: a flat index ("0") or a case-insensitive substring of the device name. */
int tfb_device_find(const tfb_device_entry *list, size_t count, const char *spec, size_t *index, tfb_error *err);
/* --device as a list: "all", or indexes and name substrings separated by commas ("0,2,3", "h100,a100"; a name
 * selects the first device it matches). Fills indexes in the order given, each device once: *repeated counts the
 * entries that named a device already selected. At most max devices. */
#define TFB_MAX_DEVICES 64
int tfb_device_select(const tfb_device_entry *list, size_t count, const char *spec, size_t *indexes, size_t max,
                      size_t *selected, size_t *repeated, tfb_error *err);
/* Reads the memory limits again: PoCL derives them from free host memory, which moves between reads. */
void tfb_device_refresh_limits(cl_device_id device, tfb_device_info *info);
void tfb_devices_print(const tfb_device_entry *list, size_t count, FILE *out);

#endif
