/* Measured results and their writers (Google Benchmark JSON layout plus tfbench fields, CSV, terminal table). */
#ifndef TFBENCH_RESULTS_H
#define TFBENCH_RESULTS_H

#include <stdio.h>
#include <cjson/cJSON.h>
#include "tfbench/device.h"
#include "tfbench/host.h"
#include "tfbench/stats.h"

typedef struct tfb_result {
    char name[192];           /* "suite/impl/shape/dtype", unique in a run */
    char suite[32];
    char impl[16];            /* "tfbench", "clblast", "openblas" */
    char dtype[24];           /* "fp32", "fp16", "fp64", "int4-g128", "int4-g128-kv-q8_0" */
    char shape[96];           /* human label of the shape */
    char series[128];         /* points sharing a series are drawn connected (e.g. a batch sweep) */
    long long m, n, k;        /* 0 where not applicable */
    double flops;             /* per repetition */
    double bytes;             /* minimum traffic per repetition */
    double bytes_written;     /* the written part of bytes; < 0 when the suite does not say */
    tfb_stats time;           /* seconds */
    double *samples;          /* the samples behind time (seconds per execution, in order; owned); NULL when not kept */
    size_t sample_count;
    double gflops, gbytes_per_second, intensity;
    double roofline_fraction; /* achieved / measured roofline at this intensity; < 0 when unknown */
    double roof_gflops;       /* that roofline; 0 when unknown */
    const char *roof_kind;    /* the memory roof it is judged against: "read" or "read_write"; NULL when none */
    double own_read_gbps;     /* read bandwidth measured around this point's own timing (the layer suite's decode
                                 bracket), its read roof instead of the run's ceiling; 0: none */
    unsigned long long working_set_bytes;
    int cache_resident;
    int verified;             /* 1 passed, 0 failed, -1 not checked */
    double max_error;         /* largest |error| / tolerance seen by verification */
    char skipped[192];        /* non-empty: not measured, and why */
    cJSON *extra;             /* suite-specific fields copied into the JSON object (owned) */
} tfb_result;

typedef struct tfb_ceilings {
    double bandwidth_gbps;    /* read + write: STREAM copy/triad */
    double bandwidth_read_gbps;/* read only: the stream suite's read sum */
    double peak_gflops_fp32, peak_gflops_fp64, peak_gflops_fp16;
    double ridge_fp32;        /* peak_gflops_fp32 / bandwidth_gbps */
    double ridge_read_fp32;   /* peak_gflops_fp32 / bandwidth_read_gbps */
    double fitted_roof_fp32;  /* the intensity sweep's fitted fp32 roof (a stand-in for the peak for later suites) */
    char bandwidth_source[192];/* name of the benchmark that set it */
    char bandwidth_read_source[192];
    char bandwidth_missing[512];/* why a bandwidth ceiling is missing after the stream suite ran; "" otherwise */
    cJSON *extra;             /* more ceilings from other suites (owned), merged into context.ceilings */
} tfb_ceilings;

typedef struct tfb_results {
    tfb_result *items;
    size_t count, capacity;
    tfb_device_info device;
    tfb_host_info host;
    tfb_ceilings ceilings;
    char date[32];
    cJSON *context_extra;     /* more context fields (owned) */
} tfb_results;

void tfb_results_init(tfb_results *results);
void tfb_results_free(tfb_results *results);
/* A zeroed entry with roofline_fraction = -1 and verified = -1; NULL when out of memory. */
tfb_result *tfb_results_add(tfb_results *results);
const tfb_result *tfb_results_find(const tfb_results *results, const char *name);
/* Fills gflops, gbytes_per_second and intensity from flops, bytes and the median time. */
void tfb_result_derive(tfb_result *result);
/* Roofline fraction of every result, against the measured ceilings for its dtype and the memory roof of its traffic. */
void tfb_results_apply_roofline(tfb_results *results);
double tfb_roofline_gflops(const tfb_ceilings *ceilings, const char *dtype, double intensity);
/* Written bytes at most this fraction of the traffic: judged against the read roof (GEMV, decode). */
#define TFB_READ_DOMINATED 0.1
/* The roof for a point of this traffic: min(intensity x the matching memory roof, the dtype's peak); either part
 * alone when the other is not measured. *kind (may be NULL) names the memory roof used. */
double tfb_roofline_for(const tfb_ceilings *ceilings, const char *dtype, double intensity, double bytes,
                        double bytes_written, const char **kind);
/* A bandwidth figure offered as a ceiling: kept when it beats the current one of its traffic. */
void tfb_ceilings_offer_bandwidth(tfb_ceilings *ceilings, int read_only, double gbps, const char *source);
/* The ridge points, from the peaks and the bandwidths measured so far. */
void tfb_ceilings_derive(tfb_ceilings *ceilings);

/* One results file of several devices' runs (devices[d] ran on flat device index indexes[d]): every benchmark moved
 * into merged under "<name>@d<index>" (its series likewise), with base_name, device_index and device_label; each
 * device's context in context.devices; the first device's context stays the file's context. devices keep their
 * contexts and are still freed by the caller. */
int tfb_results_merge_devices(tfb_results *merged, tfb_results *devices, const size_t *indexes, size_t count,
                              tfb_error *err);

cJSON *tfb_results_to_json(const tfb_results *results);
int tfb_results_write_json(const tfb_results *results, const char *path, tfb_error *err);
int tfb_results_write_csv(const tfb_results *results, const char *path, tfb_error *err);
void tfb_results_print_table(const tfb_results *results, FILE *out);
void tfb_results_print_ceilings(const tfb_results *results, FILE *out);

/* The finite number under key, or fallback when it is absent, not a number, or not finite. */
double tfb_json_number(const cJSON *object, const char *key, double fallback);

/* Writes to "<path>.tmp.XXXXXX" then renames, so a reader never sees a half-written file; a SIGINT, SIGTERM or
 * SIGHUP during the write removes the temp file, then kills the process as the signal would have
 * (host/results/atomic_write.c). */
int tfb_write_file_atomic(const char *path, const char *data, size_t length, tfb_error *err);
/* Before a run: path can be written by tfb_write_file_atomic (not a folder, its folder writable, the name not too
 * long: a temp file beside it is created and removed), else an error saying why. */
int tfb_check_output_file(const char *path, tfb_error *err);

#endif
