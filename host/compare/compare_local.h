/* The local roof's reading inside host/compare (compare_local.c): the reader takes it from each benchmark object. */
#ifndef TFBENCH_COMPARE_LOCAL_H
#define TFBENCH_COMPARE_LOCAL_H
#include <cjson/cJSON.h>
#include "tfbench/compare.h"

#define TFB_COMPARE_KEY_LOCAL_ROOF "local_roof"
#define TFB_COMPARE_LOCAL_ROOF_EPS 1e-6  /* a roof this close to the peak is the peak */

/* local_roof {before_gbps, after_gbps, before_gflops, after_gflops} into gbps and gflops; a pair absent (or the
   whole field) is 0; bad input (not an object, one side of a pair missing, not a positive finite number) fails
   naming the benchmark and the field. */
int tfb_compare_read_local_roof(const cJSON *bench, const char *name, double gbps[2], double gflops[2],
                                tfb_error *err);

typedef enum tfb_bound { TFB_BOUND_UNKNOWN, TFB_BOUND_MEMORY, TFB_BOUND_COMPUTE } tfb_bound;
/* Memory: bytes without FLOPs, or a roof_gflops under the peak of its dtype in the file's ceilings (any roof_gflops
   when the file has no peak). Compute: FLOPs without bytes, or a roof_gflops at that peak. Else unknown. */
tfb_bound tfb_compare_bound(const tfb_compare_entry *e, const tfb_compare_ceilings *c);

#endif
