/* PoCL's environment, checked before the driver reads it: PoCL takes a bad value without a word and then crashes
 * (POCL_MAX_PTHREAD_COUNT=-1: a segfault inside clGetDeviceIDs) or shows no device (POCL_CACHE_DIR=/proc/x, which
 * would read as "install PoCL"). Its kernel cache holds compiled code the process runs, so the folder must be this
 * user's alone; without HOME (env -i) PoCL would fall back to the shared /tmp/pocl, so tfbench names one first. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/device.h"
#include "tfbench/file_io.h"
#include "tfbench/parse.h"

#define MAX_DRIVER_THREADS 4096

/* An unset variable, or a whole number in [lo, hi] written as plain digits (no sign, no spaces). */
static int check_count(const char *name, long lo, long hi, tfb_error *err)
{
    const char *text = getenv(name);
    if (!text) return TFB_OK;
    unsigned long long value;
    tfb_error ignored;
    if (tfb_parse_whole(text, (unsigned long long)hi, &value, &ignored) == TFB_OK && value >= (unsigned long long)lo)
        return TFB_OK;
    return tfb_fail(err, "%s=\"%.100s\": needs a whole number from %ld to %ld (PoCL would misbehave on it)", name,
                    text, lo, hi);
}

static int set_cache_dir(const char *path, tfb_error *err)
{
    if (setenv("POCL_CACHE_DIR", path, 1) != 0) return tfb_fail(err, "cannot set POCL_CACHE_DIR: %s", strerror(errno));
    return TFB_OK;
}

/* Where PoCL's kernel cache goes when the environment names no place for it (no POCL_CACHE_DIR, XDG_CACHE_HOME or
 * HOME): beside tfbench's tuning cache, else in this user's home, else a new private folder. */
static int name_cache_dir(tfb_error *err)
{
    char path[4096];
    const char *tuning = getenv("TFB_CACHE_DIR");
    if (tuning && *tuning) {
        if (snprintf(path, sizeof path, "%s/pocl", tuning) >= (int)sizeof path)
            return tfb_fail(err, "TFB_CACHE_DIR is too long (%zu bytes)", strlen(tuning));
        return set_cache_dir(path, err);
    }
    if (tfb_user_cache_dir("pocl/kcache", path, sizeof path) == TFB_OK) return set_cache_dir(path, err);
    const char *tmp = getenv("TMPDIR");
    if (snprintf(path, sizeof path, "%s/tfbench-pocl.XXXXXX", tmp && *tmp ? tmp : "/tmp") >= (int)sizeof path)
        return tfb_fail(err, "TMPDIR is too long (%zu bytes)", strlen(tmp));
    if (!mkdtemp(path)) return tfb_fail(err, "cannot create a private folder for PoCL's kernel cache (%s): %s", path,
                                        strerror(errno));
    return set_cache_dir(path, err);
}

static int check_cache_dir(tfb_error *err)
{
    const char *dir = getenv("POCL_CACHE_DIR");
    if (!dir) {
        const char *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
        if ((xdg && *xdg) || (home && *home)) return TFB_OK;  /* PoCL's own choice, in the user's folders */
        if (name_cache_dir(err) != TFB_OK) return TFB_ERROR;
        dir = getenv("POCL_CACHE_DIR");
    }
    return tfb_make_private_dir(dir, "POCL_CACHE_DIR", err);
}

int tfb_driver_env_check(tfb_error *err)
{
    if (check_count("POCL_MAX_PTHREAD_COUNT", 1, MAX_DRIVER_THREADS, err) != TFB_OK) return TFB_ERROR;
    if (check_count("POCL_AFFINITY", 0, 1, err) != TFB_OK) return TFB_ERROR;
    return check_cache_dir(err);
}

void tfb_driver_env_describe(char *out, size_t size)
{
    extern char **environ;
    size_t used = 0;
    out[0] = '\0';
    for (char **entry = environ; entry && *entry && used + 1 < size; entry++) {
        if (strncmp(*entry, "POCL_", 5) != 0) continue;
        int n = snprintf(out + used, size - used, "%s%.200s", used ? ", " : "", *entry);
        if (n < 0) break;
        used += (size_t)n < size - used ? (size_t)n : size - used - 1;
    }
}
