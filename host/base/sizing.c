#include <math.h>
#include <stdio.h>
#include <string.h>
#include "tfbench/sizing.h"

void tfb_sizing_decide(const tfb_memory_view *view, tfb_sizing *out)
{
    uint64_t cache = view->last_level_cache;
    uint64_t needed = 4 * cache < TFB_SIZING_FLOOR ? TFB_SIZING_FLOOR : 4 * cache;
    /* A quarter of global memory stays free for the run's other buffers and the driver: PoCL derives its global
     * memory from free host memory, which moves while the run goes on. */
    uint64_t usable = view->global_mem_bytes / 4 * 3;
    *out = (tfb_sizing){
        .rule = view->is_cpu ? TFB_OOC_4X_LLC : TFB_OOC_GPU_CACHE,
        .needed_bytes = needed,
        .usable_bytes = usable,
        .target_bytes = needed,
        .cache_bytes = cache,
        .max_alloc_bytes = view->max_alloc_bytes,
        .cache_name = view->cache_name ? view->cache_name : "last-level cache",
    };
    if (needed > usable) {
        out->rule = TFB_OOC_PLATEAU_CHECK;
        out->target_bytes = usable;
    }
}

const char *tfb_ooc_rule_name(tfb_ooc_rule rule)
{
    switch (rule) {
    case TFB_OOC_4X_LLC: return "4x_llc";
    case TFB_OOC_GPU_CACHE: return "gpu_cache";
    case TFB_OOC_PLATEAU_CHECK: return "plateau_check";
    case TFB_OOC_MEASURED: return "measured_plateau";
    }
    return "unknown";
}

int tfb_sizing_out_of_cache(const tfb_sizing *sizing, uint64_t working_set)
{
    if (sizing->rule != TFB_OOC_PLATEAU_CHECK) return working_set >= sizing->needed_bytes;
    return sizing->plateau_bytes > 0 && working_set >= sizing->plateau_bytes;
}

int tfb_plateau_agrees(double full_gbps, double half_gbps)
{
    /* One-sided: a cache makes the smaller size faster; a half size that is slower is noise, not a cache. */
    if (!(full_gbps > 0) || !(half_gbps > 0)) return 0;
    return half_gbps <= (1.0 + TFB_PLATEAU_AGREEMENT) * full_gbps;
}

void tfb_sizing_record_plateau(tfb_sizing *sizing, uint64_t half_bytes, double full_gbps, double half_gbps)
{
    sizing->plateau_full_gbps = full_gbps;
    sizing->plateau_half_gbps = half_gbps;
    if (tfb_plateau_agrees(full_gbps, half_gbps) && (sizing->plateau_bytes == 0 || half_bytes < sizing->plateau_bytes))
        sizing->plateau_bytes = half_bytes;
}

size_t tfb_sizing_ladder(const tfb_sizing *sizing, uint64_t *bytes, size_t max)
{
    if (sizing->rule == TFB_OOC_PLATEAU_CHECK || sizing->needed_bytes <= TFB_SIZING_FLOOR || max == 0) return 0;
    size_t n = 0;
    for (uint64_t rung = TFB_SIZING_FLOOR; rung < sizing->needed_bytes && n + 1 < max; rung *= 2) bytes[n++] = rung;
    bytes[n++] = sizing->needed_bytes;
    return n;
}

void tfb_sizing_apply_ladder(tfb_sizing *sizing, const tfb_ladder_point *points, size_t count)
{
    if (count > TFB_LADDER_MAX) count = TFB_LADDER_MAX;
    memcpy(sizing->ladder, points, count * sizeof *points);
    sizing->ladder_count = count;
    if (count < 2 || points[count - 1].bytes != sizing->needed_bytes) return;
    double top = points[count - 1].gbps;
    size_t lowest = count - 1;
    while (lowest > 0 && tfb_plateau_agrees(top, points[lowest - 1].gbps)) lowest--;
    if (lowest == count - 1) return;
    sizing->topology_bytes = sizing->needed_bytes;
    sizing->rule = TFB_OOC_MEASURED;
    sizing->needed_bytes = sizing->target_bytes = points[lowest].bytes;
}

size_t tfb_sizing_quick_ladder(const tfb_sizing *sizing, uint64_t *bytes, size_t max)
{
    uint64_t full[TFB_LADDER_MAX];
    if (max < 2 || tfb_sizing_ladder(sizing, full, TFB_LADDER_MAX) == 0) return 0;
    bytes[0] = TFB_SIZING_FLOOR / 2;
    bytes[1] = TFB_SIZING_FLOOR;
    return 2;
}

int tfb_sizing_apply_quick_ladder(tfb_sizing *sizing, const tfb_ladder_point *points, size_t count)
{
    if (count != 2 || points[1].bytes != TFB_SIZING_FLOOR || !(points[1].gbps > 0) ||
        !tfb_plateau_agrees(points[1].gbps, points[0].gbps))
        return 0;
    memcpy(sizing->ladder, points, count * sizeof *points);
    sizing->ladder_count = count;
    sizing->ladder_short = 1;
    sizing->topology_bytes = sizing->needed_bytes;
    sizing->rule = TFB_OOC_MEASURED;
    sizing->needed_bytes = sizing->target_bytes = points[0].bytes;  /* the first rung on the plateau */
    return 1;
}

size_t tfb_sizing_sets(const tfb_sizing *sizing, uint64_t set_bytes, size_t max_sets)
{
    if (set_bytes == 0) return 1;
    uint64_t sets = (sizing->target_bytes + set_bytes - 1) / set_bytes;
    uint64_t fit = sizing->usable_bytes / set_bytes;
    if (sets > fit) sets = fit;
    if (sets > max_sets) sets = max_sets;
    return sets ? (size_t)sets : 1;
}

