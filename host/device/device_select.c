/* --device LIST: which devices a run measures, in the order given. */
#include <stdlib.h>
#include <string.h>
#include "tfbench/device.h"

static int already_selected(const size_t *indexes, size_t count, size_t index)
{
    for (size_t i = 0; i < count; i++)
        if (indexes[i] == index) return 1;
    return 0;
}

static int select_all(size_t count, size_t *indexes, size_t max, size_t *selected, tfb_error *err)
{
    if (count > max) return tfb_fail(err, "--device all: %zu devices, at most %zu per run", count, max);
    for (size_t i = 0; i < count; i++) indexes[i] = i;
    *selected = count;
    return TFB_OK;
}

/* One entry of the list: an index or a name substring (the first device it matches). */
static int select_one(const tfb_device_entry *list, size_t count, const char *entry, size_t *indexes, size_t max,
                      size_t *selected, size_t *repeated, tfb_error *err)
{
    size_t index;
    if (!entry[0]) return tfb_fail(err, "--device: an entry of the list is empty");
    if (strcmp(entry, "all") == 0) return tfb_fail(err, "--device: \"all\" cannot be combined with other devices");
    if (tfb_device_find(list, count, entry, &index, err) != TFB_OK) return TFB_ERROR;
    if (already_selected(indexes, *selected, index)) return ++*repeated, TFB_OK;
    if (*selected == max) return tfb_fail(err, "--device: more than %zu devices", max);
    indexes[(*selected)++] = index;
    return TFB_OK;
}

int tfb_device_select(const tfb_device_entry *list, size_t count, const char *spec, size_t *indexes, size_t max,
                      size_t *selected, size_t *repeated, tfb_error *err)
{
    *selected = *repeated = 0;
    if (strcmp(spec, "all") == 0) return select_all(count, indexes, max, selected, err);
    char *copy = strdup(spec);  /* the list has no length limit */
    if (!copy) return tfb_fail(err, "out of memory reading --device");
    int rc = TFB_OK;
    char *entry = copy;
    do {
        char *next = strchr(entry, ',');
        if (next) *next++ = '\0';
        rc = select_one(list, count, entry, indexes, max, selected, repeated, err);
        entry = next;
    } while (rc == TFB_OK && entry);
    free(copy);
    return rc;
}
