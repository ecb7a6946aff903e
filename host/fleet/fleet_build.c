/* The fleet file from what the ranks sent: every rank (host, device, PCI, status, ceilings, its whole results),
 * then per benchmark the fleet median and each rank's deviation, then the outliers, slowest first. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "tfbench/fleet.h"
#include "tfbench/results_read.h"
#include "tfbench/results_schema.h"

typedef struct rank_entry {
    tfb_fleet_rank state;
    cJSON *results;           /* owned until attached to the fleet */
    int present;
} rank_entry;

static int parse_state(const tfb_fleet_input *in, tfb_fleet_rank *state, tfb_error *err)
{
    if (!in->state || tfb_json_check_shape(in->state, in->state_length, 16, 10000, err) != TFB_OK) {
        if (!in->state) tfb_fail(err, "no state");
        return TFB_ERROR;
    }
    cJSON *o = cJSON_ParseWithLength(in->state, in->state_length);
    int rc = o ? tfb_fleet_rank_from_json(o, state, err) : tfb_fail(err, "a rank's state is not JSON");
    cJSON_Delete(o);
    return rc;
}

static void set_failed(tfb_fleet_rank *state, const char *fmt, const char *detail)
{
    snprintf(state->status, sizeof state->status, "failed");
    snprintf(state->error, sizeof state->error, fmt, detail);
}

/* A rank's results, validated as any results file is; a rank still "running" never finished. */
static void read_results(const tfb_fleet_input *in, rank_entry *e)
{
    tfb_error err = {{0}};
    if (strcmp(e->state.status, "running") == 0) {
        char why[160];
        snprintf(why, sizeof why, "never finished: its worker (pid %ld) or the rank process was killed, or the job "
                 "was aborted", e->state.worker_pid);
        set_failed(&e->state, "%s", why);
        return;
    }
    if (!in->results || !in->results_length) {
        if (strcmp(e->state.status, "failed") != 0) set_failed(&e->state, "%s", "no results file");
        return;
    }
    if (tfb_results_parse(in->results, in->results_length, &e->results, &err) != TFB_OK) {
        set_failed(&e->state, "its results file is unreadable: %.900s", err.message);
        return;
    }
    const cJSON *stamp = cJSON_GetObjectItemCaseSensitive(e->results, "fleet_run");
    const char *run = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(stamp, "run_id"));
    if (in->run_id && (!run || strcmp(run, in->run_id) != 0)) {
        set_failed(&e->state, "its results file is from another run (%.60s), not this one's", run ? run : "no run id");
        cJSON_Delete(e->results);  /* after the message: run points into it */
        e->results = NULL;
    }
}

/* The ranks by rank number, 0 .. size - 1 (the largest size any rank reported, at least as many as sent). */
static int collect(const tfb_fleet_input *inputs, size_t count, rank_entry **out, size_t *size, tfb_error *err)
{
    tfb_fleet_rank *states = calloc(count ? count : 1, sizeof *states);
    int *valid = calloc(count ? count : 1, sizeof *valid);
    size_t n = 0;
    for (size_t i = 0; states && valid && i < count; i++) {
        tfb_error ignored = {{0}};
        valid[i] = parse_state(&inputs[i], &states[i], &ignored) == TFB_OK;
        if (valid[i] && (size_t)states[i].size > n) n = (size_t)states[i].size;
    }
    rank_entry *entries = states && valid ? calloc(n ? n : 1, sizeof *entries) : NULL;
    for (size_t i = 0; entries && i < count; i++) {
        if (!valid[i] || entries[states[i].rank].present) continue;  /* a rank reported twice: the first counts */
        rank_entry *e = &entries[states[i].rank];
        e->state = states[i];
        e->present = 1;
        read_results(&inputs[i], e);
    }
    free(states);
    free(valid);
    if (!entries) return tfb_fail(err, "out of memory building the fleet file");
    *out = entries;
    *size = n;
    return TFB_OK;
}

static void add_string(cJSON *o, const char *key, const char *text)
{
    if (text && text[0]) cJSON_AddStringToObject(o, key, text);
    else cJSON_AddNullToObject(o, key);
}

