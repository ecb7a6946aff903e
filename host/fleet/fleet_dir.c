/* The fleet folder: rebuilding the fleet file from its rank files (after a job MPI aborted), writing the fleet
 * file and its reports, and reading a fleet file back. */
#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fleet.h"
#include "tfbench/file_io.h"
#include "tfbench/report.h"
#include "tfbench/results.h"
#include "tfbench/results_read.h"

#define STATE_MAX_BYTES ((size_t)1 << 20)

/* One rank-<R>.state.json of the folder, read and parsed. */
typedef struct state_file {
    int rank;                 /* from the file name */
    char *text;
    size_t length;
    tfb_fleet_rank state;
} state_file;

typedef struct state_files {
    state_file *items;
    size_t count, capacity;
} state_files;

static void free_states(state_files *files)
{
    for (size_t i = 0; i < files->count; i++) free(files->items[i].text);
    free(files->items);
}

/* "rank-<R>.state.json" with R written as the fleet writes it ("rank-01" or "rank-+1" would be a second rank 1). */
static int is_state_file(const char *name, int *rank)
{
    char tail[16], canonical[64];
    int consumed = 0;
    if (sscanf(name, "rank-%d.%11s%n", rank, tail, &consumed) != 2 || *rank < 0 || *rank >= TFB_FLEET_MAX_RANKS)
        return 0;
    snprintf(canonical, sizeof canonical, "rank-%d.state.json", *rank);
    return strcmp(name, canonical) == 0;
}

static int parse_state_file(const char *path, state_file *f, tfb_error *err)
{
    if (tfb_read_file(path, STATE_MAX_BYTES, &f->text, &f->length, err) != TFB_OK ||
        tfb_json_check_shape(f->text, f->length, 16, 10000, err) != TFB_OK)
        return TFB_ERROR;
    cJSON *o = cJSON_ParseWithLength(f->text, f->length);
    int rc = o ? tfb_fleet_rank_from_json(o, &f->state, err) : tfb_fail(err, "not valid JSON");
    cJSON_Delete(o);
    if (rc == TFB_OK && f->state.rank != f->rank) rc = tfb_fail(err, "it names rank %d", f->state.rank);
    return rc;
}

/* Reads and parses one state file: one that cannot be read or parsed, or names another rank than its file name, is
 * bad input (state files are written whole, so it was damaged or planted). */
static int add_state(const char *dir, int rank, state_files *files, tfb_error *err)
{
    char path[4096];
    if (files->count == files->capacity) {
        size_t capacity = files->capacity ? 2 * files->capacity : 16;
        state_file *grown = realloc(files->items, capacity * sizeof *grown);
        if (!grown) return tfb_fail(err, "out of memory reading %.300s", dir);
        files->items = grown;
        files->capacity = capacity;
    }
    state_file *f = &files->items[files->count++];
    memset(f, 0, sizeof *f);
    f->rank = rank;
    if (tfb_fleet_rank_path(dir, rank, "state.json", path, sizeof path, err) != TFB_OK) return TFB_ERROR;
    tfb_error why = {{0}};
    if (parse_state_file(path, f, &why) == TFB_OK) return TFB_OK;
    return tfb_fail(err, "%.300s: %.3000s", path, why.message);
}

static int read_states(const char *dir, state_files *files, tfb_error *err)
{
    DIR *folder = opendir(dir);
    if (!folder) return tfb_fail(err, "cannot open the fleet folder %.300s", dir);
    int rc = TFB_OK, rank;
    for (struct dirent *entry; rc == TFB_OK && (entry = readdir(folder));)
        if (is_state_file(entry->d_name, &rank)) rc = add_state(dir, rank, files, err);
    closedir(folder);
    if (rc == TFB_OK && files->count == 0)
        rc = tfb_fail(err, "%.300s holds no rank-<R>.state.json: not a fleet folder", dir);
    return rc;
}

/* The newest run's id ("" sorts first: states written before runs had ids). */
static const char *newest_run(const state_files *files)
{
    const char *newest = "";
    for (size_t i = 0; i < files->count; i++)
        if (strcmp(files->items[i].state.run_id, newest) > 0) newest = files->items[i].state.run_id;
    return newest;
}

/* The newest run's ranks must agree on the job's size; the older runs' files are named and left out. */
static int check_run(const char *dir, const state_files *files, const char *run, FILE *warnings, tfb_error *err)
{
    const state_file *first = NULL;
    size_t present = 0;
    for (size_t i = 0; i < files->count; i++) {
        const state_file *f = &files->items[i];
        if (strcmp(f->state.run_id, run) != 0) {
            fprintf(warnings, "tfbench: fleet-report: warning: %s/rank-%d.state.json (and its results) left out: "
                    "from an earlier run (%s), not the newest (%s)\n", dir, f->rank,
                    f->state.run_id[0] ? f->state.run_id : "no run id", run);
            continue;
        }
        if (first && f->state.size != first->state.size)
            return tfb_fail(err, "%.300s/rank-%d.state.json says the job had %d ranks, rank-%d.state.json says %d: "
                            "not one job's rank files", dir, first->rank, first->state.size, f->rank, f->state.size);
        if (!first) first = f;
        present++;
    }
    if (first && present < (size_t)first->state.size)
        fprintf(warnings, "tfbench: fleet-report: warning: %zu of the job's %d ranks left no state file in %s "
                "(listed as failed: sent nothing)\n", (size_t)first->state.size - present, first->state.size, dir);
    return TFB_OK;
}

/* rank-<R>.json beside the state, when the rank wrote one (it counts only if stamped with the run's id); one that
 * is there but cannot be read (a FIFO, a folder, too large) is bad input. */
static int read_results(const char *dir, int rank, tfb_fleet_input *in, tfb_error *err)
{
    char path[4096];
    char *text = NULL;
    size_t length = 0;
    struct stat st;
    if (tfb_fleet_rank_path(dir, rank, "json", path, sizeof path, err) != TFB_OK) return TFB_ERROR;
    if (lstat(path, &st) != 0 && errno == ENOENT) return TFB_OK;
    if (tfb_read_file(path, TFB_RESULTS_MAX_BYTES, &text, &length, err) != TFB_OK) return TFB_ERROR;
    in->results = text;
    in->results_length = length;
    return TFB_OK;
}

int tfb_fleet_build_from_dir(const char *dir, const tfb_fleet_rule *rule, FILE *warnings, cJSON **fleet,
                             tfb_error *err)
{
    state_files files = {0};
    *fleet = NULL;
    int rc = read_states(dir, &files, err);
    const char *run = rc == TFB_OK ? newest_run(&files) : "";
    if (rc == TFB_OK) rc = check_run(dir, &files, run, warnings, err);
    tfb_fleet_input *inputs = rc == TFB_OK ? calloc(files.count, sizeof *inputs) : NULL;
    size_t count = 0;
    if (rc == TFB_OK && !inputs) rc = tfb_fail(err, "out of memory reading %.300s", dir);
    for (size_t i = 0; rc == TFB_OK && i < files.count; i++) {
        state_file *f = &files.items[i];
        if (strcmp(f->state.run_id, run) != 0) continue;
        tfb_fleet_input *in = &inputs[count++];
        in->state = f->text;
        in->state_length = f->length;
        in->run_id = run[0] ? run : NULL;  /* files from before run ids: the results are taken as they are */
        rc = read_results(dir, f->rank, in, err);
    }
    if (rc == TFB_OK) rc = tfb_fleet_build(inputs, count, rule, fleet, err);
    for (size_t i = 0; i < count; i++) free((char *)inputs[i].results);
    free(inputs);
    free_states(&files);
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
