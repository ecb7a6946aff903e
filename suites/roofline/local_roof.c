/* The local roof (tfbench/read_probe.h, tfb_local_roof_measure): the read probe's widest kernel over one buffer and
 * the peak suite's fp32 FMA chains, both kept for the whole run, so each case's samples are bracketed by the read
 * bandwidth and the compute rate of their own seconds. */
#include <stdlib.h>
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"

#define LOCAL_ROOF_READS 3           /* timed executions per side; their median is the figure (one slow first of them
                                      * after the case's own kernels does not move it) */
/* The buffer stays allocated all run, so it is bounded whatever the cache: 2x this VM's 32 MiB L3, which a cyclic
 * read misses almost wholly; on a larger cache it reads partly from the cache, and compare uses only its ratios. */
#define LOCAL_ROOF_MAX_BYTES (64ull << 20)
#define LOCAL_PEAK_SECONDS 0.002     /* one FMA execution of the peak probe */

typedef struct local_roof {
    tfb_read_probe *read;            /* NULL: no room for it (the read side stays 0) */
    void *peak;                      /* the peak suite's state; NULL: not measurable */
} local_roof;

static void open_read(tfb_run *run, local_roof *l)
{
    tfb_error err = {{0}};
    tfb_read_probe *p = calloc(1, sizeof *p);
    uint64_t bytes = tfb_run_out_of_cache_bytes(run);
    if (p && tfb_read_probe_setup_bytes(run, p, bytes < LOCAL_ROOF_MAX_BYTES ? bytes : LOCAL_ROOF_MAX_BYTES, &err) ==
                 TFB_OK) {
        l->read = p;
        return;
    }
    tfb_run_note(run, "local roof: no read probe: %s\n", p ? err.message : "out of memory");
    if (p) tfb_read_probe_release(p);
    free(p);
}

static void open_peak(tfb_run *run, local_roof *l)
{
    tfb_error err = {{0}};
    if (tfb_peak_probe_open(run, LOCAL_PEAK_SECONDS, &l->peak, &err) != TFB_OK)
        tfb_run_note(run, "local roof: no peak probe: %s\n", err.message);
}

static int measure_read(tfb_run *run, tfb_read_probe *p, double *gbps, tfb_error *err)
{
    tfb_timing_policy policy = {.min_reps = LOCAL_ROOF_READS, .max_reps = LOCAL_ROOF_READS};
    tfb_work work = {&p->launches[p->variants - 1], 1, 1};
    tfb_stats time;
    if (tfb_device_poison(run->ctx, p->partial, p->items * sizeof(float), err) != TFB_OK ||
        tfb_work_time(run->ctx, &work, &policy, &time, err) != TFB_OK ||
        tfb_read_probe_check_last(run, p, err) != TFB_OK)
        return TFB_ERROR;
    double bytes = (double)(p->count + p->items) * sizeof(float);
    *gbps = time.median > 0 ? bytes / time.median * 1e-9 : 0.0;
    return TFB_OK;
}

int tfb_local_roof_measure(tfb_run *run, double *read_gbps, double *peak_gflops, tfb_error *err)
{
    *read_gbps = *peak_gflops = 0.0;
    if (!run->local_roof_state) {
        local_roof *l = calloc(1, sizeof *l);
        if (!l) return tfb_fail(err, "out of memory for the local roof");
        open_read(run, l);
        open_peak(run, l);
        run->local_roof_state = l;
    }
    local_roof *l = run->local_roof_state;
    if (!l->read && !l->peak) return tfb_skip(err, "neither probe could be set up");
    if (l->read && measure_read(run, l->read, read_gbps, err) != TFB_OK) return TFB_ERROR;
    if (l->peak && tfb_peak_probe_measure(run, l->peak, LOCAL_ROOF_READS, peak_gflops, err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

void tfb_local_roof_release(tfb_run *run)
{
    local_roof *l = run->local_roof_state;
    if (!l) return;
    if (l->read) tfb_read_probe_release(l->read);
    free(l->read);
    if (l->peak) tfb_peak_probe_close(l->peak);
    free(l);
    run->local_roof_state = NULL;
}
