/* A run over several devices as one results file: every device's benchmarks under device-qualified names, every
 * device's context (device, host, ceilings) in context.devices. Google Benchmark's tools see unique names and
 * ignore the extra fields; a single-device file never passes through here and keeps its plain names. */
#include <stdio.h>
#include <string.h>
#include "tfbench/results.h"
#include "tfbench/results_schema.h"

/* "<text>@<label>" in place; fails when it would not fit (a cut name could collide with another). */
static int qualify(char *text, size_t size, const char *label, tfb_error *err)
{
    char qualified[256];
    int n = snprintf(qualified, sizeof qualified, "%s@%s", text, label);
    if (n < 0 || (size_t)n >= size) return tfb_fail(err, "benchmark name too long to qualify by device: %.120s", text);
    memcpy(text, qualified, (size_t)n + 1);
    return TFB_OK;
}

static int move_item(tfb_results *merged, tfb_result *item, size_t device_index, const char *label, tfb_error *err)
{
    tfb_result *moved = tfb_results_add(merged);
    if (!moved) return tfb_fail(err, "out of memory merging the devices' results");
    *moved = *item;  /* takes over samples and extra */
    item->samples = NULL;
    item->extra = NULL;
    if (!moved->extra) moved->extra = cJSON_CreateObject();
    if (!moved->extra) return tfb_fail(err, "out of memory merging the devices' results");
    cJSON_AddStringToObject(moved->extra, TFB_KEY_BASE_NAME, moved->name);
    cJSON_AddNumberToObject(moved->extra, TFB_KEY_DEVICE_INDEX, (double)device_index);
    cJSON_AddStringToObject(moved->extra, TFB_KEY_DEVICE_LABEL, label);
    if (qualify(moved->name, sizeof moved->name, label, err) != TFB_OK) return TFB_ERROR;
    if (moved->series[0] && qualify(moved->series, sizeof moved->series, label, err) != TFB_OK) return TFB_ERROR;
    return TFB_OK;
}

/* The device's whole context (device, host, ceilings, what its suites added), labelled, for context.devices. */
static cJSON *device_context(const tfb_results *device, size_t device_index, const char *label)
{
    cJSON *doc = tfb_results_to_json(device);
    cJSON *context = cJSON_DetachItemFromObjectCaseSensitive(doc, TFB_KEY_CONTEXT);
    cJSON_Delete(doc);
    if (!context) return NULL;
    cJSON_AddStringToObject(context, TFB_KEY_DEVICE_LABEL, label);
    cJSON_AddNumberToObject(context, TFB_KEY_DEVICE_INDEX, (double)device_index);
    return context;
}

/* The merged file's own context is the first device's: readers of single-device files (report, model --measured)
 * still find a device and ceilings where they look. */
static void take_first_context(tfb_results *merged, tfb_results *first)
{
    merged->device = first->device;
    merged->host = first->host;
    merged->ceilings = first->ceilings;
    first->ceilings.extra = NULL;
    merged->context_extra = first->context_extra ? first->context_extra : cJSON_CreateObject();
    first->context_extra = NULL;
    memcpy(merged->date, first->date, sizeof merged->date);
}

int tfb_results_merge_devices(tfb_results *merged, tfb_results *devices, const size_t *indexes, size_t count,
                              tfb_error *err)
{
    tfb_results_init(merged);
    if (count == 0) return tfb_fail(err, "no device to merge");
    cJSON *list = cJSON_CreateArray();
    for (size_t d = 0; list && d < count; d++) {
        char label[32];
        snprintf(label, sizeof label, "d%zu", indexes[d]);
        cJSON *context = device_context(&devices[d], indexes[d], label);
        if (!context) break;
        cJSON_AddItemToArray(list, context);
    }
    if (!list || (size_t)cJSON_GetArraySize(list) != count) {
        cJSON_Delete(list);
        return tfb_fail(err, "out of memory merging the devices' results");
    }
    take_first_context(merged, &devices[0]);
    cJSON_AddItemToObject(merged->context_extra, TFB_KEY_DEVICES, list);
    for (size_t d = 0; d < count; d++) {
        char label[32];
        snprintf(label, sizeof label, "d%zu", indexes[d]);
        for (size_t i = 0; i < devices[d].count; i++)
            if (move_item(merged, &devices[d].items[i], indexes[d], label, err) != TFB_OK) return TFB_ERROR;
    }
    return TFB_OK;
}
