/* What the fleet commands do with a fleet file, for the fleet targets: compare each rank against the rest (JSON and
 * text, two metrics), the text report and the HTML report. None may crash, leak or hit undefined behaviour. */
#ifndef TFB_FUZZ_FLEET_COMMON_H
#define TFB_FUZZ_FLEET_COMMON_H

#include <stdio.h>
#include <stdlib.h>
#include "tfbench/compare.h"
#include "tfbench/fleet.h"

static inline void fuzz_read_fleet(const cJSON *fleet)
{
    char *text = NULL, *html = NULL;
    size_t length = 0;
    tfb_error err = {{0}};
    FILE *out = open_memstream(&text, &length);
    if (!out) return;
    tfb_fleet_compare_options options = {.metric = TFB_METRIC_TIME, .threshold = 0.1, .alpha = 0.05, .json = 1};
    tfb_fleet_compare(fleet, "fuzz", &options, out, &err);
    options.json = 0;
    options.metric = TFB_METRIC_GFLOPS;
    tfb_fleet_compare(fleet, "fuzz", &options, out, &err);
    tfb_fleet_print_report(fleet, out);
    fclose(out);
    free(text);
    if (tfb_fleet_html(fleet, &html, &err) == TFB_OK) free(html);
}

#endif
