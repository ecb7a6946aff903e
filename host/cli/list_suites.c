/* tfbench --list-suites [--verbose]: the suites of the registry, in its order; with --verbose each one's sweep axes
 * as its table entry declares them (default values, --quick values, those of --suite NAME where they differ). */
#include <stdio.h>
#include "cli.h"
#include "tfbench/suite.h"

void tfb_cli_list_suites(FILE *out, int verbose)
{
    size_t count;
    const tfb_suite *const *all = tfb_suite_registry(&count);
    for (size_t i = 0; i < count; i++) {
        fprintf(out, "  %-10s %s%s\n", all[i]->name, all[i]->description, all[i]->in_default_run ? "" : " (opt-in)");
        if (verbose) tfb_suite_print_axes(all[i], out);
    }
    if (verbose)
        fputs("  An option that sets an axis (--batch, --seq, --kv-heads, --head-dim, --shape, --model) replaces its "
              "values.\n", out);
}
