/* PoCL's CPU worker threads, pinned one per core (POCL_AFFINITY=1) unless the user decided: measured on a 2-core
 * VM with a busy loop on the second core, unpinned workers let 2-10 ms GEMVs run at half speed (+98% .. +108%)
 * while the read ceiling lost 40%, so a comparison normalized by the ceilings called 9 of 43 benchmarks
 * regressions; pinned, the ceilings lost 19-26%, the GEMVs about as much, and 3 of 43 were called. Quiet runs are
 * unchanged (one regression, 41 unchanged of 43, against the unpinned run). */
#define _GNU_SOURCE  /* sched_getaffinity, CPU_ISSET */
#include <sched.h>
#include <stdlib.h>
#include <unistd.h>
#include "tfbench/device.h"

/* PoCL pins worker i to CPU i, and aborts when that CPU is not the process's to use: only when this process may
 * run on every online CPU (no taskset, no cpuset). */
static int owns_every_cpu(void)
{
    cpu_set_t mask;
    long online = sysconf(_SC_NPROCESSORS_ONLN);
    if (online <= 0 || online > CPU_SETSIZE || sched_getaffinity(0, sizeof mask, &mask) != 0) return 0;
    for (long cpu = 0; cpu < online; cpu++)
        if (!CPU_ISSET((int)cpu, &mask)) return 0;
    return 1;
}

/* PoCL counts its workers from hwloc (or POCL_MAX_PTHREAD_COUNT): a topology override may name CPUs this machine
 * lacks, and a worker pinned to one of them would stop the process. */
static int worker_count_may_differ(void)
{
    return getenv("HWLOC_SYNTHETIC") || getenv("HWLOC_XMLFILE") || getenv("POCL_MAX_PTHREAD_COUNT");
}

int tfb_pin_cpu_driver_threads(void)
{
    if (getenv("POCL_AFFINITY") || worker_count_may_differ() || !owns_every_cpu()) return 0;
    return setenv("POCL_AFFINITY", "1", 0) == 0;
}
