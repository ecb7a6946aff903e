/* The fleet folder: rebuilding the fleet file from its rank files (after a job MPI aborted), writing the fleet
 * file and its reports, and reading a fleet file back. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fleet.h"
#include "tfbench/file_io.h"
#include "tfbench/report.h"
#include "tfbench/results.h"
#include "tfbench/results_read.h"

#define STATE_MAX_BYTES ((size_t)1 << 20)

static void free_inputs(tfb_fleet_input *inputs, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        free((char *)inputs[i].state);
        free((char *)inputs[i].results);
    }
    free(inputs);
}

/* rank-<R>.state.json and, beside it, rank-<R>.json when the rank wrote one. */
static int read_rank(const char *dir, int rank, tfb_fleet_input *in, tfb_error *err)
{
    char path[4096];
    char *text = NULL;
    size_t length = 0;
    if (tfb_fleet_rank_path(dir, rank, "state.json", path, sizeof path, err) != TFB_OK ||
        tfb_read_file(path, STATE_MAX_BYTES, &text, &length, err) != TFB_OK)
        return TFB_ERROR;
    in->state = text;
    in->state_length = length;
    if (tfb_fleet_rank_path(dir, rank, "json", path, sizeof path, err) != TFB_OK) return TFB_ERROR;
    tfb_error missing = {{0}};
    if (tfb_read_file(path, TFB_RESULTS_MAX_BYTES, &text, &length, &missing) == TFB_OK) {
        in->results = text;
        in->results_length = length;
    }
    return TFB_OK;
}

static int is_state_file(const char *name, int *rank)
{
    char tail[16];
    int consumed = 0;
    return sscanf(name, "rank-%d.%11s%n", rank, tail, &consumed) == 2 && strcmp(tail, "state.json") == 0 &&
           name[consumed] == '\0' && *rank >= 0 && *rank < TFB_FLEET_MAX_RANKS;
}

int tfb_fleet_build_from_dir(const char *dir, const tfb_fleet_rule *rule, cJSON **fleet, tfb_error *err)
{
    DIR *folder = opendir(dir);
    if (!folder) return tfb_fail(err, "cannot open the fleet folder %.300s", dir);
    tfb_fleet_input *inputs = NULL;
    size_t count = 0, capacity = 0;
    int rc = TFB_OK, rank;
    for (struct dirent *entry; rc == TFB_OK && (entry = readdir(folder));) {
        if (!is_state_file(entry->d_name, &rank)) continue;
        if (count == capacity) {
            capacity = capacity ? 2 * capacity : 16;
            tfb_fleet_input *grown = realloc(inputs, capacity * sizeof *grown);
            if (!grown) rc = tfb_fail(err, "out of memory reading %s", dir);
            else inputs = grown;
        }
        if (rc == TFB_OK) {
            memset(&inputs[count], 0, sizeof *inputs);
            rc = read_rank(dir, rank, &inputs[count++], err);
        }
    }
    closedir(folder);
    if (rc == TFB_OK && count == 0) rc = tfb_fail(err, "%.300s holds no rank-<R>.state.json: not a fleet folder", dir);
    if (rc == TFB_OK) rc = tfb_fleet_build(inputs, count, rule, fleet, err);
    free_inputs(inputs, count);
    return rc;
}

static int write_in(const char *dir, const char *name, const char *text, tfb_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s", dir, name) >= (int)sizeof path)
        return tfb_fail(err, "fleet folder path too long: %.200s", dir);
    return tfb_write_file_atomic(path, text, strlen(text), err);
}

static int write_text_report(const cJSON *fleet, const char *dir, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out) return tfb_fail(err, "out of memory writing the fleet report");
    tfb_fleet_print_report(fleet, out);
    int rc = fclose(out) == 0 && text ? write_in(dir, "fleet-report.txt", text, err)
                                      : tfb_fail(err, "out of memory writing the fleet report");
    free(text);
    return rc;
}

int tfb_fleet_write(const cJSON *fleet, const char *dir, tfb_error *err)
{
    char *json = cJSON_PrintUnformatted(fleet), *html = NULL;  /* one line: a fleet of hundreds is big enough */
    if (!json) return tfb_fail(err, "out of memory formatting the fleet file");
    int rc = write_in(dir, "fleet.json", json, err);
    cJSON_free(json);
    if (rc == TFB_OK) rc = write_text_report(fleet, dir, err);
    if (rc == TFB_OK) rc = tfb_fleet_html(fleet, &html, err);
    if (rc == TFB_OK) rc = write_in(dir, "fleet-report.html", html, err);
    free(html);
    return rc;
}

int tfb_fleet_parse(const char *text, size_t length, cJSON **fleet, tfb_error *err)
{
    *fleet = NULL;
    if (length > TFB_FLEET_MAX_BYTES) return tfb_fail(err, "fleet file too large (%zu bytes)", length);
    if (tfb_json_check_shape(text, length, TFB_RESULTS_MAX_DEPTH, TFB_FLEET_MAX_VALUES, err) != TFB_OK)
        return TFB_ERROR;
    cJSON *root = cJSON_ParseWithLength(text, length);
    if (!root) return tfb_fail(err, "not valid JSON");
    if (!cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(root, "fleet")) ||
        !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "ranks"))) {
        cJSON_Delete(root);
        return TFB_SKIP;
    }
    *fleet = root;
    return TFB_OK;
}

int tfb_fleet_read(const char *path, cJSON **fleet, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    *fleet = NULL;
    if (tfb_read_file(path, TFB_FLEET_MAX_BYTES, &text, &length, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_fleet_parse(text, length, fleet, err);
    free(text);
    if (rc != TFB_ERROR) return rc;
    char message[sizeof err->message];
    snprintf(message, sizeof message, "%s", err->message);
    return tfb_fail(err, "%s: %.3900s", path, message);
}
