/* A run from the selected devices to its results (tfbench/session.h): the suites chosen from the catalog, each
 * device's steps in supervised workers, the devices' results merged, tfbench-native's points added, the roofline
 * applied, each device's table printed. */
#include <stdlib.h>
#include <string.h>
#include "tfbench/native.h"
#include "tfbench/session.h"
#include "supervisor.h"

const tfb_suite *tfb_catalog_find(const tfb_catalog *catalog, const char *name)
{
    for (size_t i = 0; i < catalog->count; i++)
        if (strcmp(catalog->suites[i]->name, name) == 0) return catalog->suites[i];
    return NULL;
}

void tfb_catalog_print(const tfb_catalog *catalog, FILE *out, int verbose)
{
    for (size_t i = 0; i < catalog->count; i++) {
        fprintf(out, "  %-10s %s%s\n", catalog->suites[i]->name, catalog->suites[i]->description,
                catalog->suites[i]->in_default_run ? "" : " (opt-in)");
        if (verbose) tfb_suite_print_axes(catalog->suites[i], out);
    }
    if (verbose)
        fputs("  An option that sets an axis (--batch, --seq, --kv-heads, --head-dim, --shape, --model) replaces its "
              "values.\n", out);
}

static int listed(const tfb_suite **suites, size_t count, const tfb_suite *suite)
{
    for (size_t i = 0; i < count; i++)
        if (suites[i] == suite) return 1;
    return 0;
}

int tfb_catalog_select(const tfb_catalog *catalog, const char *names, const tfb_suite **out, size_t *count,
                       tfb_error *err)
{
    *count = 0;
    if (!names) {
        for (size_t i = 0; i < catalog->count && *count < TFB_MAX_SUITES; i++)
            if (catalog->suites[i]->in_default_run) out[(*count)++] = catalog->suites[i];
        return TFB_OK;
    }
    char *list = strdup(names);  /* any length: a fixed buffer would cut the list */
    if (!list) return tfb_fail(err, "out of memory reading --suite");
    int rc = TFB_OK;
    const tfb_suite *warned[TFB_MAX_SUITES];  /* one warning per repeated suite, however often it is repeated */
    size_t warned_count = 0;
    char *save = NULL;
    for (char *name = strtok_r(list, ",", &save); rc == TFB_OK && name; name = strtok_r(NULL, ",", &save)) {
        const tfb_suite *suite = tfb_catalog_find(catalog, name);
        if (!suite) rc = tfb_fail(err, "unknown suite \"%.100s\" (tfbench --list-suites shows them)", name);
        else if (!listed(out, *count, suite) && *count < TFB_MAX_SUITES) out[(*count)++] = suite;
        else if (!listed(warned, warned_count, suite) && warned_count < TFB_MAX_SUITES) {
            warned[warned_count++] = suite;
            fprintf(stderr, "tfbench: warning: --suite names %s more than once; it runs once\n", name);
        }
    }
    free(list);
    if (rc == TFB_OK && *count == 0) rc = tfb_fail(err, "--suite: no suite named");
    return rc;
}

int tfb_session_list_devices(FILE *out, tfb_error *err)
{
    tfb_device_entry *devices = NULL;
    size_t count = 0;
    if (tfb_devices_enumerate(&devices, &count, err) != TFB_OK) return TFB_ERROR;
    tfb_devices_print(devices, count, out);
    free(devices);
    return TFB_OK;
}

int tfb_session_devices(const char *spec, tfb_device_entry **devices, size_t *indexes, size_t *count, tfb_error *err)
{
    size_t all = 0, repeated = 0;
    *count = 0;
    if (tfb_devices_enumerate(devices, &all, err) != TFB_OK) return TFB_ERROR;
    if (tfb_device_select(*devices, all, spec, indexes, TFB_MAX_DEVICES, count, &repeated, err) != TFB_OK)
        return TFB_ERROR;
    if (repeated) fprintf(stderr, "tfbench: warning: --device names a device more than once; it runs once\n");
    return TFB_OK;
}

/* The table, the ceilings, then each suite's summary. */
static void print_results(const tfb_session *s, const tfb_results *results)
{
    tfb_results_print_table(results, stdout);
    tfb_results_print_ceilings(results, stdout);
    for (size_t i = 0; i < s->suite_count; i++)
        if (s->suites[i]->summarize) s->suites[i]->summarize(results, stdout);
}

/* One device: its steps in workers, tfbench-native's points (when given), the roofline, its table. */
static int run_device(const tfb_session *s, size_t index, const char *label, const cJSON *native,
                      tfb_results *results, tfb_error *err)
{
    int failures = supervise_device(s, index, label, results, err);
    if (failures < 0) return -1;
    if (native && tfb_results_add_native(results, native, s->opt->native_path, err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err->message);
        failures++;
    }
    tfb_results_apply_roofline(results);
    if (s->opt->verbose >= 0 && results->count) print_results(s, results);
    return failures;
}

int tfb_session_run(const tfb_session *s, const size_t *indexes, size_t count, const cJSON *native,
                    tfb_results *results)
{
    tfb_results *per_device = calloc(count ? count : 1, sizeof *per_device);
    size_t opened[TFB_MAX_DEVICES], kept = 0;
    tfb_error err = {{0}};
    int failures = 0;
    tfb_results_init(results);
    if (!per_device) return fprintf(stderr, "tfbench: out of memory\n"), -1;
    for (size_t d = 0; d < count; d++) {
        char label[32] = "";
        if (count > 1) snprintf(label, sizeof label, "d%zu: ", indexes[d]);
        int failed = run_device(s, indexes[d], label, kept == 0 ? native : NULL, &per_device[kept], &err);
        if (failed < 0) {
            fprintf(stderr, "tfbench: device %zu: %s\n", indexes[d], err.message);
            tfb_results_free(&per_device[kept]);
        } else opened[kept++] = indexes[d];
        failures += failed < 0 ? 1 : failed;
    }
    if (kept == 1 && count == 1) *results = per_device[0];
    else if (kept && tfb_results_merge_devices(results, per_device, opened, kept, &err) != TFB_OK) {
        fprintf(stderr, "tfbench: %s\n", err.message);
        failures++;
    }
    for (size_t d = 0; count > 1 && d < kept; d++) tfb_results_free(&per_device[d]);
    free(per_device);
    return kept ? failures : -1;
}