static cJSON *rank_json(rank_entry *e, int rank)
{
    if (!e->present) {
        e->state.rank = rank;
        e->state.device_index = -1;
        set_failed(&e->state, "%s", "sent nothing: no state from this rank (it never started its worker)");
    }
    const cJSON *context = cJSON_GetObjectItemCaseSensitive(e->results, TFB_KEY_CONTEXT);
    const cJSON *host = cJSON_GetObjectItemCaseSensitive(context, "host");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rank", rank);
    cJSON_AddStringToObject(o, "status", e->state.status);
    add_string(o, "error", e->state.error);
    add_string(o, "host_name", e->state.host);
    cJSON_AddNumberToObject(o, "local_rank", e->state.local_rank);
    cJSON_AddNumberToObject(o, "device_index", e->state.device_index);
    add_string(o, "device", e->state.device);
    add_string(o, "device_pci", cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(host, "device_pci")));
    cJSON *ceilings = cJSON_GetObjectItemCaseSensitive(context, TFB_KEY_CEILINGS);
    cJSON_AddItemToObject(o, TFB_KEY_CEILINGS, ceilings ? cJSON_Duplicate(ceilings, 1) : cJSON_CreateNull());
    cJSON_AddNumberToObject(o, "wall_seconds", e->state.wall_seconds);
    cJSON *worker = cJSON_AddObjectToObject(o, "worker");
    cJSON_AddNumberToObject(worker, "pid", (double)e->state.worker_pid);
    cJSON_AddNumberToObject(worker, "exit_code", e->state.exit_code);
    cJSON_AddNumberToObject(worker, "signal", e->state.signal);
    cJSON_AddItemToObject(o, "results", e->results ? e->results : cJSON_CreateNull());
    e->results = NULL;  /* owned by the fleet now */
    return o;
}

static size_t count_status(const cJSON *ranks, const char *status)
{
    size_t n = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, ranks) n += strcmp(cJSON_GetStringValue(cJSON_GetObjectItem(r, "status")), status) == 0;
    return n;
}

static size_t count_hosts(const cJSON *ranks)
{
    size_t n = 0;
    for (const cJSON *r = ranks->child; r; r = r->next) {
        const char *host = cJSON_GetStringValue(cJSON_GetObjectItem(r, "host_name"));
        int seen = !host;
        for (const cJSON *q = ranks->child; q != r && !seen; q = q->next) {
            const char *other = cJSON_GetStringValue(cJSON_GetObjectItem(q, "host_name"));
            seen = other && strcmp(other, host) == 0;
        }
        n += !seen;
    }
    return n;
}

static cJSON *summary_json(const cJSON *ranks, const tfb_fleet_rule *rule)
{
    char date[32];
    time_t now = time(NULL);
    struct tm utc;
    gmtime_r(&now, &utc);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S+00:00", &utc);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "tfbench_version", TFB_VERSION);
    cJSON_AddStringToObject(o, "date", date);
    cJSON_AddNumberToObject(o, "ranks", cJSON_GetArraySize(ranks));
    cJSON_AddNumberToObject(o, "ranks_ok", (double)count_status(ranks, "ok"));
    cJSON_AddNumberToObject(o, "ranks_partial", (double)count_status(ranks, "partial"));
    cJSON_AddNumberToObject(o, "ranks_failed", (double)count_status(ranks, "failed"));
    cJSON_AddNumberToObject(o, "hosts", (double)count_hosts(ranks));
    cJSON_AddNumberToObject(o, "threshold_percent", 100.0 * rule->threshold);
    cJSON_AddNumberToObject(o, "mad_limit", rule->mad_limit);
    cJSON_AddStringToObject(o, "metric", "throughput: GFLOP/s where a benchmark has FLOPs, else GB/s, else runs/s");
    return o;
}

int tfb_fleet_build(const tfb_fleet_input *inputs, size_t count, const tfb_fleet_rule *rule, cJSON **fleet,
                    tfb_error *err)
{
    rank_entry *entries = NULL;
    size_t size = 0;
    *fleet = NULL;
    if (collect(inputs, count, &entries, &size, err) != TFB_OK) return TFB_ERROR;
    if (size == 0) {
        free(entries);
        return tfb_fail(err, "no rank sent a readable state: nothing to report");
    }
    cJSON *root = cJSON_CreateObject(), *ranks = cJSON_CreateArray();
    for (size_t r = 0; r < size; r++) cJSON_AddItemToArray(ranks, rank_json(&entries[r], (int)r));
    free(entries);
    cJSON_AddItemToObject(root, "fleet", summary_json(ranks, rule));
    cJSON_AddItemToObject(root, "ranks", ranks);
    int rc = tfb_fleet_add_statistics(root, rule, err);
    if (rc != TFB_OK) cJSON_Delete(root);
    else *fleet = root;
    return rc;
}

int tfb_fleet_exit_status(const cJSON *fleet)
{
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(fleet, "fleet");
    double ranks = tfb_json_number(summary, "ranks", 0), ok = tfb_json_number(summary, "ranks_ok", 0);
    return ranks > 0 && ok == ranks ? 0 : 1;
}
