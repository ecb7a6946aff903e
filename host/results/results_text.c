/* Results as CSV and as the terminal table (fits 100 columns). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/datasheet.h"
#include "tfbench/results.h"

static void csv_string(FILE *out, const char *text)
{
    fputc('"', out);
    for (; *text; text++) {
        if (*text == '"') fputc('"', out);
        fputc(*text, out);
    }
    fputc('"', out);
}

static void csv_row(FILE *out, const tfb_result *r)
{
    csv_string(out, r->name); fputc(',', out);
    csv_string(out, r->suite); fputc(',', out);
    csv_string(out, r->impl); fputc(',', out);
    csv_string(out, r->dtype); fputc(',', out);
    csv_string(out, r->shape); fputc(',', out);
    fprintf(out, "%lld,%lld,%lld,%.9g,%.9g,%.9g,%.6g,%zu,%.9g,%.9g,%.6g,%.6g,%.6g,", r->m, r->n, r->k,
            r->time.median, r->time.min, r->time.max, r->time.rel_spread, r->time.count, r->flops, r->bytes,
            r->gflops, r->gbytes_per_second, r->intensity);
    if (r->roofline_fraction >= 0) fprintf(out, "%.6g", r->roofline_fraction);
    fprintf(out, ",%llu,%d,%s,", r->working_set_bytes, r->cache_resident,
            r->verified == 1 ? "yes" : r->verified == 0 ? "no" : "");
    csv_string(out, r->skipped);
    fputc('\n', out);
}

int tfb_results_write_csv(const tfb_results *results, const char *path, tfb_error *err)
{
    char *text = NULL;
    size_t length = 0;
    FILE *out = open_memstream(&text, &length);
    if (!out) return tfb_fail(err, "out of memory formatting CSV");
    fputs("name,suite,impl,dtype,shape,m,n,k,time_median_s,time_min_s,time_max_s,time_rel_spread,repetitions,"
          "flops,bytes,gflops,gbytes_per_second,intensity,roofline_fraction,working_set_bytes,cache_resident,"
          "verified,skipped\n", out);
    for (size_t i = 0; i < results->count; i++) csv_row(out, &results->items[i]);
    fclose(out);
    int rc = tfb_write_file_atomic(path, text, length, err);
    free(text);
    return rc;
}

static void format_time(double seconds, char *out, size_t size)
{
    if (seconds >= 1000.0) snprintf(out, size, "%.0f s", seconds);
    else if (seconds >= 1.0) snprintf(out, size, "%.3f s", seconds);
    else if (seconds >= 1e-3) snprintf(out, size, "%.2f ms", seconds * 1e3);
    else snprintf(out, size, "%.1f us", seconds * 1e6);
}

/* At most 7 characters, so the table keeps to 100 columns. */
static void format_metric(double value, char *out, size_t size)
{
    if (!(value > 0) || !isfinite(value)) snprintf(out, size, "-");
    else if (value >= 1e7) snprintf(out, size, "%.1e", value);
    else if (value >= 100) snprintf(out, size, "%.0f", value);
    else if (value >= 10) snprintf(out, size, "%.1f", value);
    else snprintf(out, size, "%.2f", value);
}

#define NAME_WIDTH 44

static void print_row(FILE *out, const tfb_result *r)
{
    char name[NAME_WIDTH + 1], time_text[24], gflops[16], gbps[16], intensity[16], roof[16];
    size_t len = strlen(r->name);
    if (len > NAME_WIDTH) snprintf(name, sizeof name, "%.*s~", NAME_WIDTH - 1, r->name);
    else snprintf(name, sizeof name, "%.*s", NAME_WIDTH, r->name);
    if (r->skipped[0]) {
        /* a wrong result is no skip: the row says the check failed (the message is on stderr in full) */
        const char *label = r->verified == 0 ? "WRONG RESULT" : "skipped";
        const char *why = r->verified == 0 && strncmp(r->skipped, "FAILED: ", 8) == 0 ? r->skipped + 8 : r->skipped;
        int room = 100 - NAME_WIDTH - 4 - (int)strlen(label), cut = (int)strlen(why) > room;
        fprintf(out, "%-*s  %s: %.*s%s\n", NAME_WIDTH, name, label, cut ? room - 1 : room, why, cut ? "~" : "");
        return;
    }
    format_time(r->time.median, time_text, sizeof time_text);
    format_metric(r->gflops, gflops, sizeof gflops);
    format_metric(r->gbytes_per_second, gbps, sizeof gbps);
    format_metric(r->intensity, intensity, sizeof intensity);
    int read_roof = r->roof_kind && strcmp(r->roof_kind, "read") == 0;
    if (r->roofline_fraction >= 0)
        snprintf(roof, sizeof roof, "%.0f%%%s", fmin(100.0 * r->roofline_fraction, 999), read_roof ? "r" : "");
    else snprintf(roof, sizeof roof, "-");
    const char *check = r->verified == 1 ? "ok" : r->verified == 0 ? "FAIL" : "-";
    double spread = 100.0 * r->time.rel_spread;
    fprintf(out, "%-*s %10s %5.1f%% %8s %7s %6s %5s %4s%s%s\n", NAME_WIDTH, name, time_text,
            spread < 999.9 ? spread : 999.9, gflops, gbps, intensity, roof, check, r->cache_resident ? "*" : "",
            r->time.unstable ? "~" : "");
}

