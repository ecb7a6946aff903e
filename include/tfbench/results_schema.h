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

/* A benchmark's samples: the time per execution of each timed sample (seconds, in the order measured), and how many
 * back-to-back executions each sample held. compare's rank test reads them. */
#define TFB_KEY_SAMPLES    "samples_s"
#define TFB_KEY_EXECUTIONS "executions_per_sample"

#endif
