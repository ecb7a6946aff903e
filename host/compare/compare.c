/* Pairing and classification for `tfbench compare`: regression only when the change is larger than the
   threshold AND larger than the noise: by a rank test of the samples when both files have them, else when the
   runs' spreads [min, max] do not overlap. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"
#include "tfbench/stats.h"

static const char *const METRIC_NAMES[] = {"time", "gflops", "gbps"};
static const char *const VERDICT_NAMES[TFB_VERDICT_COUNT] = {
    "same", "noise", "regression", "improvement", "new", "missing", "skipped", "no_metric", "failed"};

static const char *const METHOD_NAMES[] = {"spread", "u-test"};

const char *tfb_metric_name(tfb_metric metric) { return METRIC_NAMES[metric]; }
const char *tfb_compare_method_name(tfb_compare_method method) { return METHOD_NAMES[method]; }
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

/* The ratio current / base of the median times, and a 95% interval of the ratio: the Hodges-Lehmann shift of the
   log times, whose interval holds the ratios the U test would not reject (so the interval and the test agree). */
static int time_ratio(const tfb_compare_entry *b, const tfb_compare_entry *c, double alpha, double *ratio, double *lo,
                      double *hi)
{
    double *log_b = malloc(b->sample_count * sizeof *log_b), *log_c = malloc(c->sample_count * sizeof *log_c);
    tfb_shift shift;
    int rc = log_b && log_c ? 0 : -1;
    for (size_t i = 0; !rc && i < b->sample_count; i++) log_b[i] = log(b->samples[i]);
    for (size_t i = 0; !rc && i < c->sample_count; i++) log_c[i] = log(c->samples[i]);
    if (!rc) rc = tfb_hodges_lehmann(log_c, c->sample_count, log_b, b->sample_count, alpha, &shift);
    free(log_b);
    free(log_c);
    if (rc) return -1;
    *ratio = tfb_median(c->samples, c->sample_count) / tfb_median(b->samples, b->sample_count);
    *lo = exp(shift.lo);
    *hi = exp(shift.hi);
    return 0;
}

/* Samples on both sides: significant (U test), the change beyond the threshold, and its interval (widened by the
   doubt in the local roofs it was scaled by) beyond TFB_COMPARE_INTERVAL_FLOOR of it. */
static int classify_u_test(tfb_compare_pair *p, tfb_metric metric, double threshold, double alpha)
{
    tfb_mann_whitney test;
    double ratio, lo, hi;
    if (p->base->sample_count < TFB_COMPARE_MIN_SAMPLES || p->current->sample_count < TFB_COMPARE_MIN_SAMPLES ||
        tfb_mann_whitney_u(p->current->samples, p->current->sample_count, p->base->samples, p->base->sample_count,
                           &test) ||
        time_ratio(p->base, p->current, alpha, &ratio, &lo, &hi))
        return 0;
    double roof_doubt = exp(tfb_compare_local_doubt(p->base, p->current));  /* 1 without local roofs */
    lo /= roof_doubt;
    hi *= roof_doubt;
    if (tfb_metric_higher_is_better(metric)) {  /* throughput is work / time: the ratio inverts */
        double inverted_lo = 1.0 / hi;
        hi = 1.0 / lo;
        lo = inverted_lo;
        ratio = 1.0 / ratio;
    }
    p->method = TFB_METHOD_U_TEST;
    p->p_value = test.p_value;
    p->change = ratio - 1.0;
    p->change_lo = lo - 1.0;
    p->change_hi = hi - 1.0;
    int worse = tfb_metric_higher_is_better(metric) ? p->change < 0 : p->change > 0;
    double floor = threshold * TFB_COMPARE_INTERVAL_FLOOR;
    int beyond = p->change_lo > floor || p->change_hi < -floor;
    if (fabs(p->change) <= threshold) p->verdict = TFB_VERDICT_SAME;
    else if (test.p_value >= alpha || !beyond) p->verdict = TFB_VERDICT_NOISE;
    else p->verdict = worse ? TFB_VERDICT_REGRESSION : TFB_VERDICT_IMPROVEMENT;
    return 1;
}

