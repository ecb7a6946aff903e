/* One rank of a fleet run: its device, and its benchmarks run in a worker process. The worker is the plain tfbench
 * run (its own results file written atomically, its exit codes), so whatever kills it (a driver crash, the OOM
 * killer, a signal, the timeout) leaves this process alive to report the failure and take part in the gather. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "tfbench/device.h"
#include "tfbench/file_io.h"
#include "tfbench/fleet.h"
#include "tfbench/process.h"
#include "tfbench/stats.h"

int tfb_fleet_pick_device(const char *spec, int local_rank, tfb_fleet_rank *rank, tfb_error *err)
{
    tfb_device_entry *devices = NULL;
    size_t count = 0, indexes[TFB_MAX_DEVICES], selected = 0, repeated = 0;
    rank->device_index = -1;
    if (tfb_devices_enumerate(&devices, &count, err) != TFB_OK) return TFB_ERROR;
    int rc = tfb_device_select(devices, count, spec ? spec : "all", indexes, TFB_MAX_DEVICES, &selected, &repeated,
                               err);
    if (rc == TFB_OK && selected == 0) rc = tfb_fail(err, "--device names no device");
    if (rc == TFB_OK) {
        size_t index = indexes[(size_t)local_rank % selected];
        rank->device_index = (int)index;
        rank->device_is_cpu = devices[index].info.is_cpu;
        snprintf(rank->device, sizeof rank->device, "%s", devices[index].info.name);
    }
    free(devices);
    return rc;
}

/* The worker's command line: tfbench, the options passed on, this rank's device and results file. */
static char **worker_command(const tfb_fleet_args *args, const tfb_fleet_rank *rank, const char *json_path,
                             char *device)
{
    char **argv = calloc((size_t)args->worker_argc + 6, sizeof *argv);
    if (!argv) return NULL;
    int n = 0;
    argv[n++] = "tfbench";
    for (int i = 0; i < args->worker_argc; i++) argv[n++] = args->worker_argv[i];
    snprintf(device, 32, "%d", rank->device_index);
    argv[n++] = "--device";
    argv[n++] = device;
    argv[n++] = "--json";
    argv[n++] = (char *)json_path;
    return argv;
}

/* In the child, before exec: its output into the rank's log (opened by the parent without following links:
 * tfb_fleet_open_log). Only async-signal-safe calls (tfb_process_start). */
static void redirect_to_log(void *user)
{
    int fd = *(const int *)user;
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
}

/* The last "tfbench: " line the worker wrote that is not a progress note: its own account of what went wrong. */
static void last_error_line(const char *log_path, char *out, size_t size)
{
    struct stat st;
    tfb_error ignored;
    int fd = tfb_open_regular(log_path, &st, &ignored);
    FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
    char line[1024];
    if (fd >= 0 && !f) close(fd);
    out[0] = '\0';
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = '\0';
        if (strncmp(line, "tfbench: ", 9) == 0 && strncmp(line, "tfbench: device ", 16) != 0 &&
            strncmp(line, "tfbench: warning: ", 18) != 0)
            snprintf(out, size, "%.700s", line + 9);
    }
    if (f) fclose(f);
}

static void describe_outcome(tfb_fleet_rank *rank, int status, int timed_out, double timeout, const char *json_path,
                             const char *log_path)
{
    char said[768], how[64];
    struct stat st;
    tfb_process_describe(status, how, sizeof how);
    int has_results = stat(json_path, &st) == 0;
    last_error_line(log_path, said, sizeof said);
    rank->exit_code = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    rank->signal = status >= 0 && WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    snprintf(rank->status, sizeof rank->status, "%s",
             rank->exit_code == 0 && has_results ? "ok" : rank->exit_code == 1 && has_results ? "partial" : "failed");
    if (timed_out)
        snprintf(rank->error, sizeof rank->error, "timed out after %.0f s (--fleet-timeout): killed", timeout);
    else if (rank->signal)
        snprintf(rank->error, sizeof rank->error, "%s%s%s", how, said[0] ? "; last message: " : "", said);
    else if (rank->exit_code != 0)
        snprintf(rank->error, sizeof rank->error, "exit code %d: %s", rank->exit_code,
                 said[0] ? said : "no message (see the rank's log)");
    else if (!has_results) snprintf(rank->error, sizeof rank->error, "exited 0 but wrote no results file");
}

void tfb_fleet_run_worker(const tfb_fleet_args *args, const char *dir, tfb_fleet_rank *rank)
{
    tfb_error err = {{0}};
    char json_path[4096], log_path[4096], device[32];
    double started = tfb_now_seconds();
    if (tfb_fleet_rank_path(dir, rank->rank, "json", json_path, sizeof json_path, &err) != TFB_OK ||
        tfb_fleet_rank_path(dir, rank->rank, "log", log_path, sizeof log_path, &err) != TFB_OK) {
        snprintf(rank->status, sizeof rank->status, "failed");
        snprintf(rank->error, sizeof rank->error, "%.1000s", err.message);
        return;
    }
    unlink(json_path);  /* a results file left by an earlier run in the same folder must not pass for this one's */
    int log_fd = tfb_fleet_open_log(log_path, &err);
    if (log_fd < 0) {
        snprintf(rank->status, sizeof rank->status, "failed");
        snprintf(rank->error, sizeof rank->error, "%.1000s", err.message);
        return;
    }
    char **argv = worker_command(args, rank, json_path, device);
    pid_t pid = -1;
    int started_rc = argv ? tfb_process_start(argv, redirect_to_log, &log_fd, &pid, &err)
                          : tfb_fail(&err, "cannot start the worker: out of memory");
    close(log_fd);
    free(argv);
    if (started_rc != TFB_OK) {
        snprintf(rank->status, sizeof rank->status, "failed");
        snprintf(rank->error, sizeof rank->error, "%.1000s", err.message);
        return;
    }
    rank->worker_pid = (long)pid;
    snprintf(rank->status, sizeof rank->status, "running");
    if (tfb_fleet_write_state(dir, rank, &err) != TFB_OK) fprintf(stderr, "tfbench: fleet: %s\n", err.message);
    int timed_out, status = tfb_process_wait(pid, args->timeout, &timed_out);
    rank->wall_seconds = tfb_now_seconds() - started;
    describe_outcome(rank, status, timed_out, args->timeout, json_path, log_path);
    if (strcmp(rank->status, "failed") != 0 && tfb_fleet_stamp_results(json_path, rank, &err) != TFB_OK) {
        snprintf(rank->status, sizeof rank->status, "failed");
        snprintf(rank->error, sizeof rank->error, "its results file: %.1000s", err.message);
    }
}
