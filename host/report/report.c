/* The report folder: results.json and results.csv from the results, roofline.svg and report.html from their JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "tfbench/file_io.h"
#include "tfbench/report.h"
#include "tfbench/results_read.h"

static int ensure_dir(const char *dir, tfb_error *err)
{
    return tfb_make_dirs(dir, 0755, "report folder", err);
}

/* dir/file in path, or an error: a cut path would be another file. */
static int join_path(char *path, size_t size, const char *dir, const char *file, tfb_error *err)
{
    int n = snprintf(path, size, "%s/%s", dir, file);
    if (n < 0 || (size_t)n >= size) return tfb_fail(err, "path too long (%d bytes): %.200s.../%s", n, dir, file);
    return TFB_OK;
}

static int write_text(const char *dir, const char *file, const char *text, tfb_error *err)
{
    char path[4096];
    if (join_path(path, sizeof path, dir, file, err) != TFB_OK) return TFB_ERROR;
    return tfb_write_file_atomic(path, text, strlen(text), err);
}

int tfb_report_dir_prepare(const char *dir, tfb_error *err)
{
    char path[4096];
    if (!dir[0]) return tfb_fail(err, "the report folder name is empty");
    if (strlen(dir) + 32 > sizeof path) return tfb_fail(err, "report folder path too long (%zu bytes)", strlen(dir));
    struct stat st;
    if (stat(dir, &st) == 0 && !S_ISDIR(st.st_mode)) return tfb_fail(err, "%s exists and is not a folder", dir);
    if (ensure_dir(dir, err) != TFB_OK || join_path(path, sizeof path, dir, "report.html", err) != TFB_OK)
        return TFB_ERROR;
    return tfb_check_output_file(path, err);
}

int tfb_write_report_files(const cJSON *results, const cJSON *native, const char *dir, tfb_error *err)
{
    tfb_report_data data;
    char *svg = NULL, *html = NULL;
    if (ensure_dir(dir, err) != TFB_OK || tfb_report_data_load(&data, results, native, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_report_svg(&data, &svg, err);
    if (rc == TFB_OK) rc = write_text(dir, "roofline.svg", svg, err);
    if (rc == TFB_OK) rc = tfb_report_html(&data, svg, &html, err);
    if (rc == TFB_OK) rc = write_text(dir, "report.html", html, err);
    free(svg);
    free(html);
    tfb_report_data_free(&data);
    return rc;
}

int tfb_write_report_dir(const tfb_results *results, const cJSON *native, const char *dir, tfb_error *err)
{
    char path[4096];
    if (ensure_dir(dir, err) != TFB_OK || join_path(path, sizeof path, dir, "results.json", err) != TFB_OK ||
        tfb_results_write_json(results, path, err) != TFB_OK)
        return TFB_ERROR;
    if (join_path(path, sizeof path, dir, "results.csv", err) != TFB_OK ||
        tfb_results_write_csv(results, path, err) != TFB_OK)
        return TFB_ERROR;
    cJSON *root = tfb_results_to_json(results);
    if (!root) return tfb_fail(err, "out of memory formatting the results");
    int rc = tfb_write_report_files(root, native, dir, err);
    cJSON_Delete(root);
    return rc;
}

int tfb_report_load_results(const char *path, cJSON **root, tfb_error *err)
{
    return tfb_results_read(path, root, err);
}

/* "pthread-skylake-avx512-intel-r-xeon-r-processor": lowercase letters and digits, other runs become one dash. */
static void device_slug(const char *name, char *out, size_t size)
{
    size_t n = 0, limit = size - 1 < 40 ? size - 1 : 40;
    const char *p;
    for (p = name; *p && n < limit; p++) {
        char ch = *p;
        if (ch >= 'A' && ch <= 'Z') ch = (char)(ch - 'A' + 'a');
        int keep = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (keep) out[n++] = ch;
        else if (n > 0 && out[n - 1] != '-') out[n++] = '-';
    }
    int cut_mid_word = *p && n > 0 && out[n - 1] != '-' && ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                                                             (*p >= '0' && *p <= '9'));
    if (cut_mid_word)
        while (n > 0 && out[n - 1] != '-') n--;  /* end on a whole word */
    while (n > 0 && out[n - 1] == '-') n--;
    out[n] = '\0';
    if (n == 0) snprintf(out, size, "device");
}

int tfb_report_default_dir(const char *device_name, long long when, char *out, size_t size, tfb_error *err)
{
    char slug[48], stamp[32];
    time_t t = (time_t)when;
    struct tm local;
    localtime_r(&t, &local);
    strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    device_slug(device_name, slug, sizeof slug);
    struct stat st;
    for (int attempt = 1; attempt < 100; attempt++) {
        int n = attempt == 1 ? snprintf(out, size, "tfbench-results/%s-%s", slug, stamp)
                             : snprintf(out, size, "tfbench-results/%s-%s-%d", slug, stamp, attempt);
        if (n >= (int)size) return tfb_fail(err, "report folder name too long");
        if (stat(out, &st) != 0) return TFB_OK;
    }
    return tfb_fail(err, "cannot find a fresh report folder name under tfbench-results/");
}
