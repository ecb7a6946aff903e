/* Reader of results files for `tfbench compare`: tfbench's JSON and Google Benchmark's, treated as hostile input.
   Every benchmark becomes one record; records sharing a run name (repetitions, aggregates) are summarised into
   one tfb_compare_entry. */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <cjson/cJSON.h>
#include "compare_check.h"
#include "compare_local.h"
#include "tfbench/compare.h"
#include "tfbench/results_read.h"
#include "tfbench/results_schema.h"

typedef enum record_kind {
    KIND_ITERATION, KIND_MEDIAN, KIND_MEAN, KIND_MIN, KIND_MAX, KIND_STDDEV, KIND_IGNORED
} record_kind;

/* One entry of the "benchmarks" array, times in seconds. */
typedef struct record {
    const char *key;     /* points into the cJSON tree */
    size_t order;
    record_kind kind;
    double repetition;   /* repetition_index; -1 when absent */
    int skipped, has_spread;
    int failed;          /* verified: false (a wrong result, not a skip) */
    double time, time_min, time_max, gflops, gbps, roof_gflops;
    double local_roof[2], local_peak[2];  /* local_roof's before and after GB/s and GFLOP/s; 0: none */
    const cJSON *samples;/* samples_s, checked (points into the cJSON tree); NULL when absent */
} record;

typedef struct reader {
    cJSON *root;
    record *records;
    size_t count;
    double *scratch;     /* one value per record, for medians */
    int from_tfbench;    /* context.tfbench_version: every benchmark name appears once */
    tfb_error *err;
} reader;

static size_t line_of(const char *text, size_t offset)
{
    size_t line = 1;
    for (size_t i = 0; i < offset; i++) line += text[i] == '\n';
    return line;
}

/* Other writers emit NaN or Infinity for a failed measurement; say so instead of just "not valid JSON". */
static const char *non_finite_hint(const char *text, size_t length, size_t offset)
{
    static const char *const WORDS[] = {"NaN", "nan", "Infinity", "-Infinity", "inf", "-inf"};
    for (size_t i = 0; i < sizeof WORDS / sizeof WORDS[0]; i++) {
        size_t n = strlen(WORDS[i]);
        if (offset + n <= length && strncmp(text + offset, WORDS[i], n) == 0)
            return ": NaN and Infinity are not JSON numbers";
    }
    return "";
}

static int parse_json(const char *text, size_t length, cJSON **root, tfb_error *err)
{
    const char *end = NULL;
    *root = NULL;
    if (length > TFB_COMPARE_MAX_BYTES)
        return tfb_fail(err, "document too large (%zu bytes, limit %zu)", length, TFB_COMPARE_MAX_BYTES);
    if (tfb_json_check_shape(text, length, TFB_COMPARE_MAX_DEPTH, TFB_COMPARE_MAX_VALUES, err)) return TFB_ERROR;
    cJSON *parsed = cJSON_ParseWithLengthOpts(text, length, &end, 0);
    size_t offset = end && end >= text && end <= text + length ? (size_t)(end - text) : length;
    if (!parsed)
        return tfb_fail(err, "not valid JSON (error at byte %zu, line %zu)%s", offset, line_of(text, offset),
                        non_finite_hint(text, length, offset));
    while (offset < length && strchr(" \t\r\n", text[offset]) && text[offset]) offset++;
    if (offset < length) {
        cJSON_Delete(parsed);
        return tfb_fail(err, "not valid JSON: unexpected data after the document at byte %zu, line %zu", offset,
                        line_of(text, offset));
    }
    *root = parsed;
    return TFB_OK;
}

/* ---- fields ---- */

/* A number field that may be absent (or null, which tfbench writes for non-finite values): returns 0 and sets
   *present = 0. Wrong types and non-finite, negative or absurd values are errors naming benchmark and field. */
