/* A benchmark run from the selected devices to the results (host/run/session.c): each device's suites run in a
 * supervised worker process (host/run/supervisor.c, worker.c) that opens the device once and runs case after case;
 * a case that hangs past its watchdog or crashes the worker is recorded as failed with the reason, and a fresh
 * worker goes on with the next case. The command line only parses options and maps the outcome to an exit code. */
#ifndef TFBENCH_SESSION_H
#define TFBENCH_SESSION_H

#include <stdio.h>
#include "tfbench/suite.h"

/* What the suites lend the run (suites/registry.c, tfb_suites_catalog): its suites in the default run's order, and
 * the read kernel's two run-level measurements (tfb_run_measure_ladder, tfb_run_recheck_read_ceiling in
 * tfbench/read_probe.h). The run reaches suites/ only through this table. */
typedef struct tfb_catalog {
    const tfb_suite *const *suites;
    size_t count;
    int (*measure_ladder)(tfb_run *run, tfb_error *err);
    int (*recheck_read_ceiling)(tfb_run *run, tfb_error *err);
    int (*local_roof)(tfb_run *run, double *read_gbps, double *peak_gflops, tfb_error *err);  /* and its release: */
    void (*local_roof_release)(tfb_run *run);
} tfb_catalog;

const tfb_suite *tfb_catalog_find(const tfb_catalog *catalog, const char *name);
/* "  name  description (opt-in)" per suite; verbose: each suite's sweep axes under it (tfb_suite_print_axes). */
void tfb_catalog_print(const tfb_catalog *catalog, FILE *out, int verbose);
/* The suites --suite names (NULL: the default run's), in the order named, each once (a repeat warns); at most
 * TFB_MAX_SUITES. */
#define TFB_MAX_SUITES 64
int tfb_catalog_select(const tfb_catalog *catalog, const char *names, const tfb_suite **out, size_t *count,
                       tfb_error *err);

typedef struct tfb_session {
    const tfb_catalog *catalog;
    const tfb_options *opt;
    const tfb_workload *workload;
    const tfb_suite *const *suites;
    size_t suite_count;
    int argc;                 /* the command line (argv[0] the program), passed on to each worker */
    char **argv;
} tfb_session;

/* --list: every platform's devices with their flat index. */
int tfb_session_list_devices(FILE *out, tfb_error *err);
/* The devices --device names, each once (a repeat warns). */
int tfb_session_devices(const char *spec, tfb_device_entry **devices, size_t *indexes, size_t *count, tfb_error *err);
/* Every device in turn (flat indexes; each worker opens its own) into results (several: one file of the devices that could be opened, names with @d<index>),
 * native's points beside the first device's, the roofline applied, each device's table printed unless quiet.
 * Returns the failed benchmarks (lost cases included), or -1 when not one device could be opened. */
int tfb_session_run(const tfb_session *s, const size_t *indexes, size_t count, const cJSON *native,
                    tfb_results *results);
/* The worker's side: `tfbench --run-worker FD OPTIONS...` (FD the supervisor's socket). Returns the exit code. */
int tfb_session_worker(const tfb_session *s, const char *fd_text);
#define TFB_WORKER_FLAG "--run-worker"

#endif
