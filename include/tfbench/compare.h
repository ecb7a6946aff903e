/* Regression check between two results files (tfbench's JSON or any Google Benchmark JSON). */
#ifndef TFBENCH_COMPARE_H
#define TFBENCH_COMPARE_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"

/* Hostile-input limits of the reader: anything beyond them is refused before or instead of being parsed. */
#define TFB_COMPARE_MAX_BYTES ((size_t)64 << 20)
#define TFB_COMPARE_MAX_DEPTH 64
#define TFB_COMPARE_MAX_VALUES 4000000u
#define TFB_COMPARE_MAX_NAME 1000
#define TFB_COMPARE_ABSURD 1e15  /* seconds, GFLOP/s or GB/s: no real measurement gets near it */
#define TFB_COMPARE_MAX_ROUNDS 16 /* files per side of an alternating measurement */

typedef enum tfb_metric { TFB_METRIC_TIME, TFB_METRIC_GFLOPS, TFB_METRIC_GBPS } tfb_metric;

/* One benchmark of a results file, its repetitions (or aggregates) already summarised. */
typedef struct tfb_compare_entry {
    char *name;                /* run_name (owned); control characters replaced by '?' */
    int skipped;               /* error_occurred: not measured */
    int failed;                /* verified: false: its result was wrong (then skipped too: no figure) */
    int has_spread;            /* min and max are measured, not just copies of the median */
    double time_median, time_min, time_max;  /* seconds */
    double gflops, gbps;       /* median throughput; 0 when the file does not report it */
    double *samples;           /* tfbench's samples_s: seconds per execution of each sample (owned); NULL when the
                                  file has none (older tfbench files, Google Benchmark) */
    size_t sample_count;
    double roof_gflops;        /* the roof its roofline_fraction was taken against; 0 when the file does not say */
    int normalized;            /* tfb_compare_normalize_roof scaled it to the baseline's roof */
    int work_rescaled;         /* tfb_compare_equalize_work scaled its times to the baseline's work per execution */
    double local_roof_gbps[2]; /* the read bandwidth right before and after its samples (local_roof); 0: none */
    double local_peak_gflops[2];/* the fp32 peak right before and after them (local_roof); 0: none */
    int local_normalized;      /* tfb_compare_normalize_local scaled it to the baseline's local roof: 1 the read
                                  bandwidth (memory-bound), 2 the fp32 peak (compute-bound); 0 not */
    double *round_medians;     /* pooled rounds (tfb_compare_pool): each round's median time, NAN where that round
                                  did not measure it (owned); NULL for a single file */
    size_t round_count;
} tfb_compare_entry;

/* The device's ceilings a tfbench file carries (context.ceilings), for --normalize roof. */
typedef struct tfb_compare_ceilings {
    double bandwidth_gbps, bandwidth_read_gbps, peak_gflops_fp32, peak_gflops_fp64;
} tfb_compare_ceilings;

typedef struct tfb_compare_doc {
    tfb_compare_entry *entries;  /* in file order */
    size_t count;
    /* Where the numbers come from; empty when the file does not say (Google Benchmark has no device). */
    char device[256];          /* context.device.name, else context.host_name */
    char driver[256];          /* context.device.driver */
    char version[64];          /* context.tfbench_version, else context.library_version */
    int from_tfbench;          /* context.tfbench_version present */
    tfb_compare_ceilings ceilings;  /* context.ceilings; 0 where the file has none */
} tfb_compare_doc;

/* A benchmark's value in one metric: the median and the spread [lo, hi] it was measured with. */
typedef struct tfb_interval {
    double median, lo, hi;
} tfb_interval;

typedef enum tfb_verdict {
    TFB_VERDICT_SAME,        /* change within the threshold */
    TFB_VERDICT_NOISE,       /* change beyond the threshold, but the spreads overlap */
    TFB_VERDICT_REGRESSION,
    TFB_VERDICT_IMPROVEMENT,
    TFB_VERDICT_NEW,         /* only in the current file */
    TFB_VERDICT_MISSING,     /* only in the baseline */
    TFB_VERDICT_SKIPPED,     /* skipped in at least one of the files */
    TFB_VERDICT_NO_METRIC,   /* the chosen metric is not reported for it (e.g. GFLOP/s of a copy) */
    TFB_VERDICT_FAILED,      /* checked in the baseline, a wrong result now: counts as a regression */
    TFB_VERDICT_COUNT
} tfb_verdict;

/* How a pair was judged: by a rank test of the samples when both files carry them, else by the [min, max] spreads. */
typedef enum tfb_compare_method { TFB_METHOD_SPREAD, TFB_METHOD_U_TEST } tfb_compare_method;
#define TFB_COMPARE_ALPHA 0.05     /* default significance level of the U test */
#define TFB_COMPARE_MIN_SAMPLES 2  /* per side, for the U test */
/* A change beyond the threshold counts when its interval clears this fraction of the threshold (a 15% slowdown
   against 10% counts when it is known to be over 5%); the median change itself must still exceed the threshold. */
