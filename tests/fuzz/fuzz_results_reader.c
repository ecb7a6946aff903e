/* libFuzzer target: the shared results reader (report, --native, model --measured) must turn any byte string into
   either a validated document or an error message; a validated document must then draw (chart, HTML) without a
   crash, leak or undefined behaviour (float-to-int conversions included). Built with -DTFB_FUZZ=ON (clang). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "tfbench/report.h"
#include "tfbench/results_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void draw(const cJSON *root)
{
    tfb_report_data report;
    tfb_error err;
    char *svg = NULL, *html = NULL;
    if (tfb_report_data_load(&report, root, root, &err) != TFB_OK) return;  /* the file as its own --native */
    if (tfb_report_svg(&report, &svg, &err) == TFB_OK) tfb_report_html(&report, svg, &html, &err);
    free(svg);
    free(html);
    tfb_report_data_free(&report);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = NULL;
    tfb_error err;
    if (tfb_results_parse((const char *)data, size, &root, &err) == TFB_OK) {
        draw(root);
        cJSON_Delete(root);
    } else if (!memchr(err.message, '\0', sizeof err.message) || !err.message[0]) {
        __builtin_trap();  /* an error must always come with a message */
    }
    return 0;
}
