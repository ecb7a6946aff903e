/* Results as Google Benchmark JSON (context + benchmarks) with tfbench's own fields beside the standard ones. */
#include <math.h>
#include <string.h>
#include "tfbench/datasheet.h"
#include "tfbench/results.h"
#include "tfbench/results_schema.h"

static void add_number(cJSON *obj, const char *key, double value)
{
    if (isfinite(value)) cJSON_AddNumberToObject(obj, key, value);
    else cJSON_AddNullToObject(obj, key);
}

static cJSON *device_json(const tfb_device_info *d)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "platform", d->platform);
    cJSON_AddStringToObject(o, "name", d->name);
    cJSON_AddStringToObject(o, "vendor", d->vendor);
    cJSON_AddStringToObject(o, "type", d->type);
    cJSON_AddStringToObject(o, "version", d->version);
    cJSON_AddStringToObject(o, "driver", d->driver);
    add_number(o, "compute_units", d->compute_units);
    add_number(o, "clock_mhz", d->clock_mhz);
    add_number(o, "global_mem_bytes", (double)d->global_mem_bytes);
    add_number(o, "max_alloc_bytes", (double)d->max_alloc_bytes);
    add_number(o, "local_mem_bytes", (double)d->local_mem_bytes);
    add_number(o, "global_cache_bytes", (double)d->global_cache_bytes);
    cJSON_AddBoolToObject(o, "fp64", d->fp64);
    cJSON_AddBoolToObject(o, "fp16", d->fp16);
    cJSON_AddBoolToObject(o, "gpu_kernels", d->gpu_kernels);
    cJSON_AddBoolToObject(o, "huge_pages", d->huge_pages);
    cJSON_AddBoolToObject(o, "pinned_threads", d->pinned_threads);
    return o;
}

static cJSON *host_json(const tfb_host_info *h)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "cpu_model", h->cpu_model);
    cJSON_AddStringToObject(o, "os", h->os);
    add_number(o, "packages", h->packages);
    add_number(o, "cores", h->cores);
    add_number(o, "pus", h->pus);
    add_number(o, "numa_nodes", h->numa_nodes);
    add_number(o, "l1d_bytes", (double)h->l1d_bytes);
    add_number(o, "l2_bytes", (double)h->l2_bytes);
    add_number(o, "l3_bytes", (double)h->l3_bytes);
    add_number(o, "l3_total_bytes", (double)h->l3_total_bytes);
    add_number(o, "total_memory_bytes", (double)h->total_memory_bytes);
    cJSON_AddStringToObject(o, "simd", h->cpu_flags_simd);
    if (h->device_pci[0]) cJSON_AddStringToObject(o, "device_pci", h->device_pci);
    return o;
}

/* Google Benchmark's context.caches list, from the hwloc sizes. */
static cJSON *caches_json(const tfb_host_info *h)
{
    const struct { const char *type; int level; uint64_t size; } caches[] = {
        {"Data", 1, h->l1d_bytes}, {"Unified", 2, h->l2_bytes}, {"Unified", 3, h->l3_bytes}};
    cJSON *list = cJSON_CreateArray();
    for (size_t i = 0; i < 3; i++) {
        if (!caches[i].size) continue;
        cJSON *c = cJSON_CreateObject();
        cJSON_AddStringToObject(c, "type", caches[i].type);
        add_number(c, "level", caches[i].level);
        add_number(c, "size", (double)caches[i].size);
        add_number(c, "num_sharing", caches[i].level == 3 ? (double)h->pus : 1.0);
        cJSON_AddItemToArray(list, c);
    }
    return list;
}

