/* Subcommands of the tfbench executable; each returns the process exit code (0 ok, 1 failure, 2 bad input). */
#ifndef TFBENCH_HOST_CLI_H
#define TFBENCH_HOST_CLI_H

#include <stddef.h>
#include <stdio.h>
#include "tfbench/error.h"

int tfb_cmd_run(int argc, char **argv);      /* tfbench [--device N] [--suite ...] ... */
int tfb_cmd_run_worker(int argc, char **argv); /* tfbench --run-worker FD ... (argv[0] == FD): a run's worker */
int tfb_cmd_model(int argc, char **argv);    /* tfbench model ... (argv[0] == "model") */
int tfb_cmd_compare(int argc, char **argv);  /* tfbench compare ... (argv[0] == "compare") */
int tfb_cmd_report(int argc, char **argv);   /* tfbench report RESULTS.json ... (argv[0] == "report") */
int tfb_cmd_history(int argc, char **argv); /* tfbench history add|list|show|export|changes|report (argv[0] == "history") */
int tfb_cmd_fleet(int argc, char **argv);    /* tfbench --fleet ... (one rank of an MPI job) */
int tfb_cmd_fleet_report(int argc, char **argv);  /* tfbench fleet-report DIR (argv[0] == "fleet-report") */
/* A run's options checked as tfbench checks them before it starts: the suites (up to 64; a suite named twice warns),
 * the workload (model, config, shape, sweeps), --kernel-dir. Bad input fails with err. */
struct tfb_options;
struct tfb_suite;
struct tfb_workload;
int tfb_cli_check_run(const struct tfb_options *opt, const struct tfb_suite **suites, size_t *suite_count,
                      struct tfb_workload *workload, tfb_error *err);
/* One warning line on `out` per workload option (--model, --config, --shape, --batch, --seq, --kv-heads,
 * --head-dim) given while no suite of `suites` reads it (tfb_suite.options_used); returns how many (option_use.c). */
size_t tfb_cli_warn_unused_options(const struct tfb_options *opt, const struct tfb_suite *const *suites, size_t count,
                                   FILE *out);
/* tfbench compare FLEET.json: the exit status, or -1 when the file is JSON but not a fleet file. metric is a
 * tfb_metric. */
int tfb_cli_compare_fleet(const char *path, int metric, double threshold, double alpha, int json);
/* True when argv asks for a fleet run (--fleet or --fleet-serial). */
int tfb_cli_is_fleet(int argc, char **argv);

/* Bad input to a subcommand: "tfbench <command>: " and fmt (with detail) on stderr, then the command's usage;
 * returns `code`, the command's exit code for bad input. */
int tfb_cli_usage_error(const char *command, const char *usage, int code, const char *fmt, const char *detail);

/* The fleet's flags out of argv (the rest kept for each rank's run, checked here as tfbench's options); see
 * tfb_fleet_args. Free with tfb_fleet_args_free, also after a failure. */
struct tfb_fleet_args;
int tfb_fleet_parse_args(int argc, char **argv, struct tfb_fleet_args *args, tfb_error *err);
void tfb_fleet_args_free(struct tfb_fleet_args *args);

#endif
