/* The read kernel's two run-level uses besides the stream suite. The measured-plateau ladder (tfbench/sizing.h,
 * tfb_sizing_ladder): before the suites run, the read kernel over growing prefixes of one buffer as large as 4x
 * the reported cache (under --quick first half the floor and the floor only, tfb_sizing_quick_ladder), the rungs
 * timed alternately round by round so a shared machine's drift moves them alike; the medians decide whether a
 * smaller working set is already on the final plateau (tfb_sizing_apply_ladder). And the read ceiling measured
 * again after the suites (tfb_run_recheck_read_ceiling). */
#include <stdio.h>
#include <string.h>
#include "tfbench/fill.h"
#include "tfbench/read_probe.h"
#include "tfbench/stats.h"
#include "tfbench/suite.h"

#define LADDER_ROUNDS 5
#define QUICK_TRIES 3    /* timings of the short ladder before it gives way to the full one */

typedef struct ladder {
    tfb_read_probe probe;
    uint64_t bytes[TFB_LADDER_MAX];
    size_t items[TFB_LADDER_MAX];
    double seconds[TFB_LADDER_MAX][LADDER_ROUNDS];
    size_t rungs;
} ladder;

/* One round unrecorded first (warm-up), then LADDER_ROUNDS; each round reads the rungs smallest first, so the last
 * execution reads the whole buffer and its partial sums can be checked. */
static int time_rungs(tfb_run *run, ladder *l, tfb_error *err)
{
    if (tfb_device_poison(run->ctx, l->probe.partial, l->probe.items * sizeof(float), err) != TFB_OK)
        return TFB_ERROR;
    for (int round = -1; round < LADDER_ROUNDS; round++)
        for (size_t r = 0; r < l->rungs; r++) {
            double seconds;
            if (tfb_read_probe_time_items(run, &l->probe, l->items[r], &seconds, err) != TFB_OK) return TFB_ERROR;
            if (round >= 0) l->seconds[r][round] = seconds;
        }
    return tfb_read_probe_check_last(run, &l->probe, err);
}

static void points_of(const ladder *l, tfb_ladder_point *points)
{
    for (size_t r = 0; r < l->rungs; r++) {
        double median = tfb_median(l->seconds[r], LADDER_ROUNDS);
        double bytes = (double)(l->items[r] * l->probe.item_floats + l->items[r]) * sizeof(float);
        points[r] = (tfb_ladder_point){l->bytes[r], median > 0 ? bytes / median * 1e-9 : 0.0};
    }
}

/* The rungs of l->bytes timed inside one buffer of the top rung's size, released before returning (its pages go
 * back before a larger ladder touches more). Up to `tries` timings while the first rung reads more than 5% faster
 * than the top one (the short ladder's question: a shared machine's noise alone can part two DRAM rungs). */
static int measure(tfb_run *run, ladder *l, size_t tries, tfb_ladder_point *points, tfb_error *err)
{
    uint64_t top = l->bytes[l->rungs - 1];
    if (top > run->ctx->info.max_alloc_bytes)
        return tfb_skip(err, "the read ladder's top rung (4x the cache) does not fit one allocation");
    int rc = tfb_read_probe_setup_bytes(run, &l->probe, top, err);
    for (size_t r = 0; rc == TFB_OK && r < l->rungs; r++) {
        l->items[r] = tfb_read_probe_items_of(&l->probe, l->bytes[r]);
        if (l->items[r] == 0) rc = tfb_skip(err, "the read ladder's buffer is too small");
    }
    if (rc == TFB_OK && l->items[l->rungs - 1] != l->probe.items)
        rc = tfb_skip(err, "the read ladder's top rung does not fill its buffer");
    for (size_t t = 0; rc == TFB_OK && t < tries; t++) {
        rc = time_rungs(run, l, err);
        if (rc == TFB_OK) points_of(l, points);
        if (rc == TFB_OK && tfb_plateau_agrees(points[l->rungs - 1].gbps, points[0].gbps)) break;
    }
    tfb_read_probe_release(&l->probe);
    return rc;
}