/* "30.1 GB/s at 512 MiB, 30.5 at 1 GiB, 30.3 at 1.88 GiB" */
static void describe_ladder(const tfb_sizing *s, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < s->ladder_count && used < size; i++) {
        char bytes[32];
        tfb_format_bytes((size_t)s->ladder[i].bytes, bytes, sizeof bytes);
        int n = snprintf(out + used, size - used, "%s%.1f%s at %s", i ? ", " : "", s->ladder[i].gbps,
                         i ? "" : " GB/s", bytes);
        if (n < 0) break;
        used += (size_t)n;
    }
}

/* The measured rule, or a ladder that found no earlier plateau than 4x the cache. */
static void describe_measured(const tfb_sizing *s, char *out, size_t size)
{
    char needed[32], cache[32], topology[32], ladder[320];
    tfb_format_bytes((size_t)s->needed_bytes, needed, sizeof needed);
    tfb_format_bytes((size_t)s->cache_bytes, cache, sizeof cache);
    tfb_format_bytes((size_t)(s->topology_bytes ? s->topology_bytes : s->needed_bytes), topology, sizeof topology);
    describe_ladder(s, ladder, sizeof ladder);
    if (s->ladder_short)
        snprintf(out, size, "%s: read bandwidth %s agree within 5%% (--quick stops the read ladder there), so working "
                 "sets >= %s count as out of cache (4 x %s %s = %s by the topology)", tfb_ooc_rule_name(s->rule),
                 ladder, needed, cache, s->cache_name, topology);
    else if (s->rule == TFB_OOC_MEASURED)
        snprintf(out, size, "%s: read bandwidth %s: from %s on within 5%% of the rate at 4 x %s %s = %s, so "
                 "working sets >= %s count as out of cache", tfb_ooc_rule_name(s->rule), ladder, needed, cache,
                 s->cache_name, topology, needed);
    else
        snprintf(out, size, "%s: working sets >= %s (4 x %s %s) count as out of cache; the read ladder (%s) found "
                 "no earlier plateau", tfb_ooc_rule_name(s->rule), needed, cache, s->cache_name, ladder);
}

void tfb_sizing_describe(const tfb_sizing *s, char *out, size_t size)
{
    if (s->ladder_count && s->rule != TFB_OOC_PLATEAU_CHECK) {
        describe_measured(s, out, size);
        return;
    }
    char needed[32], cache[32], usable[32], plateau[32];
    tfb_format_bytes((size_t)s->needed_bytes, needed, sizeof needed);
    tfb_format_bytes((size_t)s->cache_bytes, cache, sizeof cache);
    tfb_format_bytes((size_t)s->usable_bytes, usable, sizeof usable);
    tfb_format_bytes((size_t)s->plateau_bytes, plateau, sizeof plateau);
    if (s->rule != TFB_OOC_PLATEAU_CHECK && s->needed_bytes > 4 * s->cache_bytes)
        snprintf(out, size, "%s: working sets >= %s count as out of cache (4 x %s %s, raised to the %s floor: "
                 "hypervisors misreport cache sizes)", tfb_ooc_rule_name(s->rule), needed, cache, s->cache_name, needed);
    else if (s->rule != TFB_OOC_PLATEAU_CHECK)
        snprintf(out, size, "%s: working sets >= %s (4 x %s %s) count as out of cache", tfb_ooc_rule_name(s->rule),
                 needed, cache, s->cache_name);
    else if (s->plateau_bytes)
        snprintf(out, size, "%s: 4 x %s %s = %s is more than the device allows (%s); %.1f vs %.1f GB/s at the "
                 "largest size and half of it agree within 5%%, so working sets >= %s count as out of cache",
                 tfb_ooc_rule_name(s->rule), cache, s->cache_name, needed, usable, s->plateau_full_gbps,
                 s->plateau_half_gbps, plateau);
    else
        snprintf(out, size, "%s: 4 x %s %s = %s is more than the device allows (%s); working sets count as out of "
                 "cache only if the stream suite's check at %s and half of it agrees within 5%%",
                 tfb_ooc_rule_name(s->rule), cache, s->cache_name, needed, usable, usable);
}

void tfb_sizing_why_missing(const tfb_sizing *s, char *out, size_t size)
{
    char needed[32], cache[32], usable[32];
    tfb_format_bytes((size_t)s->needed_bytes, needed, sizeof needed);
    tfb_format_bytes((size_t)s->cache_bytes, cache, sizeof cache);
    tfb_format_bytes((size_t)s->usable_bytes, usable, sizeof usable);
    if (s->rule == TFB_OOC_MEASURED) {
        snprintf(out, size, "no verified stream variant reached %s (the measured plateau)", needed);
        return;
    }
    if (s->rule != TFB_OOC_PLATEAU_CHECK || s->plateau_bytes) {
        snprintf(out, size, "no verified stream variant reached %s (4 x %s %s)", needed, cache, s->cache_name);
        return;
    }
    if (s->plateau_full_gbps > 0 && s->plateau_half_gbps > 0)
        snprintf(out, size, "out of cache needs %s (4 x %s %s), the device allows %s (3/4 of its global memory); "
                 "at that size and half of it the bandwidth differed by more than 5%% (%.1f vs %.1f GB/s), so the "
                 "largest reachable size may still be cached", needed, cache, s->cache_name, usable,
                 s->plateau_full_gbps, s->plateau_half_gbps);
    else
        snprintf(out, size, "out of cache needs %s (4 x %s %s), the device allows %s (3/4 of its global memory), "
                 "and the plateau check did not run", needed, cache, s->cache_name, usable);
}
