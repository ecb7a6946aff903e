/* libFuzzer target: fleet files (tfbench compare FLEET.json) and the rank files fleet-report reads are untrusted
   input: any byte string must become a fleet, a compare report, the text and HTML reports, or an error message,
   never a crash, leak or undefined behaviour. The input is read as a fleet file, and as one rank's state and
   results. Built with -DTFB_FUZZ=ON (clang). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/compare.h"
#include "tfbench/fleet.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Everything that reads a fleet file: the compare of each rank against the rest, the text and HTML reports. */
static void read_fleet(const cJSON *fleet)
{
    char *text = NULL, *html = NULL;
    size_t length = 0;
    tfb_error err;
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *fleet = NULL;
    tfb_error err;
    int rc = tfb_fleet_parse((const char *)data, size, &fleet, &err);
    if (rc == TFB_OK) read_fleet(fleet);
    else if (rc == TFB_ERROR && (!memchr(err.message, '\0', sizeof err.message) || !err.message[0]))
        __builtin_trap();  /* an error must always come with a message */
    cJSON_Delete(fleet);
    tfb_fleet_input input = {(const char *)data, size, (const char *)data, size};
    tfb_fleet_rule rule = {TFB_FLEET_THRESHOLD, TFB_FLEET_MAD_LIMIT};
    if (tfb_fleet_build(&input, 1, &rule, &fleet, &err) == TFB_OK) {
        read_fleet(fleet);
        cJSON_Delete(fleet);
    }
    return 0;
}