static cJSON *datasheet_json(const tfb_datasheet *ds)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "name", ds->name);
    add_number(o, TFB_KEY_BANDWIDTH_GBPS, ds->bandwidth_gbps);
    add_number(o, "fp16_gflops", ds->fp16_gflops);
    add_number(o, "fp32_gflops", ds->fp32_gflops);
    add_number(o, "fp64_gflops", ds->fp64_gflops);
    add_number(o, "memory_gb", ds->memory_gb);
    add_number(o, "ridge_fp16", ds->fp16_gflops / ds->bandwidth_gbps);
    add_number(o, TFB_KEY_RIDGE_FP32, ds->fp32_gflops / ds->bandwidth_gbps);
    return o;
}

static void merge_into(cJSON *target, const cJSON *extra)
{
    for (const cJSON *item = extra ? extra->child : NULL; item; item = item->next) {
        cJSON_DeleteItemFromObjectCaseSensitive(target, item->string);
        cJSON_AddItemToObject(target, item->string, cJSON_Duplicate(item, 1));
    }
}

static cJSON *ceilings_json(const tfb_results *results)
{
    const tfb_ceilings *c = &results->ceilings;
    cJSON *o = cJSON_CreateObject();
    add_number(o, TFB_KEY_BANDWIDTH_GBPS, c->bandwidth_gbps);
    add_number(o, TFB_KEY_BANDWIDTH_READ_GBPS, c->bandwidth_read_gbps);
    add_number(o, TFB_KEY_PEAK_GFLOPS_FP32, c->peak_gflops_fp32);
    add_number(o, TFB_KEY_PEAK_GFLOPS_FP64, c->peak_gflops_fp64);
    add_number(o, TFB_KEY_PEAK_GFLOPS_FP16, c->peak_gflops_fp16);
    add_number(o, TFB_KEY_RIDGE_FP32, c->ridge_fp32);
    add_number(o, "ridge_read_fp32", c->ridge_read_fp32);
    cJSON_AddStringToObject(o, TFB_KEY_BANDWIDTH_SOURCE, c->bandwidth_source);
    cJSON_AddStringToObject(o, TFB_KEY_BANDWIDTH_READ_SOURCE, c->bandwidth_read_source);
    if (c->bandwidth_missing[0]) cJSON_AddStringToObject(o, "bandwidth_missing", c->bandwidth_missing);
    const tfb_datasheet *ds =
        tfb_datasheet_for_device(results->device.name, (double)results->device.global_mem_bytes / 1e9);
    if (ds) cJSON_AddItemToObject(o, TFB_KEY_DATASHEET, datasheet_json(ds));
    merge_into(o, c->extra);
    return o;
}

static cJSON *context_json(const tfb_results *results)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "date", results->date);
    cJSON_AddStringToObject(o, "executable", "tfbench");
    cJSON_AddStringToObject(o, "tfbench_version", TFB_VERSION);
    cJSON_AddStringToObject(o, "host_name", results->host.hostname);
    add_number(o, "num_cpus", results->host.pus);
    add_number(o, "mhz_per_cpu", results->device.is_cpu ? results->device.clock_mhz : 0);
    cJSON_AddBoolToObject(o, "cpu_scaling_enabled", 0);
    cJSON_AddStringToObject(o, "library_build_type", "release");
    cJSON_AddItemToObject(o, "caches", caches_json(&results->host));
    cJSON_AddItemToObject(o, "device", device_json(&results->device));
    cJSON_AddItemToObject(o, "host", host_json(&results->host));
    cJSON_AddItemToObject(o, TFB_KEY_CEILINGS, ceilings_json(results));
    merge_into(o, results->context_extra);
    return o;
}

