#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "tfbench/kernels.h"
#include "tfbench/file_io.h"

#define MAX_KERNEL_SOURCE (16u << 20)

static int copy_embedded(const char *file, char **source, size_t *length, tfb_error *err)
{
    for (const tfb_embedded_kernel *k = tfb_embedded_kernels; k->file; k++) {
        if (strcmp(k->file, file) != 0) continue;
        *source = malloc(k->length + 1);
        if (!*source) return tfb_fail(err, "out of memory copying kernel %s", file);
        memcpy(*source, k->source, k->length);
        (*source)[k->length] = '\0';
        *length = k->length;
        return TFB_OK;
    }
    return tfb_fail(err, "no embedded kernel named %s (rebuild tfbench, or use --kernel-dir)", file);
}

int tfb_kernel_source(const char *kernel_dir, const char *file, char **source, size_t *length, tfb_error *err)
{
    *source = NULL;
    *length = 0;
    char path[4096];
    if (!kernel_dir) return copy_embedded(file, source, length, err);
    int n = snprintf(path, sizeof path, "%s/%s", kernel_dir, file);
    /* A cut path, or one the system cannot look up, would silently mean the embedded kernel: refuse both. */
    if (n < 0 || (size_t)n >= sizeof path)
        return tfb_fail(err, "--kernel-dir: the path of %s would be %d bytes, over the limit of %zu", file, n,
                        sizeof path - 1);
    /* A development folder may override only some kernels; the others come from the binary. */
    if (access(path, F_OK) != 0) {
        if (errno == ENOENT) return copy_embedded(file, source, length, err);
        return tfb_fail(err, "--kernel-dir: cannot look up %.300s: %s", path, strerror(errno));
    }
    return tfb_read_file(path, MAX_KERNEL_SOURCE, source, length, err);
}
