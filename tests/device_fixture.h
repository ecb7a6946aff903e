/* The cmocka fixture of the tests that need the OpenCL device (PoCL in CI): device 0 opened before the group, closed
 * after it, with two folder paths a test may use (kernels, a cache). Tests only. */
#ifndef TFBENCH_TESTS_DEVICE_FIXTURE_H
#define TFBENCH_TESTS_DEVICE_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tfbench/context.h"

typedef struct fixture {
    tfb_context ctx;
    char dir[1024], other_dir[1024];
} fixture;

/* Opens device 0 into a new fixture; *state holds it even when opening failed (so the teardown can free it). */
static inline int fixture_open(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    tfb_error err;
    if (!f) return -1;
    int rc = tfb_context_open_spec(&f->ctx, "0", NULL, &err);
    *state = f;
    return rc == TFB_OK ? 0 : -1;
}

static inline void fixture_close(fixture *f)
{
    tfb_context_close(&f->ctx);
    free(f);
}

/* fixture_open with a tuning cache of the test's own: TFB_CACHE_DIR = f->dir = /tmp/tfbench-test-NAME-PID/cache. */
static inline int fixture_open_cache(void **state, const char *name)
{
    int rc = fixture_open(state);
    fixture *f = *state;
    if (!f) return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/tfbench-test-%s-%ld/cache", name, (long)getpid());
    setenv("TFB_CACHE_DIR", f->dir, 1);
    return rc;
}

/* Writes `text` to `path` (a test's own file), failing the process when it cannot. */
static inline void fixture_write_text(const char *path, const char *text)
{
    FILE *file = fopen(path, "w");
    if (!file || fputs(text, file) < 0 || fclose(file) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(1);
    }
}

/* Removes the cache folder and its parent (each test removes its own files first), then closes. */
static inline void fixture_close_cache(fixture *f)
{
    rmdir(f->dir);
    char *slash = strrchr(f->dir, '/');
    if (slash) *slash = '\0', rmdir(f->dir);
    fixture_close(f);
}

#endif