static int number_field(const cJSON *obj, const char *key, const char *bench, double *out, int *present,
                        tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *present = 0;
    if (!item || cJSON_IsNull(item)) return TFB_OK;
    if (!cJSON_IsNumber(item)) return tfb_fail(err, "benchmark \"%s\": field \"%s\" must be a number", bench, key);
    double value = item->valuedouble;
    if (!isfinite(value)) return tfb_fail(err, "benchmark \"%s\": field \"%s\" is not finite", bench, key);
    if (value < 0) return tfb_fail(err, "benchmark \"%s\": field \"%s\" is negative (%g)", bench, key, value);
    *out = value;
    *present = 1;
    return TFB_OK;
}

static int string_field(const cJSON *obj, const char *key, const char *where, const char **out, tfb_error *err)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!item || cJSON_IsNull(item)) return TFB_OK;
    if (!cJSON_IsString(item) || !item->valuestring)
        return tfb_fail(err, "%s: field \"%s\" must be a string", where, key);
    *out = item->valuestring;
    return TFB_OK;
}

static int check_time(double seconds, const char *bench, const char *key, tfb_error *err)
{
    if (seconds <= 0) return tfb_fail(err, "benchmark \"%s\": field \"%s\" must be positive", bench, key);
    if (seconds > TFB_COMPARE_ABSURD)
        return tfb_fail(err, "benchmark \"%s\": field \"%s\" is absurdly large (%g s)", bench, key, seconds);
    return TFB_OK;
}

static int unit_seconds(const char *unit, double *scale)
{
    static const struct { const char *name; double scale; } UNITS[] = {
        {"ns", 1e-9}, {"us", 1e-6}, {"ms", 1e-3}, {"s", 1.0}};
    for (size_t i = 0; i < sizeof UNITS / sizeof UNITS[0]; i++)
        if (unit && strcmp(unit, UNITS[i].name) == 0) return *scale = UNITS[i].scale, 1;
    return 0;
}

/* ---- one benchmark object ---- */

static record_kind kind_of(const cJSON *bench, const char *name, tfb_error *err, int *failed)
{
    const char *run_type = NULL, *aggregate = NULL, *unit = NULL;
    static const struct { const char *name; record_kind kind; } AGGREGATES[] = {
        {"median", KIND_MEDIAN}, {"mean", KIND_MEAN}, {"min", KIND_MIN}, {"max", KIND_MAX}, {"stddev", KIND_STDDEV}};
    *failed = string_field(bench, TFB_KEY_B_RUN_TYPE, name, &run_type, err) != TFB_OK;
    if (*failed || !run_type || strcmp(run_type, "aggregate") != 0) return KIND_ITERATION;
    *failed = string_field(bench, "aggregate_name", name, &aggregate, err) != TFB_OK ||
              string_field(bench, "aggregate_unit", name, &unit, err) != TFB_OK;
    if (*failed || !aggregate || (unit && strcmp(unit, "time") != 0)) return KIND_IGNORED;
    for (size_t i = 0; i < sizeof AGGREGATES / sizeof AGGREGATES[0]; i++)
        if (strcmp(aggregate, AGGREGATES[i].name) == 0) return AGGREGATES[i].kind;
    return KIND_IGNORED;  /* cv, BigO, RMS, user statistics: not times */
}

static int read_skipped(const cJSON *bench, const char *name, int *skipped, tfb_error *err)
{
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(bench, TFB_KEY_B_ERROR_OCCURRED);
    *skipped = 0;
    if (!flag || cJSON_IsNull(flag)) return TFB_OK;
    if (!cJSON_IsBool(flag))
        return tfb_fail(err, "benchmark \"%s\": field \"error_occurred\" must be true or false", name);
    *skipped = cJSON_IsTrue(flag);
    return TFB_OK;
}

/* tfbench writes verified: false for a result its check refused; absent or true is not a failure. */
static int read_failed(const cJSON *bench, const char *name, int *failed, tfb_error *err)
{
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(bench, TFB_KEY_B_VERIFIED);
    *failed = 0;
    if (!flag || cJSON_IsNull(flag)) return TFB_OK;
    if (!cJSON_IsBool(flag)) return tfb_fail(err, "benchmark \"%s\": field \"verified\" must be true or false", name);
    *failed = cJSON_IsFalse(flag);
    return TFB_OK;
}

