#include <ctype.h>
#include <string.h>
#include "tfbench/datasheet.h"

/* Dense (no sparsity) rates. The lecture rounds H100 fp16 to 990 TFLOP/s and A100 bandwidth to 2.0 TB/s; we keep
 * its figures where it gives them so its ridge points (156, 296) come out exactly. */
static const tfb_datasheet DATASHEETS[] = {
    {"A100", "a100", 2000.0, 312000.0, 19500.0, 9700.0, 80.0,
     "A100 80GB SXM; lecture rounds 2.039 TB/s to 2.0"},
    {"H100 SXM", "h100 80gb hbm3|h100 sxm", 3350.0, 990000.0, 67000.0, 34000.0, 80.0,
     "H100 SXM5 80GB; fp16 dense = 1979 sparse / 2"},
    {"H100 NVL", "h100 nvl", 7800.0, 1979000.0, 134000.0, 68000.0, 188.0,
     "two-GPU NVLink pair, as the lecture lists it (188 GB, 7.8 TB/s)"},
    {"TPU v4", NULL, 1200.0, 275000.0, 0.0, 0.0, 32.0, "bf16 matrix rate; no fp32/fp64 figure published"},
    {"H200", "h200", 4800.0, 990000.0, 67000.0, 34000.0, 141.0, "H200 SXM 141GB"},
};

const tfb_datasheet *tfb_datasheets(size_t *count)
{
    *count = sizeof DATASHEETS / sizeof DATASHEETS[0];
    return DATASHEETS;
}

/* Lowercase with spaces, dashes and underscores dropped: "H100-SXM" and "h100 sxm" compare equal. */
static int normalize(const char *in, char *out, size_t size)
{
    size_t j = 0;
    for (; *in && j + 1 < size; in++)
        if (!strchr(" -_", *in)) out[j++] = (char)tolower((unsigned char)*in);
    out[j] = '\0';
    while (*in && strchr(" -_", *in)) in++;
    return *in == '\0';  /* 0: cut, and a cut name names no datasheet */
}

const tfb_datasheet *tfb_datasheet_find(const char *name)
{
    char want[64], have[64];
    size_t count;
    const tfb_datasheet *all = tfb_datasheets(&count);
    if (!normalize(name, want, sizeof want)) return NULL;
    for (size_t i = 0; i < count; i++) {
        normalize(all[i].name, have, sizeof have);
        if (strcmp(want, have) == 0) return &all[i];
    }
    if (strcmp(want, "h100") == 0) return tfb_datasheet_find("H100 SXM");
    return NULL;
}

static int matches_any(const char *lower_name, const char *patterns)
{
    char buf[128];
    strncpy(buf, patterns, sizeof buf - 1);
    buf[sizeof buf - 1] = '\0';
    for (char *save = NULL, *p = strtok_r(buf, "|", &save); p; p = strtok_r(NULL, "|", &save))
        if (strstr(lower_name, p)) return 1;
    return 0;
}

const tfb_datasheet *tfb_datasheet_for_device(const char *device_name, double global_mem_gb)
{
    char lower[256];
    size_t count, i;
    const tfb_datasheet *all = tfb_datasheets(&count);
    (void)global_mem_gb;
    for (i = 0; device_name[i] && i + 1 < sizeof lower; i++) lower[i] = (char)tolower((unsigned char)device_name[i]);
    lower[i] = '\0';
    for (i = 0; i < count; i++)
        if (all[i].match && matches_any(lower, all[i].match)) return &all[i];
    return NULL;
}
