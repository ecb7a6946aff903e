/* Writing where others may write (a shared fleet folder, a report folder, a cache): a file is created afresh and
 * never through a link another user planted, a cache folder must be this user's alone, and an output folder is
 * locked while a run writes into it. */
#define _DEFAULT_SOURCE  /* realpath, S_ISVTX */
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include "tfbench/file_io.h"

int tfb_create_fresh(const char *path, mode_t mode, tfb_error *err)
{
    struct stat st;
    if (lstat(path, &st) == 0) {
        if (S_ISLNK(st.st_mode))
            return tfb_fail(err, "%.3000s is a symbolic link: refusing to write through it (remove it)", path);
        if (!S_ISREG(st.st_mode)) return tfb_fail(err, "%.3000s exists and is not a regular file", path);
        if (unlink(path) != 0) return tfb_fail(err, "cannot replace %.3000s: %s", path, strerror(errno));
    }
    /* O_EXCL|O_NOFOLLOW: a link or file planted between the unlink and here fails the open instead of being used */
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0 && (errno == EEXIST || errno == ELOOP))
        return tfb_fail(err, "%.3000s appeared while it was being created (another process writes there)", path);
    if (fd < 0) return tfb_fail(err, "cannot create %.3000s: %s", path, strerror(errno));
    return fd;
}

/* A folder whose entries only this user (or root) can rename or replace: owned by one of them, and either not
 * writable by group and others or sticky (/tmp: others cannot move what is ours). */
static int holds_entries_safely(const struct stat *st)
{
    int trusted_owner = st->st_uid == geteuid() || st->st_uid == 0;
    return trusted_owner && (!(st->st_mode & (S_IWGRP | S_IWOTH)) || (st->st_mode & S_ISVTX));
}

/* Every folder above path (as resolved, links followed): another user who may rename an entry of one of them could
 * swap the checked folder for their own after the check. */
static int check_ancestors(const char *path, const char *what, tfb_error *err)
{
    char resolved[PATH_MAX];
    struct stat st;
    if (!realpath(path, resolved)) return tfb_fail(err, "%s %.3000s: %s", what, path, strerror(errno));
    for (char *slash = strrchr(resolved, '/'); slash; slash = strrchr(resolved, '/')) {
        if (slash == resolved) slash[1] = '\0';
        else *slash = '\0';
        if (stat(resolved, &st) != 0) return tfb_fail(err, "%s %.3000s: %s", what, resolved, strerror(errno));
        if (!holds_entries_safely(&st))
            return tfb_fail(err, "%s %.3000s lies in %.3000s, which another user may change (owned by uid %ld, mode "
                            "%03o): use a folder of your own", what, path, resolved, (long)st.st_uid,
                            (unsigned)(st.st_mode & 0777));
        if (slash == resolved) break;
    }
    return TFB_OK;
}

int tfb_check_private_dir(const char *path, const char *what, tfb_error *err)
{
    struct stat st;
    if (stat(path, &st) != 0) return tfb_fail(err, "%s %.3000s: %s", what, path, strerror(errno));
    if (!S_ISDIR(st.st_mode)) return tfb_fail(err, "%s %.3000s is not a folder", what, path);
    if (st.st_uid != geteuid())
        return tfb_fail(err, "%s %.3000s belongs to uid %ld, not to this user (uid %ld): another user could put files "
                        "there that this process would trust; use a folder of your own", what, path,
                        (long)st.st_uid, (long)geteuid());
    if (st.st_mode & (S_IWGRP | S_IWOTH))
        return tfb_fail(err, "%s %.3000s is writable by %s (mode %03o): another user could put files there that this "
                        "process would trust; chmod go-w it or use a folder of your own", what, path,
                        st.st_mode & S_IWOTH ? "others" : "its group", (unsigned)(st.st_mode & 0777));
    return check_ancestors(path, what, err);
}

