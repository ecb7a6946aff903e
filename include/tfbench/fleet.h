/* Fleet runs: the same suites on every rank of an MPI job, one device per rank, gathered into one fleet file and a
 * fleet report (per benchmark the fleet median, each rank's deviation, the outliers, slowest first). Each rank's
 * benchmarks run in a worker process (the plain tfbench run, which writes the rank's own results file), so a
 * crashed or killed worker leaves its rank able to report the failure; the MPI glue is host/fleet/fleet_mpi.c. */
#ifndef TFBENCH_FLEET_H
#define TFBENCH_FLEET_H

#include <stddef.h>
#include <stdio.h>
#include <cjson/cJSON.h>
#include "tfbench/error.h"
#include "tfbench/report_columns.h"

#define TFB_FLEET_THRESHOLD 0.10  /* default: slower than the fleet median by more than 10% ... */
#define TFB_FLEET_MAD_LIMIT 3.0   /* ... and, with 3 or more ranks, by more than 3 scaled MADs */
#define TFB_FLEET_MAD_SCALE 1.4826  /* MAD x this estimates the standard deviation of normal data */
#define TFB_FLEET_MAX_BYTES ((size_t)256 << 20)
#define TFB_FLEET_MAX_VALUES 16000000u
/* The most ranks a fleet may have: a state file claiming more is bad input, not a 1e6-entry fleet file. */
#define TFB_FLEET_MAX_RANKS 65536
#define TFB_FLEET_RUN_ID_SIZE 48

/* One rank of the job as its state file (DIR/rank-<R>.state.json) records it. */
typedef struct tfb_fleet_rank {
    int rank, size, local_rank;
    char host[256];
    int device_index;         /* flat OpenCL index; -1 when none could be chosen */
    char device[256];
    int device_is_cpu;
    char status[16];          /* "running", "ok", "partial" (results, some benchmarks failed), "failed" */
    char error[1024];         /* why, for partial and failed */
    long rank_pid, worker_pid;
    int exit_code;            /* of the worker; -1 when it did not exit by itself */
    int signal;               /* the signal that ended the worker; 0 when none */
    double wall_seconds;
    char started[32];
    char run_id[TFB_FLEET_RUN_ID_SIZE];  /* the job's (rank 0's, broadcast): newer runs sort after older ones */
} tfb_fleet_rank;

/* How a fleet run is asked for: the fleet's own flags, and the options every rank's run is given. */
typedef struct tfb_fleet_args {
    int serial;               /* --fleet-serial: ranks sharing a device (or a CPU) run one after another */
    double threshold;         /* --fleet-threshold PCT, as a fraction */
    double timeout;           /* --fleet-timeout S: a worker running longer is killed; 0 none */
    const char *out_dir;      /* --out DIR; NULL: rank 0 picks tfbench-fleet/<time> */
    const char *device;       /* --device LIST, mapped by the node-local rank; NULL: all devices */
    int help;
    char **worker_argv;       /* the other options, passed on to each rank's run (owned array, strings borrowed) */
    int worker_argc;
} tfb_fleet_args;

/* Rule for outliers: below the median's throughput by more than threshold, and by more than mad_limit scaled MADs
 * when at least 3 ranks measured the benchmark (with 2 the median lies halfway and only the threshold decides). */
typedef struct tfb_fleet_rule {
    double threshold;
    double mad_limit;
} tfb_fleet_rule;

/* What one rank sent: its state file and its results file (NULL/0 when it has none). */
typedef struct tfb_fleet_input {
    const char *state;
    size_t state_length;
    const char *results;
    size_t results_length;
    /* when set, results count only if stamped with this run id (fleet_run.run_id): rank files read back from a
     * folder may be an earlier run's */
    const char *run_id;
} tfb_fleet_input;

/* ---- one rank (host/fleet/fleet_rank.c, fleet_state.c; the flags are parsed by host/cli/cmd_fleet.c) ---- */
/* The rank's device: the local_rank-th (modulo their count) of the devices `spec` names (NULL: all). */
int tfb_fleet_pick_device(const char *spec, int local_rank, tfb_fleet_rank *rank, tfb_error *err);
/* Runs the rank's benchmarks in a worker process (the plain run of args->worker_argv on the chosen device, its
 * results into DIR/rank-<R>.json, its output into DIR/rank-<R>.log), keeping the state file current; the outcome
 * in rank->status and rank->error. */
