/* Host topology from hwloc, recorded in every result file. */
#ifndef TFBENCH_HOST_H
#define TFBENCH_HOST_H

#include <stdint.h>
#include "tfbench/device.h"

typedef struct tfb_host_info {
    char cpu_model[256];
    char hostname[128];
    char os[128];
    unsigned packages, cores, pus, numa_nodes;
    uint64_t l1d_bytes, l2_bytes, l3_bytes;   /* per cache instance; 0 when unknown */
    uint64_t l3_total_bytes;                  /* all L3 instances together */
    uint64_t total_memory_bytes;
    char cpu_flags_simd[64];                  /* "avx512f", "avx2", "sse4_2", ... the widest found */
    char device_pci[128];                     /* PCI bus id and locality of the selected device, where known */
} tfb_host_info;

/* device may be NULL; for a PCI device (a GPU) its bus id and locality are recorded where hwloc knows them. */
int tfb_host_probe(tfb_host_info *host, cl_device_id device);
/* The working set a memory-bound figure needs to be out of cache: 4x the last-level cache, at least
 * TFB_SIZING_FLOOR (what tfbench-native uses; tfbench itself decides per run, see sizing.h). */
uint64_t tfb_host_out_of_cache_bytes(const tfb_host_info *host);
uint64_t tfb_host_last_level_cache(const tfb_host_info *host);

#endif
