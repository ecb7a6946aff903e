/* Subcommands of the tfbench executable; each returns the process exit code (0 ok, 1 failure, 2 bad input). */
#ifndef TFBENCH_HOST_CLI_H
#define TFBENCH_HOST_CLI_H

int tfb_cmd_run(int argc, char **argv);      /* tfbench [--device N] [--suite ...] ... */
int tfb_cmd_model(int argc, char **argv);    /* tfbench model ... (argv[0] == "model") */
int tfb_cmd_compare(int argc, char **argv);  /* tfbench compare ... (argv[0] == "compare") */
int tfb_cmd_report(int argc, char **argv);   /* tfbench report RESULTS.json ... (argv[0] == "report") */

/* Bad input to a subcommand: "tfbench <command>: " and fmt (with detail) on stderr, then the command's usage;
 * returns `code`, the command's exit code for bad input. */
int tfb_cli_usage_error(const char *command, const char *usage, int code, const char *fmt, const char *detail);

#endif