/* The fields Google Benchmark's tools read: time in microseconds of the median repetition. */
static void add_google_benchmark_fields(cJSON *o, const tfb_result *r)
{
    cJSON_AddStringToObject(o, TFB_KEY_B_NAME, r->name);
    cJSON_AddStringToObject(o, TFB_KEY_B_RUN_NAME, r->name);
    cJSON_AddStringToObject(o, TFB_KEY_B_RUN_TYPE, "iteration");
    add_number(o, "repetitions", 1);
    add_number(o, "repetition_index", 0);
    add_number(o, "threads", 1);
    add_number(o, TFB_KEY_B_ITERATIONS, (double)r->time.count);
    add_number(o, TFB_KEY_B_REAL_TIME, r->time.median * 1e6);
    add_number(o, TFB_KEY_B_CPU_TIME, r->time.median * 1e6);
    cJSON_AddStringToObject(o, TFB_KEY_B_TIME_UNIT, "us");
    if (r->bytes > 0 && r->time.median > 0) add_number(o, TFB_KEY_B_BYTES_PER_SECOND, r->bytes / r->time.median);
    if (r->flops > 0 && r->time.median > 0) add_number(o, TFB_KEY_B_ITEMS_PER_SECOND, r->flops / r->time.median);
}

static void add_tfbench_fields(cJSON *o, const tfb_result *r)
{
    cJSON_AddStringToObject(o, TFB_KEY_B_SUITE, r->suite);
    cJSON_AddStringToObject(o, TFB_KEY_B_IMPL, r->impl);
    cJSON_AddStringToObject(o, TFB_KEY_B_DTYPE, r->dtype);
    cJSON_AddStringToObject(o, TFB_KEY_B_SHAPE, r->shape);
    cJSON_AddStringToObject(o, TFB_KEY_B_SERIES, r->series);
    add_number(o, TFB_KEY_B_M, (double)r->m);
    add_number(o, TFB_KEY_B_N, (double)r->n);
    add_number(o, TFB_KEY_B_K, (double)r->k);
    add_number(o, TFB_KEY_B_FLOPS, r->flops);
    add_number(o, TFB_KEY_B_BYTES, r->bytes);
    if (r->bytes_written >= 0) add_number(o, TFB_KEY_B_BYTES_WRITTEN, r->bytes_written);
    add_number(o, TFB_KEY_B_GFLOPS, r->gflops);
    add_number(o, TFB_KEY_B_GBYTES_PER_SECOND, r->gbytes_per_second);
    add_number(o, TFB_KEY_B_INTENSITY, r->intensity);
    if (r->roofline_fraction >= 0) add_number(o, TFB_KEY_B_ROOFLINE_FRACTION, r->roofline_fraction);
    else cJSON_AddNullToObject(o, TFB_KEY_B_ROOFLINE_FRACTION);
    if (r->roof_gflops > 0) add_number(o, TFB_KEY_B_ROOF_GFLOPS, r->roof_gflops);
    if (r->roof_kind) cJSON_AddStringToObject(o, TFB_KEY_B_ROOF_KIND, r->roof_kind);
    add_number(o, TFB_KEY_B_WORKING_SET_BYTES, (double)r->working_set_bytes);
    cJSON_AddBoolToObject(o, TFB_KEY_B_CACHE_RESIDENT, r->cache_resident);
    cJSON_AddBoolToObject(o, TFB_KEY_B_VERIFIED, r->verified == 1);
    add_number(o, TFB_KEY_B_MAX_ERROR, r->max_error);
}

/* The statistics of the samples, then the samples themselves: nothing is dropped, outliers are only counted. */
static void add_timing_fields(cJSON *o, const tfb_result *r)
{
    const tfb_stats *t = &r->time;
    add_number(o, TFB_KEY_B_TIME_MEDIAN_S, t->median);
    add_number(o, TFB_KEY_B_TIME_MIN_S, t->min);
    add_number(o, TFB_KEY_B_TIME_MAX_S, t->max);
    add_number(o, TFB_KEY_B_TIME_MEAN_S, t->mean);
    add_number(o, TFB_KEY_B_TIME_STDDEV_S, t->stddev);
    add_number(o, TFB_KEY_B_TIME_REL_SPREAD, t->rel_spread);
    if (t->executions == 0) return;  /* figures read back from another file (tfbench-native's): no samples here */
    add_number(o, "time_median_ci_low_s", t->median_ci_low);
    add_number(o, "time_median_ci_high_s", t->median_ci_high);
    add_number(o, "time_median_ci_coverage", t->median_ci_coverage);
    add_number(o, "time_q1_s", t->q1);
    add_number(o, "time_q3_s", t->q3);
    add_number(o, "time_iqr_s", t->q3 - t->q1);
    add_number(o, "time_mad_s", t->mad);
    add_number(o, "outliers_low", (double)t->outliers_low);
    add_number(o, "outliers_high", (double)t->outliers_high);
    add_number(o, "sample_count", (double)t->count);
    add_number(o, "noise_percent", 100.0 * t->noise);
    cJSON_AddBoolToObject(o, "unstable", t->unstable);
    add_number(o, TFB_KEY_EXECUTIONS, (double)t->executions);
    if (r->samples && r->sample_count) {
        cJSON *list = cJSON_CreateDoubleArray(r->samples, (int)r->sample_count);
        if (list) cJSON_AddItemToObject(o, TFB_KEY_SAMPLES, list);
    }
}

