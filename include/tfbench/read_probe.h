/* Read bandwidth right now, for a suite that needs its roof measured beside its own timing (the layer suite
 * brackets a decode step with it): the stream suite's read_sum kernel (kernels/stream.cl) at each of its vector
 * widths (on a CPU also the widest with software prefetch) over one buffer of the run's out-of-cache size (within
 * one allocation), timed like every kernel, its partial sums checked (a seeded sample one by one, and their exact
 * total); the best variant's figure, as the stream suite's read ceiling is its best variant's. */
#ifndef TFBENCH_READ_PROBE_H
#define TFBENCH_READ_PROBE_H

#include "tfbench/suite.h"

/* The read kernel's layout, shared by the stream suite and the probe (one definition, so the probe reads exactly as
 * the read ceiling was measured): the widths, the 1/256 input grid on which every partial sum is exact
 * (tfb_device_fill_grid), floats per work-item (CPU: a 128 KiB block, long streams for the prefetchers; GPU: enough
 * work-groups to fill it at a few hundred MiB) and the work-group sizes. */
#define TFB_STREAM_VEC_WIDTHS {1, 4, 8, 16}
#define TFB_READ_PROBE_VARIANTS 5  /* the widths, then (CPUs) the widest with prefetch */
#define TFB_READ_PREFETCH_CPU 1024u /* bytes ahead (kernels/stream.cl READ_PREFETCH) */
#define TFB_READ_GRID_BITS 8
#define TFB_READ_ITEM_FLOATS_CPU 32768u
#define TFB_READ_ITEM_FLOATS_GPU 256u
#define TFB_READ_GROUP_CPU 8u
#define TFB_READ_GROUP_GPU 256u

typedef struct tfb_read_probe {
    cl_mem data, partial;
    cl_kernel kernels[TFB_READ_PROBE_VARIANTS];
    tfb_launch launches[TFB_READ_PROBE_VARIANTS];
    size_t variants;          /* kernels in use: 4 on a GPU, 5 on a CPU */
    size_t count, items, item_floats;  /* floats read, work-items (one partial sum each), floats per item */
    size_t group;             /* work-group size; GPU layout (interleaved blocks) when `interleaved` */
    int interleaved;
    uint32_t seed;
    double total;             /* the exact sum of every input, which the partial sums must make */
    size_t best;              /* the variant of the last measurement's figure */
    unsigned best_vec, best_prefetch;   /* its width and prefetch distance (0: none) */
} tfb_read_probe;

/* The read kernel's build options (kernels/stream.cl read_sum), for the stream suite and the probe alike: the
 * width, floats per item, the CPU layout unless `interleaved`, and READ_PREFETCH when prefetch > 0. */
void tfb_read_kernel_options(char *out, size_t size, unsigned vec, size_t item_floats, int interleaved,
                             unsigned prefetch);
/* TFB_SKIP (with the reason) when the device has no room for the buffer. */
int tfb_read_probe_setup(tfb_run *run, tfb_read_probe *p, tfb_error *err);
/* About 0.05-0.1 s of samples per variant; *gbps = bytes read and written / median time, the best variant's. With
 * `all` 0, only the variant that won the previous measurement (a bracket's second side reads as its first did). */
int tfb_read_probe_measure(tfb_run *run, tfb_read_probe *p, int all, double *gbps, tfb_error *err);
/* The same over `bytes` (within one allocation) instead of the run's out-of-cache size: the ladder's buffer. */
int tfb_read_probe_setup_bytes(tfb_run *run, tfb_read_probe *p, uint64_t bytes, tfb_error *err);
/* Work-items that read the first `bytes` of the buffer (whole work-groups, at most all of them). */
size_t tfb_read_probe_items_of(const tfb_read_probe *p, uint64_t bytes);
/* One execution of the last variant (the widest; on a CPU with prefetch) over the first `items` work-items' blocks,
 * device-timed: the ladder's sample of a smaller working set inside the same buffer. */
int tfb_read_probe_time_items(tfb_run *run, tfb_read_probe *p, size_t items, double *seconds, tfb_error *err);
/* Checks the partial sums left by the last execution, which must have read the whole buffer with the last variant. */
int tfb_read_probe_check_last(tfb_run *run, tfb_read_probe *p, tfb_error *err);
void tfb_read_probe_release(tfb_read_probe *p);

/* After tfb_run_resolve_sizing, when 4x the reported cache is above the floor (tfb_sizing_ladder): reads growing
 * working sets up to it and lowers the out-of-cache size to where the final plateau measurably starts (the rule
 * `measured_plateau`). TFB_SKIP with the reason when it cannot measure; the sizing then stays as resolved. The run
 * calls it and the recheck below through the catalog (tfbench/session.h), suites/registry.c's table. */
int tfb_run_measure_ladder(tfb_run *run, tfb_error *err);
/* After the suites, when the stream suite set the read ceiling: the read kernel at every variant once more over the
 * run's out-of-cache size (tfb_read_probe); the ceiling becomes the better of the two, recorded in
 * context.ceilings.read_recheck. A shared machine drifts within a run (a fresh clone's first run read 33.6 GB/s in
 * the stream suite and 35.0 in the layer suite's bracket a minute later), and a ceiling from a slow minute put the
 * GEMVs at 105-108% of it. */
int tfb_run_recheck_read_ceiling(tfb_run *run, tfb_error *err);
/* The local roof (docs/compare.md#the-local-roof): read bandwidth and fp32 peak right before and right after a case's
 * samples, for `tfbench compare` to judge the case against the machine of its own seconds (a VM's memory changes
 * speed inside a run). Read: three reads of one buffer (the out-of-cache size, at most 64 MiB) with the widest read
 * kernel, checked. Peak: the peak suite's fp32 FMA chains sized to ~2 ms, three executions. The median of each. Both are kept in run->local_roof_state until tfb_local_roof_release; a figure that cannot be measured
 * (no room for the buffer) is 0 and the other still counts. */
int tfb_local_roof_measure(tfb_run *run, double *read_gbps, double *peak_gflops, tfb_error *err);
void tfb_local_roof_release(tfb_run *run);
/* The peak suite's fp32 case as a probe (suites/roofline/peak.c): checked once, executions sized to target_s. */
int tfb_peak_probe_open(tfb_run *run, double target_s, void **state, tfb_error *err);
/* GFLOP/s of the median of `reps` executions (no warm-up: the median drops one slow first). */
int tfb_peak_probe_measure(tfb_run *run, void *state, unsigned reps, double *gflops, tfb_error *err);
void tfb_peak_probe_close(void *state);

#endif