/* tfbench's own seconds fields when present, else Google Benchmark's real_time in its time_unit. */
static int read_times(const cJSON *bench, const char *name, record *r, tfb_error *err)
{
    int has_median, has_min, has_max, has_real;
    double real_time = 0, scale = 0;
    const char *unit = NULL;
    if (number_field(bench, TFB_KEY_B_TIME_MEDIAN_S, name, &r->time, &has_median, err) ||
        number_field(bench, TFB_KEY_B_TIME_MIN_S, name, &r->time_min, &has_min, err) ||
        number_field(bench, TFB_KEY_B_TIME_MAX_S, name, &r->time_max, &has_max, err))
        return TFB_ERROR;
    if (has_median) {
        if (check_time(r->time, name, TFB_KEY_B_TIME_MEDIAN_S, err)) return TFB_ERROR;
        if (!has_min) r->time_min = r->time;
        if (!has_max) r->time_max = r->time;
        if ((has_min && check_time(r->time_min, name, TFB_KEY_B_TIME_MIN_S, err)) ||
            (has_max && check_time(r->time_max, name, TFB_KEY_B_TIME_MAX_S, err)))
            return TFB_ERROR;
        if (r->time_min > r->time || r->time_max < r->time)
            return tfb_fail(err, "benchmark \"%s\": time_min_s <= time_median_s <= time_max_s does not hold", name);
        r->has_spread = has_min && has_max;
        return TFB_OK;
    }
    if (number_field(bench, TFB_KEY_B_REAL_TIME, name, &real_time, &has_real, err) ||
        string_field(bench, TFB_KEY_B_TIME_UNIT, name, &unit, err))
        return TFB_ERROR;
    if (!has_real) return tfb_fail(err, "benchmark \"%s\": no \"real_time\" or \"time_median_s\"", name);
    if (!unit_seconds(unit ? unit : "", &scale))
        return tfb_fail(err, "benchmark \"%s\": \"time_unit\" must be ns, us, ms or s", name);
    r->time = r->time_min = r->time_max = real_time * scale;
    /* A stddev of exactly zero is a legitimate aggregate; only medians and single runs must be positive. */
    if (r->time > TFB_COMPARE_ABSURD || (r->time <= 0 && r->kind != KIND_STDDEV))
        return check_time(r->time, name, TFB_KEY_B_REAL_TIME, err);
    return TFB_OK;
}

static int read_rate(const cJSON *bench, const char *name, const char *own, const char *google, double *out,
                     tfb_error *err)
{
    int present;
    double value = 0;
    const char *key = own;
    *out = 0;
    if (number_field(bench, own, name, &value, &present, err)) return TFB_ERROR;
    if (!present) {
        key = google;
        if (number_field(bench, google, name, &value, &present, err)) return TFB_ERROR;
        value /= 1e9;  /* items or bytes per second -> G per second */
    }
    if (value > TFB_COMPARE_ABSURD) return tfb_fail(err, "benchmark \"%s\": field \"%s\" is absurdly large", name, key);
    *out = value;
    return TFB_OK;
}

/* samples_s, when present: a non-empty array of positive, finite, sane times (seconds per execution). */
static int read_samples(const cJSON *bench, const char *name, record *r, tfb_error *err)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(bench, TFB_KEY_SAMPLES), *item;
    size_t index = 0;
    if (!list || cJSON_IsNull(list)) return TFB_OK;
    if (!cJSON_IsArray(list) || !list->child)
        return tfb_fail(err, "benchmark \"%s\": field \"%s\" must be a non-empty array of seconds", name,
                        TFB_KEY_SAMPLES);
    cJSON_ArrayForEach(item, list) {
        if (!cJSON_IsNumber(item) || !isfinite(item->valuedouble) || item->valuedouble <= 0 ||
            item->valuedouble > TFB_COMPARE_ABSURD)
            return tfb_fail(err, "benchmark \"%s\": %s[%zu] must be a positive number of seconds", name,
                            TFB_KEY_SAMPLES, index);
        index++;
    }
    r->samples = list;
    return TFB_OK;
}

static int read_repetition(const cJSON *bench, record *r, tfb_error *err)
{
    int present;
    if (number_field(bench, "repetition_index", r->key, &r->repetition, &present, err)) return TFB_ERROR;
    if (!present) r->repetition = -1;
    return TFB_OK;
}

