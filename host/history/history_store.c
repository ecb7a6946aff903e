/* Storing a run and reading the history back: the machine fingerprint, the run with its ceilings and its results
 * document whole, a row per benchmark; the runs, the series and the export. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "history_db.h"
#include "tfbench/results.h"
#include "tfbench/results_read.h"
#include "tfbench/results_schema.h"

static const char *string_at(const cJSON *object, const char *key, const char *fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsString(item) && item->valuestring[0] ? item->valuestring : fallback;
}

/* The device of the run: context.device, or the first of context.devices (a run of several devices). */
static const cJSON *run_device(const cJSON *context)
{
    const cJSON *device = cJSON_GetObjectItemCaseSensitive(context, "device");
    if (cJSON_IsObject(device)) return device;
    const cJSON *devices = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_DEVICES);
    return cJSON_IsArray(devices) ? cJSON_GetArrayItem(devices, 0) : NULL;
}

static uint64_t fnv1a(uint64_t hash, const char *text)
{
    for (const unsigned char *p = (const unsigned char *)text; *p; p++) hash = (hash ^ *p) * 1099511628211ull;
    return (hash ^ '|') * 1099511628211ull;
}

void tfb_history_fingerprint(const cJSON *results, tfb_history_machine *out)
{
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_CONTEXT);
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(context, "host"), *device = run_device(context);
    memset(out, 0, sizeof *out);
    snprintf(out->cpu_model, sizeof out->cpu_model, "%s", string_at(host, "cpu_model", "unknown"));
    snprintf(out->device, sizeof out->device, "%s", string_at(device, "name", "unknown"));
    snprintf(out->driver, sizeof out->driver, "%s", string_at(device, "driver", "unknown"));
    snprintf(out->hwloc, sizeof out->hwloc, "%.0f packages, %.0f cores, %.0f PUs, %.0f NUMA nodes, L3 %.0f MiB",
             tfb_json_number(host, "packages", 0), tfb_json_number(host, "cores", 0),
             tfb_json_number(host, "pus", 0), tfb_json_number(host, "numa_nodes", 0),
             tfb_json_number(host, "l3_total_bytes", 0) / (1024.0 * 1024.0));
    uint64_t hash = 14695981039346656037ull;
    const char *fields[] = {out->cpu_model, out->device, out->driver, out->hwloc};
    for (size_t i = 0; i < 4; i++) hash = fnv1a(hash, fields[i]);
    snprintf(out->id, sizeof out->id, "%016llx", (unsigned long long)hash);
}

int tfb_history_check_label(const char *text, const char *what, tfb_error *err)
{
    size_t length = strlen(text);
    if (length == 0 || length > TFB_HISTORY_MAX_LABEL)
        return tfb_fail(err, "%s must have 1 to %d characters", what, TFB_HISTORY_MAX_LABEL);
    for (const char *p = text; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr("._/+-", *p)))
            return tfb_fail(err, "%s \"%.64s\": only letters, digits and . _ / + - are allowed", what, text);
    return TFB_OK;
}

static void now_utc(char *out, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

typedef struct id_read {
    tfb_history *history;
    long long id;
} id_read;

static int id_row(void *ctx, const db_row *row, tfb_error *err)
{
    id_read *r = ctx;
    r->id = r->history->backend->integer(row, 0);
    return TFB_OK;
}

static const char INSERT_RUN[] =
    "INSERT INTO runs (added_at, run_time, commit_sha, branch, machine, cpu_model, device, driver, hwloc,"
    " bandwidth_gbps, bandwidth_read_gbps, peak_fp32_gflops, peak_fp64_gflops, peak_fp16_gflops, results)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id";

static int insert_run(tfb_history *h, const cJSON *results, const tfb_history_label *label, const char *document,
                      long long *run_id, tfb_error *err)
{
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_CONTEXT);
    const cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
    tfb_history_machine m;
    tfb_history_fingerprint(results, &m);
    char added_at[32];
    now_utc(added_at, sizeof added_at);
    const cJSON *date = cJSON_GetObjectItemCaseSensitive(context, "date");
    db_value params[] = {
        db_text(added_at), db_text(cJSON_IsString(date) ? date->valuestring : NULL),
        db_text(label ? label->commit : NULL), db_text(label ? label->branch : NULL),
        db_text(m.id), db_text(m.cpu_model), db_text(m.device), db_text(m.driver), db_text(m.hwloc),
        db_positive(tfb_json_number(ceilings, TFB_KEY_BANDWIDTH_GBPS, 0)),
        db_positive(tfb_json_number(ceilings, TFB_KEY_BANDWIDTH_READ_GBPS, 0)),
        db_positive(tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP32, 0)),
        db_positive(tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP64, 0)),
        db_positive(tfb_json_number(ceilings, TFB_KEY_PEAK_GFLOPS_FP16, 0)), db_text(document)};
    id_read read = {h, -1};
    if (db_exec(h, INSERT_RUN, params, sizeof params / sizeof *params, id_row, &read, err) != TFB_OK)
        return TFB_ERROR;
    if (read.id < 0) return tfb_fail(err, "the database gave the new run no id");
    *run_id = read.id;
    return TFB_OK;
}

