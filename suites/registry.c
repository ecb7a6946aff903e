/* The suites, in the order the default run executes them. Adding a benchmark: one suite file, one kernel file,
 * one line in each list below. */
#include <string.h>
#include "tfbench/suite.h"

extern const tfb_suite tfb_suite_stream;
extern const tfb_suite tfb_suite_peak;
extern const tfb_suite tfb_suite_gemv;
extern const tfb_suite tfb_suite_gemm;
extern const tfb_suite tfb_suite_attention;
extern const tfb_suite tfb_suite_flash;
extern const tfb_suite tfb_suite_decode;
extern const tfb_suite tfb_suite_intensity;
extern const tfb_suite tfb_suite_cache;

static const tfb_suite *const SUITES[] = {
    &tfb_suite_stream,
    &tfb_suite_peak,
    &tfb_suite_gemv,
    &tfb_suite_gemm,
    &tfb_suite_attention,
    &tfb_suite_flash,
    &tfb_suite_decode,
    &tfb_suite_intensity,
    &tfb_suite_cache,
};

const tfb_suite *const *tfb_suite_registry(size_t *count)
{
    *count = sizeof SUITES / sizeof SUITES[0];
    return SUITES;
}

const tfb_suite *tfb_suite_find(const char *name)
{
    size_t count;
    const tfb_suite *const *all = tfb_suite_registry(&count);
    for (size_t i = 0; i < count; i++)
        if (strcmp(all[i]->name, name) == 0) return all[i];
    return NULL;
}
