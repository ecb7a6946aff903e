#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "tfbench/report.h"

static int ensure_dir(const char *dir, tfb_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", dir);
    for (char *p = path + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        if (mkdir(path, 0755) != 0 && errno != EEXIST) return tfb_fail(err, "cannot create %s: %s", path, strerror(errno));
        *p = '/';
    }
    if (mkdir(path, 0755) != 0 && errno != EEXIST) return tfb_fail(err, "cannot create %s: %s", path, strerror(errno));
    return TFB_OK;
}

int tfb_write_report_dir(const tfb_results *results, const char *dir, tfb_error *err)
{
    char path[4096];
    if (ensure_dir(dir, err) != TFB_OK) return TFB_ERROR;
    snprintf(path, sizeof path, "%s/results.json", dir);
    if (tfb_results_write_json(results, path, err) != TFB_OK) return TFB_ERROR;
    snprintf(path, sizeof path, "%s/results.csv", dir);
    return tfb_results_write_csv(results, path, err);
}
