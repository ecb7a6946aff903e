/* The local roof (tfbench/read_probe.h, tfb_local_roof_measure): the read probe's widest kernel, a few reads of one
 * buffer kept for the whole run, so each case's samples are bracketed by the read bandwidth of their own minutes. */
#include <stdlib.h>
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"

#define LOCAL_ROOF_READS 3           /* timed reads per side (after one warm-up); their median is the figure */
#define LOCAL_ROOF_MAX_BYTES (128ull << 20)  /* the buffer stays allocated all run: bounded, whatever the cache */

static int open_probe(tfb_run *run, tfb_read_probe **out, tfb_error *err)
{
    tfb_read_probe *p = calloc(1, sizeof *p);
    if (!p) return tfb_fail(err, "out of memory for the local roof's probe");
    uint64_t bytes = tfb_run_out_of_cache_bytes(run);
    int rc = tfb_read_probe_setup_bytes(run, p, bytes < LOCAL_ROOF_MAX_BYTES ? bytes : LOCAL_ROOF_MAX_BYTES, err);
    if (rc != TFB_OK) {
        tfb_read_probe_release(p);
        free(p);
        return rc;
    }
    *out = p;
    return TFB_OK;
}

int tfb_local_roof_measure(tfb_run *run, double *gbps, tfb_error *err)
{
    *gbps = 0.0;
    if (!run->local_roof_state) {
        tfb_read_probe *p = NULL;
        int rc = open_probe(run, &p, err);
        if (rc != TFB_OK) return rc;
        run->local_roof_state = p;
    }
    tfb_read_probe *p = run->local_roof_state;
    tfb_timing_policy policy = {.warmup = 1, .min_reps = LOCAL_ROOF_READS, .max_reps = LOCAL_ROOF_READS};
    tfb_work work = {&p->launches[p->variants - 1], 1, 1};
    tfb_stats time;
    if (tfb_device_poison(run->ctx, p->partial, p->items * sizeof(float), err) != TFB_OK ||
        tfb_work_time(run->ctx, &work, &policy, &time, err) != TFB_OK || tfb_read_probe_check_last(run, p, err) != TFB_OK)
        return TFB_ERROR;
    double bytes = (double)(p->count + p->items) * sizeof(float);
    *gbps = time.median > 0 ? bytes / time.median * 1e-9 : 0.0;
    return TFB_OK;
}

void tfb_local_roof_release(tfb_run *run)
{
    tfb_read_probe *p = run->local_roof_state;
    if (p) tfb_read_probe_release(p);
    free(p);
    run->local_roof_state = NULL;
}
