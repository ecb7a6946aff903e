/* How big a memory-bound working set must be to be out of cache, and how big it may be on this device: decided
 * once per run from the device's limits (read when the context opens) and the cache sizes, free of OpenCL so the
 * decisions are unit-tested on synthetic devices. */
#ifndef TFBENCH_SIZING_H
#define TFBENCH_SIZING_H

#include <stddef.h>
#include <stdint.h>
#include "tfbench/checked.h"

/* What the decision looks at. */
typedef struct tfb_memory_view {
    int is_cpu;
    uint64_t last_level_cache;   /* CPU: the host's last-level cache, all instances; GPU: the global memory cache */
    const char *cache_name;      /* "L3 (hwloc)", "global memory cache": said in the messages */
    uint64_t global_mem_bytes;
    uint64_t max_alloc_bytes;
} tfb_memory_view;

typedef enum tfb_ooc_rule {
    TFB_OOC_4X_LLC,           /* a CPU working set >= 4x the last-level cache */
    TFB_OOC_GPU_CACHE,        /* a GPU working set >= 4x its global memory cache (at least 64 MiB) */
    TFB_OOC_PLATEAU_CHECK,    /* 4x was out of reach: the largest reachable size counts only if the bandwidth at
                               * half of it agrees within 5% (the final plateau) */
    TFB_OOC_MEASURED,         /* 4x the reported cache was within reach and above the floor, and a read ladder from
                               * the floor up to it showed the final plateau starting lower: sizes follow the data */
} tfb_ooc_rule;

/* One rung of the measured-plateau ladder: a working set and the read bandwidth measured over it. */
typedef struct tfb_ladder_point {
    uint64_t bytes;
    double gbps;
} tfb_ladder_point;
#define TFB_LADDER_MAX 8

typedef struct tfb_sizing {
    tfb_ooc_rule rule;
    uint64_t needed_bytes;    /* 4x the cache (the 64 MiB floor included) */
    uint64_t usable_bytes;    /* what the run may spread one rotating working set over: 3/4 of global memory */
    uint64_t target_bytes;    /* what suites size their rotating working sets to: min(needed, usable) */
    uint64_t cache_bytes;
    uint64_t max_alloc_bytes;
    const char *cache_name;
    /* Plateau rule only: the smallest working set the check proved to be on the final plateau (0: not proved). */
    uint64_t plateau_bytes;
    double plateau_full_gbps, plateau_half_gbps;
    /* The read ladder (tfb_sizing_ladder), smallest first, its last rung at 4x the cache; ladder_count 0: not
     * measured. topology_bytes keeps 4x the cache when the measured rule lowered needed_bytes. */
    tfb_ladder_point ladder[TFB_LADDER_MAX];
    size_t ladder_count;
    uint64_t topology_bytes;
    int ladder_short;         /* --quick's two rungs (half the floor, the floor) agreed: the full ladder never ran,
                               * and the first rung is the out-of-cache size */
} tfb_sizing;

#define TFB_SIZING_FLOOR (512ull << 20)
#define TFB_PLATEAU_AGREEMENT 0.05

void tfb_sizing_decide(const tfb_memory_view *view, tfb_sizing *out);
const char *tfb_ooc_rule_name(tfb_ooc_rule rule);
/* 1 when a working set of this size counts as out of cache under the run's rule. */
int tfb_sizing_out_of_cache(const tfb_sizing *sizing, uint64_t working_set);
/* The plateau check: the bandwidth at half the largest reachable size is at most 5% above the bandwidth at the
 * whole size (a cache would make the half faster; a slower half is noise). */
int tfb_plateau_agrees(double full_gbps, double half_gbps);
/* Records the check; when the two agree, sizes >= half_bytes count as out of cache from now on. */
void tfb_sizing_record_plateau(tfb_sizing *sizing, uint64_t half_bytes, double full_gbps, double half_gbps);
/* The working sets a read ladder measures before the suites run, smallest first: the floor, doubling while below
 * 4x the cache, then 4x the cache itself. 0 when there is nothing to gain: the plateau rule, or 4x the cache at
 * the floor already. (hwloc reports a 480 MiB L3 on VMs whose DRAM plateau starts near 256 MiB: 1.88 GiB working
 * sets cost a run more in first touch, fills and checks than their measurement.) */
size_t tfb_sizing_ladder(const tfb_sizing *sizing, uint64_t *bytes, size_t max);
/* Records the measured ladder and, when every rung from some size up reads at most 5% faster than the top rung
 * (the reported cache's 4x: out of cache by the topology's own rule), lowers the out-of-cache size to the
 * smallest such rung under the measured rule. A rung without a figure stops the search below it. */
void tfb_sizing_apply_ladder(tfb_sizing *sizing, const tfb_ladder_point *points, size_t count);
/* --quick's short ladder, tried first when tfb_sizing_ladder has rungs: half the floor and the floor, read inside
 * one floor-sized buffer. When the two agree (tfb_plateau_agrees) half the floor, the first rung, already reads at
 * the plateau: it is recorded and becomes the out-of-cache size under the measured rule (a quick run's rotating
 * working sets, and with them its peak memory, halve), and 1 is returned; otherwise nothing is
 * recorded, 0 is returned and the full ladder runs (its top rung first-touches 4x the cache: 1.88 GiB on a VM whose
 * hwloc reports a 480 MiB L3, which a quick run does not need when 512 MiB already reads at DRAM speed). */
size_t tfb_sizing_quick_ladder(const tfb_sizing *sizing, uint64_t *bytes, size_t max);
int tfb_sizing_apply_quick_ladder(tfb_sizing *sizing, const tfb_ladder_point *points, size_t count);
/* Copies of `set_bytes` to rotate over so they reach the target, within usable memory and max_sets (>= 1). */
size_t tfb_sizing_sets(const tfb_sizing *sizing, uint64_t set_bytes, size_t max_sets);
/* One line saying which rule decided and with what sizes ("4x_llc: working sets >= 128 MiB (4 x 32 MiB L3)"). */
void tfb_sizing_describe(const tfb_sizing *sizing, char *out, size_t size);
/* Why no bandwidth figure qualified, for the output and the JSON ("" when one did or nothing was tried). */
void tfb_sizing_why_missing(const tfb_sizing *sizing, char *out, size_t size);

#endif