static int read_record(const cJSON *bench, size_t index, record *r, tfb_error *err)
{
    const char *name = NULL, *run_name = NULL;
    char where[64];
    int failed;
    snprintf(where, sizeof where, "benchmark #%zu", index);
    if (!cJSON_IsObject(bench)) return tfb_fail(err, "%s is not an object", where);
    if (string_field(bench, TFB_KEY_B_NAME, where, &name, err) ||
        string_field(bench, TFB_KEY_B_RUN_NAME, where, &run_name, err))
        return TFB_ERROR;
    if (!name || !name[0]) return tfb_fail(err, "%s has no \"name\"", where);
    memset(r, 0, sizeof *r);
    r->key = run_name && run_name[0] ? run_name : name;
    r->order = index;
    if (strlen(r->key) > TFB_COMPARE_MAX_NAME)
        return tfb_fail(err, "%s: name longer than %d bytes", where, TFB_COMPARE_MAX_NAME);
    r->kind = kind_of(bench, r->key, err, &failed);
    if (failed || read_repetition(bench, r, err) || read_skipped(bench, r->key, &r->skipped, err) ||
        read_failed(bench, r->key, &r->failed, err))
        return TFB_ERROR;
    if (r->failed) r->skipped = 1;  /* no figure to compare; the pairing sees the failure */
    if (r->skipped || r->kind == KIND_IGNORED) return TFB_OK;
    if (read_times(bench, r->key, r, err) || (r->kind == KIND_ITERATION && read_samples(bench, r->key, r, err)) ||
        read_rate(bench, r->key, TFB_KEY_B_GFLOPS, TFB_KEY_B_ITEMS_PER_SECOND, &r->gflops, err) ||
        read_rate(bench, r->key, TFB_KEY_B_GBYTES_PER_SECOND, TFB_KEY_B_BYTES_PER_SECOND, &r->gbps, err) ||
        read_rate(bench, r->key, TFB_KEY_B_ROOF_GFLOPS, TFB_KEY_B_ROOF_GFLOPS, &r->roof_gflops, err) ||
        tfb_compare_read_local_roof(bench, r->key, r->local_roof, r->local_peak, err))
        return TFB_ERROR;
    if (r->kind == KIND_ITERATION && tfb_compare_check_consistency(bench, r->key, r->time, err)) return TFB_ERROR;
    return TFB_OK;
}

static int read_records(reader *rd)
{
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(rd->root, TFB_KEY_BENCHMARKS);
    if (!cJSON_IsObject(rd->root)) return tfb_fail(rd->err, "the document is not a JSON object");
    if (!cJSON_IsArray(list)) return tfb_fail(rd->err, "no \"benchmarks\" array");
    size_t n = (size_t)cJSON_GetArraySize(list);
    rd->records = calloc(n ? n : 1, sizeof *rd->records);
    rd->scratch = calloc(n ? n : 1, sizeof *rd->scratch);
    if (!rd->records || !rd->scratch) return tfb_fail(rd->err, "out of memory");
    const cJSON *bench;
    cJSON_ArrayForEach(bench, list) {
        if (read_record(bench, rd->count, &rd->records[rd->count], rd->err)) return TFB_ERROR;
        rd->count++;
    }
    return TFB_OK;
}

/* ---- summarising the records of one run name ---- */

/* Sorted so that the records of one run name are adjacent, and within them two statements of the same figure. */
static int by_identity(const void *a, const void *b)
{
    const record *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (c) return c;
    if (x->kind != y->kind) return (x->kind > y->kind) - (x->kind < y->kind);
    if (x->repetition != y->repetition) return (x->repetition > y->repetition) - (x->repetition < y->repetition);
    return (x->order > y->order) - (x->order < y->order);
}

/* Two records that state the same figure of one benchmark: the second would hide (or be hidden by) the first. A
   tfbench file names each benchmark once; in others a run name repeats for repetitions (distinct repetition_index,
   or none at all in Google Benchmark before 1.5) and for aggregates (one of each kind). */
