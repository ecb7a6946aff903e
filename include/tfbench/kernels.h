/* Kernel sources: embedded at build time, or read from --kernel-dir for development. */
#ifndef TFBENCH_KERNELS_H
#define TFBENCH_KERNELS_H

#include <stddef.h>
#include "tfbench/error.h"

typedef struct tfb_embedded_kernel {
    const char *file;
    const char *source;
    size_t length;
} tfb_embedded_kernel;

extern const tfb_embedded_kernel tfb_embedded_kernels[];  /* ends with a {0} entry */

/* Returns a malloc'ed, NUL-terminated copy of the source of `file` (e.g. "stream.cl"): kernel_dir/file when it
 * exists, otherwise the embedded copy. */
int tfb_kernel_source(const char *kernel_dir, const char *file, char **source, size_t *length, tfb_error *err);

#endif
