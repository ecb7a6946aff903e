/* Sweeps declared, not spelled: a suite's table entry lists its axes with the values of the default run and of
 * --quick, and this is the one place that picks between them. */
#include <stdio.h>
#include "tfbench/suite.h"

tfb_axis_list tfb_axis_values(const tfb_workload *workload, const tfb_axis *axis)
{
    if (workload->quick) return axis->quick;
    if (workload->suites_named && axis->named.count) return axis->named;
    return axis->normal;
}

size_t tfb_axis_value(const tfb_workload *workload, const tfb_axis *axis)
{
    tfb_axis_list list = tfb_axis_values(workload, axis);
    return list.count ? list.values[0] : 0;
}

static void print_list(const char *label, tfb_axis_list list, FILE *out)
{
    fprintf(out, " %s ", label);
    for (size_t i = 0; i < list.count; i++) fprintf(out, "%s%zu", i ? "," : "", list.values[i]);
}

void tfb_suite_print_axes(const tfb_suite *suite, FILE *out)
{
    for (size_t i = 0; i < suite->axis_count; i++) {
        const tfb_axis *axis = suite->axes[i];
        fprintf(out, "      %-16s", axis->name);
        print_list("default", axis->normal, out);
        print_list("| --quick", axis->quick, out);
        if (axis->named.count) print_list("| --suite", axis->named, out);
        fprintf(out, "  (%s)\n", axis->meaning);
    }
}