#define TFB_COMPARE_INTERVAL_FLOOR 0.5

typedef struct tfb_compare_pair {
    const char *name;        /* points into one of the documents */
    tfb_verdict verdict;
    tfb_compare_method method;
    double p_value;          /* U test: two-sided Mann-Whitney p of the two sets of samples */
    double change_lo, change_hi; /* U test: ~95% interval of change (the medians' intervals combined) */
    const tfb_compare_entry *base, *current;  /* NULL when absent from that file */
    tfb_interval base_value, current_value;   /* valid when both are measured and have the metric */
    double change;           /* (current - base) / base of the medians: +0.2 is 20% more */
    int overlap;             /* the two spreads overlap */
    size_t rounds;           /* pooled rounds paired on both sides (0: single files) */
    size_t rounds_agreeing;  /* of them, those whose medians moved the way the verdict says (slower, faster) */
} tfb_compare_pair;

typedef struct tfb_compare_report {
    tfb_compare_pair *pairs;  /* baseline order, then the new ones in current order */
    size_t count;
    size_t counts[TFB_VERDICT_COUNT];
    tfb_metric metric;
    double threshold;         /* fraction: 0.1 is 10% */
    double alpha;             /* significance level of the U test */
    size_t method_counts[2];  /* measured pairs judged by each tfb_compare_method */
} tfb_compare_report;

/* Parses a results document of `length` bytes (need not be NUL-terminated). On failure the doc is empty and
   err says what is wrong, naming the benchmark and field where there is one. */
int tfb_compare_load_text(const char *text, size_t length, tfb_compare_doc *doc, tfb_error *err);
/* Reads and parses a file; refuses files over TFB_COMPARE_MAX_BYTES before reading them. */
int tfb_compare_load_file(const char *path, tfb_compare_doc *doc, tfb_error *err);
void tfb_compare_doc_free(tfb_compare_doc *doc);
/* Drops every benchmark whose name does not match the POSIX extended regex (compare --filter). */
int tfb_compare_keep_matching(tfb_compare_doc *doc, const char *pattern, tfb_error *err);
/* Several files of one build (rounds of an alternating A B B A measurement) as one document: each benchmark's
   samples pooled over the rounds, its time the pooled median, its spread the widest, each round's median kept
   (round_medians), ceilings the medians over the rounds, provenance from the first. With rounds on both sides,
   compare calls a change a regression (improvement) only when every round paired on both sides moved that way. */
int tfb_compare_pool(const tfb_compare_doc *rounds, size_t count, tfb_compare_doc *out, tfb_error *err);

/* The entry's value in a metric; returns 0 when it has none (skipped, or throughput not reported). */
int tfb_compare_value(const tfb_compare_entry *entry, tfb_metric metric, tfb_interval *out);
int tfb_metric_higher_is_better(tfb_metric metric);
const char *tfb_metric_name(tfb_metric metric);   /* "time", "gflops", "gbps" */
int tfb_metric_parse(const char *text, tfb_metric *out);
const char *tfb_verdict_name(tfb_verdict verdict); /* "regression", "noise", ... */
const char *tfb_compare_method_name(tfb_compare_method method); /* "spread", "u-test" */

/* Pairs the benchmarks by name and classifies each pair, at significance level TFB_COMPARE_ALPHA. With samples on
   both sides (TFB_METHOD_U_TEST) a change is a regression (or improvement) only when the Mann-Whitney U test finds
   the samples different (p < alpha), the medians differ by more than the threshold, and the interval of that
   change lies wholly beyond the threshold. Without (TFB_METHOD_SPREAD) only when it exceeds the threshold and the
   two [min, max] spreads do not overlap. A difference inside the noise proves nothing. */
int tfb_compare_docs(const tfb_compare_doc *base, const tfb_compare_doc *current, tfb_metric metric,
                     double threshold, tfb_compare_report *report, tfb_error *err);
/* The same at significance level alpha (0 < alpha < 1). */
int tfb_compare_docs_at(const tfb_compare_doc *base, const tfb_compare_doc *current, tfb_metric metric,
                        double threshold, double alpha, tfb_compare_report *report, tfb_error *err);
void tfb_compare_report_free(tfb_compare_report *report);

/* --normalize roof: every current benchmark whose roof both files record is rescaled as if measured under the
   baseline's roof (times x current roof / baseline roof, throughputs inverse), so a change of the whole machine
   (clock, another tenant) cancels and what is compared is each point's fraction of its own roof. Returns how many
   were rescaled; the others keep their measured figures. The ceilings' own benchmarks carry no roof (a copy has no
   FLOPs, a peak kernel no bytes): their roof is the ceiling they measure, so a copy moves with the read-write
   bandwidth and a FLOPs-only kernel with the peak of its dtype (fp64 when its name ends in "/fp64"). */