static cJSON *benchmark_json(const tfb_result *r)
{
    cJSON *o = cJSON_CreateObject();
    if (r->skipped[0]) {
        /* A wrong result is not a skip: verified false says so to compare and CI, with the reason beside it. */
        const char *reason = strncmp(r->skipped, "FAILED: ", 8) == 0 ? r->skipped + 8 : r->skipped;
        char message[256];
        if (r->verified == 0) snprintf(message, sizeof message, "verification failed: %s", reason);
        else if (reason != r->skipped) snprintf(message, sizeof message, "failed: %s", reason);  /* an error, a lost case */
        else snprintf(message, sizeof message, "skipped: %s", r->skipped);
        cJSON_AddStringToObject(o, TFB_KEY_B_NAME, r->name);
        cJSON_AddStringToObject(o, TFB_KEY_B_RUN_NAME, r->name);
        cJSON_AddStringToObject(o, TFB_KEY_B_RUN_TYPE, "iteration");
        cJSON_AddBoolToObject(o, TFB_KEY_B_ERROR_OCCURRED, 1);
        cJSON_AddStringToObject(o, TFB_KEY_B_ERROR_MESSAGE, message);
        cJSON_AddStringToObject(o, TFB_KEY_B_SKIPPED, r->skipped);
        cJSON_AddStringToObject(o, TFB_KEY_B_SUITE, r->suite);
        cJSON_AddStringToObject(o, TFB_KEY_B_IMPL, r->impl);
        cJSON_AddStringToObject(o, TFB_KEY_B_DTYPE, r->dtype);
        cJSON_AddStringToObject(o, TFB_KEY_B_SHAPE, r->shape);
        if (r->verified == 0) {
            cJSON_AddBoolToObject(o, TFB_KEY_B_VERIFIED, 0);
            cJSON_AddStringToObject(o, "verification_error", reason);
        }
    } else {
        add_google_benchmark_fields(o, r);
        add_tfbench_fields(o, r);
        add_timing_fields(o, r);
    }
    merge_into(o, r->extra);
    return o;
}

cJSON *tfb_results_to_json(const tfb_results *results)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddItemToObject(root, TFB_KEY_CONTEXT, context_json(results));
    cJSON *list = cJSON_AddArrayToObject(root, TFB_KEY_BENCHMARKS);
    for (size_t i = 0; i < results->count; i++) cJSON_AddItemToArray(list, benchmark_json(&results->items[i]));
    return root;
}

int tfb_results_write_json(const tfb_results *results, const char *path, tfb_error *err)
{
    cJSON *root = tfb_results_to_json(results);
    char *text = cJSON_Print(root);
    cJSON_Delete(root);
    if (!text) return tfb_fail(err, "out of memory formatting JSON");
    int rc = tfb_write_file_atomic(path, text, strlen(text), err);
    cJSON_free(text);
    return rc;
}

double tfb_json_number(const cJSON *object, const char *key, double fallback)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(object, key);
    return cJSON_IsNumber(item) && isfinite(item->valuedouble) ? item->valuedouble : fallback;
}
