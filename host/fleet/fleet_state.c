/* A rank's state file, DIR/rank-<R>.state.json: written (atomically) when the rank starts its worker and again
 * when it ends, so a rank whose process died is still known, with its host, device and worker, to fleet-report. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>
#include "tfbench/file_io.h"
#include "tfbench/fleet.h"
#include "tfbench/results.h"
#include "tfbench/results_read.h"

int tfb_fleet_rank_path(const char *dir, int rank, const char *suffix, char *out, size_t size, tfb_error *err)
{
    int n = snprintf(out, size, "%s/rank-%d.%s", dir, rank, suffix);
    return n >= 0 && (size_t)n < size ? TFB_OK : tfb_fail(err, "fleet folder path too long: %.200s", dir);
}

cJSON *tfb_fleet_rank_to_json(const tfb_fleet_rank *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "rank", r->rank);
    cJSON_AddNumberToObject(o, "size", r->size);
    cJSON_AddNumberToObject(o, "local_rank", r->local_rank);
    cJSON_AddStringToObject(o, "host_name", r->host);
    cJSON_AddNumberToObject(o, "device_index", r->device_index);
    cJSON_AddStringToObject(o, "device", r->device);
    cJSON_AddBoolToObject(o, "device_is_cpu", r->device_is_cpu);
    cJSON_AddStringToObject(o, "status", r->status);
    if (r->error[0]) cJSON_AddStringToObject(o, "error", r->error);
    else cJSON_AddNullToObject(o, "error");
    cJSON_AddNumberToObject(o, "rank_pid", (double)r->rank_pid);
    cJSON_AddNumberToObject(o, "worker_pid", (double)r->worker_pid);
    cJSON_AddNumberToObject(o, "exit_code", r->exit_code);
    cJSON_AddNumberToObject(o, "signal", r->signal);
    cJSON_AddNumberToObject(o, "wall_seconds", r->wall_seconds);
    cJSON_AddStringToObject(o, "started", r->started);
    cJSON_AddStringToObject(o, "run_id", r->run_id);
    return o;
}

/* The writer's fields always fit: a longer one is a damaged or forged state, refused rather than cut. */
static int copy_string(const cJSON *o, const char *key, char *out, size_t size, tfb_error *err)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    if (text && strlen(text) >= size)
        return tfb_fail(err, "a rank's state: \"%s\" is longer than %zu bytes", key, size - 1);
    snprintf(out, size, "%s", text ? text : "");
    return TFB_OK;
}

/* A whole number in [lo, hi] under key, else fallback (state files come from other processes: bounded). */
static double bounded(const cJSON *o, const char *key, double lo, double hi, double fallback)
{
    double value = tfb_json_number(o, key, fallback);
    return value >= lo && value <= hi ? value : fallback;
}

int tfb_fleet_rank_from_json(const cJSON *o, tfb_fleet_rank *r, tfb_error *err)
{
    memset(r, 0, sizeof *r);
    if (!cJSON_IsObject(o)) return tfb_fail(err, "a rank's state is not a JSON object");
    double rank = tfb_json_number(o, "rank", -1), size = tfb_json_number(o, "size", -1);
    if (!(rank >= 0 && rank < TFB_FLEET_MAX_RANKS) || rank != floor(rank) || !(size > rank) || size != floor(size))
        return tfb_fail(err, "a rank's state has no valid rank and size");
    if (size > TFB_FLEET_MAX_RANKS)
        return tfb_fail(err, "rank %d's state says the job had %.0f ranks, more than a fleet may have (%d)", (int)rank,
                        size, TFB_FLEET_MAX_RANKS);
    r->rank = (int)rank;
    r->size = (int)size;
    r->local_rank = (int)bounded(o, "local_rank", 0, 1e7, 0);
    r->device_index = (int)bounded(o, "device_index", -1, 1e6, -1);
    r->device_is_cpu = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "device_is_cpu"));
    r->rank_pid = (long)bounded(o, "rank_pid", 0, 1e9, 0);
    r->worker_pid = (long)bounded(o, "worker_pid", 0, 1e9, 0);
    r->exit_code = (int)bounded(o, "exit_code", -1, 255, -1);
    r->signal = (int)bounded(o, "signal", 0, 128, 0);
    r->wall_seconds = bounded(o, "wall_seconds", 0, 1e9, 0);
    if (copy_string(o, "host_name", r->host, sizeof r->host, err) ||
        copy_string(o, "device", r->device, sizeof r->device, err) ||
        copy_string(o, "status", r->status, sizeof r->status, err) ||
        copy_string(o, "error", r->error, sizeof r->error, err) ||
        copy_string(o, "started", r->started, sizeof r->started, err) ||
        copy_string(o, "run_id", r->run_id, sizeof r->run_id, err))
        return TFB_ERROR;
    static const char *const KNOWN[] = {"running", "ok", "partial", "failed"};
    for (size_t i = 0; i < sizeof KNOWN / sizeof *KNOWN; i++)
        if (strcmp(r->status, KNOWN[i]) == 0) return TFB_OK;
    return tfb_fail(err, "rank %d: unknown status \"%.40s\" in its state", r->rank, r->status);
}

int tfb_fleet_write_state(const char *dir, const tfb_fleet_rank *rank, tfb_error *err)
{
    char path[4096];
    if (tfb_fleet_rank_path(dir, rank->rank, "state.json", path, sizeof path, err) != TFB_OK) return TFB_ERROR;
    cJSON *o = tfb_fleet_rank_to_json(rank);
    char *text = o ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!text) return tfb_fail(err, "out of memory writing %s", path);
    int rc = tfb_write_file_atomic(path, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

int tfb_fleet_new_run_id(char *out, size_t size, tfb_error *err)
{
    struct timespec now;
    struct tm utc;
    uint32_t tag = 0;
    char stamp[32];
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &utc);
    strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%S", &utc);
    /* the tag only tells apart two jobs started in the same nanosecond: the time orders the runs */
    if (getrandom(&tag, sizeof tag, GRND_NONBLOCK) != (ssize_t)sizeof tag)
        tag = (uint32_t)now.tv_nsec ^ (uint32_t)getpid();
    int n = snprintf(out, size, "%s.%09ldZ-%08x", stamp, (long)now.tv_nsec, (unsigned)tag);
    return n > 0 && (size_t)n < size ? TFB_OK : tfb_fail(err, "run id buffer too small");
}

int tfb_fleet_stamp_results(const char *path, const tfb_fleet_rank *rank, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    cJSON *root = NULL;
    if (tfb_read_file(path, TFB_RESULTS_MAX_BYTES, &text, &length, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_results_parse(text, length, &root, err);
    free(text);
    if (rc != TFB_OK) return TFB_ERROR;
    cJSON_DeleteItemFromObjectCaseSensitive(root, "fleet_run");
    cJSON *stamp = cJSON_AddObjectToObject(root, "fleet_run");
    cJSON_AddStringToObject(stamp, "run_id", rank->run_id);
    cJSON_AddNumberToObject(stamp, "rank", rank->rank);
    char *stamped = cJSON_Print(root);
    cJSON_Delete(root);
    if (!stamped) return tfb_fail(err, "out of memory stamping %s", path);
    rc = tfb_write_file_atomic(path, stamped, strlen(stamped), err);
    cJSON_free(stamped);
    return rc;
}

int tfb_fleet_open_log(const char *path, tfb_error *err)
{
    return tfb_create_fresh(path, 0644, err);
}
