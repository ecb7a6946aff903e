/* tfbench compare FLEET.json: every rank against the fleet median, the cluster-validation diagnosis. A rank's
 * baseline is the rest of the fleet: per benchmark the other ranks' samples pooled (their median the baseline's
 * median), so a slow rank does not pull its own baseline; then the ordinary compare (U test, or spreads) decides. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"
#include "tfbench/fleet.h"
#include "tfbench/results.h"
#include "tfbench/stats.h"

typedef struct pooled_row {
    const char *name;
    const tfb_compare_entry **entries;  /* per rank: its entry for this name, NULL when it has none */
} pooled_row;

typedef struct fleet_docs {
    size_t count;             /* ranks */
    tfb_compare_doc *docs;
    int *loaded;              /* per rank: its results were read */
    char (*why)[512];         /* per rank: why not */
    pooled_row *rows;
    size_t row_count;
} fleet_docs;

static void docs_free(fleet_docs *f)
{
    for (size_t i = 0; f->docs && i < f->count; i++) tfb_compare_doc_free(&f->docs[i]);
    for (size_t i = 0; i < f->row_count; i++) free(f->rows[i].entries);
    free(f->docs);
    free(f->loaded);
    free(f->why);
    free(f->rows);
    memset(f, 0, sizeof *f);
}

/* Each rank's results through compare's own strict reader. */
static void load_rank(const cJSON *rank, fleet_docs *f, size_t i)
{
    const cJSON *results = cJSON_GetObjectItemCaseSensitive(rank, "results");
    tfb_error err = {{0}};
    const char *error = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rank, "error"));
    if (!cJSON_IsObject(results)) {
        snprintf(f->why[i], sizeof f->why[i], "no results: %.480s", error ? error : "(no reason recorded)");
        return;
    }
    char *text = cJSON_PrintUnformatted(results);
    if (text && tfb_compare_load_text(text, strlen(text), &f->docs[i], &err) == TFB_OK) f->loaded[i] = 1;
    else snprintf(f->why[i], sizeof f->why[i], "its results are unusable: %.460s", text ? err.message : "out of memory");
    cJSON_free(text);
}

static int find_or_add_row(fleet_docs *f, const char *name, size_t *capacity)
{
    for (size_t r = 0; r < f->row_count; r++)
        if (strcmp(f->rows[r].name, name) == 0) return (int)r;
    if (f->row_count == *capacity) {
        *capacity = *capacity ? 2 * *capacity : 64;
        pooled_row *grown = realloc(f->rows, *capacity * sizeof *grown);
        if (!grown) return -1;
        f->rows = grown;
    }
    pooled_row *row = &f->rows[f->row_count];
    row->name = name;
    row->entries = calloc(f->count, sizeof *row->entries);
    return row->entries ? (int)f->row_count++ : -1;
}

static int load_fleet(const cJSON *fleet, fleet_docs *f, tfb_error *err)
{
    const cJSON *ranks = cJSON_GetObjectItemCaseSensitive(fleet, "ranks"), *rank;
    memset(f, 0, sizeof *f);
    f->count = (size_t)cJSON_GetArraySize(ranks);
    f->docs = calloc(f->count + 1, sizeof *f->docs);
    f->loaded = calloc(f->count + 1, sizeof *f->loaded);
    f->why = calloc(f->count + 1, sizeof *f->why);
    if (!f->docs || !f->loaded || !f->why) return tfb_fail(err, "out of memory");
    size_t i = 0, capacity = 0;
    cJSON_ArrayForEach(rank, ranks) load_rank(rank, f, i++);
    for (i = 0; i < f->count; i++) {
        for (size_t e = 0; f->loaded[i] && e < f->docs[i].count; e++) {
            int row = find_or_add_row(f, f->docs[i].entries[e].name, &capacity);
            if (row < 0) return tfb_fail(err, "out of memory");
            f->rows[row].entries[i] = &f->docs[i].entries[e];
        }
    }
    return TFB_OK;
}

