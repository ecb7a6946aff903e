/* The key names a results file (results.json, tfbench-native's file) is read by: written by host/results/results_json.c
 * and read by the validating reader, the report, the native loader, `tfbench model --measured` and compare, so a
 * reader and the writer cannot drift apart on a spelling. */
#ifndef TFBENCH_RESULTS_SCHEMA_H
#define TFBENCH_RESULTS_SCHEMA_H

/* The top level and context: what every reader of a results file looks up first. */
#define TFB_KEY_BENCHMARKS "benchmarks"
#define TFB_KEY_CONTEXT    "context"
#define TFB_KEY_CEILINGS   "ceilings"

/* context.ceilings: the measured roofs the report and `tfbench model --measured` read (context.ceilings.datasheet and
 * each entry of ceilings.levels use the same bandwidth and peak keys). */
#define TFB_KEY_BANDWIDTH_GBPS        "bandwidth_gbps"
#define TFB_KEY_BANDWIDTH_SOURCE      "bandwidth_source"
#define TFB_KEY_BANDWIDTH_READ_GBPS   "bandwidth_read_gbps"
#define TFB_KEY_BANDWIDTH_READ_SOURCE "bandwidth_read_source"
#define TFB_KEY_PEAK_GFLOPS_FP32      "peak_gflops_fp32"
#define TFB_KEY_PEAK_GFLOPS_FP64      "peak_gflops_fp64"
#define TFB_KEY_PEAK_GFLOPS_FP16      "peak_gflops_fp16"
#define TFB_KEY_RIDGE_FP32            "ridge_fp32"
#define TFB_KEY_DATASHEET             "datasheet"
#define TFB_KEY_LEVELS                "levels"

/* A benchmark entry: Google Benchmark's fields (name ... items_per_second) and ours. */
#define TFB_KEY_B_NAME               "name"
#define TFB_KEY_B_RUN_NAME           "run_name"
#define TFB_KEY_B_RUN_TYPE           "run_type"
#define TFB_KEY_B_SUITE              "suite"
#define TFB_KEY_B_IMPL               "impl"
#define TFB_KEY_B_DTYPE              "dtype"
#define TFB_KEY_B_SHAPE              "shape"
#define TFB_KEY_B_SERIES             "series"
#define TFB_KEY_B_M                  "m"
#define TFB_KEY_B_N                  "n"
#define TFB_KEY_B_K                  "k"
#define TFB_KEY_B_FLOPS              "flops"
#define TFB_KEY_B_BYTES              "bytes"
#define TFB_KEY_B_BYTES_WRITTEN      "bytes_written"
#define TFB_KEY_B_GFLOPS             "gflops"
#define TFB_KEY_B_GBYTES_PER_SECOND  "gbytes_per_second"
#define TFB_KEY_B_INTENSITY          "intensity"
#define TFB_KEY_B_ROOFLINE_FRACTION  "roofline_fraction"
#define TFB_KEY_B_ROOF_GFLOPS        "roof_gflops"
#define TFB_KEY_B_ROOF_KIND          "roof_kind"
#define TFB_KEY_B_WORKING_SET_BYTES  "working_set_bytes"
#define TFB_KEY_B_CACHE_RESIDENT     "cache_resident"
#define TFB_KEY_B_VERIFIED           "verified"
#define TFB_KEY_B_MAX_ERROR          "max_error"
#define TFB_KEY_B_TIME_MEDIAN_S      "time_median_s"
#define TFB_KEY_B_TIME_MIN_S         "time_min_s"
#define TFB_KEY_B_TIME_MAX_S         "time_max_s"
#define TFB_KEY_B_TIME_MEAN_S        "time_mean_s"
#define TFB_KEY_B_TIME_STDDEV_S      "time_stddev_s"
#define TFB_KEY_B_TIME_REL_SPREAD    "time_rel_spread"
#define TFB_KEY_B_REAL_TIME          "real_time"
#define TFB_KEY_B_CPU_TIME           "cpu_time"
#define TFB_KEY_B_TIME_UNIT          "time_unit"
#define TFB_KEY_B_ITERATIONS         "iterations"
#define TFB_KEY_B_ERROR_OCCURRED     "error_occurred"
#define TFB_KEY_B_ERROR_MESSAGE      "error_message"
#define TFB_KEY_B_SKIPPED            "skipped"
#define TFB_KEY_B_BYTES_PER_SECOND   "bytes_per_second"
#define TFB_KEY_B_ITEMS_PER_SECOND   "items_per_second"

/* A benchmark's samples: the time per execution of each timed sample (seconds, in the order measured), and how many
 * back-to-back executions each sample held. compare's rank test reads them. */
#define TFB_KEY_SAMPLES    "samples_s"
#define TFB_KEY_EXECUTIONS "executions_per_sample"

/* A results file of several devices (tfbench --device all): context.devices lists each device's context with its
 * label ("d2": flat index 2), and each benchmark says which device ran it under its device-qualified name
 * ("<base_name>@d2"). */
#define TFB_KEY_DEVICES      "devices"
#define TFB_KEY_DEVICE_LABEL "device_label"
#define TFB_KEY_DEVICE_INDEX "device_index"
#define TFB_KEY_BASE_NAME    "base_name"

#endif
