/* Reading whole files: kernels, model configs and results files all come through here, so the size limit and the
 * "not a regular file" refusal are the same for every reader. */
#ifndef TFBENCH_FILE_IO_H
#define TFBENCH_FILE_IO_H

#include <stddef.h>
#include "tfbench/error.h"

/* Reads a whole file (NUL-terminated); refuses files over max_bytes. */
int tfb_read_file(const char *path, size_t max_bytes, char **data, size_t *length, tfb_error *err);

#endif