int tfb_make_dirs(const char *path, unsigned leaf_mode, const char *what, tfb_error *err)
{
    char copy[4096];
    if (!path[0]) return tfb_fail(err, "%s is empty", what);
    if (snprintf(copy, sizeof copy, "%s", path) >= (int)sizeof copy)
        return tfb_fail(err, "%s is too long (%zu bytes): %.200s...", what, strlen(path), path);
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/') continue;
        *p = '\0';
        int failed = mkdir(copy, 0755) != 0 && errno != EEXIST;
        *p = '/';
        if (failed) return tfb_fail(err, "%s %.3000s: cannot create %.3000s: %s", what, path, copy, strerror(errno));
    }
    if (mkdir(copy, (mode_t)leaf_mode) != 0 && errno != EEXIST)
        return tfb_fail(err, "%s %.3000s: cannot create it: %s", what, path, strerror(errno));
    return TFB_OK;
}

int tfb_make_private_dir(const char *path, const char *what, tfb_error *err)
{
    if (tfb_make_dirs(path, 0700, what, err) != TFB_OK) return TFB_ERROR;
    return tfb_check_private_dir(path, what, err);
}

int tfb_user_cache_dir(const char *sub, char *out, size_t size)
{
    tfb_error ignored;
    const struct passwd *user = getpwuid(geteuid());
    if (!user || !user->pw_dir || user->pw_dir[0] != '/' ||
        tfb_check_private_dir(user->pw_dir, "home", &ignored) != TFB_OK)
        return TFB_ERROR;
    int n = snprintf(out, size, "%s/.cache/%s", user->pw_dir, sub);
    return n > 0 && (size_t)n < size ? TFB_OK : TFB_ERROR;
}

/* The pid the holder wrote into the lock file, for the message; 0 when unknown. */
static long holder_pid(int fd)
{
    char text[32] = "";
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    long pid = 0;
    if (n > 0) text[n] = '\0', sscanf(text, "%ld", &pid);
    return pid;
}

static void record_holder(int fd)
{
    char text[32];
    int n = snprintf(text, sizeof text, "%ld\n", (long)getpid());
    if (ftruncate(fd, 0) != 0) return;
    ssize_t written = pwrite(fd, text, (size_t)n, 0);
    (void)written;  /* the pid is only for the message of a run that finds the folder locked */
}

int tfb_lock_dir(const char *dir, int *fd, tfb_error *err)
{
    char path[4096];
    *fd = -1;
    if (snprintf(path, sizeof path, "%s/" TFB_LOCK_FILE, dir) >= (int)sizeof path)
        return tfb_fail(err, "output folder path too long (%zu bytes): %.200s...", strlen(dir), dir);
    int lock = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0644);
    if (lock < 0 && errno == ELOOP)
        return tfb_fail(err, "%.3000s is a symbolic link: refusing to use it as the folder's lock (remove it)", path);
    if (lock < 0) return tfb_fail(err, "cannot open the lock file %.3000s: %s", path, strerror(errno));
    struct stat st;
    /* one link only: the pid is written into it, and a hard link planted there could name another file */
    if (fstat(lock, &st) != 0 || !S_ISREG(st.st_mode) || st.st_nlink != 1) {
        close(lock);
        return tfb_fail(err, "the lock file %.3000s is not a regular file of its own (remove it)", path);
    }
    if (flock(lock, LOCK_EX | LOCK_NB) != 0) {
        int busy = errno == EWOULDBLOCK, saved = errno;
        long pid = busy ? holder_pid(lock) : 0;
        close(lock);
        if (!busy) return tfb_fail(err, "cannot lock %.3000s: %s", path, strerror(saved));
        char by[48] = "";
        if (pid > 0) snprintf(by, sizeof by, " (pid %ld)", pid);
        return tfb_fail(err, "%.3000s is in use by another tfbench run%s (it holds %s): wait for it to finish or "
                        "choose another folder", dir, by, TFB_LOCK_FILE);
    }
    record_holder(lock);
    *fd = lock;
    return TFB_OK;
}
