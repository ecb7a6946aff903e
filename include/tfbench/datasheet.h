/* Published figures of the devices the lecture names, so a run on a known device shows datasheet vs measured. */
#ifndef TFBENCH_DATASHEET_H
#define TFBENCH_DATASHEET_H

#include <stddef.h>

typedef struct tfb_datasheet {
    const char *name;         /* "H100 SXM" */
    const char *match;        /* lowercase substring of the OpenCL device name that identifies it, or NULL */
    double bandwidth_gbps;    /* memory bandwidth, GB/s (1e9) */
    double fp16_gflops;       /* dense fp16/bf16 tensor (matrix) rate */
    double fp32_gflops;       /* non-tensor fp32 */
    double fp64_gflops;
    double memory_gb;
    const char *note;
} tfb_datasheet;

const tfb_datasheet *tfb_datasheets(size_t *count);
/* By name, case-insensitive, ignoring spaces and dashes: "h100-sxm", "H100 SXM", "a100". */
const tfb_datasheet *tfb_datasheet_find(const char *name);
/* The entry whose `match` occurs in an OpenCL device name, or NULL. */
const tfb_datasheet *tfb_datasheet_for_device(const char *device_name, double global_mem_gb);

#endif
