/* Several runs of one build, measured in rounds that alternate with the other build's (A B B A ...), read as one
   document: a benchmark's samples are pooled over the rounds, so a machine that drifts during the measurement
   widens both sides alike instead of looking like a change, and each round's median is kept for the rule that a
   regression must show in every round. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"
#include "tfbench/stats.h"

typedef struct member {
    const tfb_compare_entry *entry;
    size_t round, position;   /* which document, and where in it */
} member;

static int by_name_then_round(const void *a, const void *b)
{
    const member *x = a, *y = b;
    int c = strcmp(x->entry->name, y->entry->name);
    if (c) return c;
    return x->round < y->round ? -1 : x->round > y->round;
}

/* Groups in the order their benchmark first appears (round, then position), so the report reads like one file. */
typedef struct group {
    size_t first, count;      /* members[first .. first + count) */
    size_t round, position;   /* of the first appearance */
} group;

static int by_first_appearance(const void *a, const void *b)
{
    const group *x = a, *y = b;
    if (x->round != y->round) return x->round < y->round ? -1 : 1;
    return x->position < y->position ? -1 : x->position > y->position;
}

static double median_of(double *values, size_t count)
{
    return count ? tfb_median(values, count) : 0.0;
}

static int pool_samples(const member *m, size_t count, tfb_compare_entry *e)
{
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        if (!m[i].entry->samples) return 0;  /* one round without samples: judged by the spreads */
        total += m[i].entry->sample_count;
    }
    e->samples = malloc(total * sizeof *e->samples);
    if (!e->samples) return -1;
    for (size_t i = 0; i < count; i++) {
        memcpy(e->samples + e->sample_count, m[i].entry->samples, m[i].entry->sample_count * sizeof *e->samples);
        e->sample_count += m[i].entry->sample_count;
    }
    return 0;
}

/* A throughput is work / time and the work per execution is the same in every round. */
static double pooled_rate(const member *m, size_t count, double pooled_median, int gflops)
{
    for (size_t i = 0; i < count; i++) {
        const tfb_compare_entry *r = m[i].entry;
        double rate = gflops ? r->gflops : r->gbps;
        if (rate > 0 && r->time_median > 0 && pooled_median > 0) return rate * r->time_median / pooled_median;
    }
    return 0.0;
}

static int pool_group(const member *m, size_t count, size_t rounds, double *scratch, tfb_compare_entry *e)
{
    memset(e, 0, sizeof *e);
    e->name = strdup(m[0].entry->name);
    e->round_medians = malloc(rounds * sizeof *e->round_medians);
    if (!e->name || !e->round_medians || pool_samples(m, count, e)) return -1;
    e->round_count = rounds;
    for (size_t r = 0; r < rounds; r++) e->round_medians[r] = NAN;
    e->time_min = INFINITY;
    for (size_t i = 0; i < count; i++) {
        const tfb_compare_entry *r = m[i].entry;
        e->skipped |= r->skipped;
        e->failed |= r->failed;
        e->has_spread |= r->has_spread;
        e->normalized |= r->normalized;
        if (!r->skipped) e->round_medians[m[i].round] = r->time_median;
        e->time_min = fmin(e->time_min, r->time_min);
        e->time_max = fmax(e->time_max, r->time_max);
        scratch[i] = r->time_median;
    }
    e->time_median = e->sample_count ? tfb_median(e->samples, e->sample_count) : median_of(scratch, count);
    for (size_t i = 0; i < count; i++) scratch[i] = m[i].entry->roof_gflops;
    e->roof_gflops = median_of(scratch, count);
    e->gflops = pooled_rate(m, count, e->time_median, 1);
    e->gbps = pooled_rate(m, count, e->time_median, 0);
    return 0;
}

/* Each ceiling is the median over the rounds that report it. */
static void pool_ceilings(const tfb_compare_doc *rounds, size_t count, double *scratch, tfb_compare_ceilings *out)
{
    size_t offsets[] = {offsetof(tfb_compare_ceilings, bandwidth_gbps),
                        offsetof(tfb_compare_ceilings, bandwidth_read_gbps),
                        offsetof(tfb_compare_ceilings, peak_gflops_fp32)};
    for (size_t f = 0; f < sizeof offsets / sizeof *offsets; f++) {
        size_t n = 0;
        for (size_t r = 0; r < count; r++) {
            double v = *(const double *)((const char *)&rounds[r].ceilings + offsets[f]);
            if (v > 0) scratch[n++] = v;
        }
        *(double *)((char *)out + offsets[f]) = median_of(scratch, n);
    }
}

static member *collect(const tfb_compare_doc *rounds, size_t count, size_t *total)
{
    *total = 0;
    for (size_t r = 0; r < count; r++) *total += rounds[r].count;
    member *all = malloc((*total ? *total : 1) * sizeof *all);
    if (!all) return NULL;
    size_t n = 0;
    for (size_t r = 0; r < count; r++)
        for (size_t i = 0; i < rounds[r].count; i++) all[n++] = (member){&rounds[r].entries[i], r, i};
    qsort(all, n, sizeof *all, by_name_then_round);
    return all;
}

static group *find_groups(const member *all, size_t total, size_t *count)
{
    group *groups = malloc((total ? total : 1) * sizeof *groups);
    if (!groups) return NULL;
    *count = 0;
    for (size_t i = 0; i < total;) {
        group g = {i, 0, all[i].round, all[i].position};
        while (i < total && strcmp(all[i].entry->name, all[g.first].entry->name) == 0) {
            if (all[i].round == g.round && all[i].position < g.position) g.position = all[i].position;
            g.count++, i++;
        }
        groups[(*count)++] = g;
    }
    qsort(groups, *count, sizeof *groups, by_first_appearance);
    return groups;
}

static int pool_entries(const member *all, const group *groups, size_t group_count, size_t rounds,
                        double *scratch, tfb_compare_doc *out)
{
    out->entries = calloc(group_count ? group_count : 1, sizeof *out->entries);
    if (!out->entries) return -1;
    for (size_t g = 0; g < group_count; g++, out->count++)
        if (pool_group(all + groups[g].first, groups[g].count, rounds, scratch, &out->entries[g])) return -1;
    return 0;
}

int tfb_compare_pool(const tfb_compare_doc *rounds, size_t count, tfb_compare_doc *out, tfb_error *err)
{
    memset(out, 0, sizeof *out);
    if (count == 0 || count > TFB_COMPARE_MAX_ROUNDS)
        return tfb_fail(err, "between 1 and %d rounds can be pooled, not %zu", TFB_COMPARE_MAX_ROUNDS, count);
    size_t total, group_count = 0;
    member *all = collect(rounds, count, &total);
    group *groups = all ? find_groups(all, total, &group_count) : NULL;
    double *scratch = malloc((total > count ? total : count) * sizeof *scratch + sizeof *scratch);
    int failed = !groups || !scratch || pool_entries(all, groups, group_count, count, scratch, out);
    if (!failed) {
        memcpy(out->device, rounds[0].device, sizeof out->device);
        memcpy(out->driver, rounds[0].driver, sizeof out->driver);
        memcpy(out->version, rounds[0].version, sizeof out->version);
        out->from_tfbench = rounds[0].from_tfbench;
        pool_ceilings(rounds, count, scratch, &out->ceilings);
    }
    free(all);
    free(groups);
    free(scratch);
    if (failed) {
        tfb_compare_doc_free(out);
        return tfb_fail(err, "out of memory pooling %zu rounds", count);
    }
    return TFB_OK;
}
