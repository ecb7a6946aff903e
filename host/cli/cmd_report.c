/* tfbench report RESULTS.json [--native FILE] [--out DIR]: redraws roofline.svg and report.html from saved results. */
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "tfbench/file_io.h"
#include "tfbench/report.h"

#define EXIT_FAILED 1
#define EXIT_USAGE 2

static void usage(FILE *out)
{
    fputs("usage: tfbench report RESULTS.json [--native FILE] [--out DIR]\n"
          "  Draws roofline.svg and report.html from a results file written by tfbench --json or --out.\n"
          "  --native FILE  tfbench-native results to show beside ours\n"
          "  --out DIR      where to write them (default: the folder holding RESULTS.json)\n",
          out);
}

static int usage_error(const char *message, const char *arg)
{
    fprintf(stderr, "tfbench report: %s%s\n", message, arg ? arg : "");
    usage(stderr);
    return EXIT_USAGE;
}

int tfb_cmd_report(int argc, char **argv)
{
    const char *input = NULL, *native_path = NULL, *out_dir = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return usage(stdout), 0;
        const char **target = strcmp(argv[i], "--native") == 0 ? &native_path
                              : strcmp(argv[i], "--out") == 0  ? &out_dir
                                                               : NULL;
        if (target && i + 1 >= argc) return usage_error("missing value after ", argv[i]);
        if (target) *target = argv[++i];
        else if (argv[i][0] == '-') return usage_error("unknown option ", argv[i]);
        else if (input) return usage_error("more than one results file: ", argv[i]);
        else input = argv[i];
    }
    if (!input) return usage_error("no results file given", NULL);
    char folder[4096];
    if (snprintf(folder, sizeof folder, "%s", input) >= (int)sizeof folder)  /* a cut path has another folder */
        return usage_error("results file path too long: ", input);
    if (!out_dir) out_dir = dirname(folder);

    tfb_error err = {{0}};
    cJSON *results = NULL, *native = NULL;
    int lock = -1;
    /* bad input (exit 2): an unreadable results file, an output folder that cannot be written or that a run holds */
    if (tfb_report_load_results(input, &results, &err) != TFB_OK ||
        (native_path && tfb_report_load_results(native_path, &native, &err) != TFB_OK) ||
        tfb_report_dir_prepare(out_dir, &err) != TFB_OK || tfb_lock_dir(out_dir, &lock, &err) != TFB_OK) {
        cJSON_Delete(results);
        cJSON_Delete(native);
        fprintf(stderr, "tfbench report: %s\n", err.message);
        return EXIT_USAGE;
    }
    int rc = tfb_write_report_files(results, native, out_dir, &err);
    close(lock);
    cJSON_Delete(results);
    cJSON_Delete(native);
    if (rc != TFB_OK) {
        fprintf(stderr, "tfbench report: %s\n", err.message);
        return EXIT_FAILED;
    }
    printf("report: %s/report.html\n", out_dir);
    return 0;
}