static double median_of(const double *values, size_t n)
{
    return n ? tfb_median(values, n) : 0.0;
}

/* The rest of the fleet's view of one benchmark: every other rank that measured it, pooled. 0: none did. */
static int pool_row(const pooled_row *row, size_t count, size_t excluded, tfb_compare_entry *out, double *scratch)
{
    size_t measured = 0, samples = 0, with_samples = 0, n;
    memset(out, 0, sizeof *out);
    out->time_min = INFINITY;
    for (size_t k = 0; k < count; k++) {
        const tfb_compare_entry *e = row->entries[k];
        if (k == excluded || !e || e->skipped) continue;
        scratch[measured++] = e->time_median;
        out->time_min = fmin(out->time_min, e->time_min);
        out->time_max = fmax(out->time_max, e->time_max);
        with_samples += e->samples && e->sample_count;
        samples += e->sample_count;
    }
    if (!measured) return 0;
    out->name = strdup(row->name);
    out->has_spread = 1;
    out->time_median = median_of(scratch, measured);
    if (with_samples == measured && (out->samples = malloc(samples * sizeof *out->samples))) {
        for (size_t k = 0; k < count; k++) {
            const tfb_compare_entry *e = row->entries[k];
            if (k == excluded || !e || e->skipped) continue;
            memcpy(out->samples + out->sample_count, e->samples, e->sample_count * sizeof *e->samples);
            out->sample_count += e->sample_count;
        }
        out->time_median = median_of(out->samples, out->sample_count);
    }
    n = 0;
    for (size_t k = 0; k < count; k++)
        if (k != excluded && row->entries[k] && !row->entries[k]->skipped) scratch[n++] = row->entries[k]->gflops;
    out->gflops = median_of(scratch, n);
    n = 0;
    for (size_t k = 0; k < count; k++)
        if (k != excluded && row->entries[k] && !row->entries[k]->skipped) scratch[n++] = row->entries[k]->gbps;
    out->gbps = median_of(scratch, n);
    return out->name != NULL;
}

static int baseline_for(const fleet_docs *f, size_t excluded, tfb_compare_doc *base, tfb_error *err)
{
    memset(base, 0, sizeof *base);
    base->entries = calloc(f->row_count + 1, sizeof *base->entries);
    double *scratch = malloc((f->count + 1) * sizeof *scratch);
    if (!base->entries || !scratch) {
        free(scratch);
        return tfb_fail(err, "out of memory");
    }
    for (size_t r = 0; r < f->row_count; r++)
        if (pool_row(&f->rows[r], f->count, excluded, &base->entries[base->count], scratch)) base->count++;
    free(scratch);
    snprintf(base->device, sizeof base->device, "the fleet median");
    base->from_tfbench = 1;
    return TFB_OK;
}

static void rank_line(const cJSON *rank, FILE *out)
{
    const char *host = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rank, "host_name"));
    const char *device = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(rank, "device"));
    fprintf(out, "rank %-4.0f %-16.16s d%-3.0f %-34.34s", tfb_json_number(rank, "rank", -1), host ? host : "?",
            tfb_json_number(rank, "device_index", -1), device ? device : "?");
}

/* The rank's counts, then its regressions and wrong results in compare's own rows (the fleet as the baseline). */
static void print_rank_verdicts(const tfb_compare_report *report, FILE *out)
{
    const tfb_compare_rows rows = {.counted_only = 1, .indent = 4, .base_label = "fleet", .current_label = "rank"};
    fputc(' ', out);
    tfb_compare_print_counts(out, report);
    tfb_compare_print_rows(out, report, &rows);
}

