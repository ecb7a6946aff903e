/* Worker processes (include/tfbench/process.h). */
#define _GNU_SOURCE  /* sigabbrev_np */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "tfbench/process.h"
#include "tfbench/stats.h"

/* In the child: only async-signal-safe calls before exec (the parent may hold driver threads and their locks). */
static void become_child(pid_t parent, char *const argv[], void (*prepare)(void *), void *user)
{
    static const char message[] = "tfbench: cannot start the worker (exec /proc/self/exe failed)\n";
    prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (getppid() != parent) _exit(127);  /* the parent died before the line above took effect */
    if (prepare) prepare(user);
    execv("/proc/self/exe", argv);
    if (write(STDERR_FILENO, message, sizeof message - 1) < 0) _exit(127);
    _exit(127);
}

int tfb_process_start(char *const argv[], void (*prepare)(void *user), void *user, pid_t *pid, tfb_error *err)
{
    pid_t parent = getpid();
    *pid = fork();
    if (*pid == 0) become_child(parent, argv, prepare, user);
    if (*pid < 0) return tfb_fail(err, "cannot start the worker: %s", strerror(errno));
    return TFB_OK;
}

int tfb_process_wait(pid_t pid, double timeout_s, int *timed_out)
{
    int status = 0;
    double started = tfb_now_seconds();
    *timed_out = 0;
    for (;;) {
        pid_t done = waitpid(pid, &status, timeout_s > 0 ? WNOHANG : 0);
        if (done == pid) return status;
        if (done < 0 && errno != EINTR) return -1;
        if (timeout_s > 0 && tfb_now_seconds() - started > timeout_s && !*timed_out) {
            *timed_out = 1;
            kill(pid, SIGKILL);
        }
        struct timespec pause = {0, 50 * 1000 * 1000};
        if (timeout_s > 0) nanosleep(&pause, NULL);
    }
}

int tfb_process_kill(pid_t pid)
{
    int status = 0;
    kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return -1;
    return status;
}

void tfb_signal_name(int sig, char *out, size_t size)
{
    const char *abbrev = sigabbrev_np(sig);
    if (abbrev) snprintf(out, size, "SIG%s", abbrev);
    else snprintf(out, size, "signal %d", sig);
}

void tfb_process_describe(int status, char *out, size_t size)
{
    char name[32];
    if (status < 0) snprintf(out, size, "lost (cannot be waited for)");
    else if (WIFEXITED(status)) snprintf(out, size, "exit code %d", WEXITSTATUS(status));
    else if (WIFSIGNALED(status)) {
        tfb_signal_name(WTERMSIG(status), name, sizeof name);
        snprintf(out, size, "killed by signal %d (%s)", WTERMSIG(status), name);
    } else snprintf(out, size, "wait status %d", status);
}

int tfb_stderr_silence(void)
{
    fflush(stderr);
    int saved = dup(STDERR_FILENO), quiet = open("/dev/null", O_WRONLY | O_CLOEXEC);
    if (saved >= 0 && quiet >= 0 && dup2(quiet, STDERR_FILENO) >= 0) {
        close(quiet);
        fcntl(saved, F_SETFD, FD_CLOEXEC);
        return saved;
    }
    if (saved >= 0) close(saved);
    if (quiet >= 0) close(quiet);
    return -1;
}

void tfb_stderr_restore(int saved)
{
    if (saved < 0) return;
    fflush(stderr);
    dup2(saved, STDERR_FILENO);
    close(saved);
}