static void classify_spread(tfb_compare_pair *p, tfb_metric metric, double threshold)
{
    const tfb_interval *b = &p->base_value, *c = &p->current_value;
    p->method = TFB_METHOD_SPREAD;
    p->change = (c->median - b->median) / b->median;
    int worse = tfb_metric_higher_is_better(metric) ? p->change < 0 : p->change > 0;
    if (fabs(p->change) <= threshold) p->verdict = TFB_VERDICT_SAME;
    else if (p->overlap) p->verdict = TFB_VERDICT_NOISE;
    else p->verdict = worse ? TFB_VERDICT_REGRESSION : TFB_VERDICT_IMPROVEMENT;
}

/* Pooled rounds: a change must show in each round paired on both sides, or a drift during one round (which pooling
   spreads over both sides, but not always evenly) could still pass for it. */
static void require_every_round(tfb_compare_pair *p, tfb_metric metric)
{
    const tfb_compare_entry *b = p->base, *c = p->current;
    if (!b->round_medians || !c->round_medians) return;
    size_t rounds = b->round_count < c->round_count ? b->round_count : c->round_count;
    int slower = tfb_metric_higher_is_better(metric) ? p->change < 0 : p->change > 0;  /* the medians' time */
    for (size_t i = 0; i < rounds; i++) {
        double bm = b->round_medians[i], cm = c->round_medians[i];
        if (!(bm > 0) || !(cm > 0)) continue;
        p->rounds++;
        if (slower ? cm > bm : cm < bm) p->rounds_agreeing++;
    }
    int judged = p->verdict == TFB_VERDICT_REGRESSION || p->verdict == TFB_VERDICT_IMPROVEMENT;
    if (judged && p->rounds_agreeing < p->rounds) p->verdict = TFB_VERDICT_NOISE;
}

static void classify(tfb_compare_pair *p, const tfb_compare_report *r)
{
    if (p->current->failed && !p->base->failed && !p->base->skipped) {
        p->verdict = TFB_VERDICT_FAILED;
        return;
    }
    if (p->base->skipped || p->current->skipped) {
        p->verdict = TFB_VERDICT_SKIPPED;
        return;
    }
    if (!tfb_compare_value(p->base, r->metric, &p->base_value) ||
        !tfb_compare_value(p->current, r->metric, &p->current_value)) {
        p->verdict = TFB_VERDICT_NO_METRIC;
        return;
    }
    const tfb_interval *b = &p->base_value, *c = &p->current_value;
    p->overlap = !(c->lo > b->hi || c->hi < b->lo);
    if (!classify_u_test(p, r->metric, r->threshold, r->alpha)) classify_spread(p, r->metric, r->threshold);
    require_every_round(p, r->metric);
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
    if (base && current) classify(p, r);
    else p->verdict = base ? TFB_VERDICT_MISSING : TFB_VERDICT_NEW;
    r->counts[p->verdict]++;
    if (p->verdict <= TFB_VERDICT_IMPROVEMENT) r->method_counts[p->method]++;
}

int tfb_compare_docs(const tfb_compare_doc *base, const tfb_compare_doc *current, tfb_metric metric,
                     double threshold, tfb_compare_report *report, tfb_error *err)
{
    return tfb_compare_docs_at(base, current, metric, threshold, TFB_COMPARE_ALPHA, report, err);
}