static const char INSERT_BENCHMARK[] =
    "INSERT INTO benchmarks (run_id, name, unit, verified, median, ci_low, ci_high, samples, roof_gflops)"
    " VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

static int insert_benchmark(tfb_history *h, long long run_id, const cJSON *b, size_t index, tfb_error *err)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_NAME);
    if (!cJSON_IsString(name) || !name->valuestring[0] || strlen(name->valuestring) > TFB_HISTORY_MAX_NAME)
        return tfb_fail(err, "benchmark #%zu: its name must be a string of 1 to %d characters", index,
                        TFB_HISTORY_MAX_NAME);
    const cJSON *samples = cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_SAMPLES);
    double count = tfb_json_number(b, "sample_count", cJSON_IsArray(samples) ? cJSON_GetArraySize(samples) : 0);
    int failed = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_ERROR_OCCURRED)) ||
                 cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_SKIPPED));
    double median = failed ? 0 : tfb_json_number(b, TFB_KEY_B_TIME_MEDIAN_S, 0);
    db_value params[] = {db_int(run_id),
                         db_text(name->valuestring),
                         db_text("s"),
                         db_int(cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(b, TFB_KEY_B_VERIFIED))),
                         db_positive(median),
                         db_positive(tfb_json_number(b, "time_median_ci_low_s", 0)),
                         db_positive(tfb_json_number(b, "time_median_ci_high_s", 0)),
                         db_int(count >= 0 && count <= 1e9 ? (long long)count : 0),
                         db_positive(tfb_json_number(b, TFB_KEY_B_ROOF_GFLOPS, 0))};
    if (db_exec(h, INSERT_BENCHMARK, params, sizeof params / sizeof *params, NULL, NULL, err) == TFB_OK)
        return TFB_OK;
    char message[sizeof err->message];
    snprintf(message, sizeof message, "%s", err->message);
    return tfb_fail(err, "benchmark \"%.200s\" (named twice in the file?): %.3000s", name->valuestring, message);
}

int tfb_history_add(tfb_history *history, const cJSON *results, const tfb_history_label *label, long long *run_id,
                    tfb_error *err)
{
    char *document = cJSON_PrintUnformatted(results);
    if (!document) return tfb_fail(err, "out of memory");
    int rc = db_run(history, history->backend->begin_write, err);
    if (rc != TFB_OK) {
        free(document);
        return rc;
    }
    rc = insert_run(history, results, label, document, run_id, err);
    free(document);
    const cJSON *b;
    size_t index = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(results, TFB_KEY_BENCHMARKS)) {
        if (rc != TFB_OK) break;
        rc = insert_benchmark(history, *run_id, b, index++, err);
    }
    return db_finish(history, rc, err);
}

/* ---- reading back ---- */

/* A machine filter is a prefix of a machine id: hex digits only, so it cannot carry LIKE's wildcards. */
static int check_machine(const tfb_history_filter *filter, tfb_error *err)
{
    const char *m = filter ? filter->machine : NULL;
    if (!m) return TFB_OK;
    size_t length = strlen(m);
    if (length == 0 || length > 16 || strspn(m, "0123456789abcdef") != length)
        return tfb_fail(err, "--machine \"%.40s\": a machine id (or its start) of 1 to 16 hex digits, as `tfbench "
                        "history list` shows it", m);
    return TFB_OK;
}

static void read_machine(tfb_history *h, const db_row *row, int first, tfb_history_machine *m)
{
    db_copy_text(h, row, first, m->id, sizeof m->id);
    db_copy_text(h, row, first + 1, m->cpu_model, sizeof m->cpu_model);
    db_copy_text(h, row, first + 2, m->device, sizeof m->device);
    db_copy_text(h, row, first + 3, m->driver, sizeof m->driver);
    db_copy_text(h, row, first + 4, m->hwloc, sizeof m->hwloc);
}

