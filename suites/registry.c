/* The suites, in the order the default run executes them. Adding a benchmark: one suite file, one kernel file,
 * one line in this list (the suite file defines `const tfb_suite tfb_suite_<name>`). */
#include <string.h>
#include "tfbench/suite.h"

#define TFB_SUITES(X) \
    X(stream)         \
    X(peak)           \
    X(gemv)           \
    X(gemm)           \
    X(attention)      \
    X(flash)          \
    X(decode)         \
    X(layer)          \
    X(intensity)      \
    X(cache)

#define TFB_DECLARE_SUITE(name) extern const tfb_suite tfb_suite_##name;
#define TFB_SUITE_ENTRY(name) &tfb_suite_##name,

TFB_SUITES(TFB_DECLARE_SUITE)

static const tfb_suite *const SUITES[] = {TFB_SUITES(TFB_SUITE_ENTRY)};

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