/* --quick first reads half the floor and the floor: when they agree the full ladder (up to 4x the cache) is not
 * needed, and the run's peak memory stays near the floor. */
static int measure_ladders(tfb_run *run, tfb_error *err)
{
    tfb_ladder_point points[TFB_LADDER_MAX];
    if (run->workload->quick) {
        ladder quick = {.rungs = 0};
        quick.rungs = tfb_sizing_quick_ladder(&run->sizing, quick.bytes, TFB_LADDER_MAX);
        if (quick.rungs) {
            int rc = measure(run, &quick, QUICK_TRIES, points, err);
            if (rc != TFB_OK) return rc;
            if (tfb_sizing_apply_quick_ladder(&run->sizing, points, quick.rungs)) return TFB_OK;
            tfb_run_note(run, "read ladder: %.1f GB/s at 256 MiB vs %.1f at 512 MiB, more than 5%% apart: the full "
                         "ladder runs (up to 4x the cache)\n", points[0].gbps, points[1].gbps);
        }
    }
    ladder l = {.rungs = 0};
    l.rungs = tfb_sizing_ladder(&run->sizing, l.bytes, TFB_LADDER_MAX);
    if (l.rungs == 0) return TFB_OK;
    int rc = measure(run, &l, 1, points, err);
    if (rc == TFB_OK) tfb_sizing_apply_ladder(&run->sizing, points, l.rungs);
    return rc;
}

/* The ladder touched up to 4x the cache; the suites after it hold less (tfb_run_trim_host_memory). */
int tfb_run_measure_ladder(tfb_run *run, tfb_error *err)
{
    int rc = measure_ladders(run, err);
    tfb_run_trim_host_memory(run);
    return rc;
}

/* context.ceilings.read_recheck: what the second measurement read, beside the stream suite's figure. */
static void record_recheck(tfb_run *run, double stream_gbps, double gbps, const tfb_read_probe *p)
{
    tfb_ceilings *ceil = &run->results->ceilings;
    if (!ceil->extra) ceil->extra = cJSON_CreateObject();
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "stream_gbps", stream_gbps);
    cJSON_AddNumberToObject(o, "gbps", gbps);
    cJSON_AddNumberToObject(o, "vector_width", p->best_vec);
    cJSON_AddNumberToObject(o, "prefetch_bytes_ahead", p->best_prefetch);
    cJSON_AddNumberToObject(o, "working_set_bytes", (double)(p->count * sizeof(float)));
    cJSON_DeleteItemFromObjectCaseSensitive(ceil->extra, "read_recheck");
    cJSON_AddItemToObject(ceil->extra, "read_recheck", o);
}

int tfb_run_recheck_read_ceiling(tfb_run *run, tfb_error *err)
{
    tfb_ceilings *ceil = &run->results->ceilings;
    if (!(ceil->bandwidth_read_gbps > 0) || strncmp(ceil->bandwidth_read_source, "stream/", 7) != 0) return TFB_OK;
    tfb_read_probe p = {0};
    double gbps = 0.0, stream_gbps = ceil->bandwidth_read_gbps;
    int rc = tfb_read_probe_setup(run, &p, err);
    if (rc == TFB_OK) rc = tfb_read_probe_measure(run, &p, 1, &gbps, err);
    if (rc == TFB_OK && tfb_sizing_out_of_cache(&run->sizing, p.count * sizeof(float))) {
        char name[192];
        snprintf(name, sizeof name, "%.120s (end of run)", ceil->bandwidth_read_source);
        record_recheck(run, stream_gbps, gbps, &p);
        tfb_ceilings_offer_bandwidth(ceil, 1, gbps, name);
        tfb_ceilings_derive(ceil);
    }
    tfb_read_probe_release(&p);
    return rc;
}