size_t tfb_compare_normalize_roof(const tfb_compare_doc *base, tfb_compare_doc *current);
/* A benchmark whose work per execution differs between the files (the peak suite sizes its loop to a target time;
   array sizes follow device memory) has its current times scaled to the baseline's work: work = GFLOP/s x time
   (GB/s x time without FLOPs), the file's own figures. Within a relative 1e-6 the work counts as the same. Returns
   how many were rescaled (work_rescaled); throughputs are per unit of work already and stay as measured. */
#define TFB_COMPARE_WORK_TOLERANCE 1e-6
size_t tfb_compare_equalize_work(const tfb_compare_doc *base, tfb_compare_doc *current);
/* The local roof (docs/compare.md#the-local-roof), always on: a current benchmark whose two files both carry
   local_roof has its times scaled by its current local roof / its baseline local roof, each the geometric mean of
   the figures before and after its samples: the read bandwidth for a memory-bound benchmark, the fp32 peak for a
   compute-bound one. A machine whose memory or cores changed speed between the two runs (a VM's phases) is so
   judged at what each run had in those seconds. Returns how many were scaled (local_normalized). */
size_t tfb_compare_normalize_local(const tfb_compare_doc *base, tfb_compare_doc *current);
/* The doubt that scaling leaves, as a log ratio: half of |log(after / before)| on each side, added (the memory may
   have changed speed during the samples); the change's interval widens by exp of it. 0 when it was not scaled. */
double tfb_compare_local_doubt(const tfb_compare_entry *base, const tfb_compare_entry *current);
/* How far each ceiling moved from base to current, (current - base) / base; NAN where either file lacks it. */
tfb_compare_ceilings tfb_compare_ceilings_change(const tfb_compare_doc *base, const tfb_compare_doc *current);

/* Differences in device, driver or version between the files, one message each (also when a file does not
   say); returns how many were written (at most max). */
size_t tfb_compare_provenance_warnings(const tfb_compare_doc *base, const tfb_compare_doc *current,
                                       char messages[][512], size_t max);

/* ---- The verdicts as text and JSON (compare_render.c): one schema for `tfbench compare` and for each rank of
   `tfbench compare FLEET.json` ---- */

/* Where one side of the comparison comes from: the file read, and the provenance it carries. */
typedef struct tfb_compare_origin {
    const char *file;
    const tfb_compare_doc *doc;
} tfb_compare_origin;

/* What the JSON report says besides the verdicts. */
typedef struct tfb_compare_about {
    tfb_compare_origin base, current;
    size_t rounds;                 /* files pooled per side (1: single files) */
    size_t work_rescaled;          /* benchmarks scaled to the baseline's work per execution */
    const char (*warnings)[512];   /* provenance warnings */
    size_t warning_count;
} tfb_compare_about;

/* The report as JSON: baseline and current (file, device, driver, version, tfbench), metric, higher_is_better,
   threshold_percent, alpha, rounds, work_rescaled_benchmarks, warnings, summary (a count per verdict), regression,
   and benchmarks (one record per pair: name, verdict, both sides' median/min/max/rel_spread, change_percent,
   spreads_overlap, method, the U test's p_value and change interval, the rounds that agree). */
cJSON *tfb_compare_report_json(const tfb_compare_report *report, const tfb_compare_about *about);

/* Which rows the verdict table lists and how its columns are headed. */
typedef struct tfb_compare_rows {
    int header;                    /* a header line first */
    int counted_only;              /* only the pairs that count against the current side (regressions, wrong results) */
    int indent;                    /* spaces before each line */
    const char *base_label, *current_label;  /* the two value columns' headings ("baseline", "current") */
} tfb_compare_rows;

/* The rule a change was judged by: the metric, the threshold, and how many pairs each method judged. */
void tfb_compare_print_rule(FILE *out, const tfb_compare_report *report);
/* One line per pair: both sides' medians and spreads, the change, the verdict and how it was reached. */
void tfb_compare_print_rows(FILE *out, const tfb_compare_report *report, const tfb_compare_rows *rows);
/* "N regression(s), N improvement(s), N unchanged, ..." (wrong results counted as regressions). */
void tfb_compare_print_counts(FILE *out, const tfb_compare_report *report);
/* Both sides measured in the pair's metric (a figure to show); counted against the current side (a regression or a
   wrong result). */
int tfb_compare_pair_measured(const tfb_compare_pair *pair);
int tfb_compare_pair_counts(const tfb_compare_pair *pair);

#endif
