/* libFuzzer target: the shared results reader (report, --native, model --measured) must turn any bytes into either
 * a validated document or an error message; a validated document must then draw (chart, HTML, the file as its own
 * --native) and load as tfbench-native points without a crash, leak or undefined behaviour (float-to-int
 * conversions included). */
#include "fuzz_input.h"
#include "tfbench/native.h"
#include "tfbench/report.h"
#include "tfbench/results_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void draw(const cJSON *root)
{
    tfb_report_data report;
    tfb_error err = {{0}};
    char *svg = NULL, *html = NULL;
    if (tfb_report_data_load(&report, root, root, &err) != TFB_OK) {
        FUZZ_REQUIRE_MESSAGE(err);
        return;
    }
    if (tfb_report_svg(&report, &svg, &err) == TFB_OK) tfb_report_html(&report, svg, &html, &err);
    free(svg);
    free(html);
    tfb_report_data_free(&report);
}

static void add_native(const cJSON *root)
{
    tfb_results results;
    tfb_error err = {{0}};
    tfb_results_init(&results);
    if (tfb_results_add_native(&results, root, "fuzz.json", &err) == TFB_OK) tfb_results_apply_roofline(&results);
    else FUZZ_REQUIRE_MESSAGE(err);
    tfb_results_free(&results);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *root = NULL;
    tfb_error err = {{0}};
    if (tfb_results_parse((const char *)data, size, &root, &err) == TFB_OK) {
        draw(root);
        add_native(root);
        cJSON_Delete(root);
    } else {
        FUZZ_REQUIRE_MESSAGE(err);
    }
    return 0;
}