void tfb_fleet_run_worker(const tfb_fleet_args *args, const char *dir, tfb_fleet_rank *rank);
cJSON *tfb_fleet_rank_to_json(const tfb_fleet_rank *rank);
int tfb_fleet_rank_from_json(const cJSON *state, tfb_fleet_rank *rank, tfb_error *err);
int tfb_fleet_write_state(const char *dir, const tfb_fleet_rank *rank, tfb_error *err);
/* A fresh run id: the UTC time to the nanosecond and a random tag, so that ids sort in time order. */
int tfb_fleet_new_run_id(char *out, size_t size, tfb_error *err);
/* Stamps the rank's results file with its run and rank (top-level "fleet_run": {"run_id", "rank"}). */
int tfb_fleet_stamp_results(const char *path, const tfb_fleet_rank *rank, tfb_error *err);
/* The log file's descriptor for the worker's output: created afresh, never through a planted link. */
int tfb_fleet_open_log(const char *path, tfb_error *err);
/* "DIR/rank-<R>.<suffix>" */
int tfb_fleet_rank_path(const char *dir, int rank, const char *suffix, char *out, size_t size, tfb_error *err);

/* ---- the fleet (host/fleet/fleet_build.c, fleet_dir.c) ---- */
/* The fleet file from every rank's input (any order; a rank that sent nothing is listed as failed). */
int tfb_fleet_build(const tfb_fleet_input *inputs, size_t count, const tfb_fleet_rule *rule, cJSON **fleet,
                    tfb_error *err);
/* The same from the rank files in DIR, after a job that could not gather (a rank process was killed and MPI aborted
 * the job): ranks whose state says running never finished. Only the newest run's rank files count (the highest
 * run id); the others are named on `warnings`. Its ranks must agree on the job's size (bad input otherwise). */
int tfb_fleet_build_from_dir(const char *dir, const tfb_fleet_rule *rule, FILE *warnings, cJSON **fleet,
                             tfb_error *err);
/* 0 when every rank of a fleet file is ok, 1 otherwise (failed, partial, never finished, sent nothing). */
int tfb_fleet_exit_status(const cJSON *fleet);
/* One column per rank of a fleet file, in rank order. */
int tfb_fleet_columns(const cJSON *fleet, tfb_columns *columns, tfb_error *err);
/* Adds fleet_benchmarks (per benchmark the median, scaled MAD, each rank's deviation) and outliers (slowest first)
 * to a fleet file holding its ranks. */
int tfb_fleet_add_statistics(cJSON *fleet, const tfb_fleet_rule *rule, tfb_error *err);
/* Marks the outlier cells (rows x columns) of the columns by the rule; returns how many. */
size_t tfb_fleet_mark_outliers(const tfb_columns *columns, const tfb_fleet_rule *rule, unsigned char *marked);
/* Writes DIR/fleet.json, DIR/fleet-report.txt and DIR/fleet-report.html (each atomically). */
int tfb_fleet_write(const cJSON *fleet, const char *dir, tfb_error *err);
/* The text report: the ranks, the outliers slowest first, the wrong results, each benchmark's median. */
void tfb_fleet_print_report(const cJSON *fleet, FILE *out);
int tfb_fleet_html(const cJSON *fleet, char **html, tfb_error *err);
/* Reads a fleet file (bounded: TFB_FLEET_MAX_BYTES, TFB_FLEET_MAX_VALUES); TFB_SKIP when it is valid JSON but not a
 * fleet file. */
int tfb_fleet_read(const char *path, cJSON **fleet, tfb_error *err);
/* The same from `length` bytes of text (need not be NUL-terminated). */
int tfb_fleet_parse(const char *text, size_t length, cJSON **fleet, tfb_error *err);

/* ---- compare against the fleet (host/fleet/fleet_compare.c) ---- */
typedef struct tfb_fleet_compare_options {
    int metric;               /* tfb_metric */
    double threshold, alpha;
    int json;                 /* the report as JSON on `out` */
} tfb_fleet_compare_options;
/* Each rank against the fleet median (the other ranks' samples pooled). Returns the exit status: 0 no rank slower,
 * 1 a regression or a failed rank, 2 unusable input. */
int tfb_fleet_compare(const cJSON *fleet, const char *path, const tfb_fleet_compare_options *options, FILE *out,
                      tfb_error *err);

/* ---- the MPI job (host/fleet/fleet_mpi.c; fleet_nompi.c when tfbench was built without MPI) ---- */
int tfb_fleet_mpi_main(int argc, char **argv, const tfb_fleet_args *args);

#endif
