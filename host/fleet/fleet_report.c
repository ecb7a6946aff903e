/* The fleet report, text and HTML, drawn from a fleet file alone: the ranks and their status, the outliers
 * slowest first, wrong results, and per benchmark the fleet median with each rank's deviation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/fleet.h"
#include "tfbench/report.h"
#include "tfbench/results.h"

#define PER_RANK_COLUMNS_MAX 8  /* wider fleets get min / max / outliers per benchmark in the text report */

static const char *text_at(const cJSON *o, const char *key, const char *fallback)
{
    const char *text = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, key));
    return text && text[0] ? text : fallback;
}

static tfb_fleet_rule fleet_rule(const cJSON *fleet)
{
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(fleet, "fleet");
    return (tfb_fleet_rule){.threshold = tfb_json_number(summary, "threshold_percent", 100 * TFB_FLEET_THRESHOLD) / 100,
                            .mad_limit = tfb_json_number(summary, "mad_limit", TFB_FLEET_MAD_LIMIT)};
}

static void print_ranks(const cJSON *fleet, FILE *out)
{
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(fleet, "fleet"), *r;
    fprintf(out, "Fleet: %.0f rank(s) on %.0f host(s): %.0f ok, %.0f partial, %.0f failed (tfbench %s, %s)\n",
            tfb_json_number(summary, "ranks", 0), tfb_json_number(summary, "hosts", 0),
            tfb_json_number(summary, "ranks_ok", 0), tfb_json_number(summary, "ranks_partial", 0),
            tfb_json_number(summary, "ranks_failed", 0), text_at(summary, "tfbench_version", "?"),
            text_at(summary, "date", "undated"));
    fprintf(out, "%5s  %-16s %5s  %-38s %-14s %s\n", "rank", "host", "local", "device", "PCI", "status");
    cJSON_ArrayForEach(r, cJSON_GetObjectItemCaseSensitive(fleet, "ranks")) {
        char device[64];
        snprintf(device, sizeof device, "d%.0f %s", tfb_json_number(r, "device_index", -1), text_at(r, "device", "?"));
        const char *status = text_at(r, "status", "?");
        fprintf(out, "%5.0f  %-16.16s %5.0f  %-38.38s %-14.14s ", tfb_json_number(r, "rank", -1),
                text_at(r, "host_name", "?"), tfb_json_number(r, "local_rank", 0), device,
                text_at(r, "device_pci", "-"));
        if (strcmp(status, "ok") == 0) fprintf(out, "ok (%.1f s)\n", tfb_json_number(r, "wall_seconds", 0));
        else fprintf(out, "%s: %s\n", strcmp(status, "failed") == 0 ? "FAILED" : status, text_at(r, "error", "?"));
    }
}

static void print_outliers(const cJSON *fleet, FILE *out)
{
    tfb_fleet_rule rule = fleet_rule(fleet);
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(fleet, "outliers"), *o;
    fprintf(out, "\nOutliers, slowest first (more than %.0f%% below the fleet median; with 3+ ranks also %.0f scaled "
            "MADs):\n", 100 * rule.threshold, rule.mad_limit);
    if (cJSON_GetArraySize(list) == 0) fputs("  none\n", out);
    cJSON_ArrayForEach(o, list)
        fprintf(out, "  rank %-4.0f %-12.12s %-44.44s %8.4g vs %-8.4g %-7s %+7.1f%%\n",
                tfb_json_number(o, "rank", -1), text_at(o, "host_name", "?"), text_at(o, "benchmark", "?"),
                tfb_json_number(o, "value", 0), tfb_json_number(o, "median", 0), text_at(o, "unit", ""),
                tfb_json_number(o, "deviation_percent", 0));
}

static void print_wrong_results(const cJSON *fleet, FILE *out)
{
    const cJSON *b, *rank;
    int any = 0;
    cJSON_ArrayForEach(b, cJSON_GetObjectItemCaseSensitive(fleet, "fleet_benchmarks")) {
        cJSON_ArrayForEach(rank, cJSON_GetObjectItemCaseSensitive(b, "wrong_result_ranks")) {
            if (!any++) fputs("\nWrong results (verification failed on that rank only where others passed):\n", out);
            fprintf(out, "  rank %-4.0f %s\n", cJSON_IsNumber(rank) ? rank->valuedouble : -1, text_at(b, "name", "?"));
        }
    }
}