void tfb_results_print_table(const tfb_results *results, FILE *out)
{
    fprintf(out, "%-*s %10s %6s %8s %7s %6s %5s %4s\n", NAME_WIDTH, "benchmark", "median", "spread", "GFLOP/s",
            "GB/s", "FLOP/B", "roof", "chk");
    int any_cached = 0, any_read = 0, any_unstable = 0;
    for (size_t i = 0; i < results->count; i++) {
        const tfb_result *r = &results->items[i];
        print_row(out, r);
        any_cached |= r->cache_resident;
        any_unstable |= !r->skipped[0] && r->time.unstable;
        any_read |= r->roof_kind && strcmp(r->roof_kind, "read") == 0 && r->roofline_fraction >= 0;
    }
    if (any_cached) fprintf(out, "* cache-resident working set: not a memory-bandwidth figure\n");
    if (any_read) fprintf(out, "r: read-dominated traffic, judged against the read roof (the others: read-write roof)\n");
    if (any_unstable)
        fprintf(out, "~ unstable: the median's 95%% interval stayed wider than --max-noise (JSON: noise_percent)\n");
}

static void print_datasheets(const tfb_results *results, FILE *out)
{
    size_t count;
    const tfb_datasheet *all = tfb_datasheets(&count);
    const tfb_datasheet *mine =
        tfb_datasheet_for_device(results->device.name, (double)results->device.global_mem_bytes / 1e9);
    fprintf(out, "Datasheet ridge points (dense fp16/bf16 matrix rate / memory bandwidth):\n");
    for (size_t i = 0; i < count; i++)
        fprintf(out, "  %-9s %6.2f TB/s %8.0f TFLOP/s fp16 -> ridge %4.0f FLOP/byte%s\n", all[i].name,
                all[i].bandwidth_gbps / 1e3, all[i].fp16_gflops / 1e3, all[i].fp16_gflops / all[i].bandwidth_gbps,
                &all[i] == mine ? "   <- this device" : "");
    if (mine && mine->fp32_gflops > 0)
        fprintf(out, "  this device's datasheet: %.0f GB/s, fp32 %.1f TFLOP/s, fp32 ridge %.1f FLOP/byte\n",
                mine->bandwidth_gbps, mine->fp32_gflops / 1e3, mine->fp32_gflops / mine->bandwidth_gbps);
}

static void print_bandwidths(const tfb_ceilings *c, FILE *out)
{
    if (c->bandwidth_read_gbps > 0)
        fprintf(out, "  bandwidth read    %8.1f GB/s   (%.60s)\n", c->bandwidth_read_gbps, c->bandwidth_read_source);
    if (c->bandwidth_gbps > 0)
        fprintf(out, "  bandwidth r+w     %8.1f GB/s   (%.60s)\n", c->bandwidth_gbps, c->bandwidth_source);
    if (c->bandwidth_missing[0]) {
        const char *what = !(c->bandwidth_gbps > 0) && !(c->bandwidth_read_gbps > 0) ? "memory bandwidth"
                           : !(c->bandwidth_gbps > 0)                                ? "read-write bandwidth"
                                                                                     : "read bandwidth";
        fprintf(out, "  %s not measured: %s\n", what, c->bandwidth_missing);
    }
}

static void print_out_of_cache(const tfb_ceilings *c, FILE *out)
{
    const cJSON *ooc = cJSON_GetObjectItemCaseSensitive(c->extra, "out_of_cache");
    const cJSON *rule = cJSON_GetObjectItemCaseSensitive(ooc, "description");
    if (cJSON_IsString(rule)) fprintf(out, "  out of cache      %s\n", rule->valuestring);
}

void tfb_results_print_ceilings(const tfb_results *results, FILE *out)
{
    const tfb_ceilings *c = &results->ceilings;
    fprintf(out, "\nMeasured ceilings on %.78s:\n", results->device.name);
    print_bandwidths(c, out);
    if (c->peak_gflops_fp32 > 0) fprintf(out, "  peak fp32         %8.1f GFLOP/s\n", c->peak_gflops_fp32);
    if (c->peak_gflops_fp64 > 0) fprintf(out, "  peak fp64         %8.1f GFLOP/s\n", c->peak_gflops_fp64);
    if (c->peak_gflops_fp16 > 0) fprintf(out, "  peak fp16         %8.1f GFLOP/s\n", c->peak_gflops_fp16);
    if (c->ridge_fp32 > 0)
        fprintf(out, "  ridge point fp32  %8.2f FLOP/byte (peak fp32 / read-write bandwidth)\n", c->ridge_fp32);
    if (c->ridge_read_fp32 > 0)
        fprintf(out, "  ridge (read) fp32 %8.2f FLOP/byte (peak fp32 / read bandwidth: GEMV, decode)\n",
                c->ridge_read_fp32);
    print_out_of_cache(c, out);
    print_datasheets(results, out);
}
