/* Pairing and classification for `tfbench compare`: regression only when the change is larger than the
   threshold AND larger than the noise, i.e. the runs' spreads [min, max] do not overlap. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"

static const char *const METRIC_NAMES[] = {"time", "gflops", "gbps"};
static const char *const VERDICT_NAMES[TFB_VERDICT_COUNT] = {
    "same", "noise", "regression", "improvement", "new", "missing", "skipped", "no_metric", "failed"};

const char *tfb_metric_name(tfb_metric metric) { return METRIC_NAMES[metric]; }
const char *tfb_verdict_name(tfb_verdict verdict) { return VERDICT_NAMES[verdict]; }
int tfb_metric_higher_is_better(tfb_metric metric) { return metric != TFB_METRIC_TIME; }

int tfb_metric_parse(const char *text, tfb_metric *out)
{
    for (int m = TFB_METRIC_TIME; m <= TFB_METRIC_GBPS; m++)
        if (text && strcmp(text, METRIC_NAMES[m]) == 0) return *out = (tfb_metric)m, TFB_OK;
    return TFB_ERROR;
}

/* Throughput of one repetition is work / time, so the slowest repetition bounds it from below. */
static int throughput_interval(double median_rate, const tfb_compare_entry *e, tfb_interval *out)
{
    if (!(median_rate > 0)) return 0;
    out->median = median_rate;
    out->lo = median_rate * e->time_median / e->time_max;
    out->hi = median_rate * e->time_median / e->time_min;
    return 1;
}

int tfb_compare_value(const tfb_compare_entry *entry, tfb_metric metric, tfb_interval *out)
{
    if (entry->skipped) return 0;
    if (metric == TFB_METRIC_GFLOPS) return throughput_interval(entry->gflops, entry, out);
    if (metric == TFB_METRIC_GBPS) return throughput_interval(entry->gbps, entry, out);
    out->median = entry->time_median;
    out->lo = entry->time_min;
    out->hi = entry->time_max;
    return 1;
}

static void classify(tfb_compare_pair *p, tfb_metric metric, double threshold)
{
    if (p->current->failed && !p->base->failed && !p->base->skipped) {
        p->verdict = TFB_VERDICT_FAILED;
        return;
    }
    if (p->base->skipped || p->current->skipped) {
        p->verdict = TFB_VERDICT_SKIPPED;
        return;
    }
    if (!tfb_compare_value(p->base, metric, &p->base_value) ||
        !tfb_compare_value(p->current, metric, &p->current_value)) {
        p->verdict = TFB_VERDICT_NO_METRIC;
        return;
    }
    const tfb_interval *b = &p->base_value, *c = &p->current_value;
    p->change = (c->median - b->median) / b->median;
    p->overlap = !(c->lo > b->hi || c->hi < b->lo);
    int worse = tfb_metric_higher_is_better(metric) ? p->change < 0 : p->change > 0;
    if (fabs(p->change) <= threshold) p->verdict = TFB_VERDICT_SAME;
    else if (p->overlap) p->verdict = TFB_VERDICT_NOISE;
    else p->verdict = worse ? TFB_VERDICT_REGRESSION : TFB_VERDICT_IMPROVEMENT;
}

static int by_entry_name(const void *a, const void *b)
{
    const tfb_compare_entry *const *x = a, *const *y = b;
    return strcmp((*x)->name, (*y)->name);
}

/* Entries sorted by name, for binary search: files with thousands of benchmarks stay fast. */
static const tfb_compare_entry **sorted_by_name(const tfb_compare_doc *doc)
{
    const tfb_compare_entry **index = malloc((doc->count ? doc->count : 1) * sizeof *index);
    if (!index) return NULL;
    for (size_t i = 0; i < doc->count; i++) index[i] = &doc->entries[i];
    qsort(index, doc->count, sizeof *index, by_entry_name);
    return index;
}

static const tfb_compare_entry *find(const tfb_compare_entry **index, size_t count, const char *name)
{
    tfb_compare_entry key = {.name = (char *)name};
    const tfb_compare_entry *wanted = &key;
    const tfb_compare_entry **hit = bsearch(&wanted, index, count, sizeof *index, by_entry_name);
    return hit ? *hit : NULL;
}

static void add_pair(tfb_compare_report *r, const tfb_compare_entry *base, const tfb_compare_entry *current)
{
    tfb_compare_pair *p = &r->pairs[r->count++];
    memset(p, 0, sizeof *p);
    p->base = base;
    p->current = current;
    p->name = base ? base->name : current->name;
    if (base && current) classify(p, r->metric, r->threshold);
    else p->verdict = base ? TFB_VERDICT_MISSING : TFB_VERDICT_NEW;
    r->counts[p->verdict]++;
}

int tfb_compare_docs(const tfb_compare_doc *base, const tfb_compare_doc *current, tfb_metric metric,
                     double threshold, tfb_compare_report *report, tfb_error *err)
{
    memset(report, 0, sizeof *report);
    report->metric = metric;
    report->threshold = threshold;
    if (!(threshold >= 0) || !isfinite(threshold)) return tfb_fail(err, "the threshold must be a finite fraction >= 0");
    const tfb_compare_entry **base_index = sorted_by_name(base), **current_index = sorted_by_name(current);
    report->pairs = calloc(base->count + current->count + 1, sizeof *report->pairs);
    if (!base_index || !current_index || !report->pairs) {
        free(base_index);
        free(current_index);
        tfb_compare_report_free(report);
        return tfb_fail(err, "out of memory");
    }
    for (size_t i = 0; i < base->count; i++)
        add_pair(report, &base->entries[i], find(current_index, current->count, base->entries[i].name));
    for (size_t i = 0; i < current->count; i++)
        if (!find(base_index, base->count, current->entries[i].name)) add_pair(report, NULL, &current->entries[i]);
    free(base_index);
    free(current_index);
    return TFB_OK;
}

void tfb_compare_report_free(tfb_compare_report *report)
{
    free(report->pairs);
    memset(report, 0, sizeof *report);
}

static size_t add_message(char messages[][512], size_t used, size_t max, const char *what, const char *base,
                          const char *current)
{
    if (used < max) snprintf(messages[used], 512, "%s: baseline \"%.200s\", current \"%.200s\"", what, base, current);
    return used + 1;
}

size_t tfb_compare_provenance_warnings(const tfb_compare_doc *base, const tfb_compare_doc *current,
                                       char messages[][512], size_t max)
{
    size_t n = 0;
    if (!base->device[0] || !current->device[0])
        n = add_message(messages, n, max, "cannot tell whether both files come from the same device",
                        base->device[0] ? base->device : "(not recorded)",
                        current->device[0] ? current->device : "(not recorded)");
    else if (strcmp(base->device, current->device) != 0)
        n = add_message(messages, n, max, "the files come from different devices", base->device, current->device);
    if (base->driver[0] && current->driver[0] && strcmp(base->driver, current->driver) != 0)
        n = add_message(messages, n, max, "the files come from different drivers", base->driver, current->driver);
    if (base->from_tfbench != current->from_tfbench)
        n = add_message(messages, n, max, "only one file was written by tfbench",
                        base->from_tfbench ? "tfbench" : "other", current->from_tfbench ? "tfbench" : "other");
    else if (strcmp(base->version, current->version) != 0)
        n = add_message(messages, n, max, "the files come from different versions",
                        base->version[0] ? base->version : "(not recorded)",
                        current->version[0] ? current->version : "(not recorded)");
    return n < max ? n : max;
}