/* One benchmark's line: the median and each rank's deviation, or (wide fleets) the extremes. */
static void print_benchmark(const cJSON *b, size_t rank_count, FILE *out)
{
    const cJSON *ranks = cJSON_GetObjectItemCaseSensitive(b, "ranks"), *e;
    fprintf(out, "%-44.44s %-7s %9.4g", text_at(b, "name", "?"), text_at(b, "unit", ""), tfb_json_number(b, "median", 0));
    if (rank_count <= PER_RANK_COLUMNS_MAX) {
        for (size_t j = 0; j < rank_count; j++) {
            const cJSON *found = NULL;
            cJSON_ArrayForEach(e, ranks) if (tfb_json_number(e, "rank", -1) == (double)j) found = e;
            if (!found) fprintf(out, " %8s ", "-");
            else fprintf(out, " %+7.1f%%%c", tfb_json_number(found, "deviation_percent", 0),
                         cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(found, "outlier")) ? '!' : ' ');
        }
    } else {
        double lo = INFINITY, hi = -INFINITY;
        int outliers = 0;
        cJSON_ArrayForEach(e, ranks) {
            lo = fmin(lo, tfb_json_number(e, "deviation_percent", 0));
            hi = fmax(hi, tfb_json_number(e, "deviation_percent", 0));
            outliers += cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(e, "outlier"));
        }
        if (isfinite(lo)) fprintf(out, " %+7.1f%% %+7.1f%% %5d", lo, hi, outliers);
    }
    fputc('\n', out);
}

void tfb_fleet_print_report(const cJSON *fleet, FILE *out)
{
    const cJSON *benchmarks = cJSON_GetObjectItemCaseSensitive(fleet, "fleet_benchmarks"), *b;
    size_t rank_count = (size_t)cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(fleet, "ranks"));
    print_ranks(fleet, out);
    print_outliers(fleet, out);
    print_wrong_results(fleet, out);
    fputs("\nPer benchmark: the fleet median of the ranks' throughput and each rank's deviation from it "
          "(! an outlier):\n", out);
    fprintf(out, "%-44s %-7s %9s", "benchmark", "unit", "median");
    if (rank_count <= PER_RANK_COLUMNS_MAX)
        for (size_t j = 0; j < rank_count; j++) {
            char label[24];
            snprintf(label, sizeof label, "rank %zu", j);
            fprintf(out, " %8s ", label);
        }
    else fprintf(out, " %8s %8s %5s", "lowest", "highest", "out");
    fputc('\n', out);
    cJSON_ArrayForEach(b, benchmarks) print_benchmark(b, rank_count, out);
}

/* ---- HTML ---- */

/* The text report as preformatted text: the ranks, the outliers and the per-benchmark deviations. */
static void html_text_report(const cJSON *fleet, FILE *out)
{
    char *text = NULL;
    size_t length = 0;
    FILE *memory = open_memstream(&text, &length);
    if (!memory) return;
    tfb_fleet_print_report(fleet, memory);
    if (fclose(memory) == 0 && text) {
        fputs("<h2>Ranks, outliers, deviations</h2>\n<pre>", out);
        tfb_html_escape(out, text);
        fputs("</pre>\n", out);
    }
    free(text);
}

int tfb_fleet_html(const cJSON *fleet, char **html, tfb_error *err)
{
    tfb_columns columns;
    if (tfb_fleet_columns(fleet, &columns, err) != TFB_OK) return TFB_ERROR;
    tfb_fleet_rule rule = fleet_rule(fleet);
    unsigned char *marked = calloc(columns.row_count * columns.column_count + 1, 1);
    size_t length = 0;
    *html = NULL;
    FILE *out = marked ? open_memstream(html, &length) : NULL;
    if (!out) {
        free(marked);
        tfb_columns_free(&columns);
        return tfb_fail(err, "out of memory writing the fleet report");
    }
    tfb_fleet_mark_outliers(&columns, &rule, marked);
    fprintf(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
            "<meta charset=\"utf-8\"/>\n<title>tfbench fleet report</title>\n<style>%s pre{font-size:12px}</style>\n"
            "</head>\n<body>\n<h1>tfbench fleet report</h1>\n", tfb_report_style());
    html_text_report(fleet, out);
    fputs("<h2>Ranks side by side</h2>\n", out);
    tfb_columns_html(&columns, marked, out);
    fputs("<p class=\"note\">fleet.json beside this file holds every rank's whole results.</p>\n</body>\n</html>\n", out);
    int closed = fclose(out) == 0;
    free(marked);
    tfb_columns_free(&columns);
    if (!closed || !*html) {
        free(*html);
        *html = NULL;
        return tfb_fail(err, "out of memory writing the fleet report");
    }
    return TFB_OK;
}
