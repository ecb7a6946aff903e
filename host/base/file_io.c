/* Reading whole files. Every path tfbench reads comes from the user (results, configs, kernels, rank files), so the
 * file is checked to be a regular file before anything blocks on it: a FIFO would wait for a writer forever, a
 * device could stream without end, a folder cannot be read. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tfbench/file_io.h"

static const char *kind_of(mode_t mode)
{
    if (S_ISDIR(mode)) return "a folder";
    if (S_ISFIFO(mode)) return "a FIFO (named pipe)";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "a device";
    return "not a regular file";
}

static int refuse_kind(const char *path, mode_t mode, tfb_error *err)
{
    return tfb_fail(err, "cannot read %.3000s: it is %s, not a regular file", path, kind_of(mode));
}

int tfb_open_regular(const char *path, struct stat *st, tfb_error *err)
{
    /* stat first: opening a device may itself do something (rewind a tape, wake a modem) */
    if (stat(path, st) != 0) return tfb_fail(err, "cannot open %.3000s: %s", path, strerror(errno));
    if (!S_ISREG(st->st_mode)) return refuse_kind(path, st->st_mode, err);
    /* O_NONBLOCK: if the path was swapped for a FIFO since the stat, open returns at once instead of waiting */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return tfb_fail(err, "cannot open %.3000s: %s", path, strerror(errno));
    if (fstat(fd, st) != 0 || !S_ISREG(st->st_mode)) {
        int failed_stat = errno;
        close(fd);
        return S_ISREG(st->st_mode) ? tfb_fail(err, "cannot stat %.3000s: %s", path, strerror(failed_stat))
                                    : refuse_kind(path, st->st_mode, err);
    }
    return fd;
}

/* Reads up to `want` bytes (fewer when the file shrank since the fstat). */
static int read_all(int fd, const char *path, char *buffer, size_t want, size_t *got, tfb_error *err)
{
    *got = 0;
    while (*got < want) {
        ssize_t n = read(fd, buffer + *got, want - *got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return tfb_fail(err, "cannot read %.3000s: %s", path, strerror(errno));
        if (n == 0) break;
        *got += (size_t)n;
    }
    return TFB_OK;
}

int tfb_read_file(const char *path, size_t max_bytes, char **data, size_t *length, tfb_error *err)
{
    struct stat st;
    *data = NULL;
    *length = 0;
    int fd = tfb_open_regular(path, &st, err);
    if (fd < 0) return TFB_ERROR;
    if ((uint64_t)st.st_size > max_bytes) {
        close(fd);
        return tfb_fail(err, "%.3000s is too large (%lld bytes, limit %zu)", path, (long long)st.st_size, max_bytes);
    }
    char *buffer = malloc((size_t)st.st_size + 1);
    if (!buffer) {
        close(fd);
        return tfb_fail(err, "out of memory reading %.3000s", path);
    }
    size_t got = 0;
    int rc = read_all(fd, path, buffer, (size_t)st.st_size, &got, err);
    close(fd);
    if (rc != TFB_OK) {
        free(buffer);
        return rc;
    }
    buffer[got] = '\0';
    *data = buffer;
    *length = got;
    return TFB_OK;
}
