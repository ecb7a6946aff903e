/* Read bandwidth right now, for a suite that needs its roof measured beside its own timing (the layer suite
 * brackets a decode step with it): the stream suite's read_sum kernel (kernels/stream.cl) over one buffer of the
 * run's out-of-cache size (within one allocation), timed like every kernel, its partial sums checked. */
#ifndef TFBENCH_READ_PROBE_H
#define TFBENCH_READ_PROBE_H

#include "tfbench/suite.h"

typedef struct tfb_read_probe {
    cl_mem data, partial;
    cl_kernel kernel;
    tfb_launch launch;
    size_t count, items, item_floats;  /* floats read, work-items (one partial sum each), floats per item */
    size_t group;             /* work-group size; GPU layout (interleaved blocks) when `interleaved` */
    unsigned vec;
    int interleaved;
    uint32_t seed;
} tfb_read_probe;

/* TFB_SKIP (with the reason) when the device has no room for the buffer. */
int tfb_read_probe_setup(tfb_run *run, tfb_read_probe *p, tfb_error *err);
/* About 0.1 s of samples; *gbps = bytes read and written / median time. */
int tfb_read_probe_measure(tfb_run *run, tfb_read_probe *p, double *gbps, tfb_error *err);
void tfb_read_probe_release(tfb_read_probe *p);

#endif
