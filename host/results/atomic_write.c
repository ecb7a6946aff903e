/* Results files written as a whole or not at all: into "<path>.tmp.XXXXXX" (mkstemp: created afresh, never through
 * a link), then renamed over the path; a symbolic link at the path is refused, not replaced. A SIGINT, SIGTERM or
 * SIGHUP during the write removes the temp file before the process dies of the signal. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tfbench/results.h"

#define TEMP_SUFFIX ".tmp.XXXXXX"

/* The temp file being written, for the signal handler. A handler may run between any two instructions of the
 * writer, so all it can use is a static buffer and a volatile sig_atomic_t flag: the one file-scope state of
 * tfbench, set only around a write (single-threaded writer; the handler may run on any thread, it only unlinks). */
static char pending_path[4096];
static volatile sig_atomic_t pending;

static const int CAUGHT[] = {SIGINT, SIGTERM, SIGHUP};
#define CAUGHT_COUNT (sizeof CAUGHT / sizeof *CAUGHT)

/* unlink and raise are async-signal-safe; SA_RESETHAND restored the default action, so the signal kills us as it
 * would have without the handler (same exit status for the shell). */
static void remove_pending_and_reraise(int sig)
{
    if (pending) unlink(pending_path);
    raise(sig);
}

static void catch_signals(struct sigaction *saved)
{
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = remove_pending_and_reraise;
    action.sa_flags = SA_RESETHAND;
    sigemptyset(&action.sa_mask);
    for (size_t i = 0; i < CAUGHT_COUNT; i++) {
        sigaction(CAUGHT[i], NULL, &saved[i]);
        if (saved[i].sa_handler == SIG_DFL) sigaction(CAUGHT[i], &action, NULL);  /* an ignored signal stays so */
    }
}

static void restore_signals(const struct sigaction *saved)
{
    for (size_t i = 0; i < CAUGHT_COUNT; i++) sigaction(CAUGHT[i], &saved[i], NULL);
}

static int write_and_close(FILE *f, const char *data, size_t length)
{
    size_t written = fwrite(data, 1, length, f);
    int flush_failed = fflush(f) != 0 || fsync(fileno(f)) != 0;
    int close_failed = fclose(f) != 0;
    return written == length && !flush_failed && !close_failed ? 0 : -1;
}

/* Writes the pending temp file and renames it over path; the caller holds the signal handlers. */
static int write_pending(const char *path, const char *data, size_t length, tfb_error *err)
{
    int fd = mkstemp(pending_path);
    if (fd < 0) return tfb_fail(err, "cannot create %.300s: %s", pending_path, strerror(errno));
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        unlink(pending_path);
        return tfb_fail(err, "cannot open %.300s: %s", pending_path, strerror(errno));
    }
    if (write_and_close(f, data, length) != 0) {
        unlink(pending_path);
        return tfb_fail(err, "cannot write %.300s: %s", path, strerror(errno));
    }
    chmod(pending_path, 0644);  /* mkstemp creates 0600; results are meant to be shared */
    if (rename(pending_path, path) != 0) {
        int saved = errno;
        unlink(pending_path);
        return tfb_fail(err, "cannot rename %.300s to %.300s: %s", pending_path, path, strerror(saved));
    }
    return TFB_OK;
}

/* A link at the path is never written through, nor silently replaced: in a folder others may write it was planted. */
static int refuse_link(const char *path, tfb_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
        return tfb_fail(err, "cannot write %.3000s: it is a symbolic link (remove it, or name its target)", path);
    return TFB_OK;
}

int tfb_write_file_atomic(const char *path, const char *data, size_t length, tfb_error *err)
{
    struct sigaction saved[CAUGHT_COUNT];
    if (strlen(path) + sizeof TEMP_SUFFIX > sizeof pending_path)
        return tfb_fail(err, "path too long (%zu bytes): %.200s...", strlen(path), path);
    if (refuse_link(path, err) != TFB_OK) return TFB_ERROR;
    catch_signals(saved);
    /* set before mkstemp fills in the name: a signal in between unlinks a name that does not exist yet */
    snprintf(pending_path, sizeof pending_path, "%s" TEMP_SUFFIX, path);
    pending = 1;
    int rc = write_pending(path, data, length, err);
    pending = 0;
    restore_signals(saved);
    return rc;
}

static void folder_of(const char *path, char *out, size_t size)
{
    snprintf(out, size, "%s", path);
    char *slash = strrchr(out, '/');
    if (!slash) snprintf(out, size, ".");
    else if (slash == out) out[1] = '\0';
    else *slash = '\0';
}

int tfb_check_output_file(const char *path, tfb_error *err)
{
    struct stat st;
    char probe[sizeof pending_path];
    if (!path[0]) return tfb_fail(err, "an output path is empty");
    if (strlen(path) + sizeof TEMP_SUFFIX > sizeof probe)
        return tfb_fail(err, "cannot write %.200s...: path too long (%zu bytes)", path, strlen(path));
    if (refuse_link(path, err) != TFB_OK) return TFB_ERROR;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) return tfb_fail(err, "cannot write %s: it is a folder", path);
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return tfb_fail(err, "cannot write %s: it exists and is not a regular file", path);
    snprintf(probe, sizeof probe, "%s" TEMP_SUFFIX, path);
    int fd = mkstemp(probe);
    if (fd < 0 && errno == ENAMETOOLONG) return tfb_fail(err, "cannot write %.200s: file name too long", path);
    if (fd < 0) {
        char folder[sizeof probe];
        folder_of(path, folder, sizeof folder);
        return tfb_fail(err, "cannot write %s: folder %s is not writable or missing (%s)", path, folder,
                        strerror(errno));
    }
    close(fd);
    unlink(probe);
    return TFB_OK;
}