/* A rank's record: who it is, whether it was usable (else why not), and compare's own report (NULL: none). */
static cJSON *rank_json(const cJSON *rank, size_t i, int bad, const char *why, const tfb_compare_report *report,
                        const tfb_compare_about *about)
{
    cJSON *entry = cJSON_CreateObject();
    cJSON_AddNumberToObject(entry, "rank", tfb_json_number(rank, "rank", (double)i));
    cJSON_AddItemToObject(entry, "host_name", cJSON_Duplicate(cJSON_GetObjectItem(rank, "host_name"), 1));
    cJSON_AddItemToObject(entry, "device", cJSON_Duplicate(cJSON_GetObjectItem(rank, "device"), 1));
    cJSON_AddBoolToObject(entry, "usable", report != NULL);
    if (!report) cJSON_AddStringToObject(entry, "error", why);
    cJSON_AddBoolToObject(entry, "slower_or_failed", bad);
    if (report) cJSON_AddItemToObject(entry, "compare", tfb_compare_report_json(report, about));
    return entry;
}

/* One rank against the rest: its line (text) or its object (JSON); returns 1 when it is slower or failed. */
static int compare_rank(fleet_docs *f, size_t i, const cJSON *rank, const char *path,
                        const tfb_fleet_compare_options *o, FILE *out, cJSON *json_ranks)
{
    tfb_compare_doc base;
    tfb_compare_report report = {0};
    tfb_error err = {{0}};
    int usable = f->loaded[i] && baseline_for(f, i, &base, &err) == TFB_OK;
    if (usable && tfb_compare_docs_at(&base, &f->docs[i], (tfb_metric)o->metric, o->threshold, o->alpha, &report,
                                      &err) != TFB_OK) {
        snprintf(f->why[i], sizeof f->why[i], "%.500s", err.message);
        usable = 0;
    }
    int bad = !usable || report.counts[TFB_VERDICT_REGRESSION] || report.counts[TFB_VERDICT_FAILED];
    const tfb_compare_about about = {.base = {path, &base}, .current = {path, &f->docs[i]}, .rounds = 1};
    cJSON_AddItemToArray(json_ranks, rank_json(rank, i, bad, f->why[i], usable ? &report : NULL, &about));
    if (!o->json) {
        rank_line(rank, out);
        if (usable) print_rank_verdicts(&report, out);
        else fprintf(out, " FAILED: %s\n", f->why[i]);
    }
    if (f->loaded[i]) tfb_compare_doc_free(&base);
    tfb_compare_report_free(&report);
    return bad;
}

int tfb_fleet_compare(const cJSON *fleet, const char *path, const tfb_fleet_compare_options *o, FILE *out,
                      tfb_error *err)
{
    fleet_docs f;
    if (load_fleet(fleet, &f, err) != TFB_OK) return docs_free(&f), 2;
    cJSON *json = cJSON_CreateObject(), *ranks = cJSON_CreateArray(), *rank;
    cJSON_AddStringToObject(json, "fleet_file", path);
    cJSON_AddStringToObject(json, "metric", tfb_metric_name((tfb_metric)o->metric));
    cJSON_AddNumberToObject(json, "threshold_percent", 100 * o->threshold);
    cJSON_AddNumberToObject(json, "alpha", o->alpha);
    if (!o->json)
        fprintf(out, "fleet: %s, %zu rank(s); each rank against the fleet median (the other ranks' samples pooled), "
                "metric %s, threshold %.1f%%; a rank's regressions and wrong results follow its counts\n", path,
                f.count, tfb_metric_name((tfb_metric)o->metric), 100 * o->threshold);
    size_t i = 0, slower = 0;
    cJSON_ArrayForEach(rank, cJSON_GetObjectItemCaseSensitive(fleet, "ranks"))
        slower += (size_t)compare_rank(&f, i++, rank, path, o, out, ranks);
    cJSON_AddItemToObject(json, "ranks", ranks);
    cJSON_AddBoolToObject(json, "regression", slower > 0);
    if (o->json) {
        char *text = cJSON_Print(json);
        if (text) fprintf(out, "%s\n", text);
        cJSON_free(text);
    } else fprintf(out, "\n%zu of %zu rank(s) slower than the fleet or failed\n", slower, f.count);
    cJSON_Delete(json);
    docs_free(&f);
    return slower ? 1 : 0;
}
