/* One device's share of a run, in supervised worker processes (supervisor.c). */
#ifndef TFBENCH_HOST_RUN_SUPERVISOR_H
#define TFBENCH_HOST_RUN_SUPERVISOR_H

#include "tfbench/session.h"

/* Runs the session's steps on flat device `device_index` into results (initialised here), worker after worker
 * until every step ran or was lost; label ("d2: " or "") starts the device line. Returns the failed benchmarks
 * (each lost step counts one), or -1 with err when the device could not be opened. */
int supervise_device(const tfb_session *s, size_t device_index, const char *label, tfb_results *results,
                     tfb_error *err);

#endif
