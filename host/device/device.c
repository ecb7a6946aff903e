#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/device.h"

#define MAX_PLATFORMS 16
#define MAX_DEVICES_PER_PLATFORM 64

/* A driver's string that does not fit its field keeps its start and ends in "..." (a query into too small a buffer
 * fails, which used to leave "?" for every such name); the cut shows wherever the name does. */
static void keep_string(const char *full, char *out, size_t size)
{
    if (strlen(full) < size) snprintf(out, size, "%s", full);
    else snprintf(out, size, "%.*s...", (int)(size - 4), full);
}

/* The platform's string when device is NULL, else the device's. */
static cl_int query_info(cl_platform_id platform, cl_device_id device, cl_uint what, size_t size, void *value,
                         size_t *needed)
{
    return device ? clGetDeviceInfo(device, what, size, value, needed)
                  : clGetPlatformInfo(platform, what, size, value, needed);
}

static void info_string(cl_platform_id platform, cl_device_id device, cl_uint what, char *out, size_t size)
{
    size_t needed = 0;
    char *full = NULL;
    snprintf(out, size, "?");
    if (query_info(platform, device, what, 0, NULL, &needed) != CL_SUCCESS || needed == 0) return;
    if ((full = calloc(needed + 1, 1)) && query_info(platform, device, what, needed, full, NULL) == CL_SUCCESS)
        keep_string(full, out, size);
    free(full);
}

static void device_string(cl_device_id device, cl_device_info what, char *out, size_t size)
{
    info_string(NULL, device, what, out, size);
}

static uint64_t device_ulong(cl_device_id device, cl_device_info what)
{
    cl_ulong value = 0;
    clGetDeviceInfo(device, what, sizeof value, &value, NULL);
    return value;
}

static cl_uint device_uint(cl_device_id device, cl_device_info what)
{
    cl_uint value = 0;
    clGetDeviceInfo(device, what, sizeof value, &value, NULL);
    return value;
}

static int has_extension(cl_device_id device, const char *name)
{
    size_t size = 0;
    if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, 0, NULL, &size) != CL_SUCCESS || size == 0) return 0;
    char *extensions = malloc(size + 1);
    if (!extensions) return 0;
    int found = 0;
    if (clGetDeviceInfo(device, CL_DEVICE_EXTENSIONS, size, extensions, NULL) == CL_SUCCESS) {
        extensions[size] = '\0';
        size_t len = strlen(name);
        for (char *p = strstr(extensions, name); p && !found; p = strstr(p + 1, name))
            found = (p == extensions || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0');
    }
    free(extensions);
    return found;
}

static const char *type_name(cl_device_type type)
{
    if (type & CL_DEVICE_TYPE_GPU) return "GPU";
    if (type & CL_DEVICE_TYPE_CPU) return "CPU";
    if (type & CL_DEVICE_TYPE_ACCELERATOR) return "ACCELERATOR";
    return "OTHER";
}

static void describe_device(cl_platform_id platform, cl_device_id device, tfb_device_info *info)
{
    memset(info, 0, sizeof *info);
    info_string(platform, NULL, CL_PLATFORM_NAME, info->platform, sizeof info->platform);
    device_string(device, CL_DEVICE_NAME, info->name, sizeof info->name);
    device_string(device, CL_DEVICE_VENDOR, info->vendor, sizeof info->vendor);
    device_string(device, CL_DEVICE_VERSION, info->version, sizeof info->version);
    device_string(device, CL_DRIVER_VERSION, info->driver, sizeof info->driver);
    cl_device_type type = 0;
    clGetDeviceInfo(device, CL_DEVICE_TYPE, sizeof type, &type, NULL);
    snprintf(info->type, sizeof info->type, "%s", type_name(type));
    info->is_cpu = (type & CL_DEVICE_TYPE_CPU) != 0;
    info->compute_units = device_uint(device, CL_DEVICE_MAX_COMPUTE_UNITS);
    info->clock_mhz = device_uint(device, CL_DEVICE_MAX_CLOCK_FREQUENCY);
    info->global_mem_bytes = device_ulong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
    info->max_alloc_bytes = device_ulong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    info->local_mem_bytes = device_ulong(device, CL_DEVICE_LOCAL_MEM_SIZE);
    info->global_cache_bytes = device_ulong(device, CL_DEVICE_GLOBAL_MEM_CACHE_SIZE);
    clGetDeviceInfo(device, CL_DEVICE_MAX_WORK_GROUP_SIZE, sizeof info->max_work_group_size,
                    &info->max_work_group_size, NULL);
    cl_device_fp_config fp64 = 0;
    clGetDeviceInfo(device, CL_DEVICE_DOUBLE_FP_CONFIG, sizeof fp64, &fp64, NULL);
    info->fp64 = fp64 != 0 || has_extension(device, "cl_khr_fp64");
    info->fp16 = has_extension(device, "cl_khr_fp16");
    const char *force = getenv("TFB_GPU_KERNELS");
    info->gpu_kernels = !info->is_cpu || (force && strcmp(force, "1") == 0);
}

