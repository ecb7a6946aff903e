/* Loading tfbench-native results (tfbench --native FILE). */
#ifndef TFBENCH_NATIVE_H
#define TFBENCH_NATIVE_H

#include "tfbench/results.h"

/* Appends the "native/..." points of a parsed tfbench-native file (tfb_report_load_results) to `results` and
 * records the file and OpenBLAS core in the context. */
int tfb_results_add_native(tfb_results *results, const cJSON *root, const char *path, tfb_error *err);

#endif
