/* Loading tfbench-native results (tfbench --native FILE). */
#ifndef TFBENCH_NATIVE_H
#define TFBENCH_NATIVE_H

#include "tfbench/results.h"

/* Appends the file's "native/..." points to `results` and records the file and OpenBLAS core in the context. */
int tfb_results_load_native(tfb_results *results, const char *path, tfb_error *err);

#endif