typedef struct run_read {
    tfb_history *history;
    tfb_history_run *runs;
    size_t count, capacity;
} run_read;

static int grow(void **items, size_t *capacity, size_t needed, size_t item_size, tfb_error *err)
{
    if (needed <= *capacity) return TFB_OK;
    size_t next = *capacity ? *capacity * 2 : 64;
    void *grown = realloc(*items, next * item_size);
    if (!grown) return tfb_fail(err, "out of memory");
    *items = grown;
    *capacity = next;
    return TFB_OK;
}

static int run_row(void *ctx, const db_row *row, tfb_error *err)
{
    run_read *r = ctx;
    tfb_history *h = r->history;
    if (grow((void **)&r->runs, &r->capacity, r->count + 1, sizeof *r->runs, err) != TFB_OK) return TFB_ERROR;
    tfb_history_run *run = &r->runs[r->count++];
    memset(run, 0, sizeof *run);
    run->id = h->backend->integer(row, 0);
    db_copy_text(h, row, 1, run->added_at, sizeof run->added_at);
    db_copy_text(h, row, 2, run->run_time, sizeof run->run_time);
    db_copy_text(h, row, 3, run->commit, sizeof run->commit);
    db_copy_text(h, row, 4, run->branch, sizeof run->branch);
    read_machine(h, row, 5, &run->machine);
    run->bandwidth_gbps = h->backend->real(row, 10);
    run->peak_fp32_gflops = h->backend->real(row, 11);
    run->benchmarks = (size_t)h->backend->integer(row, 12);
    run->verified = (size_t)h->backend->integer(row, 13);
    return TFB_OK;
}

static const char SELECT_RUNS[] =
    "SELECT r.id, r.added_at, r.run_time, r.commit_sha, r.branch, r.machine, r.cpu_model, r.device, r.driver,"
    " r.hwloc, r.bandwidth_gbps, r.peak_fp32_gflops,"
    " (SELECT COUNT(*) FROM benchmarks b WHERE b.run_id = r.id),"
    " (SELECT COUNT(*) FROM benchmarks b WHERE b.run_id = r.id AND b.verified = 1)"
    " FROM runs r WHERE (CAST($1 AS TEXT) IS NULL OR r.machine LIKE CAST($1 AS TEXT) || '%')"
    " AND (CAST($2 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM benchmarks b WHERE b.run_id = r.id"
    " AND b.name = CAST($2 AS TEXT))) ORDER BY r.id";

int tfb_history_list(tfb_history *history, const tfb_history_filter *filter, size_t limit, tfb_history_run **runs,
                     size_t *count, tfb_error *err)
{
    *runs = NULL;
    *count = 0;
    if (check_machine(filter, err) != TFB_OK) return TFB_ERROR;
    run_read r = {history, NULL, 0, 0};
    db_value params[] = {db_text(filter ? filter->machine : NULL), db_text(filter ? filter->name : NULL)};
    if (db_exec(history, SELECT_RUNS, params, 2, run_row, &r, err) != TFB_OK) {
        free(r.runs);
        return TFB_ERROR;
    }
    if (limit > 0 && r.count > limit) {
        memmove(r.runs, r.runs + (r.count - limit), limit * sizeof *r.runs);
        r.count = limit;
    }
    *runs = r.runs;
    *count = r.count;
    return TFB_OK;
}

typedef struct series_read {
    tfb_history *history;
    tfb_history_set *set;
    size_t capacity, point_capacity, points;
} series_read;

/* A figure read back: positive and finite within the reader's range, else 0 (absent). */
static double sane(double value)
{
    return value > 0 && value <= TFB_RESULTS_MAX_RATE ? value : 0;
}

