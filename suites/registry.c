/* The suites, in the order the default run executes them. Adding a benchmark: one suite file, one kernel file,
 * one line in this list (the suite file defines `const tfb_suite tfb_suite_<name>`). The run reaches them, and the
 * read kernel's ladder and recheck, through the catalog (tfbench/session.h). */
#include "tfbench/read_probe.h"
#include "tfbench/registry.h"

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

static const tfb_catalog CATALOG = {SUITES, sizeof SUITES / sizeof SUITES[0], tfb_run_measure_ladder,
                                    tfb_run_recheck_read_ceiling, tfb_local_roof_measure, tfb_local_roof_release};

const tfb_catalog *tfb_suites_catalog(void)
{
    return &CATALOG;
}
