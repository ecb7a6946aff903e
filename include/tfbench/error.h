/* Error reporting: every failing call leaves a readable message in a tfb_error. */
#ifndef TFBENCH_ERROR_H
#define TFBENCH_ERROR_H

#include <CL/cl.h>

/* Return codes shared by the whole API. TFB_SKIP means "cannot run here" (too big, unsupported), not a failure. */
enum { TFB_OK = 0, TFB_ERROR = -1, TFB_SKIP = 1 };

typedef struct tfb_error {
    char message[4096];
} tfb_error;

/* Formats the message and returns TFB_ERROR, so callers can write `return tfb_fail(err, ...)`. */
int tfb_fail(tfb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Like tfb_fail, returning TFB_SKIP: the message is the reason shown as "skipped: ...". */
int tfb_skip(tfb_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "clCreateBuffer failed: CL_MEM_OBJECT_ALLOCATION_FAILURE (-4)" */
int tfb_cl_fail(tfb_error *err, const char *call, cl_int status);
const char *tfb_cl_error_name(cl_int status);

#define TFB_CL_CHECK(err, call, status)                                                            \
    do {                                                                                           \
        cl_int tfb_status_ = (status);                                                             \
        if (tfb_status_ != CL_SUCCESS) return tfb_cl_fail((err), (call), tfb_status_);             \
    } while (0)

#endif