static int series_row(void *ctx, const db_row *row, tfb_error *err)
{
    series_read *r = ctx;
    tfb_history *h = r->history;
    tfb_history_set *set = r->set;
    const char *machine = h->backend->text(row, 2), *name = h->backend->text(row, 7);
    double median = h->backend->real(row, 8);
    /* the database is input too: a figure no run could have made is left out, not drawn or tested */
    if (!(median > 0 && median <= TFB_RESULTS_MAX_RATE)) return TFB_OK;
    if (++r->points > TFB_HISTORY_MAX_POINTS)
        return tfb_fail(err, "the history holds more than %d figures: take one machine (--machine)",
                        TFB_HISTORY_MAX_POINTS);
    tfb_history_series *last = set->count ? &set->series[set->count - 1] : NULL;
    if (!last || strcmp(last->machine.id, machine) != 0 || strcmp(last->name, name) != 0) {
        if (grow((void **)&set->series, &r->capacity, set->count + 1, sizeof *set->series, err) != TFB_OK)
            return TFB_ERROR;
        last = &set->series[set->count++];
        memset(last, 0, sizeof *last);
        snprintf(last->name, sizeof last->name, "%s", name);
        read_machine(h, row, 2, &last->machine);
        r->point_capacity = 0;
    }
    if (grow((void **)&last->points, &r->point_capacity, last->count + 1, sizeof *last->points, err) != TFB_OK)
        return TFB_ERROR;
    tfb_history_point *p = &last->points[last->count++];
    p->run_id = h->backend->integer(row, 0);
    db_copy_text(h, row, 1, p->commit, sizeof p->commit);
    p->median_s = median;
    p->ci_low_s = sane(h->backend->real(row, 9));
    p->ci_high_s = sane(h->backend->real(row, 10));
    p->roof_gflops = sane(h->backend->real(row, 11));
    p->verified = (int)h->backend->integer(row, 12);
    p->samples = (size_t)h->backend->integer(row, 13);
    return TFB_OK;
}

static const char SELECT_SERIES[] =
    "SELECT r.id, r.commit_sha, r.machine, r.cpu_model, r.device, r.driver, r.hwloc, b.name, b.median, b.ci_low,"
    " b.ci_high, b.roof_gflops, b.verified, b.samples FROM benchmarks b JOIN runs r ON r.id = b.run_id"
    " WHERE b.median IS NOT NULL AND (CAST($1 AS TEXT) IS NULL OR r.machine LIKE CAST($1 AS TEXT) || '%')"
    " AND (CAST($2 AS TEXT) IS NULL OR b.name = CAST($2 AS TEXT)) ORDER BY r.machine, b.name, r.id";

int tfb_history_load_series(tfb_history *history, const tfb_history_filter *filter, tfb_history_set *set,
                            tfb_error *err)
{
    memset(set, 0, sizeof *set);
    if (check_machine(filter, err) != TFB_OK) return TFB_ERROR;
    series_read r = {history, set, 0, 0, 0};
    db_value params[] = {db_text(filter ? filter->machine : NULL), db_text(filter ? filter->name : NULL)};
    int rc = db_exec(history, SELECT_SERIES, params, 2, series_row, &r, err);
    if (rc != TFB_OK) tfb_history_set_free(set);
    return rc;
}

void tfb_history_set_free(tfb_history_set *set)
{
    for (size_t i = 0; set->series && i < set->count; i++) free(set->series[i].points);
    free(set->series);
    memset(set, 0, sizeof *set);
}

typedef struct document_read {
    tfb_history *history;
    cJSON *results;
    int found;
} document_read;

static int document_row(void *ctx, const db_row *row, tfb_error *err)
{
    document_read *r = ctx;
    const char *text = r->history->backend->text(row, 0);
    r->found = 1;
    if (strlen(text) > TFB_RESULTS_MAX_BYTES)
        return tfb_fail(err, "the stored results document is larger than a results file may be");
    /* the database is input like any file: the document passes the same bounded reader */
    return tfb_results_parse(text, strlen(text), &r->results, err);
}

int tfb_history_run_results(tfb_history *history, long long run_id, cJSON **results, tfb_error *err)
{
    document_read r = {history, NULL, 0};
    db_value params[] = {db_int(run_id)};
    *results = NULL;
    if (db_exec(history, "SELECT results FROM runs WHERE id = $1", params, 1, document_row, &r, err) != TFB_OK) {
        cJSON_Delete(r.results);
        return TFB_ERROR;
    }
    if (!r.found) return tfb_fail(err, "no run %lld in the history", run_id);
    *results = r.results;
    return TFB_OK;
}

/* ---- export ---- */

static void add_optional_number(cJSON *object, const char *key, double value)
{
    if (value > 0 && isfinite(value)) cJSON_AddNumberToObject(object, key, value);
    else cJSON_AddNullToObject(object, key);
}

static void add_optional_string(cJSON *object, const char *key, const char *value)
{
    if (value[0]) cJSON_AddStringToObject(object, key, value);
    else cJSON_AddNullToObject(object, key);
}

