/* Child processes that may die: tfbench started again as a worker (fork + exec of the running executable), waited
 * for with a time limit, and its end put into words. The fleet runs each rank's benchmarks this way, and a plain run
 * its cases (host/run/supervisor.c), so a hang or a crash inside the driver costs the worker, not the results. */
#ifndef TFBENCH_PROCESS_H
#define TFBENCH_PROCESS_H

#include <stddef.h>
#include <sys/types.h>
#include "tfbench/error.h"

/* Forks and, in the child, execs this executable (/proc/self/exe) with argv. The child dies with the thread that
 * started it (PR_SET_PDEATHSIG: a killed supervisor must not leave a benchmark running) and first calls
 * prepare(user) when prepare is set: it runs between fork and exec, so it may use async-signal-safe calls only
 * (open, dup2, fcntl, close). */
int tfb_process_start(char *const argv[], void (*prepare)(void *user), void *user, pid_t *pid, tfb_error *err);
/* Waits for the child; past timeout_s seconds (0: none) kills it (SIGKILL) and sets *timed_out. Returns its wait
 * status, or -1 when it cannot be waited for. */
int tfb_process_wait(pid_t pid, double timeout_s, int *timed_out);
/* Kills the child (SIGKILL) and reaps it; returns its wait status, or -1. */
int tfb_process_kill(pid_t pid);
/* "SIGSEGV", "SIGKILL", ...; "signal N" for a number without a name. */
void tfb_signal_name(int sig, char *out, size_t size);
/* A wait status in words: "exit code 3", "killed by signal 9 (SIGKILL)". */
void tfb_process_describe(int status, char *out, size_t size);
/* Sends stderr to /dev/null until tfb_stderr_restore(saved): a worker's repeat of what its supervisor, or an earlier
 * worker, already said. Returns the saved descriptor, or -1 (then stderr is unchanged). */
int tfb_stderr_silence(void);
void tfb_stderr_restore(int saved);

#endif