static int same_figure_twice(const record *x, const record *y, int from_tfbench)
{
    if (strcmp(x->key, y->key) != 0 || x->kind != y->kind || x->kind == KIND_IGNORED) return 0;
    if (from_tfbench || x->kind != KIND_ITERATION) return 1;
    return x->repetition >= 0 && x->repetition == y->repetition;
}

static int refuse_duplicates(const reader *rd)
{
    for (size_t i = 1; i < rd->count; i++) {
        const record *x = &rd->records[i - 1], *y = &rd->records[i];
        if (same_figure_twice(x, y, rd->from_tfbench))
            return tfb_fail(rd->err, "benchmark \"%s\" appears twice (benchmarks #%zu and #%zu)", y->key, x->order,
                            y->order);
    }
    return TFB_OK;
}

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median_of(double *values, size_t n)
{
    qsort(values, n, sizeof *values, by_double);
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

static double field_median(const record *group, size_t n, size_t offset, double *scratch)
{
    size_t used = 0;
    for (size_t i = 0; i < n; i++)
        if (group[i].kind == KIND_ITERATION && !group[i].skipped)
            scratch[used++] = *(const double *)((const char *)&group[i] + offset);
    return used ? median_of(scratch, used) : 0;
}

/* Repetitions: median of the medians, spread from the fastest to the slowest. */
static int summarise_iterations(const record *group, size_t n, double *scratch, tfb_compare_entry *e)
{
    size_t used = 0;
    e->time_min = INFINITY;
    e->time_max = 0;
    for (size_t i = 0; i < n; i++) {
        if (group[i].kind != KIND_ITERATION || group[i].skipped) continue;
        e->time_min = fmin(e->time_min, group[i].time_min);
        e->time_max = fmax(e->time_max, group[i].time_max);
        e->has_spread |= group[i].has_spread;
        used++;
    }
    if (!used) return 0;
    e->has_spread |= used > 1;
    e->time_median = field_median(group, n, offsetof(record, time), scratch);
    e->gflops = field_median(group, n, offsetof(record, gflops), scratch);
    e->gbps = field_median(group, n, offsetof(record, gbps), scratch);
    return 1;
}

static const record *find_kind(const record *group, size_t n, record_kind kind)
{
    for (size_t i = 0; i < n; i++)
        if (group[i].kind == kind && !group[i].skipped) return &group[i];
    return NULL;
}

/* Aggregates only (--benchmark_report_aggregates_only): median (else mean), spread from min/max (else stddev). */
static int summarise_aggregates(const record *group, size_t n, tfb_compare_entry *e)
{
    const record *center = find_kind(group, n, KIND_MEDIAN);
    const record *lo = find_kind(group, n, KIND_MIN), *hi = find_kind(group, n, KIND_MAX);
    const record *sd = find_kind(group, n, KIND_STDDEV);
    if (!center) center = find_kind(group, n, KIND_MEAN);
    if (!center) return 0;
    e->time_median = center->time;
    e->gflops = center->gflops;
    e->gbps = center->gbps;
    e->time_min = e->time_max = center->time;
    if (lo && hi && lo->time <= center->time && hi->time >= center->time) {
        e->time_min = lo->time;
        e->time_max = hi->time;
        e->has_spread = 1;
    } else if (sd) {
        e->time_min = fmax(center->time - sd->time, center->time * 1e-3);
        e->time_max = center->time + sd->time;
        e->has_spread = 1;
    }
    return 1;
}

static void clean_name(char *name)
{
    for (unsigned char *p = (unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f) *p = '?';  /* a results file must not drive the terminal */
}

/* A single measured run with samples_s keeps them for the rank test; repeated run names keep their old summary. */
static int copy_samples(const record *group, size_t n, tfb_compare_entry *e)
{
    if (n != 1 || group[0].kind != KIND_ITERATION || group[0].skipped || !group[0].samples) return TFB_OK;
    size_t count = (size_t)cJSON_GetArraySize(group[0].samples), i = 0;
    const cJSON *item;
    e->samples = malloc(count * sizeof *e->samples);
    if (!e->samples) return TFB_ERROR;
    cJSON_ArrayForEach(item, group[0].samples) e->samples[i++] = item->valuedouble;
    e->sample_count = count;
    return TFB_OK;
}

static void entry_free(tfb_compare_entry *e)
{
    free(e->name);
    free(e->samples);
    free(e->round_medians);
    memset(e, 0, sizeof *e);
}

static int summarise_group(const record *group, size_t n, double *scratch, tfb_compare_entry *e, tfb_error *err)
{
    memset(e, 0, sizeof *e);
    if (!summarise_iterations(group, n, scratch, e) && !summarise_aggregates(group, n, e)) {
        memset(e, 0, sizeof *e);
        e->skipped = 1;
    }
    for (size_t i = 0; i < n; i++)
        if (group[i].failed) e->skipped = e->failed = 1;  /* one wrong repetition makes the benchmark wrong */
    if (n == 1 && !e->skipped) {
        e->roof_gflops = group[0].roof_gflops;
        memcpy(e->local_roof_gbps, group[0].local_roof, sizeof e->local_roof_gbps);
        memcpy(e->local_peak_gflops, group[0].local_peak, sizeof e->local_peak_gflops);
    }
    e->name = strdup(group[0].key);
    if (!e->name || (!e->skipped && copy_samples(group, n, e) != TFB_OK)) {
        entry_free(e);
        return tfb_fail(err, "out of memory");
    }
    clean_name(e->name);
    return TFB_OK;
}

static int has_content(const record *group, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (group[i].kind != KIND_IGNORED || group[i].skipped) return 1;
    return 0;
}

typedef struct ordered_entry {
    size_t order;
    tfb_compare_entry entry;
} ordered_entry;

static int by_first_order(const void *a, const void *b)
{
    const ordered_entry *x = a, *y = b;
    return (x->order > y->order) - (x->order < y->order);
}

static int build_entries(reader *rd, tfb_compare_doc *doc)
{
    ordered_entry *found = calloc(rd->count ? rd->count : 1, sizeof *found);
    size_t used = 0;
    int rc = found ? TFB_OK : tfb_fail(rd->err, "out of memory");
    if (rc == TFB_OK) qsort(rd->records, rd->count, sizeof *rd->records, by_identity);
    if (rc == TFB_OK) rc = refuse_duplicates(rd);
    for (size_t start = 0, end; rc == TFB_OK && start < rd->count; start = end) {
        found[used].order = rd->records[start].order;
        for (end = start + 1; end < rd->count && strcmp(rd->records[end].key, rd->records[start].key) == 0; end++)
            if (rd->records[end].order < found[used].order) found[used].order = rd->records[end].order;
        if (!has_content(&rd->records[start], end - start)) continue;
        rc = summarise_group(&rd->records[start], end - start, rd->scratch, &found[used].entry, rd->err);
        if (rc == TFB_OK) used++;
    }
    if (rc == TFB_OK) {
        qsort(found, used, sizeof *found, by_first_order);
        doc->entries = calloc(used ? used : 1, sizeof *doc->entries);
        if (!doc->entries) rc = tfb_fail(rd->err, "out of memory");
    }
    for (size_t i = 0; i < used; i++) {
        if (rc == TFB_OK) doc->entries[i] = found[i].entry;
        else entry_free(&found[i].entry);
    }
    if (rc == TFB_OK) doc->count = used;
    free(found);
    return rc;
}

/* ---- context: where the numbers come from ---- */

static int copy_string(const cJSON *obj, const char *key, const char *where, char *out, size_t size, tfb_error *err)
{
    const char *value = NULL;
    if (obj && string_field(obj, key, where, &value, err)) return TFB_ERROR;
    /* provenance is compared between the files: two names cut alike would pass for one device */
    if (value && strlen(value) >= size)
        return tfb_fail(err, "%s: field \"%s\" is longer than %zu bytes", where, key, size - 1);
    if (value && !out[0]) {
        snprintf(out, size, "%s", value);
        clean_name(out);
    }
    return TFB_OK;
}

/* context.ceilings: optional; each figure a non-negative, sane number when present. */
static int read_ceilings(const cJSON *context, tfb_compare_doc *doc, tfb_error *err)
{
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
    const struct { const char *key; double *out; } FIGURES[] = {
        {TFB_KEY_BANDWIDTH_GBPS, &doc->ceilings.bandwidth_gbps},
        {TFB_KEY_BANDWIDTH_READ_GBPS, &doc->ceilings.bandwidth_read_gbps},
        {TFB_KEY_PEAK_GFLOPS_FP32, &doc->ceilings.peak_gflops_fp32},
        {TFB_KEY_PEAK_GFLOPS_FP64, &doc->ceilings.peak_gflops_fp64}};
    if (!ceilings || cJSON_IsNull(ceilings)) return TFB_OK;
    if (!cJSON_IsObject(ceilings)) return tfb_fail(err, "\"context.ceilings\" must be an object");
    for (size_t i = 0; i < sizeof FIGURES / sizeof *FIGURES; i++) {
        int present;
        if (number_field(ceilings, FIGURES[i].key, "context.ceilings", FIGURES[i].out, &present, err)) return TFB_ERROR;
        if (*FIGURES[i].out > TFB_COMPARE_ABSURD)
            return tfb_fail(err, "context.ceilings: field \"%s\" is absurdly large", FIGURES[i].key);
    }
    return TFB_OK;
}

static int read_context(const cJSON *root, tfb_compare_doc *doc, tfb_error *err)
{
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(root, TFB_KEY_CONTEXT);
    if (!context || cJSON_IsNull(context)) return TFB_OK;
    if (!cJSON_IsObject(context)) return tfb_fail(err, "\"context\" must be an object");
    const cJSON *device = cJSON_GetObjectItemCaseSensitive(context, "device");
    if (device && !cJSON_IsNull(device) && !cJSON_IsObject(device))
        return tfb_fail(err, "\"context.device\" must be an object");
    if (!cJSON_IsObject(device)) device = NULL;
    doc->from_tfbench = cJSON_GetObjectItemCaseSensitive(context, "tfbench_version") != NULL;
    int failed = copy_string(device, "name", "context.device", doc->device, sizeof doc->device, err) ||
                 copy_string(context, "host_name", "context", doc->device, sizeof doc->device, err) ||
                 copy_string(device, "driver", "context.device", doc->driver, sizeof doc->driver, err) ||
                 copy_string(context, "tfbench_version", "context", doc->version, sizeof doc->version, err) ||
                 copy_string(context, "library_version", "context", doc->version, sizeof doc->version, err) ||
                 read_ceilings(context, doc, err);
    return failed ? TFB_ERROR : TFB_OK;
}

/* ---- public ---- */

int tfb_compare_keep_matching(tfb_compare_doc *doc, const char *pattern, tfb_error *err)
{
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB))
        return tfb_fail(err, "--filter: \"%.200s\" is not a POSIX extended regular expression", pattern);
    size_t kept = 0;
    for (size_t i = 0; i < doc->count; i++) {
        if (regexec(&re, doc->entries[i].name, 0, NULL, 0) == 0) doc->entries[kept++] = doc->entries[i];
        else entry_free(&doc->entries[i]);
    }
    doc->count = kept;
    regfree(&re);
    return TFB_OK;
}

void tfb_compare_doc_free(tfb_compare_doc *doc)
{
    for (size_t i = 0; doc && i < doc->count; i++) entry_free(&doc->entries[i]);
    if (doc) {
        free(doc->entries);
        memset(doc, 0, sizeof *doc);
    }
}

int tfb_compare_load_text(const char *text, size_t length, tfb_compare_doc *doc, tfb_error *err)
{
    tfb_error local;
    reader rd = {.err = err ? err : &local};
    memset(doc, 0, sizeof *doc);
    rd.err->message[0] = '\0';
    int rc = parse_json(text, length, &rd.root, rd.err);
    if (rc == TFB_OK) rc = read_context(rd.root, doc, rd.err);
    rd.from_tfbench = doc->from_tfbench;
    if (rc == TFB_OK) rc = read_records(&rd);
    if (rc == TFB_OK) rc = build_entries(&rd, doc);
    free(rd.records);
    free(rd.scratch);
    cJSON_Delete(rd.root);
    if (rc != TFB_OK) tfb_compare_doc_free(doc);
    return rc;
}