typedef struct bench_read {
    tfb_history *history;
    cJSON *list;
} bench_read;

static int bench_row(void *ctx, const db_row *row, tfb_error *err)
{
    bench_read *r = ctx;
    const db_backend *b = r->history->backend;
    cJSON *item = cJSON_CreateObject();
    if (!item || !cJSON_AddItemToArray(r->list, item)) return tfb_fail(err, "out of memory");
    cJSON_AddStringToObject(item, "name", b->text(row, 0));
    cJSON_AddStringToObject(item, "unit", b->text(row, 1));
    cJSON_AddBoolToObject(item, "verified", b->integer(row, 2) != 0);
    add_optional_number(item, "median", b->real(row, 3));
    add_optional_number(item, "ci_low", b->real(row, 4));
    add_optional_number(item, "ci_high", b->real(row, 5));
    cJSON_AddNumberToObject(item, "samples", (double)b->integer(row, 6));
    add_optional_number(item, "roof_gflops", b->real(row, 7));
    return TFB_OK;
}

static cJSON *run_object(const tfb_history_run *run)
{
    cJSON *item = cJSON_CreateObject(), *machine = cJSON_CreateObject();
    if (!item || !machine) {
        cJSON_Delete(item);
        cJSON_Delete(machine);
        return NULL;
    }
    cJSON_AddNumberToObject(item, "id", (double)run->id);
    cJSON_AddStringToObject(item, "added_at", run->added_at);
    add_optional_string(item, "run_time", run->run_time);
    add_optional_string(item, "commit", run->commit);
    add_optional_string(item, "branch", run->branch);
    cJSON_AddStringToObject(machine, "id", run->machine.id);
    cJSON_AddStringToObject(machine, "cpu_model", run->machine.cpu_model);
    cJSON_AddStringToObject(machine, "device", run->machine.device);
    cJSON_AddStringToObject(machine, "driver", run->machine.driver);
    cJSON_AddStringToObject(machine, "hwloc", run->machine.hwloc);
    cJSON_AddItemToObject(item, "machine", machine);
    return item;
}

static int export_run(tfb_history *history, const tfb_history_run *run, cJSON *list, tfb_error *err)
{
    cJSON *item = run_object(run), *benchmarks = cJSON_CreateArray(), *results = NULL;
    if (!item || !benchmarks || !cJSON_AddItemToArray(list, item)) {
        cJSON_Delete(item);
        cJSON_Delete(benchmarks);
        return tfb_fail(err, "out of memory");
    }
    cJSON_AddItemToObject(item, "benchmarks", benchmarks);
    bench_read r = {history, benchmarks};
    db_value params[] = {db_int(run->id)};
    if (db_exec(history,
                "SELECT name, unit, verified, median, ci_low, ci_high, samples, roof_gflops FROM benchmarks"
                " WHERE run_id = $1 ORDER BY name",
                params, 1, bench_row, &r, err) != TFB_OK ||
        tfb_history_run_results(history, run->id, &results, err) != TFB_OK)
        return TFB_ERROR;
    /* the ceilings are the results document's own (context.ceilings): not repeated beside it */
    cJSON_AddItemToObject(item, "results", results);
    return TFB_OK;
}

int tfb_history_export(tfb_history *history, const tfb_history_filter *filter, cJSON **out, tfb_error *err)
{
    tfb_history_run *runs = NULL;
    size_t count = 0;
    int version = 0;
    *out = NULL;
    if (tfb_history_schema_version(history, &version, err) != TFB_OK ||
        tfb_history_list(history, filter, 0, &runs, &count, err) != TFB_OK)
        return TFB_ERROR;
    cJSON *root = cJSON_CreateObject(), *list = cJSON_CreateArray();
    int rc = root && list ? TFB_OK : tfb_fail(err, "out of memory");
    if (rc == TFB_OK) {
        cJSON_AddNumberToObject(root, "schema_version", version);
        cJSON_AddItemToObject(root, "runs", list);
        list = NULL;
    }
    for (size_t i = 0; rc == TFB_OK && i < count; i++)
        rc = export_run(history, &runs[i], cJSON_GetObjectItemCaseSensitive(root, "runs"), err);
    free(runs);
    cJSON_Delete(list);
    if (rc != TFB_OK) {
        cJSON_Delete(root);
        return TFB_ERROR;
    }
    *out = root;
    return TFB_OK;
}