int tfb_compare_docs_at(const tfb_compare_doc *base, const tfb_compare_doc *current, tfb_metric metric,
                        double threshold, double alpha, tfb_compare_report *report, tfb_error *err)
{
    memset(report, 0, sizeof *report);
    report->metric = metric;
    report->threshold = threshold;
    report->alpha = alpha;
    if (!(threshold >= 0) || !isfinite(threshold)) return tfb_fail(err, "the threshold must be a finite fraction >= 0");
    if (!(alpha > 0 && alpha < 1)) return tfb_fail(err, "the significance level must lie between 0 and 1");
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

static void scale_times(tfb_compare_entry *e, double scale)
{
    e->time_median *= scale;
    e->time_min *= scale;
    e->time_max *= scale;
    for (size_t s = 0; s < e->sample_count; s++) e->samples[s] *= scale;
}

static double ratio(double current, double base)
{
    return base > 0 && current > 0 ? current / base : 0.0;
}

static int ends_with(const char *text, const char *suffix)
{
    size_t n = strlen(text), k = strlen(suffix);
    return n >= k && strcmp(text + n - k, suffix) == 0;
}

/* current roof / baseline roof of one point: its own roofs, else the ceiling it measures; 0 when unknown. */
static double roof_scale(const tfb_compare_doc *base, const tfb_compare_doc *current, const tfb_compare_entry *b,
                         const tfb_compare_entry *e)
{
    const tfb_compare_ceilings *cb = &base->ceilings, *cc = &current->ceilings;
    if (b->roof_gflops > 0 && e->roof_gflops > 0) return e->roof_gflops / b->roof_gflops;
    if (!(e->gflops > 0) && e->gbps > 0) return ratio(cc->bandwidth_gbps, cb->bandwidth_gbps);
    if (e->gflops > 0 && !(e->gbps > 0))
        return ends_with(e->name, "/fp64") ? ratio(cc->peak_gflops_fp64, cb->peak_gflops_fp64)
                                           : ratio(cc->peak_gflops_fp32, cb->peak_gflops_fp32);
    return 0.0;
}

/* How a current entry is rescaled against its baseline entry: the factor on its times (0 or 1: left alone), and
 * whether its rates follow (a roof) or stay (work: rates are per unit of work already). */
typedef double (*rescale_fn)(const tfb_compare_doc *base, const tfb_compare_doc *current, const tfb_compare_entry *b,
                             const tfb_compare_entry *e);

static size_t rescale_each(const tfb_compare_doc *base, tfb_compare_doc *current, rescale_fn factor_of, int rates)
{
    const tfb_compare_entry **index = sorted_by_name(base);
    size_t rescaled = 0;
    for (size_t i = 0; index && i < current->count; i++) {
        tfb_compare_entry *e = &current->entries[i];
        const tfb_compare_entry *b = find(index, base->count, e->name);
        int judged_locally = rates && e->local_normalized;  /* --normalize roof: the local roof came first */
        double scale = b && !b->skipped && !e->skipped && !judged_locally ? factor_of(base, current, b, e) : 0.0;
        if (!(scale > 0) || (!rates && scale == 1.0)) continue;
        scale_times(e, scale);
        if (rates) {
            e->gflops /= scale;
            e->gbps /= scale;
            e->normalized = 1;
        } else {
            e->work_rescaled = 1;
        }
        rescaled++;
    }
    free(index);
    return rescaled;
}

size_t tfb_compare_normalize_roof(const tfb_compare_doc *base, tfb_compare_doc *current)
{
    return rescale_each(base, current, roof_scale, 1);  /* a lower roof now: the times count as shorter */
}

/* Work of one execution in the file's own figures: FLOPs where it reports them, else bytes; 0 when neither. */
static double work_of(const tfb_compare_entry *e, int *in_bytes)
{
    *in_bytes = !(e->gflops > 0);
    double rate = e->gflops > 0 ? e->gflops : e->gbps;
    return rate > 0 && e->time_median > 0 ? rate * e->time_median : 0.0;
}

/* baseline work / current work, 1 when they agree (or either is unknown, or one counts FLOPs and the other bytes) */
static double work_scale(const tfb_compare_doc *base, const tfb_compare_doc *current, const tfb_compare_entry *b,
                         const tfb_compare_entry *e)
{
    (void)base, (void)current;
    int base_bytes = 0, current_bytes = 0;
    double wb = work_of(b, &base_bytes), wc = work_of(e, &current_bytes);
    if (!(wb > 0 && wc > 0) || base_bytes != current_bytes || fabs(wb / wc - 1.0) <= TFB_COMPARE_WORK_TOLERANCE)
        return 1.0;
    return wb / wc;
}

size_t tfb_compare_equalize_work(const tfb_compare_doc *base, tfb_compare_doc *current)
{
    return rescale_each(base, current, work_scale, 0);
}

static double moved(double base, double current)
{
    return base > 0 && current > 0 ? (current - base) / base : NAN;
}

tfb_compare_ceilings tfb_compare_ceilings_change(const tfb_compare_doc *base, const tfb_compare_doc *current)
{
    const tfb_compare_ceilings *b = &base->ceilings, *c = &current->ceilings;
    return (tfb_compare_ceilings){moved(b->bandwidth_gbps, c->bandwidth_gbps),
                                  moved(b->bandwidth_read_gbps, c->bandwidth_read_gbps),
                                  moved(b->peak_gflops_fp32, c->peak_gflops_fp32),
                                  moved(b->peak_gflops_fp64, c->peak_gflops_fp64)};
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