void tfb_device_refresh_limits(cl_device_id device, tfb_device_info *info)
{
    uint64_t global = device_ulong(device, CL_DEVICE_GLOBAL_MEM_SIZE);
    uint64_t alloc = device_ulong(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    if (global) info->global_mem_bytes = global;
    if (alloc) info->max_alloc_bytes = alloc;
}

static int append_platform_devices(cl_platform_id platform, tfb_device_entry **list, size_t *count, tfb_error *err)
{
    cl_device_id devices[MAX_DEVICES_PER_PLATFORM];
    cl_uint found = 0;
    cl_int status = clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, MAX_DEVICES_PER_PLATFORM, devices, &found);
    if (status == CL_DEVICE_NOT_FOUND) return TFB_OK;
    TFB_CL_CHECK(err, "clGetDeviceIDs", status);
    if (found > MAX_DEVICES_PER_PLATFORM) found = MAX_DEVICES_PER_PLATFORM;
    tfb_device_entry *grown = realloc(*list, (*count + found) * sizeof **list);
    if (!grown) return tfb_fail(err, "out of memory listing devices");
    *list = grown;
    for (cl_uint i = 0; i < found; i++) {
        tfb_device_entry *entry = &grown[(*count)++];
        entry->platform = platform;
        entry->device = devices[i];
        describe_device(platform, devices[i], &entry->info);
    }
    return TFB_OK;
}

/* pocl: the POCL_* variables the user set (before tfbench set any), "" when none */
static int no_platform(const char *pocl, tfb_error *err)
{
    if (pocl[0])
        return tfb_fail(err, "no OpenCL device found, and PoCL's environment is set (%s): PoCL shows no device when "
                        "one of these is wrong; unset them to try without, or install your GPU's OpenCL driver "
                        "(and check /etc/OpenCL/vendors/*.icd)", pocl);
    return tfb_fail(err,
                    "no OpenCL platform found: the OpenCL ICD loader (ocl-icd-libopencl1) found no driver. "
                    "Install PoCL for the CPU (apt-get install pocl-opencl-icd) or your GPU's OpenCL driver, "
                    "and check /etc/OpenCL/vendors/*.icd");
}

int tfb_devices_enumerate(tfb_device_entry **out, size_t *count, tfb_error *err)
{
    cl_platform_id platforms[MAX_PLATFORMS];
    cl_uint platform_count = 0;
    char pocl[1024];
    *out = NULL;
    *count = 0;
    tfb_driver_env_describe(pocl, sizeof pocl);
    if (tfb_driver_env_check(err) != TFB_OK) return TFB_ERROR;
    tfb_pin_cpu_driver_threads();  /* before PoCL starts its workers */
    cl_int status = clGetPlatformIDs(MAX_PLATFORMS, platforms, &platform_count);
    if (status == -1001 /* CL_PLATFORM_NOT_FOUND_KHR */ || (status == CL_SUCCESS && platform_count == 0))
        return no_platform(pocl, err);
    TFB_CL_CHECK(err, "clGetPlatformIDs", status);
    if (platform_count > MAX_PLATFORMS) platform_count = MAX_PLATFORMS;
    for (cl_uint p = 0; p < platform_count; p++) {
        if (append_platform_devices(platforms[p], out, count, err) != TFB_OK) {
            free(*out);
            *out = NULL;
            *count = 0;
            return TFB_ERROR;
        }
    }
    if (*count == 0) return no_platform(pocl, err);
    return TFB_OK;
}

static int contains_ignore_case(const char *haystack, const char *needle)
{
    size_t n = strlen(needle);
    for (; *haystack; haystack++) {
        size_t i = 0;
        while (i < n && haystack[i] && tolower((unsigned char)haystack[i]) == tolower((unsigned char)needle[i])) i++;
        if (i == n) return 1;
    }
    return n == 0;
}

int tfb_device_find(const tfb_device_entry *list, size_t count, const char *spec, size_t *index, tfb_error *err)
{
    char *end = NULL;
    unsigned long number = strtoul(spec, &end, 10);
    if (*spec && isdigit((unsigned char)*spec) && end && *end == '\0') {
        if (number < count) {
            *index = number;
            return TFB_OK;
        }
        return tfb_fail(err, "no OpenCL device %s (run tfbench --list)", spec);
    }
    for (size_t i = 0; *spec && i < count; i++) {
        if (contains_ignore_case(list[i].info.name, spec)) {
            *index = i;
            return TFB_OK;
        }
    }
    return tfb_fail(err, "no OpenCL device matching \"%s\" (run tfbench --list)", spec);
}

static double gib(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0 * 1024.0);
}

void tfb_devices_print(const tfb_device_entry *list, size_t count, FILE *out)
{
    const char *last_platform = NULL;
    for (size_t i = 0; i < count; i++) {
        const tfb_device_info *d = &list[i].info;
        if (!last_platform || strcmp(last_platform, d->platform) != 0) fprintf(out, "Platform: %s\n", d->platform);
        last_platform = d->platform;
        fprintf(out, "  [%zu] %s\n", i, d->name);
        fprintf(out, "      vendor %s, type %s, %u compute units, %u MHz\n", d->vendor, d->type, d->compute_units,
                d->clock_mhz);
        fprintf(out, "      global memory %.2f GiB, max allocation %.2f GiB, local memory %.0f KiB\n",
                gib(d->global_mem_bytes), gib(d->max_alloc_bytes), (double)d->local_mem_bytes / 1024.0);
        fprintf(out, "      fp64 %s, fp16 %s, %s, driver %s\n", d->fp64 ? "yes" : "no", d->fp16 ? "yes" : "no",
                d->version, d->driver);
        if (d->is_cpu && d->gpu_kernels) fprintf(out, "      kernels shaped for GPUs (TFB_GPU_KERNELS=1)\n");
    }
}
